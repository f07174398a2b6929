// The estimate's JSON writer: the only place the response's field names live. Typed Estimate
// (runcheck/engine.h) in, the response object out; optional values become null, and a part the
// engine did not compute is left out exactly as the response format says.
#include "engine_internal.h"

namespace runcheck::engine {

namespace {

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json speculative_to_json(const SpeculativeSpeed& s) {
  return {{"method", s.method},
          {"draft_model", s.draft_model ? json(*s.draft_model) : json(nullptr)},
          {"draft_quant", s.draft_quant ? json(*s.draft_quant) : json(nullptr)},
          {"draft_decode_tps", opt(s.draft_decode_tps)},
          {"draft_bytes", s.draft_bytes},
          {"draft_max", s.draft_max},
          {"acceptance", opt(s.acceptance)},
          {"acceptance_band", {s.acceptance_low, s.acceptance_high}},
          {"acceptance_task", s.task ? json(*s.task) : json(nullptr)},
          {"tokens_per_step", s.tokens_per_step},
          {"step_seconds", s.step_seconds},
          {"decode_tps", s.decode_tps},
          {"decode_tps_low", s.decode_tps_low},
          {"decode_tps_high", s.decode_tps_high},
          {"plain_decode_tps", s.plain_decode_tps},
          {"plain_ceiling_tps", opt(s.plain_ceiling_tps)},
          {"ceiling_tps", opt(s.ceiling_tps)},
          {"speedup", s.speedup}};
}

json change_to_json(const RequestChange& c) {
  json j = json::object();
  if (c.kv_type) j["kv_type"] = *c.kv_type;
  if (c.flash_attn) j["flash_attn"] = *c.flash_attn;
  if (c.context) j["context"] = *c.context;
  if (c.quant) j["quant"] = *c.quant;
  if (c.gpu_layers) j["gpu_layers"] = *c.gpu_layers;
  if (c.n_cpu_moe) j["n_cpu_moe"] = *c.n_cpu_moe;
  if (c.clears_n_cpu_moe) j["n_cpu_moe"] = nullptr;
  if (c.wired_limit_mb) j["wired_limit_mb"] = *c.wired_limit_mb;
  return j;
}

}  // namespace

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
         {"over_bytes", u.used_bytes > u.budget_bytes ? u.used_bytes - u.budget_bytes : 0},
         {"weights_bytes", u.weights_bytes},
         {"kv_bytes", u.kv_bytes},
         {"compute_bytes", u.compute_bytes},
         {"op_offload_bytes", u.op_offload_bytes},
         {"overhead_bytes", u.overhead_bytes},
         {"speculative_bytes", u.speculative_bytes},
         {"vision_bytes", u.vision_bytes},
         // The rest of overhead_bytes: the runtime's own context and reserves.
         {"runtime_bytes",
          u.overhead_bytes - std::min(u.overhead_bytes, u.speculative_bytes + u.vision_bytes)},
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

json speed_to_json(const SpeedEstimate& s) {
  const bool decode = s.decode_tps.has_value();
  json measured = json::array();
  for (const auto& m : s.measured) {
    const std::string metric = m.decode ? "tg" : "pp";
    json row = {{"metric", metric},
                {"tokens", m.tokens},
                {"value_tps", m.value_tps},
                {"test", metric + std::to_string(m.tokens) +
                             (m.depth ? " @ d" + std::to_string(m.depth) : "")},
                {"depth", m.depth},
                {"settings", m.settings},
                {"source", m.source}};
    if (decode) row["estimate_at_run_length_tps"] = opt(m.estimate_at_run_length_tps);
    measured.push_back(std::move(row));
  }
  json out = {{"backend", s.backend},
              {"evidence", s.evidence.empty() ? json(nullptr) : json(s.evidence)},
              {"fit_group", s.fit_group},
              {"build_era", s.build_era.empty() ? json(nullptr) : json(s.build_era)},
              {"measured", measured},
              {"scaled_by_hardware_measurements", s.scaled_by_hardware_measurements},
              {"depth", s.depth},
              {"prompt_tokens", s.prompt_tokens},
              {"decode_tps", opt(s.decode_tps)},
              {"decode_tps_low", opt(s.decode_tps_low)},
              {"decode_tps_high", opt(s.decode_tps_high)},
              {"decode_ceiling_tps", opt(s.decode_ceiling_tps)},
              {"prefill_tps", opt(s.prefill_tps)},
              {"prefill_tps_low", opt(s.prefill_tps_low)},
              {"prefill_tps_high", opt(s.prefill_tps_high)},
              {"prefill_ceiling_tps", opt(s.prefill_ceiling_tps)},
              {"ttft_seconds", opt(s.ttft_seconds)}};
  json by = json::array();
  for (const auto& d : s.decode_by_context)
    by.push_back({{"depth", d.depth}, {"tps", d.tps}, {"low", d.low}, {"high", d.high}});
  out["decode_by_context"] = by;
  if (!decode) {
    out["why_null"] = s.why_null;
  } else {
    out["system_ram_bandwidth_gb_s"] = opt(s.system_ram_bandwidth_gb_s);
    out["decode_share_in_system_ram"] = opt(s.decode_share_in_system_ram);
    if (!s.measured.empty()) out["measured_note"] = s.measured_note;
    out["measured_decode_ratio"] = opt(s.measured_decode_ratio);
    out["measured_decode_ratio_low"] = opt(s.measured_decode_ratio_low);
    out["measured_decode_ratio_high"] = opt(s.measured_decode_ratio_high);
    if (s.prefill_tps) {
      out["prefill_fit_group"] = s.prefill_fit_group;
      out["prefill_evidence"] = s.prefill_evidence;
      if (s.prefill_offload_seconds) out["prefill_offload_seconds"] = *s.prefill_offload_seconds;
      if (s.ttft_seconds_low) out["ttft_seconds_low"] = *s.ttft_seconds_low;
      if (s.ttft_seconds_high) out["ttft_seconds_high"] = *s.ttft_seconds_high;
      if (s.aggregate) {
        out["aggregate_decode_tps"] = s.aggregate->tps;
        out["aggregate_decode_tps_low"] = s.aggregate->low;
        out["aggregate_decode_tps_high"] = s.aggregate->high;
        out["aggregate_speedup"] = s.aggregate->speedup;
        out["aggregate_evidence"] = "estimated";
        out["aggregate_source"] = s.aggregate->source;
        out["aggregate_ttft_mean_seconds"] = s.aggregate->ttft_mean_s;
        out["aggregate_ttft_last_seconds"] = s.aggregate->ttft_last_s;
        out["aggregate_ttft_last_seconds_low"] = s.aggregate->ttft_last_low_s;
        out["aggregate_ttft_last_seconds_high"] = s.aggregate->ttft_last_high_s;
      }
    } else {
      out["why_prefill_null"] = s.why_prefill_null;
    }
  }
  if (s.speculative_requested)
    out["speculative"] = s.speculative ? speculative_to_json(*s.speculative) : json(nullptr);
  return out;
}

json estimate_to_json(const Estimate& e) {
  json request = {
      {"model", e.model_id},    {"quant", e.quant},           {"context", e.context},
      {"runtime", e.runtime},   {"kv_type", e.kv_type},       {"flash_attn", e.flash_attn},
      {"parallel", e.parallel}, {"hardware", e.hardware_ids}, {"os", e.os},
      {"ram_gb", e.ram_gb}};
  if (e.speculative_method != "none") request["speculative"] = e.speculative_method;
  json out = {{"ok", true},
              {"request", request},
              {"model",
               {{"id", e.model_id},
                {"name", e.model_name},
                {"parameters", e.parameters},
                {"active_parameters", e.active_parameters},
                {"block_count", e.block_count},
                {"context_length", e.context_length}}}};
  out["memory"] = plan_json(e.plan, e.weights);
  out["placement"] = {{"gpu_layers", e.plan.gpu_layers},
                      {"total_layers", e.plan.total_layers},
                      {"cpu_layers", e.plan.total_layers - e.plan.gpu_layers},
                      {"n_cpu_moe", e.plan.n_cpu_moe},
                      {"tensor_parallel", e.plan.tensor_parallel}};
  out["verdict"] = verdict_name(e.plan.verdict);
  out["reasons"] = e.plan.reasons;
  out["speed"] = speed_to_json(e.speed);
  out["assumptions"] = e.assumptions;
  json commands = json::object();
  for (const auto& [k, v] : e.commands) commands[k] = v;
  out["commands"] = commands;
  out["commands_notes"] = e.commands_notes;
  json downloads = json::array();
  for (const auto& d : e.downloads)
    downloads.push_back({{"runtime", d.runtime},
                         {"name", d.name},
                         {"quant", d.quant},
                         {"variant", d.variant},
                         {"source", d.source}});
  out["downloads"] = downloads;
  // The vision tower, for a model that has one: counted (vision on) or said to be left out.
  if (e.vision.has_tower) {
    const VisionCost& v = e.vision;
    out["vision"] = {{"on", v.on},
                     {"projector", v.projector},
                     {"mmproj_type", v.mmproj_type},
                     {"mmproj_bytes", v.weights_bytes},
                     {"encoder_compute_bytes", v.compute_bytes},
                     {"warmup_patches", v.patches},
                     {"flash_attn", v.flash_attn},
                     {"device", v.device},
                     {"note", v.on ? "the mmproj weights and the image encoder's buffer (sized for "
                                     "llama.cpp's warmup image) are counted on " +
                                         v.device
                                   : "the vision tower is not loaded: the commands say "
                                     "--no-mmproj; ask with vision: true to count it"}};
  }
  if (!e.inverse) {  // the caller wanted the verdict alone
    out["max_context"] = out["best_quant"] = out["smallest_hardware"] = nullptr;
    out["suggestions"] = json::array();
    return out;
  }
  auto opt_u = [](const std::optional<uint32_t>& v) { return v ? json(*v) : json(nullptr); };
  auto opt_s = [](const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); };
  out["max_context"] = {{"comfortable", opt_u(e.max_context_comfortable)},
                        {"fits", opt_u(e.max_context_fits)}};
  out["best_quant"] = {{"comfortable", opt_s(e.best_quant_comfortable)},
                       {"fits", opt_s(e.best_quant_fits)}};
  json suggestions = json::array();
  for (const auto& s : e.suggestions)
    suggestions.push_back({{"change", change_to_json(s.change)},
                           {"text", s.text},
                           {"verdict", verdict_name(s.verdict)},
                           {"decode_tps", opt(s.decode_tps)},
                           {"speedup", opt(s.speedup)}});
  out["suggestions"] = suggestions;
  if (e.quant_contexts_requested) {
    json qc = json::array();
    for (const auto& c : e.quant_contexts)
      qc.push_back(
          {{"quant", c.quant}, {"comfortable", opt_u(c.comfortable)}, {"fits", opt_u(c.fits)}});
    out["quant_contexts"] = qc;
  }
  if (const auto& h = e.smallest_hardware)
    out["smallest_hardware"] = {{"id", h->id},
                                {"name", h->name},
                                {"memory_gib", h->memory_gib},
                                {"segment", h->segment},
                                {"release_date", h->release_date},
                                {"measured_runs", h->measured_runs},
                                {"note", h->note}};
  else
    out["smallest_hardware"] = nullptr;
  return out;
}

}  // namespace runcheck::engine
