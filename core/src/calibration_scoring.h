// Scoring one published speed row (calibration CSV) against the engine: the row mapped to
// catalog ids and the request that reproduces it, the engine's figure with its band, and the
// screens that keep runs which are not what they say out of fits and scores (a model name the
// bandwidth rules out). Native only, with the accuracy scorer and `make benchmarks`.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "calibration_csv.h"
#include "calibration_rows.h"
#include "estimate.h"
#include "runcheck/result.h"

namespace runcheck::calib {

// A scoring request (JSON, as the rows are read) through the typed engine.
Result<Estimate> typed_estimate(const nlohmann::json& q);

// One speed row of a calibration CSV, mapped to catalog ids and the request that reproduces it.
struct SpeedRow {
  std::string why;  // not empty: the row cannot be scored, and why
  RowSettings st;
  std::string model, hardware, backend, quant, source;
  std::string host;  // the catalog CPU beside the GPU (RowSettings::host), "" when not named
  int n_dev = 1, tokens = 0, depth_before = 0;
  double ram_gib = 0;  // a Mac's memory from its name
  bool tg = true, wall = false;
  bool ttft = false;  // a time to first token (seconds), not a rate
  double measured = 0;
  nlohmann::json request;
};

SpeedRow map_speed_row(const Getter& get);

// A figure as the report prints it: rates to 0.01 tok/s, times to 0.1 ms.
double round_to(double v, bool seconds);

// The engine's figure for what the row measured, with its band; `why` when there is none.
struct SpeedScore {
  std::string why;
  double pred = 0, lo = 0, hi = 0;
  std::optional<std::string> evidence;
  std::string fit_group;  // the fit the figure rests on (decode's or prefill's)
  std::string quant;      // the catalog's name of the row's quantization ("MXFP4" -> "MXFP4_MOE")
  bool unfitted = false;  // a prefill run of a backend with no prefill runs yet (see engine.h)
  double ceiling = 0;     // plain decode: the bandwidth ceiling at the run's depth (tok/s), else 0
};

SpeedScore score_speed_row(const SpeedRow& r, const nlohmann::json& request);

// A submitter's runs of one model name on one machine (same quant, devices, layers offloaded).
std::string run_family(const Getter& get, const SpeedRow& m);

// A submitter's decode runs that slow with depth this many times more than reading the added
// cache once at rated bandwidth costs are not decode rates: their time holds the prompt's
// prefill (a harness timing output tokens over the whole request). The cost of the added cache
// is a lower bound on the slowdown, and genuine runs exceed it: without flash attention every
// query head sharing a KV head reads it again, and a small model reaches a low share of the
// bandwidth. The calibration's steepest genuine sweeps (LocalScore's Llama 3.2 1B without flash
// attention, 4 query heads per KV head) slow 17x the single read; one submitter's vLLM runs of
// Qwen3.6-35B-A3B on an RTX 5090 after 10,000-120,000-token prompts slow 30-40x, and under it
// 300 tok/s at a 32-token prompt fall to 8.9 tok/s at 120,000, where reading that cache takes
// 1.4 ms of the 112 ms per token. The bound sits between the two (their geometric mean, 22.7).
inline constexpr double kImplausibleDepthSlowdown = 22;
// Depths closer to the family's shallowest than this leave the added cache's cost too small to
// compare against (rounding in the published rates would dominate).
inline constexpr double kDepthScreenMinSpan = 1024;

// What the screens keep out of fits and scores, found over the whole table first.
struct DecodeScreen {
  // Families (run_family) with a one-token decode row faster than the named model's bandwidth
  // ceiling allows: the name is wrong for all their rows (prefill too), not only for that one.
  // family -> the row's reason.
  std::map<std::string, std::string> mislabelled;
  // Decode rows whose slowdown with depth against the same submitter's shallowest run of the same
  // setup (run_family, runtime, flash attention) passes kImplausibleDepthSlowdown: row -> why.
  std::map<size_t, std::string> prefill_timed;
  // Why row `i` (mapped as `m`) is screened out; "" when it is not.
  std::string why(const Getter& get, const SpeedRow& m, size_t i) const;
};
DecodeScreen screen_decode_rows(const CsvTable& t);

}  // namespace runcheck::calib
