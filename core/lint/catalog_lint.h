// Catalog lints beyond what the engine's loader checks (native only: the CLI, the build and the
// tests run them; the wasm module does not carry them). Each catalog/<name>.json is checked
// against catalog/schema/<name>.schema.json (a JSON Schema subset: type, enum, required,
// properties, additionalProperties, items, minItems, minimum, maximum, minLength, maxLength,
// pattern), every non-null field marked "x-cited" must be backed by a source that lists it (or
// a source without a `fields` list), GGUF base bits per weight must equal the ggml block table,
// entries must not contradict each other, and every API and cloud price must carry a date no more
// than 12 months before the catalog's price reference date (kPriceReferenceDate in the .cpp).
// catalog/exceptions.json may excuse a finding, saying why and until when; an exception that
// excuses nothing is itself a finding.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace runcheck {

struct LintFinding {
  std::string file;     // "catalog/hardware.json"
  std::string entry;    // "hardware[12] 'rtx-4090'" ("" for file-level findings)
  std::string id;       // entry id
  std::string field;    // "memory_bandwidth_gb_s"
  std::string rule;     // schema | cited | table | contradiction | dated | stale-exception | engine
  std::string message;  // one line naming file, entry and field
};

// `files` and `schemas` map "models.json" -> text and "models.schema.json" -> text.
// The catalog files the lint knows, each with catalog/schema/<name>.schema.json.
std::vector<std::string> catalog_schema_names();  // "models", "hardware", ...

std::vector<LintFinding> lint_catalog(const std::map<std::string, std::string>& files,
                                      const std::map<std::string, std::string>& schemas);

}  // namespace runcheck
