#include "runcheck/decide.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "runcheck/catalog.h"
#include "runcheck/constants.h"
#include "runcheck/estimate.h"
#include "runcheck/request.h"

namespace runcheck {

using nlohmann::json;

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

namespace {

// Fields of a workload that the estimate takes as they are: every estimate field but the
// machine (the setup's) and the estimate's own switches.
bool is_workload_field(std::string_view k) {
  return k != "command" && k != "hardware" && k != "ram_gb" && k != "inverse" && k != "leave_out";
}

// Known fields of a decision command: the workload's plus its own.
std::vector<std::string_view> decision_fields(std::initializer_list<std::string_view> own,
                                              bool with_ram = true) {
  std::vector<std::string_view> k = {"command"};
  if (with_ram) k.push_back("ram_gb");
  for (auto f : estimate_fields())
    if (is_workload_field(f)) k.push_back(f);
  k.insert(k.end(), own.begin(), own.end());
  return k;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

struct Price {
  double usd = 0;
  std::string basis;  // "street (used, 2026-09)", "launch MSRP"
};

// One card's price by preference: "used" street price only; "new" a new street price or the
// launch MSRP; "any" the dated street price when there is one, else the launch MSRP.
std::optional<Price> card_price(const HardwareEntry& h, const std::string& pref) {
  const bool street = h.street_price_usd.has_value();
  const std::string kind = h.street_price_kind;
  if (street &&
      (pref == "any" || (pref == "used" && kind == "used") || (pref == "new" && kind == "new")))
    return Price{*h.street_price_usd, "street " + (kind.empty() ? std::string("price") : kind) +
                                          " " + h.street_price_date};
  if (pref != "used" && h.launch_price_usd) return Price{*h.launch_price_usd, "launch MSRP"};
  return std::nullopt;
}

struct Setup {
  std::string hardware;  // as the estimate takes it: "rtx-3090x2"
  std::vector<const HardwareEntry*> cards;
  std::optional<double> ram_gb;
  std::string label;
  std::optional<Price> price;   // all cards (a Mac: the machine)
  std::optional<double> watts;  // sum of TDPs
  std::optional<double> idle_watts;
  double accel_memory_gib = 0;
  std::string price_note;  // why the price is unknown, when it is
};

// "rtx-3090x2" / "rtx-3090,rtx-3090" / {"hardware": ..., "ram_gb": ..., "price_usd": ...}.
// A Mac's or unified-memory box's memory and its price follow one rule in every view: the
// memory is what the user gives (the setup's own ram_gb, else the request's), else the base
// configuration, which is the one the catalog prices; a larger configuration has no catalog
// price (Apple charges for memory upgrades), so its price is unknown unless price_usd is given.
Result<Setup> parse_setup(const json& v, const std::string& field, const std::string& pref,
                          std::optional<double> ram_default = std::nullopt) {
  Setup s;
  s.ram_gb = ram_default;
  std::string spec;
  std::optional<double> price_override;
  if (v.is_string()) {
    spec = v.get<std::string>();
  } else if (v.is_object()) {
    if (auto e = check_fields(v, {"hardware", "ram_gb", "price_usd"}, field + ".")) return *e;
    FieldReader r(v);
    spec = r.string("hardware", "", true);
    if (r.has("ram_gb")) s.ram_gb = r.number("ram_gb", 32, 1, 65536);
    if (r.has("price_usd")) price_override = r.number("price_usd", 0, 0.01, 1e8);
    if (r.error()) {
      Error e = *r.error();
      e.field = field + "." + e.field;
      return e;
    }
  } else {
    return make_error("bad_value", field,
                      field + " must be a hardware id or {hardware, ram_gb, price_usd}");
  }
  const Catalog& cat = builtin_catalog();
  const std::vector<std::string> parts = split_text(spec, ',');
  if (parts.empty()) return make_error("bad_value", field, field + " names no hardware");
  for (const std::string& id : parts) {
    int count = 1;
    const HardwareEntry* h = cat.hw_cards(id, count);
    if (!h || count < 1 || count > 16)
      return make_error("unknown_id", field,
                        field + ": hardware '" + safe_echo(id) + "' is not in the catalog");
    for (int i = 0; i < count; ++i) s.cards.push_back(h);
  }
  s.hardware = spec;
  // Label: "2 x NVIDIA GeForce RTX 3090".
  s.label = (s.cards.size() > 1 &&
             std::all_of(s.cards.begin(), s.cards.end(), [&](auto* c) { return c == s.cards[0]; }))
                ? std::to_string(s.cards.size()) + " x " + s.cards[0]->name
                : [&] {
                    std::string l;
                    for (auto* c : s.cards) l += (l.empty() ? "" : " + ") + c->name;
                    return l;
                  }();
  double total = 0, watts = 0, idle = 0;
  bool priced = true, powered = true, idled = true;
  std::string basis;
  for (auto* c : s.cards) {
    const auto p = card_price(*c, pref);
    if (p) {
      total += p->usd;
      basis = p->basis;
    } else
      priced = false;
    if (c->tdp_w)
      watts += *c->tdp_w;
    else
      powered = false;
    if (c->idle_w)
      idle += *c->idle_w;
    else
      idled = false;
    if (c->kind == HardwareKind::kGpu && c->memory_gib)
      s.accel_memory_gib += *c->memory_gib;
    else if (c->kind != HardwareKind::kGpu) {
      if (!s.ram_gb && !c->memory_gib && !c->memory_options_gib.empty())
        s.ram_gb = c->memory_options_gib.front();
      const double ram = s.ram_gb ? *s.ram_gb : c->memory_gib ? *c->memory_gib : 0;
      if (c->kind != HardwareKind::kCpu) s.accel_memory_gib += ram;
    }
  }
  if (price_override)
    s.price = Price{*price_override, "your price"};
  else if (priced)
    s.price = Price{total, basis};
  for (auto* c : s.cards)
    if (c->kind != HardwareKind::kGpu && !c->memory_options_gib.empty()) {
      const double base = c->memory_options_gib.front();
      const double ram = s.ram_gb ? *s.ram_gb : base;
      if (c->name.find("GB") == std::string::npos) s.label += ", " + fmt("%.0f", ram) + " GB";
      if (s.price && !price_override) {
        if (ram > base) {
          s.price.reset();
          s.price_note = "the catalog prices only the base " + fmt("%.0f", base) +
                         " GB configuration of " + c->name + "; give price_usd for " +
                         fmt("%.0f", ram) + " GB";
        } else {
          s.price->basis += " (base " + fmt("%.0f", base) + " GB configuration)";
        }
      }
    }
  if (powered) s.watts = watts;
  if (idled) s.idle_watts = idle;
  return s;
}

// The estimate for one workload on one setup.
Result<json> run(const json& workload, const Setup& s, bool inverse) {
  json q = json::object();
  for (auto it = workload.begin(); it != workload.end(); ++it)
    if (is_workload_field(it.key()) && std::find(estimate_fields().begin(), estimate_fields().end(),
                                                 it.key()) != estimate_fields().end())
      q[it.key()] = it.value();
  q["hardware"] = s.hardware;
  if (s.ram_gb)
    q["ram_gb"] = *s.ram_gb;
  else if (workload.contains("ram_gb"))
    q["ram_gb"] = workload["ram_gb"];
  q["inverse"] = inverse;
  return estimate_json(q);
}

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
double num_or(const json& v, double d) { return v.is_number() ? v.get<double>() : d; }

// Smallest free memory over the accelerators (headroom), in GiB.
double headroom_gib(const json& est) {
  double best = -1;
  for (const auto& d : est["memory"]["devices"]) {
    if (d["is_host"].get<bool>()) continue;
    const double free =
        (d["budget_bytes"].get<double>() - d["used_bytes"].get<double>()) / (1024.0 * 1024 * 1024);
    best = best < 0 ? free : std::min(best, free);
  }
  return best;
}

int verdict_rank(const std::string& v) { return v == "comfortable" ? 2 : v == "tradeoffs" ? 1 : 0; }

std::string pct_words(double a, double b, const char* more, const char* less) {
  if (a <= 0 || b <= 0) return "";
  const double d = (a - b) / b * 100;
  return fmt("%.0f %% ", std::fabs(d)) + (d >= 0 ? more : less);
}

}  // namespace

// --- compare
// --------------------------------------------------------------------------------------

// "a;b;c" -> ["a", "b", "c"] (the CLI form of a list).
json split_list(const json& v) {
  return v.is_string() ? json(split_text(v.get<std::string>(), ';')) : v;
}

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
    const json& e = est.value();
    const json& sp = e["speed"];
    const double decode = num_or(sp["decode_tps"], 0);
    json row = {{"setup", s.value().label},
                {"hardware", s.value().hardware},
                {"verdict", e["verdict"]},
                {"reasons", e["reasons"]},
                {"headroom_gib", headroom_gib(e)},
                {"decode_tps", sp["decode_tps"]},
                {"decode_tps_low", sp["decode_tps_low"]},
                {"decode_tps_high", sp["decode_tps_high"]},
                {"prefill_tps", sp["prefill_tps"]},
                {"evidence", sp["evidence"]},
                {"max_context_fits", e["max_context"]["fits"]},
                {"max_context_comfortable", e["max_context"]["comfortable"]},
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

// --- choose
// -----------------------------------------------------------------------------------------

namespace {

Result<json> models_for(const json& req) {
  // The "custom build" view: every catalog model on this machine at the given quant/context.
  if (auto e = check_fields(req, decision_fields({"hardware", "price"}))) return *e;
  FieldReader r(req);
  const std::string pref = r.string("price", "any");
  if (r.error()) return *r.error();
  // The asked context (default 4,096), read once; each model is judged at it, or at its own
  // maximum when that is smaller (and the row says so).
  const int64_t asked = r.integer("context", kMachineViewDefaultContext, 1, 1 << 24);
  const std::optional<double> ram_default =
      r.has("ram_gb") ? std::optional<double>(r.number("ram_gb", 32, 1, 65536)) : std::nullopt;
  if (r.error()) return *r.error();
  auto s = parse_setup(req["hardware"], "hardware", pref, ram_default);
  if (!s.ok()) return s.error();
  json groups = {{"comfortable", json::array()},
                 {"tradeoffs", json::array()},
                 {"will_not_run", json::array()}};
  for (const auto& m : builtin_catalog().models) {
    json w = req;
    w["model"] = m.id;
    const int64_t ctx = std::min<int64_t>(asked, m.arch.context_length);
    w["context"] = ctx;
    auto est = run(w, s.value(), false);
    if (!est.ok()) return est.error();
    const json& e = est.value();
    json row = {{"model", m.id},
                {"name", m.name},
                {"context", ctx},
                {"context_capped", ctx < asked},
                {"decode_tps", e["speed"]["decode_tps"]},
                {"evidence", e["speed"]["evidence"]},
                {"reason", e["reasons"].empty() ? json("") : e["reasons"][0]}};
    if (ctx < asked)
      row["context_note"] = "judged at " + std::to_string(ctx) + " tokens, " + m.name +
                            "'s maximum (you asked " + std::to_string(asked) + ")";
    groups[e["verdict"].get<std::string>()].push_back(row);
  }
  return json{{"ok", true},
              {"command", "choose"},
              {"hardware", s.value().label},
              {"context", asked},
              {"models", groups}};
}

}  // namespace

Result<json> choose_json(const json& in) {
  if (in.contains("hardware")) return models_for(in);
  json req = in;
  if (req.contains("workloads") && req["workloads"].is_string()) {
    // "model:quant:context;..." (the CLI form)
    json list = json::array();
    for (const auto& item : split_list(req["workloads"])) {
      const std::string w = item.get<std::string>();
      json o = json::object();
      const size_t a = w.find(':');
      o["model"] = w.substr(0, a);
      if (a != std::string::npos) {
        const size_t b = w.find(':', a + 1);
        o["quant"] = w.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
        if (b != std::string::npos) o["context"] = w.substr(b + 1);
      }
      list.push_back(o);
    }
    req["workloads"] = list;
  }
  if (auto e = check_fields(
          req, {"command", "budget_usd", "workloads", "price", "min_decode_tps", "max_watts",
                "max_cards", "mac_ok", "laptop_ok", "backends", "os", "sort", "limit"}))
    return *e;
  FieldReader r(req);
  const double budget = r.number("budget_usd", 0, 1, 1e8, true);
  const std::string pref = r.string("price", "any");
  const double min_tps = r.number("min_decode_tps", 0, 0, 1e6);
  const double max_watts = r.number("max_watts", 0, 0, 1e6);
  const int max_cards = static_cast<int>(r.integer("max_cards", 4, 1, 8));
  const bool mac_ok = r.boolean("mac_ok", true);
  const bool laptop_ok = r.boolean("laptop_ok", false);
  const std::vector<std::string> backends = r.string_list("backends", false);
  const std::string os = r.string("os", "");
  const std::string sort = r.string("sort", "price");
  const size_t limit = static_cast<size_t>(r.integer("limit", kChooseDefaultLimit, 1, 1000));
  if (r.error()) return *r.error();
  if (sort != "price" && sort != "speed" && sort != "price_per_tps")
    return make_error("bad_value", "sort",
                      "sort must be price, speed or price_per_tps; got '" + safe_echo(sort) + "'");
  if (!os.empty() && !is_known_os(os))
    return make_error(
        "bad_value", "os",
        std::string("os must be ") + known_os_list() + "; got '" + safe_echo(os) + "'");
  if (pref != "any" && pref != "new" && pref != "used")
    return make_error("bad_value", "price", "price must be any, new or used");
  if (!req.contains("workloads") || !req["workloads"].is_array() || req["workloads"].empty() ||
      req["workloads"].size() > 8)
    return make_error("bad_value", "workloads",
                      "workloads must list 1 to 8 {model, quant, context}");
  // Validate every workload once (unknown ids, bad contexts) on a neutral machine.
  for (size_t i = 0; i < req["workloads"].size(); ++i) {
    const json& w = req["workloads"][i];
    if (!w.is_object())
      return make_error("bad_value", "workloads[" + std::to_string(i) + "]",
                        "a workload is {model, quant, context}");
    json q = w;
    q["hardware"] = "rtx-4090";
    q["inverse"] = false;
    q.erase("os");  // the neutral machine is not the user's
    auto est = estimate_json(q);
    if (!est.ok()) {
      Error e = est.error();
      e.field = "workloads[" + std::to_string(i) + "]." + e.field;
      return e;
    }
  }
  struct Cand {
    Setup s;
    bool pass = true;
    int tier = 2;
    double slowest = 1e300;
    std::string why;
    json results;
  };
  std::vector<Cand> cands;
  for (const auto& h : builtin_catalog().hardware) {
    if (h.kind == HardwareKind::kCpu) continue;
    if (h.kind == HardwareKind::kApple && !mac_ok) continue;
    // Macs run macOS; runcheck models everything else under Linux or Windows.
    if (!os.empty() && (h.kind == HardwareKind::kApple) != (os == "macos")) continue;
    if (!laptop_ok && h.id.find("laptop") != std::string::npos) continue;
    if (!backends.empty() &&
        std::none_of(backends.begin(), backends.end(), [&](const std::string& b) {
          return std::find(h.backends.begin(), h.backends.end(), b) != h.backends.end();
        }))
      continue;
    std::vector<std::pair<std::string, std::optional<double>>> variants;  // spec, ram
    if (h.kind == HardwareKind::kGpu) {
      for (int n = 1; n <= max_cards; ++n)
        variants.push_back({n == 1 ? h.id : h.id + "x" + std::to_string(n), std::nullopt});
    } else {
      // Macs and unified-memory boxes: the catalog's price is the base configuration's.
      const double base = h.memory_gib                   ? *h.memory_gib
                          : h.memory_options_gib.empty() ? 0
                                                         : h.memory_options_gib.front();
      if (base > 0) variants.push_back({h.id, base});
    }
    for (const auto& [spec, ram] : variants) {
      json v = ram ? json{{"hardware", spec}, {"ram_gb", *ram}} : json(spec);
      auto s = parse_setup(v, "hardware", pref);
      if (!s.ok() || !s.value().price || s.value().price->usd > budget) continue;
      Cand c;
      c.s = s.value();
      if (max_watts > 0 && (!c.s.watts || *c.s.watts > max_watts)) {
        c.pass = false;
        c.why = c.s.watts ? fmt("%.0f W", *c.s.watts) + " > your " + fmt("%.0f W", max_watts)
                          : "power draw unknown";
      }
      cands.push_back(std::move(c));
    }
  }
  for (auto& c : cands) {
    c.results = json::array();
    for (json w : req["workloads"]) {
      if (!os.empty()) w["os"] = os;
      auto est = run(w, c.s, false);
      if (!est.ok()) {
        c.pass = false;
        c.why = est.error().message;
        break;
      }
      const json& e = est.value();
      const std::string v = e["verdict"];
      const double tps = num_or(e["speed"]["decode_tps"], 0);
      c.results.push_back({{"model", e["model"]["id"]},
                           {"verdict", v},
                           {"decode_tps", e["speed"]["decode_tps"]},
                           {"evidence", e["speed"]["evidence"]},
                           {"reasons", e["reasons"]}});
      c.tier = std::min(c.tier, verdict_rank(v));
      c.slowest = std::min(c.slowest, tps);
      if (!c.pass) continue;
      if (v == "will_not_run") {
        c.pass = false;
        c.why = e["model"]["name"].get<std::string>() + " does not fit (" +
                (e["reasons"].empty() ? "" : e["reasons"][0].get<std::string>()) + ")";
      } else if (tps < min_tps) {
        c.pass = false;
        c.why = e["model"]["name"].get<std::string>() +
                (v == "comfortable" ? " fits but " : " runs with tradeoffs but ") +
                fmt("%.1f", tps) + " tok/s < your " + fmt("%.1f", min_tps);
      }
    }
  }
  std::vector<Cand*> pass, fail;
  for (auto& c : cands) (c.pass ? pass : fail).push_back(&c);
  // Ties break on the hardware id, so native and wasm builds (different std::sort) agree.
  // price: cheapest first (comfortable before tradeoffs); speed: fastest slowest-workload first;
  // price_per_tps: least paid per token/s of the slowest workload first.
  std::sort(pass.begin(), pass.end(), [&](const Cand* a, const Cand* b) {
    if (sort == "speed") {
      if (a->slowest != b->slowest) return a->slowest > b->slowest;
    } else if (sort == "price_per_tps") {
      const double pa = a->slowest > 0 ? a->s.price->usd / a->slowest : 1e300,
                   pb = b->slowest > 0 ? b->s.price->usd / b->slowest : 1e300;
      if (pa != pb) return pa < pb;
    } else if (a->tier != b->tier) {
      return a->tier > b->tier;
    }
    if (a->s.price->usd != b->s.price->usd) return a->s.price->usd < b->s.price->usd;
    if (a->slowest != b->slowest) return a->slowest > b->slowest;
    return a->s.hardware < b->s.hardware;
  });
  // Alternatives that lose: the dearest ones within budget first (what a buyer would look at).
  std::sort(fail.begin(), fail.end(), [](const Cand* a, const Cand* b) {
    if (a->s.price->usd != b->s.price->usd) return a->s.price->usd > b->s.price->usd;
    return a->s.hardware < b->s.hardware;
  });
  json picks = json::array(), rejected = json::array();
  for (size_t i = 0; i < pass.size() && i < limit; ++i) {
    const Cand& c = *pass[i];
    std::string why = i == 0 && sort == "price" ? "cheapest setup within $" + fmt("%.0f", budget) +
                                                      " that runs every workload"
                                                : "runs every workload";
    why += c.tier == 2 ? " comfortably" : " with tradeoffs (see reasons)";
    if (min_tps > 0)
      why +=
          ", slowest at " + fmt("%.1f", c.slowest) + " tok/s (floor " + fmt("%.1f", min_tps) + ")";
    else
      why += ", slowest at " + fmt("%.1f", c.slowest) + " tok/s";
    json pick = {{"setup", c.s.label},          {"hardware", c.s.hardware},
                 {"price_usd", c.s.price->usd}, {"price_basis", c.s.price->basis},
                 {"watts", opt(c.s.watts)},     {"why", why},
                 {"workloads", c.results}};
    pick["slowest_decode_tps"] =
        c.slowest < 1e300 && c.slowest > 0 ? json(c.slowest) : json(nullptr);
    pick["price_per_tps"] =
        c.slowest < 1e300 && c.slowest > 0 ? json(c.s.price->usd / c.slowest) : json(nullptr);
    const CardFacts facts = card_facts(*c.s.cards[0]);
    pick["card"] = {{"segment", facts.segment},
                    {"release_date", facts.release_date},
                    {"measured_runs", facts.measured_runs},
                    {"note", facts.note}};
    picks.push_back(pick);
  }
  for (size_t i = 0; i < fail.size() && i < 15; ++i)
    rejected.push_back({{"setup", fail[i]->s.label},
                        {"hardware", fail[i]->s.hardware},
                        {"price_usd", fail[i]->s.price->usd},
                        {"why", fail[i]->why}});
  return json{
      {"ok", true},
      {"command", "choose"},
      {"budget_usd", budget},
      {"candidates", cands.size()},
      {"passing", pass.size()},
      {"sort", sort},
      {"picks", picks},
      {"rejected", rejected},
      {"assumptions",
       json::array(
           {"prices: " +
                std::string(
                    pref == "used" ? "dated used street prices only"
                    : pref == "new"
                        ? "new street prices or launch MSRP"
                        : "dated street price where the catalog has one, else launch MSRP") +
                "; setups without a price are not ranked",
            "a Mac or unified-memory box is priced and sized at its base configuration",
            "multi-GPU setups are identical cards, priced as the sum of the cards (board, PSU and "
            "risers not included)",
            "decode speed at the start of the context (depth 0); see each workload's reasons for "
            "offload"})}};
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
  const json& e = est.value();
  std::vector<std::string> assumptions;
  // Tokens per second a setup delivers for this usage: decode (aggregate when concurrent) and
  // prefill; busy hours per day follow from them.
  auto rates = [&](const json& speed) -> std::optional<std::pair<double, double>> {
    double dec = num_or(speed.contains("aggregate_decode_tps") ? speed["aggregate_decode_tps"]
                                                               : speed["decode_tps"],
                        0);
    const double pre = num_or(speed["prefill_tps"], 0);
    if (dec <= 0) return std::nullopt;
    return std::make_pair(dec, pre);
  };
  const auto own_rates = rates(e["speed"]);
  if (e["verdict"] == "will_not_run" || !own_rates)
    return make_error(
        "incompatible", "hardware",
        own.label + " cannot run this workload: " +
            (e["reasons"].empty() ? std::string("no speed") : e["reasons"][0].get<std::string>()));
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
                {"evidence", e["speed"]["evidence"]}};
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
    if (!oe.ok() || oe.value()["verdict"] == "will_not_run") continue;
    if (oe.value()["placement"]["cpu_layers"].get<int>() > 0)
      continue;  // would offload: not a fair rental
    const auto rt = rates(oe.value()["speed"]);
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
  const std::string model_id = e["model"]["id"];
  for (const auto& a : builtin_catalog().apis) {
    if (!(api_id.empty() ? a.open_model == model_id : a.id == api_id)) continue;
    const double month =
        api_monthly_usd(in_tokens, out_tokens, *a.input_usd_per_mtok, *a.output_usd_per_mtok);
    apis.push_back({{"id", a.id},
                    {"provider", a.provider},
                    {"model", a.model},
                    {"input_usd_per_mtok", *a.input_usd_per_mtok},
                    {"output_usd_per_mtok", *a.output_usd_per_mtok},
                    {"price_date", a.price_date.empty() ? json(nullptr) : json(a.price_date)},
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
