// Runs every row of a measurements CSV (shared/calibration format) through the engine and
// scores the memory rows (model / KV / compute buffer per device) and the OOM rows.
#include "accuracy.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "estimate.h"
#include "names.h"
#include "runcheck/catalog.h"
#include "runcheck/memory.h"
#include "runcheck/request.h"

namespace runcheck {
namespace {

using nlohmann::json;

// A scoring request (JSON, as the rows are read) through the typed engine.
Result<Estimate> typed_estimate(const json& q) {
  auto r = read_estimate_request(q);
  if (!r.ok()) return r.error();
  return estimate(r.value());
}

// One CSV record; handles quoted fields with "" escapes and newlines inside quotes.
std::vector<std::vector<std::string>> parse_csv(std::string_view text, size_t max_rows) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size() && rows.size() < max_rows; ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"')
        quoted = false;
      else
        field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));
      row.clear();
    } else {
      field += c;
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Free-text model name -> catalog id: lowercase, drop an org prefix, "meta-llama-3" -> "llama-3".
std::string map_model(const std::string& name) {
  std::string s = lower(name);
  const size_t slash = s.rfind('/');
  if (slash != std::string::npos) s = s.substr(slash + 1);
  if (s.rfind("meta-", 0) == 0) s = s.substr(5);
  for (char& c : s)
    if (c == ' ' || c == '_') c = '-';
  if (builtin_catalog().model(s)) return s;
  // Published names of the same weights' tuned variants: "Llama 3.2 1B Instruct",
  // "gemma-2-9b-it", "Qwen2.5-7B-Instruct-GGUF" share the base model's architecture, so they
  // allocate and run alike; the suffix is dropped, one word at a time.
  static const char* const kSuffixes[] = {"-gguf", "-instruct", "-it", "-chat", "-hf", "-base"};
  for (bool again = true; again;) {
    again = false;
    for (const char* suf : kSuffixes) {
      const std::string x = suf;
      if (s.size() > x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0) {
        s.resize(s.size() - x.size());
        if (builtin_catalog().model(s)) return s;
        again = true;
      }
    }
  }
  // The names the catalog knows the weights by (hub repos, GGUF stems, Ollama tags, aliases).
  if (const names::ModelMatch m = names::model_by_name(name); m.pick) return m.pick->id;
  return {};
}

struct HwMatch {
  std::string id;
  double ram_gib = 0;  // Apple unified memory from the name, 0 if none
  int device = -1;     // "[device CUDA1 of 4]" -> 1
};

// Free-text hardware -> catalog id. "RTX 4090 24GB [device CUDA0 of 2]" -> rtx-4090, device 0;
// "Apple M1 Max 32-core GPU 64GB" -> apple-m1-max-32c with 64 GiB; "NVIDIA A100 SXM4 80GB" ->
// a100-80gb-sxm. Tries the catalog ids that the words allow; returns {} when none matches.
HwMatch map_hardware(const std::string& name) {
  HwMatch m;
  std::string s = lower(name);
  const size_t br = s.find('[');
  if (br != std::string::npos) {
    const size_t dev = s.find("device ", br);
    if (dev != std::string::npos) {
      size_t k = dev + 7;
      while (k < s.size() && !std::isdigit(static_cast<unsigned char>(s[k]))) ++k;
      if (k < s.size()) m.device = std::atoi(s.c_str() + k);
    }
    s = s.substr(0, br);
  }
  const size_t paren = s.find('(');
  if (paren != std::string::npos) s = s.substr(0, paren);
  std::vector<std::string> words;
  std::string w;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-')
      w += c;
    else if (!w.empty()) {
      words.push_back(w);
      w.clear();
    }
  }
  if (!w.empty()) words.push_back(w);
  std::string mem;  // "24gb"
  std::vector<std::string> kept;
  for (const auto& x : words) {
    if (x == "nvidia" || x == "amd" || x == "intel" || x == "geforce" || x == "radeon" ||
        x == "gpu" || x == "instinct" || x == "pcie" || x == "tesla")
      continue;
    if (x.size() > 2 && x.compare(x.size() - 2, 2, "gb") == 0 &&
        std::isdigit(static_cast<unsigned char>(x[0]))) {
      mem = x;
      continue;
    }
    if (x.size() > 5 && x.compare(x.size() - 5, 5, "-core") == 0) {
      kept.push_back(x.substr(0, x.size() - 5) + "c");
      continue;
    }
    kept.push_back(x == "sxm4" || x == "sxm5" ? "sxm" : x);
  }
  std::string base;
  for (const auto& x : kept) base += (base.empty() ? "" : "-") + x;
  const Catalog& cat = builtin_catalog();
  const bool pcie = lower(name).find("pcie") != std::string::npos;
  std::vector<std::string> tries = {base};
  if (!mem.empty()) {
    tries.push_back(base + "-" + mem);
    // a100-sxm + 80gb -> a100-80gb-sxm
    const size_t dash = base.find('-');
    if (dash != std::string::npos)
      tries.push_back(base.substr(0, dash) + "-" + mem + base.substr(dash));
    if (pcie) tries.push_back(base + "-" + mem + "-pcie");
  }
  if (pcie) tries.push_back(base + "-pcie");
  if (lower(name).find("radeon") != std::string::npos)
    tries.push_back("radeon-" + base);  // Radeon PRO
  // The names tools and benchmark sites print ("NVIDIA A100-SXM4-80GB", "RTX 5070 11.94GB",
  // "Apple M4 Max 12P+4E+40GPU"), through the catalog's aliases, when the id guesses miss.
  if (!cat.hw(base) && !std::any_of(tries.begin(), tries.end(),
                                    [&](const std::string& t) { return cat.hw(t) != nullptr; })) {
    if (const names::HardwareMatch n = names::hardware_by_name(name.substr(0, name.find('[')));
        n.pick)
      tries.push_back(n.pick->id);
  }
  for (const auto& t : tries) {
    if (const HardwareEntry* h = cat.hw(t)) {
      m.id = h->id;
      if (h->kind == HardwareKind::kApple && !mem.empty()) m.ram_gib = std::atof(mem.c_str());
      // A published run without its memory size fit on the machine it ran on: the largest
      // configuration is the one that can have run it (the engine's own default is the base).
      else if (h->kind == HardwareKind::kApple && !h->memory_options_gib.empty())
        m.ram_gib = h->memory_options_gib.back();
      return m;
    }
  }
  return m;
}

// "llama.cpp CUDA" -> "cuda"; "" when no known backend is named.
std::string map_backend(const std::string& text) {
  const std::string s = lower(text);
  for (const char* b : {"cuda", "metal", "rocm", "vulkan", "sycl", "cpu"})
    if (s.find(b) != std::string::npos) return b;
  return {};
}

}  // namespace

Result<json> benchmarks_from_csv(const json& req) {
  FieldReader r(req);
  const std::string csv = r.string("csv", "", true, 8 * 1024 * 1024);
  const std::string retrieved = r.string("retrieved", "2026-11-23");
  if (r.error()) return *r.error();
  const auto rows = parse_csv(csv, 200000);
  if (rows.empty()) return make_error("bad_value", "csv", "csv has no header row");
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < rows[0].size(); ++i) col[rows[0][i]] = i;
  for (const char* need : {"source_url", "model", "quant", "context_tokens", "hardware",
                           "n_devices", "backend", "metric", "value"})
    if (!col.count(need))
      return make_error("bad_value", "csv",
                        std::string("csv header lacks the column '") + need + "'");
  auto get = [&](const std::vector<std::string>& row, const char* k) {
    const size_t i = col[k];
    return i < row.size() ? row[i] : std::string();
  };
  json out = json::array(), unmapped = json::array();
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    const std::string metric = get(row, "metric");
    if (metric != "tg_tps" && metric != "pp_tps") continue;
    const std::string model = map_model(get(row, "model"));
    const HwMatch hw = map_hardware(get(row, "hardware"));
    const std::string backend = map_backend(get(row, "backend"));
    if (model.empty() || hw.id.empty() || backend.empty()) {
      unmapped.push_back({{"row", i + 1},
                          {"model", get(row, "model")},
                          {"hardware", get(row, "hardware")},
                          {"why", model.empty()   ? "model not in catalog"
                                  : hw.id.empty() ? "hardware not in catalog"
                                                  : "backend unknown"}});
      continue;
    }
    json b = {
        {"id", "b" + std::to_string(out.size() + 1)},
        {"model", model},
        {"quant", get(row, "quant")},
        {"hardware", hw.id},
        {"n_devices", std::max(1, std::atoi(get(row, "n_devices").c_str()))},
        {"backend", backend},
        {"metric", metric == "tg_tps" ? "tg" : "pp"},
        {"tokens", std::atoi(get(row, "context_tokens").c_str())},
        {"value_tps", std::atof(get(row, "value").c_str())},
        {"ram_gib", hw.ram_gib > 0 ? json(hw.ram_gib) : json(nullptr)},
        {"test_detail", col.count("test_detail") ? get(row, "test_detail") : ""},
        {"sources", json::array({{{"url", get(row, "source_url")}, {"retrieved", retrieved}}})}};
    out.push_back(b);
  }
  return json{{"ok", true}, {"benchmarks", out}, {"unmapped", unmapped}};
}

Result<json> accuracy_json(const json& req) {
  FieldReader r(req);
  const std::string csv = r.string("csv", "", true, 8 * 1024 * 1024);
  // Speed rows: "row" leaves each measurement out of the fit that predicts it; "hardware"
  // leaves out every measurement of that hardware (how a GPU with no measurement is predicted).
  const std::string holdout = r.string("holdout", "row");
  if (r.error()) return *r.error();
  if (holdout != "row" && holdout != "hardware" && holdout != "model" && holdout != "source" &&
      holdout != "gpu-count")
    return make_error("bad_value", "holdout",
                      "holdout must be row, hardware, model, source or gpu-count");
  const auto rows = parse_csv(csv, 200000);
  if (rows.empty()) return make_error("bad_value", "csv", "csv has no header row");
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < rows[0].size(); ++i) col[rows[0][i]] = i;
  for (const char* need :
       {"model", "quant", "context_tokens", "hardware", "n_devices", "metric", "value"})
    if (!col.count(need))
      return make_error("bad_value", "csv",
                        std::string("csv header lacks the column '") + need + "'");
  auto get = [&](const std::vector<std::string>& row, const char* k) {
    const size_t i = col[k];
    return i < row.size() ? row[i] : std::string();
  };

  json details = json::array(), unmapped = json::array();
  std::map<std::string, std::vector<double>> errors;  // metric (or "metric family") -> |error| %
  std::map<std::string, int> covered;                 // speed rows whose measurement is in the band
  int oom_rows = 0, oom_agree = 0, speed_rows = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    const std::string metric = get(row, "metric");
    const std::string model = map_model(get(row, "model"));
    const HwMatch hw = map_hardware(get(row, "hardware"));
    const int n_dev = std::max(1, std::atoi(get(row, "n_devices").c_str()));
    if (metric == "tg_tps" || metric == "pp_tps") {
      ++speed_rows;
      const std::string backend = col.count("backend") ? map_backend(get(row, "backend")) : "";
      if (model.empty() || hw.id.empty() || backend.empty()) {
        unmapped.push_back({{"row", i + 1},
                            {"model", get(row, "model")},
                            {"hardware", get(row, "hardware")},
                            {"why", model.empty()   ? "model not in catalog"
                                    : hw.id.empty() ? "hardware not in catalog"
                                                    : "backend not named"}});
        continue;
      }
      int tokens = std::atoi(get(row, "context_tokens").c_str());
      // "llama-bench pp512 @ d 2048": N tokens after D already in the cache (context_tokens then
      // holds N + D). Scored at that depth, with N as the test's length.
      int depth_before = 0;
      if (col.count("test_detail")) {
        const std::string td = get(row, "test_detail");
        const size_t at = td.find(" @ d ");
        const size_t t =
            at == std::string::npos ? at : td.rfind(metric == "tg_tps" ? "tg" : "pp", at);
        if (at != std::string::npos && t != std::string::npos) {
          const int n = std::atoi(td.c_str() + t + 2), d = std::atoi(td.c_str() + at + 5);
          if (n > 0 && d > 0 && n + d == tokens) {
            tokens = n;
            depth_before = d;
          }
        }
      }
      const double measured = std::atof(get(row, "value").c_str());
      const bool tg = metric == "tg_tps";
      // As published (-ngl 99, flash attention off, f16 KV); decode at the mean depth of tgN,
      // prefill at prompt N. The engine leaves this very measurement out of its fit.
      json q = {{"model", model},
                {"quant", get(row, "quant")},
                {"context", std::max(2048, tokens + depth_before)},
                {"hardware", hw.id + (n_dev > 1 ? "x" + std::to_string(n_dev) : "")},
                {"flash_attn", false},
                {"gpu_layers", 100000},
                {"kv_type", "f16"},
                {"backend", backend},
                {"inverse", false},
                {"depth", depth_before + (tg ? (tokens - 1) / 2 : 0)},
                {"prompt", std::max(1, tokens)},
                {"leave_out",
                 {{"model", model},
                  {"quant", get(row, "quant")},
                  {"hardware", hw.id},
                  {"n_devices", n_dev},
                  {"backend", backend},
                  {"metric", tg ? "tg" : "pp"},
                  {"tokens", tokens},
                  {"value_tps", measured},
                  {"source", get(row, "source_url")},
                  {"scope", holdout}}}};
      if (hw.ram_gib > 0) q["ram_gb"] = hw.ram_gib;
      auto est = typed_estimate(q);
      if (!est.ok()) {
        unmapped.push_back({{"row", i + 1},
                            {"model", get(row, "model")},
                            {"hardware", get(row, "hardware")},
                            {"why", est.error().message}});
        continue;
      }
      const SpeedEstimate& sp = est.value().speed;
      const char* k = tg ? "decode_tps" : "prefill_tps";
      const std::optional<double>& figure = tg ? sp.decode_tps : sp.prefill_tps;
      if (!figure) {
        unmapped.push_back({{"row", i + 1},
                            {"model", get(row, "model")},
                            {"hardware", get(row, "hardware")},
                            {"why", "no " + std::string(k) + " predicted"}});
        continue;
      }
      const double pred = *figure;
      const double lo = (tg ? sp.decode_tps_low : sp.prefill_tps_low).value_or(pred);
      const double hi = (tg ? sp.decode_tps_high : sp.prefill_tps_high).value_or(pred);
      const double err = (pred - measured) / measured * 100;
      const bool inside = measured >= lo && measured <= hi;
      const HardwareEntry* he = builtin_catalog().hw(hw.id);
      const std::string family =
          he ? (he->kind == HardwareKind::kApple ? "apple" : he->vendor) + "/" + backend : backend;
      // Speculative runs (set_c's test_detail says "speculative decoding on") decode several
      // tokens per step: their own group, scored against the plain estimate, never mixed into
      // the single-token decode figures.
      const bool speculative =
          tg && col.count("test_detail") &&
          get(row, "test_detail").find("speculative decoding on") != std::string::npos;
      const std::string group = speculative ? metric + " speculative" : metric;
      errors[group].push_back(std::fabs(err));
      covered[group] += inside;
      if (!speculative) {
        errors[metric + " " + family].push_back(std::fabs(err));
        covered[metric + " " + family] += inside;
      }
      details.push_back({{"row", i + 1},
                         {"metric", metric},
                         {"hardware", get(row, "hardware")},
                         {"tokens", tokens},
                         {"measured_tps", measured},
                         {"predicted_tps", std::round(pred * 100) / 100},
                         {"low", std::round(lo * 100) / 100},
                         {"high", std::round(hi * 100) / 100},
                         {"in_band", inside},
                         {"evidence", sp.evidence.empty() ? json(nullptr) : json(sp.evidence)},
                         {"speculative", speculative},
                         {"error_pct", std::round(err * 1000) / 1000}});
      continue;
    }
    if (model.empty() || hw.id.empty()) {
      unmapped.push_back(
          {{"row", i + 1},
           {"model", get(row, "model")},
           {"hardware", get(row, "hardware")},
           {"why", model.empty() ? "model not in catalog" : "hardware not in catalog"}});
      continue;
    }
    // The published runs: -ngl 99 (all layers), flash attention off, f16 KV (calibration README).
    json q = {{"model", model},
              {"quant", get(row, "quant")},
              {"context", get(row, "context_tokens")},
              {"hardware", hw.id + (n_dev > 1 ? "x" + std::to_string(n_dev) : "")},
              {"flash_attn", false},
              {"gpu_layers", 100000},
              {"kv_type", "f16"}};
    if (hw.ram_gib > 0) q["ram_gb"] = hw.ram_gib;
    auto est = typed_estimate(q);
    if (!est.ok()) {
      unmapped.push_back({{"row", i + 1},
                          {"model", get(row, "model")},
                          {"hardware", get(row, "hardware")},
                          {"why", est.error().message}});
      continue;
    }
    const Estimate& e = est.value();
    if (metric == "oom") {
      ++oom_rows;
      const bool predicted_oom = e.plan.verdict == Verdict::kWillNotRun;
      oom_agree += predicted_oom;
      details.push_back({{"row", i + 1},
                         {"metric", metric},
                         {"measured", "oom"},
                         {"predicted", predicted_oom ? "oom" : "fits"},
                         {"agree", predicted_oom}});
      continue;
    }
    uint64_t DeviceUse::*key = metric == "model_buffer_mib"     ? &DeviceUse::weights_bytes
                               : metric == "kv_buffer_mib"      ? &DeviceUse::kv_bytes
                               : metric == "compute_buffer_mib" ? &DeviceUse::compute_bytes
                                                                : nullptr;
    if (!key) {
      unmapped.push_back({{"row", i + 1}, {"why", "unknown metric '" + safe_echo(metric) + "'"}});
      continue;
    }
    const int d = hw.device >= 0 ? hw.device : 0;
    if (static_cast<size_t>(d) >= e.plan.devices.size()) {
      unmapped.push_back({{"row", i + 1}, {"why", "no device " + std::to_string(d)}});
      continue;
    }
    const double predicted =
        static_cast<double>(e.plan.devices[d].*key) / static_cast<double>(kMiB);
    const double measured = std::atof(get(row, "value").c_str());
    const double err = measured > 0 ? (predicted - measured) / measured * 100 : 0;
    errors[metric].push_back(std::fabs(err));
    details.push_back({{"row", i + 1},
                       {"metric", metric},
                       {"hardware", get(row, "hardware")},
                       {"measured_mib", measured},
                       {"predicted_mib", std::round(predicted * 100) / 100},
                       {"error_pct", std::round(err * 1000) / 1000}});
  }
  json summary = json::object();
  for (const auto& [metric, v] : errors)
    summary[metric] = {{"count", v.size()},
                       {"median_abs_error_pct", std::round(quantile(v, 0.5) * 1000) / 1000},
                       {"p90_abs_error_pct", std::round(quantile(v, 0.9) * 1000) / 1000},
                       {"max_abs_error_pct", std::round(quantile(v, 1.0) * 1000) / 1000}};
  for (const auto& [metric, n] : covered)
    summary[metric]["band_coverage_pct"] =
        std::round(1000.0 * n / static_cast<double>(errors[metric].size())) / 10;
  summary["oom"] = {{"count", oom_rows}, {"agree", oom_agree}};
  return json{{"ok", true},           {"holdout", holdout},
              {"summary", summary},   {"speed_rows", speed_rows},
              {"unmapped", unmapped}, {"rows", details}};
}

}  // namespace runcheck
