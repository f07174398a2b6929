// libFuzzer target: arbitrary bytes as a pasted runtime log, through the reader and the whole
// diagnosis (request rebuilt from what was read, the engine run on it, findings, fixes).
#include <cstddef>
#include <cstdint>
#include <string>

#include "runcheck/diagnose.h"
#include "runcheck/logread.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)runcheck::read_log(text);
  // The JSON edge needs valid UTF-8 only for its output; the diagnosis must not throw either way.
  (void)runcheck::diagnose_json({{"command", "diagnose"}, {"log", text}});
  return 0;
}
