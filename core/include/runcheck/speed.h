// Speed: decode and prefill tokens/s from the physics, with constants fitted on published
// llama.cpp measurements (catalog/benchmarks.json), an evidence label and a band.
//
// Decode, one token at depth D (tokens already in the context):
//   t(D) = t0_g + k_g * x(D) + th_g * h,   x(D) = sum over devices of bytes read / bandwidth,
// bytes read = the weights the device holds that a token touches (dense layers, shared and
// active experts of MoE layers, the output head) + the KV cache up to depth D; h = extra GPUs a
// token hops through (layers split across GPUs run one after another). k_g >= 1 (efficiency
// 1/k_g <= 1) and t0_g >= 0, so a prediction never beats the bandwidth ceiling 1/x(D).
// Prefill, per token of a prompt of P tokens:
//   t(P) = a_g + b_g * zw + c_g * za(P),  zw = 2 x active parameters / compute,
//   za(P) = attention 2 x layers x heads x (K+V head dims) x P/2 / compute (summed over devices).
// g is the fit group: backend (cuda, rocm, vulkan, metal, sycl, cpu) x precision class
// (weights below 8 bits per weight, or 8 and above).
// Issue-bound decode: a decode matmul dequantizes every weight it reads, so a GPU cannot stream
// weights faster than its SMs issue those instructions. Where the catalog knows a GPU's SM count
// and boost clock, its share of x is max(bytes / bandwidth, bytes / (SMs x clock x beta_g)),
// beta_g the bytes per SM-cycle the group's kernels reach (fitted, SpeedFit::issue_beta). Cards
// with a lot of bandwidth per SM (A100/H100 HBM, GTX 1050 Ti) are bound by it; most GeForce
// cards are not.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace runcheck {

struct SpeedFeatures {
  std::string backend;  // of the GPUs (or "cpu" when nothing is offloaded)
  // The runtime's own fit: "" for llama.cpp and the runtimes built on it that keep its kernels
  // (LM Studio's llama.cpp engine, llamafile); else ollama, vllm, mlx, exllamav2.
  std::string runtime;
  bool high_precision = false;  // Q8_0 / F16 / BF16 / F32 weights
  double decode_fixed_s = 0;    // x(0): weights / bandwidth, summed over devices
  // Per device a token runs through: weights read / bandwidth (x) and / (SMs x boost clock) in
  // seconds at one byte per SM-cycle (y; 0 where the SM count or clock is unknown).
  struct DeviceRead {
    double x = 0, y = 0;
  };
  std::vector<DeviceRead> device_reads;
  bool reads_parallel = false;  // tensor / row split: devices read at once (max, not sum)
  // x(0) with the issue bound at beta bytes per SM-cycle (beta <= 0: bandwidth only).
  double weights_x(double beta) const;
  double decode_per_depth_s = 0;  // dx/dD: KV bytes per context token / bandwidth
  // Without flash attention llama.cpp's decode attention (KQ, then KQV, as matrix-vector
  // products) broadcasts each KV head to its query heads and runs one query head at a time, so
  // the cache rows are fetched again for every further query head sharing them: (query heads /
  // KV heads - 1) x decode_per_depth_s, read from memory or found in cache. What share comes
  // from memory is fitted (SpeedFit::kv_refetch). 0 with flash attention or MLA.
  double decode_per_depth_refetch_s = 0;
  // Metal without flash attention: there the repeated reads are not what bounds the attention.
  // Each (layer, query head, cache token) score goes through three kernels (KQ mat-vec, soft_max,
  // KQV) that keep a GPU core busy for a time set by the score count, not by the bytes. This is
  // dx/dD at 1 ns of one GPU core per score: sum over full-attention layers of query heads /
  // GPU cores x 1e-9 s (SpeedFit::score_ns scales it; the Mac's GPU core count unknown: 0).
  double decode_per_depth_score_s = 0;
  // dx/dD: one read of the cache, then `score_ns` ns of a GPU core per score where both are
  // known, else a share `refetch` of the further reads coming from memory.
  double depth_x(double refetch, double score_ns = 0) const {
    return decode_per_depth_s + (score_ns > 0 && decode_per_depth_score_s > 0
                                     ? score_ns * decode_per_depth_score_s
                                     : refetch * decode_per_depth_refetch_s);
  }
  double hops = 0;                          // GPUs used - 1
  std::optional<double> prefill_fixed = 0;  // z at P=0 (FLOPs / compute); null = compute unknown
  double prefill_per_prompt = 0;            // dz/dP
  // Layer split over several GPUs: llama.cpp keeps up to n_batch / n_ubatch micro-batches in
  // flight (pipeline parallelism), so a long prompt keeps several GPUs busy at once.
  double pipeline_gpus = 1;
  bool flash_attn = false;  // prefill's attention runs at its own efficiency with it on
  // Decode's fixed cost per token is per layer run (each layer launches its kernels and waits on
  // them): the fit's intercept is per layer, so a 28-layer model and an 80-layer one differ.
  double layers = 1;
  double moe_layers = 0, recurrent_layers = 0;  // of those, MoE and recurrent (extra fixed costs)
  // The host's share of that fixed cost (graph building, kernel launches, Metal's command
  // encoding) runs at the host CPU's single-core speed: kReferenceHostMhz / the named host's
  // clock (a Mac's or an APU's own CPU; a CPU listed beside discrete GPUs); 1 when none is
  // named. The fits' per-layer costs are per layer at that reference host. (Prefill's cost per
  // layer and micro-batch is not scaled: refitted so, Metal's came out 2.5x, ill-determined.)
  double host_scale = 1;
  double fixed_layers() const { return layers * host_scale; }
  double fixed_moe_layers() const { return moe_layers * host_scale; }
  double fixed_recurrent_layers() const { return recurrent_layers * host_scale; }
  // Layers whose decode attention runs unfused: without flash attention llama.cpp launches the
  // KQ product, the masked soft_max and the KQV product (with their copies) as separate kernels
  // in each attention layer, where flash attention runs one; each kernel has a floor of its own.
  // The attention layers (all but pure recurrent ones) when flash attention is off, else 0.
  double unfused_attention_layers = 0;
  double fixed_unfused_layers() const { return unfused_attention_layers * host_scale; }
  // A llama.cpp build before b4400 (2024-12-31): the era whose runs are slower (SpeedFit::k_old).
  bool old_build = false;
  // Weights in ggml's legacy block types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0: one scale per block of
  // 32, no super-blocks): their matmul kernels dequantize more cheaply than k- and i-quants, so
  // prefill has its own factor (SpeedFit::k_legacy).
  bool legacy_quant = false;
  double n_batch = 2048, n_ubatch = 512;
  // MoE: the share of a routed expert in each token (experts used / experts); 0 for a dense
  // model. A micro-batch of B tokens gives each expert's matmul B x this many tokens.
  double expert_route_share = 0;
  // Seconds to read every routed expert the GPUs hold at rated bandwidth: a micro-batch of B
  // tokens reads the experts any of its tokens is routed to, 1 - (1 - share)^B of them, where one
  // token reads `share` (prefill_floor_s).
  double experts_x = 0;
  // Tokens each routed expert's matmul runs on in a micro-batch of a prompt of N tokens.
  double expert_batch(uint32_t prompt) const {
    return std::min<double>(std::max<uint32_t>(1, prompt), n_ubatch) * expert_route_share;
  }
  // Share of the routed experts a micro-batch of a prompt of N tokens reads: each token picks
  // `expert_route_share` of them, so 1 - (1 - share)^B are picked by one of its B tokens.
  double experts_touched(uint32_t prompt) const {
    const double b = std::min<double>(std::max<uint32_t>(1, prompt), n_ubatch);
    return 1.0 - std::pow(1.0 - expert_route_share, b);
  }
  // An MoE prefill's weight FLOPs term over the dense one when each expert a micro-batch touches
  // pays `t0` tokens' worth on top of its expert_batch(N) tokens (SpeedFit::moe_t0): the
  // micro-batch's B x k token-expert products cost as B x k + touched experts x t0, so
  // 1 + t0 x experts_touched(N) / expert_batch(N) (1 + t0 / expert_batch(N) once a batch
  // touches every expert); 1 for a dense model.
  double expert_factor(double t0, uint32_t prompt) const {
    const double b = expert_batch(prompt);
    return b > 0 ? 1.0 + t0 * experts_touched(prompt) / b : 1.0;
  }
  double prefill_overlap(uint32_t prompt) const;
  // Seconds per prompt token no prefill can beat: one pass over the weights per micro-batch.
  double prefill_floor_s(uint32_t prompt) const;
  // Layer passes per prompt token: each micro-batch of a prompt of N tokens runs every layer's
  // kernels once (launches, synchronisation), so a fixed cost per layer per micro-batch adds
  // layers x ceil(N / n_ubatch) / N per token (the prefill fit's intercept is that cost).
  double prefill_layer_passes(uint32_t prompt) const;
  std::string group() const {
    return (runtime.empty() ? "" : runtime + "/") + backend + (high_precision ? "/hi" : "/lo");
  }
};

struct SpeedSample {
  SpeedFeatures f;
  bool decode = true;
  uint32_t tokens = 0;  // tgN / ppN
  uint32_t depth = 0;   // tokens already in the cache before the test (llama-bench -d)
  // A decode run's mean depth: tgN generates N tokens after `depth`, so its tokens see
  // depth + (N-1)/2 cached tokens on average (time per token is linear in depth).
  double mean_depth() const { return depth + (tokens > 0 ? (tokens - 1) / 2.0 : 0); }
  double value_tps = 0;
  size_t row = 0;        // index into catalog benchmarks
  std::string hardware;  // catalog id of the accelerator (or machine) measured
  std::string config;  // model, quant, hardware, count, backend: rows differing only in N share it
  std::string group;   // f.group(), computed once (the fits compare it for every sample)
  int n_devices = 1;
  std::string model;   // catalog model id
  std::string source;  // the publication (first source URL) the measurement comes from
  // Its weight in the fits (besides 1 / time^2, which makes them minimise relative error): for
  // decode, 1 / the calibration's decode runs of its configuration (weigh_by_configuration).
  double weight = 1;
};

// Each configuration (SpeedSample::config: one model, quant, machine and settings) counts once
// in the decode fits: a run measured at eight depths gives each of its rows 1/8 of a single
// run's weight. Decode's level terms (per-layer cost, efficiency, the per-kind costs) are
// properties of kernels and machines, and a sweep of one configuration over depth is one
// machine's evidence about them, not eight. Prefill runs keep weight 1: a configuration's runs
// at several prompt lengths are what its per-micro-batch and attention terms are fitted from
// (weighed per configuration, Metal's prefill refit made an M2 Ultra's five decode streams
// compute-bound at 1.6x one stream, where llama.cpp's batched-bench measures 2.2x).
void weigh_by_configuration(std::vector<SpeedSample>& samples);

// The fit groups that share `group`'s decode issue bound (SpeedFit::issue_beta): the other
// precision class of its backend, and for CUDA and ROCm both of the other's ("" groups: none).
std::vector<std::string> issue_family(const std::string& group);

// A whole group left out of a fit (accuracy under group holdout): every sample whose `field`
// (hardware | model | source | gpu-count) equals `value`. Empty field: nothing held out.
struct Holdout {
  std::string field, value;
  const Holdout* also = nullptr;  // a second group left out with this one (may be null)
  bool holds_out(const SpeedSample& s) const {
    if (also && also->holds_out(s)) return true;
    if (field.empty()) return false;
    if (field == "hardware") return s.hardware == value;
    if (field == "model") return s.model == value;
    if (field == "source") return s.source == value;
    if (field == "gpu-count") return std::to_string(s.n_devices) == value;
    return false;
  }
};

// Linear fit of one group: time = a + b * x (+ c * h for decode).
struct SpeedFit {
  double a = 0, b = 1, c = 0;
  double c_fa = 0;  // prefill: the attention slope with flash attention on (c: off)
  // Runs of llama.cpp builds before 2025 (b4400) took k_old times as long as the fit of current
  // builds says (1 when the group has none): the fit itself is for current builds.
  double k_old = 1;
  // Prefill of legacy-quant weights (SpeedFeatures::legacy_quant) took k_legacy times as long as
  // the group's fit says (the median ratio of its runs; 1 when the group has none).
  double k_legacy = 1;
  // Prefill of an MoE model: each expert's matmul runs on expert_batch(N) tokens, and pays what
  // moe_t0 more tokens would cost (loading and converting its weight tiles once per micro-batch,
  // whatever the tokens): the weight FLOPs term is SpeedFeatures::expert_factor times the dense
  // one. moe_t0 is the median of the group's MoE runs (0 when it has too few).
  double moe_t0 = 0;
  // Decode's fixed seconds per token: the per-layer costs (more for MoE and recurrent layers) at
  // the host's speed (SpeedFeatures::host_scale).
  double decode_overhead_s(const SpeedFeatures& f) const {
    return a * f.fixed_layers() + a_moe * f.fixed_moe_layers() +
           a_rec * f.fixed_recurrent_layers() + a_unfused * f.fixed_unfused_layers();
  }
  double moe_factor(const SpeedFeatures& f, uint32_t prompt) const {
    return f.expert_factor(moe_t0, prompt);
  }
  // Decode: the extra fixed cost of an MoE layer and of a recurrent layer, per token (seconds).
  double a_moe = 0, a_rec = 0;
  // Decode: the extra fixed cost of an attention layer run without flash attention, per token
  // (SpeedFeatures::unfused_attention_layers).
  double a_unfused = 0;
  // Decode: bytes per SM-cycle the group's matmuls reach where instruction issue bounds them
  // (SpeedFeatures::weights_x); 0 = no bound found in the group's runs.
  double issue_beta = 0;
  // Decode without flash attention: the share of the repeated per-query-head KV reads
  // (SpeedFeatures::decode_per_depth_refetch_s) that come from memory rather than cache, picked
  // on kKvRefetchGrid by the group's weighted error; 1 (all) where the group has no such runs.
  double kv_refetch = 1;
  bool kv_refetch_fitted = false;  // picked from the group's runs (else the default 1)
  // Decode on Metal without flash attention: ns of one GPU core per attention score
  // (SpeedFeatures::decode_per_depth_score_s), the median over configurations measured at
  // several depths of what their slowdown with depth leaves beyond one read of the cache
  // (metal_score_ns); 0 where no such configuration is in the fit's data.
  double score_ns = 0;
  size_t score_configs = 0;  // configurations the median is over
  size_t n = 0;
  size_t machines = 0;  // distinct machines (GPU model x device count) among the n runs
  bool ok = false;
};

// The regressors of a sample. Decode: x at the tgN mean depth (N-1)/2, and the GPU hops.
// Prefill: the weight FLOPs over compute, and the attention FLOPs over compute at prompt N
// (fitted separately: prefill time = a + b * weights + c * attention).
// `moe_t0`: prefill's per-expert cost (SpeedFit::moe_t0) on the weight FLOPs of an MoE model.
double speed_regressor(const SpeedSample& s, double issue_beta = 0, double kv_refetch = 0,
                       double moe_t0 = 0, double score_ns = 0);
double speed_regressor2(const SpeedSample& s);
// Seconds per token the fit predicts for a sample's features and regressor.
double speed_time(const SpeedFit& fit, const SpeedSample& s);

// Least squares over the samples of `group` and kind (decode / prefill), leaving out the sample
// with row index `exclude` (or none with SIZE_MAX). Constraints: b >= 1, a >= 0, c >= 0.
// `holdout` leaves out a whole group of samples (every sample of one hardware, model, source or
// GPU count).
SpeedFit fit_speed(const std::vector<SpeedSample>& samples, const std::string& group, bool decode,
                   size_t exclude = SIZE_MAX, const Holdout& holdout = {});
// Metal without flash attention: ns of one GPU core per attention score (SpeedFit::score_ns)
// from the samples' decode runs, without row `exclude` and the `holdout` group; `configs` is
// set to the configurations it rests on (0 ns where fewer than kMinScoreConfigs).
double metal_score_ns(const std::vector<SpeedSample>& samples, size_t exclude,
                      const Holdout& holdout, size_t& configs);
// Forgets the fits fit_speed keeps (keyed on the samples' address, so a new sample vector at a
// reused address must clear them first).
void clear_fit_memo();

}  // namespace runcheck
