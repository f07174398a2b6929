// libFuzzer target: arbitrary bytes as a GGUF file (whole or prefix), then the model import.
#include <cstddef>
#include <cstdint>

#include "gguf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint64_t needed = 0;
  // As a whole file, and as a prefix of a file twice as long (the page reads prefixes).
  for (uint64_t file_size : {static_cast<uint64_t>(size), static_cast<uint64_t>(size) * 2 + 1}) {
    auto f = runcheck::read_gguf(data, size, file_size, &needed);
    if (f.ok()) (void)runcheck::model_from_gguf(f.value());
  }
  return 0;
}
