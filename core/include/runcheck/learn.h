// Learn: glossary text whose numbers are engine templates ("{{kv model=qwen3-32b
// context=32768}}"), rendered by the same code as the calculator (core/src/learn.cpp).
#pragma once

#include <string>
#include <vector>

namespace runcheck {

// One template resolved: the template as written, its rendered text, the number and its unit.
struct LearnValue {
  std::string templ, text;
  double number = 0;
  std::string unit;
};

// Replaces every {{template}} in `text` with its engine result; each resolved one is appended to
// `values`, each one that cannot resolve (unknown name or key, missing key, unknown id, no such
// figure for that setup) to `unresolved` with the reason, and renders as an em dash.
std::string render_learn_text(const std::string& text, std::vector<LearnValue>& values,
                              std::vector<std::string>& unresolved);

// Numbers typed in prose with a unit the engine computes ("14 GB", "50 tok/s", "32K context"):
// what the glossary lint refuses. Templates and `code spans` are not prose.
std::vector<std::string> learn_prose_numbers(const std::string& text);

}  // namespace runcheck
