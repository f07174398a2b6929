// The estimate: read the request, build the machine, place the weights, answer speed, commands
// and advice, write the response. Each step lives in its own file (engine_internal.h).
#include "runcheck/estimate.h"

#include "engine_internal.h"
#include "runcheck/request.h"

namespace runcheck {

using namespace engine;

namespace {

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

}  // namespace

const std::vector<std::string_view>& estimate_fields() { return estimate_fields_list(); }

Result<json> estimate_json(const json& req) {
  if (auto e = check_fields(req, estimate_fields())) return *e;
  auto parsed = read_inputs(req);
  if (!parsed.ok()) return parsed.error();
  Inputs in = std::move(parsed).value();
  std::vector<std::string> assumptions = in.assumptions;
  Machine mc = build_machine(in, assumptions);
  // A draft model lives next to the target on the first accelerator (or in RAM without one).
  if (const uint64_t d = draft_bytes(in); d > 0)
    (mc.gpus.empty() ? mc.host : mc.gpus[0]).overhead_bytes += d;
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
  if (in.spec.method != "none") {
    out["speed"]["speculative"] = speculative_json(in, out["speed"], assumptions);
    out["request"]["speculative"] = in.spec.method;
  }
  out["assumptions"] = assumptions;

  std::vector<std::string> command_notes;
  json downloads = json::array();
  out["commands"] = commands_json(in, plan, mc, w, command_notes, downloads);
  out["commands_notes"] = command_notes;
  out["downloads"] = downloads;
  if (!in.inverse) {  // the caller wants the verdict alone
    out["max_context"] = out["best_quant"] = out["smallest_hardware"] = nullptr;
    out["suggestions"] = json::array();
    return out;
  }
  add_advice(in, mc, plan, w, out);
  return out;
}

}  // namespace runcheck
