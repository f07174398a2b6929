// GGUF files whose layers are not all alike: hybrid attention + state-space models (Nemotron-H,
// Granite 4 hybrid, Jamba, LFM2, Falcon-H1) and cross-layer KV sharing with per-layer embeddings
// (Gemma 3n, Gemma 4 E-series). The layer kinds llama.cpp's loaders derive from the header, and
// the KV and recurrent-state bytes that follow, against published load logs and GGUF headers.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "gguf.h"
#include "runcheck/catalog.h"
#include "runcheck/memory.h"
#include "test_util.h"

namespace runcheck {
namespace {

using test::kMiB;
using test::total_kv;
using test::total_recurrent;

// A GGUF v3 header with metadata only (no tensors): the hyperparameters the importer reads.
class Header {
 public:
  explicit Header(std::string arch) : arch_(std::move(arch)) { str("general.architecture", arch_); }
  Header& u32(const std::string& key, uint32_t v) {
    name(key);
    put<uint32_t>(4);
    put(v);
    ++n_;
    return *this;
  }
  Header& i32s(const std::string& key, const std::vector<int32_t>& v) {
    name(key);
    put<uint32_t>(9);  // array
    put<uint32_t>(5);  // of int32, as gguf-py writes a list of Python ints
    put<uint64_t>(v.size());
    for (int32_t x : v) put(x);
    ++n_;
    return *this;
  }
  Header& bools(const std::string& key, const std::vector<bool>& v) {
    name(key);
    put<uint32_t>(9);  // array
    put<uint32_t>(7);  // of bool
    put<uint64_t>(v.size());
    for (bool x : v) put<uint8_t>(x ? 1 : 0);
    ++n_;
    return *this;
  }
  // A tensor of F16 elements (shape ne0 x ne1); the file gets room for its data.
  Header& tensor(const std::string& tname, uint64_t ne0, uint64_t ne1) {
    tensors_.push_back({tname, ne0, ne1});
    return *this;
  }
  Header& a(const std::string& suffix, uint32_t v) { return u32(arch_ + "." + suffix, v); }
  Header& a(const std::string& suffix, const std::vector<int32_t>& v) {
    return i32s(arch_ + "." + suffix, v);
  }
  Result<GgufModel> import() const {
    std::string s = "GGUF";
    const uint32_t version = 3;
    s.append(reinterpret_cast<const char*>(&version), 4);
    const uint64_t tensors = tensors_.size(), kv = n_;
    s.append(reinterpret_cast<const char*>(&tensors), 8);
    s.append(reinterpret_cast<const char*>(&kv), 8);
    s += body_;
    uint64_t offset = 0;
    for (const auto& t : tensors_) {
      const auto add = [&](auto v) { s.append(reinterpret_cast<const char*>(&v), sizeof v); };
      add(static_cast<uint64_t>(t.name.size()));
      s += t.name;
      add(uint32_t{2});
      add(t.ne0);
      add(t.ne1);
      add(uint32_t{1});  // F16
      add(offset);
      offset += (t.ne0 * t.ne1 * 2 + 31) / 32 * 32;
    }
    s += std::string(64, '\0');
    // The header alone is read; the file is said to be as long as the tensors' data needs.
    uint64_t needed = 0;
    auto f =
        read_gguf(reinterpret_cast<const uint8_t*>(s.data()), s.size(), s.size() + offset, &needed);
    if (!f.ok()) return f.error();
    return model_from_gguf(f.value());
  }

 private:
  template <typename T>
  void put(T v) {
    body_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void name(const std::string& k) {
    put<uint64_t>(k.size());
    body_ += k;
  }
  void str(const std::string& key, const std::string& v) {
    name(key);
    put<uint32_t>(8);
    name(v);
    ++n_;
  }
  struct T {
    std::string name;
    uint64_t ne0, ne1;
  };
  std::string arch_, body_;
  std::vector<T> tensors_;
  uint64_t n_ = 0;
};

// Nemotron 3 Ultra as its GGUF states it (the converter writes attention.head_count_kv and
// feed_forward_length per layer: KV heads on the attention blocks, the FFN width on the MLP /
// MoE blocks, 0 elsewhere), against the load log of llama.cpp issue #24175 (4 slots, 16128
// cells): "KV buffer size = 189.00 MiB (16128 cells, 12 layers, 4/1 seqs)" and "RS buffer size =
// 1576.50 MiB (4 cells, ...), R (f32): 40.50 MiB, S (f32): 1536.00 MiB". The per-layer arrays
// are built from the catalog entry's layer pattern; the SSM keys are its Mamba2 sizes.
TEST(GgufLayers, NemotronHFromPerLayerArraysMatchesThePublishedLog) {
  const ModelEntry* e = builtin_catalog().model("nemotron-3-ultra-550b-a55b");
  ASSERT_NE(e, nullptr);
  const ModelArch& c = e->arch;
  ASSERT_GT(c.expert_feed_forward_length, 0u);
  std::vector<int32_t> kv, ff;
  for (LayerKind k : c.layers) {
    kv.push_back(k == LayerKind::kFullAttention ? static_cast<int32_t>(c.head_count_kv) : 0);
    ff.push_back(k == LayerKind::kFeedForward ? static_cast<int32_t>(c.expert_feed_forward_length)
                                              : 0);
  }
  auto r = Header("nemotron_h_moe")
               .a("block_count", c.block_count)
               .a("embedding_length", c.embedding_length)
               .a("attention.head_count", c.head_count)
               .a("attention.head_count_kv", kv)
               .a("attention.key_length", c.key_length)
               .a("attention.value_length", c.value_length)
               .a("feed_forward_length", ff)
               .a("vocab_size", c.vocab_size)
               .a("ssm.conv_kernel", c.ssm_conv_kernel)
               .a("ssm.inner_size", c.ssm_inner_size)
               .a("ssm.state_size", c.ssm_state_size)
               .a("ssm.time_step_rank", c.ssm_time_step_rank)
               .a("ssm.group_count", c.ssm_group_count)
               .import();
  ASSERT_TRUE(r.ok()) << r.error().message;
  const ModelArch& m = r.value().arch;
  EXPECT_EQ(m.layers, c.layers);
  KvOptions o;
  o.n_ctx = 4032;
  o.n_seq = 4;
  uint32_t kv_layers = 0, rs_layers = 0;
  EXPECT_DOUBLE_EQ(static_cast<double>(total_kv(m, o, &kv_layers)) / kMiB, 189.00);
  EXPECT_EQ(kv_layers, 12u);
  EXPECT_DOUBLE_EQ(static_cast<double>(total_recurrent(m, o, &rs_layers)) / kMiB, 1576.50);
  EXPECT_EQ(rs_layers, 48u);
}

// LFM2-350M's header as llama.cpp printed it (issue #14979): n_embd 1024, 16 layers,
// n_head_kv = [0, 0, 8, 0, 0, 8, 0, 0, 8, 0, 8, 0, 8, 0, 8, 0], head dim 64. The ten short
// convolution layers keep n_embd x (l_cache - 1) f32 each (llama_hparams::n_embd_r; l_cache 3
// in LiquidAI's configs): 10 x 1024 x 2 x 4 B = 81,920 B per sequence. The six attention layers
// hold K and V of 8 x 64 f16 per token: at 4096 cells 6 x 4096 x 2 x 512 x 2 B = 48 MiB - the
// "KV buffer size = 48.00 MiB" of the LFM2.5 1.5B log in llama.cpp PR #18641 (same KV shape).
TEST(GgufLayers, Lfm2ShortConvolutionsKeepOnlyAConvState) {
  const std::vector<int32_t> kv = {0, 0, 8, 0, 0, 8, 0, 0, 8, 0, 8, 0, 8, 0, 8, 0};
  auto r = Header("lfm2")
               .a("block_count", 16)
               .a("embedding_length", 1024)
               .a("attention.head_count", 16)
               .a("attention.head_count_kv", kv)
               .a("feed_forward_length", 4608)
               .a("vocab_size", 65536)
               .a("shortconv.l_cache", 3)
               .import();
  ASSERT_TRUE(r.ok()) << r.error().message;
  const ModelArch& m = r.value().arch;
  KvOptions o;
  o.n_ctx = 4096;
  uint32_t kv_layers = 0, rs_layers = 0;
  EXPECT_EQ(total_kv(m, o, &kv_layers), 48ull * kMiB);
  EXPECT_EQ(kv_layers, 6u);
  EXPECT_EQ(total_recurrent(m, o, &rs_layers), 81920u);
  EXPECT_EQ(rs_layers, 10u);
  o.n_seq = 4;  // one state per sequence
  EXPECT_EQ(total_recurrent(m, o), 4u * 81920);
}

// Granite 4.0 hybrid and Jamba: recurrent exactly where head_count_kv is 0, whatever the FFN
// (every Granite block has one). A 4-layer toy: Mamba2 d_inner 2 x 256, 1 group of state 64, conv
// 4: R = 3 x (512 + 128) = 1,920 f32, S = 64 x 512 = 32,768 f32 per layer: 138,752 B per layer.
TEST(GgufLayers, GraniteHybridAndJambaFollowTheirKvHeadArray) {
  for (const char* arch : {"granitehybrid", "jamba"}) {
    auto r = Header(arch)
                 .a("block_count", 4)
                 .a("embedding_length", 256)
                 .a("attention.head_count", 4)
                 .a("attention.head_count_kv", std::vector<int32_t>{0, 0, 0, 2})
                 .a("feed_forward_length", std::vector<int32_t>{512, 512, 512, 512})
                 .a("vocab_size", 1000)
                 .a("ssm.conv_kernel", 4)
                 .a("ssm.inner_size", 512)
                 .a("ssm.state_size", 64)
                 .a("ssm.time_step_rank", 8)
                 .a("ssm.group_count", 1)
                 .import();
    ASSERT_TRUE(r.ok()) << arch << ": " << r.error().message;
    const ModelArch& m = r.value().arch;
    EXPECT_EQ(m.layers, (std::vector<LayerKind>{LayerKind::kRecurrent, LayerKind::kRecurrent,
                                                LayerKind::kRecurrent, LayerKind::kFullAttention}))
        << arch;
    KvOptions o;
    o.n_ctx = 1024;
    EXPECT_EQ(total_kv(m, o), 1024ull * 2 * 2 * 64 * 2) << arch;  // one layer, 2 KV heads of 64
    EXPECT_EQ(total_recurrent(m, o), 3ull * 138752) << arch;
  }
  // Without the per-layer array the file cannot say which layers are recurrent: refused by key.
  auto bad = Header("granitehybrid")
                 .a("block_count", 4)
                 .a("embedding_length", 256)
                 .a("attention.head_count", 4)
                 .a("attention.head_count_kv", 2)
                 .a("vocab_size", 1000)
                 .import();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "granitehybrid.attention.head_count_kv");
}

// Falcon-H1 (src/models/falcon-h1.cpp; create_memory's Falcon-H1 filters keep every layer in
// both caches): each layer holds KV and a Mamba2 state. Falcon-H1-0.5B's shapes (36 layers,
// hidden 1024, 8 Q / 2 KV heads of 64; Mamba2 24 heads x 64 = d_inner 1536, 1 group, state 128,
// conv 4): KV 36 x 2 x 2 x 64 x 2 B = 18,432 B per token; state per layer (3 x (1536 + 256) +
// 128 x 1536) x 4 B = 807,936 B, x 36 = 29,085,696 B per sequence.
TEST(GgufLayers, FalconH1CachesAttentionAndStateInEveryLayer) {
  auto r = Header("falcon-h1")
               .a("block_count", 36)
               .a("embedding_length", 1024)
               .a("attention.head_count", 8)
               .a("attention.head_count_kv", 2)
               .a("attention.key_length", 64)
               .a("attention.value_length", 64)
               .a("feed_forward_length", 2048)
               .a("vocab_size", 32784)
               .a("ssm.conv_kernel", 4)
               .a("ssm.inner_size", 1536)
               .a("ssm.state_size", 128)
               .a("ssm.time_step_rank", 24)
               .a("ssm.group_count", 1)
               .import();
  ASSERT_TRUE(r.ok()) << r.error().message;
  const ModelArch& m = r.value().arch;
  KvOptions o;
  o.n_ctx = 8192;
  uint32_t kv_layers = 0, rs_layers = 0;
  EXPECT_EQ(total_kv(m, o, &kv_layers), 8192ull * 18432);
  EXPECT_EQ(kv_layers, 36u);
  EXPECT_EQ(total_recurrent(m, o, &rs_layers), 29085696u);
  EXPECT_EQ(rs_layers, 36u);
}

// Falcon-H1-1.5B against a published run (GeniePod/genie-claw issue #410, llama.cpp at 32768
// context, one sequence; the author joined each buffer line with its size line): "KV buffer size
// = 768.00 MiB (32768 cells, 24 layers, K 384 + V 384)", "RS buffer size = 72.98 MiB (1 cells, 24
// layers, R 0.98 + S 72.00)". Shapes from the Falcon-H1 table of the transformers docs (H1 1.5B:
// depth 24, dim 2048, 8 attention / 2 KV heads of 128, 48 Mamba heads of 64 = d_inner 3072,
// d_state 256); one B/C group, which is what the logged R needs: 24 x 3 x (3072 + 2 x 256) x 4 B
// = 1,032,192 B = 0.98 MiB; S 24 x 256 x 3072 x 4 B = 72.00 MiB; KV 24 x 32768 x 2 x 256 x 2 B.
// (The vocabulary size is not in that table; neither buffer depends on it.)
TEST(GgufLayers, FalconH1MatchesAPublishedRun) {
  auto r = Header("falcon-h1")
               .a("block_count", 24)
               .a("embedding_length", 2048)
               .a("attention.head_count", 8)
               .a("attention.head_count_kv", 2)
               .a("attention.key_length", 128)
               .a("attention.value_length", 128)
               .a("vocab_size", 65536)
               .a("ssm.conv_kernel", 4)
               .a("ssm.inner_size", 3072)
               .a("ssm.state_size", 256)
               .a("ssm.time_step_rank", 48)
               .a("ssm.group_count", 1)
               .import();
  ASSERT_TRUE(r.ok()) << r.error().message;
  KvOptions o;
  o.n_ctx = 32768;
  EXPECT_DOUBLE_EQ(static_cast<double>(total_kv(r.value().arch, o)) / kMiB, 768.00);
  const uint64_t rs = total_recurrent(r.value().arch, o);
  EXPECT_EQ(rs, 1032192u + 75497472u);
  EXPECT_NEAR(static_cast<double>(rs) / kMiB, 72.98, 0.005);
}

// Gemma 4 E4B (llama.cpp src/models/gemma4.cpp): the last attention.shared_kv_layers layers read
// an earlier layer's cache (n_layer_kv_from_start = 42 - 18 = 24; "Shared KV layers (18 layers
// share KV cache)", 42 text layers, 2 KV heads, key length 512 on full layers and 256 on sliding
// ones, per-layer embeddings of 256: AmesianX/TurboQuant PR #10; embedding length 2560:
// canonical/inference-snaps issue #275's header). The per-layer embedding table (256 x 42 rows
// per token of a 262,144 vocabulary) is a lookup like token_embd and stays in host memory
// with it; only token_embd is duplicated as the tied output.
TEST(GgufLayers, Gemma4SharedKvLayersHoldNoCacheAndPerLayerEmbeddingsStayOnTheHost) {
  std::vector<bool> swa;
  for (uint32_t i = 0; i < 42; ++i) swa.push_back(i % 6 != 5);  // the file lists its own pattern
  auto r = Header("gemma4")
               .a("block_count", 42)
               .a("embedding_length", 2560)
               .a("attention.head_count", 8)
               .a("attention.head_count_kv", 2)
               .a("attention.key_length", 512)
               .a("attention.value_length", 512)
               .a("attention.key_length_swa", 256)
               .a("attention.sliding_window", 512)
               .bools("gemma4.attention.sliding_window_pattern", swa)
               .a("attention.shared_kv_layers", 18)
               .a("embedding_length_per_layer_input", 256)
               .a("vocab_size", 262144)
               .tensor("token_embd.weight", 2560, 262144)
               .tensor("per_layer_token_embd.weight", 256 * 42, 262144)
               .tensor("blk.0.attn_q.weight", 2560, 8 * 256)
               .import();
  ASSERT_TRUE(r.ok()) << r.error().message;
  const ModelArch& m = r.value().arch;
  EXPECT_EQ(m.kv_layers_from_start, 24u);
  KvOptions o;
  o.n_ctx = 4096;  // below the window pad, so sliding and full layers hold the same cells
  uint32_t kv_layers = 0;
  const uint64_t kv = total_kv(m, o, &kv_layers);
  EXPECT_EQ(kv_layers, 24u);
  // Layers 0-23: 4 full (5, 11, 17, 23) x 2 x 2 x 512 x 2 B and 20 sliding x 2 x 2 x 256 x 2 B
  // per token; sliding layers keep window + ubatch = 1,024 cells, full ones 4,096.
  EXPECT_EQ(kv, 4096ull * 4 * 4096 + 1024ull * 20 * 2048);
  for (uint32_t il = 24; il < 42; ++il) EXPECT_EQ(kv_layer_bytes(m, il, o), 0u) << il;
  const WeightPlan& w = r.value().weights;
  EXPECT_EQ(w.token_embd_bytes, 2ull * 2560 * 262144 + 2ull * 256 * 42 * 262144);
  EXPECT_EQ(w.output_bytes, 2ull * 2560 * 262144);  // tied: token_embd alone, duplicated
}

// Gemma 3n (src/models/gemma3n.cpp): n_layer_kv_from_start is fixed at 20 and the sliding
// pattern's period at 5 (every fifth layer full). E4B has 35 layers, E2B 30: 20 caches either way.
TEST(GgufLayers, Gemma3nKeepsACacheForItsFirstTwentyLayers) {
  for (uint32_t layers : {35u, 30u}) {
    auto r = Header("gemma3n")
                 .a("block_count", layers)
                 .a("embedding_length", 2048)
                 .a("attention.head_count", 8)
                 .a("attention.head_count_kv", 2)
                 .a("attention.key_length", 256)
                 .a("attention.value_length", 256)
                 .a("attention.sliding_window", 512)
                 .a("vocab_size", 262400)
                 .import();
    ASSERT_TRUE(r.ok()) << r.error().message;
    const ModelArch& m = r.value().arch;
    KvOptions o;
    o.n_ctx = 32768;
    uint32_t kv_layers = 0;
    const uint64_t kv = total_kv(m, o, &kv_layers);
    EXPECT_EQ(kv_layers, 20u);
    // 4 full layers (4, 9, 14, 19) at 32,768 cells, 16 sliding ones at 512 + 512 cells; each
    // 2 KV heads x 256 x (K+V) x 2 B = 2,048 B per cell.
    EXPECT_EQ(kv, (4ull * 32768 + 16ull * 1024) * 2048) << layers;
  }
}

// Pure state-space files stay refused by name rather than sized as attention.
TEST(GgufLayers, PureStateSpaceFilesAreRefusedByName) {
  auto r = Header("mamba2")
               .a("block_count", 4)
               .a("embedding_length", 256)
               .a("attention.head_count", 1)
               .a("vocab_size", 1000)
               .a("ssm.conv_kernel", 4)
               .a("ssm.inner_size", 512)
               .a("ssm.state_size", 64)
               .import();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unsupported_architecture");
  EXPECT_EQ(r.error().field, "general.architecture");
}

// DeepSeek-V4-Flash as its GGUF states it (the keys conversion/deepseek.py writes: 43 layers,
// attention.compress_ratios per layer, the 512-wide single K=V head, the indexer's 128-wide
// keys, window 128): the same cache as the catalog's config gives, 903.89 MiB at 131,072
// tokens (dsv4_test); a ratio llama.cpp does not take is refused naming the key.
TEST(GgufLayers, DeepSeekV4CompressRatiosFromTheHeader) {
  const ModelEntry* e = builtin_catalog().model("deepseek-v4-flash");
  ASSERT_NE(e, nullptr);
  const ModelArch& c = e->arch;
  std::vector<int32_t> ratios;
  for (uint32_t i = 0; i < c.block_count; ++i)
    ratios.push_back(static_cast<int32_t>(c.compress_ratio(i)));
  const auto header = [&](const std::vector<int32_t>& r) {
    return Header("deepseek4")
        .a("block_count", c.block_count)
        .a("embedding_length", c.embedding_length)
        .a("attention.head_count", c.head_count)
        .a("attention.head_count_kv", 1)
        .a("attention.key_length", 512)
        .a("attention.value_length", 512)
        .a("attention.sliding_window", 128)
        .a("attention.indexer.head_count", 64)
        .a("attention.indexer.key_length", 128)
        .a("vocab_size", c.vocab_size)
        .a("context_length", 1048576)
        .a("attention.compress_ratios", r)
        .import();
  };
  auto g = header(ratios);
  ASSERT_TRUE(g.ok()) << g.error().message;
  const ModelArch& m = g.value().arch;
  EXPECT_EQ(m.compress_ratios, c.compress_ratios);
  KvOptions o;
  o.n_ctx = 131072;
  EXPECT_EQ(total_kv(m, o) + total_recurrent(m, o), 947798016u);  // 903.89 MiB
  ratios[5] = 64;
  auto bad = header(ratios);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "deepseek4.attention.compress_ratios");
}

}  // namespace
}  // namespace runcheck
