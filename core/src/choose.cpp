// Choose my GPU (every priced setup within a budget that runs the workloads, ranked) and My
// machine (every catalog model on one setup).
#include "decide_internal.h"
#include "recommend_internal.h"

namespace runcheck {

using nlohmann::json;
using namespace decide;

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
    if (m.draft_only()) continue;  // a draft, never a model on its own
    json w = req;
    w["model"] = m.id;
    const int64_t ctx = std::min<int64_t>(asked, m.arch.context_length);
    w["context"] = ctx;
    auto est = run(w, s.value(), false);
    if (!est.ok()) return est.error();
    const Estimate& e = est.value();
    json row = {{"model", m.id},
                {"name", m.name},
                {"context", ctx},
                {"context_capped", ctx < asked},
                {"decode_tps", opt(e.speed.decode_tps)},
                {"evidence", evidence(e.speed)},
                {"reason", e.plan.reasons.empty() ? std::string() : e.plan.reasons[0]}};
    if (ctx < asked)
      row["context_note"] = "judged at " + std::to_string(ctx) + " tokens, " + m.name +
                            "'s maximum (you asked " + std::to_string(asked) + ")";
    groups[verdict_name(e.plan.verdict)].push_back(row);
  }
  return json{{"ok", true},
              {"command", "choose"},
              {"hardware", s.value().label},
              {"context", asked},
              {"models", groups}};
}

// A setup Choose my GPU can rank: priced, within the budget and the buyer's filters.
struct Cand {
  Setup s;
  bool pass = true;
  int tier = 2;
  double slowest = 1e300;
  std::string why;
  json results;
  // use-case mode: the best-scoring model this setup runs at the use's context and floor
  double score = -1;
  json best;
};

struct SetupFilter {
  double budget;
  std::string pref;
  double max_watts;
  int max_cards;
  bool mac_ok, laptop_ok;
  std::vector<std::string> backends;
  std::string os;
};

std::vector<Cand> priced_setups(const SetupFilter& f) {
  std::vector<Cand> cands;
  for (const auto& h : builtin_catalog().hardware) {
    if (h.kind == HardwareKind::kCpu) continue;
    if (h.kind == HardwareKind::kApple && !f.mac_ok) continue;
    // Macs run macOS; runcheck models everything else under Linux or Windows.
    if (!f.os.empty() && (h.kind == HardwareKind::kApple) != (f.os == "macos")) continue;
    if (!f.laptop_ok && h.id.find("laptop") != std::string::npos) continue;
    if (!f.backends.empty() &&
        std::none_of(f.backends.begin(), f.backends.end(), [&](const std::string& b) {
          return std::find(h.backends.begin(), h.backends.end(), b) != h.backends.end();
        }))
      continue;
    std::vector<std::pair<std::string, std::optional<double>>> variants;  // spec, ram
    if (h.kind == HardwareKind::kGpu) {
      for (int n = 1; n <= f.max_cards; ++n)
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
      auto s = parse_setup(v, "hardware", f.pref);
      if (!s.ok() || !s.value().price || s.value().price->usd > f.budget) continue;
      Cand c;
      c.s = s.value();
      if (f.max_watts > 0 && (!c.s.watts || *c.s.watts > f.max_watts)) {
        c.pass = false;
        c.why = c.s.watts ? fmt("%.0f W", *c.s.watts) + " > your " + fmt("%.0f W", f.max_watts)
                          : "power draw unknown";
      }
      cands.push_back(std::move(c));
    }
  }
  return cands;
}

// The buyer's filters, read and checked alike whether setups are judged by workloads or by a use.
Result<SetupFilter> read_filter(FieldReader& r) {
  SetupFilter f;
  f.budget = r.number("budget_usd", 0, 1, 1e8, true);
  f.pref = r.string("price", "any");
  f.max_watts = r.number("max_watts", 0, 0, 1e6);
  f.max_cards = static_cast<int>(r.integer("max_cards", 4, 1, 8));
  f.mac_ok = r.boolean("mac_ok", true);
  f.laptop_ok = r.boolean("laptop_ok", false);
  f.backends = r.string_list("backends", false);
  f.os = r.string("os", "");
  if (r.error()) return *r.error();
  if (!f.os.empty() && !is_known_os(f.os))
    return make_error(
        "bad_value", "os",
        std::string("os must be ") + known_os_list() + "; got '" + safe_echo(f.os) + "'");
  if (f.pref != "any" && f.pref != "new" && f.pref != "used")
    return make_error("bad_value", "price", "price must be any, new or used");
  return f;
}

// A pick as both modes list it: the setup, its price and power, why, and what the card is.
json pick_json(const Cand& c, const std::string& why) {
  const CardFacts facts = card_facts(*c.s.cards[0]);
  return {{"setup", c.s.label},
          {"hardware", c.s.hardware},
          {"price_usd", c.s.price->usd},
          {"price_basis", c.s.price->basis},
          {"watts", opt(c.s.watts)},
          {"why", why},
          {"card",
           {{"segment", facts.segment},
            {"release_date", facts.release_date},
            {"measured_runs", facts.measured_runs},
            {"note", facts.note}}}};
}

// The setups that lose, the dearest within budget first (what a buyer would look at), 15 of them.
json rejected_json(std::vector<Cand*> fail) {
  std::sort(fail.begin(), fail.end(), [](const Cand* a, const Cand* b) {
    if (a->s.price->usd != b->s.price->usd) return a->s.price->usd > b->s.price->usd;
    return a->s.hardware < b->s.hardware;
  });
  json out = json::array();
  for (size_t i = 0; i < fail.size() && i < 15; ++i)
    out.push_back({{"setup", fail[i]->s.label},
                   {"hardware", fail[i]->s.hardware},
                   {"price_usd", fail[i]->s.price->usd},
                   {"why", fail[i]->why}});
  return out;
}

std::string prices_assumption(const std::string& pref) {
  return "prices: " +
         std::string(pref == "used"  ? "dated used street prices only"
                     : pref == "new" ? "new street prices or launch MSRP"
                                     : "dated street price where the catalog has one, else "
                                       "launch MSRP") +
         "; setups without a price are not ranked";
}

// Choose my GPU for a use case: every priced setup within the budget, judged by the
// best-scoring model it runs for that use (catalog/quality.json's benchmark, at the use's context
// and speed floor, at a quant within the loss limit), ranked by that score and then by price.
// Models are tried best score first; the first that runs at the floor is the setup's answer, so
// a setup costs one estimate per better model it cannot run.
Result<json> choose_for_use(const json& req) {
  if (auto e = check_fields(req, {"command", "budget_usd", "use_case", "context", "min_decode_tps",
                                  "max_kld", "price", "max_watts", "max_cards", "mac_ok",
                                  "laptop_ok", "backends", "os", "sort", "limit"}))
    return *e;
  FieldReader r(req);
  auto filter = read_filter(r);
  if (!filter.ok()) return filter.error();
  const SetupFilter& fl = filter.value();
  const std::string uc_id = r.string("use_case", "chat");
  const std::string sort = r.string("sort", "quality");
  const size_t limit = static_cast<size_t>(r.integer("limit", kChooseDefaultLimit, 1, 1000));
  const double max_kld = r.number("max_kld", kDefaultMaxQuantKld, 0, 100);
  if (r.error()) return *r.error();
  const UseCase* uc = recommend::use_case(uc_id);
  if (!uc)
    return make_error("unknown_id", "use_case",
                      "use_case must be one of " + recommend::use_case_ids() + "; got '" +
                          safe_echo(uc_id) + "'");
  const int64_t ctx = r.integer("context", static_cast<int64_t>(uc->context), 256, 1 << 24);
  const double floor_tps = r.number("min_decode_tps", uc->min_decode_tps, 0, 100000);
  if (r.error()) return *r.error();
  if (sort != "quality" && sort != "price")
    return make_error("bad_value", "sort",
                      "sort must be quality or price; got '" + safe_echo(sort) + "'");

  // The models with published quality for this use that can hold its context, best first.
  struct Scored {
    const ModelEntry* m;
    double score;
  };
  std::vector<Scored> models;
  for (const ModelEntry& m : builtin_catalog().models) {
    if (!recommend::serves(m, *uc)) continue;
    if (m.arch.context_length < ctx) continue;
    const recommend::Quality q = recommend::quality_of(m.id, uc->benchmark);
    if (q.value) models.push_back({&m, *q.value});
  }
  std::stable_sort(models.begin(), models.end(),
                   [](const Scored& a, const Scored& b) { return a.score > b.score; });

  std::vector<Cand> cands = priced_setups(fl);
  json base_json = json::object();
  if (!fl.os.empty()) base_json["os"] = fl.os;
  auto base_req = read_estimate_request(base_json);
  if (!base_req.ok()) return base_req.error();
  for (Cand& c : cands) {
    if (!c.pass) continue;
    EstimateRequest base = base_req.value();
    base.hardware = split_text(c.s.hardware, ',');
    if (c.s.ram_gb) base.ram_gb = *c.s.ram_gb;
    base.inverse = false;
    for (const Scored& x : models) {
      const recommend::ModelOutcome o =
          recommend::best_quant(base, *x.m, ctx, floor_tps, max_kld, false);
      if (!o.pick) continue;
      c.score = x.score;
      c.slowest = o.pick->t.decode;
      c.tier = o.pick->t.verdict == "comfortable" ? 2 : 1;
      c.best = {{"model", x.m->id},
                {"name", x.m->name},
                {"score", x.score},
                {"quant", o.pick->quant},
                {"quant_kld", o.pick->kld ? json(*o.pick->kld) : json(nullptr)},
                {"context", std::min<int64_t>(ctx, x.m->arch.context_length)},
                {"verdict", o.pick->t.verdict},
                {"decode_tps", o.pick->t.decode},
                {"decode_tps_low", o.pick->t.low},
                {"decode_tps_high", o.pick->t.high},
                {"evidence", o.pick->t.evidence}};
      break;
    }
    if (c.best.is_null()) {
      c.pass = false;
      c.why = models.empty()
                  ? "no catalog model has a published " + uc->benchmark + " score"
                  : "runs no model with a published " + uc->benchmark + " score at " +
                        std::to_string(ctx) + " tokens and " + fmt("%.0f", floor_tps) + " tok/s";
    }
  }
  std::vector<Cand*> pass, fail;
  for (auto& c : cands) (c.pass ? pass : fail).push_back(&c);
  // quality: the best model first, then the cheaper setup, then the faster; price: the cheapest
  // first. Ties break on the hardware id so native and wasm builds agree.
  std::sort(pass.begin(), pass.end(), [&](const Cand* a, const Cand* b) {
    if (sort == "quality" && a->score != b->score) return a->score > b->score;
    if (a->s.price->usd != b->s.price->usd) return a->s.price->usd < b->s.price->usd;
    if (a->slowest != b->slowest) return a->slowest > b->slowest;
    return a->s.hardware < b->s.hardware;
  });
  json picks = json::array();
  for (size_t i = 0; i < pass.size() && i < limit; ++i) {
    const Cand& c = *pass[i];
    json pick =
        pick_json(c, "runs " + c.best["name"].get<std::string>() + " (" + uc->benchmark + " " +
                         fmt("%.1f", c.score) + ") at " + c.best["quant"].get<std::string>() +
                         ", " + fmt("%.1f", c.slowest) + " tok/s" +
                         (c.tier == 2 ? "" : " with tradeoffs (offload or little headroom)"));
    pick["best_model"] = c.best;
    picks.push_back(pick);
  }
  // The better models no setup within the budget runs, best first (what more money would buy).
  json out_of_reach = json::array();
  const double best_run =
      pass.empty() ? -1
                   : (*std::max_element(pass.begin(), pass.end(), [](const Cand* a, const Cand* b) {
                       return a->score < b->score;
                     }))->score;
  for (const Scored& x : models)
    if (x.score > best_run && out_of_reach.size() < 5)
      out_of_reach.push_back({{"model", x.m->id}, {"name", x.m->name}, {"score", x.score}});
  return json{
      {"ok", true},
      {"command", "choose"},
      {"budget_usd", fl.budget},
      {"use_case", {{"id", uc->id}, {"name", uc->name}, {"benchmark", uc->benchmark}}},
      {"context", ctx},
      {"min_decode_tps", floor_tps},
      {"max_kld", max_kld},
      {"candidates", cands.size()},
      {"passing", pass.size()},
      {"sort", sort},
      {"picks", picks},
      {"rejected", rejected_json(fail)},
      {"out_of_reach", out_of_reach},
      {"assumptions",
       json::array(
           {"quality: the median of each model's published non-base " + uc->benchmark +
                " rows (catalog/quality.json); models without a published score are not ranked",
            "quant: the largest within the loss limit (mean KL divergence " + fmt("%g", max_kld) +
                ", published for Llama-3-8B) that runs comfortably at the floor, else the largest "
                "that runs at all",
            prices_assumption(fl.pref),
            "a Mac or unified-memory box is priced and sized at its base configuration",
            "a GPU setup has " + fmt("%.0f", kDefaultHostRamGib) + " GiB of system RAM (at " +
                fmt("%.1f", kDefaultRamBandwidthGBs) +
                " GB/s) for what does not fit on the cards; \"with tradeoffs\" means some "
                "weights run from it",
            "decode speed at the start of the context (depth 0)"})}};
}

}  // namespace

Result<json> choose_json(const json& in) {
  if (in.contains("hardware")) return models_for(in);
  if (in.contains("use_case")) return choose_for_use(in);
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
  auto filter = read_filter(r);
  if (!filter.ok()) return filter.error();
  const SetupFilter& fl = filter.value();
  const double budget = fl.budget;
  const std::string& os = fl.os;
  const double min_tps = r.number("min_decode_tps", 0, 0, 1e6);
  const std::string sort = r.string("sort", "price");
  const size_t limit = static_cast<size_t>(r.integer("limit", kChooseDefaultLimit, 1, 1000));
  if (r.error()) return *r.error();
  if (sort != "price" && sort != "speed" && sort != "price_per_tps")
    return make_error("bad_value", "sort",
                      "sort must be price, speed or price_per_tps; got '" + safe_echo(sort) + "'");
  if (!req.contains("workloads") || !req["workloads"].is_array() || req["workloads"].empty() ||
      req["workloads"].size() > 8)
    return make_error("bad_value", "workloads",
                      "workloads must list 1 to 8 {model, quant, context}");
  // Validate every workload once (unknown ids, bad contexts), before any machine.
  for (size_t i = 0; i < req["workloads"].size(); ++i) {
    const json& w = req["workloads"][i];
    if (!w.is_object())
      return make_error("bad_value", "workloads[" + std::to_string(i) + "]",
                        "a workload is {model, quant, context}");
    // The workload alone (model, quant, context, KV cache, runtime), before any machine.
    std::optional<Error> bad = check_fields(w, estimate_fields());
    if (!bad) {
      auto q = read_estimate_request(w);
      bad = q.ok() ? check_estimate_workload(q.value()) : q.error();
    }
    if (bad) {
      Error e = *bad;
      e.field = "workloads[" + std::to_string(i) + "]." + e.field;
      return e;
    }
  }
  std::vector<Cand> cands = priced_setups(fl);
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
      const Estimate& e = est.value();
      const std::string v = verdict_name(e.plan.verdict);
      const double tps = e.speed.decode_tps.value_or(0.0);
      c.results.push_back({{"model", e.model_id},
                           {"verdict", v},
                           {"decode_tps", opt(e.speed.decode_tps)},
                           {"evidence", evidence(e.speed)},
                           {"reasons", e.plan.reasons}});
      c.tier = std::min(c.tier, verdict_rank(v));
      c.slowest = std::min(c.slowest, tps);
      if (!c.pass) continue;
      if (v == "will_not_run") {
        c.pass = false;
        c.why = e.model_name + " does not fit (" +
                (e.plan.reasons.empty() ? std::string() : e.plan.reasons[0]) + ")";
      } else if (tps < min_tps) {
        c.pass = false;
        c.why = e.model_name + (v == "comfortable" ? " fits but " : " runs with tradeoffs but ") +
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
  json picks = json::array();
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
    json pick = pick_json(c, why);
    pick["workloads"] = c.results;
    pick["slowest_decode_tps"] =
        c.slowest < 1e300 && c.slowest > 0 ? json(c.slowest) : json(nullptr);
    pick["price_per_tps"] =
        c.slowest < 1e300 && c.slowest > 0 ? json(c.s.price->usd / c.slowest) : json(nullptr);
    picks.push_back(pick);
  }
  return json{
      {"ok", true},
      {"command", "choose"},
      {"budget_usd", budget},
      {"candidates", cands.size()},
      {"passing", pass.size()},
      {"sort", sort},
      {"picks", picks},
      {"rejected", rejected_json(fail)},
      {"assumptions",
       json::array(
           {prices_assumption(fl.pref),
            "a Mac or unified-memory box is priced and sized at its base configuration",
            "multi-GPU setups are identical cards, priced as the sum of the cards (board, PSU and "
            "risers not included)",
            "decode speed at the start of the context (depth 0); see each workload's reasons for "
            "offload"})}};
}

}  // namespace runcheck
