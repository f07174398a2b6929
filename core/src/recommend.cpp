// What should I run on this machine? For a machine and a use case, every catalog model at the
// best quantization that runs there at the use case's context and speed floor, ranked by the
// published quality evidence (catalog/quality.json), with each quant's published loss
// (catalog/quant_loss.json) beside it, and for the better-scoring models that do not make it,
// why not. The same estimate as "Will it run?" decides every fit and speed.
//
// Per model the quant is the largest within the loss limit that runs comfortably at the speed
// floor, else the largest that runs at all at the floor.
// Ranking, in tiers (each sorted by the use case's benchmark, median of the model's published
// non-base rows, highest first; ties by lower quant loss, then speed):
//   1. runs within the loss limit (max_kld) and the speed floor, quality known;
//   2. the same, quality unknown (no published score: listed, never imputed; fastest first);
//   3. runs only at a quant beyond the loss limit (known quality first).
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "engine_internal.h"
#include "estimate.h"
#include "names.h"
#include "recommend_internal.h"
#include "runcheck/constants.h"
#include "runcheck/request.h"

namespace runcheck {
namespace recommend {

using nlohmann::json;

// The published loss of a file type: the imatrix row where one exists (what GGUF publishers
// ship), else the plain one; null when the type has no published row.
std::optional<double> quant_kld(const std::string& type, const QuantLoss** row) {
  const QuantLoss* best = nullptr;
  for (const auto& q : builtin_catalog().quant_loss)
    if (q.type == type && q.metric == "kld_mean" && q.model == kGeneralQuantLossModel &&
        (!best || (best->imatrix.empty() && !q.imatrix.empty()) ||
         (best->imatrix.empty() == q.imatrix.empty() && q.value < best->value)))
      best = &q;
  if (row) *row = best;
  return best ? std::optional<double>(best->value) : std::nullopt;
}

namespace {
json loss_json(const std::string& type) {
  const QuantLoss* row = nullptr;
  if (!quant_kld(type, &row)) return nullptr;
  return {{"kld_mean", row->value},
          {"ppl_delta", row->ppl_delta ? json(*row->ppl_delta) : json(nullptr)},
          {"model", row->model},
          {"imatrix", row->imatrix.empty() ? json(nullptr) : json(row->imatrix)},
          {"source", row->sources.empty() ? json(nullptr) : json(row->sources[0].url)}};
}

}  // namespace

Quality quality_of(const std::string& model, const std::string& benchmark) {
  Quality q;
  if (benchmark.empty()) return q;
  std::vector<double> vals;
  for (const auto& s : builtin_catalog().scores)
    if (s.model == model && s.benchmark == benchmark && !s.base_model) {
      vals.push_back(s.value);
      q.rows.push_back({{"value", s.value},
                        {"variant", s.variant},
                        {"setting", s.setting},
                        {"reported_by", s.reported_by},
                        {"date", s.date.empty() ? json(nullptr) : json(s.date)},
                        {"source", s.sources.empty() ? json(nullptr) : json(s.sources[0].url)}});
    }
  if (!vals.empty()) q.value = quantile(vals, 0.5);
  return q;
}

Trial try_quant(const EstimateRequest& base, const ModelEntry& m, const std::string& quant,
                int64_t ctx, double floor_tps) {
  Trial t;
  EstimateRequest q = base;
  q.model = m.id;
  q.quant = quant;
  q.context = std::min<int64_t>(ctx, m.arch.context_length);
  auto e = estimate(q);
  if (!e.ok()) {
    t.error = e.error().message;
    return t;
  }
  const Estimate& v = e.value();
  t.ok = true;
  t.verdict = verdict_name(v.plan.verdict);
  t.runs = v.plan.verdict != Verdict::kWillNotRun;
  double over = 0;
  for (const auto& d : v.plan.devices)
    if (d.used_bytes > d.budget_bytes) over += static_cast<double>(d.used_bytes - d.budget_bytes);
  t.short_gib = over / double(kGiB);
  if (v.speed.decode_tps) {
    t.decode = *v.speed.decode_tps;
    t.low = v.speed.decode_tps_low.value_or(t.decode);
    t.high = v.speed.decode_tps_high.value_or(t.decode);
    t.evidence = v.speed.evidence;
  }
  t.fast = t.decode >= floor_tps;
  return t;
}

ModelOutcome best_quant(const EstimateRequest& base, const ModelEntry& m, int64_t ctx,
                        double floor_tps, double max_kld, bool beyond_limit) {
  ModelOutcome o;
  // Highest quant first; the first that runs at the floor wins. The smallest type within the
  // loss limit is tried first: when even it does not run, no larger one will.
  std::vector<std::string> beyond;
  for (FileType ft : engine::kQuantLadder) {
    const FileTypeInfo* info = file_type_by_id(static_cast<uint32_t>(ft));
    const auto kld = quant_kld(std::string(info->name), nullptr);
    (kld && *kld <= max_kld ? o.within : beyond).push_back(std::string(info->name));
  }
  if (!o.within.empty()) {
    o.smallest_within = try_quant(base, m, o.within.back(), ctx, floor_tps);
    // The largest type that runs comfortably (all on the GPU, headroom left) at the floor;
    // when none does, the largest that runs at all (offloaded, tight) at the floor.
    if (o.smallest_within.runs && o.smallest_within.fast)
      for (const std::string& quant : o.within) {
        Trial t = quant == o.within.back() ? o.smallest_within
                                           : try_quant(base, m, quant, ctx, floor_tps);
        if (!t.runs || !t.fast) continue;
        const bool comfortable = t.verdict == "comfortable";
        if (!o.pick || comfortable) o.pick = Pick{quant, t, quant_kld(quant, nullptr), false};
        if (comfortable) break;
      }
  }
  if (!o.pick && beyond_limit)
    for (const std::string& quant : beyond) {
      Trial t = try_quant(base, m, quant, ctx, floor_tps);
      if (t.runs && t.fast) {
        o.pick = Pick{quant, t, quant_kld(quant, nullptr), true};
        break;
      }
    }
  return o;
}

std::vector<size_t> rank_order(const std::vector<RankEntry>& entries) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < entries.size(); ++i)
    if (entries[i].runs) idx.push_back(i);  // what does not run at the floor is never ranked
  // Tier 1: within the loss limit, quality known; 2: within it, unknown; 3: beyond the limit.
  const auto tier = [&](const RankEntry& e) { return !e.within_limit ? 3 : e.score ? 1 : 2; };
  std::stable_sort(idx.begin(), idx.end(), [&](size_t ia, size_t ib) {
    const RankEntry &a = entries[ia], &b = entries[ib];
    if (tier(a) != tier(b)) return tier(a) < tier(b);
    const bool ka = a.score.has_value(), kb = b.score.has_value();
    if (ka != kb) return ka;
    if (ka && *a.score != *b.score) return *a.score > *b.score;
    const double la = a.kld.value_or(1e9), lb = b.kld.value_or(1e9);
    if (la != lb) return la < lb;
    return a.decode > b.decode;
  });
  return idx;
}

const UseCase* use_case(const std::string& id) {
  for (const auto& u : builtin_catalog().use_cases)
    if (u.id == id) return &u;
  return nullptr;
}

std::string use_case_ids() {
  std::string ids;
  for (const auto& u : builtin_catalog().use_cases) ids += (ids.empty() ? "" : ", ") + u.id;
  return ids;
}

}  // namespace recommend

using nlohmann::json;
using namespace recommend;  // NOLINT: this file's own helpers

Result<json> recommend_json(const json& req) {
  if (auto e = check_fields(
          req, {"command", "hardware", "ram_gb", "use_case", "context", "min_decode_tps", "max_kld",
                "runtime", "kv_type", "limit", "os", "gpu_reserved_mb"}))
    return *e;
  const Catalog& cat = builtin_catalog();
  FieldReader r(req);
  const std::string uc_id = r.string("use_case", "chat");
  const int64_t limit = r.integer("limit", 10, 1, 200);
  const double max_kld = r.number("max_kld", kDefaultMaxQuantKld, 0, 100);
  if (r.error()) return *r.error();
  const UseCase* uc = use_case(uc_id);
  if (!uc)
    return make_error(
        "unknown_id", "use_case",
        "use_case must be one of " + use_case_ids() + "; got '" + safe_echo(uc_id) + "'");
  const int64_t ctx = r.integer("context", static_cast<int64_t>(uc->context), 256, 1 << 24);
  const double floor_tps = r.number("min_decode_tps", uc->min_decode_tps, 0, 100000);
  if (r.error()) return *r.error();
  if (!req.contains("hardware"))
    return make_error("missing_field", "hardware", "hardware is required: the machine to fill");

  // The base request every trial shares (the estimate validates hardware, RAM and runtime).
  json base_json = {{"hardware", req["hardware"]}};
  for (const char* k : {"ram_gb", "runtime", "kv_type", "os", "gpu_reserved_mb"})
    if (req.contains(k)) base_json[k] = req[k];
  auto base_req = read_estimate_request(base_json);
  if (!base_req.ok()) return base_req.error();
  EstimateRequest base = std::move(base_req).value();
  base.inverse = false;

  // A machine the estimate refuses (unknown id, bad RAM) is the request's error, said once.
  {
    EstimateRequest probe = base;
    probe.model = cat.models.empty() ? "" : cat.models[0].id;
    probe.context = 512;
    auto e = estimate(probe);
    if (!e.ok() && e.error().field != "model" && e.error().field != "quant" &&
        e.error().field != "context")
      return e.error();
  }

  struct Row {
    const ModelEntry* m;
    std::string quant;
    Trial t;
    Quality q;
    std::optional<double> kld;
    int tier;
  };
  std::vector<Row> ranked;
  json missed = json::array();
  for (const ModelEntry& m : cat.models) {
    if (!serves(m, *uc)) continue;
    Quality q = quality_of(m.id, uc->benchmark);
    if (m.arch.context_length < ctx) {
      if (q.value)
        missed.push_back({{"model", m.id},
                          {"name", m.name},
                          {"score", *q.value},
                          {"reason", "trained for " + std::to_string(m.arch.context_length) +
                                         " tokens, this use needs " + std::to_string(ctx)}});
      continue;
    }
    const ModelOutcome o = best_quant(base, m, ctx, floor_tps, max_kld, true);
    const Trial& last_within = o.smallest_within;
    const std::vector<std::string>& within = o.within;
    std::optional<Row> pick;
    if (o.pick)
      pick = Row{&m, o.pick->quant, o.pick->t,
                 q,  o.pick->kld,   o.pick->beyond_limit ? 3 : q.value ? 1 : 2};
    if (pick) {
      ranked.push_back(*pick);
      continue;
    }
    if (q.value) {
      std::string why;
      if (within.empty())
        why = "no quant type has a published loss within " + engine::fmt("%g", max_kld);
      else if (!last_within.ok)
        why = last_within.error;
      else if (!last_within.runs)
        why = "needs " + engine::fmt("%.1f", last_within.short_gib) + " GiB more at " +
              within.back() + " (the smallest type within the loss limit)";
      else
        why = engine::fmt("%.1f", last_within.decode) + " tok/s at " + within.back() + " < your " +
              engine::fmt("%.0f", floor_tps);
      missed.push_back({{"model", m.id}, {"name", m.name}, {"score", *q.value}, {"reason", why}});
    }
  }
  {
    std::vector<RankEntry> entries;
    for (const Row& x : ranked)
      entries.push_back({x.m->id, true, x.tier != 3, x.q.value, x.kld, x.t.decode});
    std::vector<Row> ordered;
    for (size_t i : rank_order(entries)) ordered.push_back(ranked[i]);
    ranked = std::move(ordered);
  }
  json out_rows = json::array();
  double best_score = -1;
  for (size_t i = 0; i < ranked.size() && static_cast<int64_t>(i) < limit; ++i) {
    const Row& x = ranked[i];
    if (x.q.value) best_score = std::max(best_score, *x.q.value);
    out_rows.push_back({{"rank", i + 1},
                        {"model", x.m->id},
                        {"name", x.m->name},
                        {"quant", x.quant},
                        {"context", std::min<int64_t>(ctx, x.m->arch.context_length)},
                        {"verdict", x.t.verdict},
                        {"decode_tps", x.t.decode},
                        {"decode_tps_low", x.t.low},
                        {"decode_tps_high", x.t.high},
                        {"evidence", x.t.evidence},
                        {"quality", x.q.value ? json(*x.q.value) : json(nullptr)},
                        {"quality_rows", x.q.rows},
                        {"quant_loss", loss_json(x.quant)},
                        {"tier", x.tier == 1   ? "within your limits"
                                 : x.tier == 2 ? "quality unknown"
                                               : "only beyond your quant-loss limit"}});
  }
  // Better-scoring models than the best listed one that do not make it, best first.
  json why_not = json::array();
  for (const auto& mm : missed)
    if (mm["score"].get<double>() > best_score) why_not.push_back(mm);
  std::stable_sort(why_not.begin(), why_not.end(), [](const json& a, const json& b) {
    return a["score"].get<double>() > b["score"].get<double>();
  });
  if (why_not.size() > 5) why_not.erase(why_not.begin() + 5, why_not.end());
  json notes = json::array(
      {"quality: the median of each model's published non-base " +
           (uc->benchmark.empty() ? std::string("scores") : uc->benchmark) +
           " rows; rows from different reports use different settings (see each row), so close "
           "scores are not a real difference",
       "quant loss: mean KL divergence against F16 published for Llama-3-8B; other models lose "
       "differently"});
  return json{{"ok", true},
              {"use_case",
               {{"id", uc->id},
                {"name", uc->name},
                {"benchmark", uc->benchmark.empty() ? json(nullptr) : json(uc->benchmark)},
                {"description", uc->description}}},
              {"context", ctx},
              {"min_decode_tps", floor_tps},
              {"max_kld", max_kld},
              {"ranked", out_rows},
              {"runnable", ranked.size()},
              {"why_not", why_not},
              {"notes", notes}};
}

// --- quant_loss: what a quant costs in quality, as published ---------------------------------

namespace {

// One published row as the page and the CLI show it: the figure in words, its model and source.
json loss_row_json(const QuantLoss& q, const std::string& model_id) {
  std::string text;
  const std::string base = q.baseline.empty() ? "the 16-bit model" : q.baseline;
  if (q.metric == "kld_mean")
    text = "mean KL divergence " + engine::fmt("%.4f", q.value) + " vs " + base;
  else if (q.metric == "ppl")
    text = "perplexity " + engine::fmt("%.2f", q.value) +
           (q.baseline_value ? " vs " + engine::fmt("%.2f", *q.baseline_value) + " for " + base
                             : std::string());
  else if (q.metric == "ppl_delta_pct")
    text = "perplexity " + engine::fmt("%+.2f %%", q.value) + " vs " + base;
  else if (q.metric == "recovery_pct")
    text = engine::fmt("%.1f %%", q.value) + " of " + base + "'s score";
  else if (q.metric == "score_delta")
    text = engine::fmt("%+.2f", q.value) + " points vs " + base;
  else
    text = "score " + engine::fmt("%+.2f %%", q.value) + " relative to " + base;
  if (!q.dataset.empty()) text += " (" + q.dataset + ")";
  return {{"id", q.id},
          {"type", q.type},
          {"format", q.format},
          {"model", q.model},
          {"model_id", model_id.empty() ? json(nullptr) : json(model_id)},
          {"metric", q.metric},
          {"value", q.value},
          {"baseline", q.baseline.empty() ? json(nullptr) : json(q.baseline)},
          {"baseline_value", q.baseline_value ? json(*q.baseline_value) : json(nullptr)},
          {"imatrix", q.imatrix.empty() ? json(nullptr) : json(q.imatrix)},
          {"text", text},
          {"source", q.sources.empty() ? json(nullptr) : json(q.sources[0].url)}};
}

// The catalog model each row measured (through the name index: "LLaMA 2 7B" -> llama-2-7b).
const std::vector<std::string>& loss_row_models() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> v;
    for (const auto& q : builtin_catalog().quant_loss) {
      const names::ModelMatch m = names::model_by_name(q.model);
      v.push_back(m.pick ? m.pick->id : std::string());
    }
    return v;
  }();
  return ids;
}

}  // namespace

Result<json> quant_loss_json(const json& req) {
  if (auto e = check_fields(req, {"command", "model", "quant"})) return *e;
  FieldReader r(req);
  const std::string model = r.string("model", "");
  const std::string quant = r.string("quant", std::string(kDefaultQuant));
  if (r.error()) return *r.error();
  const Catalog& cat = builtin_catalog();
  if (!model.empty() && !cat.model(model))
    return make_error("unknown_id", "model",
                      "model '" + safe_echo(model) + "' is not in the catalog");
  const QuantEntry* qe = nullptr;
  for (const auto& q : cat.quants)
    if (q.id == quant) qe = &q;
  if (!qe)
    return make_error("unknown_id", "quant",
                      "quant '" + safe_echo(quant) +
                          "' is not a known format (see: runcheck "
                          "catalog quants)");
  // A GGUF type matches its own rows; another format matches every row of its family (FP8
  // checkpoints are safetensors files whose rows are filed as fp8).
  const std::string family = quant.rfind("FP8", 0) == 0 ? "fp8" : qe->kind;
  const auto matches = [&](const QuantLoss& q) {
    return qe->kind == "gguf" ? q.format == "gguf" && q.type == quant : q.format == family;
  };
  json this_model = json::array(), general = nullptr, others = json::array();
  const auto& ids = loss_row_models();
  for (size_t i = 0; i < cat.quant_loss.size(); ++i) {
    const QuantLoss& q = cat.quant_loss[i];
    if (!matches(q)) continue;
    const bool general_row = q.metric == "kld_mean" && q.model == kGeneralQuantLossModel;
    if (!model.empty() && ids[i] == model)
      this_model.push_back(loss_row_json(q, ids[i]));
    else if (general_row && qe->kind == "gguf")
      continue;  // the one the ranking reads, below
    else
      others.push_back(loss_row_json(q, ids[i]));
  }
  const QuantLoss* g = nullptr;
  if (qe->kind == "gguf" && quant_kld(quant, &g) && g) general = loss_row_json(*g, "");
  std::string summary;
  if (!this_model.empty())
    summary = quant + " on this model: " + this_model[0]["text"].get<std::string>();
  else if (!general.is_null())
    summary = quant + ": " + general["text"].get<std::string>() + " on " + kGeneralQuantLossModel +
              " (no figure published for this model)";
  else if (!others.empty())
    summary = quant + ": " + others[0]["text"].get<std::string>() + " on " +
              others[0]["model"].get<std::string>() + " (no figure published for this model)";
  else
    summary = quant + ": no published quality loss in the catalog";
  return json{{"ok", true},
              {"quant", quant},
              {"kind", qe->kind},
              {"summary", summary},
              {"this_model", this_model},
              {"general", general},
              {"other_models", others}};
}

}  // namespace runcheck
