// "Detect my hardware": what the browser exposes (WebGPU adapter info, the platform, the rounded
// deviceMemory) matched to catalog entries by name, the same normalisation Troubleshoot uses for
// a log's device names. Nothing is guessed: when the browser does not say (no WebGPU, an Apple
// GPU without its chip name, a blank description), the answer says so and proposes nothing.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "diagnose_internal.h"
#include "names.h"
#include "runcheck/catalog.h"
#include "runcheck/request.h"
#include "text_format.h"

namespace runcheck {

using nlohmann::json;

namespace {
// Browsers round navigator.deviceMemory down to a power of two and cap it at 8 (GB), so it can
// say a machine has at least that much, never how much (W3C Device Memory, section 2.1).
constexpr double kDeviceMemoryCapGb = 8;
}  // namespace

Result<json> detect_json(const json& req) {
  if (auto e = check_fields(
          req, {"command", "gpu", "vendor", "architecture", "device_memory_gb", "platform"}))
    return *e;
  FieldReader r(req);
  const std::string gpu = r.string("gpu", "");
  const std::string vendor = r.string("vendor", "");
  const std::string arch = r.string("architecture", "");
  const std::string platform = r.string("platform", "");
  const bool memory_given = r.has("device_memory_gb");
  const double memory = r.number("device_memory_gb", 0, 0, 1024);
  if (r.error()) return *r.error();

  const std::string n = diagnosis::norm_name(gpu);
  json candidates = json::array();
  std::string pick;
  const names::HardwareMatch by_name = names::hardware_by_name(gpu);
  if (!by_name.candidates.empty()) {  // a name tools print, through the catalog's aliases
    if (by_name.pick) {
      candidates.push_back({{"id", by_name.pick->id}, {"name", by_name.pick->name}});
      pick = by_name.pick->id;
    } else {
      for (const HardwareEntry* h : by_name.candidates)
        candidates.push_back({{"id", h->id}, {"name", h->name}});
    }
  } else if (!n.empty()) {
    std::vector<const HardwareEntry*> exact, prefix;
    for (const auto& h : builtin_catalog().hardware) {
      const std::string hn = diagnosis::norm_name(h.name);
      if (hn == n)
        exact.push_back(&h);
      else if (hn.size() > n.size() && hn.rfind(n, 0) == 0)
        prefix.push_back(&h);
    }
    const auto& found = exact.empty() ? prefix : exact;
    for (const HardwareEntry* h : found) candidates.push_back({{"id", h->id}, {"name", h->name}});
    if (found.size() == 1) pick = found[0]->id;
  }
  const bool mac = platform.find("mac") != std::string::npos ||
                   platform.find("Mac") != std::string::npos || vendor == "apple";
  std::vector<std::string> said;
  if (!pick.empty()) {
    said.push_back("the browser names its GPU '" + safe_echo(gpu) +
                   "': " + candidates[0]["name"].get<std::string>() + " in the catalog");
  } else if (candidates.size() > 1) {
    said.push_back("the browser names its GPU '" + safe_echo(gpu) + "', sold in " +
                   std::to_string(candidates.size()) +
                   " versions the browser cannot tell apart (memory, GPU cores): pick yours");
  } else if (!n.empty()) {
    said.push_back("the browser names its GPU '" + safe_echo(gpu) +
                   "', which is not in the catalog");
  } else if (mac) {
    said.push_back(
        "a Mac with Apple silicon, but the browser does not say which chip or how many GPU "
        "cores: pick it in the list");
  } else if (!vendor.empty()) {
    said.push_back("the browser says the GPU is made by '" + safe_echo(vendor) + "'" +
                   (arch.empty() ? "" : " (" + safe_echo(arch) + ")") +
                   " but not which model: pick it in the list");
  } else {
    said.push_back(
        "this browser does not expose its GPU (WebGPU unavailable or its adapter details "
        "withheld): pick it in the list");
  }
  if (memory_given)
    said.push_back(memory >= kDeviceMemoryCapGb
                       ? "system RAM: at least " + text::fmt("%g GB", kDeviceMemoryCapGb) +
                             " (browsers never report more), so set your RAM yourself"
                       : "system RAM: about " + text::fmt("%g GB", memory) +
                             " as the browser rounds it");
  return json{{"ok", true},
              {"hardware", pick.empty() ? json(nullptr) : json(pick)},
              {"candidates", candidates},
              {"said", said}};
}

}  // namespace runcheck
