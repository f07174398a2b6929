#include "runcheck/estimate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "runcheck/catalog.h"
#include "runcheck/placement.h"
#include "runcheck/request.h"
#include "runcheck/weights.h"

namespace runcheck {

using nlohmann::json;

namespace {

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

// File types tried, best first, when searching the best quant that fits.
constexpr FileType kQuantLadder[] = {
    FileType::F16, FileType::Q8_0, FileType::Q6_K, FileType::Q5_K_M, FileType::Q5_K_S,
    FileType::Q4_K_M, FileType::Q4_K_S, FileType::IQ4_XS, FileType::Q3_K_L, FileType::Q3_K_M,
    FileType::Q3_K_S, FileType::IQ3_XXS, FileType::Q2_K, FileType::IQ2_M, FileType::IQ2_XXS,
    FileType::IQ1_M};

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

struct Inputs {
  const ModelEntry* model = nullptr;
  std::string quant;             // as the user wrote it, canonicalised
  const FileTypeInfo* ftype = nullptr;  // GGUF file type, or null for other formats
  const QuantEntry* format = nullptr;   // catalog entry for non-GGUF formats
  std::vector<const HardwareEntry*> hardware;
  std::vector<std::string> hardware_ids;
  double ram_gib = 0;
  bool ram_given = false;
  double wired_limit_mb = 0;
  double gpu_reserved_mb = 0;  // per GPU, kept by the desktop/display and other apps
  bool inverse = true;         // also answer max context / best quant / smallest hardware
  PlanOptions plan;
  std::string kv_type = "f16";
  std::vector<std::string> assumptions;
};

Result<Inputs> read_inputs(const json& req) {
  Inputs in;
  FieldReader r(req);
  const std::string model_id = r.string("model", "", true);
  in.quant = r.string("quant", "Q4_K_M");
  const std::vector<std::string> hw = r.string_list("hardware", false, kMaxDevices);
  const std::string runtime = r.string("runtime", "llama.cpp");
  in.kv_type = r.string("kv_type", "f16");
  const int64_t parallel = r.integer("parallel", 1, 1, 256);
  const int64_t ubatch = r.integer("ubatch", 512, 1, 65536);
  in.ram_given = r.has("ram_gb");
  in.ram_gib = r.number("ram_gb", kDefaultHostRamGib, 1, 65536);
  in.wired_limit_mb = r.number("wired_limit_mb", 0, 0, 16 * 1024 * 1024);
  in.plan.forced_gpu_layers = static_cast<int>(r.integer("gpu_layers", -1, -1, 100000));
  in.plan.forced_n_cpu_moe = static_cast<int>(r.integer("n_cpu_moe", -1, -1, 100000));
  in.plan.vllm_gpu_memory_utilization = r.number("gpu_memory_utilization", 0.9, 0.05, 1.0);
  in.gpu_reserved_mb = r.number("gpu_reserved_mb", 0, 0, 1024 * 1024);
  const std::string split_mode = r.string("split_mode", "layer");
  in.inverse = r.boolean("inverse", true);
  if (r.error()) return *r.error();
  if (split_mode != "layer" && split_mode != "row")
    return make_error("bad_value", "split_mode", "split_mode must be 'layer' or 'row'; got '" +
                                                     safe_echo(split_mode) + "'");
  in.plan.split_row = split_mode == "row";

  const Catalog& cat = builtin_catalog();
  if (!builtin_catalog_error().empty()) return make_error("bad_catalog", "", builtin_catalog_error());
  in.model = cat.model(model_id);
  if (!in.model)
    return make_error("unknown_id", "model", "model '" + safe_echo(model_id) +
                                                 "' is not in the catalog (see: runcheck catalog models)");
  Runtime rt;
  if (!runtime_from_name(runtime, rt))
    return make_error("unknown_id", "runtime", "runtime must be one of llama.cpp, ollama, lmstudio, "
                                               "vllm, mlx, exllamav2; got '" + safe_echo(runtime) + "'");
  in.plan.kv.runtime = rt;
  if (in.plan.split_row && rt != Runtime::kLlamaCpp && rt != Runtime::kLmStudio)
    return make_error("bad_value", "split_mode",
                      "split_mode row is a llama.cpp option (llama-server -sm row, LM Studio); "
                      "this runtime splits by layer");
  // Ollama defaults flash attention off unless OLLAMA_FLASH_ATTENTION=1; llama.cpp's -fa auto
  // turns it on where the backend supports it (llama.cpp PR #15434).
  const bool fa_default = rt != Runtime::kOllama;
  in.plan.kv.flash_attn = r.boolean("flash_attn", fa_default);
  if (r.error()) return *r.error();

  // Quantization: a llama.cpp file type, or a catalog format (BF16, FP8, AWQ, MLX-4bit ...).
  in.ftype = file_type_by_name(in.quant);
  in.format = cat.quant(in.quant);
  if (!in.ftype && !in.format)
    return make_error("unknown_id", "quant", "quant '" + safe_echo(in.quant) +
                                                 "' is not a known format (see: runcheck catalog quants)");
  if (in.ftype) in.quant = std::string(in.ftype->name);
  else in.quant = in.format->id;
  if (in.format && !in.format->runtimes.empty() &&
      std::find(in.format->runtimes.begin(), in.format->runtimes.end(), runtime_name(rt)) == in.format->runtimes.end())
    return make_error("incompatible", "quant", in.quant + " is not loaded by " + runtime_name(rt) +
                                                   "; it runs on: " + [&] {
                                                     std::string s;
                                                     for (const auto& x : in.format->runtimes) s += (s.empty() ? "" : ", ") + x;
                                                     return s;
                                                   }());
  if (in.format && in.format->kind != "gguf") in.ftype = nullptr;

  // KV cache type.
  const auto kv = ggml_type_from_name(in.kv_type);
  if (!kv || !(*kv == GgmlType::F16 || *kv == GgmlType::BF16 || *kv == GgmlType::F32 ||
               *kv == GgmlType::Q8_0 || *kv == GgmlType::Q4_0 || *kv == GgmlType::Q4_1 ||
               *kv == GgmlType::Q5_0 || *kv == GgmlType::Q5_1 || *kv == GgmlType::IQ4_NL))
    return make_error("bad_value", "kv_type", "kv_type must be one of f16, bf16, f32, q8_0, q5_1, q5_0, q4_1, q4_0, iq4_nl");
  in.plan.kv.type_k = in.plan.kv.type_v = *kv;
  if (kv != GgmlType::F16 && kv != GgmlType::F32 && kv != GgmlType::BF16 &&
      is_llamacpp_engine(rt) && !in.plan.kv.flash_attn)
    return make_error("incompatible", "kv_type",
                      "a quantized V cache needs flash attention in llama.cpp: set flash_attn on or kv_type f16");
  in.kv_type = std::string(ggml_traits(*kv)->name);

  // Context: per sequence; at most the model's trained maximum.
  const int64_t max_ctx = in.model->arch.context_length;
  FieldReader r2(req);
  const int64_t ctx = r2.integer("context", std::min<int64_t>(4096, max_ctx), 1, max_ctx);
  if (r2.error()) {
    Error e = *r2.error();
    if (e.code == "out_of_range")
      e.message = "context must be an integer in [1, " + std::to_string(max_ctx) + "] (" +
                  in.model->name + "'s maximum is " + std::to_string(max_ctx) + " tokens)";
    return e;
  }
  in.plan.kv.n_ctx = static_cast<uint32_t>(ctx);
  in.plan.kv.n_seq = static_cast<uint32_t>(parallel);
  in.plan.kv.n_ubatch = static_cast<uint32_t>(ubatch);

  // Hardware: ids, "idxN" for N identical cards, or repeated ids.
  for (const std::string& raw : hw) {
    std::string id = raw;
    int count = 1;
    const HardwareEntry* h = cat.hw(id);
    const size_t x = id.rfind('x');
    if (!h && x != std::string::npos && x + 1 < id.size()) {
      const std::string n = id.substr(x + 1);
      if (n.find_first_not_of("0123456789") == std::string::npos && n.size() <= 2) {
        h = cat.hw(id.substr(0, x));
        count = std::stoi(n);
        id = id.substr(0, x);
      }
    }
    if (!h)
      return make_error("unknown_id", "hardware", "hardware '" + safe_echo(raw) +
                                                      "' is not in the catalog (see: runcheck catalog hardware)");
    if (count < 1 || in.hardware.size() + count > static_cast<size_t>(kMaxDevices))
      return make_error("out_of_range", "hardware", "at most 16 devices per machine");
    for (int i = 0; i < count; ++i) {
      in.hardware.push_back(h);
      in.hardware_ids.push_back(id);
    }
  }
  if (in.hardware.empty())
    return make_error("missing_field", "hardware", "hardware is required: a GPU, Mac or CPU id (or several, e.g. rtx-3090x2)");
  size_t hosts = 0, gpus = 0;
  for (const auto* h : in.hardware) (h->kind == HardwareKind::kGpu ? gpus : hosts)++;
  if (hosts > 1 || (hosts == 1 && gpus > 0 && in.hardware[0]->kind == HardwareKind::kApple))
    return make_error("bad_value", "hardware", "combine discrete GPUs with at most one CPU system; a Mac stands alone");
  return in;
}

Machine build_machine(const Inputs& in, std::vector<std::string>& assumptions) {
  Machine mc;
  const Runtime rt = in.plan.kv.runtime;
  const HardwareEntry* host_entry = nullptr;
  for (const auto* h : in.hardware)
    if (h->kind != HardwareKind::kGpu) host_entry = h;
  double ram_gib = in.ram_gib;
  if (host_entry && !in.ram_given) {
    if (host_entry->memory_gib) ram_gib = *host_entry->memory_gib;
    else if (!host_entry->memory_options_gib.empty()) ram_gib = host_entry->memory_options_gib.back();
    assumptions.push_back(host_entry->name + ": assumed " + fmt("%.0f", ram_gib) + " GiB of memory (set ram_gb)");
  } else if (!host_entry && !in.ram_given) {
    assumptions.push_back("assumed " + fmt("%.0f", ram_gib) + " GiB of system RAM next to the GPU(s) (set ram_gb)");
  }
  const uint64_t ram = static_cast<uint64_t>(ram_gib * static_cast<double>(kGiB));
  mc.host.name = host_entry ? host_entry->name : "System RAM";
  mc.host.hardware_id = host_entry ? host_entry->id : "";
  mc.host.kind = DeviceKind::kCpu;
  mc.host.backend = "cpu";
  mc.host.memory_bytes = ram;
  mc.host.overhead_bytes = kOsRamReserveBytes;
  mc.host.budget_bytes = ram > kOsRamReserveBytes ? ram - kOsRamReserveBytes : 0;

  if (host_entry && (host_entry->kind == HardwareKind::kApple || host_entry->kind == HardwareKind::kApu)) {
    mc.unified = true;
    Device g;
    g.name = host_entry->name + " GPU";
    g.hardware_id = host_entry->id;
    g.kind = DeviceKind::kAppleGpu;
    const bool apple = host_entry->kind == HardwareKind::kApple;
    g.backend = apple ? "metal" : host_entry->backends.empty() ? "vulkan" : host_entry->backends[0];
    g.memory_bytes = ram;
    if (apple) {
      const double cap = ram_gib > kAppleLargeCapAboveGib ? kAppleLargeCapFraction : kAppleSmallCapFraction;
      g.budget_bytes = static_cast<uint64_t>(static_cast<double>(ram) * cap);
    } else {
      // Other unified-memory machines (Strix Halo, DGX Spark, Jetson) run Linux: the GPU may map
      // all memory but what the OS keeps. No published cap like macOS's wired limit applies.
      g.budget_bytes = ram > kOsRamReserveBytes ? ram - kOsRamReserveBytes : 0;
      assumptions.push_back(host_entry->name + ": the GPU may use all memory but " +
                            fmt("%.0f", static_cast<double>(kOsRamReserveBytes) / kGiB) +
                            " GiB kept for the OS (driver or BIOS limits on GPU memory may be lower)");
    }
    if (in.wired_limit_mb > 0) {
      g.budget_bytes = std::min(ram, static_cast<uint64_t>(in.wired_limit_mb * 1e6));
      assumptions.push_back("GPU wired limit raised to " + fmt("%.0f", in.wired_limit_mb) + " MB (iogpu.wired_limit_mb)");
    }
    g.overhead_bytes = rt == Runtime::kOllama ? kOllamaReserveMetal : 0;
    if (g.backend == "cuda") g.overhead_bytes = kGpuContextBytes + (rt == Runtime::kOllama ? kOllamaReserveCuda : 0);
    mc.gpus.push_back(g);
    // One pool, counted once: the GPU share is held to the wired cap, the CPU share (token
    // embeddings, CPU layers) to the rest of the memory, which macOS keeps for itself and apps.
    mc.host.overhead_bytes = ram - std::min(ram, g.budget_bytes);
    mc.host.budget_bytes = ram - std::min(ram, g.budget_bytes);
  }
  for (size_t i = 0; i < in.hardware.size(); ++i) {
    const HardwareEntry* h = in.hardware[i];
    if (h->kind != HardwareKind::kGpu) continue;
    Device g;
    g.name = h->name;
    if (in.hardware.size() > 1) g.name += " #" + std::to_string(mc.gpus.size() + 1);
    g.hardware_id = h->id;
    g.kind = DeviceKind::kGpu;
    g.backend = h->backends.empty() ? "vulkan" : h->backends[0];
    g.memory_bytes = static_cast<uint64_t>(*h->memory_gib * static_cast<double>(kGiB));
    // What the desktop (display server, browser, compositor) keeps on the card is the user's to
    // say: runcheck cannot see it. nvidia-smi / rocm-smi show it per process.
    const uint64_t reserved = static_cast<uint64_t>(in.gpu_reserved_mb * static_cast<double>(kMiB));
    g.budget_bytes = g.memory_bytes - std::min(g.memory_bytes, reserved);
    g.overhead_bytes = kGpuContextBytes + (rt == Runtime::kOllama ? kOllamaReserveCuda : 0);
    mc.gpus.push_back(g);
  }
  if (!mc.gpus.empty() && !mc.unified) {
    if (in.gpu_reserved_mb > 0)
      assumptions.push_back(fmt("%.0f", in.gpu_reserved_mb) +
                            " MiB per GPU kept by the desktop and other apps (gpu_reserved_mb)");
    else
      assumptions.push_back("nothing reserved on the GPU for a desktop or other apps: if a card "
                            "drives your screens, set gpu_reserved_mb to what nvidia-smi shows in "
                            "use before loading");
  }
  if (in.plan.split_row && mc.gpus.size() > 1)
    assumptions.push_back("--split-mode row: weights split over the GPUs by free memory, KV cache "
                          "and compute graph on GPU 0; the other GPUs' scratch is not modelled");
  return mc;
}

WeightPlan weights_for(const Inputs& in, const FileTypeInfo* ft, const QuantEntry* fmt_entry) {
  if (ft) return quantized_weights(in.model->arch, ft->ftype);
  const bool mlx = fmt_entry->kind == "mlx";
  return format_weights(in.model->arch, *fmt_entry->bits_per_weight, mlx);
}

json plan_json(const Plan& p, const WeightPlan& w) {
  json devs = json::array();
  uint64_t kv = 0, compute = 0, overhead = 0, total = 0;
  for (const auto& u : p.devices) {
    kv += u.kv_bytes;
    compute += u.compute_bytes;
    overhead += u.overhead_bytes;
    total += u.used_bytes;
    devs.push_back({{"name", u.name},
                    {"hardware_id", u.hardware_id},
                    {"backend", u.backend},
                    {"is_host", u.is_host},
                    {"used_bytes", u.used_bytes},
                    {"budget_bytes", u.budget_bytes},
                    {"free_bytes", u.budget_bytes > u.used_bytes ? u.budget_bytes - u.used_bytes : 0},
                    {"weights_bytes", u.weights_bytes},
                    {"kv_bytes", u.kv_bytes},
                    {"compute_bytes", u.compute_bytes},
                    {"overhead_bytes", u.overhead_bytes},
                    {"layers", u.layers},
                    {"holds_output", u.holds_output},
                    {"expert_layers", u.expert_layers}});
  }
  // Per ggml type, as llama.cpp's loader lists them ("type q4_K: 193 tensors"); GGUF only.
  json by_type = json::array();
  for (uint32_t t = 0; t < w.tensors_by_type.size(); ++t) {
    if (w.tensors_by_type[t] == 0) continue;
    const auto* traits = ggml_traits(static_cast<GgmlType>(t));
    by_type.push_back({{"type", traits ? std::string(traits->name) : std::to_string(t)},
                       {"tensors", w.tensors_by_type[t]},
                       {"bytes", w.bytes_by_type[t]}});
  }
  return {{"weights_bytes", w.total_bytes},
          {"weights_by_type", by_type},
          {"kv_cache_bytes", kv},
          {"compute_bytes", compute},
          {"overhead_bytes", overhead},
          {"total_bytes", total},
          {"devices", devs}};
}

std::string gguf_name(const Inputs& in) { return in.model->id + "-" + in.quant + ".gguf"; }

json commands_json(const Inputs& in, const Plan& p, const Machine& mc) {
  const KvOptions& kv = in.plan.kv;
  json c = json::object();
  const uint32_t total_ctx = kv.n_ctx * kv.n_seq;
  if (in.ftype) {
    std::string s = "llama-server -m " + gguf_name(in) + " -c " + std::to_string(total_ctx) +
                    " -ngl " + std::to_string(p.gpu_layers) + " -fa " + (kv.flash_attn ? "on" : "off");
    if (kv.n_seq > 1) s += " -np " + std::to_string(kv.n_seq);
    if (in.plan.split_row && mc.gpus.size() > 1) s += " -sm row";
    if (in.kv_type != "f16") s += " --cache-type-k " + in.kv_type + " --cache-type-v " + in.kv_type;
    if (p.n_cpu_moe > 0) s += " --n-cpu-moe " + std::to_string(p.n_cpu_moe);
    if (mc.gpus.size() > 1 && !mc.unified && !in.plan.split_row) {
      std::string split;
      for (const auto& u : p.devices)
        if (!u.is_host) split += (split.empty() ? "" : ",") + std::to_string(u.layers + (u.holds_output ? 1 : 0));
      s += " --tensor-split " + split;
    }
    c["llama_server"] = s;
    std::string o = "ollama run " + in.model->id + "  # then: /set parameter num_ctx " +
                    std::to_string(total_ctx) + "  /set parameter num_gpu " + std::to_string(p.gpu_layers);
    if (kv.flash_attn || in.kv_type != "f16")
      o = std::string("OLLAMA_FLASH_ATTENTION=") + (kv.flash_attn ? "1" : "0") +
          (in.kv_type != "f16" ? " OLLAMA_KV_CACHE_TYPE=" + in.kv_type : "") + " " + o;
    c["ollama"] = o;
  }
  if (!in.ftype || in.plan.kv.runtime == Runtime::kVllm) {
    std::string v = "vllm serve " + in.model->hf_repo + " --max-model-len " + std::to_string(kv.n_ctx) +
                    " --gpu-memory-utilization " + fmt("%.2f", in.plan.vllm_gpu_memory_utilization) +
                    " --tensor-parallel-size " + std::to_string(std::max<size_t>(1, mc.gpus.size()));
    if (kv.n_seq > 1) v += " --max-num-seqs " + std::to_string(kv.n_seq);
    if (in.kv_type == "q8_0") v += " --kv-cache-dtype fp8";
    c["vllm"] = v;
  }
  if (in.format && in.format->kind == "mlx")
    c["mlx"] = "mlx_lm.generate --model " + in.model->hf_repo + " --max-kv-size " + std::to_string(kv.n_ctx) +
               "  # use an MLX conversion of this model (" + in.quant + ")";
  return c;
}

// The largest context (tokens per sequence) for which `pred(plan)` holds, or 0.
template <typename Pred>
uint32_t search_context(const Inputs& in, const WeightPlan& w, const Machine& mc, Pred pred) {
  PlanOptions o = in.plan;
  auto ok = [&](uint32_t ctx) {
    o.kv.n_ctx = ctx;
    return pred(make_plan(in.model->arch, w, mc, o));
  };
  const uint32_t max_ctx = in.model->arch.context_length;
  const uint32_t lo_start = std::min(kMinUsefulContext, max_ctx);
  if (!ok(lo_start)) return 0;
  uint32_t lo = lo_start, hi = max_ctx;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo + 1) / 2;
    if (ok(mid)) lo = mid; else hi = mid - 1;
  }
  return lo;
}

bool is_comfortable(const Plan& p) { return p.verdict == Verdict::kComfortable; }
bool runs(const Plan& p) { return p.fits; }

}  // namespace

Result<json> estimate_json(const json& req) {
  auto parsed = read_inputs(req);
  if (!parsed.ok()) return parsed.error();
  Inputs in = std::move(parsed).value();
  std::vector<std::string> assumptions;
  const Machine mc = build_machine(in, assumptions);
  const ModelArch& m = in.model->arch;
  const WeightPlan w = weights_for(in, in.ftype, in.format);
  const Plan plan = make_plan(m, w, mc, in.plan);

  json hw_ids = json::array();
  for (const auto& id : in.hardware_ids) hw_ids.push_back(id);
  json out = {{"ok", true},
              {"request",
               {{"model", in.model->id},
                {"quant", in.quant},
                {"context", in.plan.kv.n_ctx},
                {"runtime", runtime_name(in.plan.kv.runtime)},
                {"kv_type", in.kv_type},
                {"flash_attn", in.plan.kv.flash_attn},
                {"parallel", in.plan.kv.n_seq},
                {"hardware", hw_ids},
                {"ram_gb", static_cast<double>(mc.host.memory_bytes) / kGiB}}},
              {"model",
               {{"id", in.model->id},
                {"name", in.model->name},
                {"parameters", w.parameters},
                {"active_parameters", active_parameter_count(m)},
                {"block_count", m.block_count},
                {"context_length", m.context_length}}}};
  out["memory"] = plan_json(plan, w);
  out["placement"] = {{"gpu_layers", plan.gpu_layers},
                      {"total_layers", plan.total_layers},
                      {"cpu_layers", plan.total_layers - plan.gpu_layers},
                      {"n_cpu_moe", plan.n_cpu_moe},
                      {"tensor_parallel", plan.tensor_parallel}};
  out["verdict"] = verdict_name(plan.verdict);
  out["reasons"] = plan.reasons;
  out["assumptions"] = assumptions;

  out["commands"] = commands_json(in, plan, mc);
  if (!in.inverse) {  // the caller wants the verdict alone
    out["max_context"] = out["best_quant"] = out["smallest_hardware"] = nullptr;
    return out;
  }
  // Inverse questions.
  const uint32_t ctx_comfy = search_context(in, w, mc, is_comfortable);
  const uint32_t ctx_fits = search_context(in, w, mc, runs);
  out["max_context"] = {{"comfortable", ctx_comfy ? json(ctx_comfy) : json(nullptr)},
                        {"fits", ctx_fits ? json(ctx_fits) : json(nullptr)}};
  json best = {{"comfortable", nullptr}, {"fits", nullptr}};
  if (in.ftype) {
    for (FileType f : kQuantLadder) {
      const FileTypeInfo* fi = file_type_by_id(static_cast<uint32_t>(f));
      const Plan p = make_plan(m, quantized_weights(m, f), mc, in.plan);
      if (best["fits"].is_null() && p.fits) best["fits"] = std::string(fi->name);
      if (best["comfortable"].is_null() && is_comfortable(p)) best["comfortable"] = std::string(fi->name);
      if (!best["fits"].is_null() && !best["comfortable"].is_null()) break;
    }
  }
  out["best_quant"] = best;
  // Smallest single catalog GPU (or Mac configuration) that runs this comfortably.
  json smallest = nullptr;
  double smallest_gib = 1e18;
  for (const auto& h : builtin_catalog().hardware) {
    std::vector<double> sizes;
    if (h.kind == HardwareKind::kGpu) sizes.push_back(*h.memory_gib);
    else if (h.kind == HardwareKind::kApple) sizes = h.memory_options_gib;
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
        smallest = {{"id", h.id}, {"name", h.name}, {"memory_gib", gib}};
      }
    }
  }
  out["smallest_hardware"] = smallest;
  return out;
}

}  // namespace runcheck
