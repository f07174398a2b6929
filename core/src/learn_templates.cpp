// Learn's template values: each {{name key=value}} a glossary entry may use, with its keys, and
// how the engine computes it (weights and KV directly, fit and speed through the estimate, costs
// through the cost command, facts from the catalog), rendered with its unit.
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "decide.h"
#include "estimate.h"
#include "learn_internal.h"
#include "runcheck/catalog.h"
#include "runcheck/memory.h"
#include "runcheck/request.h"
#include "runcheck/weights.h"
#include "text_format.h"

namespace runcheck::learn_detail {
namespace {

using nlohmann::json;

using text::fmt;
using text::thousands;

std::string bytes_text(double b) {
  if (b >= double(kGiB)) return fmt("%.2f GiB", b / double(kGiB));
  if (b >= double(kMiB)) return fmt("%.0f MiB", b / double(kMiB));
  return fmt("%.0f KiB", b / 1024.0);
}

const ModelEntry* model_arg(const Args& a, std::string& err) {
  const ModelEntry* m = builtin_catalog().model(a.at("model"));
  if (!m) err = "unknown model '" + a.at("model") + "'";
  return m;
}

// An estimate for the template's arguments (integers and booleans typed as JSON).
Result<Estimate> estimate_for(const Args& a, bool inverse) {
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
  if (auto e = check_fields(q, estimate_fields())) return *e;
  auto r = read_estimate_request(q);
  if (!r.ok()) return r.error();
  return estimate(r.value());
}

}  // namespace

const std::vector<TemplateSpec>& specs() {
  static const std::vector<TemplateSpec> k = {
      {"weights", {"model", "quant"}, {}},
      {"bpw", {"model", "quant"}, {}},
      {"kv", {"model", "context"}, {"kv_type", "parallel"}},
      {"kv_per_token", {"model"}, {"kv_type"}},
      {"total", {"model", "quant", "context", "hardware"}, {"kv_type", "ram_gb", "flash_attn"}},
      {"verdict", {"model", "quant", "context", "hardware"}, {"kv_type", "ram_gb", "flash_attn"}},
      {"max_context", {"model", "quant", "hardware"}, {"kv_type", "ram_gb", "fit"}},
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
      {"name", {}, {"model", "hardware"}},
  };
  return k;
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
  if (name == "name") {  // a catalog entry's display name (a table's row label)
    v.unit = "name";
    if (a.count("model") == a.count("hardware"))
      return make_error("bad_value", "name", "name takes model= or hardware=, one of them");
    if (a.count("model")) {
      const ModelEntry* m = model_arg(a, err);
      if (!m) return make_error("unknown_id", "model", err);
      v.text = m->name;
    } else {
      const HardwareEntry* h = cat.hw(a.at("hardware"));
      if (!h)
        return make_error("unknown_id", "hardware", "unknown hardware '" + a.at("hardware") + "'");
      v.text = h->name;
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
      if (p.open_model == a.at("model") && p.retired.empty() && p.input_usd_per_mtok &&
          p.output_usd_per_mtok && (!best || *p.output_usd_per_mtok < *best->output_usd_per_mtok))
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
  // max_context's fit=comfortable: the longest context with everything on the accelerators and
  // the margin kept; the default (fits) is the longest that loads, possibly spilling to RAM.
  const bool comfortable = a.count("fit") && a.at("fit") == "comfortable";
  if (a.count("fit") && !comfortable && a.at("fit") != "fits")
    return make_error("bad_value", "fit", "fit must be comfortable or fits");
  q.erase("fit");
  if (name == "max_context" || name == "best_quant")
    q["context"] = a.count("context") ? a.at("context") : "512";
  auto r = estimate_for(q, name == "max_context" || name == "best_quant");
  if (!r.ok()) return r.error();
  const Estimate& e = r.value();
  if (name == "verdict") {
    const std::string s = verdict_name(e.plan.verdict);
    v.text = s == "will_not_run" ? "will not run" : s == "tradeoffs" ? "runs with tradeoffs" : s;
    v.unit = "verdict";
    return v;
  }
  if (name == "total") {
    double used = 0;
    for (const auto& d : e.plan.devices)
      if (!d.is_host) used += static_cast<double>(d.used_bytes);
    v.number = used;
    v.unit = "bytes";
    v.text = bytes_text(used);
    return v;
  }
  if (name == "max_context") {
    const uint64_t fits =
        (comfortable ? e.max_context_comfortable : e.max_context_fits).value_or(0);
    v.number = double(fits);
    v.unit = "tokens";
    v.text = fits          ? thousands(fits) + " tokens"
             : comfortable ? "no context with everything on the GPU"
                           : "no context at all (the weights do not fit)";
    return v;
  }
  if (name == "best_quant") {
    v.unit = "quant";
    v.text = e.best_quant_comfortable ? *e.best_quant_comfortable
             : e.best_quant_fits      ? *e.best_quant_fits
                                      : std::string("none");
    return v;
  }
  if (name == "gpu_layers") {
    v.number = e.plan.gpu_layers;
    v.unit = "layers";
    v.text =
        fmt("%.0f", v.number) + " of " + std::to_string(e.plan.total_layers) + " layers on the GPU";
    if (e.plan.n_cpu_moe > 0)  // MoE: whole layers on the GPU, some layers' experts in RAM
      v.text += ", the routed experts of " + std::to_string(e.plan.n_cpu_moe) + " in system RAM";
    return v;
  }
  const SpeedEstimate& s = e.speed;
  const std::optional<double>& figure = name == "decode"    ? s.decode_tps
                                        : name == "prefill" ? s.prefill_tps
                                                            : s.decode_ceiling_tps;
  if (!figure)
    return make_error("unknown_value", name, "the engine gives no " + name + " speed here");
  v.number = *figure;
  v.unit = "tokens per second";
  v.text = fmt(v.number >= 100 ? "%.0f tok/s" : "%.1f tok/s", v.number);
  if (name == "decode") {
    v.text += " (" + (s.evidence.empty() ? std::string("estimated") : s.evidence);
    if (s.decode_tps_low && s.decode_tps_high)
      v.text += fmt(", band %.1f", *s.decode_tps_low) + fmt("-%.1f", *s.decode_tps_high);
    v.text += ")";
  }
  return v;
}

}  // namespace runcheck::learn_detail
