// The GGUF reader (v1-3) and the model it describes. Just over 500 lines: the byte reader with its
// hostile-input checks and the metadata-to-ModelArch mapping share the key tables; both are
// fuzzed together (tests/fuzz/fuzz_gguf.cpp).
#include "gguf.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "runcheck/quant.h"

namespace runcheck {
namespace {

using nlohmann::json;

// Value types of GGUF metadata (gguf.h: enum gguf_type).
enum : uint32_t {
  kU8,
  kI8,
  kU16,
  kI16,
  kU32,
  kI32,
  kF32,
  kBool,
  kString,
  kArray,
  kU64,
  kI64,
  kF64,
  kTypeCount
};
constexpr uint32_t kMaxDims = 4;  // GGML_MAX_DIMS
constexpr size_t kMaxKeptArray = 4096;

struct Cursor {
  const uint8_t* data;
  size_t size;
  uint64_t file_size;
  uint32_t version = 3;
  size_t pos = 0;
  uint64_t need = 0;  // > 0: the buffer ended; read at least this many bytes
  std::string error;  // corrupt file
  std::string field;

  bool ok() const { return need == 0 && error.empty(); }
  bool fail(const std::string& f, const std::string& e) {
    if (error.empty() && need == 0) {
      field = f;
      error = e;
    }
    return false;
  }
  // Ensures n more bytes are in the buffer (and could be in the file).
  bool have(uint64_t n, const char* what) {
    if (!ok()) return false;
    if (n > file_size || pos + n > file_size)
      return fail(what, std::string(what) + " runs past the end of the file");
    if (pos + n > size) {
      need = pos + n;
      return false;
    }
    return true;
  }
  template <typename T>
  bool get(T& out, const char* what) {
    if (!have(sizeof(T), what)) return false;
    std::memcpy(&out, data + pos, sizeof(T));  // little-endian host (x86, wasm)
    pos += sizeof(T);
    return true;
  }
  // v1 counts and lengths are 32-bit, v2+ 64-bit.
  bool count(uint64_t& out, const char* what) {
    if (version == 1) {
      uint32_t v;
      if (!get(v, what)) return false;
      out = v;
      return true;
    }
    return get(out, what);
  }
  bool str(std::string& out, const char* what) {
    uint64_t n;
    if (!count(n, what)) return false;
    if (!have(n, what)) return false;
    out.assign(reinterpret_cast<const char*>(data + pos), static_cast<size_t>(n));
    pos += static_cast<size_t>(n);
    return true;
  }
  bool skip(uint64_t n, const char* what) {
    if (!have(n, what)) return false;
    pos += static_cast<size_t>(n);
    return true;
  }
};

uint64_t scalar_size(uint32_t t) {
  switch (t) {
    case kU8:
    case kI8:
    case kBool:
      return 1;
    case kU16:
    case kI16:
      return 2;
    case kU32:
    case kI32:
    case kF32:
      return 4;
    case kU64:
    case kI64:
    case kF64:
      return 8;
    default:
      return 0;
  }
}

bool scalar(Cursor& c, uint32_t t, json& out, const std::string& key) {
  const char* what = "metadata value";
  switch (t) {
    case kU8: {
      uint8_t v;
      if (!c.get(v, what)) return false;
      out = v;
      return true;
    }
    case kI8: {
      int8_t v;
      if (!c.get(v, what)) return false;
      out = v;
      return true;
    }
    case kU16: {
      uint16_t v;
      if (!c.get(v, what)) return false;
      out = v;
      return true;
    }
    case kI16: {
      int16_t v;
      if (!c.get(v, what)) return false;
      out = v;
      return true;
    }
    case kU32: {
      uint32_t v;
      if (!c.get(v, what)) return false;
      out = v;
      return true;
    }
    case kI32: {
      int32_t v;
      if (!c.get(v, what)) return false;
      out = v;
      return true;
    }
    case kF32: {
      float v;
      if (!c.get(v, what)) return false;
      out = std::isfinite(v) ? json(v) : json(nullptr);
      return true;
    }
    case kBool: {
      uint8_t v;
      if (!c.get(v, what)) return false;
      out = v != 0;
      return true;
    }
    case kU64: {
      uint64_t v;
      if (!c.get(v, what)) return false;
      out = v;
      return true;
    }
    case kI64: {
      int64_t v;
      if (!c.get(v, what)) return false;
      out = v;
      return true;
    }
    case kF64: {
      double v;
      if (!c.get(v, what)) return false;
      out = std::isfinite(v) ? json(v) : json(nullptr);
      return true;
    }
    case kString: {
      std::string s;
      if (!c.str(s, what)) return false;
      out = std::move(s);
      return true;
    }
    default:
      return c.fail(key, "metadata '" + key + "' has unknown type " + std::to_string(t));
  }
}

bool value(Cursor& c, uint32_t t, json& out, const std::string& key) {
  if (t != kArray) return scalar(c, t, out, key);
  uint32_t et;
  uint64_t n;
  if (!c.get(et, "array type") || !c.count(n, "array length")) return false;
  if (et >= kTypeCount || et == kArray)
    return c.fail(key, "metadata '" + key + "' is an array of unknown or nested type");
  const uint64_t min_elem = et == kString ? (c.version == 1 ? 4 : 8) : scalar_size(et);
  if (min_elem == 0 || n > c.file_size / min_elem)
    return c.fail(key, "metadata '" + key + "' claims more elements than the file holds");
  if (et == kString) {
    // Tokenizer vocabularies: keep the length, walk the strings without storing them.
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t len;
      if (!c.count(len, "string length") || !c.skip(len, "string")) return false;
    }
    out = {{"array_of", "string"}, {"length", n}};
    return true;
  }
  if (n > kMaxKeptArray) {
    if (!c.skip(n * scalar_size(et), "array")) return false;
    out = {{"array_of", "number"}, {"length", n}};
    return true;
  }
  out = json::array();
  for (uint64_t i = 0; i < n; ++i) {
    json v;
    if (!scalar(c, et, v, key)) return false;
    out.push_back(std::move(v));
  }
  return true;
}

}  // namespace

Result<GgufFile> read_gguf(const uint8_t* data, size_t size, uint64_t file_size, uint64_t* needed) {
  if (needed) *needed = 0;
  if (file_size < size) file_size = size;
  Cursor c{data, size, file_size, 3, 0, 0, {}, {}};
  GgufFile f;
  auto finish_error = [&]() -> Error {
    if (c.need > 0) {
      if (needed) *needed = c.need;
      return make_error("truncated", "file",
                        "the header continues past the bytes read: read at least " +
                            std::to_string(c.need) + " bytes");
    }
    return make_error("bad_gguf", c.field.empty() ? "file" : c.field,
                      "not a valid GGUF file: " + c.error);
  };
  uint32_t magic = 0;
  if (!c.get(magic, "magic")) return finish_error();
  if (std::memcmp(data, "GGUF", 4) != 0)
    return make_error("bad_gguf", "file", "not a GGUF file (the first 4 bytes are not 'GGUF')");
  if (!c.get(f.version, "version")) return finish_error();
  if (f.version < 1 || f.version > 3)
    return make_error("bad_gguf", "file",
                      "GGUF version " + std::to_string(f.version) + " is not supported (1-3)");
  c.version = f.version;
  uint64_t n_tensors = 0, n_kv = 0;
  if (!c.count(n_tensors, "tensor count") || !c.count(n_kv, "metadata count"))
    return finish_error();
  // Every tensor info takes at least 4 (name) + 4 (dims) + 4 (type) + 8 (offset) bytes, every
  // key/value at least 4 + 4 + 1: counts beyond the file size are lies.
  if (n_tensors > file_size / 20)
    return make_error("bad_gguf", "tensor_count",
                      "not a valid GGUF file: " + std::to_string(n_tensors) +
                          " tensors cannot fit in " + std::to_string(file_size) + " bytes");
  if (n_kv > file_size / 9)
    return make_error("bad_gguf", "kv_count",
                      "not a valid GGUF file: " + std::to_string(n_kv) +
                          " metadata entries cannot fit in the file");
  for (uint64_t i = 0; i < n_kv; ++i) {
    std::string key;
    uint32_t type;
    if (!c.str(key, "metadata key") || !c.get(type, "metadata type")) return finish_error();
    if (type >= kTypeCount) {
      c.fail(key, "metadata '" + key + "' has type " + std::to_string(type) + ", out of range");
      return finish_error();
    }
    json v;
    if (!value(c, type, v, key)) return finish_error();
    f.metadata[key] = std::move(v);
  }
  f.tensors.reserve(static_cast<size_t>(std::min<uint64_t>(n_tensors, 1 << 16)));
  for (uint64_t i = 0; i < n_tensors; ++i) {
    GgufTensor t;
    if (!c.str(t.name, "tensor name") || !c.get(t.n_dims, "tensor dims")) return finish_error();
    if (t.n_dims == 0 || t.n_dims > kMaxDims) {
      c.fail("tensor", "tensor '" + t.name + "' has " + std::to_string(t.n_dims) + " dimensions");
      return finish_error();
    }
    uint64_t elements = 1;
    for (uint32_t d = 0; d < t.n_dims; ++d) {
      uint64_t v;
      if (f.version == 1) {
        uint32_t v32;
        if (!c.get(v32, "tensor shape")) return finish_error();
        v = v32;
      } else if (!c.get(v, "tensor shape"))
        return finish_error();
      if (v == 0 || elements > (uint64_t{1} << 62) / v) {
        c.fail("tensor", "tensor '" + t.name + "' has an impossible shape");
        return finish_error();
      }
      t.ne[d] = v;
      elements *= v;
    }
    if (!c.get(t.type, "tensor type") || !c.get(t.offset, "tensor offset")) return finish_error();
    const GgmlTypeTraits* tr = ggml_traits(static_cast<GgmlType>(t.type));
    if (!tr || tr->block_size == 0) {
      c.fail("tensor", "tensor '" + t.name + "' has unknown ggml type " + std::to_string(t.type));
      return finish_error();
    }
    if (t.ne[0] % tr->block_size != 0) {
      c.fail("tensor", "tensor '" + t.name + "' row is not a whole number of blocks");
      return finish_error();
    }
    t.bytes = elements / tr->block_size * tr->type_size;
    if (t.bytes > file_size) {
      c.fail("tensor", "tensor '" + t.name + "' is larger than the file");
      return finish_error();
    }
    f.tensors.push_back(std::move(t));
  }
  f.header_bytes = c.pos;
  return f;
}

uint32_t gguf_meta_u32(const json& md, const std::string& key, uint32_t dflt) {
  if (!md.contains(key)) return dflt;
  const json& v = md[key];
  if (v.is_number_unsigned() || v.is_number_integer()) {
    const int64_t x = v.get<int64_t>();
    return x > 0 && x < (int64_t{1} << 31) ? static_cast<uint32_t>(x) : dflt;
  }
  if (v.is_array() && !v.empty()) {  // per-layer values: the largest
    uint32_t m = 0;
    for (const auto& e : v)
      if (e.is_number_integer())
        m = std::max<uint32_t>(m, static_cast<uint32_t>(std::max<int64_t>(0, e.get<int64_t>())));
    return m ? m : dflt;
  }
  return dflt;
}

Result<GgufModel> model_from_gguf(const GgufFile& f) {
  const json& md = f.metadata;
  GgufModel out;
  if (!md.contains("general.architecture") || !md["general.architecture"].is_string())
    return make_error("bad_gguf", "general.architecture",
                      "the file has no general.architecture: not a model GGUF");
  const std::string a = md["general.architecture"];
  static const char* const kNotLlm[] = {"nomic-bert", "jina-bert-v2",    "t5", "t5encoder", "clip",
                                        "whisper",    "wavtokenizer-dec"};
  for (const char* x : kNotLlm)
    if (a == x)
      return make_error("unsupported_architecture", "general.architecture",
                        "'" + a +
                            "' is an encoder / non-LLM architecture runcheck does not model (of "
                            "the encoders it reads BERT embedding models)");
  const auto k = [&](const char* suffix) { return a + "." + suffix; };
  ModelArch& m = out.arch;
  m.arch = a;
  m.block_count = gguf_meta_u32(md, k("block_count"));
  m.embedding_length = gguf_meta_u32(md, k("embedding_length"));
  m.feed_forward_length = gguf_meta_u32(md, k("feed_forward_length"));
  m.head_count = gguf_meta_u32(md, k("attention.head_count"));
  m.head_count_kv = gguf_meta_u32(md, k("attention.head_count_kv"), m.head_count);
  m.context_length = gguf_meta_u32(md, k("context_length"), 2048);
  if (a == "bert") {  // an embedding encoder: no cache (llama.cpp create_memory), no logits
    m.encoder_only = true;
    m.gated_ffn = false;
    m.token_type_count = gguf_meta_u32(md, "tokenizer.ggml.token_type_count");
  }
  // A reranker (llama.cpp LLAMA_POOLING_TYPE_RANK = 4): one score per label of
  // classifier.output_labels (n_cls_out, 1 when the file lists none; llama-model.cpp).
  if (gguf_meta_u32(md, k("pooling_type")) == 4) {
    const std::string labels = k("classifier.output_labels");
    m.rank_labels = md.contains(labels) && md[labels].is_array() && !md[labels].empty()
                        ? static_cast<uint32_t>(std::min<size_t>(md[labels].size(), 1024))
                        : 1;
  }
  const uint32_t head_dim = m.head_count ? m.embedding_length / m.head_count : 0;
  m.key_length = gguf_meta_u32(md, k("attention.key_length"), head_dim);
  m.value_length = gguf_meta_u32(md, k("attention.value_length"), head_dim);
  m.vocab_size = gguf_meta_u32(md, k("vocab_size"));
  if (!m.vocab_size && md.contains("tokenizer.ggml.tokens") &&
      md["tokenizer.ggml.tokens"].is_object())
    m.vocab_size = static_cast<uint32_t>(md["tokenizer.ggml.tokens"].value("length", 0));
  m.expert_count = gguf_meta_u32(md, k("expert_count"));
  m.expert_used_count = gguf_meta_u32(md, k("expert_used_count"));
  m.expert_feed_forward_length = gguf_meta_u32(md, k("expert_feed_forward_length"));
  m.expert_shared_feed_forward_length = gguf_meta_u32(md, k("expert_shared_feed_forward_length"));
  m.expert_shared_count = gguf_meta_u32(md, k("expert_shared_count"));
  m.leading_dense_block_count = gguf_meta_u32(md, k("leading_dense_block_count"));
  m.sliding_window = gguf_meta_u32(md, k("attention.sliding_window"));
  m.kv_lora_rank = gguf_meta_u32(md, k("attention.kv_lora_rank"));
  m.q_lora_rank = gguf_meta_u32(md, k("attention.q_lora_rank"));
  m.rope_dimension_count = gguf_meta_u32(md, k("rope.dimension_count"));
  m.ssm_conv_kernel = gguf_meta_u32(md, k("ssm.conv_kernel"));
  m.ssm_inner_size = gguf_meta_u32(md, k("ssm.inner_size"));
  m.ssm_state_size = gguf_meta_u32(md, k("ssm.state_size"));
  m.ssm_group_count = gguf_meta_u32(md, k("ssm.group_count"));
  m.ssm_time_step_rank = gguf_meta_u32(md, k("ssm.time_step_rank"));
  m.nextn_layers = gguf_meta_u32(md, k("nextn_predict_layers"));
  // glm4moe: llama.cpp counts the nextn blocks as layers but skips their weights (see model.h).
  if (a == "glm4moe" && m.nextn_layers < m.block_count) m.skipped_tail_layers = m.nextn_layers;
  m.indexer_head_count = gguf_meta_u32(md, k("attention.indexer.head_count"));
  m.indexer_head_dim = gguf_meta_u32(md, k("attention.indexer.key_length"));
  if (m.indexer_head_dim) {
    // Full (1) or shared (0) indexer per layer (llama.cpp LLM_KV_ATTENTION_INDEXER_TYPES).
    const std::string key = k("attention.indexer.types");
    if (md.contains(key) && md[key].is_array() && md[key].size() <= m.block_count) {
      for (const json& e : md[key])
        m.indexer_types.push_back(
            (e.is_boolean() && e.get<bool>()) || (e.is_number() && e.get<double>() != 0) ? '1'
                                                                                         : '0');
    } else if (a == "glm-dsa" && m.context_length >= 1048576) {
      // src/models/glm-dsa.cpp: a GLM-DSA file of 1M context without the key is GLM-5.2, whose
      // default (GLM_5_2_DEFAULT_INDEXER_TYPES) is full on layers 0-2 and every 4th from 6.
      for (uint32_t i = 0; i < m.block_count; ++i)
        m.indexer_types.push_back(i < 3 || (i - 2) % 4 == 0 ? '1' : '0');
    }
  }
  if (m.is_mla()) {  // DeepSeek MLA: the cache holds the latent plus the rope part
    m.qk_nope_head_dim =
        m.key_length > m.rope_dimension_count ? m.key_length - m.rope_dimension_count : 0;
    m.head_count_kv = m.head_count;
  }
  if (!m.block_count || !m.embedding_length || !m.head_count || !m.vocab_size) {
    std::string missing;
    if (!m.block_count) missing += " " + k("block_count");
    if (!m.embedding_length) missing += " " + k("embedding_length");
    if (!m.head_count) missing += " " + k("attention.head_count");
    if (!m.vocab_size) missing += " vocabulary size";
    return make_error("bad_gguf", "metadata", "the file lacks what runcheck needs:" + missing);
  }
  if (m.head_count_kv == 0 || m.head_count % m.head_count_kv != 0) m.head_count_kv = m.head_count;
  // Layer kinds, per-layer shapes, shared caches and state-space layers (gguf_layout.cpp).
  if (auto e = gguf_layer_layout(md, m)) return *e;
  // Exact weights from the tensors.
  WeightPlan& w = out.weights;
  w.layer_bytes.assign(m.block_count, 0);
  w.layer_expert_bytes.assign(m.block_count, 0);
  w.layer_largest_bytes.assign(m.block_count, 0);
  w.layer_largest_expert_bytes.assign(m.block_count, 0);
  bool has_output = false;
  uint64_t tok_embd_only = 0;  // token_embd alone: what a tied output duplicates
  const uint32_t loaded_layers = m.block_count - m.skipped_tail_layers;
  for (const auto& t : f.tensors) {
    unsigned tl = 0;
    // Tensors of the skipped nextn blocks are never allocated ("model has unused tensor ...
    // -- ignoring", llama-model-loader.cpp): they are not part of the model's memory.
    if (m.skipped_tail_layers && t.name.rfind("blk.", 0) == 0 &&
        std::sscanf(t.name.c_str(), "blk.%u.", &tl) == 1 && tl >= loaded_layers)
      continue;
    w.total_bytes += t.bytes;
    w.parameters += t.ne[0] * t.ne[1] * t.ne[2] * t.ne[3];
    if (t.type < w.bytes_by_type.size()) {
      w.bytes_by_type[t.type] += t.bytes;
      ++w.tensors_by_type[t.type];
    }
    if (t.name == "token_embd.weight") {
      w.token_embd_bytes += t.bytes;
      tok_embd_only += t.bytes;
      continue;
    }
    // Gemma 3n / Gemma 4 E-series per-layer embeddings: a lookup table like the token
    // embeddings (LLM_TENSOR_LAYER_INPUT, llama-arch.cpp), kept in host memory with them.
    if (t.name == "per_layer_token_embd.weight") {
      w.token_embd_bytes += t.bytes;
      continue;
    }
    if (t.name == "output.weight" || t.name == "output_norm.weight") {
      has_output = has_output || t.name == "output.weight";
      w.output_bytes += t.bytes;
      continue;
    }
    unsigned layer = 0;
    if (t.name.rfind("blk.", 0) == 0 && std::sscanf(t.name.c_str(), "blk.%u.", &layer) == 1 &&
        layer < m.block_count) {
      w.add_layer_tensor(layer, t.bytes, t.name.find("_exps") != std::string::npos);
    } else {
      w.other_global_bytes += t.bytes;
    }
  }
  out.has_tensors = !f.tensors.empty();
  if (!out.has_tensors) apply_arch_layout(m);  // no tensors to read the layout from
  m.tied_embeddings = out.has_tensors && !has_output;
  if (m.tied_embeddings) w.output_bytes += tok_embd_only;  // llama.cpp duplicates it as the output
  w.tied_table_bytes = m.tied_embeddings ? tok_embd_only : 0;
  out.name = md.contains("general.name") && md["general.name"].is_string()
                 ? md["general.name"].get<std::string>()
                 : a;
  if (md.contains("general.file_type") && md["general.file_type"].is_number_integer()) {
    const FileTypeInfo* ft =
        file_type_by_id(static_cast<uint32_t>(md["general.file_type"].get<int64_t>()));
    if (ft) out.file_type = std::string(ft->name);
  }
  json by_type = json::array();
  for (uint32_t t = 0; t < w.tensors_by_type.size(); ++t)
    if (w.tensors_by_type[t])
      by_type.push_back({{"type", std::string(ggml_traits(static_cast<GgmlType>(t))->name)},
                         {"tensors", w.tensors_by_type[t]},
                         {"bytes", w.bytes_by_type[t]}});
  out.summary = {{"architecture", a},
                 {"name", out.name},
                 {"gguf_version", f.version},
                 {"file_type", out.file_type.empty() ? json(nullptr) : json(out.file_type)},
                 {"tensors", f.tensors.size()},
                 {"has_tensors", out.has_tensors},
                 {"parameters", w.parameters},
                 {"weights_bytes", w.total_bytes},
                 {"weights_by_type", by_type},
                 {"block_count", m.block_count},
                 {"embedding_length", m.embedding_length},
                 {"head_count", m.head_count},
                 {"head_count_kv", m.head_count_kv},
                 {"key_length", m.key_length},
                 {"value_length", m.value_length},
                 {"context_length", m.context_length},
                 {"vocab_size", m.vocab_size},
                 {"expert_count", m.expert_count},
                 {"expert_used_count", m.expert_used_count},
                 {"sliding_window", m.sliding_window},
                 {"header_bytes", f.header_bytes}};
  return out;
}

}  // namespace runcheck
