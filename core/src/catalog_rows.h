// The catalog as typed constant tables. `runcheck_catgen` (core/catgen) loads and validates
// catalog/*.json at build time and writes these tables as C++; the product reads them at start
// without parsing any JSON (catalog_builtin.cpp). One field list per entry type below drives
// both the writer and the reader: a new field in catalog.h or model.h goes into its list here,
// or it is neither written nor read (core/catgen's round-trip test then fails).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "runcheck/catalog.h"

// clang-format off
#define RC_ARCH_FIELDS(X)                                                                      \
  X(arch) X(block_count) X(embedding_length) X(feed_forward_length) X(head_count)              \
  X(head_count_kv) X(key_length) X(value_length) X(vocab_size) X(context_length)               \
  X(tied_embeddings) X(attn_qkv_bias) X(attn_qk_norm) X(fused_qkv) X(fused_gate_up)            \
  X(gated_ffn) X(post_norms) X(rope_freqs) X(dense_biases) X(expert_count) X(expert_used_count)                \
  X(expert_shared_count) X(expert_feed_forward_length) X(expert_shared_feed_forward_length)    \
  X(leading_dense_block_count) X(moe_every_n_layers) X(expert_bias) X(shared_expert_gate)      \
  X(sliding_window) X(q_lora_rank) X(kv_lora_rank) X(rope_dimension_count) X(qk_nope_head_dim) \
  X(nextn_layers) X(skipped_tail_layers) X(eagle_draft_vocab) X(eagle_target_hidden) X(indexer_head_count) X(indexer_head_dim) X(indexer_types) X(compress_ratios) X(hc_mult) X(output_group_count) X(output_lora_rank) X(hash_layer_count) X(swa_head_count_kv) X(swa_key_length) X(swa_head_count) X(attn_head_gate) X(swa_attn_sinks) X(full_attn_sinks) X(full_k_eq_v) X(moe_latent_size) X(encoder_only) X(token_type_count) X(rank_labels) X(rank_dense) X(kv_layers_from_start) X(embd_per_layer) X(narrow_ffn_layers) X(audio_encoder) X(audio_layers) X(audio_hidden) X(audio_heads) X(audio_conv_kernel) X(audio_sub_c0) X(audio_sub_c1) X(audio_out) X(ssm_conv_bias) X(ssm_gated_norm)                \
  X(ssm_conv_kernel) X(ssm_inner_size) X(ssm_state_size) X(ssm_group_count)                    \
  X(ssm_time_step_rank) X(attn_output_gate) X(post_attn_norm_only) X(vision_projector)         \
  X(vision_layers) X(vision_hidden) X(vision_ffn) X(vision_heads) X(vision_patch)              \
  X(vision_merge) X(vision_out) X(vision_positions) X(vision_deepstack) X(vision_image_size) X(vision_heads_kv)   \
  X(vision_standardize) X(vision_clipped_linears)   \
  X(layers)

#define RC_MODEL_FIELDS(X)                                                                     \
  X(id) X(name) X(family) X(kind) X(hf_repo) X(license) X(release_date) X(default_quant)       \
  X(params_total_b) X(params_active_b) X(arch) X(parameters) X(aliases) X(sources)

#define RC_HARDWARE_FIELDS(X)                                                                  \
  X(id) X(name) X(vendor) X(segment) X(architecture) X(memory_type) X(kind) X(memory_gib)      \
  X(memory_options_gib) X(bandwidth_gb_s) X(fp16_tflops) X(fp16_tflops_fp16acc) X(fp32_tflops) \
  X(int8_tops) X(tdp_w) X(idle_w) X(gpu_cores) X(sm_count) X(boost_clock_mhz) X(pcie_gen)         \
  X(pcie_lanes) X(cpu_cores) X(cpu_threads) X(cpu_base_clock_mhz) X(cpu_boost_clock_mhz)      \
  X(cpu_fp32_flops_per_cycle) X(backends) X(launch_price_usd)                                  \
  X(street_price_usd) X(street_price_date) X(street_price_kind) X(release_date) X(aliases)    \
  X(sources)

#define RC_QUANT_FIELDS(X)                                                                     \
  X(id) X(kind) X(bits_per_weight) X(runtimes) X(description) X(sources)

#define RC_RUNTIME_FIELDS(X)                                                                   \
  X(id) X(name) X(license) X(default_kv_type) X(os) X(backends) X(formats)                     \
  X(default_context_tokens) X(sources)

#define RC_CLOUD_FIELDS(X)                                                                     \
  X(id) X(provider) X(offer) X(gpu) X(billing) X(region) X(price_date) X(gpu_count)            \
  X(usd_per_hour) X(sources)

#define RC_API_FIELDS(X)                                                                       \
  X(id) X(provider) X(model) X(open_model) X(price_date) X(input_usd_per_mtok)                 \
  X(output_usd_per_mtok) X(cached_input_usd_per_mtok) X(context_tokens) X(retired) X(sources)

#define RC_ERROR_FIELDS(X)                                                                     \
  X(id) X(runtime) X(category) X(severity) X(match) X(example) X(meaning)                     \
  X(example_is_constructed)                                                                    \
  X(causes) X(fix_texts) X(fix_syntax) X(sources)

#define RC_GLOSSARY_FIELDS(X)                                                                  \
  X(id) X(term) X(category) X(short_text) X(body) X(aliases) X(example_text)                   \
  X(example_request) X(workflow_runtime) X(workflow_text) X(workflow_command) X(related)       \
  X(errors) X(sources) X(table_head) X(table_rows)

#define RC_SCORE_FIELDS(X)                                                                     \
  X(id) X(model) X(benchmark) X(variant) X(setting) X(reported_by) X(date) X(value)            \
  X(base_model) X(sources)

#define RC_QUANT_LOSS_FIELDS(X)                                                                \
  X(id) X(type) X(format) X(model) X(metric) X(imatrix) X(dataset) X(baseline) X(value) X(ppl)  \
  X(ppl_delta) X(baseline_value) X(sources)

#define RC_USE_CASE_FIELDS(X)                                                                  \
  X(id) X(name) X(benchmark) X(model_kind) X(description) X(context) X(min_decode_tps)         \
  X(sources)

#define RC_DOWNLOAD_FIELDS(X)                                                                  \
  X(id) X(model) X(runtime) X(name) X(variant) X(file_pattern) X(quants) X(split) X(sources)

// test_detail stays in catalog/benchmarks.json (checked at build time) but not in the tables:
// nothing at run time reads it, and it is most of the rows' text.
#define RC_BENCHMARK_FIELDS(X)                                                                 \
  X(id) X(model) X(quant) X(hardware) X(backend) X(n_devices) X(decode) X(tokens)              \
  X(value_tps) X(ram_gib) X(sources) X(runtime) X(flash_attn) X(kv_type) X(gpu_layers)        \
  X(n_cpu_moe) X(ubatch) X(threads) X(depth) X(kind) X(submitter) X(engine) X(build)        \
  X(host)
// clang-format on

namespace runcheck::rows {

// A run of entries in one of the shared pools (strings, numbers, sources).
struct Span {
  uint32_t begin, count;
};
struct SourceRow {
  const char* url;
  const char* retrieved;
};
// An absent optional number.
inline constexpr double kNull = std::numeric_limits<double>::quiet_NaN();

// The table type that stores a field of entry type T.
template <class T, class = void>
struct Cell {
  using type = T;  // numbers and bools as they are
};
template <>
struct Cell<std::string> {
  using type = const char*;
};
template <class T>
struct Cell<std::optional<T>> {
  using type = double;  // kNull when absent
};
template <class T>
struct Cell<std::vector<T>> {
  using type = Span;
};
template <>
struct Cell<std::vector<LayerKind>> {
  using type = const char*;  // one digit per layer: the LayerKind value
};
template <class T>
struct Cell<T, std::enable_if_t<std::is_enum_v<T>>> {
  using type = int;
};

#define RC_CELL(Entry, f) typename Cell<decltype(Entry::f)>::type f;

struct ArchRow {
#define X(f) RC_CELL(ModelArch, f)
  RC_ARCH_FIELDS(X)
#undef X
};
template <>
struct Cell<ModelArch> {
  using type = ArchRow;
};

struct ModelRow {
#define X(f) RC_CELL(ModelEntry, f)
  RC_MODEL_FIELDS(X)
#undef X
};
struct HardwareRow {
#define X(f) RC_CELL(HardwareEntry, f)
  RC_HARDWARE_FIELDS(X)
#undef X
};
struct QuantRow {
#define X(f) RC_CELL(QuantEntry, f)
  RC_QUANT_FIELDS(X)
#undef X
};
struct RuntimeRow {
#define X(f) RC_CELL(RuntimeEntry, f)
  RC_RUNTIME_FIELDS(X)
#undef X
};
struct CloudRow {
#define X(f) RC_CELL(CloudOffer, f)
  RC_CLOUD_FIELDS(X)
#undef X
};
struct ApiRow {
#define X(f) RC_CELL(ApiPrice, f)
  RC_API_FIELDS(X)
#undef X
};
struct ErrorRow {
#define X(f) RC_CELL(ErrorEntry, f)
  RC_ERROR_FIELDS(X)
#undef X
};
struct GlossaryRow {
#define X(f) RC_CELL(GlossaryEntry, f)
  RC_GLOSSARY_FIELDS(X)
#undef X
};
struct ScoreRow {
#define X(f) RC_CELL(QualityScore, f)
  RC_SCORE_FIELDS(X)
#undef X
};
struct QuantLossRow {
#define X(f) RC_CELL(QuantLoss, f)
  RC_QUANT_LOSS_FIELDS(X)
#undef X
};
struct UseCaseRow {
#define X(f) RC_CELL(UseCase, f)
  RC_USE_CASE_FIELDS(X)
#undef X
};
struct DownloadRow {
#define X(f) RC_CELL(DownloadEntry, f)
  RC_DOWNLOAD_FIELDS(X)
#undef X
};
struct BenchmarkRowC {
#define X(f) RC_CELL(BenchmarkRow, f)
  RC_BENCHMARK_FIELDS(X)
#undef X
};

// The generated tables (build/*/gen/catalog_tables.cpp). Each array has one extra, unused entry
// at the end so that none is empty; the counts are the real sizes.
struct Tables {
  const char* const* strings;
  const double* numbers;
  const SourceRow* sources;
  const ModelRow* models;
  uint32_t n_models;
  const HardwareRow* hardware;
  uint32_t n_hardware;
  const QuantRow* quants;
  uint32_t n_quants;
  const RuntimeRow* runtimes;
  uint32_t n_runtimes;
  const CloudRow* clouds;
  uint32_t n_clouds;
  const ApiRow* apis;
  uint32_t n_apis;
  const BenchmarkRowC* benchmarks;
  uint32_t n_benchmarks;
  const ErrorRow* errors;
  uint32_t n_errors;
  const GlossaryRow* glossary;
  uint32_t n_glossary;
  const ScoreRow* scores;
  uint32_t n_scores;
  const QuantLossRow* quant_loss;
  uint32_t n_quant_loss;
  const UseCaseRow* use_cases;
  uint32_t n_use_cases;
  const DownloadRow* downloads;
  uint32_t n_downloads;
};
const Tables& generated_tables();

// The catalog rebuilt from tables (what builtin_catalog() returns).
Catalog catalog_from_tables(const Tables& t);

}  // namespace runcheck::rows
