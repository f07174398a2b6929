// Metal's cost per attention score without flash attention (SpeedFit::score_ns), measured from
// how runs slow down with depth within a configuration.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "runcheck/constants.h"
#include "runcheck/request.h"
#include "runcheck/speed.h"

namespace runcheck {

// Metal without flash attention (SpeedFeatures::decode_per_depth_score_s): each configuration
// one publication measured at mean depths at least kMinScoreDepthSpan apart gives its seconds
// per token's least-squares slope on depth; less one read of the cache at rated bandwidth, over
// the seconds one ns per score makes, that is its ns of a GPU core per score. The cost is the
// kernels', so every group running llama.cpp's Metal kernels (llamafile's included) counts, and
// the median over the configurations is taken where there are kMinScoreConfigs of them.
double metal_score_ns(const std::vector<SpeedSample>& samples, size_t exclude,
                      const Holdout& holdout, size_t& configs) {
  std::map<std::string, std::vector<const SpeedSample*>> by_config;
  for (const auto& smp : samples) {
    if (!smp.decode || smp.row == exclude || smp.f.decode_per_depth_score_s <= 0) continue;
    if (holdout.holds_out(smp)) continue;
    by_config[smp.group + "|" + smp.source + "|" + smp.config].push_back(&smp);
  }
  std::vector<double> ns;
  for (const auto& [key, runs] : by_config) {
    double md = 0, my = 0, lo = 1e300, hi = 0;
    for (const SpeedSample* p : runs) {
      md += p->mean_depth();
      my += 1.0 / p->value_tps;
      lo = std::min(lo, p->mean_depth());
      hi = std::max(hi, p->mean_depth());
    }
    if (hi - lo < kMinScoreDepthSpan) continue;
    md /= runs.size();
    my /= runs.size();
    double sxy = 0, sxx = 0;
    for (const SpeedSample* p : runs) {
      sxy += (p->mean_depth() - md) * (1.0 / p->value_tps - my);
      sxx += (p->mean_depth() - md) * (p->mean_depth() - md);
    }
    const SpeedFeatures& f = runs.front()->f;
    ns.push_back((sxy / sxx - f.decode_per_depth_s) / f.decode_per_depth_score_s);
  }
  configs = ns.size();
  return ns.size() < kMinScoreConfigs ? 0.0 : std::max(0.0, quantile(ns, 0.5));
}

}  // namespace runcheck
