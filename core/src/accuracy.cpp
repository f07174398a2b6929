// Runs every row of a measurements CSV (shared/calibration format) through the engine and
// scores the memory rows (model / KV / compute buffer per device) and the OOM rows.
#include "accuracy.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <map>

#include "calibration_csv.h"
#include "calibration_rows.h"
#include "calibration_scoring.h"
#include "estimate.h"
#include "names.h"
#include "runcheck/catalog.h"
#include "runcheck/constants.h"
#include "runcheck/memory.h"
#include "runcheck/request.h"
#include "text_format.h"

namespace runcheck {

using nlohmann::json;
using text::fmt;
using namespace calib;

Result<json> benchmarks_from_csv(const json& req) {
  FieldReader r(req);
  const std::string retrieved = r.string("retrieved", "2026-11-23");
  if (r.error()) return *r.error();
  auto table = read_csv_tables(req, {"source_url", "model", "quant", "context_tokens", "hardware",
                                     "n_devices", "backend", "metric", "value"});
  if (!table.ok()) return table.error();
  const auto& rows = table.value().rows;
  const DecodeScreen screen = screen_decode_rows(table.value());
  json out = json::array(), unmapped = json::array();
  for (size_t i = 1; i < rows.size(); ++i) {
    const Getter get = row_getter(table.value(), i);
    const std::string metric = get("metric");
    if (metric != "tg_tps" && metric != "pp_tps") continue;
    SpeedRow m = map_speed_row(get);
    if (m.why.empty()) m.why = screen.why(get, m, i);
    // Several tokens per step (speculative) or several requests at once are not what the plain
    // single-stream fit predicts: they stay out of the calibration.
    if (m.why.empty() && m.tg && m.st.speculative)
      m.why = "speculative decoding: not a plain decode run";
    if (m.why.empty() && m.st.concurrency > 1) m.why = "several concurrent requests";
    if (m.why.empty()) {
      const SpeedScore sc = score_speed_row(m, m.request);
      // A backend's first prefill runs have no fit to predict them: admitted unpredicted.
      m.why = sc.unfitted && m.st.kind == RowSettings::Kind::kBench ? "" : sc.why;
      m.quant = sc.quant;
    }
    if (!m.why.empty()) {
      unmapped.push_back(
          {{"row", i + 1}, {"model", get("model")}, {"hardware", get("hardware")}, {"why", m.why}});
      continue;
    }
    std::string detail = get("test_detail");
    if (detail.size() > 1000) detail = detail.substr(0, 997) + "...";
    const RowSettings& st = m.st;
    json b = {{"id", "b" + std::to_string(out.size() + 1)},
              {"model", m.model},
              {"quant", m.quant},
              {"hardware", m.hardware},
              {"n_devices", m.n_dev},
              {"backend", m.backend},
              {"metric", m.tg ? "tg" : "pp"},
              {"tokens", m.tokens},
              {"value_tps", m.measured},
              {"ram_gib", m.ram_gib > 0 ? json(m.ram_gib) : json(nullptr)},
              {"test_detail", detail},
              {"sources", json::array({{{"url", get("source_url")}, {"retrieved", retrieved}}})}};
    // The run's own settings, where they differ from the original file's llama-bench defaults.
    if (st.runtime != "llama.cpp") b["runtime"] = st.runtime;
    if (st.flash_attn)
      b["flash_attn"] = *st.flash_attn ? "on" : "off";
    else if (!st.flash_attn_stated_unknown)
      b["flash_attn"] = "off";
    if (!st.kv_type.empty() && st.kv_type != "f16") b["kv_type"] = st.kv_type;
    if (st.gpu_layers) b["gpu_layers"] = *st.gpu_layers;
    if (st.n_cpu_moe) b["n_cpu_moe"] = *st.n_cpu_moe;
    if (st.ubatch) b["ubatch"] = *st.ubatch;
    if (st.threads) b["threads"] = *st.threads;
    if (m.depth_before > 0) b["depth"] = m.depth_before;
    if (st.kind == RowSettings::Kind::kServer) b["kind"] = "server";
    if (m.wall) b["kind"] = "wall-time";
    const std::string sub = submitter_of(get("source_note"));
    if (!sub.empty()) b["submitter"] = sub;
    if (st.engine == "llamafile") b["engine"] = st.engine;
    if (!m.host.empty()) b["host"] = m.host;
    if (st.ram_gb_s > 0) b["ram_gb_s"] = st.ram_gb_s;
    if (st.build > 0) b["build"] = st.build;
    out.push_back(b);
  }
  name_rows(unmapped, table.value());
  return json{{"ok", true}, {"benchmarks", out}, {"unmapped", unmapped}};
}

Result<json> accuracy_json(const json& req) {
  FieldReader r(req);
  // Speed rows: "row" leaves each measurement out of the fit that predicts it; "hardware"
  // leaves out every measurement of that hardware (how a GPU with no measurement is predicted).
  const std::string holdout = r.string("holdout", "row");
  if (r.error()) return *r.error();
  if (holdout != "row" && holdout != "hardware" && holdout != "model" && holdout != "source" &&
      holdout != "gpu-count")
    return make_error("bad_value", "holdout",
                      "holdout must be row, hardware, model, source or gpu-count");
  auto table = read_csv_tables(
      req, {"model", "quant", "context_tokens", "hardware", "n_devices", "metric", "value"});
  if (!table.ok()) return table.error();
  const auto& rows = table.value().rows;
  auto get = [&](size_t i, const char* k) { return cell(table.value(), i, k); };

  const DecodeScreen screen = screen_decode_rows(table.value());
  json details = json::array(), unmapped = json::array();
  std::map<std::string, std::vector<double>> errors;  // metric (or "metric family") -> |error| %
  std::map<std::string, int> covered;                 // speed rows whose measurement is in the band
  std::vector<ReplicateRun> replicates;               // single-stream speed runs
  int oom_rows = 0, oom_agree = 0, speed_rows = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    const std::string metric = get(i, "metric");
    const std::string model = map_model(get(i, "model"));
    const HwMatch hw = map_hardware(get(i, "hardware"));
    const int n_dev = std::max(1, std::atoi(get(i, "n_devices").c_str()));
    if (metric == "tg_tps" || metric == "pp_tps" || metric == "ttft_s") {
      ++speed_rows;
      const Getter row = row_getter(table.value(), i);
      const SpeedRow m = map_speed_row(row);
      auto skip = [&](const std::string& why) {
        unmapped.push_back({{"row", i + 1},
                            {"model", get(i, "model")},
                            {"hardware", get(i, "hardware")},
                            {"why", why}});
      };
      if (!m.why.empty()) {
        skip(m.why);
        continue;
      }
      if (const std::string why = screen.why(row, m, i); !why.empty()) {
        skip(why);
        continue;
      }
      // The engine leaves this very measurement (or its whole group) out of its fit.
      json q = m.request;
      q["leave_out"] = {
          {"model", m.model},     {"quant", m.quant},        {"hardware", m.hardware},
          {"n_devices", m.n_dev}, {"backend", m.backend},    {"metric", m.tg ? "tg" : "pp"},
          {"tokens", m.tokens},   {"depth", m.depth_before}, {"value_tps", m.measured},
          {"source", m.source},   {"scope", holdout}};
      const SpeedScore sc = score_speed_row(m, q);
      if (!sc.why.empty()) {
        skip(sc.why);
        continue;
      }
      const RowSettings& st = m.st;
      const double err = (sc.pred - m.measured) / m.measured * 100;
      const bool inside = m.measured >= sc.lo && m.measured <= sc.hi;
      const HardwareEntry* he = builtin_catalog().hw(m.hardware);
      const std::string family = he ? hardware_family(*he) + "/" + m.backend : m.backend;
      const ModelEntry* me = builtin_catalog().model(m.model);
      // Speculative runs decode several tokens per step and concurrent runs serve K requests:
      // each is its own group, never mixed into the single-stream decode figures.
      const std::string group = st.speculative && m.tg ? metric + " speculative"
                                : st.concurrency > 1   ? metric + " concurrent"
                                                       : metric;
      auto add = [&](const std::string& g) {
        errors[g].push_back(std::fabs(err));
        covered[g] += inside;
      };
      add(group);
      if (group == metric) {
        add(metric + " " + family);
        add(metric + " runtime " + st.runtime);
        add(metric + (m.n_dev > 1 ? " multi-gpu" : " single-gpu"));
        if (me) add(metric + (me->arch.is_moe() ? " moe" : " dense"));
        const std::string setup = m.model + " " + m.quant + " on " + get(i, "hardware");
        replicates.push_back({metric, m.request.dump(), setup + " (" + st.runtime + ")", m.measured,
                              std::fabs(err)});
      }
      details.push_back({{"row", i + 1},
                         {"metric", metric},
                         {"model", m.model},
                         {"hardware", get(i, "hardware")},
                         {"runtime", st.runtime},
                         {"n_devices", m.n_dev},
                         {"moe", me ? json(me->arch.is_moe()) : json(nullptr)},
                         {"tokens", m.tokens},
                         {m.ttft ? "measured_s" : "measured_tps", m.measured},
                         {m.ttft ? "predicted_s" : "predicted_tps", round_to(sc.pred, m.ttft)},
                         {"low", round_to(sc.lo, m.ttft)},
                         {"high", round_to(sc.hi, m.ttft)},
                         {"in_band", inside},
                         {"evidence", sc.evidence ? json(*sc.evidence) : json(nullptr)},
                         {"fit_group", sc.fit_group},
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
           {"model", get(i, "model")},
           {"hardware", get(i, "hardware")},
           {"why", model.empty() ? "model not in catalog" : "hardware not in catalog"}});
      continue;
    }
    // The published runs: -ngl 99 (all layers), flash attention off, f16 KV (calibration README).
    json q = {{"model", model},
              {"quant", get(i, "quant")},
              {"context", get(i, "context_tokens")},
              {"hardware", hw.id + (n_dev > 1 ? "x" + std::to_string(n_dev) : "")},
              {"flash_attn", false},
              {"gpu_layers", 100000},
              {"kv_type", "f16"}};
    if (hw.ram_gib > 0) q["ram_gb"] = hw.ram_gib;
    auto est = typed_estimate(q);
    if (!est.ok()) {
      unmapped.push_back({{"row", i + 1},
                          {"model", get(i, "model")},
                          {"hardware", get(i, "hardware")},
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
    const double measured = std::atof(get(i, "value").c_str());
    const double err = measured > 0 ? (predicted - measured) / measured * 100 : 0;
    errors[metric].push_back(std::fabs(err));
    details.push_back({{"row", i + 1},
                       {"metric", metric},
                       {"hardware", get(i, "hardware")},
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
  summary["replicates"] = replicate_summary(replicates);
  name_rows(unmapped, table.value());
  name_rows(details, table.value());
  return json{{"ok", true},           {"holdout", holdout},
              {"summary", summary},   {"speed_rows", speed_rows},
              {"unmapped", unmapped}, {"rows", details}};
}

}  // namespace runcheck
