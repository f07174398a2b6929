// What compare, choose and cost share: a hardware setup with its price and power, and running
// one workload on it through the estimate. core/src only.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "decide.h"
#include "estimate.h"
#include "runcheck/catalog.h"
#include "runcheck/constants.h"
#include "runcheck/request.h"
#include "text_format.h"

namespace runcheck::decide {

using nlohmann::json;

// Fields of a workload that the estimate takes as they are: every estimate field but the
// machine (the setup's) and the estimate's own switches.
inline bool is_workload_field(std::string_view k) {
  return k != "command" && k != "hardware" && k != "ram_gb" && k != "inverse" && k != "leave_out";
}

// Known fields of a decision command: the workload's plus its own.
inline std::vector<std::string_view> decision_fields(std::initializer_list<std::string_view> own,
                                                     bool with_ram = true) {
  std::vector<std::string_view> k = {"command"};
  if (with_ram) k.push_back("ram_gb");
  for (auto f : estimate_fields())
    if (is_workload_field(f)) k.push_back(f);
  k.insert(k.end(), own.begin(), own.end());
  return k;
}

using text::fmt;

struct Price {
  double usd = 0;
  std::string basis;  // "street (used, 2026-09)", "launch MSRP"
};

// One card's price by preference: "used" street price only; "new" a new street price or the
// launch MSRP; "any" the dated street price when there is one, else the launch MSRP.
inline std::optional<Price> card_price(const HardwareEntry& h, const std::string& pref) {
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
inline Result<Setup> parse_setup(const json& v, const std::string& field, const std::string& pref,
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

// The estimate for one workload on one setup: the workload's estimate fields, the setup's
// machine.
inline Result<Estimate> run(const json& workload, const Setup& s, bool inverse) {
  json q = json::object();
  for (auto it = workload.begin(); it != workload.end(); ++it)
    if (is_workload_field(it.key()) && std::find(estimate_fields().begin(), estimate_fields().end(),
                                                 it.key()) != estimate_fields().end())
      q[it.key()] = it.value();
  if (workload.contains("ram_gb")) q["ram_gb"] = workload["ram_gb"];
  auto r = read_estimate_request(q);
  if (!r.ok()) return r.error();
  EstimateRequest req = std::move(r).value();
  req.hardware = split_text(s.hardware, ',');
  if (s.ram_gb) req.ram_gb = *s.ram_gb;
  req.inverse = inverse;
  return estimate(req);
}

inline json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
inline json opt(const std::optional<uint32_t>& v) { return v ? json(*v) : json(nullptr); }
// measured | extrapolated | estimated, or null when there is no figure.
inline json evidence(const SpeedEstimate& s) {
  return s.evidence.empty() ? json(nullptr) : json(s.evidence);
}
inline double num_or(const json& v, double d) { return v.is_number() ? v.get<double>() : d; }

// Smallest free memory over the accelerators (headroom), in GiB.
inline double headroom_gib(const Plan& p) {
  double best = -1;
  for (const auto& d : p.devices) {
    if (d.is_host) continue;
    const double free =
        (static_cast<double>(d.budget_bytes) - static_cast<double>(d.used_bytes)) / kGiB;
    best = best < 0 ? free : std::min(best, free);
  }
  return best;
}

inline int verdict_rank(const std::string& v) {
  return v == "comfortable" ? 2 : v == "tradeoffs" ? 1 : 0;
}

inline std::string pct_words(double a, double b, const char* more, const char* less) {
  if (a <= 0 || b <= 0) return "";
  const double d = (a - b) / b * 100;
  return fmt("%.0f %% ", std::fabs(d)) + (d >= 0 ? more : less);
}

// "a;b;c" -> ["a", "b", "c"] (the CLI form of a list).
inline json split_list(const json& v) {
  return v.is_string() ? json(split_text(v.get<std::string>(), ';')) : v;
}

}  // namespace runcheck::decide
