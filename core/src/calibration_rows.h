// What one published speed row says about how it was run: its runtime, flash attention, KV
// type, layers offloaded, micro-batch, concurrency, speculative decoding and base model, read
// from the calibration CSV's `backend` and `test_detail` columns (shared/calibration/SET_C.md
// describes their wording). The accuracy scorer and `make benchmarks` rebuild each run's request
// from these, so a run is predicted with its own settings rather than llama-bench's defaults.
#pragma once

#include <optional>
#include <string>

namespace runcheck {

struct RowSettings {
  // The catalog runtime id the estimate uses ("llama.cpp" for llama.cpp and llamafile builds);
  // "" when the engine named is not one runcheck models (hipfire, SGLang, lucebox ...).
  std::string runtime = "llama.cpp";
  std::string engine = "llama.cpp";        // as named in the row, for groups and reasons
  std::optional<bool> flash_attn;          // stated on or off; unset: the runtime's own default
  bool flash_attn_stated_unknown = false;  // "flash-attn not stated" (a 2026 community run)
  std::string kv_type;                     // "q8_0" ...; "" when not stated or not llama.cpp's
  std::optional<int> gpu_layers, n_cpu_moe, ubatch;
  std::optional<int> threads;  // -t / --threads (a CPU run's thread count), when stated and valid
  std::optional<int> n_ctx;    // the context the run was loaded with ("n_ctx 32768"), when stated
  int concurrency = 1;
  bool aggregate = false;    // concurrency > 1 and the value is the sum over all requests
  bool speculative = false;  // "speculative decoding on" (draft, MTP, EAGLE, n-gram): decode only
  std::string spec_method;   // "mtp" when the row names it ("speculative decoding on (MTP)")
  std::optional<int> draft_max;  // --spec-draft-n-max / --draft-max / num_speculative_tokens
  std::string base_model;        // "org/name" after "base model "
  // The llama.cpp build number the row names ("build d11afd66 (2837)", "engine llama.cpp b8931");
  // for llamafile 0.9.x, the llama.cpp build it carries (kLlamafile09LlamacppBuild); 0 when it
  // names none.
  int build = 0;
  // What the value measures: llama-bench's (or LocalScore's) ppN / tgN; a server's prefill
  // (prompt / time to first token) or decode of one request; completion tokens over the whole
  // request's wall time (llmfit's llama.cpp, vLLM and MLX providers: the short prompt and HTTP
  // included); or a run whose prompt and output lengths were not recorded.
  enum class Kind { kBench, kServer, kWallTime, kLengthsUnknown } kind = Kind::kBench;
  // The machine's CPU as the tool that ran it printed it ("host Intel(R) Xeon(R) CPU E5-2680 v4
  // @ 2.40GHz (28 cores), RAM 31.19GB"): the name without its core count, and the RAM (GiB as
  // printed, 0 when not stated). "" when the row names no host.
  std::string host;
  double host_ram_gib = 0;
  // The system RAM's rated bandwidth (GB/s) where the row states its modules and their speed
  // ("32GB DDR4 ECC 2133 MT/s (8x4GB)"); 0 when it does not.
  double ram_gb_s = 0;
};

// llmfit's benchmark prompts: "about 10-60 tokens before the chat template" (SET_C.md, source 2);
// a wall-time row is predicted with this prompt ahead of its output.
inline constexpr int kLlmfitPromptTokens = 50;

// `backend` is the CSV's backend column ("vLLM CUDA", "llamafile Metal"); `detail` its
// test_detail. Never fails: what is not stated stays unset.
RowSettings parse_row_settings(const std::string& backend, const std::string& detail);

// "submitter SgtPooki;" in a localmaxxing row's source_note: one publication, many submitters
// (empty when the note names none).
std::string submitter_of(const std::string& note);

// The tokens already in the cache when a llama-bench decode row (`detail`) ran: 0 for llama-bench's
// own tgN, the row's prompt for a harness that decodes after it (kDecodeAfterPrompt, by the
// submitter in `note`).
int decode_depth_of(const std::string& note, const std::string& detail);

// A published quantization name in the catalog's spelling for `runtime`: "Q4_K - Medium" ->
// "Q4_K_M", vLLM "GPTQ" -> "GPTQ-4bit", MLX "4bit" -> "MLX-4bit". Names with no exact catalog
// format (Unsloth's per-model "UD-" mixes, "INT4") come back unchanged and stay unmapped.
std::string scoring_quant(const std::string& quant, const std::string& runtime);

}  // namespace runcheck
