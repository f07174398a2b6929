// Writes a validated catalog as the C++ tables of core/src/catalog_rows.h.
#pragma once

#include <string>

#include "runcheck/catalog.h"

namespace runcheck {

// The whole generated source file (deterministic: the same catalog gives the same bytes).
std::string catalog_tables_cpp(const Catalog& c);

}  // namespace runcheck
