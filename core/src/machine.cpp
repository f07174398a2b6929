// The machine a request describes: devices, budgets, reserves, the Apple and OS policy.
#include "engine_internal.h"
#include "runcheck/request.h"

namespace runcheck::engine {

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

}  // namespace runcheck::engine
