#include "runcheck/placement.h"

#include <algorithm>
#include <cstdio>

#include "runcheck/constants.h"

namespace runcheck {
namespace {

std::string gib_text(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(bytes) / kGiB);
  return buf;
}

struct Trial {
  bool gpus_ok;  // the GPUs' shares fit (unified memory: the whole plan fits)
  bool fits;     // every device fits
};
struct SearchResult {
  uint32_t ngl, ncm;
};

// llama.cpp's placement when the user forces nothing: everything on the GPUs; else the fewest
// layers whose routed experts go to the CPU (--n-cpu-moe, MoE only); else the most GPU layers.
// GPU memory only falls as experts or layers move to the CPU while system RAM use rises, so the
// searches test the GPUs alone (monotone), and the host is checked at the point found.
// `trial(ngl, ncm)` evaluates one placement; plan_llamacpp and quick_plan share this search.
template <class F>
SearchResult llamacpp_search(uint32_t n_layer, bool moe, bool has_gpus, F trial) {
  const uint32_t L = n_layer + 1;
  SearchResult r{L, 0};
  bool fits = trial(L, 0).fits;
  if (!fits && has_gpus && moe && trial(L, n_layer).gpus_ok) {
    uint32_t lo = 1, hi = n_layer;
    while (lo < hi) {
      const uint32_t mid = (lo + hi) / 2;
      if (trial(L, mid).gpus_ok)
        hi = mid;
      else
        lo = mid + 1;
    }
    r = {L, lo};  // if RAM is short, this is the plan to explain
    fits = trial(L, lo).fits;
  }
  if (!fits && has_gpus && trial(0, 0).gpus_ok) {
    int lo = 0, hi = static_cast<int>(L) - 1;
    while (lo < hi) {
      const int mid = (lo + hi + 1) / 2;
      if (trial(static_cast<uint32_t>(mid), 0).gpus_ok)
        lo = mid;
      else
        hi = mid - 1;
    }
    if (trial(static_cast<uint32_t>(lo), 0).fits || !moe) r = {static_cast<uint32_t>(lo), 0};
  }
  return r;
}

DeviceUse use_of(const Device& d, bool host) {
  DeviceUse u;
  u.name = d.name;
  u.hardware_id = d.hardware_id;
  u.backend = d.backend;
  u.is_host = host;
  u.budget_bytes = d.budget_bytes;
  u.overhead_bytes = host ? 0 : d.overhead_bytes;
  u.speculative_bytes = host ? 0 : d.speculative_bytes;
  u.vision_bytes = host ? 0 : d.vision_bytes;
  return u;
}

void finish(Plan& p, const Machine& /*mc*/) {
  bool fits = true;
  for (auto& u : p.devices) {
    u.used_bytes = u.weights_bytes + u.kv_bytes + u.compute_bytes + u.overhead_bytes;
    if (u.used_bytes > u.budget_bytes) fits = false;
  }
  p.fits = fits;
  p.kv_total_bytes = 0;
  for (const auto& u : p.devices) p.kv_total_bytes += u.kv_bytes;
}

// llama.cpp's scheduler (ggml-backend.cpp, ggml_backend_sched_backend_id_from_cur) runs a
// matmul whose weight is in system RAM on the first GPU when the batch has at least
// kOpOffloadMinBatch tokens (the CUDA/ROCm/Vulkan offload_op rule; get_rows, the token
// embeddings, stays), copying the weight whole into that GPU's compute buffer. It starts a new
// split at each such weight "so the memory of the previously offloaded weights can be reused":
// one copy is live at a time, the largest sets the size. The buffer is reserved for a full
// micro-batch, so the copy counts at load. Counted on top of the graph's own peak, an upper
// bound: the allocator places the copy after whatever activations are live (published logs:
// ROCm0 1094.99 MiB for a 788.24 MiB output copy + 380 MiB, 6.7 % under; CUDA0 1024.00 MiB for
// an 816.00 MiB expert copy + 305 MiB, 9.5 % under). With no layer on the GPUs (-ngl 0) every
// large matmul still runs on GPU 0, whose buffer then holds the whole graph, and the CPU keeps
// only the pinned inputs.
void add_op_offload(Plan& p, const ModelArch& m, const Machine& mc, const KvOptions& kv,
                    uint64_t host_largest, bool gpu0_used) {
  if (mc.gpus.empty() || mc.unified || host_largest == 0 || kv.n_ubatch < kOpOffloadMinBatch)
    return;
  DeviceUse& g0 = p.devices[0];
  DeviceUse& host = p.devices.back();
  if (!gpu0_used) {
    g0.overhead_bytes = mc.gpus[0].overhead_bytes;
    g0.speculative_bytes = mc.gpus[0].speculative_bytes;
    g0.vision_bytes = mc.gpus[0].vision_bytes;
    g0.compute_bytes = compute_buffer_bytes(m, kv, ComputeShape{true, false});
    bool any_gpu_layers = false;
    for (size_t d = 0; d + 1 < p.devices.size(); ++d) any_gpu_layers |= p.devices[d].layers > 0;
    if (!any_gpu_layers) host.compute_bytes = host_compute_buffer_bytes(m, kv, false);
  }
  g0.compute_bytes += host_largest;
  g0.op_offload_bytes = host_largest;
}

// One llama.cpp placement: `ngl` layers (counting the output layer) on the GPUs, the first
// `n_cpu_moe` layers' routed experts on the CPU.
// `layer_kv[il]`: KV cache + recurrent state of layer il (the same for every placement tried).
Plan eval_llamacpp(const ModelArch& m, const WeightPlan& w, const Machine& mc, const PlanOptions& o,
                   const std::vector<uint64_t>& layer_kv, uint32_t ngl, uint32_t n_cpu_moe) {
  Plan p;
  const uint32_t n_layer = m.block_count;
  p.total_layers = n_layer + 1;
  p.gpu_layers = mc.gpus.empty() ? 0 : std::min(ngl, p.total_layers);
  p.n_cpu_moe = n_cpu_moe;
  for (const auto& g : mc.gpus) p.devices.push_back(use_of(g, false));
  p.devices.push_back(use_of(mc.host, true));
  DeviceUse& host = p.devices.back();
  const size_t n_gpu = mc.gpus.size();

  // llama.cpp splits offloaded layers over devices in proportion to their free memory
  // (llama-model.cpp: splits[] = cumulative free memory, layer -> upper_bound(splits, i/ngl)).
  std::vector<double> splits(n_gpu, 1.0);
  double total_free = 0;
  for (const auto& g : mc.gpus)
    total_free += static_cast<double>(g.budget_bytes - std::min(g.budget_bytes, g.overhead_bytes));
  double acc = 0;
  for (size_t d = 0; d < n_gpu; ++d) {
    acc += static_cast<double>(mc.gpus[d].budget_bytes -
                               std::min(mc.gpus[d].budget_bytes, mc.gpus[d].overhead_bytes));
    splits[d] = total_free > 0 ? acc / total_free : 1.0;
  }
  const uint32_t i_gpu_start = p.total_layers - p.gpu_layers;
  auto device_of = [&](uint32_t il) -> int {  // -1 = CPU
    if (n_gpu == 0 || il < i_gpu_start) return -1;
    const double x = static_cast<double>(il - i_gpu_start) / p.gpu_layers;
    for (size_t d = 0; d < n_gpu; ++d)
      if (splits[d] > x) return static_cast<int>(d);
    return static_cast<int>(n_gpu - 1);
  };

  std::vector<bool> used_dev(n_gpu, false);
  uint64_t host_largest = 0;  // the largest weight tensor a GPU multiplies from system RAM
  auto largest = [](const std::vector<uint64_t>& v, uint32_t il) -> uint64_t {
    return il < v.size() ? v[il] : 0;
  };
  for (uint32_t il = 0; il < n_layer; ++il) {
    const int d = device_of(il);
    DeviceUse& u = d < 0 ? host : p.devices[d];
    const uint64_t experts = il < n_cpu_moe ? w.layer_expert_bytes[il] : 0;
    if (d < 0)
      host_largest = std::max(host_largest, largest(w.layer_largest_bytes, il));
    else if (experts > 0)
      host_largest = std::max(host_largest, largest(w.layer_largest_expert_bytes, il));
    u.weights_bytes += w.layer_bytes[il] - experts;
    u.expert_bytes += w.layer_expert_bytes[il] - experts;
    host.weights_bytes += experts;
    host.expert_bytes += experts;
    if (experts > 0) ++host.expert_layers;
    u.kv_bytes += layer_kv[il];
    ++u.layers;
    if (d >= 0) used_dev[d] = true;
  }
  const int out_dev = device_of(n_layer);
  DeviceUse& out = out_dev < 0 ? host : p.devices[out_dev];
  out.weights_bytes += w.output_bytes;
  out.holds_output = true;
  if (out_dev >= 0) used_dev[out_dev] = true;
  if (out_dev < 0) host_largest = std::max(host_largest, w.output_bytes);
  // token_embd (and small global tensors) stay in host memory: llama.cpp keeps the input
  // layer on the CPU (measured: 281.81 MiB CPU buffer for Llama-3-8B Q4_K_M).
  host.weights_bytes += w.token_embd_bytes + w.other_global_bytes;
  host.lookup_bytes += w.token_embd_bytes;  // a tied output has its own copy (output_bytes)

  if (o.split_row && n_gpu > 1 && p.gpu_layers == p.total_layers) {
    // --split-mode row (llama.cpp LLAMA_SPLIT_MODE_ROW): all offloaded layers live on the main
    // device with a split buffer type, so weights divide over the GPUs by the same free-memory
    // fractions while KV cache and the compute graph stay on GPU 0.
    uint64_t gpu_weights = 0, gpu_kv = 0, gpu_experts = 0;
    for (size_t d = 0; d < n_gpu; ++d) {
      gpu_weights += p.devices[d].weights_bytes;
      gpu_kv += p.devices[d].kv_bytes;
      gpu_experts += p.devices[d].expert_bytes;
    }
    double prev = 0;
    for (size_t d = 0; d < n_gpu; ++d) {
      DeviceUse& u = p.devices[d];
      u.weights_bytes =
          static_cast<uint64_t>(static_cast<double>(gpu_weights) * (splits[d] - prev));
      u.expert_bytes = static_cast<uint64_t>(static_cast<double>(gpu_experts) * (splits[d] - prev));
      prev = splits[d];
      u.kv_bytes = d == 0 ? gpu_kv : 0;
      u.layers = n_layer;  // a slice of every layer
      u.holds_output = d == 0;
      used_dev[d] = true;
    }
    for (size_t d = 0; d < n_gpu; ++d)
      p.devices[d].compute_bytes =
          d == 0 ? compute_buffer_bytes(m, o.kv, ComputeShape{true, false}) : 0;
    host.compute_bytes = host_compute_buffer_bytes(m, o.kv, false);
    finish(p, mc);
    return p;
  }

  size_t n_used = 0;
  for (bool b : used_dev) n_used += b;
  // Pipeline parallelism (kSchedMaxCopies copies of the graph inputs) only when every layer and
  // the output are offloaded and no tensor is overridden - --n-cpu-moe is an override
  // (llama-context.cpp: n_gpu_layers > n_layer_all && split_mode == LAYER && offload_kqv &&
  // !has_tensor_overrides()).
  const bool multi = n_used > 1 && p.gpu_layers == p.total_layers && n_cpu_moe == 0;
  for (size_t d = 0; d < n_gpu; ++d) {
    if (!used_dev[d]) {
      p.devices[d].overhead_bytes = 0;  // an unused card allocates nothing
      p.devices[d].speculative_bytes = p.devices[d].vision_bytes = 0;
      continue;
    }
    p.devices[d].compute_bytes =
        compute_buffer_bytes(m, o.kv, ComputeShape{p.devices[d].holds_output, multi});
  }
  if (n_used == 0) {
    host.compute_bytes = compute_buffer_bytes(m, o.kv, ComputeShape{true, false});
  } else {
    host.compute_bytes = host_compute_buffer_bytes(m, o.kv, multi);
    // Layers left on the CPU need the CPU backend's own scratch for them.
    if (host.layers > 0)
      host.compute_bytes =
          std::max(host.compute_bytes,
                   compute_buffer_bytes(m, o.kv, ComputeShape{host.holds_output, false}));
  }
  add_op_offload(p, m, mc, o.kv, host_largest, n_used > 0 && used_dev[0]);
  finish(p, mc);
  return p;
}

}  // namespace

Verdict verdict_for(bool fits, bool has_gpu, uint32_t n_cpu_moe, uint32_t gpu_layers,
                    uint32_t total_layers, bool tight) {
  if (!fits) return Verdict::kWillNotRun;
  if (!has_gpu || n_cpu_moe > 0 || gpu_layers < total_layers || tight) return Verdict::kTradeoffs;
  return Verdict::kComfortable;
}

namespace {

void explain(Plan& p, const ModelArch& m, const Machine& mc) {
  const uint32_t n_layer = m.block_count;
  if (!p.fits) {
    p.verdict = Verdict::kWillNotRun;
    for (const auto& u : p.devices)
      if (u.used_bytes > u.budget_bytes)
        p.reasons.push_back(u.name + " needs " + gib_text(u.used_bytes) + " but has " +
                            gib_text(u.budget_bytes) + " usable (short by " +
                            gib_text(u.used_bytes - u.budget_bytes) + ")");
    if (p.reasons.empty())
      p.reasons.push_back("GPU and CPU shares together exceed the unified memory");
    return;
  }
  bool tight = false;
  for (const auto& u : p.devices)
    if (!u.is_host && u.budget_bytes - u.used_bytes < kComfortHeadroomBytes) tight = true;
  p.verdict =
      verdict_for(p.fits, !mc.gpus.empty(), p.n_cpu_moe, p.gpu_layers, p.total_layers, tight);
  // The reasons, in the order verdict_for applies its rules.
  if (mc.gpus.empty()) {
    p.reasons.push_back("no accelerator: all " + std::to_string(n_layer) +
                        " layers run on the CPU from system RAM (slow)");
  } else if (p.n_cpu_moe > 0) {
    p.reasons.push_back("fits by moving the routed experts of " + std::to_string(p.n_cpu_moe) +
                        " of " + std::to_string(n_layer) +
                        " layers to system RAM (--n-cpu-moe): attention stays on the GPU, expert "
                        "reads come from RAM");
  } else if (p.gpu_layers < p.total_layers) {
    p.reasons.push_back("partial offload: " + std::to_string(p.gpu_layers) + " of " +
                        std::to_string(p.total_layers) + " layers on the GPU, " +
                        std::to_string(p.total_layers - p.gpu_layers) +
                        " on the CPU (decode slows to system-RAM speed for those layers)");
  } else if (tight) {
    for (const auto& u : p.devices)
      if (!u.is_host && u.budget_bytes - u.used_bytes < kComfortHeadroomBytes)
        p.reasons.push_back("tight: " + u.name + " keeps only " +
                            gib_text(u.budget_bytes - u.used_bytes) +
                            " free (llama.cpp --fit keeps " + gib_text(kComfortHeadroomBytes) +
                            "; other apps or a longer context may not fit)");
  } else {
    uint64_t free_min = UINT64_MAX;
    for (const auto& u : p.devices)
      if (!u.is_host) free_min = std::min(free_min, u.budget_bytes - u.used_bytes);
    p.reasons.push_back(
        "all " + std::to_string(p.total_layers) + " layers fit on " +
        (mc.gpus.size() > 1 ? std::to_string(mc.gpus.size()) + " GPUs" : mc.gpus[0].name) +
        " with at least " + gib_text(free_min) + " free");
  }
  for (const auto& u : p.devices)
    if (u.op_offload_bytes > 0)
      p.reasons.push_back(u.name + "'s compute buffer includes a " + gib_text(u.op_offload_bytes) +
                          " copy of the largest weight tensor kept in system RAM: llama.cpp "
                          "multiplies prompt batches of 32+ tokens on the GPU (--no-op-offload "
                          "keeps them on the CPU: smaller buffer, slower prefill)");
}

}  // namespace

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kComfortable:
      return "comfortable";
    case Verdict::kTradeoffs:
      return "tradeoffs";
    case Verdict::kWillNotRun:
      return "will_not_run";
  }
  return "will_not_run";
}

Plan plan_llamacpp(const ModelArch& m, const WeightPlan& w, const Machine& mc,
                   const PlanOptions& o) {
  const uint32_t L = m.block_count + 1;
  std::vector<uint64_t> layer_kv(m.block_count);
  for (uint32_t il = 0; il < m.block_count; ++il) layer_kv[il] = layer_cache_bytes(m, il, o.kv);
  Plan p;
  if (o.forced_gpu_layers >= 0 || o.forced_n_cpu_moe >= 0) {
    const uint32_t ngl = o.forced_gpu_layers >= 0 ? std::min<uint32_t>(o.forced_gpu_layers, L) : L;
    const uint32_t ncm =
        o.forced_n_cpu_moe >= 0 ? std::min<uint32_t>(o.forced_n_cpu_moe, m.block_count) : 0;
    p = eval_llamacpp(m, w, mc, o, layer_kv, ngl, m.is_moe() ? ncm : 0);
  } else {
    const SearchResult r = llamacpp_search(
        m.block_count, m.is_moe(), !mc.gpus.empty(), [&](uint32_t ngl, uint32_t ncm) {
          const Plan q = eval_llamacpp(m, w, mc, o, layer_kv, ngl, ncm);
          bool gpus_ok = true;
          for (const auto& u : q.devices)
            if (!u.is_host && u.used_bytes > u.budget_bytes) gpus_ok = false;
          return Trial{gpus_ok && (q.fits || !mc.unified),
                       q.fits};  // unified: one pool, all must fit
        });
    p = eval_llamacpp(m, w, mc, o, layer_kv, r.ngl, r.ncm);
  }
  explain(p, m, mc);
  return p;
}

LayerSums layer_sums(const ModelArch& m, const WeightPlan& w, const KvOptions& kv) {
  LayerSums s;
  const uint32_t n = m.block_count;
  s.n_layer = n;
  s.moe = m.is_moe();
  s.w.assign(n + 1, 0);
  s.k.assign(n + 1, 0);
  s.e.assign(n + 1, 0);
  s.max_tensor.assign(n + 1, 0);
  s.max_expert.assign(n + 1, 0);
  auto at = [](const std::vector<uint64_t>& v, uint32_t il) -> uint64_t {
    return il < v.size() ? v[il] : 0;
  };
  for (uint32_t il = 0; il < n; ++il) {
    s.w[il + 1] = s.w[il] + w.layer_bytes[il];
    s.k[il + 1] = s.k[il] + layer_cache_bytes(m, il, kv);
    s.e[il + 1] = s.e[il] + w.layer_expert_bytes[il];
    s.max_tensor[il + 1] = std::max(s.max_tensor[il], at(w.layer_largest_bytes, il));
    s.max_expert[il + 1] = std::max(s.max_expert[il], at(w.layer_largest_expert_bytes, il));
  }
  s.op_offload_batch = kv.n_ubatch >= kOpOffloadMinBatch;
  s.output = w.output_bytes;
  s.host_only = w.token_embd_bytes + w.other_global_bytes;
  s.compute_out = compute_buffer_bytes(m, kv, ComputeShape{true, false});
  s.compute_no_out = compute_buffer_bytes(m, kv, ComputeShape{false, false});
  s.compute_host = host_compute_buffer_bytes(m, kv, false);
  return s;
}

QuickPlan quick_plan(const LayerSums& s, const Machine& mc) {
  const uint32_t n = s.n_layer, L = n + 1;
  const bool has_gpu = !mc.gpus.empty();
  const Device* g = has_gpu ? &mc.gpus[0] : nullptr;
  // The bytes eval_llamacpp would put on the GPU and the host for (ngl, ncm), from prefix sums.
  auto use = [&](uint32_t ngl, uint32_t ncm, uint64_t& gpu, uint64_t& host) {
    ngl = has_gpu ? std::min(ngl, L) : 0;
    const uint32_t start = L - ngl;  // first layer on the GPU (n = only the output layer)
    const uint32_t lo = std::min(start, n), moved_to = std::max(std::min(ncm, n), lo);
    const uint64_t experts_moved = s.e[moved_to] - s.e[lo];  // of GPU layers below ncm
    // The op offload copy on the GPU (add_op_offload): the largest weight tensor left in RAM.
    const bool offload = has_gpu && !mc.unified && s.op_offload_batch;
    if (ngl == 0) {
      const uint64_t copy = offload ? std::max(s.max_tensor[n], s.output) : 0;
      gpu = copy > 0 ? s.compute_out + copy + g->overhead_bytes : 0;
      host = s.w[n] + s.k[n] + s.output + s.host_only + (copy > 0 ? s.compute_host : s.compute_out);
      return;
    }
    const uint64_t copy =
        offload && (lo > 0 || experts_moved > 0)
            ? std::max(s.max_tensor[lo], experts_moved > 0 ? s.max_expert[moved_to] : 0)
            : 0;
    gpu = (s.w[n] - s.w[lo]) - experts_moved + s.output + (s.k[n] - s.k[lo]) + s.compute_out +
          copy + g->overhead_bytes;
    host = s.w[lo] + experts_moved + s.host_only + s.k[lo] +
           (lo > 0 ? std::max(s.compute_host, s.compute_no_out) : s.compute_host);
  };
  auto judge = [&](uint64_t gpu, uint64_t host) {
    const bool gpu_ok = !has_gpu || gpu <= g->budget_bytes;
    const bool fits = gpu_ok && host <= mc.host.budget_bytes;
    return Trial{gpu_ok && (fits || !mc.unified), fits};
  };
  auto trial = [&](uint32_t ngl, uint32_t ncm) {
    uint64_t gpu = 0, host = 0;
    use(ngl, ncm, gpu, host);
    return judge(gpu, host);
  };
  const SearchResult r = llamacpp_search(n, s.moe, has_gpu, trial);
  QuickPlan q;
  q.gpu_layers = has_gpu ? std::min(r.ngl, L) : 0;
  q.n_cpu_moe = r.ncm;
  use(r.ngl, r.ncm, q.gpu_used, q.host_used);
  q.fits = judge(q.gpu_used, q.host_used).fits;
  const bool tight = has_gpu && q.fits && g->budget_bytes - q.gpu_used < kComfortHeadroomBytes;
  q.verdict = verdict_for(q.fits, has_gpu, q.n_cpu_moe, q.gpu_layers, L, tight);
  return q;
}

Plan plan_vllm(const ModelArch& m, const WeightPlan& w, const Machine& mc, const PlanOptions& o) {
  Plan p;
  p.total_layers = m.block_count + 1;
  const uint32_t tp = static_cast<uint32_t>(std::max<size_t>(1, mc.gpus.size()));
  p.tensor_parallel = tp;
  if (mc.gpus.empty()) {
    p.devices.push_back(use_of(mc.host, true));
    p.fits = false;
    p.verdict = Verdict::kWillNotRun;
    p.reasons.push_back("vLLM needs a CUDA or ROCm GPU; this machine has none");
    return p;
  }
  p.gpu_layers = p.total_layers;
  uint64_t kv_total = 0;
  for (uint32_t il = 0; il < m.block_count; ++il) kv_total += kv_layer_bytes(m, il, o.kv);
  // vLLM's profile run: a forward pass over max_num_batched_tokens (vLLM docs, engine args:
  // 8192 when serving). Its peak is in the feed-forward block: the fused gate/up output (2 ff),
  // the activated product (ff) and three hidden-size tensors (the residual stream, the normed
  // input, the down projection's output), 2 bytes each, per token; the feed-forward ones split
  // over the tensor-parallel GPUs. The sampler's logits (max_num_seqs 256 x vocabulary, FP32)
  // come after the forward pass and take its memory only if larger. Checked against vLLM's
  // "Memory profiling results" for Llama 3.1 8B BF16 on an RTX 3090 at max_model_len 20000 and
  // 29000 (V0, which batched max_model_len tokens): peak_torch_memory minus the weights is 2.07
  // and 2.99 GiB; this gives 2.06 and 2.99.
  constexpr uint64_t kVllmMaxSeqs = 256;
  const uint64_t ff = std::max<uint64_t>(
      m.feed_forward_length, uint64_t{m.expert_used_count} * m.expert_feed_forward_length);
  const uint64_t tokens = std::max<uint32_t>(1, o.vllm_batched_tokens);
  const uint64_t activation =
      std::max(tokens * (3 * ff / tp + 3 * uint64_t{m.embedding_length}) * 2,
               kVllmMaxSeqs * uint64_t{m.vocab_size} * 4);
  for (const auto& g : mc.gpus) {
    DeviceUse u = use_of(g, false);
    // gpu_memory_utilization is a share of the memory the process sees: what the desktop or
    // the driver keeps (gpu_reserved_mb) is not in it.
    u.budget_bytes =
        static_cast<uint64_t>(static_cast<double>(g.budget_bytes) * o.vllm_gpu_memory_utilization);
    u.weights_bytes = w.total_bytes / tp;
    uint64_t experts = 0;
    for (uint64_t e : w.layer_expert_bytes) experts += e;
    u.expert_bytes = experts / tp;
    // Vocab-parallel embedding, a slice per GPU; a tied output reads its table whole.
    u.lookup_bytes = (w.token_embd_bytes - w.tied_table_bytes) / tp;
    u.kv_bytes = kv_total / tp;
    u.compute_bytes = activation;
    u.layers = m.block_count;
    u.holds_output = true;
    p.devices.push_back(u);
  }
  p.devices.push_back(use_of(mc.host, true));
  finish(p, mc);
  if (!p.fits) {
    p.verdict = Verdict::kWillNotRun;
    const DeviceUse& u = p.devices[0];
    const uint64_t fixed = u.weights_bytes + u.compute_bytes + u.overhead_bytes;
    if (fixed > u.budget_bytes)
      p.reasons.push_back("weights alone (" + gib_text(u.weights_bytes) + " per GPU) exceed " +
                          gib_text(u.budget_bytes) + " (gpu_memory_utilization " +
                          std::to_string(o.vllm_gpu_memory_utilization).substr(0, 4) + ")");
    else
      p.reasons.push_back("vLLM refuses to start: the KV cache for max_model_len needs " +
                          gib_text(u.kv_bytes) + " per GPU, only " +
                          gib_text(u.budget_bytes - fixed) + " is left");
    return p;
  }
  p.verdict = Verdict::kComfortable;
  const DeviceUse& u = p.devices[0];
  p.reasons.push_back("fits with tensor parallel " + std::to_string(tp) +
                      "; vLLM fills the remaining " +
                      gib_text(u.budget_bytes - u.used_bytes + u.kv_bytes) +
                      " per GPU with KV blocks for concurrent requests");
  return p;
}

Plan plan_all_on_accelerator(const ModelArch& m, const WeightPlan& w, const Machine& mc,
                             const PlanOptions& o) {
  Plan p;
  p.total_layers = m.block_count + 1;
  if (mc.gpus.empty()) {
    p.devices.push_back(use_of(mc.host, true));
    p.verdict = Verdict::kWillNotRun;
    p.reasons.push_back(std::string(runtime_name(o.kv.runtime)) +
                        " needs an accelerator; this machine has none");
    return p;
  }
  p.gpu_layers = p.total_layers;
  const size_t n = mc.gpus.size();
  for (const auto& g : mc.gpus) p.devices.push_back(use_of(g, false));
  p.devices.push_back(use_of(mc.host, true));
  // Layers are spread evenly over the accelerators (ExLlamaV2 auto-split); MLX has one GPU.
  for (uint32_t il = 0; il < m.block_count; ++il) {
    DeviceUse& u = p.devices[il * n / m.block_count];
    u.weights_bytes += w.layer_bytes[il];
    u.expert_bytes += w.layer_expert_bytes[il];
    u.kv_bytes += kv_layer_bytes(m, il, o.kv);
    ++u.layers;
  }
  p.devices[n - 1].weights_bytes += w.output_bytes + w.token_embd_bytes + w.other_global_bytes;
  p.devices[n - 1].lookup_bytes += w.token_embd_bytes - w.tied_table_bytes;
  p.devices[n - 1].holds_output = true;
  for (size_t d = 0; d < n; ++d)
    p.devices[d].compute_bytes = compute_buffer_bytes(m, o.kv, ComputeShape{d == n - 1, n > 1});
  finish(p, mc);
  explain(p, m, mc);
  return p;
}

Plan make_plan(const ModelArch& m, const WeightPlan& w, const Machine& mc, const PlanOptions& o) {
  switch (o.kv.runtime) {
    case Runtime::kVllm:
      return plan_vllm(m, w, mc, o);
    case Runtime::kMlx:
    case Runtime::kExllamaV2:
      return plan_all_on_accelerator(m, w, mc, o);
    default:
      return plan_llamacpp(m, w, mc, o);
  }
}

}  // namespace runcheck
