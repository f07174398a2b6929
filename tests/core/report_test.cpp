// The CLI's human output, pinned as exact text: for every golden request with a text form, the
// report of the core's response equals tests/golden/NAME.txt (`make golden` writes them with
// `runcheck raw --text`), and every line fits 80 columns.
#include "report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "completion.h"
#include "runcheck/api.h"
#include "runcheck/catalog.h"
#include "test_util.h"

namespace runcheck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

size_t columns(const std::string& line) {  // UTF-8 code points
  size_t n = 0;
  for (unsigned char c : line) n += (c & 0xC0) != 0x80;
  return n;
}

TEST(report_test, human_output_matches_the_golden_text_and_fits_80_columns) {
  int cases = 0;
  for (const auto& [path, base] : test::golden_cases()) {
    const std::string txt = base + ".txt";
    const json req = json::parse(test::read_text(path), nullptr, false);
    const std::string text =
        report::render(req.is_object() ? req.value("command", "estimate") : "",
                       json::parse(handle_request(test::read_text(path))), false);
    if (!fs::exists(txt)) {
      EXPECT_TRUE(text.empty()) << path << " has a text form but no " << txt;
      continue;
    }
    EXPECT_EQ(text, test::read_text(txt)) << txt;
    std::istringstream lines(text);
    std::string line;
    bool in_commands = false;  // launch commands and source URLs are never wrapped: they paste
    while (std::getline(lines, line)) {  // as printed
      if (!line.empty() && line[0] != ' ')
        in_commands = line == "Commands" || line == "Downloads" || line == "Sources";
      if (!(in_commands && line.rfind("    ", 0) == 0)) {
        EXPECT_LE(columns(line), 80u) << txt << ": " << line;
      }
    }
    ++cases;
  }
  EXPECT_GE(cases, 8);
}

TEST(report_test, colour_marks_the_verdict_only_when_asked) {
  const json r =
      json::parse(handle_request(json{{"model", "llama-3.1-8b"}, {"hardware", "rtx-4090"}}.dump()));
  const std::string plain = report::render("estimate", r, false),
                    coloured = report::render("estimate", r, true);
  EXPECT_NE(plain.find("Verdict: COMFORTABLE\n"), std::string::npos) << plain;
  EXPECT_NE(coloured.find("Verdict: \x1b[1;32mCOMFORTABLE\x1b[0m\n"), std::string::npos);
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace runcheck

namespace runcheck {
namespace {

TEST(report_test, completion_lists_every_request_flag_and_catalog_id) {
  const std::string s = cli::completion_script("bash", {"estimate", "recommend"});
  // A word of a compgen list: between spaces or the list's quotes.
  const auto listed = [&](const std::string& w) {
    for (const char* a : {" ", "\""})
      for (const char* b : {" ", "\""})
        if (s.find(a + w + b) != std::string::npos) return true;
    return false;
  };
  const auto opt = nlohmann::json::parse(handle_request(R"({"command":"options"})"));
  for (const auto& f : opt["estimate_fields"]) {
    std::string flag = "--" + f.get<std::string>();
    for (char& c : flag)
      if (c == '_') c = '-';
    if (flag == "--command" || flag == "--leave-out") continue;
    EXPECT_TRUE(listed(flag)) << flag;
  }
  for (const auto& m : builtin_catalog().models) EXPECT_TRUE(listed(m.id)) << m.id;
  EXPECT_NE(s.find("complete -F _runcheck runcheck"), std::string::npos);
  EXPECT_EQ(cli::completion_script("zsh", {}).rfind("autoload -U +X bashcompinit", 0), 0u);
}

}  // namespace
}  // namespace runcheck

namespace runcheck {
namespace {

// A fix is printed in the log's own runtime: an Ollama log (ollama/ollama issue, 64k context on
// a 12 GB card) gets Ollama's server environment, not a llama-server line.
TEST(report_test, diagnose_prints_fixes_in_the_logs_runtime) {
  RUNCHECK_NEEDS_SHARED();
  const std::string log = test::read_text(test::shared_dir() +
                                          "/fixtures/logs/ollama_cuda_win_llama3-8b-64k_c65536_"
                                          "oom-compute.log");
  const nlohmann::json r = nlohmann::json::parse(
      handle_diagnose(log, R"({"model":"llama-3-8b","quant":"Q4_0","hardware":"rtx-3060-12gb"})"));
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  ASSERT_FALSE(r["fixes"].empty());
  EXPECT_EQ(r["request"]["runtime"], "ollama");
  const std::string text = report::render("diagnose", r, false);
  const std::string first = r["fixes"][0]["commands"]["ollama"].get<std::string>();
  EXPECT_NE(text.find(first), std::string::npos) << text;
  EXPECT_EQ(text.find("llama-server -hf"), std::string::npos) << text;
}

}  // namespace
}  // namespace runcheck
