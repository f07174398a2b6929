#include "runcheck/weights.h"

#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <tuple>

namespace runcheck {

WeightPlan quantized_weights(const ModelArch& m, FileType ftype) {
  const std::vector<TensorSpec> tensors = model_tensors(m);
  const FileTypeInfo* info = file_type_by_id(static_cast<uint32_t>(ftype));
  const GgmlType def = info ? info->default_type : GgmlType::F16;

  QuantContext ctx;
  ctx.n_layer = static_cast<int>(m.block_count);
  ctx.n_gqa = m.head_count_kv > 0 ? m.head_count / m.head_count_kv : 1;
  ctx.n_expert = m.expert_count;
  ctx.is_falcon = m.arch == "falcon";
  // llama.cpp's LLM_TYPE_70B: the 80-layer Llama 2/3 70B shape.
  ctx.is_70b = m.arch == "llama" && m.block_count == 80 && m.embedding_length == 8192;
  ctx.tied_embeddings = m.tied_embeddings;
  for (const auto& t : tensors)
    if (is_attn_v_like(t.role)) ++ctx.n_attn_v;

  WeightPlan plan;
  plan.layer_bytes.assign(m.block_count, 0);
  plan.layer_expert_bytes.assign(m.block_count, 0);
  plan.layer_largest_bytes.assign(m.block_count, 0);
  plan.layer_largest_expert_bytes.assign(m.block_count, 0);
  uint64_t tok_embd_only = 0;  // token_embd alone: what a tied output duplicates
  for (const auto& t : tensors) {
    GgmlType type = t.source_type;
    if (def == GgmlType::F32) {
      type = GgmlType::F32;
    } else if (t.quantizable) {
      ctx.layer = t.layer;
      ctx.ne0 = t.ne[0];
      ctx.three_d = t.ne[2] > 1;
      type = quantized_tensor_type(ftype, t.role, ctx);
      if (is_attn_v_like(t.role)) ++ctx.attn_v_index;
    }
    const uint64_t bytes = ggml_row_bytes(type, t.elements());
    plan.bytes_by_type[static_cast<uint32_t>(type)] += bytes;
    ++plan.tensors_by_type[static_cast<uint32_t>(type)];
    plan.total_bytes += bytes;
    plan.parameters += t.elements();
    if (t.role == TensorRole::kTokenEmbd) {
      plan.token_embd_bytes += bytes;
      if (t.name == "token_embd.weight") tok_embd_only += bytes;
    } else if (t.layer < 0) {
      if (t.role == TensorRole::kOutput || t.name == "output_norm.weight")
        plan.output_bytes += bytes;
      else
        plan.other_global_bytes += bytes;
    } else {
      plan.add_layer_tensor(static_cast<uint32_t>(t.layer), bytes,
                            t.ne[2] > 1 || t.name.find("_exps.") != std::string::npos);
    }
  }
  // Tied embeddings: llama.cpp loads token_embd a second time as the output matrix
  // (TENSOR_DUPLICATED in llama-model.cpp), so the output layer holds a copy on the device.
  // Only token_embd itself: per-layer embeddings are looked up, never an output.
  if (m.tied_embeddings) plan.output_bytes += tok_embd_only;
  plan.tied_table_bytes = m.tied_embeddings ? tok_embd_only : 0;
  return plan;
}

WeightPlan format_weights(const ModelArch& m, double bits_per_weight, bool quantize_embeddings) {
  WeightPlan plan;
  plan.layer_bytes.assign(m.block_count, 0);
  plan.layer_expert_bytes.assign(m.block_count, 0);
  plan.layer_largest_bytes.assign(m.block_count, 0);
  plan.layer_largest_expert_bytes.assign(m.block_count, 0);
  for (const auto& t : model_tensors(m)) {
    const bool embed = t.role == TensorRole::kTokenEmbd || t.role == TensorRole::kOutput;
    double bits = 32;
    if (t.quantizable) bits = (embed && !quantize_embeddings) ? 16 : bits_per_weight;
    const uint64_t bytes = flat_weight_bytes(t.elements(), bits);
    plan.total_bytes += bytes;
    plan.parameters += t.elements();
    if (t.role == TensorRole::kTokenEmbd) {
      plan.token_embd_bytes += bytes;
      if (t.name == "token_embd.weight" && m.tied_embeddings) plan.tied_table_bytes = bytes;
    } else if (t.layer < 0)
      (t.role == TensorRole::kOutput || t.name == "output_norm.weight" ? plan.output_bytes
                                                                       : plan.other_global_bytes) +=
          bytes;
    else
      plan.add_layer_tensor(static_cast<uint32_t>(t.layer), bytes, t.ne[2] > 1);
  }
  // Tied embeddings in safetensors / MLX runtimes (vLLM, MLX, ExLlamaV2): the output layer uses
  // the embedding's own storage (PyTorch and MLX tie the parameter), so it is not counted twice.
  return plan;
}

namespace {

struct Memo {
  std::mutex mu;
  // (model id, kind: 0 = GGUF file type / 1 = flat format, ftype or the bits' bit pattern, MLX)
  std::map<std::tuple<std::string, int, uint64_t, bool>, WeightPlan> plans;
  std::map<std::string, uint64_t> counts;  // "id|total" / "id|active" parameter counts
};
Memo& memo() {
  static Memo m;
  return m;
}
// A runaway key set (many user models x formats) is dropped rather than grown without bound.
constexpr size_t kMaxMemoEntries = 4096;

// The memoised value of `compute()` under `key` in one of the memo's maps.
template <class Map, class F>
typename Map::mapped_type memo_get(Map Memo::*map, const typename Map::key_type& key, F compute) {
  Memo& mm = memo();
  {
    std::lock_guard<std::mutex> lock(mm.mu);
    auto it = (mm.*map).find(key);
    if (it != (mm.*map).end()) return it->second;
  }
  typename Map::mapped_type v = compute();
  std::lock_guard<std::mutex> lock(mm.mu);
  if ((mm.*map).size() >= kMaxMemoEntries) (mm.*map).clear();
  (mm.*map).emplace(key, v);
  return v;
}

}  // namespace

WeightPlan memo_quantized_weights(const std::string& model_id, const ModelArch& m, FileType ftype) {
  return memo_get(&Memo::plans, {model_id, 0, static_cast<uint64_t>(ftype), false},
                  [&] { return quantized_weights(m, ftype); });
}

WeightPlan memo_format_weights(const std::string& model_id, const ModelArch& m,
                               double bits_per_weight, bool quantize_embeddings) {
  uint64_t bits = 0;
  std::memcpy(&bits, &bits_per_weight, sizeof bits);
  return memo_get(&Memo::plans, {model_id, 1, bits, quantize_embeddings},
                  [&] { return format_weights(m, bits_per_weight, quantize_embeddings); });
}

uint64_t memo_active_parameters(const std::string& model_id, const ModelArch& m) {
  return memo_get(&Memo::counts, model_id + "|active", [&] { return active_parameter_count(m); });
}

uint64_t memo_parameters(const std::string& model_id, const ModelArch& m) {
  return memo_get(&Memo::counts, model_id + "|total", [&] { return parameter_count(m); });
}

void clear_weights_memo() {
  Memo& mm = memo();
  std::lock_guard<std::mutex> lock(mm.mu);
  mm.plans.clear();
  mm.counts.clear();
}

uint64_t flat_weight_bytes(uint64_t parameters, double bits_per_weight) {
  return static_cast<uint64_t>(std::ceil(static_cast<double>(parameters) * bits_per_weight / 8.0));
}

}  // namespace runcheck
