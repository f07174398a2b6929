// The catalog loader's shared field readers (catalog.cpp) and the knowledge files read with them
// (catalog_kb.cpp: the errors knowledge base and the glossary). core/src only.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runcheck/catalog.h"

namespace runcheck::catalog_detail {

using nlohmann::json;

bool is_slug(const std::string& s);
bool is_date(const std::string& s);  // YYYY-MM-DD or YYYY-MM

// Validation context for one entry: builds messages that name file, entry and field.
struct Ctx {
  std::string file, where;  // "catalog/hardware.json", "hardware[3] 'rtx-4090'"
  Error fail(const std::string& field, const std::string& what) const {
    return make_error("bad_catalog", field, file + ": " + where + ": " + field + " " + what);
  }
};

// A string field (at most `max_len` bytes); absent or null is an error when `required`.
std::optional<Error> need_string(const Ctx& c, const json& e, const char* key, std::string& out,
                                 bool required = true, size_t max_len = 400);
// A number in [lo, hi] or null. `unit` goes into the message.
std::optional<Error> opt_number(const Ctx& c, const json& e, const char* key,
                                std::optional<double>& out, double lo, double hi, const char* unit);
// At least one {url (http/https), retrieved (date)}.
std::optional<Error> sources(const Ctx& c, const json& e, std::vector<Source>& out);
// An array of strings, or null.
std::optional<Error> string_list(const Ctx& c, const json& e, const char* key,
                                 std::vector<std::string>& out);
// Shared prologue for every entry: object, slug id, where-text naming it.
template <typename T>
std::optional<Error> entry_id(Ctx& c, const json& e, T& out) {
  if (!e.is_object()) return c.fail("entry", "must be an object");
  if (auto err = need_string(c, e, "id", out.id)) return err;
  c.where += " '" + out.id + "'";
  if (!is_slug(out.id)) return c.fail("id", "must be a lowercase slug [a-z0-9.-_]");
  return std::nullopt;
}
const json* top_array(const json& root, const char* key);

// catalog_kb.cpp
std::optional<Error> parse_benchmarks(const std::string& file, const json& root, Catalog& cat);
std::optional<Error> parse_errors(const std::string& file, const json& root, Catalog& cat);
std::optional<Error> parse_glossary(const std::string& file, const json& root, Catalog& cat);
// Every glossary `related` names an entry and every `errors` id an errors-KB entry.
std::optional<Error> check_glossary_links(const Catalog& cat);
std::optional<Error> parse_downloads(const std::string& file, const json& root, Catalog& cat);
// catalog_quality.cpp: published scores, quantization loss, use cases.
std::optional<Error> parse_scores(const std::string& file, const json& root, Catalog& cat);
std::optional<Error> parse_quant_loss(const std::string& file, const json& root, Catalog& cat);
std::optional<Error> parse_use_cases(const std::string& file, const json& root, Catalog& cat);
// Scores name catalog models, losses GGUF file types, use cases a benchmark some score has.
std::optional<Error> check_quality_links(const Catalog& cat);

}  // namespace runcheck::catalog_detail
