// The quality files of the catalog: published benchmark scores of catalog models
// (quality.json), published quality loss of GGUF file types against F16 (quant_loss.json), and
// the use cases "what should I run" ranks by (use_cases.json). Every row cites its source.
#include <algorithm>
#include <cmath>
#include <set>

#include "catalog_internal.h"
#include "runcheck/quant.h"

namespace runcheck::catalog_detail {
namespace {

// A required number in [lo, hi].
std::optional<Error> need_number(const Ctx& c, const json& e, const char* key, double& out,
                                 double lo, double hi) {
  std::optional<double> v;
  if (auto err = opt_number(c, e, key, v, lo, hi, "")) return err;
  if (!v) return c.fail(key, "is required");
  out = *v;
  return std::nullopt;
}

}  // namespace

std::optional<Error> parse_scores(const std::string& file, const json& root, Catalog& cat) {
  const json* arr = top_array(root, "scores");
  if (!arr) return make_error("bad_catalog", "scores", file + ": top-level 'scores' is required");
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& e = (*arr)[i];
    Ctx c{file, "scores[" + std::to_string(i) + "]"};
    QualityScore s;
    if (auto err = entry_id(c, e, s)) return err;
    for (auto [key, out] : {std::pair<const char*, std::string*>{"model", &s.model},
                            {"benchmark", &s.benchmark},
                            {"variant", &s.variant},
                            {"setting", &s.setting},
                            {"reported_by", &s.reported_by}})
      if (auto err = need_string(c, e, key, *out)) return err;
    // Every quality figure on screen is dated (issue 21): a row without its source's date is
    // refused, not shown undated.
    if (auto err = need_string(c, e, "date", s.date)) return err;
    if (!is_date(s.date)) return c.fail("date", "must be YYYY-MM-DD or YYYY-MM");
    if (auto err = need_number(c, e, "value", s.value, 0, 100000)) return err;
    s.base_model = e.value("base_model", false);
    if (auto err = sources(c, e, s.sources)) return err;
    cat.scores.push_back(std::move(s));
  }
  return std::nullopt;
}

std::optional<Error> parse_quant_loss(const std::string& file, const json& root, Catalog& cat) {
  const json* arr = top_array(root, "quant_loss");
  if (!arr)
    return make_error("bad_catalog", "quant_loss", file + ": top-level 'quant_loss' is required");
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& e = (*arr)[i];
    Ctx c{file, "quant_loss[" + std::to_string(i) + "]"};
    QuantLoss q;
    if (auto err = entry_id(c, e, q)) return err;
    for (auto [key, out] : {std::pair<const char*, std::string*>{"type", &q.type},
                            {"model", &q.model},
                            {"metric", &q.metric}})
      if (auto err = need_string(c, e, key, *out)) return err;
    static const char* const kMetrics[] = {"kld_mean",     "ppl",         "ppl_delta_pct",
                                           "recovery_pct", "score_delta", "score_delta_pct"};
    if (std::none_of(std::begin(kMetrics), std::end(kMetrics),
                     [&](const char* m) { return q.metric == m; }))
      return c.fail("metric",
                    "must be kld_mean, ppl, ppl_delta_pct, recovery_pct, score_delta or "
                    "score_delta_pct");
    if (auto err = need_string(c, e, "format", q.format)) return err;
    if (auto err = need_string(c, e, "imatrix", q.imatrix, false)) return err;
    if (auto err = need_string(c, e, "dataset", q.dataset, false)) return err;
    if (auto err = need_string(c, e, "baseline", q.baseline, false)) return err;
    // KLD and perplexity cannot be negative; a score change can.
    const bool signed_metric =
        q.metric == "ppl_delta_pct" || q.metric == "score_delta" || q.metric == "score_delta_pct";
    if (auto err = need_number(c, e, "value", q.value, signed_metric ? -100 : 0, 100000))
      return err;
    if (auto err = opt_number(c, e, "baseline_value", q.baseline_value, 0, 100000, "")) return err;
    if (auto err = opt_number(c, e, "ppl", q.ppl, 0, 100000, "")) return err;
    if (auto err = opt_number(c, e, "ppl_delta", q.ppl_delta, -100, 100000, "")) return err;
    if (auto err = sources(c, e, q.sources)) return err;
    cat.quant_loss.push_back(std::move(q));
  }
  return std::nullopt;
}

std::optional<Error> parse_use_cases(const std::string& file, const json& root, Catalog& cat) {
  const json* arr = top_array(root, "use_cases");
  if (!arr)
    return make_error("bad_catalog", "use_cases", file + ": top-level 'use_cases' is required");
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& e = (*arr)[i];
    Ctx c{file, "use_cases[" + std::to_string(i) + "]"};
    UseCase u;
    if (auto err = entry_id(c, e, u)) return err;
    if (auto err = need_string(c, e, "name", u.name)) return err;
    if (auto err = need_string(c, e, "benchmark", u.benchmark, false)) return err;
    if (auto err = need_string(c, e, "model_kind", u.model_kind, false)) return err;
    if (auto err = need_string(c, e, "description", u.description)) return err;
    if (auto err = need_number(c, e, "context", u.context, 256, 1 << 24)) return err;
    if (auto err = need_number(c, e, "min_decode_tps", u.min_decode_tps, 0, 100000)) return err;
    if (auto err = sources(c, e, u.sources)) return err;
    cat.use_cases.push_back(std::move(u));
  }
  return std::nullopt;
}

std::optional<Error> check_quality_links(const Catalog& cat) {
  std::set<std::string> benchmarks;
  for (const auto& s : cat.scores) {
    benchmarks.insert(s.benchmark);
    if (!cat.models.empty() && !cat.model(s.model))
      return make_error(
          "bad_catalog", "model",
          "catalog/quality.json: '" + s.id + "': model names unknown model '" + s.model + "'");
  }
  for (const auto& q : cat.quant_loss)
    if (q.format == "gguf" && !file_type_by_name(q.type))
      return make_error(
          "bad_catalog", "type",
          "catalog/quant_loss.json: '" + q.id + "': type '" + q.type + "' is not a GGUF file type");
  if (!cat.scores.empty())
    for (const auto& u : cat.use_cases)
      if (!u.benchmark.empty() && !benchmarks.count(u.benchmark))
        return make_error("bad_catalog", "benchmark",
                          "catalog/use_cases.json: '" + u.id +
                              "': no score in quality.json is for '" + u.benchmark + "'");
  return std::nullopt;
}

}  // namespace runcheck::catalog_detail
