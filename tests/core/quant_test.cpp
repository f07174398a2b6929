#include "runcheck/quant.h"

#include <gtest/gtest.h>

namespace runcheck {
namespace {

TEST(quant_test, block_sizes_match_ggml) {
  // (block, bytes) pairs from gguf-py GGML_QUANT_SIZES, evaluated by hand.
  EXPECT_EQ(ggml_traits(GgmlType::Q4_K)->type_size, 2u + 2 + 128 + 12);
  EXPECT_EQ(ggml_traits(GgmlType::Q6_K)->type_size, 2u + 128 + 64 + 16);
  EXPECT_EQ(ggml_traits(GgmlType::IQ3_S)->type_size, 2u + 64 + 32 + 8 + 4);
  EXPECT_EQ(ggml_traits(GgmlType::IQ1_M)->type_size, 32u + 16 + 8);
  EXPECT_EQ(ggml_traits(GgmlType::TQ1_0)->type_size, 2u + 4 * 13);
  EXPECT_EQ(ggml_traits(GgmlType::MXFP4)->block_size, 32u);
}

TEST(quant_test, row_bytes) {
  // 4096 x 4096 at q4_K: 16,777,216 / 256 blocks x 144 bytes = 9,437,184.
  EXPECT_EQ(ggml_row_bytes(GgmlType::Q4_K, 4096ull * 4096), 9437184u);
  // 4096 x 1024 at q6_K: 4,194,304 / 256 x 210 = 3,440,640.
  EXPECT_EQ(ggml_row_bytes(GgmlType::Q6_K, 4096ull * 1024), 3440640u);
}

TEST(quant_test, lookup_by_name_is_case_insensitive) {
  ASSERT_NE(file_type_by_name("q4_k_m"), nullptr);
  EXPECT_EQ(file_type_by_name("q4_k_m")->ftype, FileType::Q4_K_M);
  EXPECT_EQ(file_type_by_name("Q4_K_X"), nullptr);
  EXPECT_EQ(ggml_type_from_name("Q6_K"), GgmlType::Q6_K);
  EXPECT_EQ(ggml_type_from_id(39), GgmlType::MXFP4);
  EXPECT_FALSE(ggml_type_from_id(5).has_value());  // ids 4 and 5 were removed from ggml
}

QuantContext layer_ctx(int layer, int n_layer) {
  QuantContext c;
  c.layer = layer;
  c.n_layer = n_layer;
  c.n_gqa = 4;
  c.ne0 = 4096;
  return c;
}

TEST(quant_test, q4_k_m_mix_rules) {
  // llama.cpp use_more_bits(i, 32): layers 0-3, 28-31 and (i-4)%3==2 get q6_K ffn_down.
  EXPECT_EQ(quantized_tensor_type(FileType::Q4_K_M, TensorRole::kFfnDown, layer_ctx(0, 32)),
            GgmlType::Q6_K);
  EXPECT_EQ(quantized_tensor_type(FileType::Q4_K_M, TensorRole::kFfnDown, layer_ctx(4, 32)),
            GgmlType::Q4_K);
  EXPECT_EQ(quantized_tensor_type(FileType::Q4_K_M, TensorRole::kFfnDown, layer_ctx(6, 32)),
            GgmlType::Q6_K);
  EXPECT_EQ(quantized_tensor_type(FileType::Q4_K_M, TensorRole::kFfnUp, layer_ctx(0, 32)),
            GgmlType::Q4_K);
  EXPECT_EQ(quantized_tensor_type(FileType::Q4_K_M, TensorRole::kOutput, layer_ctx(-1, 32)),
            GgmlType::Q6_K);
  // Q8_0 keeps the output at q8_0; legacy Q4_0 still gets a q6_K output.
  EXPECT_EQ(quantized_tensor_type(FileType::Q8_0, TensorRole::kOutput, layer_ctx(-1, 32)),
            GgmlType::Q8_0);
  EXPECT_EQ(quantized_tensor_type(FileType::Q4_0, TensorRole::kOutput, layer_ctx(-1, 32)),
            GgmlType::Q6_K);
  EXPECT_EQ(quantized_tensor_type(FileType::F16, TensorRole::kFfnDown, layer_ctx(0, 32)),
            GgmlType::F16);
}

TEST(quant_test, fallback_when_row_not_multiple_of_block) {
  // DeepSeek-V2-Lite experts: moe_intermediate_size 1408 = 5.5 x 256 -> q4_K falls back to q5_0.
  QuantContext c = layer_ctx(5, 27);
  c.ne0 = 1408;
  EXPECT_EQ(quantized_tensor_type(FileType::Q4_K_S, TensorRole::kFfnDown, c), GgmlType::Q5_0);
  c.ne0 = 100;  // not a multiple of 32 either -> f16
  EXPECT_EQ(quantized_tensor_type(FileType::Q4_K_S, TensorRole::kFfnDown, c), GgmlType::F16);
}

}  // namespace
}  // namespace runcheck
