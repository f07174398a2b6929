// libFuzzer target: arbitrary bytes as a config.json, through the importer and the weights.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "hf_config.h"
#include "runcheck/weights.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded()) return 0;
  auto m = runcheck::model_from_hf_config(j, "config");
  // Shapes the importer accepts must be safe to lay out (bounded: the importer caps dimensions).
  if (m.ok() && m.value().block_count <= 256)
    (void)runcheck::quantized_weights(m.value(), runcheck::FileType::Q4_K_M);
  return 0;
}
