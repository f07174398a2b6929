// The rates a device and a batch run at: the compute figure prefill divides FLOPs by, the PCIe
// link offloaded weights cross, and what a step of K sequences costs. Read by speed_model.cpp.
#include "engine_internal.h"

namespace runcheck::engine {

// Several sequences decoding together (llama-server -np K, vLLM at concurrency K): one step
// advances every sequence by a token, but costs more than a one-sequence step (a matrix of K
// columns instead of a vector). llama.cpp's batched-bench sample results (tools/batched-bench
// README, LLaMA 7B F16, PP 128 / TG 128, prompt not shared; hardware not stated) give S_TG per
// batch size B; the step costs B x S_TG(1) / S_TG(B) one-sequence steps (1.63 at B=2, 2.23 at 4,
// 2.39 at 8, 2.75 at 16, 2.86 at 32), interpolated in log2(B).
struct BatchedRun {
  double b, s_tg;
};
constexpr BatchedRun kBatchedBench[] = {{1, 41.57},  {2, 50.90},   {4, 74.44},
                                        {8, 139.43}, {16, 242.23}, {32, 465.40}};
const char* const kBatchedBenchSource =
    "https://github.com/ggerganov/llama.cpp/blob/026bb1b1cde765e799613fdc56d142ad63bb7624/examples/"
    "batched-bench/README.md";

double batched_step_ratio(double k) {
  auto ratio = [](const BatchedRun& r) { return r.b * kBatchedBench[0].s_tg / r.s_tg; };
  if (k <= 1) return 1;
  constexpr size_t n = sizeof kBatchedBench / sizeof kBatchedBench[0];
  for (size_t i = 1; i < n; ++i) {
    if (k <= kBatchedBench[i].b || i + 1 == n) {
      const double x0 = std::log2(kBatchedBench[i - 1].b), x1 = std::log2(kBatchedBench[i].b);
      const double y0 = ratio(kBatchedBench[i - 1]), y1 = ratio(kBatchedBench[i]);
      return y0 + (y1 - y0) * (std::log2(k) - x0) / (x1 - x0);
    }
  }
  return ratio(kBatchedBench[n - 1]);
}

bool high_precision(const Inputs& in) {
  if (in.ftype) {
    const FileType f = in.ftype->ftype;
    return f == FileType::ALL_F32 || f == FileType::F16 || f == FileType::BF16 ||
           f == FileType::Q8_0;
  }
  return in.format && in.format->bits_per_weight && *in.format->bits_per_weight >= 8;
}

// ggml's legacy block types, as the file type names them (llama.cpp's LLAMA_FTYPE_MOSTLY_Q4_0
// ... Q8_0): one scale (and min) per 32 weights.
bool legacy_quant(const Inputs& in) {
  if (!in.ftype) return false;
  const FileType f = in.ftype->ftype;
  return f == FileType::Q4_0 || f == FileType::Q4_1 || f == FileType::Q5_0 || f == FileType::Q5_1;
}

// Weights llama.cpp's CUDA backend multiplies with its quantized kernels (MMQ): every quantized
// type; F16, BF16 and F32 weights go through cuBLAS instead.
bool quantized_weights(const Inputs& in) {
  if (in.ftype) {
    const FileType f = in.ftype->ftype;
    return !(f == FileType::ALL_F32 || f == FileType::F16 || f == FileType::BF16);
  }
  return !(in.format && in.format->bits_per_weight && *in.format->bits_per_weight >= 16);
}

// Compute figure of one accelerator for prefill, in FP16 TFLOPS (FP32 accumulate) as a GeForce
// card states them: the dense FP16 tensor figure; else 2 x FP32 vector TFLOPS; on Apple, GPU
// cores (the Metal fit absorbs the per-core rate).
// `mmq`: quantized weights on CUDA, which llama.cpp multiplies on the INT8 tensor cores on
// Turing and later (ggml-cuda/mmq.cu, ggml_cuda_should_use_mmq: MMQ whenever
// turing_mma_available). Their rate is the card's dense INT8 figure, taken on the GeForce scale
// (INT8 / kInt8OverFp16GeForce). On GeForce that is the FP16 figure again; on workstation and
// datacenter cards, whose FP16 tensor rate is not halved, it is half of it (A100: 624 / 4 = 156,
// not 312), which is what their published llama-bench runs show.
// `cublas_f16`: F16 weights on llama.cpp's CUDA backend go to cuBLAS with FP16 accumulate
// (ggml-cuda.cu, batched_mul_mat_traits<GGML_TYPE_F16>: CUBLAS_COMPUTE_16F), whose rate is
// INT8 / 2 on every NVIDIA part: GeForce cards do not halve it as they halve FP16 with FP32
// accumulate. So F16 takes MMQ's INT8-derived figure (the fit group it shares with Q8_0 carries
// one efficiency for both). Same card, same build, F16 ran 1.10-1.33 x Q4_K_M's prefill on
// GeForce and workstation cards alike (XiongjieDai's tables, RTX 3090 to H100), which the
// FP32-accumulate figure, 2 x apart between the two kinds, could not give. BF16 keeps FP32
// accumulate (CUBLAS_COMPUTE_32F) and the FP16 figure.
std::optional<double> compute_figure(const HardwareEntry* h, bool mmq, bool cublas_f16,
                                     bool& fallback) {
  if (!h) return std::nullopt;
  if (h->kind == HardwareKind::kApple) {
    if (h->gpu_cores) return static_cast<double>(*h->gpu_cores);
    return std::nullopt;
  }
  if ((mmq || cublas_f16) && h->vendor == "nvidia") {
    if (h->int8_tops) return *h->int8_tops / kInt8OverFp16GeForce;
    // Without an INT8 figure: FP16 with FP16 accumulate is INT8 / 2 on every NVIDIA part.
    if (h->fp16_tflops_fp16acc) return *h->fp16_tflops_fp16acc * 2 / kInt8OverFp16GeForce;
  }
  // RDNA 3's quoted FP16 and FP32 rates count dual issue (two wave32 ops paired in one VOPD
  // instruction, or wave64), which compiled kernels rarely reach: llama.cpp's are taken at the
  // single-issue rate, half the quoted figure (kRdna3DualIssue).
  const double dual =
      h->vendor == "amd" && h->architecture.rfind("RDNA 3", 0) == 0 ? kRdna3DualIssue : 1.0;
  if (h->fp16_tflops) return *h->fp16_tflops / dual;
  if (h->fp32_tflops) {
    fallback = true;
    return *h->fp32_tflops * kTensorOverVectorFallback / dual;
  }
  return std::nullopt;
}

// A CPU's prefill peak: the cores llama.cpp's matmuls run on x base clock x the core design's
// FP32 FLOPs per cycle (catalog), in TFLOPS. llama.cpp runs --threads threads, by default the
// physical cores (common.cpp cpu_get_num_math: "hyperthreading isn't useful for linear
// algebra"); more threads than physical cores share those cores, so they count as the cores.
// The compute figure is the int8 rate llama.cpp's quantized kernels can reach on those cores
// (kCpuInt8OverFp32 x the FP32 rate), so the fit's efficiency is at most 1; the base clock is the
// guaranteed one (the boost a laptop or a loaded server sustains varies; the fit absorbs it).
std::optional<CpuPeak> cpu_peak(const HardwareEntry* h, uint32_t threads) {
  if (!h || h->kind != HardwareKind::kCpu || !h->cpu_cores || !h->cpu_base_clock_mhz ||
      !h->cpu_fp32_flops_per_cycle)
    return std::nullopt;
  CpuPeak c;
  c.cores = static_cast<uint32_t>(*h->cpu_cores);
  c.threads = threads > 0 ? threads : c.cores;
  c.used = std::min(c.threads, c.cores);
  c.fp32_tflops = c.used * *h->cpu_base_clock_mhz * 1e6 * *h->cpu_fp32_flops_per_cycle / 1e12;
  c.tflops = c.fp32_tflops * kCpuInt8OverFp32;
  return c;
}

std::string cpu_peak_note(const HardwareEntry& h, const CpuPeak& c, uint32_t threads) {
  return "prefill: CPU peak " + std::to_string(c.used) + " of " + std::to_string(c.cores) +
         " physical cores (" +
         (threads > 0 ? std::to_string(threads) + " threads"
                      : std::string("llama.cpp's default threads: one per physical core")) +
         ") x " + text::fmt("%.2f", h.cpu_base_clock_mhz.value_or(0) / 1000) + " GHz base x " +
         text::fmt("%.0f", h.cpu_fp32_flops_per_cycle.value_or(0)) +
         " FP32 FLOPs/cycle = " + text::fmt("%.2f", c.fp32_tflops) + " TFLOPS FP32, " +
         text::fmt("%.2f", c.tflops) + " TOPS int8 (" + text::fmt("%.0f", kCpuInt8OverFp32) +
         " int8 multiply-adds per 32-bit lane: the ceiling of llama.cpp's quantized CPU matmuls)" +
         (c.threads > c.cores
              ? "; threads beyond the physical cores share them (SMT adds no matmul throughput)"
              : "");
}

std::string why_prefill_null(const Inputs& in, const Machine& mc, const SpeedFeatures& f) {
  const HardwareEntry* cpu = nullptr;
  std::string gpu;  // a GPU without a compute figure
  for (const auto* h : in.hardware) {
    if (h->kind == HardwareKind::kCpu) cpu = h;
    if (h->kind == HardwareKind::kGpu && !h->fp16_tflops && !h->fp32_tflops) gpu = h->name;
  }
  if (f.prefill_fixed) return "no prefill measurements to fit for this backend";
  if (mc.gpus.empty() && cpu)
    return cpu->cpu_cores ? "the catalog has no core count, base clock or FP32 FLOPs per cycle "
                            "for " +
                                cpu->name
                          : cpu->name +
                                " is a memory configuration, not a processor: choose your CPU "
                                "(cores, clock and FLOPs per cycle set its prefill)";
  if (mc.gpus.empty())
    return "prefill on this CPU-only machine is not modelled: the catalog has no compute figure "
           "for it";
  return "the catalog has no compute figure (FP16 or FP32 TFLOPS) for " +
         (gpu.empty() ? std::string("a device") : gpu);
}

double pcie_gb_s(std::optional<double> gen, std::optional<double> lanes, bool& assumed) {
  assumed = !gen || !lanes;
  const double g = gen ? *gen : kPcieAssumedGen, l = lanes ? *lanes : kPcieAssumedLanes;
  const double gts = g <= 1 ? 2.5 : g <= 2 ? 5 : 8 * std::pow(2.0, g - 3);
  const double payload = g <= 2 ? 8.0 / 10.0 : 128.0 / 130.0;
  return gts * payload / 8 * l;
}

// Where the issue bound (speed.h), not the bandwidth, sets a GPU's decode: one note per GPU model.
void issue_bound_notes(double beta, const Machine& mc, std::vector<std::string>& assumptions) {
  if (beta <= 0) return;
  std::set<std::string> said;
  for (const auto& g : mc.gpus) {
    const HardwareEntry* h = builtin_catalog().hw(g.hardware_id);
    if (!h || !h->sm_count || !h->boost_clock_mhz || !h->bandwidth_gb_s) continue;
    if (!said.insert(h->id).second) continue;
    const double rate = *h->sm_count * *h->boost_clock_mhz * 1e6 * beta / 1e9;
    if (rate >= *h->bandwidth_gb_s) continue;
    assumptions.push_back(
        "decode: " + h->name + " streams weights at most at " + fmt("%.0f", rate) +
        " GB/s, below its " + fmt("%.0f", *h->bandwidth_gb_s) + " GB/s: llama.cpp's decode " +
        "matmuls unpack (dequantize or convert) each weight they read, and its " +
        std::to_string(*h->sm_count) + (h->vendor == "amd" ? " compute units" : " SMs") + " at " +
        fmt("%.0f", *h->boost_clock_mhz) + " MHz issue that work at about " + fmt("%.1f", beta) +
        " bytes per unit-cycle (fitted on the calibration runs)");
  }
}

double kv_refetches(const Inputs& in) {
  const ModelArch& m = in.model->arch;
  // Without flash attention llama.cpp computes decode attention as two mat-vec products over the
  // cache (KQ, then KQV) that broadcast each KV head to its query heads (ggml_mul_mat with
  // ne12 / ne02 = head_count / head_count_kv), one query head at a time.
  if (in.plan.kv.flash_attn || !is_llamacpp_engine(in.plan.kv.runtime) || m.is_mla() ||
      m.head_count_kv == 0 || m.head_count <= m.head_count_kv)
    return 0;
  return static_cast<double>(m.head_count) / m.head_count_kv - 1;
}

double metal_score_s(const Inputs& in) {
  const ModelArch& m = in.model->arch;
  if (in.backend != "metal" || in.plan.kv.flash_attn || !is_llamacpp_engine(in.plan.kv.runtime) ||
      m.is_mla())
    return 0;
  const HardwareEntry* mac = nullptr;
  for (const HardwareEntry* h : in.hardware)
    if (h->kind == HardwareKind::kApple) mac = h;
  if (!mac || !mac->gpu_cores || *mac->gpu_cores <= 0) return 0;
  double heads = 0;  // query heads over the layers that attend to the whole cache
  for (uint32_t il = 0; il < m.layers.size(); ++il)
    if (m.layers[il] == LayerKind::kFullAttention || m.layers[il] == LayerKind::kParallelHybrid)
      heads += m.q_heads(il);
  return heads * 1e-9 / *mac->gpu_cores;
}

void set_depth_terms(const Inputs& in, double kv_x, SpeedFeatures& f) {
  f.decode_per_depth_s = kv_x;
  f.decode_per_depth_score_s = metal_score_s(in);
  f.decode_per_depth_refetch_s = kv_x * kv_refetches(in);
}

std::string score_note(const SpeedFeatures& f, const SpeedFit& fit, const Inputs& in) {
  if (f.decode_per_depth_score_s <= 0 || fit.score_ns <= 0) return "";
  const double per_1k_ms = fit.b * fit.score_ns * f.decode_per_depth_score_s * 1e6;
  return "decode: without flash attention llama.cpp's Metal attention takes about " +
         fmt("%.0f", fit.score_ns) +
         " ns of one GPU core per score (a layer's query head against one cached token; the "
         "median of " +
         std::to_string(fit.score_configs) +
         " configurations measured at several depths): " + fmt("%.2f", per_1k_ms) +
         " ms more a token per 1,000 tokens of context" +
         (in.depth > 0 ? ", " + fmt("%.1f", per_1k_ms * in.depth / 1000) + " ms at depth " +
                             std::to_string(in.depth)
                       : std::string()) +
         "; flash attention on avoids it";
}

std::string moe_prefill_note(const SpeedFeatures& f, const SpeedFit& fit, uint32_t prompt) {
  return "prefill: each expert's matmul runs on the " + fmt("%.1f", f.expert_batch(prompt)) +
         " tokens of a micro-batch routed to it and pays about " + fmt("%.0f", fit.moe_t0) +
         " tokens' worth more (the calibration's MoE runs on this backend): x" +
         fmt("%.2f", fit.moe_factor(f, prompt)) + " the dense fit's weight FLOPs time";
}

GpuLink gpu_link(const Inputs& in, const Machine& mc) {
  GpuLink l;
  const HardwareEntry* h = mc.gpus.empty() ? nullptr : builtin_catalog().hw(mc.gpus[0].hardware_id);
  const std::optional<double> gen = h ? h->pcie_gen : std::nullopt;
  const std::optional<double> lanes = h ? h->pcie_lanes : std::nullopt;
  l.own_gb_s = l.gb_s = pcie_gb_s(gen, lanes, l.own_assumed);
  if (in.pcie_gen == 0 && in.pcie_lanes == 0) return l;
  bool ignored = false;
  const double asked =
      pcie_gb_s(in.pcie_gen ? std::optional<double>(in.pcie_gen) : gen,
                in.pcie_lanes ? std::optional<double>(in.pcie_lanes) : lanes, ignored);
  l.gb_s = std::min(l.own_gb_s, asked);
  return l;
}

LinkCost link_cost(const Inputs& in, const Machine& mc, const SpeedFeatures& f) {
  LinkCost c;
  if (in.pcie_gen == 0 && in.pcie_lanes == 0) return c;
  if (mc.gpus.empty() || mc.unified) {
    c.note = "pcie_gen / pcie_lanes: this machine has no discrete GPU on a PCIe link; ignored";
    return c;
  }
  const GpuLink l = gpu_link(in, mc);
  const double link = l.gb_s, own = l.own_gb_s;
  const double per_byte = std::max(0.0, 1.0 / (link * 1e9) - 1.0 / (own * 1e9));
  const ModelArch& m = in.model->arch;
  // Each decode step copies the token's F32 logits to the host (llama_context's output buffer),
  // and a layer split over GPUs hands the F32 hidden state of every token from one GPU to the
  // next: out of one card and into the other, through the host without peer-to-peer copies.
  const double logits = 4.0 * m.vocab_size;
  const double hidden = f.reads_parallel ? 0.0 : 2.0 * 4.0 * m.embedding_length * f.hops;
  c.decode_s = (logits + hidden) * per_byte;
  c.prefill_s = hidden * per_byte;
  c.note = "GPU link: " + fmt("%.1f", link) + " GB/s where the card's own takes " +
           fmt("%.1f", own) + (l.own_assumed ? " (assumed)" : "") +
           ": each decoded token's logits (" + fmt("%.2f", logits / 1e6) + " MB)" +
           (hidden > 0 ? " and the hidden state at " + fmt("%.0f", f.hops) + " GPU boundaries"
                       : std::string()) +
           " cross it, +" + fmt("%.3f", c.decode_s * 1e3) + " ms a token" +
           (c.prefill_s > 0 ? ", prefill +" + fmt("%.3f", c.prefill_s * 1e3) + " ms a token"
                            : std::string()) +
           "; from the bytes alone (no published runs on such links)" +
           (f.reads_parallel ? "; tensor-parallel traffic over it is not modelled" : "");
  return c;
}

// The host that builds and launches each token's kernels: a Mac's or an APU's own CPU, or a
// CPU listed beside discrete GPUs (none on a CPU-only machine: there a layer's cost is the CPU's
// own compute, not launches). Decode's fixed cost per layer runs at its single-core clock.
void set_host_scale(const Inputs& in, SpeedContext& sc) {
  if (in.backend == "cpu") return;
  for (const auto* h : in.hardware) {
    if (h->kind == HardwareKind::kGpu || !h->cpu_boost_clock_mhz || *h->cpu_boost_clock_mhz <= 0)
      continue;
    sc.f.host_scale = kReferenceHostMhz / *h->cpu_boost_clock_mhz;
    sc.notes.push_back(
        "decode's fixed cost per layer (building the token's graph, launching its "
        "kernels) runs on the host CPU, " +
        plain_name(*h) + ", at " + text::fmt("%.2f", *h->cpu_boost_clock_mhz / 1000) + " GHz: x" +
        text::fmt("%.2f", sc.f.host_scale) + " the fit's per-layer cost, which is for a " +
        text::fmt("%.1f", kReferenceHostMhz / 1000) +
        " GHz host (a run or request that names none)");
  }
}

double host_ram_bandwidth(const Inputs& in, bool unified, const HardwareEntry* h,
                          SpeedContext& sc) {
  // The user's own figure first: a CPU's rated bandwidth assumes every channel filled at its top
  // speed, and a board may have fewer modules or slower ones.
  if (in.ram_bandwidth_gb_s > 0 && !unified) return in.ram_bandwidth_gb_s;
  if (h && h->bandwidth_gb_s) {
    sc.host_bw_rated_by = h;
    return *h->bandwidth_gb_s;
  }
  return in.ram_bandwidth_gb_s > 0 ? in.ram_bandwidth_gb_s : kDefaultRamBandwidthGBs;
}

std::string plain_name(const HardwareEntry& h) {
  return h.name.substr(0, h.name.find(" (CPU only)"));
}

std::string host_ram_note(const Inputs& in, const std::string& what, double gb_s,
                          const HardwareEntry* rated) {
  const std::string at = " read system RAM at ", gbs = text::fmt("%.1f", gb_s) + " GB/s";
  const std::string yours = "set ram_bandwidth_gb_s to your RAM's: channels x MT/s x 8 B)";
  if (in.ram_bandwidth_gb_s > 0)
    return what + at + "your " + gbs +
           " (ram_bandwidth_gb_s); decode depends on it more than on the GPU";
  if (rated)
    return what + at + gbs + ", the rated figure of " + plain_name(*rated) +
           " (every memory channel filled at its top speed; " + yours;
  return what + at + "an assumed " + gbs + " (dual-channel DDR4-3200; " + yours;
}

}  // namespace runcheck::engine
