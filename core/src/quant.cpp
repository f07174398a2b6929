#include "runcheck/quant.h"

#include <cctype>

namespace runcheck {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// llama.cpp's "use more bits" layer pattern: first and last eighth, and every third in between.
bool use_more_bits(int i, int n) { return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2; }

bool any_of(FileType f, std::initializer_list<FileType> set) {
  for (FileType s : set)
    if (f == s) return true;
  return false;
}

using F = FileType;
using G = GgmlType;

G choose(FileType ft, TensorRole role, const QuantContext& c, G t) {
  const bool iq_low = any_of(ft, {F::IQ2_XXS, F::IQ2_XS, F::IQ1_S, F::IQ2_S, F::IQ2_M, F::IQ1_M});
  const bool iq2sm = ft == F::IQ2_S || ft == F::IQ2_M;
  const int i = c.layer, n = c.n_layer;

  if (role == TensorRole::kOutput || (c.tied_embeddings && role == TensorRole::kTokenEmbd)) {
    const uint64_t blk = ggml_traits(t)->block_size;
    if (ft == F::MXFP4_MOE) return G::Q8_0;
    if (c.is_falcon || c.ne0 % blk != 0) return G::Q8_0;
    if (any_of(ft, {F::IQ2_XXS, F::IQ2_XS, F::IQ3_XXS, F::IQ1_S, F::IQ2_S, F::IQ2_M, F::IQ1_M}))
      return G::Q5_K;
    return t != G::Q8_0 ? G::Q6_K : t;
  }
  if (ft == F::MXFP4_MOE) return c.three_d ? G::MXFP4 : G::Q8_0;
  if (role == TensorRole::kTokenEmbd) {
    if (any_of(ft, {F::IQ2_XXS, F::IQ2_XS, F::IQ1_S, F::IQ1_M})) return G::Q2_K;
    if (iq2sm || ft == F::IQ3_XXS) return G::IQ3_S;
    if (ft == F::TQ1_0 || ft == F::TQ2_0) return G::Q4_K;
    return t;
  }
  if (iq_low) {
    if (is_attn_v_like(role)) {
      if (c.n_gqa >= 4 || c.n_expert >= 4) return G::Q4_K;
      return iq2sm ? G::IQ3_S : G::Q2_K;
    }
    if (c.n_expert == 8 && role == TensorRole::kAttnK) return G::Q4_K;
    if (role == TensorRole::kFfnDown) return i < n / 8 ? (iq2sm ? G::IQ3_S : G::Q2_K) : t;
    if (role == TensorRole::kAttnOutput) {
      if (c.n_expert == 8) return G::Q5_K;
      if (ft == F::IQ1_S || ft == F::IQ1_M) return G::IQ2_XXS;
      if (iq2sm) return G::IQ3_S;
    }
    return t;
  }
  if (is_attn_v_like(role)) {
    const int iv = c.attn_v_index, nv = c.n_attn_v;
    if (ft == F::Q2_K)
      t = c.n_gqa >= 4 ? G::Q4_K : G::Q3_K;
    else if (ft == F::Q2_K_S && c.n_gqa >= 4)
      t = G::Q4_K;
    else if (ft == F::IQ3_XXS)
      t = c.n_gqa >= 4 ? G::Q4_K : G::IQ3_S;  // no imatrix
    else if ((ft == F::IQ3_XS || ft == F::IQ3_S) && c.n_gqa >= 4)
      t = G::Q4_K;
    else if (ft == F::IQ3_M)
      t = G::Q4_K;
    else if (ft == F::Q3_K_M)
      t = iv < 2 ? G::Q5_K : G::Q4_K;
    else if (ft == F::Q3_K_L)
      t = G::Q5_K;
    else if ((ft == F::IQ4_NL || ft == F::IQ4_XS) && c.n_gqa >= 4)
      t = G::Q5_K;
    else if ((ft == F::Q4_K_M || ft == F::Q5_K_M) && use_more_bits(iv, nv))
      t = G::Q6_K;
    else if (ft == F::Q4_K_S && iv < 4)
      t = G::Q5_K;
    if (c.is_70b && (t == G::Q3_K || t == G::Q4_K)) t = G::Q5_K;
    if (c.n_expert == 8) t = G::Q8_0;
    return t;
  }
  if (role == TensorRole::kAttnK) {
    if (c.n_expert == 8) return G::Q8_0;
    if (ft == F::IQ3_XS) return G::IQ3_XXS;
    if (ft == F::IQ3_XXS) return G::IQ2_S;
    return t;
  }
  if (role == TensorRole::kAttnQ) {
    if (ft == F::IQ3_XS) return G::IQ3_XXS;
    if (ft == F::IQ3_XXS) return G::IQ2_S;
    return t;
  }
  if (role == TensorRole::kFfnDown) {
    if (ft == F::Q2_K) return G::Q3_K;
    if (ft == F::Q2_K_S) return i < n / 8 ? G::Q4_K : t;
    if (ft == F::IQ3_XXS) return i < n / 8 ? G::Q4_K : G::Q3_K;  // no imatrix
    if (ft == F::Q3_K_M)
      return i < n / 16 ? G::Q5_K : (!c.is_falcon || use_more_bits(i, n)) ? G::Q4_K : G::Q3_K;
    if (ft == F::IQ3_M && (i < n / 8 || (c.n_expert == 8 && use_more_bits(i, n)))) return G::Q4_K;
    if (ft == F::Q3_K_L) return c.is_falcon ? G::Q4_K : G::Q5_K;
    if (ft == F::Q4_K_M) {
      if (c.is_falcon) return i < n / 16 ? G::Q6_K : use_more_bits(i, n) ? G::Q5_K : G::Q4_K;
      return use_more_bits(i, n) ? G::Q6_K : t;
    }
    if (i < n / 8 && (ft == F::IQ4_NL || ft == F::IQ4_XS)) return G::Q5_K;  // no imatrix
    if (ft == F::Q5_K_M && use_more_bits(i, n)) return G::Q6_K;
    if (ft == F::Q4_K_S && !c.is_falcon && i < n / 8) return G::Q5_K;
    return t;
  }
  if (role == TensorRole::kAttnOutput) {
    if (!c.is_falcon) {
      if (c.n_expert == 8) {
        if (any_of(ft, {F::Q2_K, F::IQ3_XS, F::IQ3_XXS, F::Q3_K_S, F::Q3_K_M, F::IQ4_NL, F::Q4_K_S,
                        F::Q4_K_M, F::IQ3_S, F::IQ3_M, F::IQ4_XS}))
          return G::Q5_K;
        return t;
      }
      if (ft == F::Q2_K) return G::Q3_K;
      if (ft == F::IQ3_XXS) return G::IQ3_S;
      if (ft == F::Q3_K_M) return G::Q4_K;
      if (ft == F::Q3_K_L) return G::Q5_K;
      if (ft == F::IQ3_M) return G::Q4_K;
      return t;
    }
    return ft == F::Q3_K_L ? G::Q4_K : t;
  }
  if (role == TensorRole::kFfnGate || role == TensorRole::kFfnUp) {
    if (ft == F::IQ3_XS && i >= n / 8 && i < 7 * n / 8) return G::IQ3_XXS;
    return t;
  }
  return t;
}

// When the row length is not a multiple of the chosen block, llama.cpp falls back.
G fallback(G t, uint64_t ne0) {
  if (ne0 % ggml_traits(t)->block_size == 0) return t;
  G r = t;
  switch (t) {
    case G::IQ1_S:
    case G::IQ1_M:
    case G::IQ2_XXS:
    case G::IQ2_XS:
    case G::IQ2_S:
    case G::IQ3_XXS:
    case G::IQ3_S:
    case G::IQ4_XS:
      r = G::IQ4_NL;
      break;
    case G::Q2_K:
    case G::Q3_K:
    case G::TQ1_0:
    case G::TQ2_0:
      r = G::Q4_0;
      break;
    case G::Q4_K:
      r = G::Q5_0;
      break;
    case G::Q5_K:
      r = G::Q5_1;
      break;
    case G::Q6_K:
      r = G::Q8_0;
      break;
    default:
      r = G::F16;
      break;
  }
  if (ne0 % ggml_traits(r)->block_size != 0) r = G::F16;
  return r;
}

}  // namespace

std::optional<GgmlType> ggml_type_from_id(uint32_t id) {
  for (const auto& t : kGgmlTypes)
    if (static_cast<uint32_t>(t.type) == id) return t.type;
  return std::nullopt;
}

std::optional<GgmlType> ggml_type_from_name(std::string_view name) {
  for (const auto& t : kGgmlTypes)
    if (iequals(t.name, name)) return t.type;
  return std::nullopt;
}

const FileTypeInfo* file_type_by_name(std::string_view name) {
  // Ollama and model cards call gpt-oss's file type "MXFP4" (llama-quantize: MXFP4_MOE).
  if (iequals(name, "MXFP4")) name = "MXFP4_MOE";
  for (const auto& f : kFileTypes)
    if (iequals(f.name, name)) return &f;
  return nullptr;
}

const FileTypeInfo* file_type_by_id(uint32_t id) {
  for (const auto& f : kFileTypes)
    if (static_cast<uint32_t>(f.ftype) == id) return &f;
  return nullptr;
}

GgmlType quantized_tensor_type(FileType ftype, TensorRole role, const QuantContext& ctx) {
  const FileTypeInfo* info = file_type_by_id(static_cast<uint32_t>(ftype));
  const GgmlType def = info ? info->default_type : GgmlType::F16;
  // Unquantized file types convert every weight to the default type, no mix.
  if (def == GgmlType::F32 || def == GgmlType::F16 || def == GgmlType::BF16) return def;
  return fallback(choose(ftype, role, ctx, def), ctx.ne0);
}

}  // namespace runcheck
