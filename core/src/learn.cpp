// Learn: the glossary (catalog/glossary.json) rendered through the engine. An entry's numbers
// are templates, "{{weights model=llama-3.1-8b quant=F16}}", each resolved by the same code the
// calculator runs (weights, KV, estimate, cost, catalog facts) and rendered with its unit, so an
// explanation can never disagree with the tool. A template that cannot resolve renders as "—"
// and is listed under `unresolved` (the glossary test fails on any).
#include "runcheck/learn.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "decide.h"
#include "estimate.h"
#include "learn_internal.h"
#include "runcheck/catalog.h"
#include "runcheck/memory.h"
#include "runcheck/request.h"
#include "runcheck/weights.h"

namespace runcheck {
namespace {
using nlohmann::json;
using namespace learn_detail;  // NOLINT: the template table and resolver
}  // namespace

std::string render_learn_text(const std::string& text, std::vector<LearnValue>& values,
                              std::vector<std::string>& unresolved) {
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find("{{", at);
    if (open == std::string::npos) {
      out += text.substr(at);
      break;
    }
    out += text.substr(at, open - at);
    const size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) {
      unresolved.push_back("unclosed template: " + text.substr(open, 40));
      out += text.substr(open);
      break;
    }
    const std::string inner = text.substr(open + 2, close - open - 2);
    at = close + 2;
    std::vector<std::string> words = split_text(inner, ' ');
    const std::string name = words.empty() ? "" : words[0];
    const TemplateSpec* spec = nullptr;
    for (const auto& s : specs())
      if (name == s.name) spec = &s;
    Args args;
    std::string problem;
    if (!spec) problem = "unknown template '" + name + "'";
    for (size_t i = 1; i < words.size() && problem.empty(); ++i) {
      const size_t eq = words[i].find('=');
      if (eq == std::string::npos || eq == 0) {
        problem = "'" + words[i] + "' is not key=value";
        break;
      }
      const std::string k = words[i].substr(0, eq);
      bool known = false;
      for (auto r : spec->required) known = known || r == k;
      for (auto r : spec->optional) known = known || r == k;
      if (!known) problem = name + ": unknown key '" + k + "'";
      args[k] = words[i].substr(eq + 1);
    }
    if (problem.empty())
      for (auto r : spec->required)
        if (!args.count(std::string(r))) problem = name + ": missing " + std::string(r);
    if (problem.empty()) {
      auto v = resolve(name, args);
      if (v.ok()) {
        out += v.value().text;
        values.push_back({"{{" + inner + "}}", v.value().text, v.value().number, v.value().unit});
        continue;
      }
      problem = "{{" + inner + "}}: " + v.error().message;
    }
    unresolved.push_back(problem);
    out += "\u2014";
  }
  return out;
}

std::vector<std::string> learn_prose_numbers(const std::string& text) {
  // Quantities the engine computes, typed by hand: a number followed by one of these units.
  static const char* kUnits[] = {
      "GB",        "GiB",       "MB",       "MiB",      "TB",
      "KiB",       "tok/s",     "t/s",      "tokens/s", "bits per weight",
      "bpw",       "GB/s",      "TB/s",     "B param",  "billion",
      "K context", "k context", "K tokens", "k tokens"};
  std::vector<std::string> found;
  std::string plain;
  // Templates and `code` are not prose.
  bool code = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "{{") == 0) {
      const size_t c = text.find("}}", i);
      if (c == std::string::npos) break;
      i = c + 1;
      plain += ' ';
      continue;
    }
    if (text[i] == '`') {
      code = !code;
      continue;
    }
    if (!code) plain += text[i];
  }
  for (size_t i = 0; i < plain.size(); ++i) {
    if (!(plain[i] >= '0' && plain[i] <= '9')) continue;
    // Part of a name (EXL2-4.0bpw, Q4_K_M, v0.3): not a quantity.
    if (i && (std::isalnum(static_cast<unsigned char>(plain[i - 1])) || plain[i - 1] == '-' ||
              plain[i - 1] == '_' || plain[i - 1] == '.'))
      continue;
    size_t j = i;
    while (j < plain.size() &&
           ((plain[j] >= '0' && plain[j] <= '9') || plain[j] == '.' || plain[j] == ','))
      ++j;
    size_t k = j;
    while (k < plain.size() && plain[k] == ' ') ++k;
    for (const char* u : kUnits) {
      const std::string us(u);
      if (plain.compare(k, us.size(), us) == 0) {
        found.push_back(plain.substr(i, k + us.size() - i));
        break;
      }
    }
    i = j;
  }
  return found;
}

namespace {
// A guide table's row: its cells, joined by tabs in the catalog.
std::vector<std::string> split_cells(const std::string& row) {
  std::vector<std::string> cells;
  size_t start = 0;
  for (size_t tab; (tab = row.find('\t', start)) != std::string::npos; start = tab + 1)
    cells.push_back(row.substr(start, tab - start));
  cells.push_back(row.substr(start));
  return cells;
}
}  // namespace

Result<json> learn_json(const json& req) {
  if (auto e = check_fields(req, {"command", "term"})) return *e;
  const Catalog& cat = builtin_catalog();
  if (!req.contains("term")) {
    json list = json::array();
    for (const auto& g : cat.glossary)
      list.push_back({{"id", g.id},
                      {"term", g.term},
                      {"category", g.category},
                      {"short", g.short_text},
                      {"aliases", g.aliases}});
    return json{{"ok", true}, {"terms", list}};
  }
  if (!req["term"].is_string()) return make_error("bad_type", "term", "term must be a string");
  const std::string want = req["term"].get<std::string>();
  const GlossaryEntry* g = nullptr;
  for (const auto& x : cat.glossary) {
    if (x.id == want) g = &x;
    for (const auto& al : x.aliases)
      if (!g && al == want) g = &x;
    if (!g && x.term == want) g = &x;
  }
  if (!g)
    return make_error("unknown_id", "term",
                      "no glossary entry '" + safe_echo(want) + "' (see: runcheck explain)");
  std::vector<LearnValue> values;
  std::vector<std::string> unresolved;
  json related = json::array(), errors = json::array(), sources = json::array();
  for (const auto& r : g->related)
    for (const auto& x : cat.glossary)
      if (x.id == r) related.push_back({{"id", x.id}, {"term", x.term}});
  for (const auto& r : g->errors)
    for (const auto& x : cat.errors)
      if (x.id == r) errors.push_back({{"id", x.id}, {"match", x.match}, {"runtime", x.runtime}});
  for (const auto& s : g->sources) sources.push_back({{"url", s.url}, {"retrieved", s.retrieved}});
  json out = {{"ok", true},
              {"id", g->id},
              {"term", g->term},
              {"aliases", g->aliases},
              {"category", g->category},
              {"short", g->short_text},
              {"body", render_learn_text(g->body, values, unresolved)},
              {"example",
               {{"text", render_learn_text(g->example_text, values, unresolved)},
                {"request", json::parse(g->example_request, nullptr, false)}}},
              {"workflow",
               {{"runtime", g->workflow_runtime},
                {"text", render_learn_text(g->workflow_text, values, unresolved)},
                {"command", render_learn_text(g->workflow_command, values, unresolved)}}},
              {"related", related},
              {"errors", errors},
              {"sources", sources}};
  if (!g->table_head.empty()) {
    json rows = json::array();
    for (const auto& r : g->table_rows) {
      json cells = json::array();
      for (const auto& cell : split_cells(r))
        cells.push_back(render_learn_text(cell, values, unresolved));
      rows.push_back(cells);
    }
    out["table"] = {{"head", g->table_head}, {"rows", rows}};
  }
  json vals = json::array();
  for (const auto& v : values)
    vals.push_back(
        {{"template", v.templ}, {"text", v.text}, {"value", v.number}, {"unit", v.unit}});
  out["values"] = vals;
  out["unresolved"] = unresolved;
  return out;
}

}  // namespace runcheck
