// runcheck_catgen OUT.cpp: validates the catalog compiled into it (catalog/*.json, with every
// loader check) and writes the typed tables the product starts from. Rewrites OUT only when its
// bytes change. An invalid catalog fails the build here, naming file, entry and field.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "catalog_writer.h"
#include "runcheck/catalog.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: runcheck_catgen OUT.cpp\n");
    return 2;
  }
  auto cat = runcheck::load_catalog(runcheck::builtin_catalog_files());
  if (!cat.ok()) {
    std::fprintf(stderr, "runcheck_catgen: %s\n", cat.error().message.c_str());
    return 1;
  }
  const std::string text = runcheck::catalog_tables_cpp(cat.value());
  std::ifstream old(argv[1], std::ios::binary);
  std::stringstream prev;
  prev << old.rdbuf();
  if (old && prev.str() == text) return 0;
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) {
    std::fprintf(stderr, "runcheck_catgen: cannot write %s\n", argv[1]);
    return 1;
  }
  return 0;
}
