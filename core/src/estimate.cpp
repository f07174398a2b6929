// The estimate: read the request, build the machine, place the weights, answer speed, commands
// and advice. Each step lives in its own file (engine_internal.h); the JSON edge is
// estimate_json (reader: inputs.cpp, writer: estimate_writer.cpp).
#include "estimate.h"

#include "engine_internal.h"
#include "runcheck/request.h"
#include "user_models.h"

namespace runcheck {

using namespace engine;

namespace engine {

Estimate run_estimate(const Inputs& in) {
  Estimate out;
  out.assumptions = in.assumptions;
  Machine mc = build_machine(in, out.assumptions);
  // Memory kept beside the model's own: on an accelerator it is part of what the device holds;
  // in system RAM it leaves less for the model (the host's budget).
  const auto charge = [&](Device* gpu, uint64_t bytes, uint64_t Device::*part) {
    if (gpu) {
      gpu->overhead_bytes += bytes;
      gpu->*part += bytes;
    } else
      mc.host.budget_bytes -= std::min(mc.host.budget_bytes, bytes);
  };
  // A draft model lives next to the target on the first accelerator (or in RAM without one);
  // on vLLM it is split over the tensor-parallel GPUs like the target.
  if (const uint64_t d = draft_bytes(in); d > 0) {
    if (in.spec.draft_format && !mc.gpus.empty())
      for (auto& g : mc.gpus) charge(&g, d / mc.gpus.size(), &Device::speculative_bytes);
    else
      charge(mc.gpus.empty() ? nullptr : &mc.gpus[0], d, &Device::speculative_bytes);
  }
  const ModelArch& m = in.model->arch;
  out.weights = weights_for(in, in.ftype, in.format);
  // MTP blocks go with the last layers, on the last accelerator (or in RAM without one).
  if (const uint64_t t = mtp_bytes(in, out.weights); t > 0)
    charge(mc.gpus.empty() ? nullptr : &mc.gpus.back(), t, &Device::speculative_bytes);
  // The vision tower (mmproj weights and the encoder's buffer) on the first GPU, or in RAM.
  out.vision = vision_cost(in, mc);
  if (out.vision.on && m.audio_encoder && m.audio_layers == 0)
    out.assumptions.push_back(
        "vision: the mmproj file llama.cpp's converter writes for " + in.model->name +
        " also holds its audio encoder, which runcheck does not size - the vision tower's "
        "figure is a lower bound for that file");
  else if (out.vision.on && m.audio_layers > 0)
    out.assumptions.push_back(
        "vision: the mmproj file also holds " + in.model->name +
        "'s audio encoder, loaded with it: its weights are counted in the mmproj figure; the "
        "audio encoder's own warmup buffer is not");
  if (out.vision.on)
    charge(in.vis.offload && !mc.gpus.empty() ? &mc.gpus[0] : nullptr,
           out.vision.weights_bytes + out.vision.compute_bytes, &Device::vision_bytes);
  out.plan = make_plan(m, out.weights, mc, in.plan);

  out.model_id = in.model->id;
  out.model_name = in.model->name;
  out.quant = in.quant;
  out.context = in.plan.kv.n_ctx;
  out.runtime = runtime_name(in.plan.kv.runtime);
  out.kv_type = in.kv_type;
  out.flash_attn = in.plan.kv.flash_attn;
  out.parallel = in.plan.kv.n_seq;
  out.hardware_ids = in.hardware_ids;
  out.os = in.os;
  out.ram_gb = static_cast<double>(mc.host.memory_bytes) / kGiB;
  out.speculative_method = in.spec.method;
  out.parameters = out.weights.parameters;
  out.active_parameters = memo_active_parameters(in.model->id, m);
  out.block_count = m.block_count;
  out.context_length = m.context_length;

  out.speed = speed_estimate(in, mc, out.plan, out.assumptions);
  if (const uint64_t ob = pooled_output_buffer_bytes(m, in.plan.kv); ob > 0)
    out.assumptions.push_back(
        "system RAM: the host compute figure includes llama.cpp's output buffer for " +
        std::string(in.model->kind == "reranker" ? "reranking" : "embedding") + ", " +
        fmt("%.2f", static_cast<double>(ob) / kGiB) +
        " GiB: every token of a batch is an output and it reserves n_vocab + n_embd floats for "
        "each (read in llama.cpp's code, not measured)");
  if ((in.model->kind == "embedding" || in.model->kind == "reranker") && out.speed.decode_tps) {
    // An embedding model returns one vector per input, a reranker one score per document: no
    // token is generated, decode has no meaning, throughput is the prefill rate.
    SpeedEstimate& s = out.speed;
    out.assumptions.erase(
        std::remove_if(out.assumptions.begin(), out.assumptions.end(),
                       [](const std::string& a) { return a.rfind("decode band", 0) == 0; }),
        out.assumptions.end());
    s.decode_tps.reset();
    s.decode_tps_low.reset();
    s.decode_tps_high.reset();
    s.decode_ceiling_tps.reset();
    s.decode_by_context.clear();
    s.why_null = in.model->kind == "reranker"
                     ? "a reranker scores documents and generates no tokens: its throughput is "
                       "the prefill rate"
                     : "an embedding model generates no tokens: its throughput is the prefill "
                       "rate";
  }
  if (in.spec.method != "none") {
    out.speed.speculative_requested = true;
    out.speed.speculative = speculative_speed(in, out.speed, out.assumptions);
  }
  out.commands = launch_commands(in, out.plan, mc, out.weights, out.commands_notes, out.downloads);
  out.inverse = in.inverse;
  if (in.inverse) add_advice(in, mc, out.plan, out.weights, out);
  return out;
}

}  // namespace engine

const std::vector<std::string_view>& estimate_fields() { return estimate_fields_list(); }

void reset_engine_state() {
  clear_user_models();
  clear_weights_memo();
  clear_ratio_memo();
  clear_fit_memo();
}

Result<Estimate> estimate(const EstimateRequest& request) {
  auto in = read_inputs(request);
  if (!in.ok()) return in.error();
  return run_estimate(in.value());
}

Result<EstimateRequest> read_estimate_request(const json& req) { return read_request(req); }
json estimate_response(const Estimate& e) { return estimate_to_json(e); }
std::optional<Error> check_estimate_workload(const EstimateRequest& r) { return check_workload(r); }
json speed_response(const SpeedEstimate& s) { return speed_to_json(s); }

Result<json> estimate_json(const json& req) {
  if (auto e = check_fields(req, estimate_fields())) return *e;
  auto q = read_request(req);
  if (!q.ok()) return q.error();
  auto e = estimate(q.value());
  if (!e.ok()) return e.error();
  return estimate_to_json(e.value());
}

}  // namespace runcheck
