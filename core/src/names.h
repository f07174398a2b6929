// Printed names -> catalog entries. Runtimes, drivers and people name the same card or the same
// weights in many ways ("NVIDIA A100-SXM4-80GB", "gfx1100", "Apple M2 Max", "llama3.1:8b",
// "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf"); the catalog's aliases, names, ids, HF repos and
// downloads are indexed once, and a lookup returns every entry a name can stand for, narrowed by
// what else the text says (memory size, GPU cores). Used by log reading, the accuracy scorer,
// Detect and the pickers.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runcheck/catalog.h"

namespace runcheck::names {

// Lowercase letters and digits only: "NVIDIA GeForce RTX 4090" -> "nvidiageforcertx4090".
std::string key(std::string_view s);

// What a printed hardware name says besides the name: "RTX 5070 11.94GB" (memory), "Apple M4
// Max 12P+4E+40GPU" or "(38-core GPU)" (GPU cores). Parsed by hardware_by_name when not given.
struct HardwareHints {
  std::optional<double> memory_gib;
  std::optional<int> gpu_cores;
};

struct HardwareMatch {
  std::vector<const HardwareEntry*> candidates;  // every entry the name can stand for
  const HardwareEntry* pick = nullptr;           // the one left after the hints, if one is
  std::string why;  // when no pick: "not in the catalog" or which entries remain and why
};

HardwareMatch hardware_by_name(std::string_view printed, HardwareHints hints = {});

struct ModelMatch {
  std::vector<const ModelEntry*> candidates;
  const ModelEntry* pick = nullptr;
  std::string why;
};

// A model name, HF repo, GGUF file name or stem, Ollama tag or MLX repo.
ModelMatch model_by_name(std::string_view printed);

// The names a model is known by: its own aliases, hf_repo, and its downloads' repos, GGUF file
// stems, Ollama tags and MLX repos (what the pickers search and the lookup indexes).
std::vector<std::string> model_names(const ModelEntry& m);

}  // namespace runcheck::names
