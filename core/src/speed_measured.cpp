// The published runs of exactly the setup an estimate is for: the same model, quant, hardware,
// GPU count, backend and runtime, each with how it ran (the "measured" list and its evidence).
#include <algorithm>
#include <cctype>
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

void reconcile_setup_runs(SpeedEstimate& out, const std::string& fitted_evidence,
                          const std::function<double(double)>& ceiling_at) {
  std::vector<double> r;
  for (const MeasuredRun& m : out.measured)
    if (m.decode && m.estimate_at_run_length_tps && *m.estimate_at_run_length_tps > 0)
      r.push_back(m.value_tps / *m.estimate_at_run_length_tps);
  if (r.empty() || !out.decode_tps) return;
  std::sort(r.begin(), r.end());
  const double mid = quantile(r, 0.5);
  out.measured_decode_ratio = mid;
  out.measured_decode_ratio_low = r.front();
  out.measured_decode_ratio_high = r.back();
  // A run of this very setup is where a new run of it can land: the band takes them all in.
  auto widen = [&](double tps, double& lo, double& hi, double depth) {
    lo = std::min(lo, tps * r.front());
    const double cap = ceiling_at(depth);
    hi = std::max(hi, cap > 0 ? std::min(cap, tps * r.back()) : tps * r.back());
  };
  double lo = *out.decode_tps_low, hi = *out.decode_tps_high;
  widen(*out.decode_tps, lo, hi, out.depth);
  out.decode_tps_low = lo;
  out.decode_tps_high = hi;
  for (DepthSpeed& d : out.decode_by_context) widen(d.tps, d.low, d.high, d.depth);
  if (std::fabs(mid - 1) <= kMeasuredAgreement) return;
  out.evidence = fitted_evidence;
  const bool one = r.size() == 1;
  std::string note = out.measured_note;
  if (!note.empty()) note[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(note[0])));
  out.measured_note = "This setup's " + (one ? "" : std::to_string(r.size()) + " ") +
                      "published decode run" + (one ? " sits " : "s sit a median ") +
                      fmt("%.0f", std::fabs(mid - 1) * 100) + " % " + (mid < 1 ? "under" : "over") +
                      " the estimate at " + (one ? "its depth" : "their depths") +
                      ", so the figure is not labelled measured: it is the fit over all runs (a "
                      "setup's own runs do not scale decode; out of sample that made it worse), "
                      "and its band is widened to take them in. " +
                      note;
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
