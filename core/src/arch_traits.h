// What llama.cpp does differently per GGUF architecture, where the memory engine, the weight
// layout and speculative decoding need it: one row per architecture name (arch_traits.cpp), so a
// new architecture is one line, not an edit in three files. An architecture not listed has none
// of these traits.
#pragma once

#include <string_view>

namespace runcheck {

struct ArchTraits {
  std::string_view arch;  // GGUF general.architecture
  // llama.cpp builds the sliding layers' cache at the window (llama_kv_cache_iswa); other
  // architectures with a window in their config get a full-size cache in llama.cpp.
  bool swa_cache = false;
  // The expert-selection bias (HF e_score_correction_bias) as its own tensor, exp_probs_b.bias.
  bool router_bias = false;
  // The loader keeps the nextn (MTP) blocks, so --spec-type draft-mtp can use them.
  bool loads_mtp = false;
  // OLMo 2 / EXAONE 4: normalisation after attention and FFN only (no attn_norm / ffn_norm).
  bool post_norms_only = false;
};

// The traits of `arch`; all false for an architecture not in the table.
const ArchTraits& arch_traits(std::string_view arch);

}  // namespace runcheck
