// Inverse answers and advice: the largest context and best quant that fit, what to change
// (each change re-run through the engine, ranked by benefit), and the smallest hardware.
#include "engine_internal.h"
#include "runcheck/request.h"

namespace runcheck::engine {

void add_advice(const Inputs& in, const Machine& mc, const Plan& plan, const WeightPlan& w,
                json& out) {
  const ModelArch& m = in.model->arch;
  // Inverse questions.
  const uint32_t ctx_comfy = search_context(in, w, mc, is_comfortable);
  const uint32_t ctx_fits = search_context(in, w, mc, runs);
  out["max_context"] = {{"comfortable", ctx_comfy ? json(ctx_comfy) : json(nullptr)},
                        {"fits", ctx_fits ? json(ctx_fits) : json(nullptr)}};
  json best = {{"comfortable", nullptr}, {"fits", nullptr}};
  if (in.ftype) {
    for (FileType f : kQuantLadder) {
      const FileTypeInfo* fi = file_type_by_id(static_cast<uint32_t>(f));
      const Plan p = make_plan(m, memo_quantized_weights(in.model->id, m, f), mc, in.plan);
      if (best["fits"].is_null() && p.fits) best["fits"] = std::string(fi->name);
      if (best["comfortable"].is_null() && is_comfortable(p))
        best["comfortable"] = std::string(fi->name);
      if (!best["fits"].is_null() && !best["comfortable"].is_null()) break;
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
      const Plan p = make_plan(m, weights_for(in, nullptr, q), mc, in.plan);
      if (best["fits"].is_null() && p.fits) best["fits"] = q->id;
      if (best["comfortable"].is_null() && is_comfortable(p)) best["comfortable"] = q->id;
      if (!best["fits"].is_null() && !best["comfortable"].is_null()) break;
    }
  }
  out["best_quant"] = best;
  // What to change: each suggestion is a request patch, re-run through the same engine, with the
  // verdict and decode speed it gives. Offered when it improves the verdict or speeds decode up
  // by at least kMaterialSpeedGain; ranked by verdict gained, then by speed gained.
  json suggestions = json::array();
  {
    const double base_tps =
        out["speed"]["decode_tps"].is_number() ? out["speed"]["decode_tps"].get<double>() : 0;
    struct Cand {
      json change;
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
      json change = {{"kv_type", "q8_0"}};
      if (!in.plan.kv.flash_attn) change["flash_attn"] = true;
      cands.push_back({change,
                       std::string("quantize the KV cache to q8_0 (half the size of f16") +
                           (in.plan.kv.flash_attn ? ")" : "; needs flash attention, turned on)"),
                       with([](Inputs& a) {
                         a.plan.kv.type_k = a.plan.kv.type_v = GgmlType::Q8_0;
                         a.kv_type = "q8_0";
                         a.plan.kv.flash_attn = true;
                       }),
                       0});
    }
    if (!in.plan.kv.flash_attn && engine)
      cands.push_back({{{"flash_attn", true}},
                       "turn flash attention on (smaller compute buffer)",
                       with([](Inputs& a) { a.plan.kv.flash_attn = true; }),
                       1});
    if (ctx_comfy > 0 && ctx_comfy < in.plan.kv.n_ctx)
      cands.push_back({{{"context", ctx_comfy}},
                       "shorten the context to " + std::to_string(ctx_comfy) + " tokens",
                       with([&](Inputs& a) { a.plan.kv.n_ctx = ctx_comfy; }),
                       2});
    // The longest context at which nothing sits in system RAM (every layer and expert on a GPU).
    if (!mc.unified && !mc.gpus.empty() &&
        (plan.gpu_layers < plan.total_layers || plan.n_cpu_moe > 0) &&
        in.plan.forced_gpu_layers < 0 && in.plan.forced_n_cpu_moe < 0) {
      const uint32_t all_gpu = search_context(in, w, mc, [](const Plan& p) {
        return p.fits && p.gpu_layers == p.total_layers && p.n_cpu_moe == 0;
      });
      if (all_gpu > 0 && all_gpu < in.plan.kv.n_ctx && all_gpu != ctx_comfy)
        cands.push_back({{{"context", all_gpu}},
                         "shorten the context to " + std::to_string(all_gpu) +
                             " tokens, the longest with every layer on the GPU",
                         with([&](Inputs& a) { a.plan.kv.n_ctx = all_gpu; }),
                         2});
    }
    if (best["comfortable"].is_string() && best["comfortable"] != in.quant) {
      const std::string q = best["comfortable"];
      cands.push_back({{{"quant", q}},
                       "use " + q + " instead of " + in.quant,
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
        if (fi->name != in.quant &&
            (!best["comfortable"].is_string() || best["comfortable"] != fi->name))
          cands.push_back(
              {{{"quant", std::string(fi->name)}},
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
        cands.push_back({{{"gpu_layers", ap.gpu_layers}, {"n_cpu_moe", ap.n_cpu_moe}},
                         "keep " + std::to_string(ap.gpu_layers) +
                             " layers on the GPU and move the routed experts of " +
                             std::to_string(ap.n_cpu_moe) + " layers to system RAM (--n-cpu-moe " +
                             std::to_string(ap.n_cpu_moe) + ")",
                         a,
                         4});
      else
        cands.push_back({{{"gpu_layers", ap.gpu_layers}, {"n_cpu_moe", nullptr}},
                         "offload " + std::to_string(ap.gpu_layers) + " of " +
                             std::to_string(ap.total_layers) + " layers (-ngl " +
                             std::to_string(ap.gpu_layers) + ")",
                         a,
                         4});
    }
    // A Mac: raise the GPU's wired limit to all memory but what the OS keeps (kOsRamReserveBytes).
    if (mc.unified && !mc.gpus.empty() && mc.gpus[0].kind == DeviceKind::kAppleGpu) {
      const uint64_t ram = mc.host.memory_bytes;
      const double limit_mb = std::floor(
          static_cast<double>(ram > kOsRamReserveBytes ? ram - kOsRamReserveBytes : 0) / 1e6);
      if (limit_mb * 1e6 > static_cast<double>(mc.gpus[0].budget_bytes) * 1.01) {
        Inputs a = with([&](Inputs& x) { x.wired_limit_mb = limit_mb; });
        std::vector<std::string> ignored;
        cands.push_back({{{"wired_limit_mb", limit_mb}},
                         "raise the GPU wired limit to " + fmt("%.0f", limit_mb) +
                             " MB (sudo sysctl iogpu.wired_limit_mb=" + fmt("%.0f", limit_mb) +
                             "; resets at reboot), leaving " +
                             fmt("%.0f", static_cast<double>(kOsRamReserveBytes) / kGiB) +
                             " GiB to macOS",
                         a,
                         5,
                         build_machine(a, ignored)});
      }
    }
    struct Scored {
      json j;
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
      const json sp = speed_json(c.alt, mca, p, wa, ignored);
      const double tps = sp["decode_tps"].is_number() ? sp["decode_tps"].get<double>() : 0;
      const int vgain = static_cast<int>(plan.verdict) - static_cast<int>(p.verdict);
      const double sgain = base_tps > 0 && tps > 0 ? tps / base_tps : 1;
      if (vgain < 0 || (vgain == 0 && sgain < kMaterialSpeedGain)) continue;
      std::string text = c.text;
      if (base_tps > 0 && tps > 0 && sgain >= kMaterialSpeedGain)
        text += ": decode " + fmt("%.1f", base_tps) + " -> " + fmt("%.1f", tps) + " tok/s";
      if (p.gpu_layers == p.total_layers && p.n_cpu_moe == 0 &&
          (plan.gpu_layers < plan.total_layers || plan.n_cpu_moe > 0) && !mc.unified)
        text += " (everything on the GPU)";
      scored.push_back({{{"change", c.change},
                         {"text", text},
                         {"verdict", verdict_name(p.verdict)},
                         {"decode_tps", tps > 0 ? json(tps) : json(nullptr)},
                         {"speedup", tps > 0 && base_tps > 0 ? json(sgain) : json(nullptr)}},
                        vgain,
                        sgain,
                        c.order});
    }
    std::stable_sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
      if (a.verdict_gain != b.verdict_gain) return a.verdict_gain > b.verdict_gain;
      if (a.speed_gain != b.speed_gain) return a.speed_gain > b.speed_gain;
      return a.order < b.order;
    });
    for (auto& s2 : scored) suggestions.push_back(std::move(s2.j));
  }
  out["suggestions"] = suggestions;
  // Smallest single catalog GPU (or Mac configuration) that runs this comfortably.
  json smallest = nullptr;
  double smallest_gib = 1e18;
  for (const auto& h : builtin_catalog().hardware) {
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
        smallest = {{"id", h.id},
                    {"name", h.name},
                    {"memory_gib", gib},
                    {"segment", facts.segment},
                    {"release_date", facts.release_date},
                    {"measured_runs", facts.measured_runs},
                    {"note", facts.note}};
      }
    }
  }
  out["smallest_hardware"] = smallest;
}

}  // namespace runcheck::engine
