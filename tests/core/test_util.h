// Shared helpers for the core tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "runcheck/api.h"
#include "runcheck/catalog.h"
#include "runcheck/memory.h"

namespace runcheck::test {

constexpr uint64_t kMiB = 1024 * 1024;

// A model's KV cache and recurrent state summed over its layers (and how many layers hold any).
template <class PerLayer>
uint64_t sum_layers(const ModelArch& m, PerLayer bytes, uint32_t* layers) {
  uint64_t sum = 0;
  uint32_t n = 0;
  for (uint32_t il = 0; il < m.block_count; ++il) {
    const uint64_t b = bytes(il);
    sum += b;
    n += b > 0;
  }
  if (layers) *layers = n;
  return sum;
}
inline uint64_t total_kv(const ModelArch& m, const KvOptions& o, uint32_t* layers = nullptr) {
  return sum_layers(
      m, [&](uint32_t il) { return kv_layer_bytes(m, il, o); }, layers);
}
inline uint64_t total_recurrent(const ModelArch& m, const KvOptions& o,
                                uint32_t* layers = nullptr) {
  return sum_layers(
      m, [&](uint32_t il) { return recurrent_layer_bytes(m, il, o); }, layers);
}

// The steering repo's shared/ folder (third-party fixtures and calibration data), or "" when the
// checkout has none next to it: tests that read it skip with a message (CMake refuses a CI build
// without it).
inline std::string shared_dir() { return RUNCHECK_SHARED_DIR; }
inline bool have_shared() { return !shared_dir().empty(); }
inline std::string source_dir() { return RUNCHECK_SOURCE_DIR; }

// An estimate through the JSON API without the inverse answers: the whole response.
inline nlohmann::json estimate_response(nlohmann::json req) {
  req["command"] = "estimate";
  req["inverse"] = false;
  return nlohmann::json::parse(handle_request(req.dump()));
}

inline std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline nlohmann::json read_json(const std::string& path) {
  return nlohmann::json::parse(read_text(path));
}

// The golden cases: each tests/golden/NAME.request.json as {request path, path without the
// ".request.json" suffix}.
inline std::vector<std::pair<std::string, std::string>> golden_cases() {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string suffix = ".request.json";
  for (const auto& e : std::filesystem::directory_iterator(source_dir() + "/tests/golden")) {
    const std::string p = e.path().string();
    if (p.size() > suffix.size() && p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0)
      out.push_back({p, p.substr(0, p.size() - suffix.size())});
  }
  return out;
}

}  // namespace runcheck::test

// First statement of a test that reads ../shared.
#define RUNCHECK_NEEDS_SHARED()         \
  if (!::runcheck::test::have_shared()) \
  GTEST_SKIP() << "../shared (fixtures, calibration) not found next to the checkout: skipped"
