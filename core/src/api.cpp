#include "runcheck/api.h"

#include <map>
#include <nlohmann/json.hpp>

#include "diagnose_internal.h"
#include "learn_internal.h"
#include "names.h"
#include "recommend_internal.h"
#ifndef __EMSCRIPTEN__
#include "accuracy.h"
#endif
#include "decide.h"
#include "estimate.h"
#include "runcheck/catalog.h"
#include "runcheck/options.h"
#include "runcheck/request.h"
#include "runcheck/weights.h"
#include "user_models.h"

namespace runcheck {
namespace {

using nlohmann::json;

// Largest request accepted: a config.json pasted into a request fits easily.
constexpr size_t kMaxRequestBytes = 4 * 1024 * 1024;

std::string error_response(const Error& e) {
  json out = {{"ok", false},
              {"error", {{"code", e.code}, {"field", e.field}, {"message", e.message}}}};
  // error_handler::replace: invalid UTF-8 in echoed input never breaks the response.
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

json sources_json(const std::vector<Source>& v) {
  json a = json::array();
  for (const auto& s : v) a.push_back({{"url", s.url}, {"retrieved", s.retrieved}});
  return a;
}

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

Result<json> catalog_command(const json& req) {
  FieldReader r(req);
  const std::string what = r.string("list", "all");
  // brief: what the calculator's pickers need (no sources, no prose), for a fast first page.
  const bool brief = r.boolean("brief", false);
  if (r.error()) return *r.error();
  const Catalog& cat = builtin_catalog();
  if (!builtin_catalog_error().empty())
    return make_error("bad_catalog", "", builtin_catalog_error());
  json out = {{"ok", true}};
  const bool all = what == "all";
  const auto entry_sources = [brief](const std::vector<Source>& v) {
    return brief ? json(nullptr) : sources_json(v);
  };
  if (!all && what != "models" && what != "hardware" && what != "quants" && what != "runtimes" &&
      what != "clouds" && what != "apis" && what != "errors")
    return make_error(
        "bad_value", "list",
        "list must be one of all, models, hardware, quants, runtimes, clouds, apis, errors");
  if (what == "errors") {  // the errors knowledge base (Troubleshoot), only when asked for
    json a = json::array();
    for (const auto& e : cat.errors) {
      a.push_back({{"id", e.id},
                   {"runtime", e.runtime},
                   {"category", e.category},
                   {"match", e.match},
                   {"example", e.example},
                   {"example_is_constructed", e.example_is_constructed},
                   {"severity", e.severity},
                   {"meaning", e.meaning},
                   {"causes", e.causes},
                   {"fixes", error_fixes_json(e, e.example)},
                   {"sources", sources_json(e.sources)}});
    }
    out["errors"] = a;
    return out;
  }
  if (all || what == "models") {
    json a = json::array();
    for (const auto& m : cat.models)
      a.push_back({{"id", m.id},
                   {"name", m.name},
                   {"family", m.family},
                   {"kind", m.kind},
                   {"hf_repo", m.hf_repo},
                   {"license", m.license},
                   {"release_date", m.release_date},
                   {"default_quant",
                    m.default_quant.empty() ? std::string(kDefaultQuant) : m.default_quant},
                   {"params_total_b", opt(m.params_total_b)},
                   {"params_active_b", opt(m.params_active_b)},
                   {"parameters", m.parameters},
                   {"block_count", m.arch.block_count},
                   {"context_length", m.arch.context_length},
                   {"aliases", names::model_names(m)},
                   {"sources", entry_sources(m.sources)}});
    out["models"] = a;
  }
  if (all || what == "hardware") {
    json a = json::array();
    for (const auto& h : cat.hardware)
      a.push_back({{"id", h.id},
                   {"name", h.name},
                   {"vendor", h.vendor},
                   {"memory_gib", opt(h.memory_gib)},
                   {"memory_options_gib", h.memory_options_gib},
                   {"memory_bandwidth_gb_s", opt(h.bandwidth_gb_s)},
                   {"fp16_tflops_dense", opt(h.fp16_tflops)},
                   {"fp16_tflops_dense_fp16acc", opt(h.fp16_tflops_fp16acc)},
                   {"int8_tops_dense", opt(h.int8_tops)},
                   {"sm_count", h.sm_count ? json(*h.sm_count) : json(nullptr)},
                   {"boost_clock_mhz", opt(h.boost_clock_mhz)},
                   {"cpu_cores", h.cpu_cores ? json(*h.cpu_cores) : json(nullptr)},
                   {"cpu_threads", h.cpu_threads ? json(*h.cpu_threads) : json(nullptr)},
                   {"cpu_base_clock_mhz", opt(h.cpu_base_clock_mhz)},
                   {"cpu_boost_clock_mhz", opt(h.cpu_boost_clock_mhz)},
                   {"cpu_fp32_flops_per_cycle", opt(h.cpu_fp32_flops_per_cycle)},
                   {"kind", h.kind == HardwareKind::kGpu     ? "gpu"
                            : h.kind == HardwareKind::kApple ? "apple"
                            : h.kind == HardwareKind::kApu   ? "apu"
                                                             : "cpu"},
                   {"release_date", h.release_date},
                   {"launch_price_usd", opt(h.launch_price_usd)},
                   {"street_price_usd", opt(h.street_price_usd)},
                   {"street_price_date", h.street_price_date},
                   {"tdp_w", opt(h.tdp_w)},
                   {"backends", h.backends},
                   {"aliases", h.aliases},
                   {"sources", entry_sources(h.sources)}});
    out["hardware"] = a;
  }
  if (all || what == "quants") {
    json a = json::array();
    for (const auto& q : cat.quants)
      a.push_back({{"id", q.id},
                   {"kind", q.kind},
                   {"bits_per_weight", opt(q.bits_per_weight)},
                   {"description", q.description},
                   {"runtimes", q.runtimes},
                   {"sources", entry_sources(q.sources)}});
    out["quants"] = a;
  }
  const auto or_null = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
  if (brief) return out;  // models, hardware and quants only
  if (all || what == "runtimes") {
    json a = json::array();
    for (const auto& r : cat.runtimes)
      a.push_back({{"id", r.id},
                   {"name", r.name},
                   {"os", r.os},
                   {"backends", r.backends},
                   {"formats", r.formats},
                   {"default_context_tokens", opt(r.default_context_tokens)},
                   {"default_kv_type", or_null(r.default_kv_type)},
                   {"license", or_null(r.license)},
                   {"sources", entry_sources(r.sources)}});
    out["runtimes"] = a;
  }
  if (all || what == "clouds") {
    json a = json::array();
    for (const auto& o : cat.clouds)
      a.push_back({{"id", o.id},
                   {"provider", o.provider},
                   {"offer", o.offer},
                   {"gpu", o.gpu},
                   {"gpu_count", o.gpu_count},
                   {"price_usd_per_hour", o.usd_per_hour},
                   {"billing", or_null(o.billing)},
                   {"price_date", or_null(o.price_date)},
                   {"sources", entry_sources(o.sources)}});
    out["clouds"] = a;
  }
  if (all || what == "apis") {
    json a = json::array();
    for (const auto& p : cat.apis)
      a.push_back({{"id", p.id},
                   {"provider", p.provider},
                   {"model", p.model},
                   {"open_model", or_null(p.open_model)},
                   {"input_usd_per_mtok", opt(p.input_usd_per_mtok)},
                   {"output_usd_per_mtok", opt(p.output_usd_per_mtok)},
                   {"cached_input_usd_per_mtok", opt(p.cached_input_usd_per_mtok)},
                   {"context_tokens", opt(p.context_tokens)},
                   {"price_date", or_null(p.price_date)},
                   {"retired", or_null(p.retired)},
                   {"sources", entry_sources(p.sources)}});
    out["apis"] = a;
  }
  return out;
}

}  // namespace

std::string handle_gguf(const unsigned char* data, size_t size, unsigned long long file_size,
                        std::string_view name) {
  return import_gguf(data, size, file_size, std::string(name))
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string handle_diagnose(std::string_view log_text, std::string_view options_json) {
  json req = options_json.empty() ? json::object() : json::parse(options_json, nullptr, false);
  if (req.is_discarded() || !req.is_object())
    return error_response(make_error("bad_json", "", "diagnose options must be a JSON object"));
  req["command"] = "diagnose";
  req["log"] = std::string(log_text);
  auto out = diagnose_json(req);
  if (!out.ok()) return error_response(out.error());
  return out.value().dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string handle_request(std::string_view text) {
  if (text.size() > kMaxRequestBytes)
    return error_response(make_error("too_large", "", "request is larger than 4 MiB"));
  json req = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (req.is_discarded())
    return error_response(make_error("bad_json", "", "request is not valid JSON"));
  if (!req.is_object())
    return error_response(make_error("bad_json", "", "request must be a JSON object"));
  FieldReader r(req);
  const std::string command = r.string("command", "estimate");
  if (r.error()) return error_response(*r.error());

  Result<json> out = make_error(
      "unknown_command", "command",
      "command must be one of estimate, compare, choose, cost, sweep, "
      "catalog, methodology, import, accuracy, benchmarks, diagnose, learn, recommend, detect, "
      "quant_loss; "
      "got '" +
          safe_echo(command) + "'");
  // Commands whose fields are all read here: refuse a key they do not know (a typo must not
  // fall back to a default silently). estimate, sweep, compare, choose and cost check their own.
  static const std::map<std::string, std::vector<std::string_view>> kFields = {
      {"catalog", {"command", "list", "brief"}},
      {"methodology", {"command"}},
      {"options", {"command"}},
      {"import", {"command", "config", "name"}},
      {"accuracy", {"command", "csv", "holdout"}},
      {"benchmarks", {"command", "csv", "retrieved"}}};
  if (auto it = kFields.find(command); it != kFields.end())
    if (auto e = check_fields(req, it->second)) return error_response(*e);
  if (command == "estimate")
    out = estimate_json(req);
  else if (command == "sweep")
    out = sweep_json(req);
  else if (command == "catalog")
    out = catalog_command(req);
  else if (command == "accuracy" || command == "benchmarks")
#ifdef __EMSCRIPTEN__
    // Scoring a measurements file and generating catalog/benchmarks.json are native tools: the
    // page never runs them, so the wasm module does not carry them.
    out = make_error("native_only", "command",
                     command + " is a native tool: runcheck " + command + " --data FILE.csv");
#else
    out = command == "accuracy" ? accuracy_json(req) : benchmarks_from_csv(req);
#endif
  else if (command == "compare")
    out = compare_json(req);
  else if (command == "choose")
    out = choose_json(req);
  else if (command == "cost")
    out = cost_json(req);
  else if (command == "options")
    out = options_json();
  else if (command == "methodology")
    out = methodology_json();
  else if (command == "import")
    out = import_config_json(req);
  else if (command == "diagnose")
    out = diagnose_json(req);
  else if (command == "learn")
    out = learn_json(req);
  else if (command == "recommend")
    out = recommend_json(req);
  else if (command == "detect")
    out = detect_json(req);
  else if (command == "quant_loss")
    out = quant_loss_json(req);
  if (!out.ok()) return error_response(out.error());
  return out.value().dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace runcheck
