// Learn: the glossary (catalog/glossary.json) rendered through the engine. An entry's numbers
// are templates, "{{weights model=llama-3.1-8b quant=F16}}", each resolved by the same code the
// calculator runs (weights, KV, estimate, cost, catalog facts) and rendered with its unit, so an
// explanation can never disagree with the tool. A template that cannot resolve renders as "—"
// and is listed under `unresolved` (the glossary test fails on any).
#include "runcheck/learn.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "learn_internal.h"
#include "runcheck/catalog.h"
#include "runcheck/decide.h"
#include "runcheck/estimate.h"
#include "runcheck/memory.h"
#include "runcheck/request.h"
#include "runcheck/weights.h"

namespace runcheck {
namespace {

using nlohmann::json;
using Args = std::map<std::string, std::string>;

// Each template: its required and optional keys.
struct TemplateSpec {
  const char* name;
  std::vector<std::string_view> required, optional;
};
const std::vector<TemplateSpec>& specs() {
  static const std::vector<TemplateSpec> k = {
      {"weights", {"model", "quant"}, {}},
      {"bpw", {"model", "quant"}, {}},
      {"kv", {"model", "context"}, {"kv_type", "parallel"}},
      {"kv_per_token", {"model"}, {"kv_type"}},
      {"total", {"model", "quant", "context", "hardware"}, {"kv_type", "ram_gb", "flash_attn"}},
      {"verdict", {"model", "quant", "context", "hardware"}, {"kv_type", "ram_gb", "flash_attn"}},
      {"max_context", {"model", "quant", "hardware"}, {"kv_type", "ram_gb"}},
      {"gpu_layers", {"model", "quant", "context", "hardware"}, {"kv_type", "ram_gb"}},
      {"best_quant", {"model", "context", "hardware"}, {"kv_type", "ram_gb"}},
      {"decode", {"model", "quant", "hardware"}, {"context", "depth", "kv_type", "ram_gb"}},
      {"prefill", {"model", "quant", "hardware"}, {"context", "prompt", "ram_gb"}},
      {"ceiling", {"model", "quant", "hardware"}, {"context", "ram_gb"}},
      {"params", {"model"}, {}},
      {"active_params", {"model"}, {}},
      {"context_length", {"model"}, {}},
      {"layers", {"model"}, {}},
      {"vram", {"hardware"}, {}},
      {"bandwidth", {"hardware"}, {}},
      {"own_monthly", {"model", "hardware", "usd_per_kwh", "hours_per_day"}, {}},
      {"own_per_mtok", {"model", "hardware", "usd_per_kwh", "hours_per_day"}, {}},
      {"rent_monthly", {"model", "hardware", "usd_per_kwh", "hours_per_day"}, {}},
      {"break_even_rent", {"model", "hardware", "usd_per_kwh", "hours_per_day"}, {}},
      {"api_per_mtok", {"model"}, {}},
  };
  return k;
}

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}
std::string thousands(uint64_t v) {
  std::string s = std::to_string(v), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}
std::string bytes_text(double b) {
  if (b >= double(kGiB)) return fmt("%.2f GiB", b / double(kGiB));
  if (b >= double(kMiB)) return fmt("%.0f MiB", b / double(kMiB));
  return fmt("%.0f KiB", b / 1024.0);
}

// One resolved template: its text and the number behind it.
struct Value {
  std::string text;
  double number = 0;
  std::string unit;
  json request;  // what the tool would be opened with (estimate-like fields)
};

const ModelEntry* model_arg(const Args& a, std::string& err) {
  const ModelEntry* m = builtin_catalog().model(a.at("model"));
  if (!m) err = "unknown model '" + a.at("model") + "'";
  return m;
}

// An estimate for the template's arguments (integers and booleans typed as JSON).
Result<json> run_estimate(const Args& a, bool inverse) {
  json q = {{"command", "estimate"}, {"inverse", inverse}};
  for (const auto& [k, v] : a) {
    if (k == "context" || k == "parallel" || k == "depth" || k == "prompt") {
      if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
        return make_error("bad_value", k, k + " must be a whole number");
      q[k] = std::stoul(v);
    } else if (k == "ram_gb") {
      char* end = nullptr;
      const double d = std::strtod(v.c_str(), &end);
      if (!end || *end) return make_error("bad_value", k, "ram_gb must be a number");
      q[k] = d;
    } else if (k == "flash_attn") {
      q[k] = v == "true" || v == "on";
    } else {
      q[k] = v;
    }
  }
  return estimate_json(q);
}

Result<Value> resolve(const std::string& name, const Args& a) {
  Value v;
  std::string err;
  const Catalog& cat = builtin_catalog();
  for (const auto& [k, val] : a) v.request[k] = val;
  if (name == "weights" || name == "bpw") {
    const ModelEntry* m = model_arg(a, err);
    if (!m) return make_error("unknown_id", "model", err);
    const FileTypeInfo* ft = file_type_by_name(a.at("quant"));
    const QuantEntry* q = ft ? nullptr : cat.quant(a.at("quant"));
    if (!ft && (!q || !q->bits_per_weight))
      return make_error("unknown_id", "quant", "unknown quant '" + a.at("quant") + "'");
    const WeightPlan w =
        ft ? memo_quantized_weights(m->id, m->arch, ft->ftype)
           : memo_format_weights(m->id, m->arch, *q->bits_per_weight, q->kind == "mlx");
    if (name == "weights") {
      v.number = double(w.total_bytes);
      v.unit = "bytes";
      v.text = bytes_text(v.number);
    } else {
      v.number = w.parameters ? double(w.total_bytes) * 8 / double(w.parameters) : 0;
      v.unit = "bits per weight";
      v.text = fmt("%.2f bits per weight", v.number);
    }
    return v;
  }
  if (name == "kv" || name == "kv_per_token") {
    const ModelEntry* m = model_arg(a, err);
    if (!m) return make_error("unknown_id", "model", err);
    KvOptions o;
    const std::string type = a.count("kv_type") ? a.at("kv_type") : "f16";
    const auto t = ggml_type_from_name(type);
    if (!t) return make_error("bad_value", "kv_type", "unknown kv_type '" + type + "'");
    o.type_k = o.type_v = *t;
    if (name == "kv_per_token") {
      o.n_ctx = 1024;  // a multiple of every padding; full-size windows: the per-token rate
      o.swa_full = true;
    } else {
      const auto whole = [&](const char* k, uint32_t lo, uint32_t hi, uint32_t& out) {
        const std::string& t = a.at(k);
        if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string::npos ||
            std::stoul(t) < lo || std::stoul(t) > hi)
          return false;
        out = static_cast<uint32_t>(std::stoul(t));
        return true;
      };
      if (!whole("context", 1, m->arch.context_length, o.n_ctx))
        return make_error("bad_value", "context",
                          "context must be a whole number of tokens up to the model's " +
                              std::to_string(m->arch.context_length));
      if (a.count("parallel") && !whole("parallel", 1, 256, o.n_seq))
        return make_error("bad_value", "parallel", "parallel must be 1 to 256");
    }
    uint64_t total = 0;
    for (uint32_t l = 0; l < m->arch.block_count; ++l)
      total += name == "kv" ? layer_cache_bytes(m->arch, l, o) : kv_layer_bytes(m->arch, l, o);
    v.number = name == "kv" ? double(total) : double(total) / o.n_ctx;
    v.unit = name == "kv" ? "bytes" : "bytes per token";
    v.text = bytes_text(v.number);  // kv_per_token: the prose says "per token"
    return v;
  }
  if (name == "params" || name == "active_params" || name == "context_length" || name == "layers") {
    const ModelEntry* m = model_arg(a, err);
    if (!m) return make_error("unknown_id", "model", err);
    if (name == "context_length") {
      v.number = m->arch.context_length;
      v.unit = "tokens";
      v.text = thousands(m->arch.context_length) + " tokens";
    } else if (name == "layers") {
      v.number = m->arch.block_count;
      v.unit = "layers";
      v.text = std::to_string(m->arch.block_count) + " layers";
    } else {
      const uint64_t n = name == "params" ? memo_parameters(m->id, m->arch)
                                          : memo_active_parameters(m->id, m->arch);
      v.number = double(n);
      v.unit = "parameters";
      v.text = fmt(n >= 10e9 ? "%.0f" : "%.1f", double(n) / 1e9) + " billion parameters";
    }
    return v;
  }
  if (name == "vram" || name == "bandwidth") {
    const HardwareEntry* h = cat.hw(a.at("hardware"));
    if (!h)
      return make_error("unknown_id", "hardware", "unknown hardware '" + a.at("hardware") + "'");
    const std::optional<double>& f = name == "vram" ? h->memory_gib : h->bandwidth_gb_s;
    if (!f && name == "vram" && !h->memory_options_gib.empty()) {
      // Macs, APUs and CPUs: the buyer picks the memory; list the configurations.
      std::string opts;
      for (size_t i = 0; i < h->memory_options_gib.size(); ++i)
        opts += (i ? (i + 1 == h->memory_options_gib.size() ? " or " : ", ") : "") +
                fmt("%g", h->memory_options_gib[i]);
      v.number = h->memory_options_gib.back();
      v.unit = "GiB";
      v.text = opts + " GiB (configurations sold)";
      return v;
    }
    if (!f) return make_error("unknown_value", name, h->name + ": not in the catalog");
    v.number = *f;
    v.unit = name == "vram" ? "GiB" : "GB/s";
    v.text = name == "vram" ? fmt("%g GiB", *f) : thousands(uint64_t(std::lround(*f))) + " GB/s";
    return v;
  }
  if (name == "api_per_mtok") {
    const ApiPrice* best = nullptr;
    for (const auto& p : cat.apis)
      if (p.open_model == a.at("model") && p.input_usd_per_mtok && p.output_usd_per_mtok &&
          (!best || *p.output_usd_per_mtok < *best->output_usd_per_mtok))
        best = &p;
    if (!best)
      return make_error("unknown_value", "model", "no API price for '" + a.at("model") + "'");
    v.number = *best->output_usd_per_mtok;
    v.unit = "USD per million output tokens";
    v.text = fmt("$%.2f", *best->input_usd_per_mtok) + " in / " +
             fmt("$%.2f", *best->output_usd_per_mtok) + " out per million tokens (" +
             best->provider + ", " + best->price_date + ")";
    return v;
  }
  if (name == "own_monthly" || name == "own_per_mtok" || name == "rent_monthly" ||
      name == "break_even_rent") {
    json q = {{"command", "cost"}, {"model", a.at("model")}, {"hardware", a.at("hardware")}};
    for (const char* k : {"usd_per_kwh", "hours_per_day"}) {
      char* end = nullptr;
      const double d = std::strtod(a.at(k).c_str(), &end);
      if (!end || *end || !std::isfinite(d))
        return make_error("bad_value", k, std::string(k) + " must be a number");
      q[k] = d;
    }
    auto r = cost_json(q);
    if (!r.ok()) return r.error();
    const json& c = r.value();
    const json* x = nullptr;
    if (name == "own_monthly") x = &c["own"]["usd_per_month"];
    if (name == "own_per_mtok") x = &c["own"]["usd_per_million_tokens"];
    if (name == "rent_monthly" && c["rent"].is_array() && !c["rent"].empty())
      x = &c["rent"][0]["usd_per_month"];
    if (name == "break_even_rent") x = &c["break_even_vs_rent"]["months"];
    if (!x || !x->is_number())
      return make_error("unknown_value", name, "the cost answer has no " + name + " here");
    v.number = x->get<double>();
    v.unit = name == "break_even_rent" ? "months" : "USD";
    v.text = name == "break_even_rent" ? fmt("%.0f months", v.number)
             : name == "own_per_mtok"  ? fmt("$%.2f per million tokens", v.number)
                                       : fmt("$%.2f a month", v.number);
    return v;
  }
  // Everything else is an estimate of the calculator itself.
  Args q = a;
  if (name == "max_context" || name == "best_quant")
    q["context"] = a.count("context") ? a.at("context") : "512";
  auto r = run_estimate(q, name == "max_context" || name == "best_quant");
  if (!r.ok()) return r.error();
  const json& e = r.value();
  if (name == "verdict") {
    const std::string s = e["verdict"].get<std::string>();
    v.text = s == "will_not_run" ? "will not run" : s == "tradeoffs" ? "runs with tradeoffs" : s;
    v.unit = "verdict";
    return v;
  }
  if (name == "total") {
    double used = 0;
    for (const auto& d : e["memory"]["devices"])
      if (!d.value("is_host", false)) used += d.value("used_bytes", 0.0);
    v.number = used;
    v.unit = "bytes";
    v.text = bytes_text(used);
    return v;
  }
  if (name == "max_context") {
    const json& m = e["max_context"];
    const uint64_t fits = m.value("fits", uint64_t{0});
    v.number = double(fits);
    v.unit = "tokens";
    v.text = fits ? thousands(fits) + " tokens" : "no context at all (the weights do not fit)";
    return v;
  }
  if (name == "best_quant") {
    const json& b = e["best_quant"];
    v.unit = "quant";
    v.text = b["comfortable"].is_string() ? b["comfortable"].get<std::string>()
             : b["fits"].is_string()      ? b["fits"].get<std::string>()
                                          : std::string("none");
    return v;
  }
  if (name == "gpu_layers") {
    const json& p = e["placement"];
    v.number = p.value("gpu_layers", 0.0);
    v.unit = "layers";
    v.text = fmt("%.0f", v.number) + " of " + fmt("%.0f", p.value("total_layers", 0.0)) +
             " layers on the GPU";
    return v;
  }
  const json& s = e["speed"];
  if (!s.is_object()) return make_error("unknown_value", name, "no speed for this setup");
  const char* key = name == "decode"    ? "decode_tps"
                    : name == "prefill" ? "prefill_tps"
                                        : "decode_ceiling_tps";
  if (!s.contains(key) || !s[key].is_number())
    return make_error("unknown_value", name, "the engine gives no " + name + " speed here");
  v.number = s[key].get<double>();
  v.unit = "tokens per second";
  v.text = fmt(v.number >= 100 ? "%.0f tok/s" : "%.1f tok/s", v.number);
  if (name == "decode") {
    const std::string ev = s.value("evidence", "");
    v.text += " (" + (ev.empty() ? std::string("estimated") : ev);
    if (s.contains("decode_tps_low") && s["decode_tps_low"].is_number())
      v.text += fmt(", band %.1f", s["decode_tps_low"].get<double>()) +
                fmt("-%.1f", s["decode_tps_high"].get<double>());
    v.text += ")";
  }
  return v;
}

}  // namespace

std::string render_learn_text(const std::string& text, std::vector<LearnValue>& values,
                              std::vector<std::string>& unresolved) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find("{{", at);
    if (open == std::string::npos) {
      out += text.substr(at);
      break;
    }
    out += text.substr(at, open - at);
    const size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      unresolved.push_back("unclosed template: " + text.substr(open, 40));
      out += text.substr(open);
      break;
    }
    const std::string inner = text.substr(open + 2, close - open - 2);
    at = close + 2;
    std::vector<std::string> words = split_text(inner, ' ');
    const std::string name = words.empty() ? "" : words[0];
    const TemplateSpec* spec = nullptr;
    for (const auto& s : specs())
      if (name == s.name) spec = &s;
    Args args;
    std::string problem;
    if (!spec) problem = "unknown template '" + name + "'";
    for (size_t i = 1; i < words.size() && problem.empty(); ++i) {
      const size_t eq = words[i].find('=');
      if (eq == std::string::npos || eq == 0) {
        problem = "'" + words[i] + "' is not key=value";
        break;
      }
      const std::string k = words[i].substr(0, eq);
      bool known = false;
      for (auto r : spec->required) known = known || r == k;
      for (auto r : spec->optional) known = known || r == k;
      if (!known) problem = name + ": unknown key '" + k + "'";
      args[k] = words[i].substr(eq + 1);
    }
    if (problem.empty())
      for (auto r : spec->required)
        if (!args.count(std::string(r))) problem = name + ": missing " + std::string(r);
    if (problem.empty()) {
      auto v = resolve(name, args);
      if (v.ok()) {
        out += v.value().text;
        values.push_back({"{{" + inner + "}}", v.value().text, v.value().number, v.value().unit});
        continue;
      }
      problem = "{{" + inner + "}}: " + v.error().message;
    }
    unresolved.push_back(problem);
    out += "\u2014";
  }
  return out;
}

std::vector<std::string> learn_prose_numbers(const std::string& text) {
  // Quantities the engine computes, typed by hand: a number followed by one of these units.
  static const char* kUnits[] = {
      "GB",        "GiB",       "MB",       "MiB",      "TB",
      "KiB",       "tok/s",     "t/s",      "tokens/s", "bits per weight",
      "bpw",       "GB/s",      "TB/s",     "B param",  "billion",
      "K context", "k context", "K tokens", "k tokens"};
  std::vector<std::string> found;
  std::string plain;
  // Templates and `code` are not prose.
  bool code = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "{{") == 0) {
      const size_t c = text.find("}}", i);
      if (c == std::string::npos) break;
      i = c + 1;
      plain += ' ';
      continue;
    }
    if (text[i] == '`') {
      code = !code;
      continue;
    }
    if (!code) plain += text[i];
  }
  for (size_t i = 0; i < plain.size(); ++i) {
    if (!(plain[i] >= '0' && plain[i] <= '9')) continue;
    // Part of a name (EXL2-4.0bpw, Q4_K_M, v0.3): not a quantity.
    if (i && (std::isalnum(static_cast<unsigned char>(plain[i - 1])) || plain[i - 1] == '-' ||
              plain[i - 1] == '_' || plain[i - 1] == '.'))
      continue;
    size_t j = i;
    while (j < plain.size() &&
           ((plain[j] >= '0' && plain[j] <= '9') || plain[j] == '.' || plain[j] == ','))
      ++j;
    size_t k = j;
    while (k < plain.size() && plain[k] == ' ') ++k;
    for (const char* u : kUnits) {
      const std::string us(u);
      if (plain.compare(k, us.size(), us) == 0) {
        found.push_back(plain.substr(i, k + us.size() - i));
        break;
      }
    }
    i = j;
  }
  return found;
}

Result<json> learn_json(const json& req) {
  if (auto e = check_fields(req, {"command", "term"})) return *e;
  const Catalog& cat = builtin_catalog();
  if (!req.contains("term")) {
    json list = json::array();
    for (const auto& g : cat.glossary)
      list.push_back({{"id", g.id},
                      {"term", g.term},
                      {"category", g.category},
                      {"short", g.short_text},
                      {"aliases", g.aliases}});
    return json{{"ok", true}, {"terms", list}};
  }
  if (!req["term"].is_string()) return make_error("bad_type", "term", "term must be a string");
  const std::string want = req["term"].get<std::string>();
  const GlossaryEntry* g = nullptr;
  for (const auto& x : cat.glossary) {
    if (x.id == want) g = &x;
    for (const auto& al : x.aliases)
      if (!g && al == want) g = &x;
    if (!g && x.term == want) g = &x;
  }
  if (!g)
    return make_error("unknown_id", "term",
                      "no glossary entry '" + safe_echo(want) + "' (see: runcheck explain)");
  std::vector<LearnValue> values;
  std::vector<std::string> unresolved;
  json related = json::array(), errors = json::array(), sources = json::array();
  for (const auto& r : g->related)
    for (const auto& x : cat.glossary)
      if (x.id == r) related.push_back({{"id", x.id}, {"term", x.term}});
  for (const auto& r : g->errors)
    for (const auto& x : cat.errors)
      if (x.id == r) errors.push_back({{"id", x.id}, {"match", x.match}, {"runtime", x.runtime}});
  for (const auto& s : g->sources) sources.push_back({{"url", s.url}, {"retrieved", s.retrieved}});
  json out = {{"ok", true},
              {"id", g->id},
              {"term", g->term},
              {"aliases", g->aliases},
              {"category", g->category},
              {"short", g->short_text},
              {"body", render_learn_text(g->body, values, unresolved)},
              {"example",
               {{"text", render_learn_text(g->example_text, values, unresolved)},
                {"request", json::parse(g->example_request, nullptr, false)}}},
              {"workflow",
               {{"runtime", g->workflow_runtime},
                {"text", render_learn_text(g->workflow_text, values, unresolved)},
                {"command", render_learn_text(g->workflow_command, values, unresolved)}}},
              {"related", related},
              {"errors", errors},
              {"sources", sources}};
  json vals = json::array();
  for (const auto& v : values)
    vals.push_back(
        {{"template", v.templ}, {"text", v.text}, {"value", v.number}, {"unit", v.unit}});
  out["values"] = vals;
  out["unresolved"] = unresolved;
  return out;
}

}  // namespace runcheck
