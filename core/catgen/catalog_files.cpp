// The catalog's JSON files as compiled into the native tools (lint, catgen, tests). The product
// reads the generated tables instead (core/src/catalog_builtin.cpp); the wasm carries no JSON.
#include "catalog_data.h"  // generated: kCatalogFiles[] = {name, text, size}
#include "runcheck/catalog.h"

namespace runcheck {

std::map<std::string, std::string> builtin_catalog_files() {
  std::map<std::string, std::string> files;
  for (const auto& f : kCatalogFiles) files[f.name] = std::string(f.text, f.size);
  return files;
}

}  // namespace runcheck
