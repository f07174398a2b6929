// Speculative decoding: a draft model (llama-server -md / -hfd), the model's own MTP layers
// (--spec-type draft-mtp) or n-gram lookup (--spec-type ngram-simple) proposes k tokens; the
// target checks them in one batched pass and keeps the accepted prefix plus one token of its own.
//
// Tokens per step, with a per-token acceptance a independent of position (Leviathan et al. 2023,
// arXiv:2211.17192, eq. 1):  E = (1 - a^(k+1)) / (1 - a).
// Time per step: k draft decode steps plus one target pass over k+1 tokens. That pass reads the
// weights once, like one decode step, and computes k+1 tokens, like a small prefill; it takes
// the longer of the two (the memory / compute roofline):  t = k * t_draft + max(t_target,
// (k+1) / prefill_rate).  Speed = E / t.
// Memory (draft): llama-server loads the draft's weights and gives it its own KV cache at the
// target's per-slot context and its own compute buffer (tools/server, common/speculative.cpp);
// all draft layers on the first GPU (-ngld auto). MTP and n-gram memory is not modelled yet.
#include <cmath>

#include "engine_internal.h"
#include "runcheck/estimate.h"
#include "runcheck/memory.h"
#include "runcheck/request.h"

namespace runcheck::engine {

std::optional<Error> read_speculative(const json& req, Inputs& in) {
  FieldReader r(req);
  Inputs::Speculative& s = in.spec;
  s.method = r.string("speculative", "none");
  const std::string draft = r.string("draft_model", "");
  const std::string dq = r.string("draft_quant", "Q8_0");
  s.k = static_cast<uint32_t>(r.integer("draft_max", kDefaultDraftMax, 1, 64));
  if (r.has("acceptance")) s.acceptance = r.number("acceptance", 0.5, 0, 0.99);
  if (r.error()) return *r.error();
  if (s.method != "none" && s.method != "draft" && s.method != "mtp" && s.method != "ngram")
    return make_error(
        "bad_value", "speculative",
        "speculative must be none, draft, mtp or ngram; got '" + safe_echo(s.method) + "'");
  if (s.method == "none") {
    if (!draft.empty())
      return make_error("incompatible", "draft_model",
                        "draft_model needs speculative: draft (it is ignored otherwise)");
    return std::nullopt;
  }
  const Runtime rt = in.plan.kv.runtime;
  if (rt != Runtime::kLlamaCpp && rt != Runtime::kLmStudio)
    return make_error("incompatible", "speculative",
                      std::string("runcheck models llama.cpp's speculative decoding (llama-server, "
                                  "LM Studio); ") +
                          runtime_name(rt) + "'s is not modelled yet");
  if (s.method == "mtp" && in.model->arch.nextn_layers == 0)
    return make_error("incompatible", "speculative",
                      in.model->name +
                          " ships no multi-token-prediction layers (config "
                          "num_nextn_predict_layers is 0 or absent): use a draft model");
  if (s.method == "ngram" && !s.acceptance)
    return make_error("missing_field", "acceptance",
                      "n-gram lookup has no published acceptance in the catalog: give acceptance "
                      "(0-0.99), the share of looked-up tokens your text repeats");
  if (s.method != "draft") return std::nullopt;
  if (draft.empty())
    return make_error("missing_field", "draft_model",
                      "speculative: draft needs draft_model (a catalog id, e.g. llama-3.2-1b)");
  s.draft = builtin_catalog().model(draft);
  if (!s.draft)
    return make_error("unknown_id", "draft_model",
                      "draft_model '" + safe_echo(draft) + "' is not in the catalog");
  s.draft_ftype = file_type_by_name(dq);
  if (!s.draft_ftype)
    return make_error(
        "unknown_id", "draft_quant",
        "draft_quant must be a GGUF file type (e.g. Q8_0); got '" + safe_echo(dq) + "'");
  const int64_t dv = static_cast<int64_t>(s.draft->arch.vocab_size) - in.model->arch.vocab_size;
  if (std::llabs(dv) > kSpecVocabMaxSizeDifference)
    return make_error("incompatible", "draft_model",
                      s.draft->name + "'s vocabulary (" + std::to_string(s.draft->arch.vocab_size) +
                          " tokens) differs from " + in.model->name + "'s (" +
                          std::to_string(in.model->arch.vocab_size) + ") by " +
                          std::to_string(std::llabs(dv)) + " tokens; llama.cpp refuses more than " +
                          std::to_string(kSpecVocabMaxSizeDifference) +
                          ": pick a draft of the same family");
  return std::nullopt;
}

uint64_t draft_bytes(const Inputs& in) {
  if (in.spec.method != "draft" || !in.spec.draft) return 0;
  const ModelArch& d = in.spec.draft->arch;
  const WeightPlan w = memo_quantized_weights(in.spec.draft->id, d, in.spec.draft_ftype->ftype);
  KvOptions o = in.plan.kv;
  o.type_k = o.type_v = GgmlType::F16;  // -ctkd / -ctvd default f16
  uint64_t kv = 0;
  for (uint32_t l = 0; l < d.block_count; ++l) kv += layer_cache_bytes(d, l, o);
  return w.total_bytes + kv + compute_buffer_bytes(d, o, ComputeShape{});
}

json speculative_json(const Inputs& in, const json& speed, std::vector<std::string>& assumptions) {
  const Inputs::Speculative& s = in.spec;
  if (s.method == "none") return nullptr;
  if (!speed.is_object() || !speed["decode_tps"].is_number()) return nullptr;
  const double t_target = 1.0 / speed["decode_tps"].get<double>();
  const double prefill = speed.value("prefill_tps", 0.0);
  // The draft's own decode time per token, from the same engine on the same machine.
  double t_draft = 0;
  json draft_speed = nullptr;
  if (s.method == "draft") {
    json q = {{"command", "estimate"},
              {"model", s.draft->id},
              {"quant", std::string(s.draft_ftype->name)},
              {"context", in.plan.kv.n_ctx},
              {"hardware", in.hardware_ids},
              {"inverse", false},
              {"runtime", runtime_name(in.plan.kv.runtime)}};
    auto e = estimate_json(q);
    if (!e.ok() || !e.value()["speed"].is_object() || !e.value()["speed"]["decode_tps"].is_number())
      return nullptr;
    draft_speed = e.value()["speed"]["decode_tps"];
    t_draft = 1.0 / draft_speed.get<double>();
  } else if (s.method == "mtp") {
    // One MTP layer per drafted token: about one layer of the target's decode time.
    t_draft = t_target / std::max<uint32_t>(in.model->arch.block_count, 1);
  }
  const double k = s.k;
  const double t_verify = std::max(t_target, prefill > 0 ? (k + 1) / prefill : t_target);
  const double step = k * t_draft + t_verify;
  const auto tokens = [&](double a) { return a >= 1 ? k + 1 : (1 - std::pow(a, k + 1)) / (1 - a); };
  double lo = kDraftAcceptanceLow, hi = kDraftAcceptanceHigh;
  if (s.method == "mtp") lo = kMtpAcceptanceLow, hi = kMtpAcceptanceHigh;
  const bool given = s.acceptance.has_value();
  const double a = given ? *s.acceptance : (lo + hi) / 2;
  if (given) lo = hi = a;
  const double low_ratio = speed.value("decode_tps_low", 0.0) * t_target;
  const double high_ratio = speed.value("decode_tps_high", 0.0) * t_target;
  const double tps = tokens(a) / step;
  if (!given)
    assumptions.push_back(std::string("speculative acceptance not given: the band spans the "
                                      "published range for ") +
                          (s.method == "mtp" ? "MTP heads" : "draft models") + " (" +
                          fmt("%.0f", lo * 100) + "-" + fmt("%.0f", hi * 100) +
                          " %), the figure uses its middle; set acceptance for your text");
  if (s.method == "draft")
    assumptions.push_back(
        "draft model: all its layers on the first GPU with an f16 cache at the same context "
        "(-ngld auto, -ctkd f16); the largest-context search keeps its cache at this context");
  if (s.method != "draft")
    assumptions.push_back(
        "speculative memory: the " +
        std::string(s.method == "mtp" ? "MTP layers' weights and cache are" : "n-gram cache is") +
        " not counted yet");
  return {{"method", s.method},
          {"draft_model", s.draft ? json(s.draft->id) : json(nullptr)},
          {"draft_quant", s.draft_ftype ? json(std::string(s.draft_ftype->name)) : json(nullptr)},
          {"draft_decode_tps", draft_speed},
          {"draft_bytes", draft_bytes(in)},
          {"draft_max", s.k},
          {"acceptance", given ? json(a) : json(nullptr)},
          {"acceptance_band", {lo, hi}},
          {"tokens_per_step", tokens(a)},
          {"step_seconds", step},
          {"decode_tps", tps},
          {"decode_tps_low", tokens(lo) / step * (low_ratio > 0 ? low_ratio : 1)},
          {"decode_tps_high", tokens(hi) / step * (high_ratio > 0 ? high_ratio : 1)},
          {"plain_decode_tps", speed["decode_tps"]},
          {"plain_ceiling_tps", speed.value("decode_ceiling_tps", json(nullptr))},
          {"ceiling_tps",
           [&]() -> json {
             // The bandwidth ceiling with the best published acceptance: both models at their
             // ceilings (the draft scaled like the target).
             const double c = speed.value("decode_ceiling_tps", 0.0);
             if (c <= 0) return nullptr;
             const double scale = (1 / c) / t_target;
             return tokens(hi) / (k * t_draft * scale + 1 / c);
           }()},
          {"speedup", tps * t_target}};
}

}  // namespace runcheck::engine
