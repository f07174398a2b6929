// The calibration against itself: where one configuration (everything the engine is asked, so
// runs it cannot tell apart) was published more than once, how far each run lies from the median
// of the others. No estimate that gives one figure per configuration does better on those runs
// than that; the report sets the engine's error on the same runs beside it.
#include <cmath>
#include <map>

#include "accuracy.h"
#include "runcheck/request.h"

namespace runcheck {

namespace {
double rounded(double v) { return std::round(v * 1000) / 1000; }
}  // namespace

nlohmann::json replicate_summary(const std::vector<ReplicateRun>& runs) {
  // metric -> configuration -> indices into runs
  std::map<std::string, std::map<std::string, std::vector<size_t>>> by;
  for (size_t i = 0; i < runs.size(); ++i) by[runs[i].metric][runs[i].config].push_back(i);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [metric, configs] : by) {
    std::vector<double> apart, engine;
    nlohmann::json spread = nlohmann::json::array();
    size_t n_configs = 0;
    for (const auto& [config, idx] : configs) {
      if (idx.size() < 2) continue;
      ++n_configs;
      bool wide = false;
      for (size_t i : idx) {
        std::vector<double> others;
        for (size_t j : idx)
          if (j != i) others.push_back(runs[j].measured);
        const double m = quantile(others, 0.5);
        apart.push_back(std::fabs(m - runs[i].measured) / runs[i].measured * 100);
        engine.push_back(runs[i].abs_error_pct);
        wide = wide || apart.back() > kReplicateOffPct;
      }
      if (wide) {
        nlohmann::json values = nlohmann::json::array();
        for (size_t i : idx) values.push_back(runs[i].measured);
        spread.push_back({{"configuration", runs[idx[0]].label}, {"measured", values}});
      }
    }
    if (apart.empty()) continue;
    auto over = [](const std::vector<double>& v) {
      size_t n = 0;
      for (double x : v) n += x > kReplicateOffPct;
      return n;
    };
    out[metric] = {{"configurations", n_configs},
                   {"runs", apart.size()},
                   {"median_apart_pct", rounded(quantile(apart, 0.5))},
                   {"p90_apart_pct", rounded(quantile(apart, 0.9))},
                   {"runs_apart_over_25_pct", over(apart)},
                   {"engine_median_abs_error_pct", rounded(quantile(engine, 0.5))},
                   {"engine_p90_abs_error_pct", rounded(quantile(engine, 0.9))},
                   {"engine_runs_over_25_pct", over(engine)},
                   {"apart", spread}};
  }
  return out;
}

}  // namespace runcheck
