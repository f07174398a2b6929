// Troubleshoot: a runtime's log -> what it shows (logread), the request it implies, the engine's
// answer for that request, the log's buffers beside runcheck's, what overflowed and by how much,
// and fixes the engine has checked (each re-run with its verdict, speed and launch command).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "diagnose_internal.h"
#include "estimate.h"
#include "gguf.h"
#include "runcheck/catalog.h"
#include "runcheck/constants.h"
#include "runcheck/logread.h"
#include "runcheck/options.h"
#include "runcheck/quant.h"
#include "runcheck/request.h"
#include "user_models.h"
#include "vision.h"

namespace runcheck {
namespace {

using nlohmann::json;
using namespace diagnosis;  // NOLINT: this feature's own helpers

constexpr size_t kMaxFixes = 4;  // fixes listed (each one is a further estimate)
// vLLM V0's SchedulerConfig without chunked prefill: max_num_batched_tokens =
// max(max_model_len, 2048) (_DEFAULT_MAX_NUM_BATCHED_TOKENS).
constexpr uint64_t kVllmV0MinBatchedTokens = 2048;
// Above this max_model_len V0 enabled chunked prefill by default (then batching 2048 tokens).
constexpr uint64_t kVllmV0LongContext = 32768;

const char* engine_field(const std::string& kind) {
  return kind == "model"     ? "weights_bytes"
         : kind == "kv"      ? "kv_bytes"
         : kind == "compute" ? "compute_bytes"
                             : nullptr;
}

// Why a logged buffer and runcheck's differ, where the cause is known and not modelled yet;
// null when it is not known.
json mismatch_reason(const LogFacts& f, const json& q, const json& device,
                     const std::string& kind) {
  const bool host = device.value("is_host", false);
  if (f.runtime == "ollama" && f.arch.empty() && f.file_type.empty())
    return "Ollama's own engine (ollamarunner) sizes its buffers itself; runcheck follows "
           "llama.cpp's allocator";
  if (kind == "compute" && !host && (q.contains("n_cpu_moe") || q.contains("gpu_layers")))
    return "weights stay in system RAM here: for batches of 32+ tokens llama.cpp's scheduler "
           "copies them, one tensor at a time, to the GPU to multiply there (ggml-backend op "
           "offload); runcheck adds the largest copy to the graph's own peak, an upper bound, "
           "and where the allocator puts the copy decides the rest";
  if (kind == "compute" && host && !q.contains("llamacpp_build"))
    return "the host compute buffer depends on the llama.cpp build (its inputs changed in b7819 "
           "and b9410) and the log does not print the build; runcheck assumed the newest";
  return nullptr;
}

}  // namespace

// A fix's syntax may name numbers of the error line: "{2}" is its second integer ("--max-model-len
// {2}" with vLLM's "max seq len (29000) ... KV cache (23648)" gives "--max-model-len 23648"). The
// line is the user's own in a diagnosis, the entry's example on its page. A number the line does
// not have stays a visible placeholder, never a made-up value.
std::string fill_fix_syntax(const std::string& syntax, const std::string& line) {
  std::vector<std::string> numbers;
  for (size_t i = 0; i < line.size() && numbers.size() < 9;) {
    if (line[i] >= '0' && line[i] <= '9') {
      size_t j = i;
      while (j < line.size() && line[j] >= '0' && line[j] <= '9') ++j;
      numbers.push_back(line.substr(i, j - i));
      i = j;
    } else {
      ++i;
    }
  }
  std::string out;
  for (size_t i = 0; i < syntax.size(); ++i) {
    if (syntax[i] == '{' && i + 2 < syntax.size() && syntax[i + 1] >= '1' && syntax[i + 1] <= '9' &&
        syntax[i + 2] == '}') {
      const size_t k = static_cast<size_t>(syntax[i + 1] - '1');
      out += k < numbers.size()
                 ? numbers[k]
                 : "<number " + std::string(1, syntax[i + 1]) + " of the error line>";
      i += 2;
    } else {
      out += syntax[i];
    }
  }
  return out;
}

json error_fixes_json(const ErrorEntry& e, const std::string& line) {
  json fx = json::array();
  for (size_t i = 0; i < e.fix_texts.size(); ++i)
    fx.push_back(
        {{"text", e.fix_texts[i]},
         {"syntax",
          e.fix_syntax[i].empty() ? json(nullptr) : json(fill_fix_syntax(e.fix_syntax[i], line))}});
  return fx;
}

Result<json> diagnose_json(const json& req) {
  if (auto e = check_fields(
          req, {"command", "log", "model", "quant", "hardware", "context", "ram_gb", "runtime"}))
    return *e;
  if (!req.contains("log") || !req["log"].is_string())
    return make_error("missing_field", "log", "paste the runtime's output (a string)");
  auto read = read_log(req["log"].get_ref<const std::string&>());
  if (!read.ok()) return read.error();
  const LogFacts& f = read.value();
  json out = {{"ok", true}, {"facts", log_facts_json(f)}};
  json findings = json::array();
  const auto finding = [&](const char* kind, const std::string& text) {
    findings.push_back({{"kind", kind}, {"text", text}});
  };

  // The request the log implies (each part overridable by the caller).
  std::vector<std::string> notes;
  json q = {{"command", "estimate"}};
  std::string model_how, weights_quant;
  if (req.contains("model"))
    q["model"] = req["model"];
  else if (const ModelEntry* m = match_model(f, model_how))
    q["model"] = m->id;
  else if (const ModelEntry* w = match_by_weights(f, weights_quant, model_how))
    q["model"] = w->id;
  else {
    // Not in the catalog: the model the log's own hyperparameters describe (as a GGUF would).
    GgufFile g;
    g.metadata = gguf_metadata(f);
    auto built = model_from_gguf(g);
    if (built.ok()) {
      const std::string name = f.model_name.empty() ? built.value().arch.arch : f.model_name;
      q["model"] = register_user_model(name + " from log", " (from your log)", built.value().arch);
      model_how += "; built from the hyperparameters the log prints";
    } else if (!model_how.empty()) {
      model_how +=
          "; the log's hyperparameters are not enough to build it (" + built.error().message + ")";
    }
  }
  std::string quant = req.contains("quant") && req["quant"].is_string()
                          ? req["quant"].get<std::string>()
                          : quant_from_file_type(f.file_type, f.bits_per_weight);
  if (quant.empty() && !weights_quant.empty()) quant = weights_quant;
  // Not printed (the window starts after the loader): the file name says it, "...-Q4_K_S.gguf".
  if (quant.empty())
    for (const char* flag : {"-m", "--model"})
      if (auto it = f.flags.find(flag); it != f.flags.end()) {
        std::string name = it->second;
        for (char& c : name)
          if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        size_t best = 0;
        for (const auto& t : kFileTypes)
          if (t.name.size() > best && name.find(std::string(t.name)) != std::string::npos)
            best = t.name.size(), quant = std::string(t.name);
      }
  if (!quant.empty()) q["quant"] = quant;
  std::vector<std::string> hw = match_hardware(f, notes);
  if (req.contains("hardware"))
    q["hardware"] = req["hardware"];
  else if (!hw.empty()) {
    std::string joined;
    for (const auto& h : hw) joined += (joined.empty() ? "" : ",") + h;
    q["hardware"] = joined;
  }
  if (req.contains("context"))
    q["context"] = req["context"];
  else if (f.n_ctx)
    q["context"] = f.n_ctx_seq && f.n_seq_max && *f.n_seq_max > 1 ? *f.n_ctx_seq : *f.n_ctx;
  else if (f.n_ctx_seq && !f.n_seq_max)  // only the "n_ctx_seq (N) < n_ctx_train" warning
    q["context"] = *f.n_ctx_seq;
  else if (f.vllm_max_seq_len && *f.vllm_max_seq_len > 0 && *f.vllm_max_seq_len < 100000000)
    q["context"] = *f.vllm_max_seq_len;  // vLLM's max_model_len, as its error line prints it
  else if (f.vllm_request_tokens && *f.vllm_request_tokens < 100000000)
    q["context"] = *f.vllm_request_tokens;  // "Maximum concurrency for N tokens per request"
  else
    for (const char* flag : {"-c", "--ctx-size"})  // not printed: the command line says it
      if (auto it = f.flags.find(flag);
          it != f.flags.end() && !it->second.empty() && it->second.size() < 10 &&
          it->second.find_first_not_of("0123456789") == std::string::npos)
        q["context"] = std::stoul(it->second);
  if (f.n_seq_max && *f.n_seq_max > 1) q["parallel"] = *f.n_seq_max;
  if (req.contains("ram_gb")) q["ram_gb"] = req["ram_gb"];
  q["runtime"] = req.contains("runtime")   ? req["runtime"]
                 : f.runtime == "vllm"     ? json("vllm")
                 : f.runtime == "ollama"   ? json("ollama")
                 : f.runtime == "lmstudio" ? json("lmstudio")
                                           : json("llama.cpp");
  if (f.runtime == "vllm") {
    if (f.vllm_gpu_utilization && !req.contains("gpu_memory_utilization"))
      q["gpu_memory_utilization"] = *f.vllm_gpu_utilization;
    // The memory the process saw (total_gpu_memory) below the card's: the driver's and other
    // processes' share, which gpu_memory_utilization does not apply to.
    if (f.vllm_total_gib && q.contains("hardware") && q["hardware"].is_string() &&
        !req.contains("gpu_reserved_mb"))
      if (const HardwareEntry* h = builtin_catalog().hw(q["hardware"].get<std::string>());
          h && h->memory_gib) {
        const double reserved = (*h->memory_gib - *f.vllm_total_gib) * 1024;
        if (reserved > 0 && reserved < 8192) q["gpu_reserved_mb"] = std::round(reserved);
      }
    // V0 profiled max(max_model_len, 2048) batched tokens without chunked prefill, and 2048
    // with it, which it turned on by itself above a 32K max_model_len (vllm/config.py
    // SchedulerConfig.__post_init__, vllm/engine/arg_utils.py use_long_context, at cabaf4e,
    // 2025-01); V1 batches 8192 by default, runcheck's default.
    if (f.vllm_v0 && q.contains("context") && q["context"].is_number_unsigned() &&
        !req.contains("vllm_max_num_batched_tokens")) {
      const uint64_t ctx = q["context"].get<uint64_t>();
      q["vllm_max_num_batched_tokens"] = ctx > kVllmV0LongContext
                                             ? kVllmV0MinBatchedTokens
                                             : std::max<uint64_t>(ctx, kVllmV0MinBatchedTokens);
    }
  }
  if (f.flash_attn == "on")
    q["flash_attn"] = true;
  else if (f.flash_attn == "off")
    q["flash_attn"] = false;
  if (!f.type_k.empty() && (f.type_k == "f16" || f.type_k == "q8_0" || f.type_k == "q4_0" ||
                            f.type_k == "bf16" || f.type_k == "f32"))
    q["kv_type"] = f.type_k;
  if (f.n_ubatch) q["ubatch"] = *f.n_ubatch;
  if (f.swa_full || f.flags.count("--swa-full")) q["swa_full"] = true;
  // The runtime already ran this context: past the trained length is the log's fact, not a typo.
  q["allow_long_context"] = true;
  // The buffer layout of the build that wrote the log ("3472 (b5e95468)" -> 3472); only
  // llama.cpp's own numbering (Ollama and LM Studio ship their own).
  if (f.runtime == "llama.cpp" && !f.build.empty() && f.build[0] >= '1' && f.build[0] <= '9') {
    uint64_t b = 0;
    for (size_t i = 0; i < f.build.size() && i < 8 && f.build[i] >= '0' && f.build[i] <= '9'; ++i)
      b = b * 10 + static_cast<uint64_t>(f.build[i] - '0');
    if (b <= field_range("llamacpp_build").max) q["llamacpp_build"] = b;
  }
  // No build printed, but a line only some builds print: the earliest of them (their buffers
  // are laid out alike for what runcheck reads).
  if (f.runtime == "llama.cpp" && !q.contains("llamacpp_build") && f.build_at_least)
    q["llamacpp_build"] = f.build_at_least;
  if (f.layers_offloaded && f.layers_total && *f.layers_offloaded < *f.layers_total)
    q["gpu_layers"] = *f.layers_offloaded;
  // No "offloaded N/M layers" line, but every weight sits in a host buffer while a GPU backend
  // holds buffers of its own: nothing was offloaded.
  const auto on_host = [](const std::string& dev) {
    return dev.rfind("CPU", 0) == 0 || dev.find("_Host") != std::string::npos;
  };
  bool weights_logged = false, weights_on_gpu = false, gpu_buffers = false;
  for (const LogBuffer& b : f.buffers) {
    if (b.kind == "model") (on_host(b.device) ? weights_logged : weights_on_gpu) = true;
    if (!on_host(b.device)) gpu_buffers = true;
  }
  const bool weights_not_offloaded =
      !f.layers_offloaded && weights_logged && !weights_on_gpu && gpu_buffers;
  if (weights_not_offloaded && !q.contains("gpu_layers")) q["gpu_layers"] = 0;
  // Experts kept in system RAM (--n-cpu-moe, or -ot "...exps=CPU" overrides): every layer is
  // offloaded yet the host holds a large share of the weights. The engine's n_cpu_moe that puts
  // the same bytes on the host stands in for the override.
  std::string moe_note;
  if (const ModelEntry* m = q.contains("model") && q["model"].is_string()
                                ? builtin_catalog().model(q["model"].get<std::string>())
                                : nullptr;
      m && m->arch.is_moe() && !q.contains("gpu_layers") && q.contains("quant") &&
      q.contains("hardware") && q.contains("context")) {
    double host = 0, all = 0;
    for (const LogBuffer& b : f.buffers)
      if (b.kind == "model") {
        all += b.mib;
        if (b.device.rfind("CPU", 0) == 0 || b.device.find("_Host") != std::string::npos)
          host += b.mib;
      }
    const auto host_mib = [&](uint32_t n) {
      auto t = read_estimate_request(q);
      if (!t.ok()) return -1.0;
      EstimateRequest probe = std::move(t).value();
      probe.n_cpu_moe = n;
      probe.inverse = false;
      auto r = estimate(probe);
      if (!r.ok()) return -1.0;
      for (const auto& d : r.value().plan.devices)
        if (d.is_host) return static_cast<double>(d.weights_bytes) / kMiB;
      return 0.0;
    };
    if (all > 0 && host / all > kExpertOffloadShare && host_mib(0) >= 0 &&
        host > host_mib(0) * kExpertOffloadHostExcess) {
      uint32_t lo = 0, hi = m->arch.block_count;
      while (lo < hi) {
        const uint32_t mid = (lo + hi) / 2;
        if (host_mib(mid) < host)
          lo = mid + 1;
        else
          hi = mid;
      }
      if (lo > 0 && std::fabs(host_mib(lo - 1) - host) < std::fabs(host_mib(lo) - host)) --lo;
      q["n_cpu_moe"] = lo;
      moe_note = "the log keeps " + gib(host) +
                 " of the weights in system RAM with every layer "
                 "offloaded: read as the routed experts of " +
                 std::to_string(lo) + " layers on the CPU (--n-cpu-moe " + std::to_string(lo) + ")";
    }
  }
  if (!moe_note.empty()) notes.push_back(moe_note);
  // The image encoder: a log that loaded an mmproj is read with vision on, on the device clip
  // used, at the file type whose size the logged one matches (F16 and BF16 are the same size).
  if (const ModelEntry* m = q.contains("model") && q["model"].is_string()
                                ? builtin_catalog().model(q["model"].get<std::string>())
                                : nullptr;
      m && !req.contains("vision")) {
    for (const LogBuffer& b : f.buffers)
      if (b.kind == "mmproj") {
        if (m->arch.vision_projector == 0) {
          notes.push_back("the log loads an mmproj, but runcheck does not model " + m->name +
                          "'s vision tower: its memory is left out of the comparison");
          break;
        }
        q["vision"] = true;
        if (on_host(b.device)) q["mmproj_offload"] = false;
        const double f16 = vision::weight_bytes(m->arch, vision::MmprojType::kF16) / kMiB;
        const double f32 = vision::weight_bytes(m->arch, vision::MmprojType::kF32) / kMiB;
        if (std::fabs(b.mib - f32) < std::fabs(b.mib - f16)) q["mmproj_type"] = "F32";
        notes.push_back("the log loads an mmproj (" + fmt("%.2f", b.mib) + " MiB on " + b.device +
                        "): read with vision on");
        break;
      }
  }
  out["mapping"] = {{"model", q.contains("model") ? q["model"] : json(nullptr)},
                    {"model_how", str_or_null(req.contains("model") ? "given" : model_how)},
                    {"quant", str_or_null(quant)},
                    {"hardware", q.contains("hardware") ? q["hardware"] : json(nullptr)},
                    {"notes", notes}};

  // What the log itself shows.
  for (const LogDevice& d : f.devices)
    if (d.total_mib && d.free_mib && *d.total_mib - *d.free_mib > kOtherProcessMiB)
      finding("free-memory", d.id + " had " + gib(*d.free_mib) + " free of " + gib(*d.total_mib) +
                                 " when loading: " + gib(*d.total_mib - *d.free_mib) +
                                 " was held by something else (another process, the desktop)");
  if (f.layers_offloaded && f.layers_total) {
    if (*f.layers_offloaded == 0)
      finding("cpu-only", "no layer was offloaded to a GPU (0/" + std::to_string(*f.layers_total) +
                              "): the model runs on the CPU" +
                              (f.devices.empty() ? ", and the log shows no GPU backend loaded"
                                                 : std::string()));
    else if (*f.layers_offloaded < *f.layers_total)
      finding("partial-offload", std::to_string(*f.layers_offloaded) + " of " +
                                     std::to_string(*f.layers_total) +
                                     " layers on the GPU: the rest run from system RAM, which "
                                     "sets the decode speed");
  }
  if (weights_not_offloaded)
    finding("cpu-only",
            "every weight is in a host buffer while the GPU backend only holds compute (and no "
            "\"offloaded N/M layers\" line): no layer was offloaded, so the model runs from "
            "system RAM - check -ngl / gpu_layers and that the GPU build sees the card");
  for (const OllamaPsRow& r : f.ollama_ps)
    if (r.cpu_pct > 0)
      finding(r.gpu_pct > 0 ? "partial-offload" : "cpu-only",
              r.name + ": " + fmt("%.0f", r.cpu_pct) + " % of its " +
                  (r.size_gb ? fmt("%.1f", *r.size_gb) + " GB" : std::string("memory")) +
                  " is in system RAM (ollama ps: " + fmt("%.0f", r.cpu_pct) + "%/" +
                  fmt("%.0f", r.gpu_pct) +
                  "% CPU/GPU): those layers run on the CPU and set the speed" +
                  (r.context ? ", at a context of " + std::to_string(*r.context) + " tokens"
                             : std::string()));
  if (f.n_ctx && f.n_ctx_train && *f.n_ctx < *f.n_ctx_train && !f.flags.count("-c") &&
      !f.flags.count("--ctx-size"))
    finding("context-capped", "the context is " + std::to_string(*f.n_ctx) +
                                  " tokens of the model's " + std::to_string(*f.n_ctx_train) +
                                  " and no -c was given: the runtime's default capped it");
  if (!f.type_v.empty() && f.type_v != "f16" && f.type_v != "bf16" && f.type_v != "f32" &&
      f.flash_attn == "off")
    finding("kv-needs-fa", "the V cache is " + f.type_v +
                               " but flash attention is off: llama.cpp needs -fa on for a "
                               "quantized V cache");
  if (f.metal_allocated_mib && f.metal_working_set_mib &&
      *f.metal_allocated_mib > *f.metal_working_set_mib)
    finding("metal-working-set",
            "Metal allocated " + gib(*f.metal_allocated_mib) +
                ", over the GPU's working-set limit of " + gib(*f.metal_working_set_mib) +
                " (recommendedMaxWorkingSetSize): macOS lets a GPU use only "
                "part of unified memory unless iogpu.wired_limit_mb is raised");
  if (f.vllm_max_seq_len && f.vllm_kv_tokens && *f.vllm_max_seq_len > *f.vllm_kv_tokens)
    finding("vllm-kv", "vLLM's KV cache holds " + std::to_string(*f.vllm_kv_tokens) +
                           " tokens but max_model_len is " + std::to_string(*f.vllm_max_seq_len) +
                           ": --max-model-len " + std::to_string(*f.vllm_kv_tokens) +
                           " or less starts, or raise --gpu-memory-utilization");
  for (const LogAllocFailure& x : f.failures) {
    const std::string what = x.kind == "kv"        ? "the KV cache"
                             : x.kind == "compute" ? "the compute buffer"
                             : x.kind == "model"   ? "the model weights"
                             : x.kind == "host"    ? "a system-RAM buffer"
                                                   : "a buffer";
    std::string text = what + " needed " + gib(x.mib) + " on " + x.device;
    if (x.free_mib)
      text += "; " + gib(*x.free_mib) + " was free";
    else
      for (const LogDevice& d : f.devices)
        if (d.id == x.device && d.free_mib) {
          double held = 0;  // what the log had already put on that device
          for (const LogBuffer& b : f.buffers)
            if (b.device == x.device && b.line < x.line) held += b.mib;
          text += "; " + gib(*d.free_mib) + " was free at load" +
                  (held > 0 ? ", " + gib(std::max(0.0, *d.free_mib - held)) + " after the " +
                                  gib(held) + " already allocated there"
                            : std::string());
        }
    finding("overflow", text);
  }

  // The engine's answer for the same request, and the log's buffers beside it.
  json comparison = json::array();
  json fixes = json::array();
  if (q.contains("model") && q.contains("quant") && q.contains("hardware") &&
      q.contains("context")) {
    json eq = q;
    eq["inverse"] = true;
    auto est = estimate_json(eq);
    if (!est.ok()) {
      out["estimate"] = nullptr;
      out["estimate_error"] = {{"field", est.error().field}, {"message", est.error().message}};
    } else {
      const json& e = est.value();
      out["estimate"] = {{"verdict", e["verdict"]},     {"reasons", e["reasons"]},
                         {"request", e["request"]},     {"memory", e["memory"]},
                         {"placement", e["placement"]}, {"speed", e.value("speed", json())},
                         {"commands", e["commands"]}};
      const json& devs = e["memory"]["devices"];
      // Sum the log's buffers per (runcheck device, kind): CPU and CPU_Mapped are one host.
      std::map<std::pair<int, std::string>, std::pair<double, std::string>> logged;
      for (const LogBuffer& b : f.buffers) {
        const int row = device_row(b.device, devs);
        if (row < 0 || !engine_field(b.kind)) continue;
        auto& cell = logged[{row, b.kind}];
        cell.first += b.mib;
        cell.second += (cell.second.empty() ? "" : "+") + b.device;
      }
      for (const auto& [key, val] : logged) {
        const json& d = devs[key.first];
        const double ours = d.value(engine_field(key.second), 0.0) / kMiB;
        const double diff = val.first > 0 ? (ours - val.first) / val.first * 100 : 0;
        const bool match =
            std::fabs(diff) <=
            (key.second == "compute" ? kLogComputeMatchTolerancePct : kLogMatchTolerancePct);
        comparison.push_back(
            {{"device", val.second},
             {"runcheck_device", d["name"]},
             {"kind", key.second},
             {"log_mib", val.first},
             {"runcheck_mib", ours},
             {"diff_pct", diff},
             {"match", match},
             {"why", match ? json(nullptr) : mismatch_reason(f, q, d, key.second)}});
      }
      // vLLM's KV pool: what gpu_memory_utilization leaves after the weights, the profile run's
      // activations and the memory outside PyTorch, against runcheck's budget minus the same.
      if (f.runtime == "vllm" && f.vllm_kv_gib && !devs.empty() &&
          !devs[0].value("is_host", false)) {
        const json& d = devs[0];
        const double pool = (d.value("budget_bytes", 0.0) - d.value("weights_bytes", 0.0) -
                             d.value("compute_bytes", 0.0) - d.value("overhead_bytes", 0.0)) /
                            kMiB;
        const double log_pool = *f.vllm_kv_gib * 1024;
        const double diff = log_pool > 0 ? (pool - log_pool) / log_pool * 100 : 0;
        const bool match = std::fabs(diff) <= kLogComputeMatchTolerancePct;
        comparison.push_back(
            {{"device", "CUDA0"},
             {"runcheck_device", d["name"]},
             {"kind", "kv pool"},
             {"log_mib", log_pool},
             {"runcheck_mib", pool},
             {"diff_pct", diff},
             {"match", match},
             {"why", match ? json(nullptr)
                           : json("the pool is what is left of gpu_memory_utilization x the "
                                  "memory after weights, activations and the CUDA context; "
                                  "runcheck takes the context as a fixed 0.5 GiB")}});
      }
      // The image encoder's buffers against the estimate's vision tower.
      if (e.contains("vision") && e["vision"].value("on", false))
        for (const LogBuffer& b : f.buffers) {
          if (b.kind != "mmproj" && b.kind != "encoder") continue;
          const bool w = b.kind == "mmproj";
          const double ours =
              e["vision"][w ? "mmproj_bytes" : "encoder_compute_bytes"].get<double>() / kMiB;
          const double diff = b.mib > 0 ? (ours - b.mib) / b.mib * 100 : 0;
          const bool match =
              std::fabs(diff) <= (w ? kLogMatchTolerancePct : kLogComputeMatchTolerancePct);
          comparison.push_back(
              {{"device", b.device},
               {"runcheck_device", e["vision"]["device"]},
               {"kind", b.kind},
               {"log_mib", b.mib},
               {"runcheck_mib", ours},
               {"diff_pct", diff},
               {"match", match},
               {"why", match || w ? json(nullptr)
                                  : json("runcheck sizes the encoder's buffer from the widest "
                                         "layer's activations and the attention scores; the "
                                         "graph's other tensors are not modelled")}});
        }
      // Fixes: the engine's suggestions, each re-run for its verdict, speed and commands.
      if (e.contains("suggestions") && e["suggestions"].is_array())
        for (const json& s : e["suggestions"]) {
          if (fixes.size() >= kMaxFixes) break;
          json alt = q;
          for (const auto& [k, v] : s["change"].items()) alt[k] = v;
          alt["inverse"] = false;
          auto r = estimate_json(alt);
          if (!r.ok()) continue;
          fixes.push_back({{"text", s["text"]},
                           {"change", s["change"]},
                           {"verdict", r.value()["verdict"]},
                           {"decode_tps", s["decode_tps"]},
                           {"commands", r.value()["commands"]}});
        }
    }
  } else {
    std::string missing;
    for (const char* k : {"model", "quant", "hardware", "context"})
      if (!q.contains(k)) missing += (missing.empty() ? "" : ", ") + std::string(k);
    out["estimate"] = nullptr;
    out["estimate_error"] = {{"field", missing},
                             {"message", "the log does not show the " + missing +
                                             "; give them to compare with runcheck"}};
  }
  // The errors knowledge base entries the log matched.
  json errors = json::array();
  for (const LogError& le : f.errors)
    for (const ErrorEntry& ke : builtin_catalog().errors)
      if (ke.id == le.id) {
        errors.push_back(
            {{"id", ke.id},
             {"line", le.line},
             {"count", le.count},
             {"text", le.text},
             {"runtime", ke.runtime},
             {"category", ke.category},
             {"severity", ke.severity},
             {"meaning", ke.meaning},
             {"fixes", error_fixes_json(ke, le.text)},
             {"source", ke.sources.empty() ? json(nullptr) : json(ke.sources[0].url)}});
      }
  out["request"] = q;
  out["findings"] = findings;
  out["comparison"] = comparison;
  out["fixes"] = fixes;
  out["errors"] = errors;
  return out;
}

}  // namespace runcheck
