// Runs every row of a measurements CSV (shared/calibration format) through the engine and
// scores the memory rows (model / KV / compute buffer per device) and the OOM rows.
#include "accuracy.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "calibration_rows.h"
#include "estimate.h"
#include "names.h"
#include "runcheck/catalog.h"
#include "runcheck/memory.h"
#include "runcheck/request.h"
#include "text_format.h"

namespace runcheck {
namespace {

using nlohmann::json;
using text::fmt;

// A measurement this far above its physical ceiling cannot be of the model and hardware named
// (rated bandwidth and peak tensor rate are upper bounds; 1.2 leaves room for a catalog rating
// a little under a card's real clock).
constexpr double kMislabelledOverCeiling = 1.2;

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
      const std::string detail = col.count("test_detail") ? get(row, "test_detail") : "";
      const std::string backend_col = col.count("backend") ? get(row, "backend") : "";
      const RowSettings st = parse_row_settings(backend_col, detail);
      // A tuned or re-packaged variant ("Qwen3.6-27B-MTP-GGUF", "Qwopus3.6-27B-v2") has its base
      // model's architecture, which the row names after "base model".
      std::string mid = model;
      if (mid.empty() && !st.base_model.empty()) mid = map_model(st.base_model);
      const std::string backend = map_backend(backend_col);
      auto skip = [&](const std::string& why) {
        unmapped.push_back({{"row", i + 1},
                            {"model", get(row, "model")},
                            {"hardware", get(row, "hardware")},
                            {"why", why}});
      };
      if (mid.empty() || hw.id.empty() || backend.empty()) {
        skip(mid.empty()     ? "model not in catalog"
             : hw.id.empty() ? "hardware not in catalog"
                             : "backend not named");
        continue;
      }
      if (st.runtime.empty()) {
        skip("runtime '" + safe_echo(st.engine) + "' is not one runcheck models");
        continue;
      }
      const bool tg = metric == "tg_tps";
      if (st.kind == RowSettings::Kind::kLengthsUnknown) {
        skip("the run's prompt and output lengths were not recorded");
        continue;
      }
      if (!tg && st.concurrency > 1) {
        skip("prefill of " + std::to_string(st.concurrency) + " concurrent requests is not scored");
        continue;
      }
      int tokens = std::atoi(get(row, "context_tokens").c_str());
      // "llama-bench pp512 @ d 2048": N tokens after D already in the cache (context_tokens then
      // holds N + D). Scored at that depth, with N as the test's length.
      int depth_before = 0;
      {
        const size_t at = detail.find(" @ d ");
        const size_t t = at == std::string::npos ? at : detail.rfind(tg ? "tg" : "pp", at);
        if (at != std::string::npos && t != std::string::npos) {
          const int n = std::atoi(detail.c_str() + t + 2), d = std::atoi(detail.c_str() + at + 5);
          if (n > 0 && d > 0 && n + d == tokens) {
            tokens = n;
            depth_before = d;
          }
        }
      }
      // Completion tokens over the request's wall time: the short prompt ran first.
      const bool wall = tg && st.kind == RowSettings::Kind::kWallTime;
      if (wall) depth_before = kLlmfitPromptTokens;
      const double measured = std::atof(get(row, "value").c_str());
      const std::string quant = scoring_quant(get(row, "quant"), st.runtime);
      // The run's own settings (calibration_rows.h); decode at the mean depth of tgN, prefill at
      // prompt N. The engine leaves this very measurement (or its whole group) out of its fit.
      json q = {{"model", mid},
                {"quant", quant},
                {"context", std::max(2048, tokens + depth_before)},
                {"allow_long_context", true},  // the run happened at this length
                {"hardware", hw.id + (n_dev > 1 ? "x" + std::to_string(n_dev) : "")},
                {"runtime", st.runtime},
                {"gpu_layers", st.gpu_layers.value_or(100000)},
                {"kv_type", st.kv_type.empty() ? "f16" : st.kv_type},
                {"backend", backend},
                {"inverse", false},
                {"depth", depth_before + (tg ? (tokens - 1) / 2 : 0)},
                {"prompt", std::max(1, wall ? kLlmfitPromptTokens : tokens)},
                {"leave_out",
                 {{"model", mid},
                  {"quant", quant},
                  {"hardware", hw.id},
                  {"n_devices", n_dev},
                  {"backend", backend},
                  {"metric", tg ? "tg" : "pp"},
                  {"tokens", tokens},
                  {"value_tps", measured},
                  {"source", get(row, "source_url")},
                  {"scope", holdout}}}};
      // Flash attention as stated; a 2026 run that does not say gets its runtime's default
      // (llama.cpp -fa auto); the original file's llama-bench runs predate auto and ran without.
      if (st.flash_attn)
        q["flash_attn"] = *st.flash_attn;
      else if (!st.flash_attn_stated_unknown)
        q["flash_attn"] = false;
      if (st.n_cpu_moe) q["n_cpu_moe"] = *st.n_cpu_moe;
      if (st.ubatch) q["ubatch"] = *st.ubatch;
      if (st.concurrency > 1) q["parallel"] = st.concurrency;
      if (hw.ram_gib > 0) q["ram_gb"] = hw.ram_gib;
      auto est = typed_estimate(q);
      if (!est.ok()) {
        skip(est.error().message);
        continue;
      }
      const SpeedEstimate& sp = est.value().speed;
      const char* k = tg ? "decode_tps" : "prefill_tps";
      std::optional<double> figure = tg ? sp.decode_tps : sp.prefill_tps;
      double lo_r = 1, hi_r = 1;  // band as ratios of the figure
      if (figure) {
        lo_r = (tg ? sp.decode_tps_low : sp.prefill_tps_low).value_or(*figure) / *figure;
        hi_r = (tg ? sp.decode_tps_high : sp.prefill_tps_high).value_or(*figure) / *figure;
      }
      // A server's prefill rate is the prompt over the time to its first token (which includes
      // the first decode step); a wall-time rate adds that time to the output's.
      if (figure && !tg && st.kind == RowSettings::Kind::kServer && sp.ttft_seconds) {
        const double p = std::max(1, tokens);
        figure = p / *sp.ttft_seconds;
        lo_r = p / sp.ttft_seconds_high.value_or(*sp.ttft_seconds) / *figure;
        hi_r = p / sp.ttft_seconds_low.value_or(*sp.ttft_seconds) / *figure;
      }
      if (figure && wall && sp.ttft_seconds) {
        const double out = std::max(1, tokens), t = out / *figure + *sp.ttft_seconds;
        figure = out / t;
      }
      // K requests decoding together: the aggregate (or one request's share of it).
      if (st.concurrency > 1) {
        figure.reset();
        if (sp.aggregate) {
          const double per = st.aggregate ? 1.0 : 1.0 / st.concurrency;
          figure = sp.aggregate->tps * per;
          lo_r = sp.aggregate->low / sp.aggregate->tps;
          hi_r = sp.aggregate->high / sp.aggregate->tps;
        }
      }
      if (!figure) {
        skip("no " + std::string(k) + " predicted");
        continue;
      }
      // Faster than physics allows (above the bandwidth ceiling for one-token decode, above the
      // peak tensor rate for prefill): the row's model or hardware is mislabelled (SET_C.md:
      // fields are typed by submitters). Listed, not scored.
      const std::optional<double> ceiling = st.speculative || st.concurrency > 1 ? std::nullopt
                                            : tg ? sp.decode_ceiling_tps
                                                 : sp.prefill_ceiling_tps;
      if (ceiling && measured > *ceiling * kMislabelledOverCeiling) {
        skip("measured " + fmt("%.1f", measured) + " tok/s is above this model's " +
             (tg ? "bandwidth" : "compute") + " ceiling on this hardware (" +
             fmt("%.1f", *ceiling) + " tok/s): the row's model or hardware is mislabelled");
        continue;
      }
      const double pred = *figure, lo = pred * lo_r, hi = pred * hi_r;
      const double err = (pred - measured) / measured * 100;
      const bool inside = measured >= lo && measured <= hi;
      const HardwareEntry* he = builtin_catalog().hw(hw.id);
      const std::string family =
          he ? (he->kind == HardwareKind::kApple ? "apple" : he->vendor) + "/" + backend : backend;
      const ModelEntry* me = builtin_catalog().model(mid);
      // Speculative runs decode several tokens per step and concurrent runs serve K requests:
      // each is its own group, never mixed into the single-stream decode figures.
      const std::string group = st.speculative       ? metric + " speculative"
                                : st.concurrency > 1 ? metric + " concurrent"
                                                     : metric;
      auto add = [&](const std::string& g) {
        errors[g].push_back(std::fabs(err));
        covered[g] += inside;
      };
      add(group);
      if (group == metric) {
        add(metric + " " + family);
        add(metric + " runtime " + st.runtime);
        add(metric + (n_dev > 1 ? " multi-gpu" : " single-gpu"));
        if (me) add(metric + (me->arch.is_moe() ? " moe" : " dense"));
      }
      details.push_back({{"row", i + 1},
                         {"metric", metric},
                         {"model", mid},
                         {"hardware", get(row, "hardware")},
                         {"runtime", st.runtime},
                         {"tokens", tokens},
                         {"measured_tps", measured},
                         {"predicted_tps", std::round(pred * 100) / 100},
                         {"low", std::round(lo * 100) / 100},
                         {"high", std::round(hi * 100) / 100},
                         {"in_band", inside},
                         {"evidence", sp.evidence.empty() ? json(nullptr) : json(sp.evidence)},
                         {"speculative", st.speculative},
                         {"concurrency", st.concurrency},
                         {"kind", st.kind == RowSettings::Kind::kServer     ? "server"
                                  : st.kind == RowSettings::Kind::kWallTime ? "wall-time"
                                                                            : "bench"},
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
