// Every named constant of the engine that is not arithmetic: an overhead, a margin, an assumed
// default, a band's width. Each is defined once here, with where it comes from; the code, the
// messages (formatted from the value) and the `methodology` command all read these definitions,
// and constants_table() lists them as {name, value, unit, what, source}.
#pragma once

#include <cstdint>
#include <vector>

#include "runcheck/memory.h"

namespace runcheck {

// --- memory and machines -------------------------------------------------------------------------

// CUDA primary context + cuBLAS workspace per GPU, not shown in llama.cpp's buffers: 120-550 MB
// depending on the GPU (llama.cpp PR #20595, "cudaSetDevice ... creates a CUDA primary context
// (120-550 MB depending on GPU)"). We take the top of that range: the logged RTX 4080 16 GB OOM
// for Llama-3-8B F16 at n_ctx 8192 (shared/calibration) needs more than 483 MiB there.
constexpr uint64_t kGpuContextBytes = 512 * kMiB;
// Ollama's own minimum free memory per GPU: 457 MiB CUDA/ROCm, 512 MiB Metal (ollama ml/device.go).
constexpr uint64_t kOllamaReserveCuda = 457 * kMiB;
constexpr uint64_t kOllamaReserveMetal = 512 * kMiB;
// RAM the OS and desktop keep: Windows 11's minimum system requirement is 4 GB
// (https://www.microsoft.com/windows/windows-11-specifications); we keep 4 GiB for any OS.
constexpr uint64_t kOsRamReserveBytes = 4 * kGiB;
// System RAM assumed next to a discrete GPU when the user gives none (stated in `assumptions`).
constexpr double kDefaultHostRamGib = 32;
// Apple Silicon GPU working-set cap (recommendedMaxWorkingSetSize), measured in XiongjieDai's
// logs: 5726.63 MB on an 8 GB M1 (= 2/3 of RAM), 51539.61 MB on 64 GB M1 Max / M3 Max (= 3/4).
// Between those sizes the split point is unmeasured here; we use 3/4 above 36 GiB as users
// report and expose `wired_limit_mb` (sudo sysctl iogpu.wired_limit_mb) to override it.
constexpr double kAppleSmallCapFraction = 2.0 / 3.0;
constexpr double kAppleLargeCapFraction = 3.0 / 4.0;
constexpr double kAppleLargeCapAboveGib = 36;
// Context llama.cpp needs at least (below this the server refuses a useful prompt); the
// inverse search reports nothing smaller.
constexpr uint32_t kMinUsefulContext = 256;
// Upper bound on any hardware count in one request (8-GPU servers are the largest common box).
constexpr int kMaxDevices = 16;
// Context at which My machine judges every model when the user gives none.
constexpr int64_t kMachineViewDefaultContext = 4096;
// Picks shown by Choose my GPU unless the request asks for more (limit, up to 1,000).
constexpr int64_t kChooseDefaultLimit = 25;
// Cells of one sweep at most (models x hardware x quants x contexts).
constexpr uint64_t kMaxSweepCells = 4'000'000;

// --- speed ---------------------------------------------------------------------------------------

// System RAM bandwidth when the machine has no CPU entry and the user gives none: dual-channel
// DDR4-3200, channels x MT/s x 8 bytes = 2 x 3200 x 8 = 51.2 GB/s (stated in `assumptions`).
constexpr double kDefaultRamBandwidthGBs = 51.2;
// Tensor FP16 (FP32 accumulate) over FP32 vector rate on GeForce cards whose whitepaper rows we
// hold: 71/35.6 (RTX 3090), 165.2/82.6 (RTX 4090), 209.5/104.8 (RTX 5090) = 2.0. Used as the
// compute figure of a GPU whose tensor rate is not in the catalog (stated in `assumptions`).
constexpr double kTensorOverVectorFallback = 2.0;
// Dense INT8 tensor TOPS over dense FP16 (FP32 accumulate) TFLOPS on GeForce parts (RTX 3090
// whitepaper: 284 / 71; RTX 4090: 660.6 / 165.2): the scale on which an INT8 figure enters the
// prefill compute figure (speed_model.cpp, compute_figure).
constexpr double kInt8OverFp16GeForce = 4.0;
// RDNA 3 (Navi 3x): the quoted FP16 / FP32 rates assume every cycle issues a dual-issue pair
// (VOPD or wave64); AMD called the doubling dependent on the compiler's pairing, and
// microbenchmarks found compilers rarely emit it (hardwaretimes.com, "AMD RDNA 3 VOPD
// instructions provide only a 4% performance boost"; Chips and Cheese, "Microbenchmarking AMD's
// RDNA 3 graphics architecture"). Prefill takes the single-issue rate: the quoted figure / 2.
constexpr double kRdna3DualIssue = 2.0;
// Prefill's upper bound: llama.cpp's quantized matmuls (MMQ) run on INT8 tensor cores, whose dense
// rate is 4x the FP16 (FP32 accumulate) rate on GeForce (RTX 3090 whitepaper: 284 / 71 TOPS) and
// 2x on datacenter parts (A100: 624 / 312), so 4x the compute figure (on the GeForce scale) bounds
// every card.
constexpr double kPrefillCeilingOverFp16 = 4.0;
// A CPU's int8 dot-product instructions (AVX-512 VNNI / AVX-VNNI VPDPBUSD, AVX2 VPMADDUBSW, Arm
// SDOT) multiply 4 int8 pairs in each 32-bit lane where an FP32 FMA multiplies one: llama.cpp's
// quantized CPU matmuls (weights against int8-quantized activations) can reach 4x the FP32 FLOP
// rate, which is the CPU's prefill compute figure and its ceiling.
constexpr double kCpuInt8OverFp32 = 4.0;
// Prefill runs of fewer tokens stay out of the prefill fit: llama.cpp multiplies batches under
// 32 tokens with its vector kernels (MMVQ), and a short prompt's time is one pass over the weights
// plus fixed overheads, not FLOPs (the estimate bounds it by the weight pass instead).
constexpr uint32_t kMinPrefillFitTokens = 128;
// The band: the split-conformal 2.5 % and 97.5 % edges of measured/predicted over the fit group
// (the floor((n+1) 0.025)-th and ceil((n+1) 0.975)-th of n ratios, band_of), each ratio computed
// with its own publication and its model or hardware left out (the pool that matches the
// estimate's evidence; speed_calibration.cpp group_ratios). The 5th-95th percentiles contained
// only 74-78 % of runs under source and model holdout (make accuracy, 2026-12-05): a new source
// differs more than the residuals of known ones say.
constexpr double kBandLowQuantile = 0.025, kBandHighQuantile = 0.975;
// A stratum of a fit group (MoE models, several GPUs, one vendor within a backend) whose own
// residuals widen the band needs at least this many of them: fewer would make its 2.5-97.5 %
// range little more than its two extremes.
constexpr size_t kMinStratumRows = 10;
// Fewest prefill runs of legacy-quant weights, and of other weights, in a fit group before the
// group fits its own legacy-quant factor (SpeedFit::k_legacy).
constexpr size_t kMinLegacyQuantRuns = 5;
// Candidate shares of decode's repeated per-query-head KV reads without flash attention that
// come from memory (SpeedFit::kv_refetch): 0 = every repeat found in cache, 1 = none.
constexpr double kKvRefetchGrid[] = {0.0, 0.25, 0.5, 0.75, 1.0};
// Fewest decode runs without flash attention a group needs to pick its share on that grid.
constexpr size_t kMinRefetchRuns = 10;
// Metal's cost per attention score without flash attention (SpeedFit::score_ns) is the median
// over at least this many configurations, each measured by one publication at mean depths at
// least kMinScoreDepthSpan tokens apart.
constexpr size_t kMinScoreConfigs = 3;
constexpr double kMinScoreDepthSpan = 1000;
// Decode's fixed cost per layer is mostly the host's: llama.cpp builds the token's graph and
// launches (or, with CUDA graphs, checks and replays) its kernels, and ggml-metal encodes every
// node on the CPU, each token. A fit's per-layer costs are for a host with this single-core
// clock (the P-core or max-turbo figure); a named host scales them by this / its clock (speed.h,
// SpeedFeatures::host_scale). It is the median of the distinct hosts the calibration's
// discrete-GPU runs name (speed_host_test checks it against them); a run or request that names
// none is taken to have it.
constexpr double kReferenceHostMhz = 4000;
// Candidate bytes per SM-cycle for the issue bound of decode (SpeedFit::issue_beta), searched by
// fit_speed. The range spans what decode runs reached where bandwidth cannot be the limit:
// 8B Q4_K_M and F16 runs on A100/H100 and a GTX 1050 Ti streamed 4-6 bytes per SM-cycle
// (calibration, XiongjieDai 2024 and llmfit 2026 runs); a grid, as the fit is not linear in it.
constexpr double kIssueBetaGrid[] = {2.0, 2.5, 3.0, 3.5, 4.0,  4.5,  5.0,
                                     5.5, 6.0, 7.0, 8.0, 10.0, 12.0, 16.0};
// llama.cpp's default logical batch (common.h n_batch = 2048): the most tokens one llama_decode
// call of the server takes, so the most outputs an embedding or reranking batch holds.
constexpr uint32_t kLlamaServerBatch = 2048;
// A runtime's own fit group with fewer held-out residuals than this (the issue's threshold for
// reporting a group) also takes the spread of borrowed fits into its band
// (speed_model.cpp join_borrowed).
constexpr size_t kMinBandRows = 20;
// A fit group needs runs on at least this many machines (a GPU model x a device count): with
// fewer, a slope against bandwidth or compute rests on one or two cards' own quirks.
constexpr size_t kMinFitMachines = 3;
// No measurement for this backend and precision: the nearest group's band, widened by 30 %
// each way (the spread between backends' fitted efficiencies in the calibration data).
constexpr double kEstimatedBandWidening = 1.3;
// A setup's own published decode runs agree with its estimate when their median, each against
// the estimate at its own depth and build, is within this share of it (issue 17's p90 limit for
// a decode figure, 25 %). Beyond it the figure is not labelled "measured": it keeps its fitted
// label, and the published runs are set beside it (speed_measured.cpp, reconcile_setup_runs).
constexpr double kMeasuredAgreement = 0.25;
// One published batched-decode table (one model, precision and backend): the aggregate's band
// is widened by this factor each way for every other setup (stated in the response).
constexpr double kBatchedBandWidening = 1.5;
// Recommend: the default limit on a quant's published mean KL divergence against F16 (llama.cpp
// perplexity scoreboard, Llama-3-8B): 0.1 admits Q3_K_M (0.084 with an imatrix) and every larger
// type, and leaves IQ3_S (0.111) and below to a lower tier. A preference, changeable per request
// (max_kld), not a measurement.
constexpr double kDefaultMaxQuantKld = 0.1;
// The model of the general per-type loss table the ranking reads (catalog/quant_loss.json's
// llama.cpp scoreboard rows): the one model with a published KLD for every GGUF type. Rows for
// other models are shown beside their quants, not ranked on.
inline constexpr const char* kGeneralQuantLossModel = "Llama-3-8B";
// Vision towers (llama.cpp's mmproj; tools/mtmd/clip.cpp at 3f545be). Gemma 3 pools its 64 x 64
// SigLIP patches 4 x 4 into 256 tokens, for every size of the family (clip.cpp 1589-1597).
inline constexpr uint32_t kGemma3VisionMerge = 4;
// The warmup image llama.cpp sizes the encoder's compute buffer with, in output tokens: Qwen2/2.5/
// 3-VL and Qwen3.5 warm up with 46 x 46 tokens "to avoid OOM on warmup" (clip.cpp 1623-1639),
// Pixtral with 256 tokens (clip.cpp 1514-1524); Gemma 3 takes its fixed 896 px image
// (clip.cpp 1361-1362). --image-max-tokens N makes the warmup N tokens (clip-model.h 186-208).
inline constexpr uint32_t kQwenVisionWarmupTokens = 46 * 46;
inline constexpr uint32_t kPixtralVisionWarmupTokens = 256;
// llama.cpp builds that print "LLAMA_SET_ROWS=0, using old ggml_cpy() method for backwards
// compatibility": from b5817 (PR #14285, 2025-07-03) until b6307 removed the check (PR #15505,
// 2025-08-28); tags read in llama.cpp's history at 3f545be. A log with the line and no build
// number was written by one of these.
inline constexpr uint32_t kLlamacppBuildSetRowsLine = 5817;
inline constexpr uint32_t kLlamacppBuildSetRowsGone = 6307;
// Gemma 4 (gemma4v) warms up with 256 tokens "to avoid OOM on warmup" (clip.cpp 1599-1613,
// set_warmup_n_tokens(256)), each pooled from 3 x 3 patches.
inline constexpr uint32_t kGemma4VisionWarmupTokens = 256;
// Kimi K2.5 (kimik25): a file with image_min/max_pixels warms up on one square image of
// sqrt(max_pixels) px (clip.cpp: warmup_image_size = sqrt(max_pixels)); the converter writes
// max_pixels = in_patch_limit 16,384 x 14^2 = 3,211,264 (conversion/kimivl.py), so 1792 px:
// 128 x 128 = 16,384 patches, 4,096 tokens after the 2 x 2 merge.
inline constexpr uint64_t kKimiK25VisionWarmupPatches = 16384;
// Speculative decoding: the per-token acceptance α (the chance a drafted token is kept, given the
// ones before it were), lowest and highest published, the band an estimate carries when the user
// gives no acceptance. What llama.cpp prints, accepted / drafted, is not α: at a fixed draft
// length k it is (α - α^(k+1)) / (k (1 - α)), and a step emits its accepted tokens plus one, so
// steps = generated - accepted. Draft models: 85.4 % (Qwen2.5-Coder-32B with a 3B draft, code:
// 313 of 912 drafted accepted over 371 generated, 58 steps of 15.7 drafted, 5.40 accepted a step
// at 16, llama.cpp PR #10455) and 89.0 % (Llama-3.1-8B with Llama-3.2-1B, prose: 526 of 730 over
// 673 generated, 147 steps of 5, 3.58 a step, llama.cpp issue #5877). Two runs only.
constexpr double kDraftAcceptanceLow = 0.854;
constexpr double kDraftAcceptanceHigh = 0.890;
// The same for a model's own MTP head: 67.1 % (Qwen3.6-35B-A3B, translation, 0.406 accepted /
// drafted at 4, llama.cpp PR #22673) to 94.4 % (Step-3.5-Flash, code, 1 drafted, where the
// printed rate is α, llama.cpp PR #23274).
constexpr double kMtpAcceptanceLow = 0.671;
constexpr double kMtpAcceptanceHigh = 0.944;
// α by task (speculative request field `task`), from published per-task runs turned into α as
// above (MTP: llama.cpp's mtp-bench accepted / drafted per prompt; EAGLE-3: acceptance lengths
// with the bonus token, E = (1 - α^(k+1)) / (1 - α)), lowest and highest:
// MTP, llama.cpp PR #24340 (Qwen3.6-27B Q8_0, 3 drafted) and PR #22673 (Qwen3.6-35B-A3B, 4
// drafted): code (code_python, code_cpp, long_code_review) 0.646 / 0.834 / 0.718 at 3 and
// 0.811 / 0.630 at 4 -> 79.7-91.8 %; chat (explain_concept, qa_factual, creative_short) 0.718 /
// 0.750 / 0.631 and 0.598 / 0.719 / 0.470 -> 72.0-87.2 %; math (stepwise_math) 0.798 and 0.745
// -> 88.6-89.1 %; summarization 0.778 and 0.750 -> 88.0-88.8 %.
constexpr double kMtpCodeLow = 0.797, kMtpCodeHigh = 0.918;
constexpr double kMtpChatLow = 0.720, kMtpChatHigh = 0.872;
constexpr double kMtpMathLow = 0.886, kMtpMathHigh = 0.891;
constexpr double kMtpSummarizeLow = 0.880, kMtpSummarizeHigh = 0.888;
// EAGLE-3 in vLLM: chat from vLLM's acceptance tests on MT-Bench at 3 drafted (AL 2.26 for
// Qwen3-8B's RedHat head, tests/v1/spec_decode/test_acceptance_length.py; 2.811 for
// Llama-3.1-8B's yuhuili head, examples/offline_inference/spec_decode.py) -> 62.5-76.8 %; code,
// math and summarization from RedHatAI's Llama-4-Maverick EAGLE-3 card at 1-7 drafted
// (HumanEval 1.83-3.62 -> 75.2-83.0 %; GSM8K 1.86-4.02 -> 78.8-86.0 %; CNN/DailyMail
// 1.69-2.63 -> 62.9-69.0 %; the card read through a Hugging Face mirror).
constexpr double kEagle3ChatLow = 0.625, kEagle3ChatHigh = 0.768;
constexpr double kEagle3CodeLow = 0.752, kEagle3CodeHigh = 0.830;
constexpr double kEagle3MathLow = 0.788, kEagle3MathHigh = 0.860;
constexpr double kEagle3SummarizeLow = 0.629, kEagle3SummarizeHigh = 0.690;
// The same for EAGLE-3 heads in vLLM's chain drafting, each published mean acceptance length
// (accepted tokens per step, the bonus token included) turned into a per-token acceptance with
// E = (1 - a^(k+1)) / (1 - a): 60.4 % (MiniCPM4's head, AL 2.45 at 6 drafted, vLLM PR #24243)
// to 76.9 % (Llama-3.1-8B's, AL 2.36 at 2 drafted, vLLM issue #20780; the same table's ALs at
// 3-7 drafted give 74.4-76.3 %).
constexpr double kEagle3AcceptanceLow = 0.604;
constexpr double kEagle3AcceptanceHigh = 0.769;
// llama-server drafts this many tokens per step by default (--spec-draft-n-max, tools/server
// README at llama.cpp 3f545becc).
constexpr uint32_t kDefaultDraftMax = 3;
// llama.cpp refuses a draft whose vocabulary size differs from the target's by more than this
// (common/speculative.cpp SPEC_VOCAB_MAX_SIZE_DIFFERENCE).
constexpr uint32_t kSpecVocabMaxSizeDifference = 128;
// Troubleshoot. A logged buffer and runcheck's "match" within this: the buffers the engine models
// are byte-exact on every logged buffer of the fixtures; llama.cpp prints MiB with 2 decimals and
// pads each tensor to its buffer alignment, which stays far below 2 %.
constexpr double kLogMatchTolerancePct = 2.0;
// Compute buffers are a fitted model, not a byte count: a logged compute buffer and runcheck's
// agree within the engine's largest compute error on the calibration logs (memory_test bounds
// it at 10 % on shared/calibration/measurements.csv).
constexpr double kLogComputeMatchTolerancePct = 10.0;
// A device whose free memory at load is this far below its total is shared with something else
// (the desktop and driver take about 0.3-0.5 GiB on an idle Linux/Windows card: the RTX 3090 of
// llama.cpp#20431 showed 263 MiB used; above 512 MiB the finding names it).
constexpr double kOtherProcessMiB = 512;
// A MoE log whose host (CPU, CPU_Mapped, CUDA_Host) buffers hold more than this share of the
// weights with every layer offloaded, and more than kExpertOffloadHostExcess times what runcheck
// puts on the host without offload, kept routed experts in RAM. Without offload the host holds
// only the token embeddings: 0.26 % of the weights in the Qwen3-235B fixture log, 4.6 % in the
// Pythia-2.8B one (a small model with a large vocabulary), hence the second condition.
constexpr double kExpertOffloadShare = 0.05;
constexpr double kExpertOffloadHostExcess = 1.5;
// MLX (mlx_lm.server) time to first token for prompts of a few tokens, where prefill is
// negligible: 5.4 ms (0.8B) to 250 ms (8B 2-bit) in the MLX rows of shared/calibration/set_c.csv
// (localmaxxing, 2026); 50 ms, near the middle of the larger models' 22-106 ms, is the point.
constexpr double kMlxRequestOverheadS = 0.050, kMlxRequestOverheadLowS = 0.005,
                 kMlxRequestOverheadHighS = 0.250;
// A prompt shorter than this: its time to first token is mostly per-request work (tokenizing, the
// chat template, scheduling, HTTP) and, behind a server, its prefill rate mostly its first decode
// step. The accuracy report neither fits nor scores such TTFT and server prefill rows, and an
// estimate for one says what it leaves out: measured minus estimated TTFT of the
// shared/calibration/set_c.csv runs with prompts under 512 tokens, under source holdout
// (2026-12-06), a median 13 ms for LocalScore's in-process llamafile runs (27 runs), 6 ms for
// llama-server and 115 ms for vLLM (11 and 9 localmaxxing runs), the largest 0.6 s. Said next to
// a short prompt's figure, not added to it (the spread is wider than the figure).
constexpr uint32_t kShortPromptTokens = 512;
constexpr double kRequestOverheadInProcessS = 0.013, kRequestOverheadServerMaxS = 0.6;
// Batch size from which llama.cpp's CUDA backend takes an op on weights held in system RAM
// (ggml-cuda.cu, ggml_backend_cuda_device_offload_op: min_batch_size 32); smaller batches run on
// the CPU.
constexpr double kOpOffloadMinBatch = 32;
// PCIe link assumed when the catalog lacks a GPU's: gen 4 x16 (the most common in its GPUs).
constexpr double kPcieAssumedGen = 4, kPcieAssumedLanes = 16;
// A suggestion that keeps the verdict is offered when it speeds decode up by at least this
// factor (10 %: less is within a speed band's width).
constexpr double kMaterialSpeedGain = 1.10;

// One row of the constants table: the value in `unit`, what it is for, where it comes from.
struct NamedConstant {
  const char* name;
  double value;
  const char* unit;
  const char* what;
  const char* source;
};

// Every constant above (and the placement and KV-cache ones), read by the methodology command.
const std::vector<NamedConstant>& constants_table();

}  // namespace runcheck
