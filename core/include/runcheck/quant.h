// Quantization: ggml block types (one table, like ggml's type_traits) and llama.cpp file types
// (Q4_K_M & co.), which are per-tensor mixes of block types.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace runcheck {

// ggml tensor types. Numeric values are ggml's `enum ggml_type` (they appear in GGUF files).
enum class GgmlType : uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  IQ2_XXS = 16,
  IQ2_XS = 17,
  IQ3_XXS = 18,
  IQ1_S = 19,
  IQ4_NL = 20,
  IQ3_S = 21,
  IQ2_S = 22,
  IQ4_XS = 23,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  IQ1_M = 29,
  BF16 = 30,
  TQ1_0 = 34,
  TQ2_0 = 35,
  MXFP4 = 39,
};

struct GgmlTypeTraits {
  GgmlType type;
  std::string_view name;  // ggml's lowercase name ("q4_K"), as llama.cpp prints it
  uint32_t block_size;    // elements per block
  uint32_t type_size;     // bytes per block
};

// Sources: ggml src/ggml.c `type_traits`; gguf-py/gguf/constants.py GGML_QUANT_SIZES
// (https://github.com/ggml-org/llama.cpp/blob/master/gguf-py/gguf/constants.py);
// MXFP4: ggml-common.h block_mxfp4 = 1 byte E8M0 scale + 16 bytes of 4-bit values per 32.
inline constexpr GgmlTypeTraits kGgmlTypes[] = {
    {GgmlType::F32, "f32", 1, 4},
    {GgmlType::F16, "f16", 1, 2},
    {GgmlType::Q4_0, "q4_0", 32, 18},
    {GgmlType::Q4_1, "q4_1", 32, 20},
    {GgmlType::Q5_0, "q5_0", 32, 22},
    {GgmlType::Q5_1, "q5_1", 32, 24},
    {GgmlType::Q8_0, "q8_0", 32, 34},
    {GgmlType::Q8_1, "q8_1", 32, 36},
    {GgmlType::Q2_K, "q2_K", 256, 84},
    {GgmlType::Q3_K, "q3_K", 256, 110},
    {GgmlType::Q4_K, "q4_K", 256, 144},
    {GgmlType::Q5_K, "q5_K", 256, 176},
    {GgmlType::Q6_K, "q6_K", 256, 210},
    {GgmlType::Q8_K, "q8_K", 256, 292},
    {GgmlType::IQ2_XXS, "iq2_xxs", 256, 66},
    {GgmlType::IQ2_XS, "iq2_xs", 256, 74},
    {GgmlType::IQ3_XXS, "iq3_xxs", 256, 98},
    {GgmlType::IQ1_S, "iq1_s", 256, 50},
    {GgmlType::IQ4_NL, "iq4_nl", 32, 18},
    {GgmlType::IQ3_S, "iq3_s", 256, 110},
    {GgmlType::IQ2_S, "iq2_s", 256, 82},
    {GgmlType::IQ4_XS, "iq4_xs", 256, 136},
    {GgmlType::I8, "i8", 1, 1},
    {GgmlType::I16, "i16", 1, 2},
    {GgmlType::I32, "i32", 1, 4},
    {GgmlType::I64, "i64", 1, 8},
    {GgmlType::F64, "f64", 1, 8},
    {GgmlType::IQ1_M, "iq1_m", 256, 56},
    {GgmlType::BF16, "bf16", 1, 2},
    {GgmlType::TQ1_0, "tq1_0", 256, 54},
    {GgmlType::TQ2_0, "tq2_0", 256, 66},
    {GgmlType::MXFP4, "mxfp4", 32, 17},
};

constexpr const GgmlTypeTraits* ggml_traits(GgmlType t) {
  for (const auto& tr : kGgmlTypes)
    if (tr.type == t) return &tr;
  return nullptr;
}

// Bits per weight ×1000, exact integer arithmetic for the static_asserts below.
constexpr uint32_t ggml_milli_bpw(GgmlType t) {
  return ggml_traits(t)->type_size * 8000 / ggml_traits(t)->block_size;
}
// Published bits/weight (DOMAIN.md §1, from ggml-common.h block layouts).
static_assert(ggml_milli_bpw(GgmlType::Q8_0) == 8500);
static_assert(ggml_milli_bpw(GgmlType::Q4_0) == 4500);
static_assert(ggml_milli_bpw(GgmlType::Q4_1) == 5000);
static_assert(ggml_milli_bpw(GgmlType::Q5_0) == 5500);
static_assert(ggml_milli_bpw(GgmlType::Q2_K) == 2625);
static_assert(ggml_milli_bpw(GgmlType::Q3_K) == 3437);  // 3.4375 truncated
static_assert(ggml_milli_bpw(GgmlType::Q4_K) == 4500);
static_assert(ggml_milli_bpw(GgmlType::Q5_K) == 5500);
static_assert(ggml_milli_bpw(GgmlType::Q6_K) == 6562);  // 6.5625 truncated
static_assert(ggml_milli_bpw(GgmlType::IQ4_XS) == 4250);
static_assert(ggml_milli_bpw(GgmlType::IQ4_NL) == 4500);
static_assert(ggml_milli_bpw(GgmlType::MXFP4) == 4250);

std::optional<GgmlType> ggml_type_from_id(uint32_t id);
std::optional<GgmlType> ggml_type_from_name(std::string_view name);  // "q4_K", "Q4_K", "f16"

// Bytes of a tensor of `n_elements` in type t (n_elements must be a multiple of the block).
constexpr uint64_t ggml_row_bytes(GgmlType t, uint64_t n_elements) {
  return n_elements / ggml_traits(t)->block_size * ggml_traits(t)->type_size;
}

// llama.cpp file types (`enum llama_ftype`, the GGUF key general.file_type).
enum class FileType : uint32_t {
  ALL_F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q8_0 = 7,
  Q5_0 = 8,
  Q5_1 = 9,
  Q2_K = 10,
  Q3_K_S = 11,
  Q3_K_M = 12,
  Q3_K_L = 13,
  Q4_K_S = 14,
  Q4_K_M = 15,
  Q5_K_S = 16,
  Q5_K_M = 17,
  Q6_K = 18,
  IQ2_XXS = 19,
  IQ2_XS = 20,
  Q2_K_S = 21,
  IQ3_XS = 22,
  IQ3_XXS = 23,
  IQ1_S = 24,
  IQ4_NL = 25,
  IQ3_S = 26,
  IQ3_M = 27,
  IQ2_S = 28,
  IQ2_M = 29,
  IQ4_XS = 30,
  IQ1_M = 31,
  BF16 = 32,
  TQ1_0 = 36,
  TQ2_0 = 37,
  MXFP4_MOE = 38,
};

struct FileTypeInfo {
  FileType ftype;
  std::string_view name;  // as users write it: "Q4_K_M"
  GgmlType default_type;  // llama.cpp llama_ftype_get_default_type()
};

// Source: llama.cpp src/llama-quant.cpp llama_ftype_get_default_type().
inline constexpr FileTypeInfo kFileTypes[] = {
    {FileType::ALL_F32, "F32", GgmlType::F32},
    {FileType::F16, "F16", GgmlType::F16},
    {FileType::BF16, "BF16", GgmlType::BF16},
    {FileType::Q8_0, "Q8_0", GgmlType::Q8_0},
    {FileType::Q6_K, "Q6_K", GgmlType::Q6_K},
    {FileType::Q5_K_M, "Q5_K_M", GgmlType::Q5_K},
    {FileType::Q5_K_S, "Q5_K_S", GgmlType::Q5_K},
    {FileType::Q5_1, "Q5_1", GgmlType::Q5_1},
    {FileType::Q5_0, "Q5_0", GgmlType::Q5_0},
    {FileType::Q4_K_M, "Q4_K_M", GgmlType::Q4_K},
    {FileType::Q4_K_S, "Q4_K_S", GgmlType::Q4_K},
    {FileType::Q4_1, "Q4_1", GgmlType::Q4_1},
    {FileType::Q4_0, "Q4_0", GgmlType::Q4_0},
    {FileType::IQ4_NL, "IQ4_NL", GgmlType::IQ4_NL},
    {FileType::IQ4_XS, "IQ4_XS", GgmlType::IQ4_XS},
    {FileType::Q3_K_L, "Q3_K_L", GgmlType::Q3_K},
    {FileType::Q3_K_M, "Q3_K_M", GgmlType::Q3_K},
    {FileType::Q3_K_S, "Q3_K_S", GgmlType::Q3_K},
    {FileType::IQ3_M, "IQ3_M", GgmlType::IQ3_S},
    {FileType::IQ3_S, "IQ3_S", GgmlType::IQ3_S},
    {FileType::IQ3_XS, "IQ3_XS", GgmlType::IQ3_S},
    {FileType::IQ3_XXS, "IQ3_XXS", GgmlType::IQ3_XXS},
    {FileType::Q2_K, "Q2_K", GgmlType::Q2_K},
    {FileType::Q2_K_S, "Q2_K_S", GgmlType::Q2_K},
    {FileType::IQ2_M, "IQ2_M", GgmlType::IQ2_S},
    {FileType::IQ2_S, "IQ2_S", GgmlType::IQ2_XS},
    {FileType::IQ2_XS, "IQ2_XS", GgmlType::IQ2_XS},
    {FileType::IQ2_XXS, "IQ2_XXS", GgmlType::IQ2_XXS},
    {FileType::IQ1_M, "IQ1_M", GgmlType::IQ1_M},
    {FileType::IQ1_S, "IQ1_S", GgmlType::IQ1_S},
    {FileType::TQ2_0, "TQ2_0", GgmlType::TQ2_0},
    {FileType::TQ1_0, "TQ1_0", GgmlType::TQ1_0},
    {FileType::MXFP4_MOE, "MXFP4_MOE", GgmlType::MXFP4},
};

const FileTypeInfo* file_type_by_name(std::string_view name);  // case-insensitive
const FileTypeInfo* file_type_by_id(uint32_t id);

// What llama.cpp's quantizer needs to know to pick one tensor's type.
enum class TensorRole : uint8_t {
  kTokenEmbd,
  kOutput,
  kAttnQ,
  kAttnK,
  kAttnV,
  kAttnQkv,
  kAttnKvB,
  kAttnOutput,
  kFfnUp,
  kFfnGate,
  kFfnDown,
  kOther,
};

// attn_v, fused attn_qkv and MLA attn_kv_b: the tensors llama.cpp treats as "attention V".
constexpr bool is_attn_v_like(TensorRole r) {
  return r == TensorRole::kAttnV || r == TensorRole::kAttnQkv || r == TensorRole::kAttnKvB;
}

struct QuantContext {
  int layer = -1;          // block index, -1 for global tensors
  int n_layer = 0;         // block_count
  int attn_v_index = 0;    // how many attn_v-like tensors came before this one
  int n_attn_v = 0;        // how many attn_v-like tensors the model has
  uint32_t n_gqa = 1;      // head_count / head_count_kv
  uint32_t n_expert = 0;   // expert_count
  bool is_falcon = false;  // LLM_ARCH_FALCON special cases
  bool is_70b = false;     // llama.cpp LLM_TYPE_70B (80-layer llama) bumps attn_v
  bool tied_embeddings = false;
  bool three_d = false;  // ne[2] > 1 (stacked expert tensor)
  uint64_t ne0 = 0;      // row length: must be a multiple of the block size
};

// The ggml type llama.cpp's `llama-quantize` (no imatrix) gives a quantizable 2D/3D weight.
// Mirrors the rules of llama.cpp src/llama-quant.cpp llama_tensor_get_type_impl() and
// tensor_type_fallback(), re-expressed here.
GgmlType quantized_tensor_type(FileType ftype, TensorRole role, const QuantContext& ctx);

}  // namespace runcheck
