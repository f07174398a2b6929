#include "runcheck/constants.h"

#include "runcheck/placement.h"

namespace runcheck {

const std::vector<NamedConstant>& constants_table() {
  static const std::vector<NamedConstant> table = [] {
    KvOptions fa, nofa;
    nofa.flash_attn = false;
    const double mib = static_cast<double>(kMiB), gib = static_cast<double>(kGiB);
    return std::vector<NamedConstant>{
        {"kGpuContextBytes", kGpuContextBytes / mib, "MiB",
         "CUDA context + cuBLAS workspace per GPU, outside llama.cpp's buffers",
         "llama.cpp PR #20595 (120-550 MB); the logged RTX 4080 F16 OOM needs more than 483 MiB"},
        {"kOllamaReserveCuda", kOllamaReserveCuda / mib, "MiB",
         "Ollama's minimum free memory per CUDA/ROCm GPU", "ollama ml/device.go"},
        {"kOllamaReserveMetal", kOllamaReserveMetal / mib, "MiB",
         "Ollama's minimum free memory on Metal", "ollama ml/device.go"},
        {"kOsRamReserveBytes", kOsRamReserveBytes / gib, "GiB", "system RAM kept for the OS",
         "Windows 11 minimum requirement, 4 GB"},
        {"kDefaultHostRamGib", kDefaultHostRamGib, "GiB",
         "system RAM assumed next to GPUs when none is given",
         "assumption, stated in every response that uses it"},
        {"kAppleSmallCapFraction", kAppleSmallCapFraction, "of RAM",
         "Apple GPU working-set cap up to 36 GiB",
         "measured 5726.63 MB on an 8 GB M1 (XiongjieDai logs)"},
        {"kAppleLargeCapFraction", kAppleLargeCapFraction, "of RAM",
         "Apple GPU working-set cap above 36 GiB", "measured 51539.61 MB on 64 GB M1 Max / M3 Max"},
        {"kAppleLargeCapAboveGib", kAppleLargeCapAboveGib, "GiB",
         "memory size above which the larger Apple cap applies",
         "between the two measured sizes; users' reports"},
        {"kComfortHeadroomBytes", kComfortHeadroomBytes / mib, "MiB",
         "free memory per GPU for a comfortable verdict",
         "llama.cpp --fit default margin (PR #16653)"},
        {"kv_padding_flash_attn", static_cast<double>(kv_padding(fa)), "cells",
         "KV cache size padding with flash attention", "llama.cpp llama_kv_cache::get_padding"},
        {"kv_padding_no_flash_attn", static_cast<double>(kv_padding(nofa)), "cells",
         "KV cache size padding without flash attention", "llama.cpp llama_kv_cache::get_padding"},
        {"kMinUsefulContext", static_cast<double>(kMinUsefulContext), "tokens",
         "smallest context the inverse search reports",
         "assumption: below it no useful prompt fits"},
        {"kMaxDevices", static_cast<double>(kMaxDevices), "devices", "devices per machine at most",
         "8-GPU servers are the largest common box; twice that"},
        {"kDefaultRamBandwidthGBs", kDefaultRamBandwidthGBs, "GB/s",
         "system RAM bandwidth when unknown", "dual-channel DDR4-3200: 2 x 3200 MT/s x 8 B"},
        {"kTensorOverVectorFallback", kTensorOverVectorFallback, "x FP32",
         "tensor FP16 rate when the catalog lacks it", "GeForce whitepaper rows: 3090, 4090, 5090"},
        {"kBandLowQuantile", kBandLowQuantile, "",
         "lower edge of a speed band (quantile of out-of-group measured/predicted)",
         "calibration, catalog/benchmarks.json"},
        {"kBandHighQuantile", kBandHighQuantile, "", "upper edge of a speed band",
         "calibration, catalog/benchmarks.json"},
        {"kEstimatedBandWidening", kEstimatedBandWidening, "x",
         "band widening when a backend has no runs", "assumption"},
        {"kMaxUtilizationQuantile", kMaxUtilizationQuantile, "",
         "quantile of measured bandwidth utilization no estimate may exceed",
         "calibration decode rows"},
        {"kLogMatchTolerancePct", kLogMatchTolerancePct, "%",
         "Troubleshoot: a logged buffer and runcheck's agree within this",
         "printed MiB rounding and tensor alignment (fixtures: byte-exact)"},
        {"kOtherProcessMiB", kOtherProcessMiB, "MiB",
         "Troubleshoot: free memory this far below a card's total is held by something else",
         "idle desktop/driver use, e.g. 263 MiB in llama.cpp#20431"},
        {"kExpertOffloadShare", kExpertOffloadShare, "",
         "Troubleshoot: host share of the weights that means experts were kept in RAM",
         "token embeddings alone: 0.26 % (Qwen3-235B log) to 4.6 % (Pythia-2.8B log)"},
        {"kExpertOffloadHostExcess", kExpertOffloadHostExcess, "x",
         "Troubleshoot: and this many times the host weights runcheck expects without offload",
         "assumption: guards small models whose embeddings alone pass the share"},
        {"kBatchedBandWidening", kBatchedBandWidening, "x",
         "band widening of aggregate decode at K sequences",
         "one published batched-bench table (llama.cpp README)"},
        {"kMlxRequestOverheadS", kMlxRequestOverheadS * 1e3, "ms",
         "MLX time to first token: fixed cost per request",
         "MLX rows of shared/calibration/set_c.csv (5-250 ms for tiny prompts)"},
        {"kOpOffloadMinBatch", kOpOffloadMinBatch, "tokens",
         "batch from which llama.cpp runs system-RAM weights' matmuls on the GPU",
         "ggml-cuda.cu ggml_backend_cuda_device_offload_op (min_batch_size 32)"},
        {"kPcieAssumedGen", kPcieAssumedGen, "", "PCIe generation assumed when unknown",
         "the most common in the catalog's GPUs"},
        {"kPcieAssumedLanes", kPcieAssumedLanes, "lanes", "PCIe lanes assumed when unknown",
         "the most common in the catalog's GPUs"},
        {"kMaterialSpeedGain", kMaterialSpeedGain, "x",
         "decode speed-up from which a suggestion is offered without a verdict change",
         "assumption: less is within a speed band's width"},
    };
  }();
  return table;
}

}  // namespace runcheck
