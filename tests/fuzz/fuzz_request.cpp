// libFuzzer target: arbitrary bytes as a request to the core (what the page and the CLI send,
// including the values the page takes from its URL).
#include <cstddef>
#include <cstdint>
#include <string>

#include "runcheck/api.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string out =
      runcheck::handle_request(std::string(reinterpret_cast<const char*>(data), size));
  if (out.empty() || out[0] != '{') __builtin_trap();  // every answer is a JSON object
  return 0;
}
