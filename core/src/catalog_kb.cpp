// The knowledge files of the catalog: the errors knowledge base (literal lines runtimes print,
// what they mean, their fixes) and the Learn glossary (terms with engine-templated examples).
#include <cctype>
#include <set>

#include "catalog_internal.h"

namespace runcheck::catalog_detail {

// The errors knowledge base: each entry's literal match string, its meaning and its fixes.
std::optional<Error> parse_errors(const std::string& file, const json& root, Catalog& cat) {
  const json* arr = top_array(root, "errors");
  if (!arr)
    return make_error("bad_catalog", "errors", file + ": top-level 'errors' array is required");
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& e = (*arr)[i];
    Ctx c{file, "errors[" + std::to_string(i) + "]"};
    if (!e.is_object()) return c.fail("entry", "must be an object");
    ErrorEntry x;
    if (auto err = entry_id(c, e, x)) return err;
    for (auto [key, out] : {std::pair<const char*, std::string*>{"runtime", &x.runtime},
                            {"category", &x.category},
                            {"match", &x.match},
                            {"example", &x.example},
                            {"meaning", &x.meaning}})
      if (auto err = need_string(c, e, key, *out)) return err;
    if (x.match.size() < 8 || x.match.size() > 120)
      return c.fail("match", "must be 8 to 120 characters (a literal part of the printed line)");
    x.example_is_constructed = e.value("example_is_constructed", false);
    if (e.contains("severity")) {
      if (!e["severity"].is_string()) return c.fail("severity", "must be error, warning or info");
      x.severity = e["severity"].get<std::string>();
      if (x.severity != "error" && x.severity != "warning" && x.severity != "info")
        return c.fail("severity", "must be error, warning or info");
    }
    if (auto err = string_list(c, e, "causes", x.causes)) return err;
    if (!e.contains("fixes") || !e["fixes"].is_array() || e["fixes"].empty())
      return c.fail("fixes", "must be a non-empty array of {text, syntax}");
    for (const auto& f : e["fixes"]) {
      if (!f.is_object() || !f.contains("text") || !f["text"].is_string())
        return c.fail("fixes", "entries need a text");
      x.fix_texts.push_back(f["text"].get<std::string>());
      x.fix_syntax.push_back(f.contains("syntax") && f["syntax"].is_string()
                                 ? f["syntax"].get<std::string>()
                                 : std::string());
    }
    if (auto err = sources(c, e, x.sources)) return err;
    cat.errors.push_back(std::move(x));
  }
  return std::nullopt;
}

namespace {
constexpr std::string_view kGlossaryCategories[] = {"hardware", "model", "format", "runtime",
                                                    "speed",    "cost",  "guide"};
constexpr size_t kGuideTableMaxRows = 16, kGuideTableMaxColumns = 6;
constexpr std::string_view kGlossaryRuntimes[] = {"llama.cpp", "ollama", "lmstudio",
                                                  "vllm",      "mlx",    "exllamav2"};
constexpr size_t kGlossaryTextMax = 2000;  // body and example texts (a few sentences)
}  // namespace

std::optional<Error> parse_glossary(const std::string& file, const json& root, Catalog& cat) {
  const json* arr = top_array(root, "glossary");
  if (!arr)
    return make_error("bad_catalog", "glossary", file + ": top-level 'glossary' array is required");
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& e = (*arr)[i];
    Ctx c{file, "glossary[" + std::to_string(i) + "]"};
    GlossaryEntry g;
    if (auto err = entry_id(c, e, g)) return err;
    if (auto err = need_string(c, e, "term", g.term)) return err;
    if (auto err = need_string(c, e, "category", g.category)) return err;
    bool known = false;
    for (auto k : kGlossaryCategories) known = known || k == g.category;
    if (!known)
      return c.fail("category", "must be hardware, model, format, runtime, speed, cost or guide");
    if (auto err = need_string(c, e, "short", g.short_text)) return err;
    if (auto err = need_string(c, e, "body", g.body, true, kGlossaryTextMax)) return err;
    if (e.contains("aliases"))
      if (auto err = string_list(c, e, "aliases", g.aliases)) return err;
    if (!e.contains("example") || !e["example"].is_object())
      return c.fail("example", "must be an object {text, request}");
    const json& ex = e["example"];
    if (auto err = need_string(c, ex, "text", g.example_text, true, kGlossaryTextMax))
      return c.fail("example.text", "is required (a string of at most 2000 characters)");
    if (!ex.contains("request") || !ex["request"].is_object())
      return c.fail("example.request", "must be the request object that opens the tool");
    g.example_request = ex["request"].dump();
    if (!e.contains("workflow") || !e["workflow"].is_object())
      return c.fail("workflow", "must be an object {runtime, text, command}");
    const json& wf = e["workflow"];
    if (need_string(c, wf, "runtime", g.workflow_runtime) ||
        need_string(c, wf, "text", g.workflow_text, true, kGlossaryTextMax) ||
        need_string(c, wf, "command", g.workflow_command))
      return c.fail("workflow", "needs runtime, text and command strings");
    known = false;
    for (auto k : kGlossaryRuntimes) known = known || k == g.workflow_runtime;
    if (!known) return c.fail("workflow.runtime", "must name a runtime runcheck knows");
    if (auto err = string_list(c, e, "related", g.related)) return err;
    if (e.contains("errors"))
      if (auto err = string_list(c, e, "errors", g.errors)) return err;
    if (auto err = sources(c, e, g.sources)) return err;
    if (e.contains("table")) {  // a guide's live table: {head: [..], rows: [[..], ..]}
      const json& t = e["table"];
      if (!t.is_object() || !t.contains("rows") || !t["rows"].is_array())
        return c.fail("table", "must be {head: [texts], rows: [[texts]]}");
      if (auto err = string_list(c, t, "head", g.table_head)) return err;
      if (g.table_head.empty() || g.table_head.size() > kGuideTableMaxColumns ||
          t["rows"].empty() || t["rows"].size() > kGuideTableMaxRows)
        return c.fail("table", "needs 1-6 columns and 1-16 rows");
      for (const json& row : t["rows"]) {
        if (!row.is_array() || row.size() != g.table_head.size())
          return c.fail("table.rows", "every row has one text per column");
        std::string joined;
        for (const json& cell : row) {
          if (!cell.is_string() || cell.get<std::string>().find('\t') != std::string::npos ||
              cell.get<std::string>().size() > kGlossaryTextMax)
            return c.fail("table.rows", "cells are texts (no tabs)");
          joined += (joined.empty() ? "" : "\t") + cell.get<std::string>();
        }
        g.table_rows.push_back(joined);
      }
    }
    cat.glossary.push_back(std::move(g));
  }
  return std::nullopt;
}

std::optional<Error> parse_downloads(const std::string& file, const json& root, Catalog& cat) {
  const json* arr = top_array(root, "downloads");
  if (!arr)
    return make_error("bad_catalog", "downloads", file + ": top-level 'downloads' is required");
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& e = (*arr)[i];
    Ctx c{file, "downloads[" + std::to_string(i) + "]"};
    DownloadEntry d;
    if (auto err = entry_id(c, e, d)) return err;
    if (auto err = need_string(c, e, "model", d.model)) return err;
    if (auto err = need_string(c, e, "runtime", d.runtime)) return err;
    if (d.runtime != "llama.cpp" && d.runtime != "ollama" && d.runtime != "mlx")
      return c.fail("runtime", "must be llama.cpp, ollama or mlx");
    if (auto err = need_string(c, e, "name", d.name)) return err;
    // A repo or tag goes into a shell command: only the characters such names have.
    for (char ch : d.name)
      if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '-' || ch == '_' ||
            ch == '.' || ch == ':'))
        return c.fail("name", "has a character no repository or tag name has");
    if (auto err = need_string(c, e, "variant", d.variant, false)) return err;
    if (auto err = need_string(c, e, "file_pattern", d.file_pattern, false)) return err;
    if (auto err = string_list(c, e, "quants", d.quants)) return err;
    if (d.quants.empty()) return c.fail("quants", "must list at least one quant");
    d.split = e.value("split", false);
    if (auto err = sources(c, e, d.sources)) return err;
    cat.downloads.push_back(std::move(d));
  }
  return std::nullopt;
}

std::optional<Error> check_glossary_links(const Catalog& cat) {
  std::set<std::string> terms, errors;
  for (const auto& g : cat.glossary) terms.insert(g.id);
  for (const auto& e : cat.errors) errors.insert(e.id);
  for (const auto& g : cat.glossary) {
    for (const auto& r : g.related)
      if (!terms.count(r))
        return make_error(
            "bad_catalog", "related",
            "catalog/glossary.json: '" + g.id + "': related names unknown term '" + r + "'");
    if (!cat.errors.empty())
      for (const auto& r : g.errors)
        if (!errors.count(r))
          return make_error("bad_catalog", "errors",
                            "catalog/glossary.json: '" + g.id +
                                "': errors names unknown errors-KB entry '" + r + "'");
  }
  return std::nullopt;
}

}  // namespace runcheck::catalog_detail
