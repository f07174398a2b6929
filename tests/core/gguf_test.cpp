// GGUF reader and model import: the fixture files read exactly, prefixes report what they need,
// and hostile headers are refused without crashing or over-allocating.
#include "gguf.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "runcheck/api.h"
#include "runcheck/memory.h"
#include "runcheck/model.h"
#include "test_util.h"
#include "user_models.h"

namespace runcheck {
namespace {

using nlohmann::json;

std::string fixture(const std::string& name) {
  return test::read_text(test::shared_dir() + "/fixtures/gguf/" + name);
}

Result<GgufFile> read(const std::string& bytes, size_t prefix = SIZE_MAX,
                      uint64_t* needed = nullptr) {
  uint64_t n = 0;
  auto r = read_gguf(reinterpret_cast<const uint8_t*>(bytes.data()), std::min(prefix, bytes.size()),
                     bytes.size(), needed ? needed : &n);
  return r;
}

TEST(gguf_test, stories260k_reads_exactly) {
  RUNCHECK_NEEDS_SHARED();
  const std::string f = fixture("stories260K.gguf");
  auto g = read(f);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_EQ(g.value().version, 3u);
  EXPECT_EQ(g.value().tensors.size(), 48u);  // SOURCES.tsv: 48 tensors, 19 keys
  EXPECT_EQ(g.value().metadata.size(), 19u);
  auto m = model_from_gguf(g.value());
  ASSERT_TRUE(m.ok()) << m.error().message;
  // 292.8K parameters, all F32: 292,800 x 4 B = 1,171,200 B = 1.117 MiB; llama.cpp reports a
  // model buffer of 1.12 MiB for this file.
  EXPECT_EQ(m.value().weights.parameters, 292800u);
  EXPECT_EQ(m.value().weights.total_bytes, 1171200u);
  EXPECT_NEAR(m.value().weights.total_bytes / 1048576.0, 1.12, 0.005);
  EXPECT_EQ(m.value().arch.block_count, 5u);
  EXPECT_TRUE(m.value().has_tensors);
}

TEST(gguf_test, stories260k_kv_buffer_as_llama_cpp_reports) {
  RUNCHECK_NEEDS_SHARED();
  // llama.cpp on CPU, n_ctx 256, two sequences, f16 KV: 0.16 MiB. Through the same estimate
  // path as a catalog model, from the imported file.
  const std::string f = fixture("stories260K.gguf");
  const json imp =
      import_gguf(reinterpret_cast<const uint8_t*>(f.data()), f.size(), f.size(), "stories260K");
  ASSERT_TRUE(imp["ok"].get<bool>()) << imp.dump();
  const json r = json::parse(handle_request(json{
      {"command", "estimate"},
      {"model", imp["model"]},
      {"context", 128},
      {"parallel", 2},
      {"hardware", "cpu-ddr4-3200-2ch"},
      {"inverse", false}}.dump()));
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  // 5 layers x 256 cells x (4 KV heads x 8) x 2 (K, V) x 2 B = 163,840 B = 0.156 MiB.
  EXPECT_EQ(r["memory"]["kv_cache_bytes"].get<uint64_t>(), 163840u);
  EXPECT_EQ(r["memory"]["weights_bytes"].get<uint64_t>(), 1171200u);
}

TEST(gguf_test, commands_name_the_users_own_file_as_one_shell_word) {
  RUNCHECK_NEEDS_SHARED();
  const std::string f = fixture("stories260K.gguf");
  const auto command_for = [&](const std::string& name) {
    const json imp =
        import_gguf(reinterpret_cast<const uint8_t*>(f.data()), f.size(), f.size(), name);
    EXPECT_TRUE(imp["ok"].get<bool>()) << imp.dump();
    const json r = json::parse(handle_request(json{
        {"command", "estimate"},
        {"model", imp["model"]},
        {"context", 128},
        {"hardware", "rtx-4090"},
        {"inverse", false}}.dump()));
    return r["commands"]["llama_server"].get<std::string>();
  };
  EXPECT_EQ(command_for("stories260K.gguf").rfind("llama-server -m stories260K.gguf ", 0), 0u);
  // A name the shell would split or run: single-quoted, its own quote escaped.
  EXPECT_EQ(command_for("my model's; rm -rf ~.gguf")
                .rfind("llama-server -m 'my model'\\''s; rm -rf ~.gguf' ", 0),
            0u);
}

TEST(gguf_test, vocab_only_files_import_hyperparameters) {
  RUNCHECK_NEEDS_SHARED();
  // Falcon-7B's header: 71 heads, 1 KV head, 32 layers, no tensors.
  const std::string f = fixture("ggml-vocab-falcon.gguf");
  auto g = read(f);
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_TRUE(g.value().tensors.empty());
  auto m = model_from_gguf(g.value());
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m.value().arch.head_count, 71u);
  EXPECT_EQ(m.value().arch.head_count_kv, 1u);
  EXPECT_EQ(m.value().arch.block_count, 32u);
  EXPECT_FALSE(m.value().has_tensors);
  const json imp =
      import_gguf(reinterpret_cast<const uint8_t*>(f.data()), f.size(), f.size(), "falcon-vocab");
  EXPECT_NE(imp["note"].get<std::string>().find("no tensors"), std::string::npos);
  // Every file in the fixtures folder reads and imports.
  for (const auto& e : std::filesystem::directory_iterator(test::shared_dir() + "/fixtures/gguf")) {
    if (e.path().extension() != ".gguf") continue;
    const std::string bytes = test::read_text(e.path().string());
    auto gg = read(bytes);
    ASSERT_TRUE(gg.ok()) << e.path() << gg.error().message;
    auto mm = model_from_gguf(gg.value());
    EXPECT_TRUE(mm.ok()) << e.path() << mm.error().message;
  }
}

// A BERT embedding model from its published header (llama.cpp's ggml-vocab-bert-bge.gguf: bge
// small, 12 layers of 384, FFN 1536, 12 heads, 512 positions, 30,522 tokens, 2 token types,
// attention.causal false). llama.cpp builds no cache for it (create_memory) and pools the
// embeddings instead of computing logits. Tensors by hand (src/models/bert.cpp): embeddings
// 30,522 x 384 + 2 x 384 token types + 512 x 384 positions + 2 x 384 norm = 11,918,592; per layer
// q/k/v/o 4 x (384^2 + 384) + 2 x 384 norm + up 384 x 1536 + 1536 + down 1536 x 384 + 384 + 2 x
// 384 norm = 1,774,464, x 12 = 21,293,568: 33,212,160 (the card's 33.4M adds the pooler that
// llama.cpp does not load).
TEST(gguf_test, a_bert_embedding_model_has_no_cache_and_no_logits) {
  RUNCHECK_NEEDS_SHARED();
  const std::string f = fixture("ggml-vocab-bert-bge.gguf");
  auto g = read(f);
  ASSERT_TRUE(g.ok()) << g.error().message;
  auto m = model_from_gguf(g.value());
  ASSERT_TRUE(m.ok()) << m.error().message;
  const ModelArch& a = m.value().arch;
  EXPECT_TRUE(a.encoder_only);
  EXPECT_EQ(a.token_type_count, 2u);
  EXPECT_EQ(parameter_count(a), 33212160u);
  KvOptions o;
  o.n_ctx = 512;
  o.n_ubatch = 512;
  o.flash_attn = false;
  for (uint32_t il = 0; il < a.block_count; ++il) EXPECT_EQ(kv_layer_bytes(a, il, o), 0u);
  // Without flash attention the scores of one 512-token ubatch dominate: 512 x 512 x 12 heads x
  // 4 B plus the activation rows; no 30,522-wide logits.
  const uint64_t cb = compute_buffer_bytes(a, o, ComputeShape{true, false});
  EXPECT_GE(cb, 512ull * 512 * 12 * 4);
  EXPECT_LT(cb, 512ull * 30522 * 4);
  // Imported, it is an embedding model: no decode rate, served with --embedding.
  const json imp =
      import_gguf(reinterpret_cast<const uint8_t*>(f.data()), f.size(), f.size(), "bge-small");
  ASSERT_TRUE(imp["ok"].get<bool>()) << imp.dump();
  json q = {{"command", "estimate"}, {"model", imp["model"]},       {"quant", "F16"},
            {"context", 512},        {"hardware", "rtx-3060-12gb"}, {"inverse", false}};
  const json r = json::parse(handle_request(q.dump()));
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["memory"]["kv_cache_bytes"], 0);
  EXPECT_TRUE(r["speed"]["decode_tps"].is_null());
  EXPECT_EQ(r["memory"]["weights_bytes"].get<uint64_t>(), [&] {
    // F16 matrices, F32 norms and biases (the converter keeps 1-D tensors F32), F16 token
    // embeddings; the position (512 x 384) and token-type (2 x 384) tables F32, as
    // conversion/base.py always writes them (bge-reranker-v2-m3's published Q8_0 load agrees:
    // Arch2026 test).
    uint64_t ones = 2 * 384 + 12 * (4 * 384 + 1536 + 384 + 4 * 384) + 514 * 384;
    return 2 * (33212160ull - ones) + 4 * ones;
  }());
  EXPECT_NE(r["commands"]["llama_server"].get<std::string>().find("--embedding"),
            std::string::npos);
}

TEST(gguf_test, a_prefix_says_how_much_more_it_needs) {
  RUNCHECK_NEEDS_SHARED();
  const std::string f = fixture("stories260K.gguf");
  uint64_t needed = 0;
  auto g = read(f, 100, &needed);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, "truncated");
  EXPECT_GT(needed, 100u);
  // Growing the prefix (at least what it asks, doubling) reaches the header without reading the
  // tensor data: the CLI and the page read this way.
  size_t have = 100;
  for (int i = 0; i < 40 && !g.ok(); ++i) {
    have = std::max<size_t>(static_cast<size_t>(needed), have * 2);
    g = read(f, have, &needed);
  }
  ASSERT_TRUE(g.ok());
  EXPECT_LT(have, 2 * g.value().header_bytes);
  EXPECT_LT(g.value().header_bytes, f.size() / 50);  // 14 KB of a 1.2 MB file
}

// A minimal GGUF v3 header: magic, version, counts.
std::string header(uint64_t n_tensors, uint64_t n_kv) {
  std::string s = "GGUF";
  const uint32_t v = 3;
  s.append(reinterpret_cast<const char*>(&v), 4);
  s.append(reinterpret_cast<const char*>(&n_tensors), 8);
  s.append(reinterpret_cast<const char*>(&n_kv), 8);
  return s;
}
template <typename T>
void put(std::string& s, T v) {
  s.append(reinterpret_cast<const char*>(&v), sizeof v);
}
void put_str(std::string& s, const std::string& x) {
  put<uint64_t>(s, x.size());
  s += x;
}

TEST(gguf_test, hostile_headers_fail_cleanly) {
  auto bad = [](const std::string& bytes) { return read(bytes); };
  // 2^60 tensors.
  auto r = bad(header(uint64_t{1} << 60, 0) + std::string(64, '\0'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "tensor_count");
  // A key whose string length runs beyond the file.
  std::string s = header(0, 1);
  put<uint64_t>(s, uint64_t{1} << 40);
  r = bad(s + "abc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "bad_gguf");
  EXPECT_NE(r.error().message.find("past the end"), std::string::npos);
  // A value type out of range.
  s = header(0, 1);
  put_str(s, "general.architecture");
  put<uint32_t>(s, 99);
  r = bad(s + std::string(16, '\0'));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("out of range"), std::string::npos);
  // A shape whose product overflows.
  s = header(1, 0);
  put_str(s, "t");
  put<uint32_t>(s, 4);
  for (int i = 0; i < 4; ++i) put<uint64_t>(s, uint64_t{1} << 40);
  put<uint32_t>(s, 0);
  put<uint64_t>(s, 0);
  r = bad(s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("impossible shape"), std::string::npos);
  // An array claiming more elements than the file holds.
  s = header(0, 1);
  put_str(s, "tokenizer.ggml.tokens");
  put<uint32_t>(s, 9);  // array
  put<uint32_t>(s, 8);  // of strings
  put<uint64_t>(s, uint64_t{1} << 50);
  r = bad(s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("more elements"), std::string::npos);
  // Not a GGUF at all.
  r = bad("PK\x03\x04 not a gguf");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not a GGUF"), std::string::npos);
}

// A small synthetic model in GGUF version `v` (1: 32-bit counts, lengths and dims; 2/3: 64-bit).
std::string synthetic(uint32_t v) {
  std::string s = "GGUF";
  put<uint32_t>(s, v);
  auto cnt = [&](uint64_t n) {
    if (v == 1)
      put<uint32_t>(s, static_cast<uint32_t>(n));
    else
      put<uint64_t>(s, n);
  };
  auto str = [&](const std::string& x) {
    cnt(x.size());
    s += x;
  };
  cnt(1);  // tensors
  cnt(6);  // keys
  str("general.architecture");
  put<uint32_t>(s, 8);
  str("llama");
  str("llama.block_count");
  put<uint32_t>(s, 4);
  put<uint32_t>(s, 2);
  str("llama.embedding_length");
  put<uint32_t>(s, 4);
  put<uint32_t>(s, 64);
  str("llama.attention.head_count");
  put<uint32_t>(s, 4);
  put<uint32_t>(s, 4);
  str("llama.attention.head_count_kv");
  put<uint32_t>(s, 4);
  put<uint32_t>(s, 2);
  str("llama.vocab_size");
  put<uint32_t>(s, 4);
  put<uint32_t>(s, 256);
  str("token_embd.weight");
  put<uint32_t>(s, 2);
  if (v == 1) {
    put<uint32_t>(s, 64);
    put<uint32_t>(s, 256);
  } else {
    put<uint64_t>(s, 64);
    put<uint64_t>(s, 256);
  }
  put<uint32_t>(s, 1);  // F16
  put<uint64_t>(s, 0);
  return s + std::string(64 * 256 * 2 + 32, '\0');
}

// A GLM-4.5-style file (glm4moe, nextn_predict_layers 1): the last block's tensors are the
// nextn block llama.cpp skips ("model has unused tensor ... -- ignoring"), so they are not part
// of the weights, while the block stays a layer (its KV row is allocated).
TEST(gguf_test, glm4moe_nextn_block_is_a_layer_without_weights) {
  std::string s = header(3, 7);
  auto kv_u32 = [&](const std::string& k, uint32_t v) {
    put_str(s, k);
    put<uint32_t>(s, 4);
    put<uint32_t>(s, v);
  };
  put_str(s, "general.architecture");
  put<uint32_t>(s, 8);
  put_str(s, "glm4moe");
  kv_u32("glm4moe.block_count", 2);
  kv_u32("glm4moe.embedding_length", 64);
  kv_u32("glm4moe.attention.head_count", 4);
  kv_u32("glm4moe.attention.head_count_kv", 2);
  kv_u32("glm4moe.vocab_size", 256);
  kv_u32("glm4moe.nextn_predict_layers", 1);
  uint64_t offset = 0;
  auto tensor = [&](const std::string& name, uint64_t ne0, uint64_t ne1) {
    put_str(s, name);
    put<uint32_t>(s, 2);
    put<uint64_t>(s, ne0);
    put<uint64_t>(s, ne1);
    put<uint32_t>(s, 0);  // F32
    put<uint64_t>(s, offset);
    offset += ne0 * ne1 * 4;
  };
  tensor("token_embd.weight", 64, 256);
  tensor("blk.0.attn_q.weight", 64, 64);
  tensor("blk.1.attn_q.weight", 64, 64);  // the nextn block
  s += std::string(offset + 64, '\0');
  auto g = read(s);
  ASSERT_TRUE(g.ok()) << g.error().message;
  auto m = model_from_gguf(g.value());
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m.value().arch.block_count, 2u);
  EXPECT_EQ(m.value().arch.skipped_tail_layers, 1u);
  // token_embd 64 x 256 x 4 + blk.0 64 x 64 x 4; blk.1 is not counted.
  EXPECT_EQ(m.value().weights.total_bytes, 64u * 256 * 4 + 64u * 64 * 4);
  EXPECT_EQ(m.value().weights.layer_bytes.at(1), 0u);
}

TEST(gguf_test, versions_1_2_and_3) {
  for (uint32_t v : {1u, 2u, 3u}) {
    const std::string f = synthetic(v);
    auto g = read(f);
    ASSERT_TRUE(g.ok()) << "v" << v << ": " << g.error().message;
    auto m = model_from_gguf(g.value());
    ASSERT_TRUE(m.ok()) << m.error().message;
    EXPECT_EQ(m.value().arch.head_count_kv, 2u);
    EXPECT_EQ(m.value().weights.token_embd_bytes, 64u * 256 * 2);  // F16
  }
}

TEST(gguf_test, config_json_import_behaves_like_a_catalog_model) {
  RUNCHECK_NEEDS_SHARED();
  const json cfg = test::read_json(test::shared_dir() + "/fixtures/hf/Qwen2.5-7B/config.json");
  const json imp = json::parse(
      handle_request(json{{"command", "import"}, {"config", cfg}, {"name", "my-qwen"}}.dump()));
  ASSERT_TRUE(imp["ok"].get<bool>()) << imp.dump();
  EXPECT_EQ(imp["model"], "user:my-qwen");
  EXPECT_EQ(imp["summary"]["head_count_kv"], cfg["num_key_value_heads"]);
  EXPECT_EQ(imp["summary"]["block_count"], cfg["num_hidden_layers"]);
  // The same numbers as the catalog's Qwen2.5-7B in an estimate.
  const auto est = [](const std::string& model) {
    return json::parse(handle_request(json{
        {"command", "estimate"},
        {"model", model},
        {"quant", "Q4_K_M"},
        {"context", 8192},
        {"hardware", "rtx-4090"},
        {"inverse", false}}.dump()));
  };
  const json a = est("user:my-qwen"), b = est("qwen2.5-7b");
  EXPECT_EQ(a["memory"]["weights_bytes"], b["memory"]["weights_bytes"]);
  EXPECT_EQ(a["memory"]["kv_cache_bytes"], b["memory"]["kv_cache_bytes"]);
  // An unknown architecture says so.
  const json bad = json::parse(
      handle_request(json{{"command", "import"}, {"config", {{"model_type", "rwkv"}}}}.dump()));
  EXPECT_FALSE(bad["ok"].get<bool>());
  EXPECT_EQ(bad["error"]["field"], "config.model_type");
}

TEST(gguf_test, a_config_without_its_maximum_context_is_refused_by_name) {
  // A Llama-style config.json without max_position_embeddings: refused, naming the field (it
  // used to load with 2,048 tokens). A sparse Gemma 3 text config gets transformers' default.
  const json llama = {{"architectures", {"LlamaForCausalLM"}},
                      {"model_type", "llama"},
                      {"hidden_size", 4096},
                      {"intermediate_size", 14336},
                      {"num_hidden_layers", 32},
                      {"num_attention_heads", 32},
                      {"num_key_value_heads", 8},
                      {"vocab_size", 128256}};
  const json r = json::parse(
      handle_request(json{{"command", "import"}, {"config", llama}, {"name", "no-ctx"}}.dump()));
  ASSERT_FALSE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["error"]["field"], "max_position_embeddings");
  json gemma = llama;
  gemma["model_type"] = "gemma3_text";
  gemma["architectures"] = {"Gemma3ForCausalLM"};
  gemma["head_dim"] = 256;
  const json g = json::parse(
      handle_request(json{{"command", "import"}, {"config", gemma}, {"name", "g3"}}.dump()));
  ASSERT_TRUE(g["ok"].get<bool>()) << g.dump();
  EXPECT_EQ(g["summary"]["context_length"], 131072);
}

}  // namespace
}  // namespace runcheck
