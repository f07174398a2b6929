// Shared helpers for the core tests.
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "runcheck/catalog.h"

namespace runcheck::test {

constexpr uint64_t kMiB = 1024 * 1024;

// The steering repo's shared/ folder (third-party fixtures and calibration data), or "" when the
// checkout has none next to it: tests that read it skip with a message (CMake refuses a CI build
// without it).
inline std::string shared_dir() { return RUNCHECK_SHARED_DIR; }
inline bool have_shared() { return !shared_dir().empty(); }
inline std::string source_dir() { return RUNCHECK_SOURCE_DIR; }

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
