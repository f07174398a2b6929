// Scoring one published speed row against the engine (calibration_scoring.h).
#include "calibration_scoring.h"

#include <algorithm>
#include <cmath>

#include "names.h"
#include "runcheck/catalog.h"
#include "runcheck/constants.h"
#include "runcheck/request.h"
#include "text_format.h"

namespace runcheck::calib {

using nlohmann::json;
using text::fmt;

// A measurement this far above its physical ceiling cannot be of the model and hardware named
// (rated bandwidth and peak tensor rate are upper bounds; 1.2 leaves room for a catalog rating
// a little under a card's real clock).
constexpr double kMislabelledOverCeiling = 1.2;
constexpr double kImplausibleDecodeShare = 0.10;

Result<Estimate> typed_estimate(const json& q) {
  auto r = read_estimate_request(q);
  if (!r.ok()) return r.error();
  return estimate(r.value());
}

SpeedRow map_speed_row(const Getter& get) {
  SpeedRow r;
  const std::string metric = get("metric"), detail = get("test_detail");
  const std::string backend_col = get("backend");
  r.st = parse_row_settings(backend_col, detail);
  const RowSettings& st = r.st;
  // A tuned or re-packaged variant ("Qwen3.6-27B-MTP-GGUF", "Qwopus3.6-27B-v2") has its base
  // model's architecture, which the row names after "base model".
  r.model = map_model(get("model"));
  if (r.model.empty() && !st.base_model.empty()) r.model = map_model(st.base_model);
  HwMatch hw = map_hardware(get("hardware"));
  // A name without its memory ("NVIDIA GeForce RTX 4060 Ti", 8 or 16 GB) with the memory the
  // benchmark tool detected (LocalScore: "detected memory 15.61 GB"): the card of that size.
  if (hw.id.empty()) {
    const size_t at = detail.find("detected memory ");
    const double gb = at == std::string::npos ? 0 : std::atof(detail.c_str() + at + 16);
    if (gb >= 1 && gb <= 1024)
      hw = map_hardware(get("hardware") + " " + std::to_string(static_cast<int>(std::ceil(gb))) +
                        "GB");
  }
  r.hardware = hw.id;
  r.ram_gib = hw.ram_gib;
  r.host = host_cpu_beside(st.host, r.hardware);  // with its RAM, where the row states it
  if (!r.host.empty() && st.host_ram_gib > 0) r.ram_gib = st.host_ram_gib;
  if (hw.cores_unknown && metric != "tg_tps")
    return r.why =
               "a Mac named without its GPU core count: its variants share one bandwidth "
               "(decode is scored) but not one compute rate",
           r;
  r.backend = map_backend(backend_col);
  r.n_dev = std::max(1, std::atoi(get("n_devices").c_str()));
  r.tg = metric == "tg_tps";
  r.ttft = metric == "ttft_s";
  const std::string sub = submitter_of(get("source_note"));
  r.source = get("source_url") + (sub.empty() ? "" : "#submitter=" + sub);
  // The data set's own flag: rows whose source_note says "treat as outlier" (the calibration
  // README: XiongjieDai's F16 prefill on A100 SXM, L40S and RTX 5000 Ada x4 is "implausibly low
  // as published: don't fit prefill to those rows"). Listed with the reason, neither fitted nor
  // scored.
  if (calib::lower(get("source_note")).find("treat as outlier") != std::string::npos)
    return r.why = "the data set marks this run an outlier (implausible as published)", r;
  if (r.model.empty()) return r.why = "model not in catalog", r;
  if (r.hardware.empty()) return r.why = "hardware not in catalog", r;
  // A processor sold with more than one memory type (a laptop chip with DDR5 or LPDDR5x): its
  // decode reads RAM at a bandwidth the row does not record.
  if (const HardwareEntry* h = builtin_catalog().hw(r.hardware);
      h && h->kind == HardwareKind::kCpu && !h->bandwidth_gb_s && metric != "pp_tps")
    return r.why = "the machine's RAM speed is not recorded and " + h->name +
                   " takes more than one memory type: its decode bandwidth is unknown",
           r;
  if (r.backend.empty()) return r.why = "backend not named", r;
  if (st.runtime.empty())
    return r.why = "runtime '" + safe_echo(st.engine) + "' is not one runcheck models", r;
  if (st.kind == RowSettings::Kind::kLengthsUnknown ||
      (r.ttft && (detail.find("prompt token count not recorded") != std::string::npos ||
                  detail.find("prompt 0 tokens") != std::string::npos)))
    return r.why = "the run's prompt and output lengths were not recorded", r;
  if (r.ttft && st.concurrency > 1)
    return r.why = "time to first token of " + std::to_string(st.concurrency) +
                   " concurrent requests is not scored",
           r;
  if (!r.tg && st.concurrency > 1)
    return r.why = "prefill of " + std::to_string(st.concurrency) +
                   " concurrent requests is not scored",
           r;
  // A length past any context a runtime loads (4,194,304 tokens, the request's own limit) is not
  // a run's: listed, not parsed into an overflowed int.
  const double ctx_tokens = std::atof(get("context_tokens").c_str());
  if (!(ctx_tokens <= (1 << 22)))
    return r.why = "context_tokens must be at most 4194304; got '" +
                   safe_echo(get("context_tokens")) + "'",
           r;
  int tokens = static_cast<int>(ctx_tokens);
  // "llama-bench pp512 @ d 2048": N tokens after D in the cache (context_tokens holds N + D),
  // scored at that depth with N as the test's length; else a harness's decode after its prompt.
  const size_t at = detail.find(" @ d ");
  const size_t t = at == std::string::npos ? at : detail.rfind(r.tg ? "tg" : "pp", at);
  if (at != std::string::npos && t != std::string::npos) {
    const int n = std::atoi(detail.c_str() + t + 2), d = std::atoi(detail.c_str() + at + 5);
    if (n > 0 && d > 0 && n + d == tokens) {
      tokens = n;
      r.depth_before = d;
    }
  }
  if (r.tg && !r.depth_before) r.depth_before = decode_depth_of(get("source_note"), detail);
  // Completion tokens over the request's wall time: the short prompt ran first.
  r.wall = r.tg && st.kind == RowSettings::Kind::kWallTime;
  if (r.wall) r.depth_before = kLlmfitPromptTokens;
  r.tokens = std::max(1, tokens);
  // A short prompt's time to first token is request handling (tokenizer, scheduler, HTTP, a
  // prefix-cache hit), which the engine does not model: neither fitted nor scored. Every TTFT
  // row is one: LocalScore's llamafile runs, timed in-process, still take 30-70 ms for a 16-token
  // prompt where its prefill and first decode step take 7-33 ms.
  if (!r.tg && (st.kind == RowSettings::Kind::kServer || r.ttft) &&
      r.tokens < static_cast<int>(kShortPromptTokens))
    return r.why = r.ttft ? "the time to first token of a " + std::to_string(r.tokens) +
                                "-token prompt is mostly per-request work runcheck does not "
                                "model (tokenizing, graph setup, a server's request handling)"
                          : "a server's prefill of " + std::to_string(r.tokens) +
                                " tokens is mostly its first decode step and request overhead",
           r;
  r.measured = std::atof(get("value").c_str());
  if (!std::isfinite(r.measured) || r.measured <= 0)
    return r.why = "value must be a positive number; got '" + safe_echo(get("value")) + "'", r;
  // The catalog's own range for a published rate (catalog/benchmarks.json value_tps), and a day
  // for a time to first token: past them a value is no run's, and printing it would be noise.
  if (r.measured > (r.ttft ? 86400.0 : 1e6))
    return r.why = std::string("value must be at most ") + (r.ttft ? "86400 s" : "1000000 tok/s") +
                   "; got '" + safe_echo(get("value")) + "'",
           r;
  r.quant = scoring_quant(get("quant"), st.runtime);
  // The run's own settings; decode at the mean depth of tgN, prefill at prompt N.
  r.request = {{"model", r.model},
               {"quant", r.quant},
               // The context the run loaded (it sets the cache), else what the test needs.
               {"context",
                std::max(st.n_ctx && *st.n_ctx > 0 ? *st.n_ctx : 2048, r.tokens + r.depth_before)},
               {"allow_long_context", true},  // the run happened at this length
               {"hardware", r.hardware + (r.n_dev > 1 ? "x" + std::to_string(r.n_dev) : "") +
                                (r.host.empty() ? "" : "," + r.host)},
               {"runtime", st.runtime},
               {"gpu_layers", st.gpu_layers.value_or(100000)},
               {"kv_type", st.kv_type.empty() ? "f16" : st.kv_type},
               {"backend", r.backend},
               {"inverse", false},
               {"depth", r.depth_before + (r.tg ? (r.tokens - 1) / 2 : 0)},
               {"prompt", r.wall ? kLlmfitPromptTokens : r.tokens}};
  // Flash attention as stated; a 2026 run that does not say gets its runtime's default
  // (llama.cpp -fa auto); the original file's llama-bench runs predate auto and ran without.
  if (st.flash_attn)
    r.request["flash_attn"] = *st.flash_attn;
  else if (!st.flash_attn_stated_unknown)
    r.request["flash_attn"] = false;
  if (st.n_cpu_moe) r.request["n_cpu_moe"] = *st.n_cpu_moe;
  if (st.ubatch) r.request["ubatch"] = *st.ubatch;
  if (st.threads) r.request["threads"] = *st.threads;
  if (st.build > 0) r.request["llamacpp_build"] = st.build;
  // A speculative run with its method named is predicted with it (MTP: the model's own heads,
  // acceptance unknown, so the band spans the published range).
  if (r.tg && st.speculative && st.spec_method == "mtp") {
    r.request["speculative"] = "mtp";
    if (st.draft_max && *st.draft_max >= 1 && *st.draft_max <= 16)
      r.request["draft_max"] = *st.draft_max;
  }
  if (st.concurrency > 1) r.request["parallel"] = st.concurrency;
  if (r.ram_gib > 0) r.request["ram_gb"] = r.ram_gib;
  // Layers and experts in system RAM read it at the machine's stated rate, not the assumed one.
  if (st.ram_gb_s > 0) r.request["ram_bandwidth_gb_s"] = st.ram_gb_s;
  return r;
}

double round_to(double v, bool seconds) {
  return std::round(v * (seconds ? 1e4 : 1e2)) / (seconds ? 1e4 : 1e2);
}

SpeedScore score_speed_row(const SpeedRow& r, const json& request) {
  SpeedScore out;
  auto est = typed_estimate(request);
  if (!est.ok()) return out.why = est.error().message, out;
  const SpeedEstimate& sp = est.value().speed;
  const RowSettings& st = r.st;
  // The run's own context does not fit as runcheck places it (a driver that spills to system
  // memory, as Vulkan can, still ran it): listed with the reason, not scored.
  if (est.value().plan.verdict == Verdict::kWillNotRun)
    return out.why =
               "at its context of " + std::to_string(request.value("context", 0)) +
               " tokens this setup does not fit as runcheck places it (" +
               (est.value().plan.reasons.empty() ? std::string("will not run")
                                                 : est.value().plan.reasons.front()) +
               "); the run went ahead, so the runtime shrank or spilled something runcheck does "
               "not model (llama.cpp's automatic fit, a driver's fallback to system memory)",
           out;
  out.quant = est.value().quant;
  if (r.ttft) {  // seconds: the prompt at the prefill rate, then the first decode step
    if (!sp.ttft_seconds) return out.why = "no ttft_seconds predicted", out;
    // Sooner than the prompt's FLOPs allow at the peak tensor rate: not this model or hardware.
    if (sp.prefill_ceiling_tps &&
        r.measured * kMislabelledOverCeiling < r.tokens / *sp.prefill_ceiling_tps)
      return out.why = "measured " + fmt("%.3f", r.measured) +
                       " s is under this prompt's time at the compute ceiling (" +
                       fmt("%.3f", r.tokens / *sp.prefill_ceiling_tps) +
                       " s): the row's model or hardware is mislabelled",
             out;
    out.pred = *sp.ttft_seconds;
    out.lo = sp.ttft_seconds_low.value_or(out.pred);
    out.hi = sp.ttft_seconds_high.value_or(out.pred);
    if (!sp.evidence.empty()) out.evidence = sp.evidence;
    out.fit_group = sp.prefill_fit_group;
    return out;
  }
  std::optional<double> figure = r.tg ? sp.decode_tps : sp.prefill_tps;
  double lo_r = 1, hi_r = 1;  // band as ratios of the figure
  if (figure) {
    lo_r = (r.tg ? sp.decode_tps_low : sp.prefill_tps_low).value_or(*figure) / *figure;
    hi_r = (r.tg ? sp.decode_tps_high : sp.prefill_tps_high).value_or(*figure) / *figure;
  }
  if (r.tg && st.speculative) {
    const auto& x = sp.speculative;
    if (!x) return out.why = "speculative run without a named method runcheck models", out;
    figure = x->decode_tps;
    lo_r = x->decode_tps_low / x->decode_tps;
    hi_r = x->decode_tps_high / x->decode_tps;
  }
  // A server's prefill rate is the prompt over the time to its first token (which includes
  // the first decode step); a wall-time rate adds that time to the output's.
  if (figure && !r.tg && st.kind == RowSettings::Kind::kServer && sp.ttft_seconds) {
    const double p = r.tokens;
    figure = p / *sp.ttft_seconds;
    lo_r = p / sp.ttft_seconds_high.value_or(*sp.ttft_seconds) / *figure;
    hi_r = p / sp.ttft_seconds_low.value_or(*sp.ttft_seconds) / *figure;
  }
  if (figure && r.wall && sp.ttft_seconds)
    figure = r.tokens / (r.tokens / *figure + *sp.ttft_seconds);
  // K requests decoding together: the aggregate (or one request's share of it).
  if (st.concurrency > 1) {
    figure.reset();
    if (sp.aggregate) {
      figure = sp.aggregate->tps * (st.aggregate ? 1.0 : 1.0 / st.concurrency);
      lo_r = sp.aggregate->low / sp.aggregate->tps;
      hi_r = sp.aggregate->high / sp.aggregate->tps;
    }
  }
  if (!figure) {
    out.unfitted = !r.tg && st.concurrency == 1 && sp.prefill_unfitted;
    return out.why = std::string("no ") + (r.tg ? "decode" : "prefill") + "_tps predicted", out;
  }
  // Faster than physics allows (above the bandwidth ceiling for one-token decode, above the
  // peak tensor rate for prefill): the row's model or hardware is mislabelled (SET_C.md:
  // fields are typed by submitters). Listed, not scored.
  const std::optional<double> ceiling = st.speculative || st.concurrency > 1 ? std::nullopt
                                        : r.tg                               ? sp.decode_ceiling_tps
                                               : sp.prefill_ceiling_tps;
  if (ceiling && r.measured > *ceiling * kMislabelledOverCeiling)
    return out.why = "measured " + fmt("%.1f", r.measured) + " tok/s is above this model's " +
                     (r.tg ? "bandwidth" : "compute") + " ceiling on this hardware (" +
                     fmt("%.1f", *ceiling) + " tok/s): the row's model or hardware is mislabelled",
           out;
  // Far slower than the bandwidth allows: a single request's decode that reaches under
  // kImplausibleDecodeShare of the ceiling at its depth is not a decode rate (its time holds the
  // prompt's prefill, as in a non-streaming request's output over wall time, or a stall). The
  // slowest plain decode runs of the calibration otherwise sit at 15 % (models under 1B, whose
  // time is per-layer overheads).
  if (ceiling && r.tg && r.measured < *ceiling * kImplausibleDecodeShare)
    return out.why = "measured " + fmt("%.1f", r.measured) + " tok/s is under " +
                     fmt("%.0f", kImplausibleDecodeShare * 100) +
                     " % of this model's bandwidth ceiling at this depth (" +
                     fmt("%.1f", *ceiling) +
                     " tok/s): not a decode rate (the time holds the prompt's prefill, or a stall)",
           out;
  out.pred = *figure;
  if (r.tg && ceiling) out.ceiling = *ceiling;
  out.lo = *figure * lo_r;
  out.hi = *figure * hi_r;
  if (!sp.evidence.empty()) out.evidence = sp.evidence;
  out.fit_group = r.tg ? sp.fit_group : sp.prefill_fit_group;
  return out;
}

// A submitter's runs of one model name on one machine (same layers offloaded): if any of their
// one-token decode rows is faster than the named model's bandwidth ceiling allows, the name is
// wrong for all of them (their prefill rows too), not only for the row that shows it.
std::string run_family(const Getter& get, const SpeedRow& m) {
  return m.source + "|" + get("model") + "|" + get("quant") + "|" + get("hardware") + "|" +
         std::to_string(m.n_dev) + "|" + std::to_string(m.st.gpu_layers.value_or(-1));
}

std::string DecodeScreen::why(const Getter& get, const SpeedRow& m, size_t i) const {
  if (auto f = mislabelled.find(run_family(get, m)); f != mislabelled.end())
    return "a run of this model name on this machine by the same submitter: " + f->second;
  if (auto f = prefill_timed.find(i); f != prefill_timed.end()) return f->second;
  return "";
}

DecodeScreen screen_decode_rows(const CsvTable& t) {
  DecodeScreen out;
  struct Run {
    size_t row;
    double depth, measured, ceiling;
  };
  std::map<std::string, std::vector<Run>> setups;  // run_family + runtime + flash attention
  for (size_t i = 1; i < t.rows.size(); ++i) {
    const Getter get = row_getter(t, i);
    if (get("metric") != "tg_tps") continue;
    const SpeedRow m = map_speed_row(get);
    if (!m.why.empty() || m.st.speculative || m.st.concurrency > 1) continue;
    const SpeedScore sc = score_speed_row(m, m.request);
    const std::string f = run_family(get, m);
    if (sc.why.find("mislabelled") != std::string::npos) {
      if (!out.mislabelled.count(f)) out.mislabelled[f] = sc.why;
    } else if (sc.why.empty() && sc.ceiling > 0) {
      const std::string fa = m.st.flash_attn ? (*m.st.flash_attn ? "on" : "off") : "default";
      setups[f + "|" + m.st.runtime + "|" + fa].push_back(
          {i, m.depth_before + (m.tokens - 1) / 2.0, m.measured, sc.ceiling});
    }
  }
  for (auto& [key, runs] : setups) {
    double d0 = runs.front().depth;
    for (const Run& r : runs) d0 = std::min(d0, r.depth);
    double t0 = 0, c0 = 0;  // mean seconds per token of the shallowest runs; their ceiling's
    int n0 = 0;
    for (const Run& r : runs) {
      if (r.depth != d0) continue;
      t0 += 1 / r.measured;
      c0 = 1 / r.ceiling;
      ++n0;
    }
    t0 /= n0;
    for (const Run& r : runs) {
      const double added = 1 / r.ceiling - c0;  // reading the added cache once
      const double slower = 1 / r.measured - t0;
      if (r.depth - d0 < kDepthScreenMinSpan || added <= 0 ||
          slower <= kImplausibleDepthSlowdown * added)
        continue;
      out.prefill_timed[r.row] =
          "decode at depth " + fmt("%.0f", r.depth) + " is " + fmt("%.1f", slower * 1e3) +
          " ms per token slower than the same setup's run at depth " + fmt("%.0f", d0) + ", " +
          fmt("%.0f", slower / added) + "x what reading the added cache costs (" +
          fmt("%.2f", added * 1e3) +
          " ms): not a decode rate (the time holds the prompt's prefill)";
    }
  }
  return out;
}

}  // namespace runcheck::calib
