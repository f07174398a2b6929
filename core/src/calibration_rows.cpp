// A calibration row's own settings, from the wording of shared/calibration (SET_C.md):
// "flash-attn on", "KV q8_0", "gpuLayers 99", "concurrency=8, value is aggregate ...",
// "speculative decoding on (MTP)", "base model Qwen/Qwen3.6-27B (28B)", and the command line
// after "cmd:" (-ngl, -fa, -ctk, -ub, --n-cpu-moe).
#include "calibration_rows.h"

#include <cctype>
#include <cstdlib>
#include <string_view>

#include "runcheck/memory.h"
#include "runcheck/options.h"

namespace runcheck {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The integer right after `key` (spaces skipped) at its first occurrence, if any.
std::optional<int> int_after(const std::string& s, std::string_view key) {
  const size_t at = s.find(key);
  if (at == std::string::npos) return std::nullopt;
  size_t i = at + key.size();
  while (i < s.size() && s[i] == ' ') ++i;
  if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  long v = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && v < 100000000; ++i)
    v = v * 10 + (s[i] - '0');
  return static_cast<int>(v);
}

// The word right after `key` (to the next space, comma or semicolon), "" if none.
std::string word_after(const std::string& s, std::string_view key) {
  const size_t at = s.find(key);
  if (at == std::string::npos) return {};
  size_t i = at + key.size();
  while (i < s.size() && s[i] == ' ') ++i;
  size_t j = i;
  while (j < s.size() && s[j] != ' ' && s[j] != ',' && s[j] != ';' && s[j] != ')') ++j;
  return s.substr(i, j - i);
}

bool is_kv_type(const std::string& t) {
  for (const char* k : {"f16", "q8_0", "q4_0", "bf16", "f32", "q5_1", "q5_0", "q4_1", "iq4_nl"})
    if (t == k) return true;
  return false;
}

// The system RAM's rated bandwidth where the row states its modules and speed: "32GB DDR4 ECC
// 2133 MT/s (8x4GB)" is 8 modules at 2133 MT/s, 8 x 2133 x 8 B = 136.5 GB/s. Each module is
// counted as a channel of 8 bytes (a server board such as that dual-socket Xeon puts one on each
// of its 8 channels); a row that names the speed but not the modules ("64GB DDR5",
// "DDR5-5600") says nothing of its channels: 0, and the estimate keeps its assumption.
double stated_ram_gb_s(const std::string& d) {
  for (size_t at = d.find("ddr"); at != std::string::npos; at = d.find("ddr", at + 3)) {
    if (at + 4 > d.size() || (d[at + 3] < '3' || d[at + 3] > '5')) continue;
    // The speed: "ddr5-5600", or "2133 mt/s" soon after the type.
    double mts = 0;
    size_t i = at + 4;
    if (i < d.size() && d[i] == '-') mts = std::atof(d.c_str() + i + 1);
    if (mts <= 0) {
      const size_t unit = d.find(" mt/s", at);
      if (unit != std::string::npos && unit < at + 40) {
        size_t k = unit;
        while (k > at + 4 && std::isdigit(static_cast<unsigned char>(d[k - 1]))) --k;
        mts = std::atof(d.c_str() + k);
      }
    }
    // The modules, "8x4gb", just before the type or after it ("4x16gb ddr5-6000", "(8x4gb)").
    int modules = 0;
    for (size_t x = d.find('x', at > 30 ? at - 30 : 0); x != std::string::npos && x < at + 60;
         x = d.find('x', x + 1)) {
      size_t k = x;
      while (k > 0 && std::isdigit(static_cast<unsigned char>(d[k - 1]))) --k;
      if (k == x || x + 1 >= d.size() || !std::isdigit(static_cast<unsigned char>(d[x + 1])))
        continue;
      size_t g = x + 1;
      while (g < d.size() && std::isdigit(static_cast<unsigned char>(d[g]))) ++g;
      if (d.compare(g, 2, "gb") == 0) {
        modules = x - k <= 2 ? std::atoi(d.c_str() + k) : 0;
        break;
      }
    }
    if (mts >= 800 && mts <= 20000 && modules >= 1 && modules <= 24)
      return modules * mts * 8 / 1000;
  }
  return 0;
}

}  // namespace

RowSettings parse_row_settings(const std::string& backend, const std::string& detail) {
  RowSettings r;
  const std::string b = lower(backend), d = lower(detail);
  struct Engine {
    const char* prefix;
    const char* runtime;
  };
  // llamafile is a llama.cpp build (its own CPU kernels aside): llama.cpp's memory and runtime.
  static const Engine kEngines[] = {{"llama.cpp", "llama.cpp"},
                                    {"llamafile", "llama.cpp"},
                                    {"ollama", "ollama"},
                                    {"vllm", "vllm"},
                                    {"mlx", "mlx"},
                                    {"lm studio", "lmstudio"}};
  r.engine = b.substr(0, b.find(' '));
  r.runtime.clear();
  for (const Engine& e : kEngines)
    if (b.rfind(e.prefix, 0) == 0) {
      r.engine = e.prefix;
      r.runtime = e.runtime;
    }
  if (b.empty()) r.runtime = r.engine = "llama.cpp";  // the original file: llama.cpp only

  const size_t cmd_at = d.find("cmd:");
  const std::string cmd = cmd_at == std::string::npos ? std::string() : d.substr(cmd_at) + " ";
  const std::string head = d.substr(0, cmd_at);

  // Flash attention: the row's statement, else the command's -fa.
  if (head.find("flash-attn on") != std::string::npos)
    r.flash_attn = true;
  else if (head.find("flash-attn off") != std::string::npos)
    r.flash_attn = false;
  else if (head.find("flash-attn not stated") != std::string::npos ||
           head.find("defaults (not recorded)") != std::string::npos)
    r.flash_attn_stated_unknown = true;
  if (!r.flash_attn && !cmd.empty()) {
    for (std::string_view key : {" -fa ", " --flash-attn "}) {
      const size_t at = cmd.find(key);
      if (at == std::string::npos) continue;
      const std::string w = word_after(cmd, key);
      // llama-bench "-fa 1", llama-server "-fa on"; an old bare "-fa" switched it on.
      r.flash_attn = !(w == "0" || w == "off" || w == "false");
      if (w == "auto") r.flash_attn.reset();
      r.flash_attn_stated_unknown = false;
      break;
    }
  }
  // llamafile 0.9 (LocalScore's runs, 2025-03) is built on a llama.cpp from before -fa auto
  // (llama.cpp PR #15434, 2025-08): flash attention was off unless asked for.
  if (!r.flash_attn && r.engine == "llamafile") {
    r.flash_attn = false;
    r.flash_attn_stated_unknown = false;
  }
  // KV cache type: "KV q8_0", else -ctk (one type for K and V, as the engine takes).
  std::string kv = word_after(head, "kv ");
  if (!is_kv_type(kv)) kv = word_after(cmd, " -ctk ");
  if (!is_kv_type(kv)) kv = word_after(cmd, "--cache-type-k ");
  if (is_kv_type(kv)) r.kv_type = kv;

  r.gpu_layers = int_after(head, "gpulayers ");
  if (!r.gpu_layers) r.gpu_layers = int_after(cmd, " -ngl ");
  if (!r.gpu_layers) r.gpu_layers = int_after(cmd, "--n-gpu-layers ");
  r.n_cpu_moe = int_after(cmd, "--n-cpu-moe ");
  if (!r.n_cpu_moe) r.n_cpu_moe = int_after(cmd, " -ncmoe ");
  r.n_ctx = int_after(head, "n_ctx ");
  r.ubatch = int_after(cmd, " -ub ");
  if (!r.ubatch) r.ubatch = int_after(cmd, "--ubatch-size ");
  r.threads = int_after(cmd, " -t ");
  if (!r.threads) r.threads = int_after(cmd, "--threads ");
  // A count the request would refuse is not a run's setting (the estimate takes its default).
  if (r.threads && (*r.threads < 1 || *r.threads > field_range("threads").max)) r.threads.reset();

  if (const auto k = int_after(head, "concurrency="); k && *k > 0) r.concurrency = *k;
  r.aggregate = r.concurrency > 1 && head.find("aggregate") != std::string::npos;
  r.speculative = head.find("speculative decoding on") != std::string::npos;
  if (head.find("speculative decoding on (mtp)") != std::string::npos) r.spec_method = "mtp";
  for (std::string_view key : {"--spec-draft-n-max ", "--draft-max ", "--draft-n-max ",
                               "num_speculative_tokens\":", "num_speculative_tokens\": "})
    if (!r.draft_max) r.draft_max = int_after(cmd, key);

  // The build: "build <commit> (N)" (llama-bench's own line), "engine llama.cpp bN" or
  // "engine llama.cpp N".
  if (r.engine == "llama.cpp") {
    const size_t bl = head.find("build ");
    if (bl != std::string::npos) {
      const size_t open = head.find(" (", bl);
      if (open != std::string::npos && open < bl + 24)
        if (const auto n = int_after(head.substr(open), " (")) r.build = *n;
    }
    if (r.build == 0) {
      const std::string w = word_after(head, "engine llama.cpp ");
      const size_t digits = w.rfind('b', 0) == 0 ? 1 : 0;
      if (w.size() > digits && std::isdigit(static_cast<unsigned char>(w[digits])))
        r.build = std::atoi(w.c_str() + digits);
    }
    // llama.cpp numbers a build by its commit count (cmake/build-info.cmake, git rev-list --count
    // HEAD), so a shallow clone of any date builds as "b1" ("b1-6b4dc21"): not a build number.
    if (r.build == 1) r.build = 0;
  }
  // llamafile names its own version; 0.9.x is a 2024 llama.cpp underneath.
  if (r.engine == "llamafile" && word_after(head, "llamafile ").rfind("0.9.", 0) == 0)
    r.build = static_cast<int>(kLlamafile09LlamacppBuild);
  // "base model Qwen/Qwen3.6-27B (28B, ...)" in the original case.
  const size_t bm = d.find("base model ");
  if (bm != std::string::npos && bm < cmd_at) {
    size_t i = bm + 11, j = i;
    while (j < detail.size() && detail[j] != ' ' && detail[j] != ';' && detail[j] != ',') ++j;
    r.base_model = detail.substr(i, j - i);
  }
  if (head.find("lengths not recorded") != std::string::npos ||
      head.find("of a 0-token prompt") != std::string::npos ||
      head.find("prompt 0 / output 0") != std::string::npos)
    r.kind = RowSettings::Kind::kLengthsUnknown;
  else if (head.find("llmfit bench") != std::string::npos &&
           head.find("request wall time") != std::string::npos)
    r.kind = RowSettings::Kind::kWallTime;
  else if (head.rfind("decode of", 0) == 0 || head.rfind("prefill of", 0) == 0)
    r.kind = RowSettings::Kind::kServer;
  // "host <CPU name> (N cores), RAM X GB": llmfit's and LocalScore's record of the machine (a
  // command line's "--host 127.0.0.1" is not one: it follows a dash).
  for (size_t h = d.find("host "); h != std::string::npos; h = d.find("host ", h + 5)) {
    if (h > 0 && (d[h - 1] == '-' || std::isalnum(static_cast<unsigned char>(d[h - 1])))) continue;
    size_t end = h + 5;
    while (end < detail.size() && detail[end] != ',' && detail[end] != ';') ++end;
    std::string name = detail.substr(h + 5, end - h - 5);
    if (const size_t cores = name.find(" ("); cores != std::string::npos) name.resize(cores);
    // An address ("host 127.0.0.1 --port 8080") is not a machine.
    const std::string first = name.substr(0, name.find(' '));
    if (first.find_first_not_of("0123456789.:") == std::string::npos) continue;
    r.host = name;
    const size_t ram = d.find("ram ", end);
    const double gib =
        ram != std::string::npos && ram < end + 3 ? std::atof(d.c_str() + ram + 4) : 0;
    if (gib > 0 && gib <= 65536) r.host_ram_gib = gib;  // a RAM size any machine could have
    break;
  }
  r.ram_gb_s = stated_ram_gb_s(d);
  return r;
}

std::string submitter_of(const std::string& note) {
  const size_t at = note.find("submitter ");
  if (at == std::string::npos) return {};
  size_t j = at + 10;
  while (j < note.size() && note[j] != ';' && note[j] != ',' && note[j] != ' ') ++j;
  return note.substr(at + 10, j - at - 10);
}

int decode_depth_of(const std::string& note, const std::string& detail) {
  // localmaxxing submitters whose llama-bench decode runs follow their prompt: the row says
  // "tg128" with "prompt P", and the same model's decode falls with P as its cache reads grow.
  // Sandberg's sweeps (RTX 3090, 2x / 1x RTX 3060; P = 512 ... 98304) fall smoothly: Qwen3-0.6B
  // on an RTX 3060 323 -> 117 tok/s from P = 512 to 16384, 0.35 ms more a token per 1024 tokens of
  // P, what its 112 KiB of f16 K and V a cached token read at 360 GB/s cost (0.32 ms); at depth 0
  // llama-bench's tg128 would not change with P. Another submitter's 4096-token runs of the same
  // model and card (darioooooo0o, 310 tok/s at Q8_0) do not fall: the rule is the harness's.
  static const char* const kDecodeAfterPrompt[] = {"Sandberg"};
  const std::string who = submitter_of(note);
  bool listed = false;
  for (const char* s : kDecodeAfterPrompt) listed = listed || who == s;
  if (!listed || detail.rfind("llama-bench tg", 0) != 0) return 0;
  const int p = int_after(detail, "; prompt ").value_or(0);
  return p <= (1 << 22) ? p : 0;  // a length past any context a runtime loads is not a run's
}

std::string scoring_quant(const std::string& quant, const std::string& runtime) {
  const std::string q = lower(quant);
  // llama.cpp's own long names (llama-bench and LocalScore print "Q4_K - Medium").
  struct Name {
    const char *from, *to;
  };
  static const Name kGguf[] = {{"q4_k - medium", "Q4_K_M"},
                               {"q4_k - small", "Q4_K_S"},
                               {"q5_k - medium", "Q5_K_M"},
                               {"q5_k - small", "Q5_K_S"},
                               {"q3_k - medium", "Q3_K_M"},
                               {"q6_k", "Q6_K"},
                               {"q8_0", "Q8_0"},
                               {"q4_0", "Q4_0"}};
  for (const Name& n : kGguf)
    if (q == n.from) return n.to;
  if (runtime == "vllm" || runtime == "sglang") {
    if (q == "gptq" || q == "gptq4" || q == "gptq-int4") return "GPTQ-4bit";
    if (q == "awq" || q == "awq-4bit") return "AWQ-4bit";
    if (q == "fp8" || q == "fp8 dynamic") return "FP8";
    if (q == "fp16") return "FP16-safetensors";
    if (q == "bf16") return "BF16-safetensors";
  }
  if (runtime == "mlx") {
    for (const char* bits : {"3", "4", "6", "8"})
      if (q == std::string(bits) + "bit" || q == "mlx-" + std::string(bits) + "bit")
        return "MLX-" + std::string(bits) + "bit";
  }
  return quant;
}

}  // namespace runcheck
