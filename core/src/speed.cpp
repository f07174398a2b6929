#include "runcheck/speed.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "runcheck/constants.h"
#include "runcheck/request.h"

namespace runcheck {

double SpeedFeatures::prefill_overlap(uint32_t prompt) const {
  // llama.cpp's pipeline over G GPUs (layer split): a batch of n_batch tokens is M micro-batches
  // of n_ubatch, and micro-batch i runs on GPU g at step i + g. The batch takes M + G - 1 steps
  // of one GPU's share, where one GPU alone would take M x G: the speed-up is M G / (M + G - 1),
  // 1 for a single micro-batch (ppN with N <= n_ubatch) and below G for any finite batch.
  const double m = std::ceil(std::min<double>(prompt, n_batch) / std::max(1.0, n_ubatch));
  const double g = std::max(1.0, pipeline_gpus);
  return std::max(1.0, m * g / (m + g - 1));
}

double SpeedFeatures::weights_x(double beta) const {
  if (beta <= 0 || device_reads.empty()) return decode_fixed_s;
  double t = 0;
  for (const DeviceRead& d : device_reads) {
    const double each = std::max(d.x, d.y > 0 ? d.y / beta : 0.0);
    t = reads_parallel ? std::max(t, each) : t + each;
  }
  return t;
}

double speed_regressor(const SpeedSample& s, double issue_beta, double kv_refetch, double moe_t0,
                       double score_ns) {
  if (s.decode) {
    // Time per token is linear in depth, so the mean time is the time at the mean depth.
    return s.f.weights_x(issue_beta) + s.f.depth_x(kv_refetch, score_ns) * s.mean_depth();
  }
  return s.f.prefill_fixed.value_or(0) * s.f.expert_factor(moe_t0, s.tokens) /
         s.f.prefill_overlap(s.tokens);
}

double speed_regressor2(const SpeedSample& s) {
  // Decode: GPU hops. Prefill: the attention FLOPs, which run at their own (lower) efficiency
  // than the weight matmuls (without flash attention the KQ scores go through memory).
  // A prompt after D tokens already in the cache attends to them too: N + 2D, as N / 2 + D is
  // the mean context a prompt token reads (prefill_per_prompt * N is the depth-0 mean).
  return s.decode
             ? s.f.hops
             : s.f.prefill_per_prompt * (s.tokens + 2.0 * s.depth) / s.f.prefill_overlap(s.tokens);
}

double speed_time(const SpeedFit& fit, const SpeedSample& s) {
  const double fixed =
      s.decode ? fit.decode_overhead_s(s.f) : fit.a * s.f.prefill_layer_passes(s.tokens);
  const double t =
      (fixed +
       fit.b * speed_regressor(s, fit.issue_beta, fit.kv_refetch, fit.moe_t0, fit.score_ns) +
       (!s.decode && s.f.flash_attn ? fit.c_fa : fit.c) * speed_regressor2(s)) *
      (s.f.old_build ? fit.k_old : 1.0) * (!s.decode && s.f.legacy_quant ? fit.k_legacy : 1.0);
  return s.decode ? t : std::max(t, s.f.prefill_floor_s(s.tokens));
}

double SpeedFeatures::prefill_layer_passes(uint32_t prompt) const {
  const double n = std::max<uint32_t>(1, prompt);
  return layers * std::ceil(n / std::max(1.0, n_ubatch)) / n;
}

double SpeedFeatures::prefill_floor_s(uint32_t prompt) const {
  // A micro-batch reads every weight its tokens use once: a prompt of N tokens (N <= n_ubatch)
  // takes at least one pass at rated bandwidth, so its time per token is at least that pass / N.
  // An MoE micro-batch reads every expert one of its tokens is routed to: with each token
  // routed to a share s of the experts, 1 - (1 - s)^N of them (0.64 of Qwen3-30B-A3B's for 16
  // tokens, each picking 8 of 128), where a decode step reads s.
  const double per_pass = std::min<double>(std::max<uint32_t>(1, prompt), n_ubatch);
  const double touched = 1.0 - std::pow(1.0 - expert_route_share, per_pass);
  return (decode_fixed_s + experts_x * std::max(0.0, touched - expert_route_share)) / per_pass;
}

namespace {

// Solves the normal equations of y = a + b x (+ c h) with the given parameters held fixed.
// The intercept's regressor u is 1 for prefill and the layer count for decode (a fixed cost per
// layer run: kernel launches and synchronisation).
// Each sample weighs 1 / y^2, so the fit minimises relative errors (what the accuracy figures and
// the bands measure) rather than seconds, which a few very slow runs would dominate; times its
// configuration's share (SpeedSample::weight), so a sweep counts as one run.
struct Sums {
  double n = 0, x = 0, y = 0, h = 0, xx = 0, xy = 0, hh = 0, hy = 0, xh = 0;
  size_t count = 0;
  void add(double ui, double xi, double hi, double yi, double wi) {
    ++count;
    n += wi * ui * ui;
    x += wi * ui * xi;
    y += wi * ui * yi;
    h += wi * ui * hi;
    xx += wi * xi * xi;
    xy += wi * xi * yi;
    hh += wi * hi * hi;
    hy += wi * hi * yi;
    xh += wi * xi * hi;
  }
};

// Minimises sum (y - a - b x - c h)^2 over the free parameters; fixed ones keep their value.
void solve(const Sums& s, bool free_a, bool free_b, bool free_c, SpeedFit& f) {
  // Build the reduced system for the free parameters (at most 3x3), residual target y - fixed.
  double M[3][3] = {}, r[3] = {};
  int idx[3], k = 0;
  if (free_a) idx[k++] = 0;
  if (free_b) idx[k++] = 1;
  if (free_c) idx[k++] = 2;
  const double S[3][3] = {{s.n, s.x, s.h}, {s.x, s.xx, s.xh}, {s.h, s.xh, s.hh}};
  const double Y[3] = {s.y, s.xy, s.hy};
  const double fixed[3] = {free_a ? 0 : f.a, free_b ? 0 : f.b, free_c ? 0 : f.c};
  for (int i = 0; i < k; ++i) {
    r[i] = Y[idx[i]];
    for (int j = 0; j < 3; ++j) r[i] -= S[idx[i]][j] * fixed[j];
    for (int j = 0; j < k; ++j) M[i][j] = S[idx[i]][idx[j]];
  }
  // Gaussian elimination with partial pivoting.
  for (int col = 0; col < k; ++col) {
    int piv = col;
    for (int i = col + 1; i < k; ++i)
      if (std::fabs(M[i][col]) > std::fabs(M[piv][col])) piv = i;
    if (std::fabs(M[piv][col]) < 1e-300) return;  // singular: leave the parameters as they are
    std::swap(M[piv], M[col]);
    std::swap(r[piv], r[col]);
    for (int i = 0; i < k; ++i) {
      if (i == col) continue;
      const double q = M[i][col] / M[col][col];
      for (int j = col; j < k; ++j) M[i][j] -= q * M[col][j];
      r[i] -= q * r[col];
    }
  }
  double out[3] = {f.a, f.b, f.c};
  for (int i = 0; i < k; ++i) out[idx[i]] = r[i] / M[i][i];
  f.a = out[0];
  f.b = out[1];
  f.c = out[2];
}

}  // namespace

namespace {

// The fit with runs of 2024 llama.cpp builds (SpeedFeatures::old_build) taken as `k_old` times
// slower than a current build would be: their time is divided by k_old before fitting.
// `moe`, `rec`: decode's extra fixed cost per MoE and per recurrent layer, taken as known (their
// share is removed from each sample's time before a, b and c are fitted).
// `members`: the samples of the group and kind that the fit may use (fit_speed filters them
// once: not the excluded row, not held out).
using Members = std::vector<const SpeedSample*>;

// Prefill's per-kind terms (SpeedFit::k_legacy, SpeedFit::moe_t0) a fit is made with.
struct PrefillKinds {
  double legacy = 1, moe_t0 = 0;
};

// Decode's depth terms a fit is made with (SpeedFit::kv_refetch, SpeedFit::score_ns).
struct DepthCost {
  double refetch = 1, score_ns = 0;
  size_t score_configs = 0;
};

// Decode's extra fixed costs per MoE, recurrent and unfused-attention layer a fit is made with.
struct LayerCosts {
  double moe = 0, rec = 0, unfused = 0;
  double of(const SpeedFeatures& f) const {
    return moe * f.fixed_moe_layers() + rec * f.fixed_recurrent_layers() +
           unfused * f.fixed_unfused_layers();
  }
};

SpeedFit fit_speed_core(const Members& members, bool decode, double k_old, const PrefillKinds& pk,
                        const LayerCosts& lc, double beta, const DepthCost& dc) {
  // Seconds per token as a current build would run the sample, without the layer-kind costs
  // (and, for prefill, as k-quant weights would run).
  auto y_of = [&](const SpeedSample& smp) {
    return 1.0 / smp.value_tps / (smp.f.old_build ? k_old : 1.0) /
               (!smp.decode && smp.f.legacy_quant ? pk.legacy : 1.0) -
           (smp.decode ? lc.of(smp.f) : 0.0);
  };
  Sums s;
  bool any_h = false;
  double min_x = 1e300, max_x = 0;
  for (const SpeedSample* p : members) {
    const SpeedSample& smp = *p;
    if (!decode && (!smp.f.prefill_fixed || smp.tokens < kMinPrefillFitTokens)) continue;
    const double x = speed_regressor(smp, beta, dc.refetch, pk.moe_t0, dc.score_ns);
    const double h = speed_regressor2(smp);
    const double y = y_of(smp);
    s.add(decode ? smp.f.fixed_layers() : smp.f.prefill_layer_passes(smp.tokens), x, h, y,
          smp.weight / (y * y));
    any_h = any_h || h > 0;
    min_x = std::min(min_x, x);
    max_x = std::max(max_x, x);
  }
  SpeedFit f;
  f.n = s.count;
  if (f.n < 2) return f;
  bool free_c = any_h;
  bool c_follows_b = false;
  bool split_c = false;  // attention slopes fixed per flash-attention setting (below)
  if (!decode && any_h) {
    // The attention slope comes from how each configuration slows down as its prompt (or the
    // context before it) grows: within-configuration regression, as across hardware compute
    // figures are too rough. Flash attention on and off are separate slopes: without it the
    // KQ scores go through memory, with it they stay in on-chip tiles.
    std::map<std::string, std::vector<std::pair<double, double>>> by_config;  // config -> (h, y)
    std::map<std::string, bool> config_fa;
    for (const SpeedSample* p : members) {
      const SpeedSample& smp = *p;
      if (!smp.f.prefill_fixed || smp.tokens < kMinPrefillFitTokens) continue;
      by_config[smp.config].push_back({speed_regressor2(smp), y_of(smp)});
      config_fa[smp.config] = smp.f.flash_attn;
    }
    double sxy[2] = {0, 0}, sxx[2] = {0, 0};  // [0]: flash attention off, [1]: on
    for (const auto& [cfg, pts] : by_config) {
      if (pts.size() < 2) continue;
      const int k = config_fa[cfg] ? 1 : 0;
      double mh = 0, my = 0;
      for (const auto& [h, y] : pts) {
        mh += h;
        my += y;
      }
      mh /= pts.size();
      my /= pts.size();
      for (const auto& [h, y] : pts) {
        sxy[k] += (h - mh) * (y - my);
        sxx[k] += (h - mh) * (h - mh);
      }
    }
    if (sxx[0] > 0 || sxx[1] > 0) {
      // A setting without its own within-configuration data takes the other's slope.
      const double off = std::max(0.0, sxx[0] > 0 ? sxy[0] / sxx[0] : sxy[1] / sxx[1]);
      const double on = std::max(0.0, sxx[1] > 0 ? sxy[1] / sxx[1] : off);
      f.c = off;
      f.c_fa = on;
      free_c = false;
      split_c = true;
    } else {
      // No configuration in the group was measured at two prompt lengths: the slope is not
      // identifiable from these rows (a free fit across configurations extrapolates long
      // prompts 7-9x too slow under model holdout). Physics instead: attention FLOPs run at the
      // efficiency the fit finds for the matmuls (c = b, set after the solve below).
      f.c = 1;
      free_c = false;
      c_follows_b = true;
    }
  }
  if (split_c) {
    // The attention term is known per sample: fit a and b on what remains.
    s = Sums{};
    for (const SpeedSample* p : members) {
      const SpeedSample& smp = *p;
      if (!smp.f.prefill_fixed || smp.tokens < kMinPrefillFitTokens) continue;
      const double c = smp.f.flash_attn ? f.c_fa : f.c;
      const double y = y_of(smp);
      s.add(smp.f.prefill_layer_passes(smp.tokens),
            speed_regressor(smp, beta, dc.refetch, pk.moe_t0, dc.score_ns), 0,
            y - c * speed_regressor2(smp), smp.weight / (y * y));
    }
  }
  const double c_off = f.c, c_on = f.c_fa;
  if (split_c) f.c = 0;
  // With one distinct regressor value the slope is unidentifiable: keep b at the ceiling (1)
  // and fit the intercept only.
  const bool spread = max_x > min_x * 1.05;
  // The intercept is always fitted: decode's per layer run, prefill's per layer per micro-batch
  // (SpeedFeatures::prefill_layer_passes: a micro-batch's launches and synchronisation).
  f.b = 1;
  f.a = 0;
  solve(s, true, spread, free_c, f);
  // Constraints, applied by refitting with the violated parameter pinned to its bound.
  if (f.b < 1) {
    f.b = 1;
    solve(s, true, false, free_c, f);
  }
  if (f.a < 0) {
    f.a = 0;
    solve(s, false, spread, free_c, f);
    if (f.b < 1) {
      f.b = 1;
      solve(s, false, false, free_c, f);
    }
  }
  if (f.c < 0) {
    f.c = 0;
    solve(s, f.a > 0, spread && f.b > 1, false, f);
  }
  if (c_follows_b && f.b != f.c) {
    f.c = f.b;
    solve(s, f.a > 0, false, false, f);
  }
  if (f.a < 0) f.a = 0;
  if (f.b < 1) f.b = 1;
  if (split_c) {
    f.c = c_off;
    f.c_fa = c_on;
  } else {
    f.c_fa = f.c;
  }
  f.ok = std::isfinite(f.a) && std::isfinite(f.b) && std::isfinite(f.c) && std::isfinite(f.c_fa);
  f.a_moe = lc.moe;
  f.a_rec = lc.rec;
  f.a_unfused = lc.unfused;
  f.issue_beta = beta;
  f.kv_refetch = dc.refetch;
  f.score_ns = dc.score_ns;
  f.score_configs = dc.score_configs;
  return f;
}

// Decode: MoE layers (router, top-k, one matmul per chosen expert), recurrent layers (state
// update kernels) and attention layers without flash attention (KQ, soft_max and KQV as separate
// kernels) launch more work per token than a dense attention layer with it. Their extra fixed
// costs are fitted by backfitting: the per-layer fit, then each extra cost from what that fit
// leaves (weighted least squares through the origin, never negative), then the fit again. The
// unfused cost took decode runs more than 25 % off from 78 / 70 / 72 to 75 / 64 / 67 under
// hardware / model / source holdout (three passes instead of one: 78 / 57 / 67).
SpeedFit fit_speed_era(const Members& members, bool decode, double k_old, const PrefillKinds& pk,
                       double beta, const DepthCost& dc) {
  SpeedFit f = fit_speed_core(members, decode, k_old, pk, LayerCosts{}, beta, dc);
  if (!decode || !f.ok) return f;
  LayerCosts lc;
  double* cost[3] = {&lc.moe, &lc.rec, &lc.unfused};
  for (int kind = 0; kind < 3; ++kind) {  // one backfitting pass: a second moved no figure
    double num = 0, den = 0;
    for (const SpeedSample* p : members) {
      const SpeedSample& smp = *p;
      const double u = kind == 0   ? smp.f.fixed_moe_layers()
                       : kind == 1 ? smp.f.fixed_recurrent_layers()
                                   : smp.f.fixed_unfused_layers();
      if (u <= 0) continue;
      const double y = 1.0 / smp.value_tps / (smp.f.old_build ? k_old : 1.0);
      SpeedFit g = f;
      (kind == 0 ? g.a_moe : kind == 1 ? g.a_rec : g.a_unfused) = 0;
      SpeedSample now = smp;
      now.f.old_build = false;
      const double res = y - speed_time(g, now), w = smp.weight / (y * y);
      num += w * u * res;
      den += w * u * u;
    }
    *cost[kind] = den > 0 ? std::max(0.0, num / den) : 0.0;
    f.a_moe = lc.moe;
    f.a_rec = lc.rec;
    f.a_unfused = lc.unfused;
  }
  return fit_speed_core(members, decode, k_old, pk, lc, beta, dc);
}

}  // namespace

namespace {

SpeedFit fit_speed_at(const Members& members, bool decode, double beta, const DepthCost& dc) {
  // Runs of 2024 builds in the group: how much slower they are than the fit of current builds
  // says (the median ratio), refitted once with that factor.
  SpeedFit f = fit_speed_era(members, decode, 1.0, PrefillKinds{}, beta, dc);
  for (int pass = 0; pass < 2 && f.ok; ++pass) {
    std::vector<double> r;
    for (const SpeedSample* p : members) {
      const SpeedSample& smp = *p;
      if (!smp.f.old_build) continue;
      if (!decode && (!smp.f.prefill_fixed || smp.tokens < kMinPrefillFitTokens)) continue;
      SpeedSample now = smp;
      now.f.old_build = false;
      r.push_back(1.0 / smp.value_tps / speed_time(f, now));
    }
    if (r.empty()) break;
    const double k = std::max(1.0, quantile(r, 0.5));  // old builds are never faster
    if (pass == 1) {
      f.k_old = k;
      break;
    }
    f = fit_speed_era(members, decode, k, PrefillKinds{}, beta, dc);
    f.k_old = k;
  }
  // Prefill of legacy-quant weights, then of MoE models: the median of their runs' measured /
  // fitted time, the fit then redone with their times scaled by it (a group without enough runs
  // of both the kind and the rest keeps no factor).
  // MoE: llama.cpp's mul_mat_id splits a micro-batch's tokens among the experts they are routed
  // to, so each expert's matmul runs on n_ubatch x experts used / experts tokens (64 for
  // gpt-oss-20b, 32 for Gemma 4 26B-A4B at 512) and converts its whole weight tile for them:
  // a cost of moe_t0 tokens per expert per micro-batch (SpeedFit::moe_t0). On an RTX 3090 the
  // two models ran 1.51x and 1.97x the dense fit's time at short prompts: 1 + 33/64 and
  // 1 + 31/32, one t0 for both.
  if (!decode && f.ok) {
    PrefillKinds pk;
    for (int kind = 0; kind < 2; ++kind) {
      auto is_kind = [kind](const SpeedSample& smp) {
        return kind == 0 ? smp.f.legacy_quant : smp.f.expert_batch(smp.tokens) > 0;
      };
      std::vector<double> r;
      size_t others = 0;
      for (const SpeedSample* p : members) {
        const SpeedSample& smp = *p;
        if (!smp.f.prefill_fixed || smp.tokens < kMinPrefillFitTokens) continue;
        if (!is_kind(smp)) {
          ++others;
          continue;
        }
        const double y = 1.0 / smp.value_tps, t = speed_time(f, smp);
        // MoE: the tokens' worth each touched expert pays, from the time the dense fit leaves
        // over: (y - t) / (b x weight FLOPs term) = t0 x touched / expert batch (a 2024 build's
        // term at its era's factor).
        const double x = f.b * speed_regressor(smp) * (smp.f.old_build ? f.k_old : 1.0);
        r.push_back(kind == 0 ? y / t
                              : (y - t) / x * smp.f.expert_batch(smp.tokens) /
                                    smp.f.experts_touched(smp.tokens));
      }
      if (r.size() < kMinLegacyQuantRuns || others < kMinLegacyQuantRuns) continue;
      (kind == 0 ? pk.legacy : pk.moe_t0) =
          kind == 0 ? quantile(r, 0.5) : std::max(0.0, quantile(r, 0.5));
      const double k_old = f.k_old;
      f = fit_speed_era(members, decode, k_old, pk, beta, dc);
      f.k_old = k_old;
      f.k_legacy = pk.legacy;
      f.moe_t0 = pk.moe_t0;
    }
  }
  return f;
}

// Decode without flash attention (SpeedFeatures::decode_per_depth_refetch_s): the share of the
// repeated KV reads that come from memory is the kKvRefetchGrid value whose refit of the group
// leaves the least weighted squared relative error; a group with fewer than kMinRefetchRuns
// such runs keeps 1, the kernels' own access pattern with no cache reuse.
// A fit's weighted squared relative error over runs (each weighs its weight / y^2, as in the
// fits);
// 0 for a fit that failed.
double weighted_sse(const Members& members, const SpeedFit& f) {
  double e = 0;
  if (!f.ok) return e;
  for (const SpeedSample* p : members) {
    const double y = 1.0 / p->value_tps, t = speed_time(f, *p);
    e += p->weight * (y - t) * (y - t) / (y * y);
  }
  return e;
}

// The same runs' weighted absolute relative error: what the issue bound is chosen by.
double weighted_abs(const Members& members, const SpeedFit& f) {
  double e = 0;
  if (!f.ok) return e;
  for (const SpeedSample* p : members) {
    const double y = 1.0 / p->value_tps;
    e += p->weight * std::fabs(y - speed_time(f, *p)) / y;
  }
  return e;
}

SpeedFit with_kv_refetch(const Members& members, const SpeedFit& fit) {
  size_t runs = 0;
  for (const SpeedSample* p : members) runs += p->f.decode_per_depth_refetch_s > 0 ? 1 : 0;
  if (runs < kMinRefetchRuns || !fit.ok) return fit;
  SpeedFit best = fit;
  double best_e = weighted_sse(members, fit);
  for (double r : kKvRefetchGrid) {
    if (r == fit.kv_refetch) continue;
    SpeedFit f =
        fit_speed_at(members, true, fit.issue_beta, DepthCost{r, fit.score_ns, fit.score_configs});
    if (!f.ok) continue;
    const double e = weighted_sse(members, f);
    if (e < best_e) {
      best_e = e;
      best = f;
    }
  }
  best.machines = fit.machines;
  best.kv_refetch_fitted = true;
  return best;
}

}  // namespace

namespace {

// Fits already made: a fit depends only on its samples (the calibration, built once), the group,
// the kind, the excluded row and the holdout, and an estimate asks for the same few fits again
// and again (the decode and prefill groups, each hardware correction). Without the memo every
// estimate refitted its groups with the issue-bound and KV-refetch grid searches.
struct FitMemo {
  std::mutex mu;
  std::map<std::string, SpeedFit> fits;
};
FitMemo& fit_memo() {
  static FitMemo m;
  return m;
}

SpeedFit fit_speed_uncached(const std::vector<SpeedSample>& samples, const std::string& group,
                            bool decode, size_t exclude, const Holdout& holdout);

}  // namespace

void clear_fit_memo() {
  FitMemo& m = fit_memo();
  std::lock_guard<std::mutex> lock(m.mu);
  m.fits.clear();
}

SpeedFit fit_speed(const std::vector<SpeedSample>& samples, const std::string& group, bool decode,
                   size_t exclude, const Holdout& holdout) {
  std::string key = std::to_string(reinterpret_cast<uintptr_t>(samples.data())) + ":" +
                    std::to_string(samples.size()) + "|" + group + (decode ? "|d|" : "|p|") +
                    std::to_string(exclude);
  for (const Holdout* h = &holdout; h; h = h->also) key += "|" + h->field + "=" + h->value;
  FitMemo& m = fit_memo();
  {
    std::lock_guard<std::mutex> lock(m.mu);
    if (auto it = m.fits.find(key); it != m.fits.end()) return it->second;
  }
  const SpeedFit f = fit_speed_uncached(samples, group, decode, exclude, holdout);
  std::lock_guard<std::mutex> lock(m.mu);
  return m.fits.emplace(key, f).first->second;
}

namespace {

SpeedFit fit_speed_uncached(const std::vector<SpeedSample>& samples, const std::string& group,
                            bool decode, size_t exclude, const Holdout& holdout) {
  const std::vector<std::string> family = decode ? issue_family(group) : std::vector<std::string>{};
  Members members;
  std::map<std::string, Members> others;  // the family's other groups
  bool any_issue = false;  // a decode run on a GPU whose SM count and clock are known
  std::set<std::string> machines;
  for (const auto& smp : samples) {
    if (smp.decode != decode || smp.row == exclude) continue;
    const bool own = smp.group == group;
    if (!own && std::find(family.begin(), family.end(), smp.group) == family.end()) continue;
    if (holdout.holds_out(smp)) continue;
    (own ? members : others[smp.group]).push_back(&smp);
    for (const auto& d : smp.f.device_reads) any_issue = any_issue || d.y > 0;
    if (!own || (!decode && (!smp.f.prefill_fixed || smp.tokens < kMinPrefillFitTokens))) continue;
    machines.insert(smp.hardware + "x" + std::to_string(smp.n_devices));
  }
  DepthCost dc;
  const bool scored = std::any_of(members.begin(), members.end(), [](const SpeedSample* p) {
    return p->f.decode_per_depth_score_s > 0;
  });
  if (decode && scored) dc.score_ns = metal_score_ns(samples, exclude, holdout, dc.score_configs);
  SpeedFit best = fit_speed_at(members, decode, 0, dc);
  best.machines = machines.size();
  if (!decode || !best.ok) return best;
  if (!any_issue) return with_kv_refetch(members, best);
  // The issue bound (SpeedFeatures::weights_x): beta, the bytes per SM-cycle the kernels reach,
  // is the grid value whose fits leave the least weighted absolute relative error over the runs
  // of the whole family; no bound (0) unless one does better. Absolute, not squared: the GTX
  // 1050 Ti's small models, up to 1.75x slower than any bound says, chose it for every card by
  // squared error (hardware / source holdout: 90 / 84 -> 81 / 76 decode runs over 25 %). The search
  // refits each group's bandwidth, layer and hop terms with the era and layer-kind factors of its
  // fit without the bound; the chosen beta is then fitted in full.
  std::map<std::string, SpeedFit> unbound;  // each other group's fit without the bound
  double best_e = weighted_abs(members, best);
  for (const auto& [g, m] : others) {
    unbound[g] = fit_speed_at(m, decode, 0, dc);
    best_e += weighted_abs(m, unbound[g]);
  }
  double best_beta = 0;
  auto at = [&](const Members& m, const SpeedFit& f0, double beta) {
    SpeedFit f = fit_speed_core(m, decode, f0.k_old, PrefillKinds{},
                                LayerCosts{f0.a_moe, f0.a_rec, f0.a_unfused}, beta,
                                DepthCost{1.0, dc.score_ns, dc.score_configs});
    f.k_old = f0.k_old;
    return f.ok ? weighted_abs(m, f) : weighted_abs(m, f0);
  };
  for (double beta : kIssueBetaGrid) {
    double e = at(members, best, beta);
    for (const auto& [g, m] : others)
      if (unbound[g].ok) e += at(m, unbound[g], beta);
    if (e < best_e) {
      best_e = e;
      best_beta = beta;
    }
  }
  if (best_beta <= 0) return with_kv_refetch(members, best);
  SpeedFit f = fit_speed_at(members, decode, best_beta, dc);
  f.machines = machines.size();
  return with_kv_refetch(members, f.ok ? f : best);
}

}  // namespace

}  // namespace runcheck
