// `make bench`: how long one estimate takes in the native core. Prints numbers; asserts nothing
// (timing belongs in a benchmark, not a test). Two figures per request:
//   verdict  - the request with "inverse": false: JSON in and out, the model's weights tensor by
//              tensor, the placement and the verdict for the machine, the commands;
//   full     - the whole `estimate` request through handle_request, as the page and the CLI
//              call it: JSON in and out, the verdict, plus max context (binary search), best
//              quantization and smallest catalog hardware (each a series of further plans).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "runcheck/api.h"
#include "runcheck/catalog.h"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

// Median of `rounds` timings of `reps` calls each, in microseconds per call.
template <class F>
double median_us(F&& f, int reps, int rounds = 7) {
  std::vector<double> t;
  for (int r = 0; r < rounds; ++r) {
    const auto a = Clock::now();
    for (int i = 0; i < reps; ++i) f();
    const auto b = Clock::now();
    t.push_back(std::chrono::duration<double, std::micro>(b - a).count() / reps);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

volatile size_t g_sink = 0;
void sink_size(const std::string& s) { g_sink = g_sink + s.size(); }

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "tests/bench/requests.json";
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "bench: cannot read %s\n", path.c_str());
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const json cases = json::parse(ss.str());
  // Cold start, phase by phase, as the page's first verdict needs it (first calls in a process).
  const char* cold_steps[][2] = {
      {"catalog picker listing", R"({"command":"catalog","brief":true})"},
      {"options", R"({"command":"options"})"},
      {"first estimate (default page request)",
       R"({"command":"estimate","model":"llama-3.1-8b","quant":"Q4_K_M","context":8192,"hardware":"rtx-4060-ti-16gb"})"},
      {"second estimate (same request, warm)",
       R"({"command":"estimate","model":"llama-3.1-8b","quant":"Q4_K_M","context":8192,"hardware":"rtx-4060-ti-16gb"})"}};
  std::printf("native cold start, first calls in this process:\n");
  json cold = json::array();
  {
    const auto a = Clock::now();
    g_sink = g_sink + runcheck::builtin_catalog().models.size();
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - a).count();
    std::printf("  %-53s %9.2f ms\n", "compiled-in catalog ready", ms);
    cold.push_back({{"what", "compiled-in catalog ready"}, {"ms", ms}});
  }
  for (const auto& step : cold_steps) {
    const auto a = Clock::now();
    sink_size(runcheck::handle_request(step[1]));
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - a).count();
    std::printf("  %-53s %9.2f ms\n", step[0], ms);
    cold.push_back({{"what", step[0]}, {"ms", ms}});
  }
  json out = json::array();
  std::printf("%-55s %12s %12s\n", "native core, per request", "verdict us", "full us");
  for (const auto& c : cases) {
    json full = c["request"];
    full["command"] = "estimate";
    json verdict = full;
    verdict["inverse"] = false;  // skip max context / best quant / smallest hardware
    const std::string fs = full.dump(), vs = verdict.dump();
    volatile size_t sink = 0;
    const double v = median_us([&] { sink += runcheck::handle_request(vs).size(); }, 200);
    const double f = median_us([&] { sink += runcheck::handle_request(fs).size(); }, 5);
    std::printf("%-55s %12.1f %12.1f\n", c["what"].get<std::string>().c_str(), v, f);
    out.push_back({{"what", c["what"]}, {"verdict_us", v}, {"full_us", f}});
  }
  // The catalog sweep: every model x hardware x 3 quants x 4 contexts, verdicts only. The first
  // call computes each model's weights (then memoised); the rest are warm.
  const std::string sweep = R"({"command":"sweep"})";
  const auto c0 = Clock::now();
  const json first = json::parse(runcheck::handle_request(sweep));
  const double cold_ms = std::chrono::duration<double, std::milli>(Clock::now() - c0).count();
  const double warm_ms = median_us([&] { sink_size(runcheck::handle_request(sweep)); }, 3) / 1000;
  std::printf(
      "sweep: %zu cells (%zu models x %zu hardware x 3 quants x 4 contexts): first %.1f ms, warm "
      "%.1f ms\n",
      first["cells"].get<size_t>(), first["models"].size(), first["hardware"].size(), cold_ms,
      warm_ms);
  json doc = {{"cold_start", cold},
              {"requests", out},
              {"sweep", {{"cells", first["cells"]}, {"first_ms", cold_ms}, {"warm_ms", warm_ms}}}};
  std::ofstream("build/bench-native.json") << doc.dump(1) << "\n";
  return 0;
}
