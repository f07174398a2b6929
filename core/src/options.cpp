// The options command: the enums, ranges, limits and defaults a request may use, read from their
// one definition (runcheck/options.h, constants.h, the catalog's runtimes), so the page, the
// widget and the CLI render from the engine instead of keeping their own copies.
#include "runcheck/options.h"

#include <nlohmann/json.hpp>

#include "estimate.h"
#include "runcheck/catalog.h"
#include "runcheck/constants.h"
#include "runcheck/result.h"

namespace runcheck {

using nlohmann::json;

Result<json> options_json() {
  auto list = [](const auto& values) {
    json a = json::array();
    for (std::string_view v : values) a.push_back(std::string(v));
    return a;
  };
  json runtimes = json::array();
  for (std::string_view id : kRuntimeIds) {
    json r = {{"id", std::string(id)},
              {"name", std::string(id)},
              {"os", nullptr},
              {"formats", json::array()}};
    for (const auto& e : builtin_catalog().runtimes)
      if (e.id == id) {
        r["name"] = e.name;
        r["os"] = e.os.empty() ? json(nullptr) : json(e.os);
        r["formats"] = e.formats;
      }
    runtimes.push_back(r);
  }
  json ranges = json::object();
  for (const FieldRange& g : kRanges)
    ranges[std::string(g.field)] = {{"default", g.dflt}, {"min", g.min}, {"max", g.max}};
  json use_cases = json::array();
  for (const auto& u : builtin_catalog().use_cases)
    use_cases.push_back({{"id", u.id},
                         {"name", u.name},
                         {"benchmark", u.benchmark.empty() ? json(nullptr) : json(u.benchmark)},
                         {"context", u.context},
                         {"min_decode_tps", u.min_decode_tps}});
  json fields = json::array();
  for (auto f : estimate_fields()) fields.push_back(std::string(f));
  return json{
      {"ok", true},
      {"command", "options"},
      {"runtimes", runtimes},
      {"kv_types", list(kKvTypes)},
      {"backends", list(kBackendIds)},
      {"os", list(kOsValues)},
      {"split_modes", list(kSplitModes)},
      {"ranges", ranges},
      {"limits",
       {{"devices", kMaxDevices},
        {"sweep_cells", kMaxSweepCells},
        {"choose_picks_default", kChooseDefaultLimit}}},
      {"defaults",
       {{"quant", std::string(kDefaultQuant)},
        {"runtime", std::string(kDefaultRuntime)},
        {"kv_type", std::string(kDefaultKvType)},
        {"context", kDefaultContext},
        {"ram_gb", kDefaultHostRamGib},
        {"os", nullptr}}},
      {"hardware_spec", "a catalog id, idxN for N identical cards (N from 1 to " +
                            std::to_string(kMaxDevices) + "), or several of those joined by ','"},
      {"estimate_fields", fields},
      {"use_cases", use_cases}};
}

}  // namespace runcheck
