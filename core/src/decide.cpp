// Cost: owning vs renting vs an API, per month and per million tokens, with break-even; and the
// cost formulas themselves (decide.h).
#include "decide_internal.h"

namespace runcheck {

using nlohmann::json;
using namespace decide;

double own_monthly_usd(double price_usd, double resale_fraction, double life_years, double load_w,
                       double busy_hours_per_day, double idle_w, double idle_hours_per_day,
                       double usd_per_kwh) {
  const double capital = price_usd * (1 - resale_fraction) / (life_years * 12);
  const double kwh_per_day = (load_w * busy_hours_per_day + idle_w * idle_hours_per_day) / 1000;
  return capital + kwh_per_day * kDaysPerMonth * usd_per_kwh;
}

double rent_monthly_usd(double busy_hours_per_day, double usd_per_hour, bool hourly_billing) {
  const double billed = hourly_billing ? std::ceil(busy_hours_per_day - 1e-9) : busy_hours_per_day;
  return billed * usd_per_hour * kDaysPerMonth;
}

double api_monthly_usd(double input_tokens_per_day, double output_tokens_per_day,
                       double input_usd_per_mtok, double output_usd_per_mtok) {
  return (input_tokens_per_day * input_usd_per_mtok + output_tokens_per_day * output_usd_per_mtok) /
         1e6 * kDaysPerMonth;
}

double break_even_months(double price_usd, double own_running_monthly, double other_monthly) {
  const double saving = other_monthly - own_running_monthly;
  if (saving <= 0) return -1;
  return price_usd / saving;
}

// --- cost
// ---------------------------------------------------------------------------------------------

Result<json> cost_json(const json& req) {
  if (auto e = check_fields(req, decision_fields({"hardware", "price", "price_usd", "usd_per_kwh",
                                                  "output_tokens_per_day", "hours_per_day",
                                                  "input_output_ratio", "concurrency", "life_years",
                                                  "resale_fraction", "hours_on_per_day", "api"})))
    return *e;
  FieldReader r(req);
  r.string("model", "", true);
  const std::string pref = r.string("price", "any");
  const double life_years = r.number("life_years", 3, 0.1, 20);
  const double resale = r.number("resale_fraction", 0, 0, 0.95);
  const double usd_per_kwh = r.number("usd_per_kwh", 0, 0, 5, true);
  const bool by_tokens = r.has("output_tokens_per_day");
  const bool by_hours = r.has("hours_per_day");
  const double out_per_day = r.number("output_tokens_per_day", 0, 1, 1e12);
  const double hours_req = r.number("hours_per_day", 0, 0.01, 24);
  const double ratio = r.number("input_output_ratio", 1, 0, 1000);
  const int concurrency = static_cast<int>(r.integer("concurrency", 1, 1, 256));
  const double hours_on = r.number("hours_on_per_day", -1, 0, 24);
  const std::string api_id = r.string("api", "");
  if (r.error()) {
    Error e = *r.error();
    if (e.field == "usd_per_kwh" && e.code == "missing_field")
      e.message =
          "usd_per_kwh is required: your electricity price in USD per kWh (US states ranged "
          "0.08-0.32 in 2025, "
          "EIA Electric Power Monthly table 5.6.A)";
    return e;
  }
  if (by_tokens == by_hours)
    return make_error("bad_value", by_tokens ? "hours_per_day" : "output_tokens_per_day",
                      "give exactly one usage: output_tokens_per_day or hours_per_day");
  if (pref != "any" && pref != "new" && pref != "used")
    return make_error("bad_value", "price", "price must be any, new or used");
  if (!req.contains("hardware"))
    return make_error("missing_field", "hardware", "hardware is required: the setup you would own");
  json setup_spec = req.contains("price_usd")
                        ? json{{"hardware", req["hardware"]}, {"price_usd", req["price_usd"]}}
                        : req["hardware"];
  FieldReader rr(req);
  const std::optional<double> ram_default =
      rr.has("ram_gb") ? std::optional<double>(rr.number("ram_gb", 32, 1, 65536)) : std::nullopt;
  if (rr.error()) return *rr.error();
  auto setup = parse_setup(setup_spec, "hardware", pref, ram_default);
  if (!setup.ok()) {
    Error e = setup.error();
    if (e.field == "hardware.price_usd") e.field = "price_usd";
    return e;
  }
  const Setup& own = setup.value();
  json workload = req;
  workload["parallel"] = concurrency;
  auto est = run(workload, own, false);
  if (!est.ok()) return est.error();
  const Estimate& e = est.value();
  std::vector<std::string> assumptions;
  // Tokens per second a setup delivers for this usage: decode (aggregate when concurrent) and
  // prefill; busy hours per day follow from them.
  auto rates = [&](const SpeedEstimate& speed) -> std::optional<std::pair<double, double>> {
    const double dec = speed.aggregate ? speed.aggregate->tps : speed.decode_tps.value_or(0.0);
    const double pre = speed.prefill_tps.value_or(0.0);
    if (dec <= 0) return std::nullopt;
    return std::make_pair(dec, pre);
  };
  const auto own_rates = rates(e.speed);
  if (e.plan.verdict == Verdict::kWillNotRun || !own_rates)
    return make_error("incompatible", "hardware",
                      own.label + " cannot run this workload: " +
                          (e.plan.reasons.empty() ? std::string("no speed") : e.plan.reasons[0]));
  auto busy_hours = [&](std::pair<double, double> rt, double out_tokens) {
    const double in_tokens = out_tokens * ratio;
    const double prefill_s = rt.second > 0 ? in_tokens / rt.second : 0;
    return (out_tokens / rt.first + prefill_s) / 3600;
  };
  double out_tokens = out_per_day;
  if (by_hours) {
    // Tokens the owned setup makes in those hours: output plus its share of prompt processing.
    const double per_out_s =
        1 / own_rates->first + (own_rates->second > 0 ? ratio / own_rates->second : 0);
    out_tokens = hours_req * 3600 / per_out_s;
  }
  const double in_tokens = out_tokens * ratio;
  if (own_rates->second <= 0 && ratio > 0)
    assumptions.push_back("prefill speed unknown on this setup: prompt time not counted");
  const double own_busy = busy_hours(*own_rates, out_tokens);
  const double on =
      hours_on >= 0 ? std::max(hours_on, std::min(24.0, own_busy)) : std::min(24.0, own_busy);
  if (!own.price)
    return make_error("missing_field", "price_usd",
                      own.price_note.empty()
                          ? "the catalog has no price for " + own.label + ": give price_usd"
                          : own.price_note);
  if (!own.watts)
    return make_error("missing_field", "hardware",
                      "the catalog has no power figure (TDP) for " + own.label);
  const double idle_w = own.idle_watts ? *own.idle_watts : 0;
  if (!own.idle_watts && on > own_busy)
    assumptions.push_back("idle power unknown for this hardware: idle hours cost nothing here");
  assumptions.push_back("load power = the cards' TDP (" + fmt("%.0f W", *own.watts) +
                        ") while busy, the rest of the PC not counted");
  const double own_busy_capped = std::min(24.0, own_busy);
  const double own_running = own_monthly_usd(0, 0, life_years, *own.watts, own_busy_capped, idle_w,
                                             on - own_busy_capped, usd_per_kwh);
  const double own_month =
      own_monthly_usd(own.price->usd, resale, life_years, *own.watts, own_busy_capped, idle_w,
                      on - own_busy_capped, usd_per_kwh);
  const double tokens_month = (out_tokens + in_tokens) * kDaysPerMonth;
  json own_j = {{"setup", own.label},
                {"price_usd", own.price->usd},
                {"price_basis", own.price->basis},
                {"decode_tps", own_rates->first},
                {"prefill_tps", own_rates->second},
                {"busy_hours_per_day", own_busy},
                {"deliverable", own_busy <= 24},
                {"electricity_usd_per_month", own_running},
                {"capital_usd_per_month", own_month - own_running},
                {"usd_per_month", own_month},
                {"usd_per_million_tokens", own_month / tokens_month * 1e6},
                {"evidence", evidence(e.speed)}};
  if (own_busy > 24)
    assumptions.push_back(own.label + " needs " + fmt("%.1f", own_busy) +
                          " h a day for this usage: it cannot deliver it");
  // Renting: every catalog offer whose GPUs run the workload, at their own computed speed.
  json offers = json::array();
  for (const auto& o : builtin_catalog().clouds) {
    json w = workload;
    w["ram_gb"] =
        256;  // cloud instances come with ample host RAM; offload is not what one rents for
    const std::string spec = o.gpu + (o.gpu_count > 1 ? "x" + std::to_string(o.gpu_count) : "");
    auto s = parse_setup(json(spec), "offer", pref);
    if (!s.ok()) continue;
    auto oe = run(w, s.value(), false);
    if (!oe.ok() || oe.value().plan.verdict == Verdict::kWillNotRun) continue;
    if (oe.value().plan.gpu_layers < oe.value().plan.total_layers)
      continue;  // would offload: not a fair rental
    const auto rt = rates(oe.value().speed);
    if (!rt) continue;
    const double busy = busy_hours(*rt, out_tokens);
    if (busy > 24) continue;  // an offer that cannot deliver the daily tokens
    const bool hourly = o.billing == "per-hour" || o.billing == "hourly";
    const double month = rent_monthly_usd(busy, o.usd_per_hour, hourly);
    offers.push_back({{"id", o.id},
                      {"provider", o.provider},
                      {"offer", o.offer},
                      {"usd_per_hour", o.usd_per_hour},
                      {"price_date", o.price_date},
                      {"decode_tps", rt->first},
                      {"busy_hours_per_day", busy},
                      {"billing", o.billing},
                      {"usd_per_month", month},
                      {"usd_per_million_tokens", month / tokens_month * 1e6},
                      {"source", o.sources.empty() ? "" : o.sources[0].url}});
  }
  std::sort(offers.begin(), offers.end(), [](const json& a, const json& b) {
    if (a["usd_per_month"] != b["usd_per_month"])
      return a["usd_per_month"].get<double>() < b["usd_per_month"].get<double>();
    return a["id"].get<std::string>() < b["id"].get<std::string>();
  });
  if (offers.size() > 5) offers.erase(offers.begin() + 5, offers.end());
  // APIs: the hosted versions of this model, or the one the user names.
  json apis = json::array();
  const std::string model_id = e.model_id;
  for (const auto& a : builtin_catalog().apis) {
    // A retired price is compared only when asked for by id.
    if (!(api_id.empty() ? a.open_model == model_id && a.retired.empty() : a.id == api_id))
      continue;
    const double month =
        api_monthly_usd(in_tokens, out_tokens, *a.input_usd_per_mtok, *a.output_usd_per_mtok);
    apis.push_back({{"id", a.id},
                    {"provider", a.provider},
                    {"model", a.model},
                    {"input_usd_per_mtok", *a.input_usd_per_mtok},
                    {"output_usd_per_mtok", *a.output_usd_per_mtok},
                    {"price_date", a.price_date.empty() ? json(nullptr) : json(a.price_date)},
                    {"retired", a.retired.empty() ? json(nullptr) : json(a.retired)},
                    {"usd_per_month", month},
                    {"usd_per_million_tokens", month / tokens_month * 1e6},
                    {"source", a.sources.empty() ? "" : a.sources[0].url}});
  }
  if (!api_id.empty() && apis.empty())
    return make_error("unknown_id", "api", "api '" + safe_echo(api_id) + "' is not in the catalog");
  std::sort(apis.begin(), apis.end(), [](const json& a, const json& b) {
    if (a["usd_per_month"] != b["usd_per_month"])
      return a["usd_per_month"].get<double>() < b["usd_per_month"].get<double>();
    return a["id"].get<std::string>() < b["id"].get<std::string>();
  });
  if (apis.empty())
    assumptions.push_back(
        "no hosted price for this model in the catalog: pass api=<id> (runcheck catalog apis) to "
        "compare one");
  // Break-even and the month-by-month cumulative series.
  const double rent_best = offers.empty() ? -1 : offers[0]["usd_per_month"].get<double>();
  const double api_best = apis.empty() ? -1 : apis[0]["usd_per_month"].get<double>();
  auto be = [&](double other) -> json {
    if (other < 0) return nullptr;
    const double m = break_even_months(own.price->usd, own_running, other);
    if (m < 0)
      return {{"months", nullptr},
              {"tokens", nullptr},
              {"within_life", false},
              {"note", "owning never catches up: its running cost is not below this option's"}};
    json r = {{"months", m}, {"tokens", m * tokens_month}, {"within_life", m <= life_years * 12}};
    if (m > life_years * 12)
      r["note"] = "break-even after " + fmt("%.0f", m) + " months, past the hardware's " +
                  fmt("%.0f", life_years * 12) +
                  "-month life: owning does not pay back before it is replaced";
    return r;
  };
  json series = json::array();
  const int months = static_cast<int>(std::ceil(life_years * 12));
  for (int m = 0; m <= months; ++m)
    series.push_back({{"month", m},
                      {"own", own.price->usd + own_running * m},
                      {"rent", rent_best < 0 ? json(nullptr) : json(rent_best * m)},
                      {"api", api_best < 0 ? json(nullptr) : json(api_best * m)}});
  assumptions.push_back("usage: " + fmt("%.0f", out_tokens) + " output and " +
                        fmt("%.0f", in_tokens) + " input tokens a day (input:output " +
                        fmt("%.2g", ratio) + "), " + fmt("%.1f", kDaysPerMonth) + " days a month");
  assumptions.push_back("owning: " + fmt("%.1f", life_years) + " years of life, resale " +
                        fmt("%.0f", resale * 100) + " % of the price, electricity $" +
                        fmt("%.3f", usd_per_kwh) + "/kWh");
  return json{{"ok", true},
              {"command", "cost"},
              {"tokens_per_month", tokens_month},
              {"own", own_j},
              {"rent", offers},
              {"api", apis},
              {"break_even_vs_rent", be(rent_best)},
              {"break_even_vs_api", be(api_best)},
              {"series", series},
              {"assumptions", assumptions}};
}

}  // namespace runcheck
