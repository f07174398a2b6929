// The shared golden cases: the native core must produce each response exactly (compared as
// re-dumped, pretty-printed text).
// tests/js/module.test.mjs checks the wasm module against the same files.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "runcheck/api.h"
#include "test_util.h"

namespace runcheck {
namespace {

std::string trim_newline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

TEST(golden_test, native_core_reproduces_every_golden_response) {
  int cases = 0;
  for (const auto& [path, base] : test::golden_cases()) {
    const std::string expected_path = base + ".response.json";
    const std::string request = trim_newline(test::read_text(path));
    const std::string expected = trim_newline(test::read_text(expected_path));
    ASSERT_FALSE(expected.empty()) << "missing " << expected_path;
    // Stored pretty-printed (one field per line, `make golden`); the response is re-dumped the
    // same way, so the comparison is still exact text: every number to its last digit.
    const auto response = nlohmann::json::parse(handle_request(request));
    EXPECT_EQ(response.dump(1, ' ', false, nlohmann::json::error_handler_t::replace), expected)
        << path;
    ++cases;
  }
  EXPECT_GE(cases, 10);
}

}  // namespace
}  // namespace runcheck
