#include "runcheck/estimate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>

#include "runcheck/catalog.h"
#include "runcheck/placement.h"
#include "runcheck/request.h"
#include "runcheck/speed.h"
#include "runcheck/user_models.h"
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
    FileType::F16,    FileType::Q8_0,   FileType::Q6_K,    FileType::Q5_K_M,
    FileType::Q5_K_S, FileType::Q4_K_M, FileType::Q4_K_S,  FileType::IQ4_XS,
    FileType::Q3_K_L, FileType::Q3_K_M, FileType::Q3_K_S,  FileType::IQ3_XXS,
    FileType::Q2_K,   FileType::IQ2_M,  FileType::IQ2_XXS, FileType::IQ1_M};

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

struct Inputs {
  const ModelEntry* model = nullptr;
  std::string quant;                    // as the user wrote it, canonicalised
  const FileTypeInfo* ftype = nullptr;  // GGUF file type, or null for other formats
  const QuantEntry* format = nullptr;   // catalog entry for non-GGUF formats
  std::vector<const HardwareEntry*> hardware;
  std::vector<std::string> hardware_ids;
  double ram_gib = 0;
  bool ram_given = false;
  double wired_limit_mb = 0;
  double gpu_reserved_mb = 0;                // per GPU, kept by the desktop/display and other apps
  const WeightPlan* user_weights = nullptr;  // a GGUF's exact weights (the quant is the file's)
  bool inverse = true;            // also answer max context / best quant / smallest hardware
  std::string backend;            // requested backend ("" = the hardware's first)
  uint32_t prompt = 512;          // prompt tokens for prefill and time to first token
  uint32_t depth = 0;             // context depth at which decode_tps is given
  double ram_bandwidth_gb_s = 0;  // system RAM bandwidth (0 = assumed)
  json leave_out;                 // a benchmark row to leave out of the fit (accuracy scoring)
  PlanOptions plan;
  std::string kv_type = "f16";
  std::string os;  // linux | windows | macos (derived from the hardware if not given)
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
  in.backend = r.string("backend", "");
  in.prompt = static_cast<uint32_t>(r.integer("prompt", 512, 1, 1 << 22));
  in.depth = static_cast<uint32_t>(r.integer("depth", 0, 0, 1 << 24));
  in.ram_bandwidth_gb_s = r.number("ram_bandwidth_gb_s", 0, 0, 20000);
  in.os = r.string("os", "");
  if (req.contains("leave_out") && req["leave_out"].is_object()) in.leave_out = req["leave_out"];
  if (r.error()) return *r.error();
  if (split_mode != "layer" && split_mode != "row")
    return make_error("bad_value", "split_mode",
                      "split_mode must be 'layer' or 'row'; got '" + safe_echo(split_mode) + "'");
  in.plan.split_row = split_mode == "row";

  const Catalog& cat = builtin_catalog();
  if (!builtin_catalog_error().empty())
    return make_error("bad_catalog", "", builtin_catalog_error());
  in.model = cat.model(model_id);
  if (!in.model) {
    if (const UserModel* u = user_model(model_id)) {
      in.model = &u->entry;
      if (u->weights) {
        in.user_weights = &*u->weights;
        if (!u->file_type.empty() && !r.has("quant")) in.quant = u->file_type;
      }
    }
  }
  if (!in.model)
    return make_error(
        "unknown_id", "model",
        "model '" + safe_echo(model_id) + "' is not in the catalog (see: runcheck catalog models)");
  Runtime rt;
  if (!runtime_from_name(runtime, rt))
    return make_error("unknown_id", "runtime",
                      "runtime must be one of llama.cpp, ollama, lmstudio, "
                      "vllm, mlx, exllamav2; got '" +
                          safe_echo(runtime) + "'");
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
    return make_error(
        "unknown_id", "quant",
        "quant '" + safe_echo(in.quant) + "' is not a known format (see: runcheck catalog quants)");
  if (in.ftype)
    in.quant = std::string(in.ftype->name);
  else
    in.quant = in.format->id;
  if (in.format && !in.format->runtimes.empty() &&
      std::find(in.format->runtimes.begin(), in.format->runtimes.end(), runtime_name(rt)) ==
          in.format->runtimes.end())
    return make_error(
        "incompatible", "quant",
        in.quant + " is not loaded by " + runtime_name(rt) + "; it runs on: " + [&] {
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
    return make_error(
        "bad_value", "kv_type",
        "kv_type must be one of f16, bf16, f32, q8_0, q5_1, q5_0, q4_1, q4_0, iq4_nl");
  in.plan.kv.type_k = in.plan.kv.type_v = *kv;
  if (kv != GgmlType::F16 && kv != GgmlType::F32 && kv != GgmlType::BF16 &&
      is_llamacpp_engine(rt) && !in.plan.kv.flash_attn)
    return make_error(
        "incompatible", "kv_type",
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
    int count = 1;
    const HardwareEntry* h = cat.hw_cards(raw, count);
    const std::string id = h ? h->id : raw;
    if (!h) {
      // "rtx-3090x2.5", "rtx-3090x-2": a known card with a count that is not a whole number.
      const size_t x = raw.rfind('x');
      if (x != std::string::npos && x > 0 && cat.hw(raw.substr(0, x)))
        return make_error("bad_value", "hardware",
                          "hardware '" + safe_echo(raw) +
                              "': the GPU count after 'x' must be a whole number from 1 to " +
                              std::to_string(kMaxDevices));
      return make_error("unknown_id", "hardware",
                        "hardware '" + safe_echo(raw) +
                            "' is not in the catalog (see: runcheck catalog hardware)");
    }
    if (count < 1)
      return make_error("out_of_range", "hardware",
                        "hardware '" + safe_echo(raw) +
                            "': the GPU count after 'x' must be a whole number from 1 to " +
                            std::to_string(kMaxDevices));
    if (in.hardware.size() + count > static_cast<size_t>(kMaxDevices))
      return make_error("out_of_range", "hardware",
                        "at most " + std::to_string(kMaxDevices) + " devices per machine");
    for (int i = 0; i < count; ++i) {
      in.hardware.push_back(h);
      in.hardware_ids.push_back(id);
    }
  }
  if (in.hardware.empty())
    return make_error("missing_field", "hardware",
                      "hardware is required: a GPU, Mac or CPU id (or several, e.g. rtx-3090x2)");
  size_t hosts = 0, gpus = 0;
  for (const auto* h : in.hardware) (h->kind == HardwareKind::kGpu ? gpus : hosts)++;
  if (hosts > 1 || (hosts == 1 && gpus > 0 && in.hardware[0]->kind == HardwareKind::kApple))
    return make_error("bad_value", "hardware",
                      "combine discrete GPUs with at most one CPU system; a Mac stands alone");
  // Operating system: decides which runtimes exist and what a Mac's GPU may wire.
  const bool apple =
      std::any_of(in.hardware.begin(), in.hardware.end(),
                  [](const HardwareEntry* h) { return h->kind == HardwareKind::kApple; });
  if (in.os.empty()) {
    in.os = apple ? "macos" : "linux";
  } else if (!is_known_os(in.os)) {
    return make_error(
        "bad_value", "os",
        std::string("os must be ") + known_os_list() + "; got '" + safe_echo(in.os) + "'");
  } else if (apple && in.os != "macos") {
    return make_error("incompatible", "os",
                      "a Mac with Apple silicon is modelled under macOS (Metal); os must be macos");
  } else if (!apple && in.os == "macos") {
    return make_error("incompatible", "os",
                      "macos is modelled for Apple silicon Macs only; pick a Mac, or "
                      "linux / windows for this hardware");
  }
  for (const auto& e : cat.runtimes) {
    if (e.id != runtime_name(rt)) continue;
    if (e.os.empty())
      in.assumptions.push_back(
          e.name + ": no cited list of the operating systems it runs on; assumed to run on " +
          in.os);
    else if (std::find(e.os.begin(), e.os.end(), in.os) == e.os.end())
      return make_error(
          "incompatible",
          "os", e.name + " does not list " + in.os + " among its platforms (it lists: " + [&] {
            std::string b;
            for (const auto& x : e.os) b += (b.empty() ? "" : ", ") + x;
            return b;
          }() + ")");
  }
  // Backend: the first one the accelerator lists, or the requested one if it supports it.
  const HardwareEntry* accel = in.hardware[0];
  for (const auto* h : in.hardware)
    if (h->kind == HardwareKind::kGpu) {
      accel = h;
      break;
    }
  const bool cpu_only = gpus == 0 && accel->kind == HardwareKind::kCpu;
  if (in.backend.empty()) {
    in.backend = cpu_only ? "cpu" : accel->backends.empty() ? "vulkan" : accel->backends[0];
    if (accel->kind == HardwareKind::kApple) in.backend = "metal";
  } else {
    static const std::set<std::string> kBackends = {"cuda",  "rocm", "vulkan",
                                                    "metal", "sycl", "cpu"};
    if (!kBackends.count(in.backend))
      return make_error("bad_value", "backend",
                        "backend must be one of cuda, rocm, vulkan, metal, sycl, cpu; got '" +
                            safe_echo(in.backend) + "'");
    const bool listed = std::find(accel->backends.begin(), accel->backends.end(), in.backend) !=
                        accel->backends.end();
    if (!listed && in.backend != "cpu")
      return make_error(
          "incompatible", "backend",
          accel->name + " does not run the " + in.backend + " backend (it lists: " +
              [&] {
                std::string b;
                for (const auto& x : accel->backends) b += (b.empty() ? "" : ", ") + x;
                return b;
              }() +
              ")");
  }
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
    if (host_entry->memory_gib)
      ram_gib = *host_entry->memory_gib;
    else if (!host_entry->memory_options_gib.empty())
      ram_gib = host_entry->memory_options_gib.front();
    assumptions.push_back(host_entry->name + ": assumed the base configuration's " +
                          fmt("%.0f", ram_gib) +
                          " GB of memory (the one the catalog prices; set ram_gb for another)");
  } else if (!host_entry && !in.ram_given) {
    assumptions.push_back("assumed " + fmt("%.0f", ram_gib) +
                          " GiB of system RAM next to the GPU(s) (set ram_gb)");
  }
  const uint64_t ram = static_cast<uint64_t>(ram_gib * static_cast<double>(kGiB));
  mc.host.name = host_entry ? host_entry->name : "System RAM";
  mc.host.hardware_id = host_entry ? host_entry->id : "";
  mc.host.kind = DeviceKind::kCpu;
  mc.host.backend = "cpu";
  mc.host.memory_bytes = ram;
  mc.host.overhead_bytes = kOsRamReserveBytes;
  mc.host.budget_bytes = ram > kOsRamReserveBytes ? ram - kOsRamReserveBytes : 0;

  if (host_entry &&
      (host_entry->kind == HardwareKind::kApple || host_entry->kind == HardwareKind::kApu)) {
    mc.unified = true;
    Device g;
    g.name = host_entry->name + " GPU";
    g.hardware_id = host_entry->id;
    g.kind = DeviceKind::kAppleGpu;
    const bool apple = host_entry->kind == HardwareKind::kApple;
    g.backend = apple ? "metal" : host_entry->backends.empty() ? "vulkan" : host_entry->backends[0];
    g.memory_bytes = ram;
    if (apple) {
      const double cap =
          ram_gib > kAppleLargeCapAboveGib ? kAppleLargeCapFraction : kAppleSmallCapFraction;
      g.budget_bytes = static_cast<uint64_t>(static_cast<double>(ram) * cap);
    } else {
      // Other unified-memory machines (Strix Halo, DGX Spark, Jetson) run Linux: the GPU may map
      // all memory but what the OS keeps. No published cap like macOS's wired limit applies.
      g.budget_bytes = ram > kOsRamReserveBytes ? ram - kOsRamReserveBytes : 0;
      assumptions.push_back(
          host_entry->name + ": the GPU may use all memory but " +
          fmt("%.0f", static_cast<double>(kOsRamReserveBytes) / kGiB) +
          " GiB kept for the OS (driver or BIOS limits on GPU memory may be lower)");
    }
    if (in.wired_limit_mb > 0) {
      g.budget_bytes = std::min(ram, static_cast<uint64_t>(in.wired_limit_mb * 1e6));
      assumptions.push_back("GPU wired limit raised to " + fmt("%.0f", in.wired_limit_mb) +
                            " MB (iogpu.wired_limit_mb)");
    }
    g.overhead_bytes = rt == Runtime::kOllama ? kOllamaReserveMetal : 0;
    if (g.backend == "cuda")
      g.overhead_bytes = kGpuContextBytes + (rt == Runtime::kOllama ? kOllamaReserveCuda : 0);
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
      assumptions.push_back(
          "nothing reserved on the GPU for a desktop or other apps: if a card "
          "drives your screens, set gpu_reserved_mb to what nvidia-smi shows in "
          "use before loading");
  }
  if (in.plan.split_row && mc.gpus.size() > 1)
    assumptions.push_back(
        "--split-mode row: weights split over the GPUs by free memory, KV cache "
        "and compute graph on GPU 0; the other GPUs' scratch is not modelled");
  return mc;
}

WeightPlan weights_for(const Inputs& in, const FileTypeInfo* ft, const QuantEntry* fmt_entry) {
  if (in.user_weights) return *in.user_weights;
  if (ft) return memo_quantized_weights(in.model->id, in.model->arch, ft->ftype);
  const bool mlx = fmt_entry->kind == "mlx";
  return memo_format_weights(in.model->id, in.model->arch, *fmt_entry->bits_per_weight, mlx);
}

json plan_json(const Plan& p, const WeightPlan& w) {
  json devs = json::array();
  uint64_t kv = 0, compute = 0, overhead = 0, total = 0;
  for (const auto& u : p.devices) {
    kv += u.kv_bytes;
    compute += u.compute_bytes;
    overhead += u.overhead_bytes;
    total += u.used_bytes;
    devs.push_back(
        {{"name", u.name},
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

// Launch commands, one per runtime that loads this format on this OS. Each names only what it
// can: a GGUF file name or a converted repo the catalog cannot cite is written in <angle
// brackets> and said so in `commands_note`.
json commands_json(const Inputs& in, const Plan& p, const Machine& mc, const WeightPlan& w,
                   std::vector<std::string>& notes) {
  const KvOptions& kv = in.plan.kv;
  json c = json::object();
  const uint32_t total_ctx = kv.n_ctx * kv.n_seq;
  const Runtime rt = kv.runtime;
  const bool mac = in.os == "macos";
  auto runs_on = [&](const char* runtime_id) {
    for (const auto& e : builtin_catalog().runtimes)
      if (e.id == runtime_id)
        return e.os.empty() || std::find(e.os.begin(), e.os.end(), in.os) != e.os.end();
    return false;
  };
  if (in.ftype) {
    const std::string file =
        in.user_weights ? "<your file>.gguf" : "<" + in.model->id + "-" + in.quant + ".gguf>";
    if (!in.user_weights)
      notes.push_back("no verified GGUF download is in the catalog for " + in.model->name + " " +
                      in.quant + ": replace " + file + " with your file's path");
    std::string s = "llama-server -m " + file + " -c " + std::to_string(total_ctx) + " -ngl " +
                    std::to_string(p.gpu_layers) + " -fa " + (kv.flash_attn ? "on" : "off");
    if (kv.n_seq > 1) s += " -np " + std::to_string(kv.n_seq);
    if (in.plan.split_row && mc.gpus.size() > 1) s += " -sm row";
    if (in.kv_type != "f16") s += " --cache-type-k " + in.kv_type + " --cache-type-v " + in.kv_type;
    if (p.n_cpu_moe > 0) s += " --n-cpu-moe " + std::to_string(p.n_cpu_moe);
    if (mc.gpus.size() > 1 && !mc.unified && !in.plan.split_row) {
      std::string split;
      for (const auto& u : p.devices)
        if (!u.is_host)
          split += (split.empty() ? "" : ",") + std::to_string(u.layers + (u.holds_output ? 1 : 0));
      s += " --tensor-split " + split;
    }
    c["llama_server"] = s;
    // Ollama: server settings are environment variables of `ollama serve`, not of the client.
    // It has no expert offload: an expert-offload plan becomes a layer offload (num_gpu layers).
    // The most whole layers on the GPU(s) that fit (binary search; fitting falls with layers).
    auto layer_plan = [&](Runtime r) {
      PlanOptions lo = in.plan;
      lo.kv.runtime = r;
      if (p.n_cpu_moe == 0 && rt == r) return p;
      if (p.n_cpu_moe == 0 && lo.forced_gpu_layers < 0) return make_plan(in.model->arch, w, mc, lo);
      uint32_t a = 0, b = p.total_layers;
      auto at = [&](uint32_t ngl) {
        lo.forced_gpu_layers = static_cast<int>(ngl);
        lo.forced_n_cpu_moe = 0;
        return make_plan(in.model->arch, w, mc, lo);
      };
      while (a < b) {
        const uint32_t mid = a + (b - a + 1) / 2;
        if (at(mid).fits)
          a = mid;
        else
          b = mid - 1;
      }
      return at(a);
    };
    const Plan op = layer_plan(Runtime::kOllama);
    std::string env;
    if (kv.flash_attn) env += "OLLAMA_FLASH_ATTENTION=1 ";
    if (in.kv_type != "f16") env += "OLLAMA_KV_CACHE_TYPE=" + in.kv_type + " ";
    if (kv.n_seq > 1) env += "OLLAMA_NUM_PARALLEL=" + std::to_string(kv.n_seq) + " ";
    env += "OLLAMA_CONTEXT_LENGTH=" + std::to_string(kv.n_ctx) + " ";
    c["ollama"] = env + "ollama serve   # then, in another shell: ollama run <" + in.model->id +
                  " tag for " + in.quant + "> and /set parameter num_gpu " +
                  std::to_string(op.gpu_layers);
    if (p.n_cpu_moe > 0)
      notes.push_back(
          "Ollama cannot keep experts in system RAM (no --n-cpu-moe): it offloads whole layers, " +
          std::to_string(op.gpu_layers) + " of " + std::to_string(op.total_layers) + " on the GPU");
    notes.push_back("Ollama library tags are not yet cited in the catalog: find the tag for " +
                    in.quant + " on ollama.com");
    // LM Studio: lms load with the context and the GPU share.
    const Plan lp = layer_plan(Runtime::kLmStudio);
    const double share = lp.total_layers ? static_cast<double>(lp.gpu_layers) / lp.total_layers : 0;
    c["lmstudio"] = "lms load " + file + " --context-length " + std::to_string(total_ctx) +
                    " --gpu " +
                    (lp.gpu_layers >= lp.total_layers ? std::string("max")
                     : lp.gpu_layers == 0             ? std::string("off")
                                                      : fmt("%.2f", share));
  }
  const bool vllm_format =
      in.format && std::find(in.format->runtimes.begin(), in.format->runtimes.end(), "vllm") !=
                       in.format->runtimes.end();
  if ((rt == Runtime::kVllm || (vllm_format && !in.ftype)) && !mac && runs_on("vllm")) {
    // vLLM quantizes FP8 and bitsandbytes on load from the original repo; AWQ/GPTQ/NVFP4 need a
    // converted repo, which the catalog does not cite yet.
    std::string repo = in.model->hf_repo, quant_flag;
    const std::string kind = in.format ? in.format->kind : "";
    if (in.format && in.format->id == "FP8")
      quant_flag = " --quantization fp8";
    else if (kind == "bnb")
      quant_flag = " --quantization bitsandbytes";
    else if (kind == "awq" || kind == "gptq" || kind == "nvfp4") {
      repo = "<" + in.format->id + " conversion of " + in.model->hf_repo + ">";
      notes.push_back("no verified " + in.format->id + " repository is in the catalog for " +
                      in.model->name + ": vLLM reads the quantization from the repo you give");
    }
    std::string v = "vllm serve " + repo + quant_flag + " --max-model-len " +
                    std::to_string(kv.n_ctx) + " --gpu-memory-utilization " +
                    fmt("%.2f", in.plan.vllm_gpu_memory_utilization) + " --tensor-parallel-size " +
                    std::to_string(std::max<size_t>(1, mc.gpus.size()));
    if (kv.n_seq > 1) v += " --max-num-seqs " + std::to_string(kv.n_seq);
    if (in.kv_type == "q8_0") v += " --kv-cache-dtype fp8";
    c["vllm"] = v;
  }
  if (in.format && in.format->kind == "mlx") {
    c["mlx"] = "mlx_lm.server --model <" + in.format->id + " conversion of " + in.model->hf_repo +
               "> --max-tokens 512";
    notes.push_back("no verified MLX repository is in the catalog for " + in.model->name +
                    ": use an mlx-community conversion (" + in.quant + ")");
  }
  if (in.format && in.format->kind == "exl2" && !mac) {
    const std::string cache = in.kv_type == "q8_0" ? "Q8" : in.kv_type == "q4_0" ? "Q4" : "FP16";
    c["exllamav2"] = "python main.py --model-name <" + in.format->id + " conversion of " +
                     in.model->hf_repo + "> --max-seq-len " + std::to_string(kv.n_ctx) +
                     " --cache-mode " + cache + "   # TabbyAPI (ExLlamaV2)";
    notes.push_back("no verified EXL2 repository is in the catalog for " + in.model->name +
                    ": download one at " + in.quant + " into TabbyAPI's model folder");
  }
  return c;
}

// --- speed -------------------------------------------------------------------------------------

// System RAM bandwidth when the machine has no CPU entry and the user gives none: dual-channel
// DDR4-3200, channels x MT/s x 8 bytes = 2 x 3200 x 8 = 51.2 GB/s (stated in `assumptions`).
constexpr double kDefaultRamBandwidthGBs = 51.2;
// Tensor FP16 (FP32 accumulate) over FP32 vector rate on GeForce cards whose whitepaper rows we
// hold: 71/35.6 (RTX 3090), 165.2/82.6 (RTX 4090), 209.5/104.8 (RTX 5090) = 2.0. Used as the
// compute figure of a GPU whose tensor rate is not in the catalog (stated in `assumptions`).
constexpr double kTensorOverVectorFallback = 2.0;
// The band: 5th and 95th percentiles of measured/predicted over the fit group, each ratio
// computed with its own row left out of the fit.
constexpr double kBandLowQuantile = 0.05, kBandHighQuantile = 0.95;
// No measurement for this backend and precision: the nearest group's band, widened by 30 %
// each way (the spread between backends' fitted efficiencies in the calibration data).
constexpr double kEstimatedBandWidening = 1.3;
// Context depths reported in decode_by_context (those within the context are shown).
constexpr uint32_t kDepths[] = {0, 1024, 4096, 16384, 32768, 65536, 131072};
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
// One published table, one model, precision and backend: the aggregate's band is widened by
// this factor each way for every other setup (stated in the response).
constexpr double kBatchedBandWidening = 1.5;
constexpr const char* kBatchedBenchSource =
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

// MLX (mlx_lm.server) time to first token for prompts of a few tokens, where prefill is
// negligible: 5.4 ms (0.8B) to 250 ms (8B 2-bit) in the MLX rows of shared/calibration/set_c.csv
// (localmaxxing, 2026); 50 ms, near the middle of the larger models' 22-106 ms, is the point.
constexpr double kMlxRequestOverheadS = 0.050, kMlxRequestOverheadLowS = 0.005,
                 kMlxRequestOverheadHighS = 0.250;

// A suggestion that keeps the verdict is offered when it speeds decode up by at least this
// factor (10 %: less is within a speed band's width).
constexpr double kMaterialSpeedGain = 1.10;

// Quantile of measured bandwidth utilization taken as the most any estimate may assume (the
// 99th, so one mislabelled run does not set it).
constexpr double kMaxUtilizationQuantile = 0.99;

bool high_precision(const Inputs& in) {
  if (in.ftype) {
    const FileType f = in.ftype->ftype;
    return f == FileType::ALL_F32 || f == FileType::F16 || f == FileType::BF16 ||
           f == FileType::Q8_0;
  }
  return in.format && in.format->bits_per_weight && *in.format->bits_per_weight >= 8;
}

// Compute figure of one accelerator for prefill: dense FP16 tensor TFLOPS (FP32 accumulate);
// else 2 x FP32 vector TFLOPS; on Apple, GPU cores (the Metal fit absorbs the per-core rate).
std::optional<double> compute_figure(const HardwareEntry* h, bool& fallback) {
  if (!h) return std::nullopt;
  if (h->kind == HardwareKind::kApple) {
    if (h->gpu_cores) return static_cast<double>(*h->gpu_cores);
    return std::nullopt;
  }
  if (h->fp16_tflops) return *h->fp16_tflops;
  if (h->fp32_tflops) {
    fallback = true;
    return *h->fp32_tflops * kTensorOverVectorFallback;
  }
  return std::nullopt;
}

// Batch size from which llama.cpp's CUDA backend takes an op on weights held in system RAM
// (ggml-cuda.cu, ggml_backend_cuda_device_offload_op: min_batch_size 32); smaller batches run on
// the CPU.
constexpr double kOpOffloadMinBatch = 32;
// PCIe per-direction payload rate per lane, GB/s: 2.5/5 GT/s with 8b/10b encoding (gen 1-2),
// 8/16/32/64 GT/s with 128b/130b (gen 3-6) (PCI-SIG base specifications).
// Unknown link: gen 4 x16 (the most common in the catalog's GPUs), stated in the response.
constexpr double kPcieAssumedGen = 4, kPcieAssumedLanes = 16;
double pcie_gb_s(std::optional<double> gen, std::optional<double> lanes, bool& assumed) {
  assumed = !gen || !lanes;
  const double g = gen ? *gen : kPcieAssumedGen, l = lanes ? *lanes : kPcieAssumedLanes;
  const double gts = g <= 1 ? 2.5 : g <= 2 ? 5 : 8 * std::pow(2.0, g - 3);
  const double payload = g <= 2 ? 8.0 / 10.0 : 128.0 / 130.0;
  return gts * payload / 8 * l;
}

struct SpeedContext {
  SpeedFeatures f;
  double ceiling_x0 = 0;  // decode x at depth 0 (bandwidth ceiling = 1 / x)
  double kv_x_per_depth = 0;
  double weights_x = 0;
  double host_x = 0;             // the part of decode x read from system RAM (CPU layers, experts)
  double host_bw_gb_s = 0;       // the system RAM bandwidth that part assumes
  double host_matmul_bytes = 0;  // weights in system RAM that prefill's matmuls use (all experts)
  double host_active_bytes = 0;  // of those, what one token reads (active experts only)
  double pcie_gb_s = 0;          // host link of the GPU that runs offloaded prefill ops
  bool pcie_assumed = false;
  bool prefill_known = false;
  std::vector<std::string> notes;
};

SpeedContext speed_context(const Inputs& in, const Machine& mc, const Plan& p,
                           const WeightPlan& w) {
  SpeedContext sc;
  const ModelArch& m = in.model->arch;
  sc.f.backend = in.backend;
  sc.f.high_precision = high_precision(in);
  const HardwareEntry* host_entry = nullptr;
  for (const auto* h : in.hardware)
    if (h->kind != HardwareKind::kGpu) host_entry = h;
  const double cells = std::max<double>(1, kv_cells_full(in.plan.kv));
  const double active_frac =
      m.is_moe() ? static_cast<double>(m.expert_used_count) / m.expert_count : 1.0;
  const bool parallel = p.tensor_parallel > 1 || (in.plan.split_row && mc.gpus.size() > 1);
  double total_read = 0;
  struct Dev {
    double read, kv, bw;
    std::optional<double> compute;
    uint32_t layers;
  };
  std::vector<Dev> devs;
  size_t gpu_i = 0, used_gpus = 0;
  bool compute_fallback = false;
  for (const auto& u : p.devices) {
    Dev d{};
    const HardwareEntry* h = nullptr;
    if (u.is_host) {
      h = host_entry;
      if (h && h->bandwidth_gb_s)
        d.bw = *h->bandwidth_gb_s;
      else if (in.ram_bandwidth_gb_s > 0)
        d.bw = in.ram_bandwidth_gb_s;
      else
        d.bw = kDefaultRamBandwidthGBs;
    } else {
      h = mc.unified ? host_entry
                     : (gpu_i < in.hardware.size() ? builtin_catalog().hw(u.hardware_id) : nullptr);
      ++gpu_i;
      d.bw = h && h->bandwidth_gb_s ? *h->bandwidth_gb_s : 0;
      d.compute = compute_figure(h, compute_fallback);
    }
    double read = static_cast<double>(u.weights_bytes) -
                  static_cast<double>(u.expert_bytes) * (1 - active_frac);
    if (u.is_host)
      read -= static_cast<double>(
          std::min<uint64_t>(u.weights_bytes, w.token_embd_bytes));  // one row per token
    d.read = std::max(0.0, read);
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
        hu.weights_bytes - std::min<uint64_t>(hu.weights_bytes, w.token_embd_bytes));
    sc.host_active_bytes = devs.back().read;
    for (const auto& d : devs)
      if (d.compute) {
        devs.back().compute = d.compute;
        break;
      }
    const HardwareEntry* g0 = builtin_catalog().hw(mc.gpus[0].hardware_id);
    sc.pcie_gb_s = pcie_gb_s(g0 ? g0->pcie_gen : std::nullopt, g0 ? g0->pcie_lanes : std::nullopt,
                             sc.pcie_assumed);
  }
  sc.f.hops = used_gpus > 1 ? static_cast<double>(used_gpus - 1) : 0;
  // FLOPs per token: 2 x active parameters, and attention 2 x heads x (K+V dims) per layer per
  // context token (QK^T and AV), at the mean depth P/2 of a prompt of P tokens.
  const double active_params = static_cast<double>(memo_active_parameters(in.model->id, m));
  uint32_t attn_layers = 0;
  for (auto k : m.layers) attn_layers += k != LayerKind::kRecurrent;
  const double attn_per_ctx = 2.0 * attn_layers * m.head_count * (m.key_length + m.value_length);
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
    if (parallel) {
      fx = std::max(fx, x);
      fkv = std::max(fkv, xk);
    } else {
      fx += x;
      fkv += xk;
    }
    const double share = total_read > 0 ? d.read / total_read : 0;
    if (share > 0.001 || d.layers > 0) {
      if (!d.compute) {
        prefill_ok = false;
        continue;
      }
      const double zz0 = 2 * active_params * share / (*d.compute * 1e12);
      const double zzp = attn_per_ctx *
                         (static_cast<double>(d.layers) / std::max(1u, m.block_count)) / 2 /
                         (*d.compute * 1e12);
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
  sc.f.decode_per_depth_s = fkv;
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
  if (compute_fallback)
    sc.notes.push_back(
        "prefill: a GPU's tensor FP16 rate is not in the catalog; taken as 2 x its FP32 rate "
        "(GeForce ratio)");
  return sc;
}

// The calibration set: every catalog benchmark row turned into features once.
struct Calibration {
  std::vector<SpeedSample> samples;
};

Result<Inputs> read_inputs(const json& req);
Machine build_machine(const Inputs& in, std::vector<std::string>& assumptions);
WeightPlan weights_for(const Inputs& in, const FileTypeInfo* ft, const QuantEntry* fmt_entry);

const Calibration& calibration() {
  static const Calibration cal = [] {
    Calibration c;
    const auto& rows = builtin_catalog().benchmarks;
    std::map<std::string, SpeedFeatures> cache;
    for (size_t i = 0; i < rows.size(); ++i) {
      const BenchmarkRow& b = rows[i];
      const std::string key = b.model + "|" + b.quant + "|" + b.hardware + "|" +
                              std::to_string(b.n_devices) + "|" + b.backend + "|" +
                              (b.ram_gib ? std::to_string(*b.ram_gib) : "");
      auto it = cache.find(key);
      if (it == cache.end()) {
        // As published: all layers offloaded (-ngl 99), flash attention off, f16 KV.
        json q = {
            {"model", b.model},
            {"quant", b.quant},
            {"context", 2048},
            {"hardware", b.hardware + (b.n_devices > 1 ? "x" + std::to_string(b.n_devices) : "")},
            {"flash_attn", false},
            {"gpu_layers", 100000},
            {"kv_type", "f16"},
            {"backend", b.backend}};
        if (b.ram_gib) q["ram_gb"] = *b.ram_gib;
        // A run without its memory size fit on its machine: take a Mac's largest configuration.
        else if (const HardwareEntry* h = builtin_catalog().hw(b.hardware);
                 h && h->kind == HardwareKind::kApple && !h->memory_options_gib.empty())
          q["ram_gb"] = h->memory_options_gib.back();
        auto in = read_inputs(q);
        if (!in.ok()) continue;
        std::vector<std::string> ignored;
        const Machine mc = build_machine(in.value(), ignored);
        const WeightPlan w = weights_for(in.value(), in.value().ftype, in.value().format);
        const Plan p = make_plan(in.value().model->arch, w, mc, in.value().plan);
        it = cache.emplace(key, speed_context(in.value(), mc, p, w).f).first;
      }
      SpeedSample smp;
      smp.f = it->second;
      smp.decode = b.decode;
      smp.tokens = b.tokens;
      smp.value_tps = b.value_tps;
      smp.row = i;
      smp.hardware = b.hardware;
      smp.config = key;
      smp.group = smp.f.group();
      smp.n_devices = b.n_devices;
      c.samples.push_back(smp);
    }
    return c;
  }();
  return cal;
}

// The highest share of its rated bandwidth any measured decode run reached: the 99th percentile
// over every calibration row of (bytes read per token / bandwidth) / measured time per token.
// No estimate streams weights faster than this share, however well a card's own runs went.
double max_bandwidth_utilization() {
  static const double u = [] {
    std::vector<double> v;
    for (const auto& s : calibration().samples)
      if (s.decode && s.value_tps > 0) v.push_back(speed_regressor(s) * s.value_tps);
    return v.empty() ? 1.0 : std::min(1.0, quantile(v, kMaxUtilizationQuantile));
  }();
  return u;
}

// Decode with this hardware's own runs: the group fit's time divided by the median of their
// measured/predicted ratios (`factor`, 0 when there are none), but never faster than the best
// measured share of the bandwidth ceiling (max_bandwidth_utilization), so a card whose small-model
// runs beat the fit is not predicted at or above its ceiling for a large model.
double decode_time(const SpeedFit& fit, double x, double hops, double factor) {
  const double t = fit.a + fit.b * x + fit.c * hops;
  if (factor <= 0) return t;
  return std::max(t / factor, x / max_bandwidth_utilization());
}

// Predicted seconds per token for `s` from the fit of `group` without row `exclude`; scaled by
// how this hardware's other measurements in the group compare with the fit (decode: its
// bandwidth slope; prefill: the median measured/predicted), when it has any. `corrected` says
// whether that happened.
double predict_time(const std::vector<SpeedSample>& all, const SpeedSample& s,
                    const std::string& group, size_t exclude, bool& corrected) {
  corrected = false;
  const SpeedFit fit = fit_speed(all, group, s.decode, exclude);
  if (!fit.ok) return 0;
  double t = speed_time(fit, s);
  std::vector<double> r;
  if (!s.hardware.empty())
    for (const auto& j : all) {
      if (j.row == exclude || j.row == s.row || j.decode != s.decode || j.hardware != s.hardware)
        continue;
      if (j.n_devices != s.n_devices) continue;
      if (j.group != group || (!s.decode && !j.f.prefill_fixed)) continue;
      r.push_back(j.value_tps * speed_time(fit, j));
    }
  if (s.decode) {
    const double k = r.empty() ? 0 : quantile(r, 0.5);
    corrected = k > 0;
    return decode_time(fit, speed_regressor(s), speed_regressor2(s), k);
  }
  if (!r.empty()) {
    t /= quantile(r, 0.5);
    corrected = true;
  }
  return t;
}

// Ratios measured / predicted over a group, two kinds, each computed without the row itself:
// `known` - hardware with other measurements (fit and hardware factor without the row);
// `unknown` - the row's whole hardware left out of the fit (how a new GPU is predicted).
struct GroupRatios {
  std::vector<std::pair<size_t, double>> known, unknown;
};

const GroupRatios& group_ratios(const std::string& group, bool decode) {
  static std::mutex mu;
  static std::map<std::string, GroupRatios> memo;
  const std::string key = group + (decode ? "|d" : "|p");
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = memo.find(key);
    if (it != memo.end()) return it->second;
  }
  GroupRatios g;
  const auto& all = calibration().samples;
  std::map<std::string, SpeedFit> without_hw;
  for (const auto& s : all) {
    if (s.decode != decode || s.group != group || (!decode && !s.f.prefill_fixed)) continue;
    bool corrected = false;
    const double t = predict_time(all, s, group, s.row, corrected);
    if (t > 0 && corrected) g.known.push_back({s.row, s.value_tps * t});
    auto it = without_hw.find(s.hardware);
    if (it == without_hw.end())
      it =
          without_hw.emplace(s.hardware, fit_speed(all, group, decode, SIZE_MAX, s.hardware)).first;
    if (it->second.ok) g.unknown.push_back({s.row, s.value_tps * speed_time(it->second, s)});
  }
  std::lock_guard<std::mutex> lock(mu);
  return memo.emplace(key, std::move(g)).first->second;
}

struct GroupBand {
  double low = 1, high = 1;
};
GroupBand band_of(const std::vector<std::pair<size_t, double>>& ratios, size_t exclude) {
  std::vector<double> v;
  for (const auto& [row, r] : ratios)
    if (row != exclude) v.push_back(r);
  if (v.size() < 3) return GroupBand{0.5, 1.5};  // too few rows to say more
  return GroupBand{quantile(v, kBandLowQuantile), quantile(v, kBandHighQuantile)};
}

json speed_json(const Inputs& in, const Machine& mc, const Plan& p, const WeightPlan& w,
                std::vector<std::string>& assumptions) {
  const Calibration& cal = calibration();
  const SpeedContext sc = speed_context(in, mc, p, w);
  if (!is_llamacpp_engine(in.plan.kv.runtime))
    assumptions.push_back(
        std::string("speed is fitted on llama.cpp runs; ") + runtime_name(in.plan.kv.runtime) +
        " has no runs in the benchmarks, so its figures carry llama.cpp's efficiency");
  for (const auto& n : sc.notes) assumptions.push_back(n);
  if (mc.gpus.empty() && in.ram_bandwidth_gb_s <= 0) {
    bool host_bw = false;
    for (const auto* h : in.hardware)
      host_bw = host_bw || (h->kind != HardwareKind::kGpu && h->bandwidth_gb_s);
    if (!host_bw)
      assumptions.push_back(
          "system RAM bandwidth assumed 51.2 GB/s (dual-channel DDR4-3200; set "
          "ram_bandwidth_gb_s)");
  } else if (sc.host_x > 0) {
    const std::string what =
        p.devices.back().layers > 0 ? "layers on the CPU" : "the routed experts in system RAM";
    if (in.ram_bandwidth_gb_s > 0)
      assumptions.push_back(
          what + " read system RAM at your " + fmt("%.1f", sc.host_bw_gb_s) +
          " GB/s (ram_bandwidth_gb_s); decode depends on it more than on the GPU");
    else
      assumptions.push_back(what + " read system RAM at an assumed " +
                            fmt("%.1f", sc.host_bw_gb_s) +
                            " GB/s (dual-channel DDR4-3200; set ram_bandwidth_gb_s to your RAM's: "
                            "channels x MT/s x 8 B)");
  }
  // The measurement to leave out (accuracy scoring): match on every identifying field.
  size_t exclude = SIZE_MAX;
  std::string exclude_hw;  // leave-one-hardware-out: no row of this hardware informs the estimate
  const auto& rows = builtin_catalog().benchmarks;
  if (!in.leave_out.is_null() && in.leave_out.value("scope", "row") == "hardware")
    exclude_hw = in.leave_out.value("hardware", "");
  if (!in.leave_out.is_null()) {
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& b = rows[i];
      const json& L = in.leave_out;
      if (L.value("model", "") == b.model && L.value("quant", "") == b.quant &&
          L.value("hardware", "") == b.hardware && L.value("n_devices", 0) == b.n_devices &&
          L.value("backend", "") == b.backend &&
          L.value("metric", "") == (b.decode ? "tg" : "pp") && L.value("tokens", 0u) == b.tokens &&
          std::fabs(L.value("value_tps", 0.0) - b.value_tps) < 1e-9) {
        exclude = i;
        break;
      }
    }
  }
  // Fit group, with fallbacks when this backend/precision has no calibration rows.
  std::string evidence = "extrapolated";
  SpeedFeatures f = sc.f;
  const std::string wanted = f.group();
  auto fit_for = [&](bool decode, std::string& used) {
    const std::string other = f.backend + (f.high_precision ? "/lo" : "/hi");
    const std::string cuda = std::string("cuda") + (f.high_precision ? "/hi" : "/lo");
    for (const std::string& g : {wanted, other, cuda}) {
      const SpeedFit fit = fit_speed(cal.samples, g, decode, exclude, exclude_hw);
      if (fit.ok) {
        used = g;
        return fit;
      }
    }
    used.clear();
    return SpeedFit{};
  };
  std::string dgroup, pgroup;
  const SpeedFit df = fit_for(true, dgroup);
  const SpeedFit pf = fit_for(false, pgroup);
  if (dgroup != wanted) evidence = "estimated";
  // Published measurements of exactly this model, quant, hardware and backend.
  json measured = json::array();
  std::string gpu_id;
  size_t n_gpu = 0;
  bool same_gpu = true;
  for (const auto* h : in.hardware)
    if (h->kind == HardwareKind::kGpu) {
      same_gpu = same_gpu && (gpu_id.empty() || gpu_id == h->id);
      gpu_id = h->id;
      ++n_gpu;
    }
  if (n_gpu == 0)
    for (const auto* h : in.hardware) gpu_id = h->id;
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& b = rows[i];
    if (i == exclude || !same_gpu || b.model != in.model->id || b.hardware != gpu_id ||
        b.backend != in.backend)
      continue;
    if (b.hardware == exclude_hw) continue;
    if (static_cast<size_t>(b.n_devices) != std::max<size_t>(1, n_gpu)) continue;
    const QuantEntry* q = builtin_catalog().quant(b.quant);
    if (!q || q->id != in.quant) continue;
    // llama-bench's own name for the test; the full settings are in catalog/benchmarks.json.
    measured.push_back({{"metric", b.decode ? "tg" : "pp"},
                        {"tokens", b.tokens},
                        {"value_tps", b.value_tps},
                        {"test", std::string(b.decode ? "tg" : "pp") + std::to_string(b.tokens)},
                        {"source", b.sources.empty() ? "" : b.sources[0].url}});
  }
  if (!measured.empty()) evidence = "measured";

  // This hardware's own measurements (other models, quants or lengths) scale the group fit.
  auto hw_factor = [&](const SpeedFit& fit, const std::string& group, bool decode) -> double {
    if (!same_gpu || group.empty() || !exclude_hw.empty()) return 0;
    std::vector<double> r;
    for (const auto& j : cal.samples) {
      if (j.row == exclude || j.decode != decode || j.hardware != gpu_id || j.group != group)
        continue;
      if (static_cast<size_t>(j.n_devices) != std::max<size_t>(1, n_gpu)) continue;
      if (!decode && !j.f.prefill_fixed) continue;
      r.push_back(j.value_tps * speed_time(fit, j));
    }
    return r.empty() ? 0 : quantile(r, 0.5);
  };
  // The benchmarks ran every layer on the GPU(s): with layers on the CPU the factor says
  // nothing about the CPU share, so it is not applied.
  const bool cpu_layers = !mc.unified && !mc.gpus.empty() && p.devices.back().layers > 0;
  const double dfac = df.ok ? hw_factor(df, dgroup, true) : 0;  // applied to the GPU share only
  const double pfac = pf.ok && !cpu_layers ? hw_factor(pf, pgroup, false) : 0;
  // Never faster than the best measured share of bandwidth / bytes read (decode_time).
  // This hardware's own runs (every layer on its GPUs) speak for the GPU share only: what is read
  // from system RAM (CPU layers, offloaded experts) keeps the group's slope at the RAM bandwidth.
  auto decode_at = [&](double depth) {
    const double x = f.decode_fixed_s + f.decode_per_depth_s * depth;
    return decode_time(df, x - sc.host_x, f.hops, dfac) + df.b * sc.host_x;
  };
  json out = {{"backend", in.backend},
              {"evidence", evidence},
              {"fit_group", dgroup},
              {"measured", measured},
              {"scaled_by_hardware_measurements", dfac > 0},
              {"depth", in.depth},
              {"prompt_tokens", in.prompt}};
  const double ceiling =
      sc.ceiling_x0 > 0 ? 1.0 / (sc.ceiling_x0 + sc.kv_x_per_depth * in.depth) : 0;
  if (!p.fits || !df.ok || sc.ceiling_x0 <= 0) {
    out["decode_tps"] = out["decode_tps_low"] = out["decode_tps_high"] = out["prefill_tps"] =
        out["prefill_tps_low"] = out["prefill_tps_high"] = out["ttft_seconds"] = nullptr;
    out["decode_ceiling_tps"] = ceiling > 0 ? json(ceiling) : json(nullptr);
    out["decode_by_context"] = json::array();
    out["why_null"] =
        !p.fits ? "the model does not fit this machine" : "no bandwidth figure for a device";
    out["evidence"] = nullptr;  // no figure, so nothing is measured or extrapolated
    return out;
  }
  const GroupRatios& dr = group_ratios(dgroup, true);
  const GroupBand db = band_of(dfac > 0 ? dr.known : dr.unknown, exclude);
  const double widen = evidence == "estimated" ? kEstimatedBandWidening : 1.0;
  auto band = [&](double tps, const GroupBand& b, double cap) {
    const double lo = tps * b.low / widen,
                 hi = std::min(cap > 0 ? cap : 1e300, tps * b.high * widen);
    return std::make_pair(lo, std::max(lo, hi));
  };
  const double tps = 1.0 / decode_at(in.depth);
  const auto [dlo, dhi] = band(tps, db, ceiling);
  out["decode_tps"] = tps;
  out["system_ram_bandwidth_gb_s"] = sc.host_x > 0 ? json(sc.host_bw_gb_s) : json(nullptr);
  out["decode_share_in_system_ram"] = sc.host_x > 0 ? json(df.b * sc.host_x * tps) : json(nullptr);
  out["decode_tps_low"] = dlo;
  out["decode_tps_high"] = dhi;
  out["decode_ceiling_tps"] = ceiling;
  json by = json::array();
  for (uint32_t d : kDepths) {
    if (d > in.plan.kv.n_ctx) break;
    const double t = 1.0 / decode_at(d);
    const double cap = 1.0 / (sc.ceiling_x0 + sc.kv_x_per_depth * d);
    const auto [lo, hi] = band(t, db, cap);
    by.push_back({{"depth", d}, {"tps", t}, {"low", lo}, {"high", hi}});
  }
  out["decode_by_context"] = by;
  // A measured badge: the published runs used llama-bench's settings (their own lengths, flash
  // attention off, f16 KV); the figure shown is for this request's. Each run gets the engine's
  // figure at the run's own length, and the note says why the shown figure differs.
  if (!out["measured"].empty()) {
    std::string runs;
    for (auto& mrow : out["measured"]) {
      const uint32_t n = mrow["tokens"];
      const bool tg = mrow["metric"] == "tg";
      json at = nullptr;
      if (tg) at = 1.0 / decode_at(n > 0 ? (n - 1) / 2.0 : 0);
      mrow["estimate_at_run_length_tps"] = at;
      if (tg)
        runs += (runs.empty() ? "" : ", ") + mrow["test"].get<std::string>() + " measured " +
                fmt("%.1f", mrow["value_tps"].get<double>()) +
                " tok/s (runcheck at that length: " + fmt("%.1f", at.get<double>()) + ")";
    }
    out["measured_note"] =
        "published llama-bench runs (flash attention off, f16 KV, their own lengths): " + runs +
        "; the figure shown is for depth " + std::to_string(in.depth) + ", flash attention " +
        (in.plan.kv.flash_attn ? "on" : "off") + ", " + in.kv_type + " KV";
  }
  // Prefill and time to first token.
  if (pf.ok && f.prefill_fixed) {
    const GroupRatios& pr = group_ratios(pgroup, false);
    const GroupBand pb = band_of(pfac > 0 ? pr.known : pr.unknown, exclude);
    const double ov = f.prefill_overlap(in.prompt);
    double ptps = (pfac > 0 ? pfac : 1.0) /
                  (pf.a + (pf.b * *f.prefill_fixed + pf.c * f.prefill_per_prompt * in.prompt) / ov);
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
      out["prefill_offload_seconds"] = extra;
      out["prefill_evidence"] = "estimated";
      assumptions.push_back(
          in.prompt >= kOpOffloadMinBatch
              ? "prefill: the " + fmt("%.2f", sc.host_matmul_bytes / kGiB) +
                    " GiB of weights in system RAM cross PCIe (" + fmt("%.1f", sc.pcie_gb_s) +
                    " GB/s" + (sc.pcie_assumed ? ", assumed gen 4 x16" : "") +
                    ") once per micro-batch of " + std::to_string(in.plan.kv.n_ubatch) +
                    " tokens, as llama.cpp runs their matmuls on the GPU"
              : "prefill: a prompt under 32 tokens runs the system-RAM layers on the CPU at RAM "
                "bandwidth");
    }
    auto [plo, phi] = band(ptps, pb, 0);
    plo /= widen_p;
    phi *= widen_p;
    out["prefill_tps"] = ptps;
    out["prefill_tps_low"] = plo;
    out["prefill_tps_high"] = phi;
    out["prefill_fit_group"] = pgroup;
    out["ttft_seconds"] = in.prompt / ptps + decode_at(in.prompt);
    if (in.plan.kv.runtime == Runtime::kMlx) {
      // mlx_lm's fixed cost per request (tokenizer, chat template, first graph evaluation).
      out["ttft_seconds"] = out["ttft_seconds"].get<double>() + kMlxRequestOverheadS;
      out["ttft_seconds_low"] = in.prompt / phi + decode_at(in.prompt) + kMlxRequestOverheadLowS;
      out["ttft_seconds_high"] = in.prompt / plo + decode_at(in.prompt) + kMlxRequestOverheadHighS;
      assumptions.push_back("MLX time to first token includes a fixed " +
                            fmt("%.0f", kMlxRequestOverheadS * 1e3) +
                            " ms per request (published MLX runs with tiny prompts: " +
                            fmt("%.0f", kMlxRequestOverheadLowS * 1e3) + "-" +
                            fmt("%.0f", kMlxRequestOverheadHighS * 1e3) + " ms)");
    }
    // Several sequences decoding together (llama-server -np N, vLLM): weights are read once per
    // step, each sequence reads its own KV, and the step cannot beat N tokens of compute.
    // Several sequences decoding together: a step costs batched_step_ratio(K) one-sequence
    // steps (published batched-bench table) plus the other sequences' KV reads, and cannot beat
    // K tokens of prefill-rate compute.
    if (in.plan.kv.n_seq > 1) {
      const double n = in.plan.kv.n_seq;
      const double one = decode_at(in.depth);
      const double kv_others = df.b * (n - 1) * f.decode_per_depth_s * in.depth;
      const double mem = one * batched_step_ratio(n) + kv_others;
      const double comp =
          n * (pf.a + pf.b * *f.prefill_fixed + pf.c * f.prefill_per_prompt * 2.0 * in.depth) /
          (pfac > 0 ? pfac : 1.0);
      const double agg = n / std::max(mem, comp);
      out["aggregate_decode_tps"] = agg;
      out["aggregate_decode_tps_low"] = agg * (dlo / tps) / kBatchedBandWidening;
      out["aggregate_decode_tps_high"] =
          std::min(n * dhi, agg * (dhi / tps) * kBatchedBandWidening);
      out["aggregate_speedup"] = agg / tps;
      out["aggregate_evidence"] = "estimated";
      out["aggregate_source"] = kBatchedBenchSource;
    }
  } else {
    out["prefill_tps"] = out["prefill_tps_low"] = out["prefill_tps_high"] = out["ttft_seconds"] =
        nullptr;
    out["why_prefill_null"] =
        mc.gpus.empty() ? "prefill on a CPU-only machine is not modelled: the catalog has no CPU "
                          "compute figures"
        : !f.prefill_fixed
            ? "the catalog has no compute figure (FP16 or FP32 TFLOPS) for " +
                  [&] {
                    std::string n;
                    for (const auto* h : in.hardware)
                      if (h->kind == HardwareKind::kGpu && !h->fp16_tflops && !h->fp32_tflops)
                        n = h->name;
                    return n.empty() ? std::string("a device") : n;
                  }()
            : "no prefill measurements to fit for this backend";
  }
  return out;
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
    if (ok(mid))
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

bool is_comfortable(const Plan& p) { return p.verdict == Verdict::kComfortable; }
bool runs(const Plan& p) { return p.fits; }

}  // namespace

Result<json> methodology_json() {
  // The constants and fits the engine uses, read from the same definitions (no prose copy).
  auto c = [](const char* name, double value, const char* unit, const char* what,
              const char* source) {
    return json{
        {"name", name}, {"value", value}, {"unit", unit}, {"what", what}, {"source", source}};
  };
  KvOptions fa, nofa;
  nofa.flash_attn = false;
  json constants = json::array({
      c("kGpuContextBytes", static_cast<double>(kGpuContextBytes) / kMiB, "MiB",
        "CUDA context + cuBLAS workspace per GPU, outside llama.cpp's buffers",
        "llama.cpp PR #20595 (120-550 MB); the logged RTX 4080 F16 OOM needs more than 483 MiB"),
      c("kOllamaReserveCuda", static_cast<double>(kOllamaReserveCuda) / kMiB, "MiB",
        "Ollama's minimum free memory per CUDA/ROCm GPU", "ollama ml/device.go"),
      c("kOllamaReserveMetal", static_cast<double>(kOllamaReserveMetal) / kMiB, "MiB",
        "Ollama's minimum free memory on Metal", "ollama ml/device.go"),
      c("kOsRamReserveBytes", static_cast<double>(kOsRamReserveBytes) / kGiB, "GiB",
        "system RAM kept for the OS", "Windows 11 minimum requirement, 4 GB"),
      c("kDefaultHostRamGib", kDefaultHostRamGib, "GiB",
        "system RAM assumed next to GPUs when none is given",
        "assumption, stated in every response that uses it"),
      c("kAppleSmallCapFraction", kAppleSmallCapFraction, "of RAM",
        "Apple GPU working-set cap up to 36 GiB",
        "measured 5726.63 MB on an 8 GB M1 (XiongjieDai logs)"),
      c("kAppleLargeCapFraction", kAppleLargeCapFraction, "of RAM",
        "Apple GPU working-set cap above 36 GiB", "measured 51539.61 MB on 64 GB M1 Max / M3 Max"),
      c("kComfortHeadroomBytes", static_cast<double>(kComfortHeadroomBytes) / kMiB, "MiB",
        "free memory per GPU for a comfortable verdict",
        "llama.cpp --fit default margin (PR #16653)"),
      c("kv_padding_flash_attn", kv_padding(fa), "cells",
        "KV cache size padding with flash attention", "llama.cpp llama_kv_cache::get_padding"),
      c("kv_padding_no_flash_attn", kv_padding(nofa), "cells",
        "KV cache size padding without flash attention", "llama.cpp llama_kv_cache::get_padding"),
      c("kDefaultRamBandwidthGBs", kDefaultRamBandwidthGBs, "GB/s",
        "system RAM bandwidth when unknown", "dual-channel DDR4-3200: 2 x 3200 MT/s x 8 B"),
      c("kTensorOverVectorFallback", kTensorOverVectorFallback, "x FP32",
        "tensor FP16 rate when the catalog lacks it", "GeForce whitepaper rows: 3090, 4090, 5090"),
      c("kBandLowQuantile", kBandLowQuantile, "",
        "lower edge of a speed band (quantile of leave-one-out measured/predicted)",
        "calibration, catalog/benchmarks.json"),
      c("kBandHighQuantile", kBandHighQuantile, "", "upper edge of a speed band",
        "calibration, catalog/benchmarks.json"),
      c("kEstimatedBandWidening", kEstimatedBandWidening, "x",
        "band widening when a backend has no runs", "assumption"),
  });
  // The speed fits, from the shipped benchmarks.
  json fits = json::array();
  std::set<std::string> groups;
  for (const auto& smp : calibration().samples) groups.insert(smp.group);
  for (const auto& g : groups) {
    const SpeedFit d = fit_speed(calibration().samples, g, true);
    const SpeedFit p = fit_speed(calibration().samples, g, false);
    fits.push_back({{"group", g},
                    {"decode", d.ok ? json{{"rows", d.n},
                                           {"t0_ms", d.a * 1e3},
                                           {"efficiency", 1.0 / d.b},
                                           {"per_extra_gpu_ms", d.c * 1e3}}
                                    : json(nullptr)},
                    {"prefill", p.ok ? json{{"rows", p.n},
                                            {"overhead_us", p.a * 1e6},
                                            {"matmul_efficiency", 1.0 / p.b},
                                            {"attention_factor", p.c}}
                                     : json(nullptr)}});
  }
  return json{
      {"ok", true}, {"command", "methodology"}, {"constants", constants}, {"speed_fits", fits}};
}

const std::vector<std::string_view>& estimate_fields() {
  static const std::vector<std::string_view> k = {"command",
                                                  "model",
                                                  "quant",
                                                  "context",
                                                  "hardware",
                                                  "runtime",
                                                  "kv_type",
                                                  "flash_attn",
                                                  "parallel",
                                                  "ubatch",
                                                  "ram_gb",
                                                  "wired_limit_mb",
                                                  "gpu_layers",
                                                  "n_cpu_moe",
                                                  "gpu_memory_utilization",
                                                  "gpu_reserved_mb",
                                                  "split_mode",
                                                  "inverse",
                                                  "backend",
                                                  "prompt",
                                                  "depth",
                                                  "ram_bandwidth_gb_s",
                                                  "os",
                                                  "leave_out"};
  return k;
}

Result<json> estimate_json(const json& req) {
  if (auto e = check_fields(req, estimate_fields())) return *e;
  auto parsed = read_inputs(req);
  if (!parsed.ok()) return parsed.error();
  Inputs in = std::move(parsed).value();
  std::vector<std::string> assumptions = in.assumptions;
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
                {"os", in.os},
                {"ram_gb", static_cast<double>(mc.host.memory_bytes) / kGiB}}},
              {"model",
               {{"id", in.model->id},
                {"name", in.model->name},
                {"parameters", w.parameters},
                {"active_parameters", memo_active_parameters(in.model->id, m)},
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
  out["speed"] = speed_json(in, mc, plan, w, assumptions);
  out["assumptions"] = assumptions;

  std::vector<std::string> command_notes;
  out["commands"] = commands_json(in, plan, mc, w, command_notes);
  out["commands_notes"] = command_notes;
  if (!in.inverse) {  // the caller wants the verdict alone
    out["max_context"] = out["best_quant"] = out["smallest_hardware"] = nullptr;
    out["suggestions"] = json::array();
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
  return out;
}

// --- sweep: verdicts for every model x hardware x quant x context ------------------------------

namespace {

// Defaults of a catalog-wide sweep: the common GGUF file types and four context lengths.
const char* const kSweepQuants[] = {"Q4_K_M", "Q6_K", "Q8_0"};
constexpr uint32_t kSweepContexts[] = {4096, 16384, 32768, 131072};
constexpr size_t kMaxSweepCells = 4'000'000;

char verdict_char(Verdict v) {
  return v == Verdict::kComfortable ? 'c' : v == Verdict::kTradeoffs ? 't' : 'x';
}

}  // namespace

Result<json> sweep_json(const json& req) {
  {
    std::vector<std::string_view> known = {"models", "quants", "contexts"};
    for (auto k : estimate_fields())
      if (k != "model" && k != "context" && k != "leave_out" && k != "inverse") known.push_back(k);
    if (auto e = check_fields(req, known)) return *e;
  }
  FieldReader r(req);
  std::vector<std::string> model_ids = r.string_list("models", false, 4096);
  std::vector<std::string> hw_ids = r.string_list("hardware", false, 4096);
  std::vector<std::string> quants = r.string_list("quants", false, 64);
  const bool contexts_given = r.has("contexts");
  if (r.error()) return *r.error();
  std::vector<uint32_t> contexts(std::begin(kSweepContexts), std::end(kSweepContexts));
  if (contexts_given) {
    json c = req["contexts"];
    if (c.is_string()) {  // the CLI's "4096,32768"
      json list = json::array();
      for (const auto& t : split_text(c.get<std::string>().substr(0, 2000), ',')) {
        char* end = nullptr;
        const long long v = std::strtoll(t.c_str(), &end, 10);
        list.push_back(end && *end == '\0' && !t.empty() ? json(v) : json(t));
      }
      c = list;
    }
    if (!c.is_array() || c.empty() || c.size() > 64)
      return make_error("bad_value", "contexts", "contexts must be a list of 1 to 64 token counts");
    contexts.clear();
    for (const auto& v : c) {
      if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > (1 << 24))
        return make_error("bad_value", "contexts",
                          "each context must be an integer in [1, 16777216]");
      contexts.push_back(v.get<uint32_t>());
    }
  }
  const Catalog& cat = builtin_catalog();
  if (!builtin_catalog_error().empty())
    return make_error("bad_catalog", "", builtin_catalog_error());
  if (model_ids.empty())
    for (const auto& m : cat.models) model_ids.push_back(m.id);
  if (hw_ids.empty())
    for (const auto& h : cat.hardware) hw_ids.push_back(h.id);
  if (quants.empty()) quants.assign(std::begin(kSweepQuants), std::end(kSweepQuants));
  std::vector<const ModelEntry*> models;
  for (const auto& id : model_ids) {
    const ModelEntry* m = cat.model(id);
    if (!m)
      return make_error("unknown_id", "models",
                        "model '" + safe_echo(id) + "' is not in the catalog");
    models.push_back(m);
  }
  std::vector<const FileTypeInfo*> ftypes;
  for (const auto& q : quants) {
    const FileTypeInfo* f = file_type_by_name(q);
    if (!f)
      return make_error(
          "bad_value", "quants",
          "quant '" + safe_echo(q) + "': a sweep takes GGUF file types (e.g. Q4_K_M)");
    ftypes.push_back(f);
  }
  if (models.size() * hw_ids.size() * ftypes.size() * contexts.size() > kMaxSweepCells)
    return make_error("out_of_range", "models", "a sweep is at most 4,000,000 cells");

  // The machine-independent fields (runtime, KV type, flash attention, RAM, os) are read and
  // checked once, by the estimate's own reader, on the first model and hardware.
  Runtime rt;
  if (runtime_from_name(r.string("runtime", "llama.cpp"), rt) && !is_llamacpp_engine(rt))
    return make_error("incompatible", "runtime",
                      "a sweep models llama.cpp-engine placement (llama.cpp, Ollama, LM Studio)");
  json base_req = req;
  for (const char* k : {"command", "models", "quants", "contexts"}) base_req.erase(k);
  base_req["model"] = models.empty() ? "" : models[0]->id;
  base_req["hardware"] = hw_ids.empty() ? "" : hw_ids[0];
  auto parsed = read_inputs(base_req);
  if (!parsed.ok()) {
    Error e = parsed.error();
    if (e.field == "model") e.field = "models";
    return e;
  }
  const Inputs base = std::move(parsed).value();

  struct Box {
    const HardwareEntry* h;
    Machine mc;
  };
  std::vector<Box> boxes;
  for (const auto& id : hw_ids) {
    const HardwareEntry* h = cat.hw(id);
    if (!h)
      return make_error("unknown_id", "hardware",
                        "hardware '" + safe_echo(id) + "' is not in the catalog");
    if (h->kind == HardwareKind::kGpu && !h->memory_gib) continue;  // memory unknown: not swept
    Inputs in = base;
    in.hardware = {h};
    std::vector<std::string> unused;
    boxes.push_back({h, build_machine(in, unused)});
  }

  json grid = json::array();
  uint64_t counts[4] = {0, 0, 0, 0};  // comfortable, tradeoffs, will not run, context too long
  std::string row(boxes.size(), '-');
  for (const ModelEntry* me : models) {
    const ModelArch& m = me->arch;
    for (const FileTypeInfo* f : ftypes) {
      const WeightPlan w = memo_quantized_weights(me->id, m, f->ftype);
      for (uint32_t ctx : contexts) {
        if (ctx > m.context_length) {
          row.assign(boxes.size(), '-');
          counts[3] += boxes.size();
        } else {
          KvOptions kv = base.plan.kv;
          kv.n_ctx = ctx;
          const LayerSums sums = layer_sums(m, w, kv);
          for (size_t i = 0; i < boxes.size(); ++i) {
            const Verdict v = quick_plan(sums, boxes[i].mc).verdict;
            row[i] = verdict_char(v);
            ++counts[static_cast<int>(v)];
          }
        }
        grid.push_back(row);
      }
    }
  }
  json hw_out = json::array();
  for (const auto& b : boxes) hw_out.push_back(b.h->id);
  json model_out = json::array();
  for (const auto* m : models) model_out.push_back(m->id);
  json q_out = json::array();
  for (const auto* f : ftypes) q_out.push_back(std::string(f->name));
  return json{{"ok", true},
              {"command", "sweep"},
              {"models", model_out},
              {"hardware", hw_out},
              {"quants", q_out},
              {"contexts", contexts},
              {"runtime", runtime_name(base.plan.kv.runtime)},
              {"layout",
               "grid[(model * quants + quant) * contexts + context][hardware]: c comfortable, "
               "t tradeoffs, x will not run, - context beyond the model's maximum"},
              {"grid", grid},
              {"cells", grid.size() * boxes.size()},
              {"counts",
               {{"comfortable", counts[0]},
                {"tradeoffs", counts[1]},
                {"will_not_run", counts[2]},
                {"context_too_long", counts[3]}}}};
}

}  // namespace runcheck
