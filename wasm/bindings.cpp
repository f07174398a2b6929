// Embind surface: converts and delegates, decides nothing. JSON string in, JSON string out.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <string>
#include <vector>

#include "runcheck/api.h"

namespace {
std::string request(const std::string& json) { return runcheck::handle_request(json); }
std::string build_id() { return RUNCHECK_BUILD_ID; }
// The first bytes of a GGUF file (a Uint8Array from File.slice), the whole file's size and its
// name: the import result, or {"ok":false,...,"needed_bytes":N} to read more.
std::string import_gguf(const emscripten::val& bytes, double file_size, const std::string& name) {
  const std::vector<uint8_t> buf = emscripten::convertJSArrayToNumberVector<uint8_t>(bytes);
  const uint64_t size =
      file_size > 0 && file_size < 1.8e19 ? static_cast<uint64_t>(file_size) : buf.size();
  return runcheck::handle_gguf(buf.data(), buf.size(), size, name);
}
}  // namespace

EMSCRIPTEN_BINDINGS(runcheck) {
  emscripten::function("request", &request);
  emscripten::function("buildId", &build_id);
  emscripten::function("importGguf", &import_gguf);
}
