// Shared by the config.json importer (hf_config.cpp: the dimensions every family has, the checks,
// the vision tower) and the per-family layouts (hf_layouts.cpp). core/src only.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "runcheck/model.h"
#include "runcheck/result.h"

namespace runcheck::hf {

using nlohmann::json;

// Dimensions above this are not a real model (largest published vocab ~262k, hidden ~16k).
constexpr uint64_t kMaxDimension = uint64_t{1} << 24;
constexpr uint64_t kMaxLayers = 4096;

struct Reader {
  const json& c;
  const std::string& prefix;
  std::string missing;  // first problem found
  std::string bad_field;

  bool has(const char* key) const { return c.contains(key) && !c.at(key).is_null(); }

  // A positive integer within [lo, hi]; records the first problem.
  uint32_t u32(const char* key, bool required, uint64_t lo = 1, uint64_t hi = kMaxDimension) {
    if (!has(key)) {
      if (required && missing.empty()) {
        missing = std::string("missing required key '") + key + "'";
        bad_field = prefix + "." + key;
      }
      return 0;
    }
    const json& v = c.at(key);
    bool ok = false;
    uint64_t out = 0;
    if (v.is_number_unsigned()) {
      out = v.get<uint64_t>();
      ok = true;
    } else if (v.is_number_integer()) {
      ok = v.get<int64_t>() >= 0;
      if (ok) out = static_cast<uint64_t>(v.get<int64_t>());
    }
    if (!ok || out < lo || out > hi) {
      if (missing.empty()) {
        missing = std::string("'") + key + "' must be an integer in [" + std::to_string(lo) + ", " +
                  std::to_string(hi) + "]";
        bad_field = prefix + "." + key;
      }
      return 0;
    }
    return static_cast<uint32_t>(out);
  }

  bool boolean(const char* key, bool dflt) const {
    if (!has(key) || !c.at(key).is_boolean()) return dflt;
    return c.at(key).get<bool>();
  }

  std::string str(const char* key) const {
    if (!has(key) || !c.at(key).is_string()) return {};
    return c.at(key).get<std::string>();
  }
};

// Per-layer kinds from `layer_types` (Gemma 3, gpt-oss, newer Qwen configs); false if absent.
bool apply_layer_types(const json& c, ModelArch& m);
// Nemotron-H's block pattern (Mamba2, attention, MLP / MoE blocks) and its Mamba2 sizes.
void apply_nemotron_h(const json& c, Reader& r, ModelArch& m);

// The layout of the family `mt` (a known, normalised model_type) on top of the dimensions
// model_from_hf_config has read: GGUF architecture, per-layer kinds, biases, norms, MoE, MLA,
// sliding windows. `c` is the text config, `field` the error prefix. An
// error names the family's own key when it is wrong or not supported.
std::optional<Error> apply_family_layout(const std::string& mt, const json& c, Reader& r,
                                         ModelArch& m, const std::string& field);

// Gemma 4, LFM2 and the BERT family (hf_layouts_extra.cpp).
std::optional<Error> gemma4_layout(const json& c, Reader& r, ModelArch& m,
                                   const std::string& field);
std::optional<Error> lfm2_layout(const json& c, Reader& r, ModelArch& m, const std::string& field);
std::optional<Error> bert_layout(const std::string& mt, const json& c, Reader& r, ModelArch& m,
                                 const std::string& field);

}  // namespace runcheck::hf
