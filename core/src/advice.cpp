// Inverse answers and advice: the largest context and best quant that fit, what to change
// (each change re-run through the engine, ranked by benefit), and the smallest hardware.
#include "engine_internal.h"
#include "runcheck/request.h"

namespace runcheck::engine {

namespace {

RequestChange context_change(uint32_t ctx) {
  RequestChange c;
  c.context = ctx;
  return c;
}

RequestChange quant_change(const std::string& q) {
  RequestChange c;
  c.quant = q;
  return c;
}

// -ngl and --n-cpu-moe as llama.cpp's own search would set them (no n_cpu_moe: cleared).
RequestChange placement_change(uint32_t gpu_layers, std::optional<uint32_t> n_cpu_moe) {
  RequestChange c;
  c.gpu_layers = gpu_layers;
  c.n_cpu_moe = n_cpu_moe;
  c.clears_n_cpu_moe = !n_cpu_moe;
  return c;
}

}  // namespace

void add_advice(const Inputs& in, const Machine& mc, const Plan& plan, const WeightPlan& w,
                Estimate& out) {
  const ModelArch& m = in.model->arch;
  // Inverse questions.
  const uint32_t ctx_comfy = search_context(in, w, mc, is_comfortable);
  const uint32_t ctx_fits = search_context(in, w, mc, runs);
  if (ctx_comfy) out.max_context_comfortable = ctx_comfy;
  if (ctx_fits) out.max_context_fits = ctx_fits;
  std::optional<std::string>&best_comfy = out.best_quant_comfortable,
  &best_fits = out.best_quant_fits;
  // The largest context of every quant on this machine, most bits first (asked for by the page's
  // chart; each is two context searches).
  const auto quant_context = [&](const std::string& name, const WeightPlan& wq) {
    if (!in.quant_contexts) return;
    QuantLimit qc{name, std::nullopt, std::nullopt};
    if (const uint32_t c = search_context(in, wq, mc, is_comfortable)) qc.comfortable = c;
    if (const uint32_t c = search_context(in, wq, mc, runs)) qc.fits = c;
    out.quant_contexts.push_back(qc);
  };
  out.quant_contexts_requested = in.quant_contexts;
  if (in.ftype) {
    for (FileType f : kQuantLadder) {
      const FileTypeInfo* fi = file_type_by_id(static_cast<uint32_t>(f));
      const WeightPlan wq = memo_quantized_weights(in.model->id, m, f);
      quant_context(std::string(fi->name), wq);
      const Plan p = make_plan(m, wq, mc, in.plan);
      if (!best_fits && p.fits) best_fits = std::string(fi->name);
      if (!best_comfy && is_comfortable(p)) best_comfy = std::string(fi->name);
      if (best_fits && best_comfy && !in.quant_contexts) break;
    }
  } else if (in.format) {
    // Other formats: every catalog format the chosen runtime loads, most bits first.
    std::vector<const QuantEntry*> ladder;
    const std::string rt = runtime_name(in.plan.kv.runtime);
    for (const auto& q : builtin_catalog().quants)
      if (q.kind != "gguf" && q.bits_per_weight &&
          std::find(q.runtimes.begin(), q.runtimes.end(), rt) != q.runtimes.end())
        ladder.push_back(&q);
    std::stable_sort(ladder.begin(), ladder.end(), [](const QuantEntry* a, const QuantEntry* b) {
      return *a->bits_per_weight > *b->bits_per_weight;
    });
    for (const QuantEntry* q : ladder) {
      const WeightPlan wq = weights_for(in, nullptr, q);
      quant_context(q->id, wq);
      const Plan p = make_plan(m, wq, mc, in.plan);
      if (!best_fits && p.fits) best_fits = q->id;
      if (!best_comfy && is_comfortable(p)) best_comfy = q->id;
      if (best_fits && best_comfy && !in.quant_contexts) break;
    }
  }
  // What to change: each suggestion is a request patch, re-run through the same engine, with the
  // verdict and decode speed it gives. Offered when it improves the verdict or speeds decode up
  // by at least kMaterialSpeedGain; ranked by verdict gained, then by speed gained.
  {
    const double base_tps = out.speed.decode_tps.value_or(0.0);
    struct Cand {
      RequestChange change;
      std::string text;
      Inputs alt;
      int order;
      std::optional<Machine> machine = std::nullopt;
    };
    std::vector<Cand> cands;
    auto with = [&](auto&& edit) {
      Inputs a = in;
      edit(a);
      return a;
    };
    const bool engine = is_llamacpp_engine(in.plan.kv.runtime);
    if (in.kv_type == "f16" && (in.plan.kv.flash_attn || engine)) {
      RequestChange change;
      change.kv_type = "q8_0";
      if (!in.plan.kv.flash_attn) change.flash_attn = true;
      cands.push_back(
          {change,
           in.plan.kv.runtime == Runtime::kVllm
               ? std::string("store the KV cache in FP8 (--kv-cache-dtype fp8: one "
                             "byte per value, half of BF16/FP16)")
               : std::string("quantize the KV cache to q8_0 (half the size of f16") +
                     (in.plan.kv.flash_attn ? ")" : "; needs flash attention, turned on)"),
           with([](Inputs& a) {
             a.plan.kv.type_k = a.plan.kv.type_v = GgmlType::Q8_0;
             a.kv_type = "q8_0";
             a.plan.kv.flash_attn = true;
           }),
           0});
    }
    if (!in.plan.kv.flash_attn && engine)
      cands.push_back({[] {
                         RequestChange c;
                         c.flash_attn = true;
                         return c;
                       }(),
                       "turn flash attention on (smaller compute buffer)",
                       with([](Inputs& a) { a.plan.kv.flash_attn = true; }), 1});
    if (ctx_comfy > 0 && ctx_comfy < in.plan.kv.n_ctx)
      cands.push_back({context_change(ctx_comfy),
                       "shorten the context to " + std::to_string(ctx_comfy) + " tokens",
                       with([&](Inputs& a) { a.plan.kv.n_ctx = ctx_comfy; }), 2});
    // The longest context at which nothing sits in system RAM (every layer and expert on a GPU).
    if (!mc.unified && !mc.gpus.empty() &&
        (plan.gpu_layers < plan.total_layers || plan.n_cpu_moe > 0) &&
        in.plan.forced_gpu_layers < 0 && in.plan.forced_n_cpu_moe < 0) {
      const uint32_t all_gpu = search_context(in, w, mc, [](const Plan& p) {
        return p.fits && p.gpu_layers == p.total_layers && p.n_cpu_moe == 0;
      });
      if (all_gpu > 0 && all_gpu < in.plan.kv.n_ctx && all_gpu != ctx_comfy)
        cands.push_back({context_change(all_gpu),
                         "shorten the context to " + std::to_string(all_gpu) +
                             " tokens, the longest with every layer on the GPU",
                         with([&](Inputs& a) { a.plan.kv.n_ctx = all_gpu; }), 2});
    }
    if (best_comfy && *best_comfy != in.quant) {
      const std::string q = *best_comfy;
      cands.push_back({quant_change(q), "use " + q + " instead of " + in.quant,
                       with([&](Inputs& a) {
                         a.quant = q;
                         a.ftype = in.ftype ? file_type_by_name(q) : nullptr;
                         a.format = in.ftype ? a.format : builtin_catalog().quant(q);
                       }),
                       3});
    }
    // The best GGUF type with nothing in system RAM, when the plan offloads.
    if (in.ftype && !in.user_weights && !mc.unified && !mc.gpus.empty() &&
        (plan.gpu_layers < plan.total_layers || plan.n_cpu_moe > 0)) {
      for (FileType f : kQuantLadder) {
        const FileTypeInfo* fi = file_type_by_id(static_cast<uint32_t>(f));
        const Plan p = make_plan(m, memo_quantized_weights(in.model->id, m, f), mc, in.plan);
        if (!(p.fits && p.gpu_layers == p.total_layers && p.n_cpu_moe == 0)) continue;
        if (fi->name != in.quant && (!best_comfy || *best_comfy != fi->name))
          cands.push_back(
              {quant_change(std::string(fi->name)),
               "use " + std::string(fi->name) + ", the largest type with every layer on the GPU",
               with([&](Inputs& a) {
                 a.quant = fi->name;
                 a.ftype = fi;
               }),
               3});
        break;
      }
    }
    // The user fixed -ngl / --n-cpu-moe: what llama.cpp's own placement search would do instead
    // (for MoE models, routed experts to the CPU before whole layers).
    if (engine && (in.plan.forced_gpu_layers >= 0 || in.plan.forced_n_cpu_moe >= 0)) {
      Inputs a = with([](Inputs& x) { x.plan.forced_gpu_layers = x.plan.forced_n_cpu_moe = -1; });
      const Plan ap = make_plan(m, w, mc, a.plan);
      if (ap.n_cpu_moe > 0)
        cands.push_back({placement_change(ap.gpu_layers, ap.n_cpu_moe),
                         "keep " + std::to_string(ap.gpu_layers) +
                             " layers on the GPU and move the routed experts of " +
                             std::to_string(ap.n_cpu_moe) + " layers to system RAM (--n-cpu-moe " +
                             std::to_string(ap.n_cpu_moe) + ")",
                         a, 4});
      else
        cands.push_back({placement_change(ap.gpu_layers, std::nullopt),
                         "offload " + std::to_string(ap.gpu_layers) + " of " +
                             std::to_string(ap.total_layers) + " layers (-ngl " +
                             std::to_string(ap.gpu_layers) + ")",
                         a, 4});
    }
    // A Mac: raise the GPU's wired limit to all memory but what the OS keeps (kOsRamReserveBytes).
    if (mc.unified && !mc.gpus.empty() && mc.gpus[0].kind == DeviceKind::kAppleGpu) {
      const uint64_t ram = mc.host.memory_bytes;
      const double limit_mb = std::floor(
          static_cast<double>(ram > kOsRamReserveBytes ? ram - kOsRamReserveBytes : 0) / 1e6);
      if (limit_mb * 1e6 > static_cast<double>(mc.gpus[0].budget_bytes) * 1.01) {
        Inputs a = with([&](Inputs& x) { x.wired_limit_mb = limit_mb; });
        std::vector<std::string> ignored;
        RequestChange wired;
        wired.wired_limit_mb = limit_mb;
        cands.push_back({wired,
                         "raise the GPU wired limit to " + fmt("%.0f", limit_mb) +
                             " MB (sudo sysctl iogpu.wired_limit_mb=" + fmt("%.0f", limit_mb) +
                             "; resets at reboot), leaving " +
                             fmt("%.0f", static_cast<double>(kOsRamReserveBytes) / kGiB) +
                             " GiB to macOS",
                         a, 5, build_machine(a, ignored)});
      }
    }
    struct Scored {
      Suggestion j;
      int verdict_gain;
      double speed_gain;
      int order;
    };
    std::vector<Scored> scored;
    for (auto& c : cands) {
      const WeightPlan wa =
          c.alt.quant == in.quant ? w : weights_for(c.alt, c.alt.ftype, c.alt.format);
      const Machine& mca = c.machine ? *c.machine : mc;
      const Plan p = make_plan(m, wa, mca, c.alt.plan);
      if (p.verdict == Verdict::kWillNotRun) continue;
      std::vector<std::string> ignored;
      const double tps = speed_estimate(c.alt, mca, p, ignored).decode_tps.value_or(0.0);
      const int vgain = static_cast<int>(plan.verdict) - static_cast<int>(p.verdict);
      const double sgain = base_tps > 0 && tps > 0 ? tps / base_tps : 1;
      if (vgain < 0 || (vgain == 0 && sgain < kMaterialSpeedGain)) continue;
      std::string text = c.text;
      if (base_tps > 0 && tps > 0 && sgain >= kMaterialSpeedGain)
        text += ": decode " + fmt("%.1f", base_tps) + " -> " + fmt("%.1f", tps) + " tok/s";
      if (p.gpu_layers == p.total_layers && p.n_cpu_moe == 0 &&
          (plan.gpu_layers < plan.total_layers || plan.n_cpu_moe > 0) && !mc.unified)
        text += " (everything on the GPU)";
      Suggestion sug{c.change, text, p.verdict, std::nullopt, std::nullopt};
      if (tps > 0) sug.decode_tps = tps;
      if (tps > 0 && base_tps > 0) sug.speedup = sgain;
      scored.push_back({std::move(sug), vgain, sgain, c.order});
    }
    std::stable_sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
      if (a.verdict_gain != b.verdict_gain) return a.verdict_gain > b.verdict_gain;
      if (a.speed_gain != b.speed_gain) return a.speed_gain > b.speed_gain;
      return a.order < b.order;
    });
    for (auto& s2 : scored) out.suggestions.push_back(std::move(s2.j));
  }
  // Smallest single catalog GPU (or Mac configuration) that runs this comfortably, on an
  // operating system the runtime lists (vLLM: no Mac; MLX: only a Mac).
  const RuntimeEntry* rte = nullptr;
  for (const auto& e : builtin_catalog().runtimes)
    if (e.id == runtime_name(in.plan.kv.runtime)) rte = &e;
  const auto runs_on = [&](const std::string& os) {
    return !rte || rte->os.empty() ||
           std::find(rte->os.begin(), rte->os.end(), os) != rte->os.end();
  };
  double smallest_gib = 1e18;
  for (const auto& h : builtin_catalog().hardware) {
    if (h.kind == HardwareKind::kApple ? !runs_on("macos")
                                       : !runs_on("linux") && !runs_on("windows"))
      continue;
    // ... and with a backend both list (vLLM: CUDA or ROCm, not an Intel card's SYCL).
    if (rte && !rte->backends.empty() &&
        std::none_of(h.backends.begin(), h.backends.end(), [&](const std::string& b) {
          return std::find(rte->backends.begin(), rte->backends.end(), b) != rte->backends.end();
        }))
      continue;
    std::vector<double> sizes;
    if (h.kind == HardwareKind::kGpu)
      sizes.push_back(*h.memory_gib);
    else if (h.kind == HardwareKind::kApple)
      sizes = h.memory_options_gib;
    for (double gib : sizes) {
      if (gib >= smallest_gib) continue;
      Inputs alt = in;
      alt.hardware = {&h};
      alt.hardware_ids = {h.id};
      if (h.kind == HardwareKind::kApple) {
        alt.ram_gib = gib;
        alt.ram_given = true;
      }
      std::vector<std::string> ignored;
      const Plan p = make_plan(m, w, build_machine(alt, ignored), in.plan);
      if (is_comfortable(p)) {
        smallest_gib = gib;
        const CardFacts facts = card_facts(h);
        out.smallest_hardware = SmallestHardware{
            h.id, h.name, gib, facts.segment, facts.release_date, facts.note, facts.measured_runs};
      }
    }
  }
}

}  // namespace runcheck::engine
