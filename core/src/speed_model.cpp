// The speed model: bytes and FLOPs per token per device, decode / prefill / TTFT / aggregate
// with bands and evidence, from the calibration fits. The per-device features (speed_context)
// and the answer built from them (speed_estimate) share one set of terms; the fits and
// residuals they read live in speed_calibration.cpp, the rates of a device and of a batch
// (compute figure, PCIe, batched steps) in speed_rates.cpp.
#include "engine_internal.h"
#include "runcheck/request.h"

namespace runcheck::engine {

// Context depths reported in decode_by_context (those within the context are shown).
constexpr uint32_t kDepths[] = {0, 1024, 4096, 16384, 32768, 65536, 131072};
SpeedContext speed_context(const Inputs& in, const Machine& mc, const Plan& p) {
  SpeedContext sc;
  const ModelArch& m = in.model->arch;
  sc.f.backend = in.backend;
  sc.f.runtime = speed_runtime(in.plan.kv.runtime);
  sc.f.flash_attn = in.plan.kv.flash_attn;
  sc.f.layers = std::max(1u, m.block_count);
  for (uint32_t il = 0; il < m.block_count; ++il) {
    const LayerKind k = il < m.layers.size() ? m.layers[il] : LayerKind::kFullAttention;
    sc.f.moe_layers += m.layer_is_moe(il) ? 1 : 0;
    sc.f.recurrent_layers += k == LayerKind::kRecurrent || k == LayerKind::kParallelHybrid;
    sc.f.unfused_attention_layers +=
        !sc.f.flash_attn && k != LayerKind::kRecurrent && k != LayerKind::kFeedForward;
  }
  set_host_scale(in, sc);  // speed_rates.cpp: the host CPU's clock over the reference host's
  sc.f.old_build = in.plan.kv.llamacpp_build > 0 &&
                   in.plan.kv.llamacpp_build < kLlamacppBuild2025 &&
                   is_llamacpp_engine(in.plan.kv.runtime);
  sc.f.high_precision = high_precision(in);
  // Metal's mul_mm dequantizes each weight tile to half in threadgroup memory, where a legacy
  // block (one scale per 32) unpacks with less work than a k-quant super-block; CUDA's MMQ
  // converts every type to the same int8 tiles, and the calibration shows no such gap there.
  sc.f.legacy_quant = in.backend == "metal" && legacy_quant(in);
  const HardwareEntry* host_entry = nullptr;
  for (const auto* h : in.hardware)
    if (h->kind != HardwareKind::kGpu) host_entry = h;
  const double cells = std::max<double>(1, kv_cells_full(in.plan.kv));
  const double active_frac =
      m.is_moe() ? static_cast<double>(m.expert_used_count) / m.expert_count : 1.0;
  const bool parallel = p.tensor_parallel > 1 || (in.plan.split_row && mc.gpus.size() > 1);
  double total_read = 0;
  struct Dev {
    double read, kv, bw, experts;  // experts: routed-expert bytes a GPU holds
    std::optional<double> compute;
    uint32_t layers;
    double issue_hz;  // SMs x boost clock (SM-cycles per second); 0 = unknown
  };
  std::vector<Dev> devs;
  size_t gpu_i = 0, used_gpus = 0;
  bool compute_fallback = false;
  const bool mmq = in.backend == "cuda" && quantized_weights(in);
  const bool cublas_f16 = in.backend == "cuda" && is_llamacpp_engine(in.plan.kv.runtime) &&
                          in.ftype && in.ftype->ftype == FileType::F16;
  for (const auto& u : p.devices) {
    Dev d{};
    const HardwareEntry* h = nullptr;
    if (u.is_host) {
      h = host_entry;
      d.bw = host_ram_bandwidth(in, mc.unified, h, sc);
      // A CPU-only machine: the processor's own peak, when the catalog names one.
      if (mc.gpus.empty() && !mc.unified)
        if (const auto c = cpu_peak(h, in.threads)) {
          d.compute = c->tflops;
          sc.notes.push_back(cpu_peak_note(*h, *c, in.threads));
        }
    } else {
      h = mc.unified ? host_entry
                     : (gpu_i < in.hardware.size() ? builtin_catalog().hw(u.hardware_id) : nullptr);
      ++gpu_i;
      d.bw = h && h->bandwidth_gb_s ? *h->bandwidth_gb_s : 0;
      d.compute = compute_figure(h, mmq, cublas_f16, compute_fallback);
      if (h && h->sm_count && h->boost_clock_mhz)
        d.issue_hz = *h->sm_count * *h->boost_clock_mhz * 1e6;
    }
    double read = static_cast<double>(u.weights_bytes) -
                  static_cast<double>(u.expert_bytes) * (1 - active_frac);
    read -= static_cast<double>(
        std::min<uint64_t>(u.weights_bytes, u.lookup_bytes));  // one row per token
    d.read = std::max(0.0, read);
    d.experts = u.is_host ? 0.0 : static_cast<double>(u.expert_bytes);
    d.kv = static_cast<double>(u.kv_bytes) / cells;
    d.layers = u.layers;
    if (!u.is_host && (u.layers > 0 || u.holds_output)) ++used_gpus;
    total_read += d.read;
    devs.push_back(d);
  }
  if (mc.unified && p.devices.size() == 2) devs[1].bw = devs[0].bw;  // one memory pool
  // Weights in system RAM next to GPUs: for a batch of at least kOpOffloadMinBatch tokens
  // llama.cpp runs their matmuls on the first GPU, copying the weights over PCIe for each
  // micro-batch; that GPU's compute figure is the host share's.
  if (!mc.unified && !mc.gpus.empty() && !p.devices.empty() && p.devices.back().is_host &&
      !parallel && (p.devices.back().layers > 0 || p.devices.back().expert_layers > 0)) {
    const auto& hu = p.devices.back();
    sc.host_matmul_bytes = static_cast<double>(
        hu.weights_bytes - std::min<uint64_t>(hu.weights_bytes, hu.lookup_bytes));
    sc.host_active_bytes = devs.back().read;
    for (const auto& d : devs)
      if (d.compute) {
        devs.back().compute = d.compute;
        break;
      }
    const GpuLink link = gpu_link(in, mc);
    sc.pcie_gb_s = link.gb_s;
    sc.pcie_assumed = link.own_assumed;
  }
  sc.f.hops = used_gpus > 1 ? static_cast<double>(used_gpus - 1) : 0;
  // FLOPs per token: 2 x active parameters, and attention 2 x query heads x (K+V dims) per layer
  // per context token read (QK^T and AV). Full-attention layers read the whole context (at the
  // mean depth P/2 of a prompt of P tokens); a sliding layer reads at most its window, a fixed
  // cost per token (taken at half the window). Recurrent and feed-forward-only blocks
  // (Nemotron-H, Qwen3.5's linear attention) attend nothing.
  const double active_params = static_cast<double>(memo_active_parameters(in.model->id, m));
  double attn_per_ctx = 0, swa_flops = 0;
  for (uint32_t il = 0; il < m.layers.size(); ++il) {
    const double per = 2.0 * m.q_heads(il) * (m.k_length(il) + m.v_length(il));
    if (m.layers[il] == LayerKind::kFullAttention || m.layers[il] == LayerKind::kParallelHybrid)
      attn_per_ctx += per;
    if (m.layers[il] == LayerKind::kSlidingAttention) swa_flops += per * m.sliding_window / 2.0;
  }
  double fx = 0, fkv = 0, z0 = 0, zp = 0;
  bool prefill_ok = true;
  for (const auto& d : devs) {
    if (d.read <= 0 && d.kv <= 0) continue;
    if (d.bw <= 0) continue;
    const double x = d.read / (d.bw * 1e9), xk = d.kv / (d.bw * 1e9);
    if (!parallel && &d == &devs.back() && p.devices.back().is_host && !mc.unified &&
        !mc.gpus.empty() && d.read > 0 &&
        (p.devices.back().layers > 0 || p.devices.back().expert_layers > 0)) {
      sc.host_x = x;
      sc.host_bw_gb_s = d.bw;
    }
    const double xe = d.experts / (d.bw * 1e9);
    if (parallel) {
      fx = std::max(fx, x);
      fkv = std::max(fkv, xk);
      sc.f.experts_x = std::max(sc.f.experts_x, xe);
    } else {
      fx += x;
      fkv += xk;
      sc.f.experts_x += xe;
    }
    sc.f.device_reads.push_back({x, d.issue_hz > 0 ? d.read / d.issue_hz : 0.0});
    const double share = total_read > 0 ? d.read / total_read : 0;
    if (share > 0.001 || d.layers > 0) {
      if (!d.compute) {
        prefill_ok = false;
        continue;
      }
      const double layer_share = static_cast<double>(d.layers) / std::max(1u, m.block_count);
      const double zz0 =
          (2 * active_params * share + swa_flops * layer_share) / (*d.compute * 1e12);
      const double zzp = attn_per_ctx * layer_share / 2 / (*d.compute * 1e12);
      if (parallel) {
        z0 = std::max(z0, zz0);
        zp = std::max(zp, zzp);
      } else {
        z0 += zz0;
        zp += zzp;
      }
    }
  }
  sc.f.decode_fixed_s = fx;
  sc.f.reads_parallel = parallel;
  set_depth_terms(in, fkv, sc.f);
  sc.weights_x = fx;
  sc.kv_x_per_depth = fkv;
  sc.ceiling_x0 = fx;
  sc.prefill_known = prefill_ok;
  if (prefill_ok)
    sc.f.prefill_fixed = z0;
  else
    sc.f.prefill_fixed = std::nullopt;
  sc.f.prefill_per_prompt = zp;
  sc.f.pipeline_gpus = parallel ? 1.0 : std::max<double>(1, used_gpus);
  sc.f.n_ubatch = in.plan.kv.n_ubatch;
  sc.f.expert_route_share = active_frac < 1 ? active_frac : 0;
  if (compute_fallback)
    sc.notes.push_back(
        "prefill: a GPU's tensor FP16 rate is not in the catalog; taken as 2 x its FP32 rate "
        "(GeForce ratio)");
  return sc;
}

SpeedEstimate speed_estimate(const Inputs& in, const Machine& mc, const Plan& p,
                             std::vector<std::string>& assumptions) {
  const Calibration& cal = calibration();
  const SpeedContext sc = speed_context(in, mc, p);
  for (const auto& n : sc.notes) assumptions.push_back(n);
  const LinkCost link = link_cost(in, mc, sc.f);  // an eGPU's or a riser's slower link
  if (!link.note.empty()) assumptions.push_back(link.note);
  if (mc.gpus.empty() && in.ram_bandwidth_gb_s <= 0) {
    const HardwareEntry* rated = nullptr;  // the machine whose memory figure decode reads at
    std::string processor;                 // a named CPU whose memory speed the catalog cannot give
    for (const auto* h : in.hardware) {
      if (h->kind != HardwareKind::kGpu && h->bandwidth_gb_s) rated = h;
      if (h->kind == HardwareKind::kCpu && h->cpu_cores) processor = h->name;
    }
    if (rated && rated->kind == HardwareKind::kCpu)
      assumptions.push_back(
          host_ram_note(in, "weights and KV cache", *rated->bandwidth_gb_s, rated));
    if (!rated)
      assumptions.push_back("system RAM bandwidth assumed " + fmt("%.1f", kDefaultRamBandwidthGBs) +
                            " GB/s (dual-channel DDR4-3200; set ram_bandwidth_gb_s" +
                            (processor.empty()
                                 ? std::string(")")
                                 : ": the catalog gives no memory speed for " + processor +
                                       ", which takes more than one memory type; channels x MT/s x "
                                       "8 B)"));
  } else if (sc.host_x > 0) {
    assumptions.push_back(host_ram_note(
        in, p.devices.back().layers > 0 ? "layers on the CPU" : "the routed experts in system RAM",
        sc.host_bw_gb_s, sc.host_bw_rated_by));
  }
  // What an accuracy request keeps out of the fit, the hardware factor and the band.
  const LeftOut left = left_out_rows(in);
  const size_t exclude = left.exclude;
  const Holdout& holdout = left.holdout;
  const std::function<bool(size_t)> row_held_out = [&left](size_t i) {
    return left.row_held_out(i);
  };
  // Fit group, with fallbacks when this backend/precision has no calibration rows.
  std::string evidence = "extrapolated";
  SpeedFeatures f = sc.f;
  const std::string wanted = f.group();
  auto fit_for = [&](bool decode, std::string& used) {
    // This runtime's own runs first (this precision, then the other), then llama.cpp's on this
    // backend, then CUDA's.
    const std::string prec = f.high_precision ? "/hi" : "/lo";
    const std::string other_prec = f.high_precision ? "/lo" : "/hi";
    const std::string rt = f.runtime.empty() ? "" : f.runtime + "/";
    std::vector<std::string> tries = {wanted, rt + f.backend + other_prec, f.backend + prec,
                                      f.backend + other_prec, "cuda" + prec};
    // Then any other backend's group at this precision, then any group (a held-out or unseen
    // backend is still answered, as "estimated" with a widened band).
    std::set<std::string> rest;
    for (const auto& smp : cal.samples) rest.insert(smp.group);
    for (const auto& g : rest)
      if (g.size() > prec.size() && g.compare(g.size() - prec.size(), prec.size(), prec) == 0)
        tries.push_back(g);
    for (const auto& g : rest) tries.push_back(g);
    // A group measured on fewer machines cannot tell a card's efficiency from the group's own:
    // the next group's fit answers (labelled estimated, its band widened). When none has
    // enough machines, the first group that has a fit at all answers.
    SpeedFit first;
    std::string first_group;
    for (const std::string& g : tries) {
      // Apple's prefill compute figure is GPU cores, not TFLOPS: only a Metal fit reads it.
      if (!decode && (f.backend == "metal") != (g.find("metal") != std::string::npos)) continue;
      // A CPU's figure is an FP32 peak its int8 kernels exceed: only a CPU fit reads it.
      if (!decode &&
          (f.backend == "cpu") != (g.rfind("cpu/", 0) == 0 || g.find("/cpu/") != std::string::npos))
        continue;
      const SpeedFit fit = fit_speed(cal.samples, g, decode, exclude, holdout);
      if (!fit.ok) continue;
      if (fit.machines >= kMinFitMachines) {
        used = g;
        return fit;
      }
      if (first_group.empty()) first = fit, first_group = g;
    }
    used = first_group;
    return first;
  };
  std::string dgroup, pgroup;
  const SpeedFit df = fit_for(true, dgroup);
  const SpeedFit pf = fit_for(false, pgroup);
  if (dgroup != wanted) evidence = "estimated";
  // Which runs the figures rest on, when the runtime is not llama.cpp's own engine.
  if (!is_llamacpp_engine(in.plan.kv.runtime)) {
    const std::string rt = runtime_name(in.plan.kv.runtime);
    const auto own = [&](const std::string& g) { return g.rfind(f.runtime + "/", 0) == 0; };
    const auto say = [&](const char* what, const std::string& g, const SpeedFit& fit) {
      return own(g) ? std::string(what) + " is fitted on " + std::to_string(fit.n) + " " + rt +
                          " runs (" + std::to_string(fit.machines) + " machines)"
                    : std::string(what) + " borrows llama.cpp's fit (" + rt +
                          " has too few runs of its own: fewer than " +
                          std::to_string(kMinFitMachines) + " machines)";
    };
    assumptions.push_back("speed: " + say("decode", dgroup, df) + "; " +
                          say("prefill", pgroup, pf));
  }
  if (df.ok) issue_bound_notes(df.issue_beta, mc, assumptions);
  // Published measurements of exactly this model, quant, hardware and backend.
  SetupRuns setup = setup_runs(in, f.runtime, exclude, row_held_out);
  std::vector<MeasuredRun>& measured = setup.runs;
  const std::string& gpu_id = setup.hardware_id;
  const size_t n_gpu = setup.n_gpu;
  const bool same_gpu = setup.same_gpu;
  // A figure is "measured" when a published run of this setup measured that figure: a decode
  // run for decode, a prefill run for prefill (each is still the engine's, at this depth).
  const std::string fitted_evidence = evidence;
  const auto has_run = [&](bool decode) {
    return std::any_of(measured.begin(), measured.end(),
                       [&](const MeasuredRun& r) { return r.decode == decode; });
  };
  const bool measured_pp = has_run(false);
  if (has_run(true)) evidence = "measured";

  // This hardware's own prefill measurements (other models, quants or lengths) scale the group
  // fit. Whether this model's own runs on this hardware (other quants or lengths) are among them:
  // then the band is the one for a new run of a known pair, else the one for a new model.
  // Decode is not scaled by them: out of sample they made it worse. A card's decode runs come
  // from one or two machines, and what sets them apart (host, clocks, power limit, build) is the
  // machine's, not the card model's: scaled by a card's other runs, decode under source holdout
  // (another person's machine of a card the calibration has) put 109 of 726 runs more than 25 %
  // off, unscaled 76 (median 8.3 -> 6.9 %); model holdout 73 / 74 runs (7.6 -> 6.4 %). A card's
  // publications spread 24 % (log sd of their medians), cards about the fit 13 %. Prefill's
  // factor helps out of sample (source-holdout median 19.6 % without it, 18.6 % with).
  bool psame = false;
  const bool moe = f.moe_layers > 0;
  auto hw_factor = [&](const SpeedFit& fit, const std::string& group) -> double {
    if (!same_gpu || group.empty() || holdout.field == "hardware") return 0;
    std::vector<double> r;
    bool same_model = false;
    for (const auto& j : cal.samples) {
      if (j.row == exclude || j.decode || j.hardware != gpu_id || j.group != group) continue;
      if (holdout.holds_out(j)) continue;
      if (static_cast<size_t>(j.n_devices) != std::max<size_t>(1, n_gpu)) continue;
      if (!j.f.prefill_fixed || j.tokens < kMinPrefillFitTokens) continue;
      // Prefill of an MoE model splits each micro-batch over its experts, a few dozen tokens a
      // matmul (Gemma 4 26B-A4B: 512 x 8 / 128 = 32), which runs far below a dense matmul's
      // rate: MoE runs say how this GPU runs MoE prefill, not how fast its dense kernels are.
      if ((j.f.moe_layers > 0) != moe) continue;
      r.push_back(j.value_tps * speed_time(fit, j));
      same_model = same_model || j.model == in.model->id;
    }
    psame = same_model;
    return r.empty() ? 0 : quantile(r, 0.5);
  };
  // The benchmarks ran every layer on the GPU(s): with layers on the CPU the factor says
  // nothing about the CPU share, so it is not applied.
  const bool cpu_layers = !mc.unified && !mc.gpus.empty() && p.devices.back().layers > 0;
  const double pfac = pf.ok && !cpu_layers ? hw_factor(pf, pgroup) : 0;
  // What is read from system RAM (CPU layers, offloaded experts) is priced at the RAM bandwidth.
  auto decode_at = [&](double depth) {
    const double x = f.weights_x(df.issue_beta) + f.depth_x(df.kv_refetch, df.score_ns) * depth;
    return decode_time(df, x - sc.host_x, f.hops, f) + df.b * sc.host_x + link.decode_s;
  };
  SpeedEstimate out;
  out.backend = in.backend;
  if (is_llamacpp_engine(in.plan.kv.runtime))
    out.build_era =
        f.old_build ? "llama.cpp b" + std::to_string(in.plan.kv.llamacpp_build) + ", before b" +
                          std::to_string(kLlamacppBuild2025) + " (2024): decode x" +
                          fmt("%.2f", df.ok ? df.k_old : 1.0) + " and prefill x" +
                          fmt("%.2f", pf.ok ? pf.k_old : 1.0) +
                          " the time of a current build, as the calibration's 2024 runs measured"
                    : "current llama.cpp builds (b" + std::to_string(kLlamacppBuild2025) +
                          " and later, 2025-26); set llamacpp_build for an older one";
  out.evidence = evidence;
  out.fit_group = dgroup;
  out.measured = std::move(measured);
  out.scaled_by_hardware_measurements = pfac > 0;
  out.depth = in.depth;
  out.prompt_tokens = in.prompt;
  const double ceiling =
      sc.ceiling_x0 > 0 ? 1.0 / (sc.ceiling_x0 + sc.kv_x_per_depth * in.depth) : 0;
  if (!p.fits || !df.ok || sc.ceiling_x0 <= 0) {
    if (ceiling > 0) out.decode_ceiling_tps = ceiling;
    out.why_null =
        !p.fits ? "the model does not fit this machine" : "no bandwidth figure for a device";
    out.evidence.clear();  // no figure, so nothing is measured or extrapolated
    return out;
  }
  std::string family;
  for (const auto* h : in.hardware)
    if (family.empty()) family = hardware_family(*h);
  const std::vector<BandStratum> strata = band_strata(in.model->arch.is_moe(), n_gpu > 1, family);
  // Another runtime's estimate: the band also spans how far borrowed fits err.
  auto join_borrowed = [&](const GroupBand& b, bool decode, const std::string& used) {
    return join_borrowed_band(b, decode, used, f.runtime, runtime_name(in.plan.kv.runtime), strata,
                              exclude, row_held_out, holdout);
  };
  const GroupRatios& dr = group_ratios(dgroup, true, holdout);
  const GroupBand db =
      join_borrowed(band_of(dr.unknown, exclude, row_held_out, strata), true, dgroup);
  band_notes("decode", db, assumptions);
  const double widen = evidence == "estimated" ? kEstimatedBandWidening : 1.0;
  // No run of this model by a runtime with its own kernels: up to `cap`, the decode ceiling.
  const std::string unseen =
      ceiling > 0 ? unseen_model_note(in, f.runtime, exclude, row_held_out) : std::string();
  if (!unseen.empty()) assumptions.push_back(unseen);
  if (auto n = score_note(f, df, in); !n.empty()) assumptions.push_back(n);
  auto band = [&](double tps, const GroupBand& b, double cap) {
    const double up = cap > 0 && !unseen.empty() ? 1e300 : tps * b.high * widen;
    const double lo = tps * b.low / widen, hi = std::min(cap > 0 ? cap : 1e300, up);
    return std::make_pair(lo, std::max(lo, hi));
  };
  const double tps = 1.0 / decode_at(in.depth);
  const auto [dlo, dhi] = band(tps, db, ceiling);
  out.decode_tps = tps;
  if (sc.host_x > 0) {
    out.system_ram_bandwidth_gb_s = sc.host_bw_gb_s;
    out.decode_share_in_system_ram = df.b * sc.host_x * tps;
  }
  out.decode_tps_low = dlo;
  out.decode_tps_high = dhi;
  out.decode_ceiling_tps = ceiling;
  for (uint32_t d : kDepths) {
    if (d > in.plan.kv.n_ctx) break;
    const double t = 1.0 / decode_at(d);
    const double cap = 1.0 / (sc.ceiling_x0 + sc.kv_x_per_depth * d);
    const auto [lo, hi] = band(t, db, cap);
    out.decode_by_context.push_back({d, t, lo, hi});
  }
  // A measured badge: the published runs used llama-bench's settings (their own lengths, flash
  // attention off, f16 KV); the figure shown is for this request's. Each run gets the engine's
  // figure at the run's own length, and the note says why the shown figure differs.
  if (!out.measured.empty()) {
    std::string runs;
    for (auto& mrow : out.measured) {
      if (!mrow.decode) continue;
      const uint32_t n = mrow.tokens;
      // At the run's own build era: a 2024 run is compared with the fit's 2024 figure.
      const bool run_old = mrow.build > 0 && mrow.build < kLlamacppBuild2025;
      const double era = (f.old_build ? 1.0 : (run_old ? df.k_old : 1.0)) /
                         (f.old_build && !run_old ? df.k_old : 1.0);
      const double at = 1.0 / (decode_at(mrow.depth + (n > 0 ? (n - 1) / 2.0 : 0)) * era);
      mrow.estimate_at_run_length_tps = at;
      runs += (runs.empty() ? "" : ", ") + ("tg" + std::to_string(n)) +
              (mrow.depth ? " @ d" + std::to_string(mrow.depth) : "") +
              (mrow.settings.empty() ? "" : " (" + mrow.settings + ")") + " measured " +
              fmt("%.1f", mrow.value_tps) +
              " tok/s (runcheck at that depth and build: " + fmt("%.1f", at) + ")";
    }
    out.measured_note =
        "published runs (llama-bench defaults unless stated: flash attention off, f16 KV): " +
        runs + "; the figure shown is for depth " + std::to_string(in.depth) +
        ", flash attention " + (in.plan.kv.flash_attn ? "on" : "off") + ", " + in.kv_type + " KV";
    const auto cap = [&](double d) { return 1.0 / (sc.ceiling_x0 + sc.kv_x_per_depth * d); };
    reconcile_setup_runs(out, fitted_evidence, cap);
  }
  // Prefill and time to first token.
  if (pf.ok && f.prefill_fixed) {
    const GroupRatios& pr = group_ratios(pgroup, false, holdout);
    const GroupBand pb =
        join_borrowed(band_of(pfac > 0 ? (psame ? pr.known_pair : pr.known) : pr.unknown, exclude,
                              row_held_out, strata),
                      false, pgroup);
    // Too few held-out runs to size the band (a backend measured on one or two machines, such
    // as a CPU): the physical range is given instead (below).
    // The compute ceiling over the compute figure: a GPU's INT8 tensor rate over its FP16 figure;
    // a CPU's figure is already its int8 rate.
    const double ceiling_over = f.backend == "cpu" ? 1.0 : kPrefillCeilingOverFp16;
    // Apple's compute figure is GPU cores, which give no ceiling.
    const bool apple = std::any_of(in.hardware.begin(), in.hardware.end(),
                                   [](const auto* h) { return h->kind == HardwareKind::kApple; });
    const bool physical_band = pb.rows < 3 && df.ok && *f.prefill_fixed > 0 && !apple;
    if (!physical_band) band_notes("prefill", pb, assumptions);
    const double ov = f.prefill_overlap(in.prompt);
    const double pc = f.flash_attn ? pf.c_fa : pf.c;  // the attention slope for this setting
    // Attention per prompt token reads the context before it: on average depth + prompt / 2
    // tokens (prefill_per_prompt * N is the depth-0 average, N / 2; a prompt sent after `depth`
    // tokens already in the cache, llama-bench's "ppN @ dD", pays for those too).
    const double attn_tokens = in.prompt + 2.0 * in.depth;
    const double moe = pf.moe_factor(f, in.prompt);  // SpeedFit::moe_t0
    if (moe != 1.0) assumptions.push_back(moe_prefill_note(f, pf, in.prompt));
    double ptps = (pfac > 0 ? pfac : 1.0) /
                  (pf.a * f.prefill_layer_passes(in.prompt) +
                   (pf.b * *f.prefill_fixed * moe + pc * f.prefill_per_prompt * attn_tokens) / ov);
    if (f.old_build) ptps /= pf.k_old;
    if (f.legacy_quant && pf.k_legacy != 1.0) {
      ptps /= pf.k_legacy;
      assumptions.push_back("prefill: " + in.quant +
                            " is one of ggml's legacy block types, which "
                            "Metal's matmul kernels unpack more cheaply than k- and i-quants: x" +
                            fmt("%.2f", pf.k_legacy) +
                            " the fit's time, the median of the calibration's runs of such weights "
                            "on Metal");
    }
    // A short prompt is one pass over the weights, not FLOPs.
    ptps = std::min(ptps, 1.0 / f.prefill_floor_s(in.prompt));
    // Nor faster than decode: a micro-batch reads every weight and runs every layer's kernels,
    // as one decode step does, so a prompt of N <= n_ubatch tokens takes at least one decode
    // step (this request's, at its depth) and gets at most N / step tokens per second.
    if (df.ok)
      ptps = std::min(ptps, std::min<double>(std::max(1u, in.prompt), in.plan.kv.n_ubatch) /
                                decode_at(in.depth));
    if (link.prefill_s > 0) ptps = 1.0 / (1.0 / ptps + link.prefill_s);
    double widen_p = 1;
    if (sc.host_matmul_bytes > 0) {
      // Weights in system RAM: each micro-batch of a prompt of at least kOpOffloadMinBatch
      // tokens copies them to the GPU over PCIe; a shorter prompt's matmuls run on the CPU,
      // reading the active weights at RAM bandwidth once per micro-batch.
      const double ubatches =
          std::ceil(static_cast<double>(in.prompt) / std::max(1u, in.plan.kv.n_ubatch));
      const double extra = in.prompt >= kOpOffloadMinBatch
                               ? ubatches * sc.host_matmul_bytes / (sc.pcie_gb_s * 1e9)
                               : ubatches * sc.host_active_bytes / (sc.host_bw_gb_s * 1e9);
      ptps = 1.0 / (1.0 / ptps + extra / in.prompt);
      widen_p = kEstimatedBandWidening;
      out.prefill_offload_seconds = extra;
      assumptions.push_back(
          in.prompt >= kOpOffloadMinBatch
              ? "prefill: the " + fmt("%.2f", sc.host_matmul_bytes / kGiB) +
                    " GiB of weights in system RAM cross PCIe (" + fmt("%.1f", sc.pcie_gb_s) +
                    " GB/s" +
                    (sc.pcie_assumed ? ", assumed gen " + fmt("%.0f", kPcieAssumedGen) + " x" +
                                           fmt("%.0f", kPcieAssumedLanes)
                                     : "") +
                    ") once per micro-batch of " + std::to_string(in.plan.kv.n_ubatch) +
                    " tokens, as llama.cpp runs their matmuls on the GPU"
              : "prefill: a prompt under " + fmt("%.0f", kOpOffloadMinBatch) +
                    " tokens runs the system-RAM layers on the CPU at RAM bandwidth");
    }
    // A prefill fit borrowed from another runtime, backend or precision: widened as for decode.
    if (pgroup != wanted && evidence != "estimated") widen_p = kEstimatedBandWidening;
    auto [plo, phi] = band(ptps, pb, 0);
    plo /= widen_p;
    phi *= widen_p;
    if (physical_band) {
      // A prompt is never slower than decoding its tokens one at a time (one weight pass each;
      // at the decode band's low edge, at the prompt's end), nor faster than the compute ceiling.
      const double one_by_one = dlo / tps / decode_at(in.depth + in.prompt);
      const double ceiling = ceiling_over / *f.prefill_fixed;
      plo = std::min(ptps, one_by_one);
      phi = std::max(ptps, ceiling);
      assumptions.push_back(
          "prefill band: " + std::to_string(pb.rows) +
          " held-out runs of this kind, too few to size it, so it spans the physical range: from "
          "decoding the prompt one token at a time (" +
          fmt("%.0f", plo) + " tok/s) to " + fmt("%.0f", ceiling_over) + "x the compute figure (" +
          fmt("%.0f", phi) + " tok/s)");
    }
    out.prefill_tps = ptps;
    out.prefill_evidence = measured_pp                                        ? "measured"
                           : physical_band || widen_p > 1 || pgroup != wanted ? "estimated"
                                                                              : fitted_evidence;
    if (!apple && *f.prefill_fixed > 0) out.prefill_ceiling_tps = ceiling_over / *f.prefill_fixed;
    out.prefill_tps_low = plo;
    out.prefill_tps_high = phi;
    out.prefill_fit_group = pgroup;
    out.ttft_seconds = in.prompt / ptps + decode_at(in.prompt);
    out.ttft_seconds_low = in.prompt / phi + decode_at(in.prompt);
    out.ttft_seconds_high = in.prompt / plo + decode_at(in.prompt);
    if (in.plan.kv.runtime == Runtime::kMlx) {
      // mlx_lm's fixed cost per request (tokenizer, chat template, first graph evaluation).
      *out.ttft_seconds += kMlxRequestOverheadS;
      out.ttft_seconds_low = in.prompt / phi + decode_at(in.prompt) + kMlxRequestOverheadLowS;
      out.ttft_seconds_high = in.prompt / plo + decode_at(in.prompt) + kMlxRequestOverheadHighS;
      assumptions.push_back("MLX time to first token includes a fixed " +
                            fmt("%.0f", kMlxRequestOverheadS * 1e3) +
                            " ms per request (published MLX runs with tiny prompts: " +
                            fmt("%.0f", kMlxRequestOverheadLowS * 1e3) + "-" +
                            fmt("%.0f", kMlxRequestOverheadHighS * 1e3) + " ms)");
    } else if (in.prompt < kShortPromptTokens) {
      assumptions.push_back("time to first token for a " + std::to_string(in.prompt) +
                            "-token prompt leaves out per-request work (tokenizing, scheduling, "
                            "HTTP): in published runs with prompts under " +
                            std::to_string(kShortPromptTokens) + " tokens it added a median " +
                            fmt("%.0f", kRequestOverheadInProcessS * 1e3) +
                            " ms in-process and up to " +
                            fmt("%.0f", kRequestOverheadServerMaxS * 1e3) + " ms behind a server");
    }
    // Several sequences decoding together (llama-server -np N, vLLM): weights are read once per
    // step, each sequence reads its own KV, and the step cannot beat N tokens of compute.
    // Several sequences decoding together: a step costs batched_step_ratio(K) one-sequence
    // steps (published batched-bench table) plus the other sequences' KV reads, and cannot beat
    // K tokens of prefill-rate compute.
    if (in.plan.kv.n_seq > 1) {
      const double n = in.plan.kv.n_seq;
      const double one = decode_at(in.depth);
      const double kv_others = df.b * (n - 1) * f.depth_x(df.kv_refetch, df.score_ns) * in.depth;
      const double mem = one * batched_step_ratio(n) + kv_others;
      const double comp = n *
                          (pf.a * f.prefill_layer_passes(static_cast<uint32_t>(n)) +
                           pf.b * *f.prefill_fixed * pf.moe_factor(f, static_cast<uint32_t>(n)) +
                           pc * f.prefill_per_prompt * 2.0 * in.depth) /
                          (pfac > 0 ? pfac : 1.0);
      const double agg = n / std::max(mem, comp);
      out.aggregate = AggregateSpeed{agg, agg * (dlo / tps) / kBatchedBandWidening,
                                     std::min(n * dhi, agg * (dhi / tps) * kBatchedBandWidening),
                                     agg / tps, kBatchedBenchSource};
      const double step = std::max(mem, comp);  // one decode step of all K sequences
      const double prompt = static_cast<double>(in.prompt);
      out.aggregate->ttft_mean_s = (n + 1) / 2 * prompt / ptps + step;
      out.aggregate->ttft_last_s = n * prompt / ptps + step;
      out.aggregate->ttft_last_low_s = n * prompt / phi + step;
      out.aggregate->ttft_last_high_s = n * prompt / plo + step;
    }
  } else {
    out.why_prefill_null = why_prefill_null(in, mc, f);
    out.prefill_unfitted = f.prefill_fixed && !pf.ok;
  }
  return out;
}

}  // namespace runcheck::engine
