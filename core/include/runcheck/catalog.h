// The catalog: models, hardware, quantization formats, runtimes, prices. Data lives in
// catalog/*.json, is compiled in, validated once at load, and looked up by id.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runcheck/model.h"
#include "runcheck/result.h"

namespace runcheck {

struct Source {
  std::string url;
  std::string retrieved;  // YYYY-MM-DD the fact was read
};

struct ModelEntry {
  std::string id, name, family, kind, hf_repo, license, release_date;
  std::string default_quant;  // what people download when it is not Q4_K_M (gpt-oss: MXFP4_MOE)
  std::optional<double> params_total_b, params_active_b;  // as published (model card)
  ModelArch arch;
  uint64_t parameters = 0;  // from the tensor list (parameter_count), computed when loaded
  // An EAGLE-3 head (kind "draft-head"): a draft only, never a model on its own.
  bool draft_only() const { return kind == "draft-head"; }
  // Other names of the same weights that are not derivable from hf_repo or the downloads
  // (common spellings, the general.name GGUF files print); names.h adds the derived ones.
  std::vector<std::string> aliases;
  std::vector<Source> sources;
};

enum class HardwareKind : uint8_t { kGpu, kApple, kApu, kCpu };

struct HardwareEntry {
  std::string id, name, vendor, segment, architecture, memory_type;
  HardwareKind kind = HardwareKind::kGpu;
  std::optional<double> memory_gib;           // VRAM, or null where the buyer picks (Mac, CPU)
  std::vector<double> memory_options_gib;     // Apple / APU / CPU configurations
  std::optional<double> bandwidth_gb_s;       // vendor figure, decimal GB/s
  std::optional<double> fp16_tflops;          // dense, no sparsity, FP32 accumulate
  std::optional<double> fp16_tflops_fp16acc;  // dense, FP16 accumulate (GeForce: 2x)
  std::optional<double> fp32_tflops;          // FP32 vector (non-tensor)
  std::optional<double> int8_tops;            // dense INT8 tensor TOPS, no sparsity
  std::optional<double> tdp_w, idle_w;
  std::optional<int> gpu_cores;
  // NVIDIA streaming multiprocessors (AMD: 64-lane compute units) and the boost clock: the rate
  // at which the GPU issues
  // instructions (SMs x clock), which bounds a decode matmul that dequantizes each weight it
  // reads when the card's bandwidth per SM-cycle is high (speed.h, issue-bound decode).
  std::optional<int> sm_count;
  std::optional<double> boost_clock_mhz;
  std::optional<double> pcie_gen, pcie_lanes;  // host link of a discrete card
  // A named processor (kind cpu): physical cores, base clock and the core design's peak FP32
  // FLOPs per cycle, whose product is the peak CPU prefill is measured against.
  std::optional<int> cpu_cores, cpu_threads;
  std::optional<double> cpu_base_clock_mhz, cpu_boost_clock_mhz, cpu_fp32_flops_per_cycle;
  std::vector<std::string> backends;  // cuda, rocm, vulkan, metal, sycl, cpu
  std::optional<double> launch_price_usd, street_price_usd;
  std::string street_price_date, street_price_kind, release_date;
  // Names tools print for this part: nvidia-smi / CUDA, ROCm (incl. the gfx target), Vulkan,
  // Metal and system_profiler, SYCL; one printed name may stand for several entries (memory or
  // GPU cores then decide, see names.h).
  std::vector<std::string> aliases;
  std::vector<Source> sources;
};
// The family a speed figure groups hardware by: "apple" for a Mac, else the vendor.
inline std::string hardware_family(const HardwareEntry& h) {
  return h.kind == HardwareKind::kApple ? "apple" : h.vendor;
}

struct QuantEntry {
  std::string id;    // "Q4_K_M", "AWQ-4bit", "MLX-4bit"
  std::string kind;  // gguf | safetensors | awq | gptq | exl2 | bnb | mlx | nvfp4
  std::optional<double> bits_per_weight;  // for non-GGUF formats (flat); GGUF uses per-tensor rules
  std::vector<std::string> runtimes;
  std::string description;
  std::vector<Source> sources;
};

struct RuntimeEntry {
  std::string id, name, license, default_kv_type;
  std::vector<std::string> os, backends, formats;
  std::optional<double> default_context_tokens;  // 0 = the model's training context
  std::vector<Source> sources;
};

struct CloudOffer {
  std::string id, provider, offer, gpu, billing, region, price_date;
  int gpu_count = 1;
  double usd_per_hour = 0;  // on demand, for all gpu_count GPUs
  std::vector<Source> sources;
};

struct ApiPrice {
  std::string id, provider, model, open_model, price_date;  // open_model: catalog model id or ""
  std::string retired;  // the date the provider withdrew this price, "" while it is current
  std::optional<double> input_usd_per_mtok, output_usd_per_mtok, cached_input_usd_per_mtok;
  std::optional<double> context_tokens;
  std::vector<Source> sources;
};

// One published speed measurement (llama-bench ppN / tgN), mapped to catalog ids.
struct BenchmarkRow {
  std::string id, model, quant, hardware,
      backend;  // backend: cuda | rocm | vulkan | metal | sycl | cpu
  int n_devices = 1;
  bool decode = true;   // tg (decode) or pp (prefill)
  uint32_t tokens = 0;  // N of tgN / ppN
  double value_tps = 0;
  std::optional<double> ram_gib;
  // The system RAM's rated bandwidth the run's notes state (modules x MT/s x 8 B), GB/s: layers
  // and experts it holds are read at that rate. Unset: the estimate's assumption.
  std::optional<double> ram_gb_s;
  std::string test_detail;
  std::vector<Source> sources;
  // How the run was made (from test_detail, calibration_rows.h): the estimate that predicts it
  // uses the same settings. flash_attn "on" | "off" | "" (not stated: the runtime's default).
  std::string runtime = "llama.cpp", flash_attn, kv_type = "f16";
  std::optional<int> gpu_layers, n_cpu_moe, ubatch;
  std::optional<int> threads;  // llama.cpp --threads of a CPU run, when stated
  uint32_t depth = 0;          // tokens already in the cache (llama-bench "@ dD", server prompt)
  std::string kind = "bench";  // bench | server | wall-time (calibration_rows.h RowSettings)
  std::string submitter;       // who ran it, when one publication gathers many (source groups)
  // A llama.cpp-based program with kernels of its own that ran it ("llamafile"; "" = the
  // runtime itself): its decode runs are not llama.cpp's (speed_calibration.cpp).
  std::string engine;
  uint32_t build = 0;  // llama.cpp build number the run names (0: not named)
  // The catalog CPU the run names beside its discrete GPU ("": none named or not in the
  // catalog): the host its decode's per-layer cost ran on (speed.h, SpeedFeatures::host_scale).
  std::string host;
};

// A literal line a runtime prints when a load or a run fails (catalog/errors.json): what it
// means and what fixes it. The log reader recognises a line by `match` (a substring).
struct ErrorEntry {
  std::string id, runtime, category, match, example, meaning;
  std::string severity = "error";       // error | warning | info (an expected, explanatory line)
  bool example_is_constructed = false;  // built from the format string: no public log found
  std::vector<std::string> causes;
  std::vector<std::string> fix_texts, fix_syntax;  // parallel; syntax "" when none
  std::vector<Source> sources;
};

// A Learn entry (catalog/glossary.json): a term explained in plain words, with examples whose
// numbers are engine templates ("{{weights model=llama-3.1-8b quant=F16}}") rendered live.
struct GlossaryEntry {
  std::string id, term, category, short_text, body;
  std::vector<std::string> aliases;
  std::string example_text, example_request;  // the request as JSON text (opens the tool)
  std::string workflow_runtime, workflow_text, workflow_command;
  std::vector<std::string> related, errors;  // glossary ids; errors-KB ids
  std::vector<Source> sources;
  // A guide's live table: column heads, and rows whose cells (joined by a tab) are text with
  // engine templates, rendered like the entry's prose.
  std::vector<std::string> table_head, table_rows;
};

// A published benchmark score of a catalog model (catalog/quality.json), as its source prints it.
struct QualityScore {
  std::string id, model, benchmark, variant, setting, reported_by, date;
  double value = 0;
  bool base_model = false;  // measured on the pretrained (not instruct/chat) variant
  std::vector<Source> sources;
};

// A published quality loss of a GGUF file type against F16 (catalog/quant_loss.json).
struct QuantLoss {
  // metric: kld_mean | ppl | ppl_delta_pct | recovery_pct | score_delta | score_delta_pct;
  // format: gguf | awq | gptq | exl2 | exl3 | mlx | fp8 | nvfp4 | mxfp4 | bnb
  std::string id, type, format, model, metric, imatrix, dataset, baseline;  // "" = none
  double value = 0;
  std::optional<double> ppl, ppl_delta, baseline_value;
  std::vector<Source> sources;
};

// What "the best model for X" ranks by (catalog/use_cases.json): defaults a request can change.
struct UseCase {
  std::string id, name, benchmark, model_kind, description;  // benchmark "" = none in catalog
  double context = 0, min_decode_tps = 0;
  std::vector<Source> sources;
};

// Where a catalog model is downloaded for a runtime (catalog/downloads.json): a GGUF repository
// with the quants it publishes, an Ollama tag for one quant, or an MLX repository.
struct DownloadEntry {
  std::string id, model, runtime, name, variant, file_pattern;  // runtime: llama.cpp|ollama|mlx
  std::vector<std::string> quants;
  bool split = false;  // large quants come as -0000N-of-0000M parts
  std::vector<Source> sources;
};

struct Catalog {
  std::vector<ModelEntry> models;
  std::vector<HardwareEntry> hardware;
  std::vector<QuantEntry> quants;
  std::vector<RuntimeEntry> runtimes;
  std::vector<CloudOffer> clouds;
  std::vector<ApiPrice> apis;
  std::vector<BenchmarkRow> benchmarks;
  std::vector<ErrorEntry> errors;
  std::vector<GlossaryEntry> glossary;
  std::vector<QualityScore> scores;
  std::vector<QuantLoss> quant_loss;
  std::vector<UseCase> use_cases;
  std::vector<DownloadEntry> downloads;

  const ModelEntry* model(const std::string& id) const;
  const HardwareEntry* hw(const std::string& id) const;
  // "rtx-3090x2": the entry and the card count (1 without a suffix); null if unknown.
  const HardwareEntry* hw_cards(const std::string& spec, int& count) const;
  const QuantEntry* quant(const std::string& id) const;  // case-insensitive
};

// Parses and validates catalog files given as {file name -> JSON text}. Errors name the file,
// the entry and the field ("catalog/models.json: models[3] 'llama-3-8b': config.hidden_size ...").
Result<Catalog> load_catalog(const std::map<std::string, std::string>& files);

// The compiled-in catalog, loaded on first use. A build with invalid data fails its tests;
// at run time an invalid catalog yields an empty one and `builtin_catalog_error()` says why.
const Catalog& builtin_catalog();
// The compiled-in catalog files as {"models.json" -> text} (for the lints and the CLI).
std::map<std::string, std::string> builtin_catalog_files();
const std::string& builtin_catalog_error();

// What a buyer should know about a card beyond its numbers: its market segment, its age, how
// many published runs the speed model has for it, and a plain note for datacenter and laptop
// parts (from the segment; the catalog's own notes carry the cited details).
struct CardFacts {
  std::string segment, release_date, note;
  int measured_runs = 0;
};
CardFacts card_facts(const HardwareEntry& h);

}  // namespace runcheck
