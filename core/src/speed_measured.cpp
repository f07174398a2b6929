// The published runs of exactly the setup an estimate is for: the same model, quant, hardware,
// GPU count, backend and runtime, each with how it ran (the "measured" list and its evidence).
#include <set>

#include "engine_internal.h"
#include "runcheck/request.h"

namespace runcheck::engine {

SetupRuns setup_runs(const Inputs& in, const std::string& runtime, size_t exclude,
                     const std::function<bool(size_t)>& held_out) {
  SetupRuns out;
  for (const auto* h : in.hardware)
    if (h->kind == HardwareKind::kGpu) {
      out.same_gpu = out.same_gpu && (out.hardware_id.empty() || out.hardware_id == h->id);
      out.hardware_id = h->id;
      ++out.n_gpu;
    }
  if (out.n_gpu == 0)
    for (const auto* h : in.hardware) out.hardware_id = h->id;
  const auto& rows = builtin_catalog().benchmarks;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& b = rows[i];
    if (i == exclude || !out.same_gpu || b.model != in.model->id || b.hardware != out.hardware_id ||
        b.backend != in.backend)
      continue;
    Runtime brt = Runtime::kLlamaCpp;
    if (!runtime_from_name(b.runtime, brt) || speed_runtime(brt) != runtime) continue;
    if (held_out && held_out(i)) continue;
    if (static_cast<size_t>(b.n_devices) != std::max<size_t>(1, out.n_gpu)) continue;
    const QuantEntry* q = builtin_catalog().quant(b.quant);
    if (!q || q->id != in.quant) continue;
    // The run's own test and settings (all of them are in catalog/benchmarks.json).
    std::string how = b.flash_attn == "on"   ? "flash attention on"
                      : b.flash_attn.empty() ? "flash attention not stated"
                                             : "";
    if (b.kv_type != "f16") how += (how.empty() ? "" : ", ") + b.kv_type + " KV";
    if (b.kind != "bench") how += (how.empty() ? "" : ", ") + std::string("one server request");
    if (b.gpu_layers) how += (how.empty() ? "" : ", ") + ("-ngl " + std::to_string(*b.gpu_layers));
    if (b.build > 0) {
      // llamafile carries a llama.cpp build of its own version's date (kLlamafile09LlamacppBuild).
      const std::string build = "build b" + std::to_string(b.build) +
                                (b.build < kLlamacppBuild2025 ? ", a 2024 build" : "");
      how += (how.empty() ? "" : ", ") +
             (b.engine == "llamafile" ? "llamafile (llama.cpp " + build + ")" : build);
    }
    out.runs.push_back({b.decode,
                        b.tokens,
                        b.value_tps,
                        b.sources.empty() ? "" : b.sources[0].url,
                        b.depth,
                        how,
                        b.build,
                        {}});
  }
  return out;
}

// How close vLLM's, MLX's or ExLlamaV2's kernels come to the bandwidth differs from model to
// model far more than llama.cpp's (vLLM on one RTX 5090: Nemotron 3 Nano at 0.76 of its
// ceiling, Qwen3.6-35B-A3B at 0.40, Qwen3.6-27B at 0.50), and such a fit rests on a handful of
// models: for a model it has no decode run of, the band's upper edge is the ceiling itself.
std::string unseen_model_note(const Inputs& in, const std::string& runtime_fit, size_t exclude,
                              const std::function<bool(size_t)>& held_out) {
  if (is_llamacpp_engine(in.plan.kv.runtime)) return "";
  std::set<std::string> models;
  for (const auto& s : calibration().samples) {
    if (!s.decode || s.f.runtime != runtime_fit || s.row == exclude || held_out(s.row)) continue;
    if (s.model == in.model->id) return "";
    models.insert(s.model);
  }
  std::string name = runtime_name(in.plan.kv.runtime);  // the catalog's, without its commands
  for (const auto& r : builtin_catalog().runtimes)
    if (r.id == name) name = r.name.substr(0, r.name.find(" ("));
  return "decode band: " + name + " has no published decode run of " + in.model->name +
         " (its runs are of " + std::to_string(models.size()) +
         " other models), and how close its kernels come to the bandwidth varies from model to "
         "model (0.40-0.76 of the ceiling for vLLM on one RTX 5090): the upper edge is the "
         "bandwidth ceiling";
}

}  // namespace runcheck::engine
