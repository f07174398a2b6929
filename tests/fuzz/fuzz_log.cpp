// libFuzzer target: arbitrary bytes as a pasted runtime log, through the reader and the whole
// diagnosis (request rebuilt from what was read, the engine run on it, findings, fixes).
#include <cstddef>
#include <cstdint>
#include <string>

#include "runcheck/api.h"
#include "runcheck/logread.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)runcheck::read_log(text);
  // The whole diagnosis through its public entry point; invalid UTF-8 must not throw either.
  (void)runcheck::handle_diagnose(text, "");
  return 0;
}
