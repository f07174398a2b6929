// The methodology command: the engine's named constants (constants_table) and its speed fits.
#include "engine_internal.h"
#include "estimate.h"

namespace runcheck {

using nlohmann::json;

Result<json> methodology_json() {
  // The constants the engine uses, read from their one definition (constants_table).
  json constants = json::array();
  for (const NamedConstant& c : constants_table())
    constants.push_back({{"name", c.name},
                         {"value", c.value},
                         {"unit", c.unit},
                         {"what", c.what},
                         {"source", c.source}});
  // The speed fits, from the shipped benchmarks.
  json fits = json::array();
  std::set<std::string> groups;
  for (const auto& smp : engine::calibration().samples) groups.insert(smp.group);
  // Fit groups whose decode runs llama.cpp's kernels (llama.cpp, LM Studio, Ollama, llamafile).
  auto llamacpp_kernels = [](const std::string& g) {
    for (const char* r : {"vllm/", "mlx/", "exllamav2/"})
      if (g.rfind(r, 0) == 0) return false;
    return true;
  };
  for (const auto& g : groups) {
    const SpeedFit d = fit_speed(engine::calibration().samples, g, true);
    const SpeedFit p = fit_speed(engine::calibration().samples, g, false);
    fits.push_back(
        {{"group", g},
         {"decode",
          d.ok ? json{{"rows", d.n},
                      {"t0_ms", d.a * 1e3},
                      // extra fixed cost per MoE / recurrent layer (speed.cpp, fit_speed_era;
                      // 0: the group has none of those runs, or they need none)
                      {"moe_layer_ms", d.a_moe * 1e3},
                      {"recurrent_layer_ms", d.a_rec * 1e3},
                      {"unfused_attention_layer_ms", d.a_unfused * 1e3},
                      {"efficiency", 1.0 / d.b},
                      {"per_extra_gpu_ms", d.c * 1e3},
                      // null: no issue bound (speed.h, weights_x)
                      {"issue_bytes_per_sm_cycle",
                       d.issue_beta > 0 ? json(d.issue_beta) : json(nullptr)},
                      {"old_build_factor", d.k_old},
                      // speed.h: decode_per_depth_refetch_s; null where
                      // the runtime's attention is not llama.cpp's
                      {"fa_off_kv_refetch_share", llamacpp_kernels(g) && d.score_configs == 0
                                                      ? json(d.kv_refetch)
                                                      : json(nullptr)},
                      // false: too few such runs, the default 1 is used
                      {"fa_off_kv_refetch_fitted", d.kv_refetch_fitted},
                      // speed.h: SpeedFit::score_ns (Metal without flash
                      // attention); null where no run of the group has it
                      {"fa_off_score_ns", d.score_configs > 0 ? json(d.score_ns) : json(nullptr)},
                      {"fa_off_score_configs", d.score_configs}}
               : json(nullptr)},
         {"prefill", p.ok ? json{{"rows", p.n},
                                 {"overhead_us", p.a * 1e6},
                                 {"matmul_efficiency", 1.0 / p.b},
                                 {"attention_factor", p.c},
                                 // speed.h: SpeedFit::moe_t0 (0: too few MoE runs)
                                 {"moe_expert_tokens", p.moe_t0}}
                          : json(nullptr)}});
  }
  return json{
      {"ok", true}, {"command", "methodology"}, {"constants", constants}, {"speed_fits", fits}};
}

}  // namespace runcheck
