// The published runs of exactly the setup an estimate is for: the same model, quant, hardware,
// GPU count, backend and runtime, each with how it ran (the "measured" list and its evidence).
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

}  // namespace runcheck::engine
