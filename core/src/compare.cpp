// Compare: 2-6 setups side by side on one workload, the winner of each row, deltas in words.
#include "decide_internal.h"

namespace runcheck {

using nlohmann::json;
using namespace decide;

// --- compare
// --------------------------------------------------------------------------------------

Result<json> compare_json(const json& in) {
  if (auto e = check_fields(in, decision_fields({"setups", "price"}))) return *e;
  json req = in;
  if (req.contains("setups")) req["setups"] = split_list(req["setups"]);
  FieldReader r(req);
  r.string("model", "", true);
  const std::string pref = r.string("price", "any");
  if (r.error()) return *r.error();
  if (pref != "any" && pref != "new" && pref != "used")
    return make_error("bad_value", "price", "price must be any, new or used");
  if (!req.contains("setups") || !req["setups"].is_array() || req["setups"].size() < 2 ||
      req["setups"].size() > 6)
    return make_error("bad_value", "setups",
                      "setups must list 2 to 6 hardware setups (ids like rtx-3090 or rtx-3090x2)");
  const std::optional<double> ram_default =
      r.has("ram_gb") ? std::optional<double>(r.number("ram_gb", 32, 1, 65536)) : std::nullopt;
  if (r.error()) return *r.error();
  json rows = json::array();
  std::vector<Setup> setups;
  for (size_t i = 0; i < req["setups"].size(); ++i) {
    const std::string field = "setups[" + std::to_string(i) + "]";
    auto s = parse_setup(req["setups"][i], field, pref, ram_default);
    if (!s.ok()) return s.error();
    auto est = run(req, s.value(), true);
    if (!est.ok()) {
      Error e = est.error();
      if (e.field == "hardware" || e.field == "ram_gb") e.field = field + "." + e.field;
      return e;
    }
    const Estimate& e = est.value();
    const SpeedEstimate& sp = e.speed;
    const double decode = sp.decode_tps.value_or(0.0);
    json row = {
        {"setup", s.value().label},
        {"hardware", s.value().hardware},
        {"verdict", verdict_name(e.plan.verdict)},
        {"reasons", e.plan.reasons},
        {"headroom_gib", headroom_gib(e.plan)},
        {"decode_tps", opt(sp.decode_tps)},
        {"decode_tps_low", opt(sp.decode_tps_low)},
        {"decode_tps_high", opt(sp.decode_tps_high)},
        {"prefill_tps", opt(sp.prefill_tps)},
        // With the request's speculative setup (null without one, or when it has no figure).
        {"speculative_decode_tps",
         sp.speculative ? json(sp.speculative->decode_tps) : json(nullptr)},
        {"speculative_decode_tps_low",
         sp.speculative ? json(sp.speculative->decode_tps_low) : json(nullptr)},
        {"speculative_decode_tps_high",
         sp.speculative ? json(sp.speculative->decode_tps_high) : json(nullptr)},
        {"evidence", evidence(sp)},
        {"max_context_fits", opt(e.max_context_fits)},
        {"max_context_comfortable", opt(e.max_context_comfortable)},
        {"accelerator_memory_gib", s.value().accel_memory_gib}};
    const auto& price = s.value().price;
    row["price_usd"] = price ? json(price->usd) : json(nullptr);
    row["price_basis"] = price                          ? json(price->basis)
                         : s.value().price_note.empty() ? json(nullptr)
                                                        : json(s.value().price_note);
    row["price_per_gb"] = price && s.value().accel_memory_gib > 0
                              ? json(price->usd / s.value().accel_memory_gib)
                              : json(nullptr);
    row["price_per_tps"] = price && decode > 0 ? json(price->usd / decode) : json(nullptr);
    row["watts"] = opt(s.value().watts);
    row["tokens_per_joule"] =
        s.value().watts && decode > 0 ? json(decode / *s.value().watts) : json(nullptr);
    rows.push_back(row);
    setups.push_back(s.value());
  }
  // The winner of each row (higher or lower is better); null values never win.
  const std::pair<const char*, bool> metrics[] = {
      {"headroom_gib", true},     {"decode_tps", true}, {"prefill_tps", true},
      {"max_context_fits", true}, {"price_usd", false}, {"price_per_gb", false},
      {"price_per_tps", false},   {"watts", false},     {"tokens_per_joule", true}};
  json winners = json::object();
  int best_verdict = -1;
  for (size_t i = 0; i < rows.size(); ++i)
    best_verdict = std::max(best_verdict, verdict_rank(rows[i]["verdict"]));
  json vw = json::array();
  for (size_t i = 0; i < rows.size(); ++i)
    if (verdict_rank(rows[i]["verdict"]) == best_verdict) vw.push_back(i);
  if (vw.size() == rows.size()) vw = json::array();  // every setup the same: nobody wins
  winners["verdict"] = vw;
  // A row has a winner only when at least two setups have a value and one is strictly best:
  // a tie or a lone known value (the others unknown) wins nothing.
  for (const auto& [m, higher] : metrics) {
    int best = -1, known = 0;
    bool tie = false;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!rows[i][m].is_number()) continue;
      ++known;
      const double v = rows[i][m].get<double>();
      if (best >= 0 && v == rows[best][m].get<double>()) {
        tie = true;
      } else if (best < 0 ||
                 (higher ? v > rows[best][m].get<double>() : v < rows[best][m].get<double>())) {
        best = static_cast<int>(i);
        tie = false;
      }
    }
    winners[m] = best < 0 || tie || known < 2 ? json(nullptr) : json(best);
  }
  // Deltas in words, each setup against the first.
  json deltas = json::array();
  const json& a = rows[0];
  for (size_t i = 1; i < rows.size(); ++i) {
    const json& b = rows[i];
    std::vector<std::string> parts;
    if (a["verdict"] != b["verdict"])
      parts.push_back("is " + b["verdict"].get<std::string>() + " where the first is " +
                      a["verdict"].get<std::string>());
    if (a["max_context_fits"].is_number() && b["max_context_fits"].is_number()) {
      const double d = b["max_context_fits"].get<double>() - a["max_context_fits"].get<double>();
      if (std::fabs(d) >= 1)
        parts.push_back("fits " + fmt("%.0f", std::fabs(d)) + (d > 0 ? " more" : " fewer") +
                        " tokens of context");
    }
    if (a["decode_tps"].is_number() && b["decode_tps"].is_number())
      parts.push_back("decodes " + pct_words(b["decode_tps"].get<double>(),
                                             a["decode_tps"].get<double>(), "faster", "slower"));
    if (a["price_usd"].is_number() && b["price_usd"].is_number()) {
      const double d = b["price_usd"].get<double>() - a["price_usd"].get<double>();
      parts.push_back("costs $" + fmt("%.0f", std::fabs(d)) + (d >= 0 ? " more" : " less"));
    }
    std::string text =
        b["setup"].get<std::string>() + " vs " + a["setup"].get<std::string>() + ": ";
    for (size_t k = 0; k < parts.size(); ++k)
      text += (k ? (k + 1 == parts.size() ? " and " : ", ") : "") + parts[k];
    deltas.push_back(text);
  }
  return json{{"ok", true},
              {"command", "compare"},
              {"setups", rows},
              {"winners", winners},
              {"deltas", deltas}};
}

}  // namespace runcheck
