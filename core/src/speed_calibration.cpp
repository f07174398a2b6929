// The calibration: the shipped benchmarks as speed features, the fits, their held-out ratios and
// the bands built from them.
#include "engine_internal.h"
#include "runcheck/request.h"

namespace runcheck::engine {

// The calibration set: every catalog benchmark row turned into features once.

const Calibration& calibration() {
  static const Calibration cal = [] {
    Calibration c;
    const auto& rows = builtin_catalog().benchmarks;
    std::map<std::string, SpeedFeatures> cache;
    for (size_t i = 0; i < rows.size(); ++i) {
      const BenchmarkRow& b = rows[i];
      const std::string key =
          b.model + "|" + b.quant + "|" + b.hardware + "|" + std::to_string(b.n_devices) + "|" +
          b.backend + "|" + (b.ram_gib ? std::to_string(*b.ram_gib) : "") + "|" + b.runtime + "|" +
          b.flash_attn + "|" + b.kv_type + "|" + std::to_string(b.gpu_layers.value_or(-1)) + "|" +
          std::to_string(b.n_cpu_moe.value_or(-1)) + "|" + std::to_string(b.ubatch.value_or(-1)) +
          "|" + std::to_string(b.build) + "|" + std::to_string(b.threads.value_or(0)) + "|" +
          b.host + "|" + (b.ram_gb_s ? std::to_string(*b.ram_gb_s) : "");
      auto it = cache.find(key);
      if (it == cache.end()) {
        // As the row was run (catalog/benchmarks.json keeps its settings; absent ones are
        // llama-bench's defaults of the original file: all layers, flash attention off, f16 KV).
        EstimateRequest q;
        q.model = b.model;
        q.quant = b.quant;
        q.context = std::max<int64_t>(2048, int64_t{b.tokens} + b.depth);
        q.hardware = {b.hardware + (b.n_devices > 1 ? "x" + std::to_string(b.n_devices) : "")};
        if (!b.host.empty()) q.hardware.push_back(b.host);  // the CPU the run names beside it
        q.runtime = b.runtime;
        if (!b.flash_attn.empty()) q.flash_attn = b.flash_attn == "on";
        q.gpu_layers = b.gpu_layers.value_or(100000);
        if (b.n_cpu_moe) q.n_cpu_moe = *b.n_cpu_moe;
        if (b.ubatch) q.ubatch = *b.ubatch;
        if (b.threads) q.threads = *b.threads;
        q.kv_type = b.kv_type;
        q.backend = b.backend;
        q.allow_long_context = true;
        if (b.build > 0) q.llamacpp_build = b.build;
        if (b.ram_gb_s) q.ram_bandwidth_gb_s = *b.ram_gb_s;
        if (b.ram_gib) q.ram_gb = *b.ram_gib;
        // A run without its memory size fit on its machine: take a Mac's largest configuration.
        else if (const HardwareEntry* h = builtin_catalog().hw(b.hardware);
                 h && h->kind == HardwareKind::kApple && !h->memory_options_gib.empty())
          q.ram_gb = h->memory_options_gib.back();
        auto in = read_inputs(q);
        if (!in.ok()) continue;
        std::vector<std::string> ignored;
        const Machine mc = build_machine(in.value(), ignored);
        const WeightPlan w = weights_for(in.value(), in.value().ftype, in.value().format);
        const Plan p = make_plan(in.value().model->arch, w, mc, in.value().plan);
        it = cache.emplace(key, speed_context(in.value(), mc, p).f).first;
      }
      // A server's prefill rate is prompt over time to first token (a decode step and request
      // overhead included): scored as such by the accuracy report, but not what the prefill fit,
      // its hardware factors or its band describe.
      if (!b.decode && b.kind != "bench") continue;
      SpeedSample smp;
      smp.f = it->second;
      // llamafile's CUDA decode is not llama.cpp's: LocalScore's llamafile 0.9 runs (2025-03) of
      // small models on an RTX 3090 sit 0.7x the llama.cpp estimate, on an EPYC host. Those runs
      // are their own fit group ("llamafile/cuda/..."), which no estimate uses; they are still
      // scored, as the llama.cpp estimate they would get. On Metal its decode is llama.cpp's
      // once the attention without flash attention is priced per score (speed.h,
      // decode_per_depth_score_s): its runs had seemed to slow down with depth twice as fast as
      // llama.cpp's only when read as bytes (Llama 3.2 1B's 64-wide heads make half the bytes
      // of a score that 8B's 128-wide ones do, at the same cost), and they join metal/lo
      // (decode p90 under hardware / source holdout 30.0 / 26.7 -> 29.2 / 26.0 %). Its prefill
      // runs stay in llama.cpp's fit: left out, the prefill median under source holdout rose
      // 21 -> 27 %.
      if (b.decode && b.engine == "llamafile" && smp.f.backend != "metal")
        smp.f.runtime = "llamafile";
      smp.decode = b.decode;
      smp.tokens = b.tokens;
      smp.depth = b.depth;
      smp.value_tps = b.value_tps;
      smp.row = i;
      smp.hardware = b.hardware;
      smp.config = key;
      smp.group = smp.f.group();
      smp.n_devices = b.n_devices;
      smp.model = b.model;
      smp.source = benchmark_source(b);
      c.samples.push_back(smp);
    }
    weigh_by_configuration(c.samples);
    return c;
  }();
  return cal;
}

LeftOut left_out_rows(const Inputs& in) {
  LeftOut out;
  if (!in.leave_out) return out;
  const LeaveOut& L = *in.leave_out;
  if (L.scope == "hardware") out.holdout = {L.scope, L.hardware};
  if (L.scope == "model") out.holdout = {L.scope, L.model};
  if (L.scope == "source") out.holdout = {L.scope, L.source};
  if (L.scope == "gpu-count")
    out.holdout = {L.scope, std::to_string(L.n_devices > 0 ? L.n_devices : 1)};
  const auto& rows = builtin_catalog().benchmarks;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& b = rows[i];
    if (L.model == b.model && L.quant == b.quant && L.hardware == b.hardware &&
        L.n_devices == b.n_devices && L.backend == b.backend && L.depth == b.depth &&
        L.metric == (b.decode ? "tg" : "pp") && L.tokens == b.tokens &&
        std::fabs(L.value_tps - b.value_tps) < 1e-9) {
      out.exclude = i;
      break;
    }
  }
  return out;
}

bool LeftOut::row_held_out(size_t i) const {
  const auto& rows = builtin_catalog().benchmarks;
  if (i >= rows.size() || holdout.field.empty()) return false;
  SpeedSample probe;
  probe.hardware = rows[i].hardware;
  probe.model = rows[i].model;
  probe.source = benchmark_source(rows[i]);
  probe.n_devices = rows[i].n_devices;
  return holdout.holds_out(probe);
}

// Decode's time per token from a group fit: the fixed costs, the bytes term and the hops, for a
// build of the run's era.
double decode_time(const SpeedFit& fit, double x, double hops, const SpeedFeatures& f) {
  return (fit.decode_overhead_s(f) + fit.b * x + fit.c * hops) * (f.old_build ? fit.k_old : 1.0);
}

// Predicted seconds per token for `s` from the fit of `group` without row `exclude`; a prefill
// scaled by how this hardware's other measurements in the group compare with the fit (the median
// measured/predicted), when it has any, as an estimate scales it (decode never is:
// speed_model.cpp). `corrected` says whether that happened.
double predict_time(const std::vector<SpeedSample>& all, const SpeedSample& s,
                    const std::string& group, size_t exclude, bool& corrected,
                    const Holdout& holdout = {}, const SpeedFit* given = nullptr) {
  corrected = false;
  const SpeedFit fit = given ? *given : fit_speed(all, group, s.decode, exclude, holdout);
  if (!fit.ok) return 0;
  double t = speed_time(fit, s);
  if (s.decode) return t;
  std::vector<double> r;
  if (!s.hardware.empty())
    for (const auto& j : all) {
      if (j.row == exclude || j.row == s.row || j.decode || j.hardware != s.hardware) continue;
      if (j.n_devices != s.n_devices || holdout.holds_out(j)) continue;
      if (j.group != group || !j.f.prefill_fixed || j.tokens < kMinPrefillFitTokens) continue;
      r.push_back(j.value_tps * speed_time(fit, j));
    }
  if (!r.empty()) {
    t /= quantile(r, 0.5);
    corrected = true;
  }
  return t;
}

// Ratios measured / predicted over a group, two kinds, each computed without the row itself:
// `known` - hardware with other measurements (fit and hardware factor without the row);
// `unknown` - the row's whole hardware left out of the fit (how a new GPU is predicted).

namespace {
struct RatioMemo {
  std::mutex mu;
  std::map<std::string, GroupRatios> by_group;
};
RatioMemo& ratio_memo() {
  static RatioMemo m;
  return m;
}
}  // namespace

void clear_ratio_memo() {
  RatioMemo& m = ratio_memo();
  std::lock_guard<std::mutex> lock(m.mu);
  m.by_group.clear();
}

const GroupRatios& group_ratios(const std::string& group, bool decode, const Holdout& outside) {
  std::mutex& mu = ratio_memo().mu;
  std::map<std::string, GroupRatios>& memo = ratio_memo().by_group;
  const std::string key = group + (decode ? "|d|" : "|p|") + outside.field + "=" + outside.value;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = memo.find(key);
    if (it != memo.end()) return it->second;
  }
  GroupRatios g;
  const auto& all = calibration().samples;
  std::map<std::string, SpeedFit> without_hw, without_model, without_source;
  // Every residual is also made without the row's own publication (source, and submitter where
  // one publication gathers many): a new source's runs differ by build, settings and care, and a
  // band made only from residuals of sources the fit has seen would not cover them.
  for (const auto& s : all) {
    if (s.decode != decode || s.group != group || (!decode && !s.f.prefill_fixed)) continue;
    if (outside.holds_out(s)) continue;  // the group being predicted: never its own calibration
    // Out-of-group residuals: the row predicted with its whole model left out of the fit and of
    // the hardware factor (how a model the calibration has never seen is predicted), so that
    // the band's coverage holds for new models and sources, not only for a new row of a known
    // configuration.
    const Holdout source_out{"source", s.source, &outside};
    const Holdout model_out{"model", s.model, &source_out};
    // Decode is not scaled by the hardware's runs (speed_model.cpp): its bands use `unknown` only.
    if (!decode) {
      const std::string mkey = s.model + "\n" + s.source;
      auto fm = without_model.find(mkey);
      if (fm == without_model.end())
        fm = without_model.emplace(mkey, fit_speed(all, group, false, SIZE_MAX, model_out)).first;
      bool corrected = false;
      const double t =
          fm->second.ok ? predict_time(all, s, group, s.row, corrected, model_out, &fm->second) : 0;
      if (t > 0 && corrected) g.known.push_back({s.row, s.value_tps * t});
      // The row's whole publication left out (the row with it): one fit per source, shared by its
      // rows.
      bool pair_corrected = false;
      auto fs = without_source.find(s.source);
      if (fs == without_source.end())
        fs = without_source.emplace(s.source, fit_speed(all, group, false, SIZE_MAX, source_out))
                 .first;
      const double tp = fs->second.ok ? predict_time(all, s, group, s.row, pair_corrected,
                                                     source_out, &fs->second)
                                      : 0;
      if (tp > 0 && pair_corrected) g.known_pair.push_back({s.row, s.value_tps * tp});
    }
    const std::string hkey = s.hardware + "\n" + s.source;
    auto it = without_hw.find(hkey);
    if (it == without_hw.end())
      it = without_hw
               .emplace(hkey, fit_speed(all, group, decode, SIZE_MAX,
                                        Holdout{"hardware", s.hardware, &source_out}))
               .first;
    if (it->second.ok) g.unknown.push_back({s.row, s.value_tps * speed_time(it->second, s)});
  }
  std::lock_guard<std::mutex> lock(mu);
  return memo.emplace(key, std::move(g)).first->second;
}

const std::vector<std::pair<size_t, double>>& borrowed_ratios(bool decode, const Holdout& outside) {
  std::mutex& mu = ratio_memo().mu;
  std::map<std::string, GroupRatios>& memo = ratio_memo().by_group;
  const std::string key =
      std::string("\nborrowed") + (decode ? "|d|" : "|p|") + outside.field + "=" + outside.value;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = memo.find(key);
    if (it != memo.end()) return it->second.known;
  }
  GroupRatios g;
  const auto& all = calibration().samples;
  std::map<std::string, SpeedFit> fits;
  for (const auto& s : all) {
    if (s.decode != decode || s.f.runtime.empty() || (!decode && !s.f.prefill_fixed)) continue;
    if (outside.holds_out(s)) continue;
    // llama.cpp's group for this backend and precision, as an estimate that borrows it uses,
    // fitted without the row's model and publication.
    const std::string group = s.f.backend + (s.f.high_precision ? "/hi" : "/lo");
    const Holdout source_out{"source", s.source, &outside};
    const Holdout model_out{"model", s.model, &source_out};
    const std::string fkey = group + "\n" + s.model + "\n" + s.source;
    auto it = fits.find(fkey);
    if (it == fits.end())
      it = fits.emplace(fkey, fit_speed(all, group, decode, SIZE_MAX, model_out)).first;
    if (!it->second.ok) continue;
    bool corrected = false;
    const double t = predict_time(all, s, group, s.row, corrected, model_out, &it->second);
    if (t > 0) g.known.push_back({s.row, s.value_tps * t});
  }
  std::lock_guard<std::mutex> lock(mu);
  return memo.emplace(key, std::move(g)).first->second.known;
}

GroupBand band_of(const std::vector<std::pair<size_t, double>>& ratios, size_t exclude,
                  const std::function<bool(size_t)>& held_out,
                  const std::vector<BandStratum>& strata) {
  std::vector<std::pair<size_t, double>> pool;
  for (const auto& [row, r] : ratios)
    if (row != exclude && !(held_out && held_out(row))) pool.push_back({row, r});
  GroupBand b;
  b.rows = pool.size();
  if (pool.size() < 3) {  // too few rows to say more
    b.low = 0.5;
    b.high = 1.5;
    return b;
  }
  // The group's own pool: split-conformal edges. Of n held-out ratios, the ceil((n+1) q)-th
  // smallest for the upper edge and the floor((n+1) (1 - q))-th for the lower one (ranks from
  // 1), the finite-sample rank that keeps coverage of a new run at q per side. Below 39 ratios
  // that rank passes n and the edge is the extreme run itself, where an interpolated percentile
  // falls inside it. Strata below only widen the band, with interpolated percentiles: their
  // extremes would be the band of a handful of runs.
  {
    std::vector<double> v;
    for (const auto& pr : pool) v.push_back(pr.second);
    std::sort(v.begin(), v.end());
    const double n1 = static_cast<double>(v.size() + 1);
    const auto hi = static_cast<size_t>(std::ceil(n1 * kBandHighQuantile));
    const auto lo = static_cast<size_t>(std::floor(n1 * kBandLowQuantile));
    b.low = v[std::clamp<size_t>(lo, 1, v.size()) - 1];
    b.high = v[std::clamp<size_t>(hi, 1, v.size()) - 1];
  }
  auto range = [](const std::vector<double>& v) {
    return std::make_pair(quantile(v, kBandLowQuantile), quantile(v, kBandHighQuantile));
  };
  for (const BandStratum& st : strata) {
    std::vector<double> sv;
    for (const auto& [row, r] : pool)
      if (st.member(row)) sv.push_back(r);
    if (sv.size() < kMinStratumRows) continue;
    const auto [lo, hi] = range(sv);
    if (lo >= b.low && hi <= b.high) continue;
    b.low = std::min(b.low, lo);
    b.high = std::max(b.high, hi);
    b.widened_by.push_back(st.name + " (" + std::to_string(sv.size()) + " runs)");
  }
  return b;
}

std::vector<BandStratum> band_strata(bool moe, bool multi, const std::string& family) {
  const Catalog* cat = &builtin_catalog();
  const auto* rows = &cat->benchmarks;
  std::vector<BandStratum> strata;
  strata.push_back({moe ? "MoE models" : "dense models", [rows, cat, moe](size_t i) {
                      const ModelEntry* m =
                          i < rows->size() ? cat->model((*rows)[i].model) : nullptr;
                      return m && m->arch.is_moe() == moe;
                    }});
  strata.push_back({multi ? "multi-GPU runs" : "single-device runs", [rows, multi](size_t i) {
                      return i < rows->size() && ((*rows)[i].n_devices > 1) == multi;
                    }});
  if (!family.empty())
    strata.push_back({family + " hardware", [rows, cat, family](size_t i) {
                        const HardwareEntry* h =
                            i < rows->size() ? cat->hw((*rows)[i].hardware) : nullptr;
                        return h && hardware_family(*h) == family;
                      }});
  return strata;
}

GroupBand join_borrowed_band(GroupBand b, bool decode, const std::string& used_group,
                             const std::string& runtime, const std::string& runtime_label,
                             std::vector<BandStratum> strata, size_t exclude,
                             const std::function<bool(size_t)>& held_out, const Holdout& holdout) {
  if (runtime.empty()) return b;
  if (used_group.rfind(runtime + "/", 0) == 0 && b.rows >= kMinBandRows) return b;
  const auto* rows = &builtin_catalog().benchmarks;
  strata.push_back({runtime_label + " runs", [rows, runtime](size_t i) {
                      Runtime r = Runtime::kLlamaCpp;
                      return i < rows->size() && runtime_from_name((*rows)[i].runtime, r) &&
                             speed_runtime(r) == runtime;
                    }});
  const GroupBand x = band_of(borrowed_ratios(decode, holdout), exclude, held_out, strata);
  if (x.rows < 3 || (x.low >= b.low && x.high <= b.high)) return b;
  b.low = std::min(b.low, x.low);
  b.high = std::max(b.high, x.high);
  b.widened_by.push_back("runs of runtimes other than llama.cpp predicted from its fit (" +
                         std::to_string(x.rows) + " runs)");
  for (const auto& w : x.widened_by) b.widened_by.push_back(w);
  return b;
}

void band_notes(const char* what, const GroupBand& b, std::vector<std::string>& assumptions) {
  std::string why;
  for (const auto& w : b.widened_by) why += (why.empty() ? "" : ", ") + w;
  if (!why.empty())
    assumptions.push_back(std::string(what) + " band widened to the spread of " + why);
  if (b.rows < 3)
    assumptions.push_back(std::string(what) +
                          " band: no held-out runs of this kind to size it, so a default "
                          "0.5-1.5x of the figure (widened where the fit is borrowed)");
  else if (b.rows < kMinBandRows)
    assumptions.push_back(std::string(what) + " band rests on " + std::to_string(b.rows) +
                          " held-out runs only: treat its edges as rough");
}

}  // namespace runcheck::engine

namespace runcheck {

void weigh_by_configuration(std::vector<SpeedSample>& samples) {
  std::map<std::string, int> runs;
  for (const auto& s : samples)
    if (s.decode) ++runs[s.config];
  for (auto& s : samples) s.weight = s.decode ? 1.0 / runs[s.config] : 1.0;
}

// The groups that share a group's issue bound (SpeedFit::issue_beta): it is a property of the
// kernels, so both precision classes of a backend share it, and llama.cpp's ROCm backend is its
// CUDA code compiled with HIP, so CUDA and ROCm share one (an AMD compute unit, like an NVIDIA SM
// since Volta, issues 64 lanes of integer work a cycle).
std::vector<std::string> issue_family(const std::string& group) {
  const size_t n = group.size();
  if (n < 4 || (group.compare(n - 3, 3, "/hi") != 0 && group.compare(n - 3, 3, "/lo") != 0))
    return {};
  const std::string base = group.substr(0, n - 3);
  std::vector<std::string> bases = {base};
  if (base == "cuda" || base == "rocm") bases = {"cuda", "rocm"};
  std::vector<std::string> out;
  for (const auto& b : bases)
    for (const char* p : {"/hi", "/lo"})
      if (b + p != group) out.push_back(b + p);
  return out;
}

}  // namespace runcheck
