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
// all draft layers on the first GPU (-ngld auto). On vLLM the draft is a repository in one of
// its formats whose layers join the model's KV pool (draft_bytes). n-gram memory is not counted.
#include <algorithm>
#include <cmath>
#include <iterator>

#include "arch_traits.h"
#include "engine_internal.h"
#include "estimate.h"
#include "runcheck/memory.h"
#include "runcheck/request.h"
#include "user_models.h"

namespace runcheck::engine {

std::optional<Error> read_speculative(const EstimateRequest& q, Inputs& in) {
  Inputs::Speculative& s = in.spec;
  s.method = q.speculative.value_or("none");
  const std::string draft = q.draft_model.value_or("");
  const bool vllm = in.plan.kv.runtime == Runtime::kVllm;
  // A draft the user brought (a GGUF header or a config.json, "user:<name>") drafts like a
  // catalog model; a GGUF's own tensors and file type stand for it on llama.cpp.
  const UserModel* own =
      draft.empty() || builtin_catalog().model(draft) ? nullptr : user_model(draft);
  const bool own_gguf = own && own->weights && !vllm;
  // llama.cpp drafts are GGUF files (Q8_0 by default; an EAGLE-3 head converted to F16, the
  // converter's type for its BF16/F16 checkpoint); a vLLM draft is a repository in one of vLLM's
  // formats (BF16 by default, as published).
  const std::string dq = q.draft_quant.value_or(own_gguf && !own->file_type.empty() ? own->file_type
                                                : s.method == "eagle3" && !vllm     ? "F16"
                                                : vllm ? "BF16-safetensors"
                                                       : "Q8_0");
  if (auto e = check_integer("draft_max", q.draft_max.value_or(kDefaultDraftMax), 1, 64)) return e;
  s.k = static_cast<uint32_t>(q.draft_max.value_or(kDefaultDraftMax));
  if (q.acceptance) {
    if (auto e = check_number("acceptance", *q.acceptance, 0, 0.99)) return e;
    s.acceptance = *q.acceptance;
  }
  s.task = q.task.value_or("");
  if (!s.task.empty() && s.task != "chat" && s.task != "code" && s.task != "math" &&
      s.task != "summarization")
    return make_error(
        "bad_value", "task",
        "task must be chat, code, math or summarization; got '" + safe_echo(s.task) + "'");
  if (s.method != "none" && s.method != "draft" && s.method != "mtp" && s.method != "ngram" &&
      s.method != "eagle3")
    return make_error(
        "bad_value", "speculative",
        "speculative must be none, draft, mtp, eagle3 or ngram; got '" + safe_echo(s.method) + "'");
  if (s.method == "none") {
    if (!draft.empty())
      return make_error("incompatible", "draft_model",
                        "draft_model needs speculative: draft (it is ignored otherwise)");
    return std::nullopt;
  }
  const Runtime rt = in.plan.kv.runtime;
  // vLLM (--speculative-config): its draft_model, MTP and n-gram methods.
  if (rt != Runtime::kLlamaCpp && rt != Runtime::kLmStudio && !vllm)
    return make_error("incompatible", "speculative",
                      std::string("runcheck models llama.cpp's speculative decoding (llama-server, "
                                  "LM Studio) and vLLM's draft-model, MTP and n-gram methods; ") +
                          runtime_name(rt) + "'s is not modelled yet");
  // EAGLE-3 heads: vLLM's method "eagle3" (llama_eagle3.py) and llama-server's --spec-type
  // draft-eagle3 (src/models/eagle3.cpp at 3f545be: the same tensors in a GGUF of the head's own);
  // LM Studio does not offer it.
  if (s.method == "eagle3" && rt == Runtime::kLmStudio)
    return make_error("incompatible", "speculative",
                      "EAGLE-3 heads run in llama-server (--spec-type draft-eagle3) and vLLM; LM "
                      "Studio offers draft models only");
  if (s.method == "mtp" && in.model->arch.nextn_layers == 0)
    return make_error("incompatible", "speculative",
                      in.model->name +
                          " ships no multi-token-prediction layers (config "
                          "num_nextn_predict_layers is 0 or absent): use a draft model");
  // vLLM's "mtp" method reads the checkpoint's own MTP layers (vllm/config/speculative.py).
  if (s.method == "mtp" && !vllm) {
    // The llama.cpp loaders that load the nextn blocks for --spec-type draft-mtp (load_mtp, read
    // at 3f545be: src/models/deepseek2, deepseek32, glm-dsa, qwen3next, qwen35, qwen35moe,
    // nemotron-h); glm4moe and exaone4 keep them in the file but always skip them.
    const std::string& a = in.model->arch.arch;
    if (a == "deepseek4")  // conversion/deepseek.py drops the block; --mtp writes its own file
      return make_error("incompatible", "speculative",
                        in.model->name +
                            "'s MTP block is converted to a GGUF of its own (convert --mtp), "
                            "which llama.cpp loads for --spec-type draft-mtp with its own cache; "
                            "runcheck does not model that file yet: use a draft model or n-gram "
                            "lookup");
    if (!arch_traits(a).loads_mtp)
      return make_error("incompatible", "speculative",
                        in.model->name + " ships MTP layers, but llama.cpp's '" + a +
                            "' loader skips them (no --spec-type draft-mtp for it): use a draft "
                            "model or n-gram lookup");
  }
  if (s.method == "ngram" && !s.acceptance)
    return make_error("missing_field", "acceptance",
                      "n-gram lookup has no published acceptance in the catalog: give acceptance "
                      "(0-0.99), the share of looked-up tokens your text repeats");
  if (s.method != "draft" && s.method != "eagle3") return std::nullopt;
  const bool eagle = s.method == "eagle3";
  if (draft.empty())
    return make_error("missing_field", "draft_model",
                      eagle
                          ? "speculative: eagle3 needs draft_model (an EAGLE-3 head's catalog id, "
                            "e.g. eagle3-llama-3.1-8b)"
                          : "speculative: draft needs draft_model (a catalog id, e.g. "
                            "llama-3.2-1b)");
  s.draft = own ? &own->entry : builtin_catalog().model(draft);
  if (!s.draft)
    return make_error("unknown_id", "draft_model",
                      "draft_model '" + safe_echo(draft) +
                          "' is neither in the catalog nor a model file you brought");
  if (own_gguf) {
    if (q.draft_quant && !own->file_type.empty() && *q.draft_quant != own->file_type)
      return make_error("incompatible", "draft_quant",
                        "draft_quant '" + safe_echo(*q.draft_quant) +
                            "' is not your draft file's type (" + own->file_type +
                            "): a GGUF draft is used as it is");
    s.draft_weights = &*own->weights;
    s.draft_file = own->file_name;
  }
  if (eagle != (s.draft->draft_only()))
    return make_error("incompatible", "draft_model",
                      eagle ? s.draft->name +
                                  " is not an EAGLE-3 head: use speculative draft "
                                  "for a draft model"
                            : s.draft->name + " is an EAGLE-3 head: use speculative eagle3");
  if (eagle) {
    // The head's fc reads three of the target's hidden states and its d2t maps its tokens into
    // the target's vocabulary: a head trained for another model does not load.
    const ModelArch& h = s.draft->arch;
    const uint32_t reads = h.eagle_target_hidden ? h.eagle_target_hidden : h.embedding_length;
    if (reads != in.model->arch.embedding_length || h.vocab_size != in.model->arch.vocab_size)
      return make_error("incompatible", "draft_model",
                        s.draft->name + " was trained for a model with hidden size " +
                            std::to_string(reads) + " and a " + std::to_string(h.vocab_size) +
                            "-token vocabulary; " + in.model->name + " has " +
                            std::to_string(in.model->arch.embedding_length) + " and " +
                            std::to_string(in.model->arch.vocab_size) +
                            ": pick the head published for this model");
  }
  if (vllm) {
    // vLLM loads the draft as a model of its own formats, with the target's tensor parallelism
    // unless told otherwise, and insists on the same vocabulary size
    // (vllm/config/speculative.py at 28be48f: _verify_and_get_draft_tp,
    // verify_equal_vocab_size_if_draft_model).
    s.draft_format = builtin_catalog().quant(dq);
    if (!s.draft_format || s.draft_format->kind == "gguf")  // "BF16" names the repository's
      s.draft_format = builtin_catalog().quant(dq + "-safetensors");
    if (!s.draft_format || s.draft_format->kind == "gguf" || !s.draft_format->bits_per_weight ||
        std::find(s.draft_format->runtimes.begin(), s.draft_format->runtimes.end(), "vllm") ==
            s.draft_format->runtimes.end())
      return make_error(
          "unknown_id", "draft_quant",
          "draft_quant on vLLM must be a format vLLM loads (e.g. BF16-safetensors, FP8, "
          "AWQ-4bit); got '" +
              safe_echo(dq) + "'");
    if (s.draft->arch.vocab_size != in.model->arch.vocab_size)
      return make_error("incompatible", "draft_model",
                        s.draft->name + "'s vocabulary (" +
                            std::to_string(s.draft->arch.vocab_size) + " tokens) is not " +
                            in.model->name + "'s (" + std::to_string(in.model->arch.vocab_size) +
                            "); vLLM requires the same vocabulary size for a draft model");
    return std::nullopt;
  }
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

// MTP (llama.cpp --spec-type draft-mtp, read at 3f545be: models/*.cpp load the nextn blocks only
// when load_mtp is set; llama-model.cpp gives the MTP context its own KV cache holding only the
// nextn layers, at the same per-sequence context and sequence count). Each nextn block is taken
// as one trunk attention block (the last one) plus its eh_proj (2 n_embd x n_embd) at the file's
// mean bits per weight, and caches like that block. The MTP context reserves its own compute
// buffer, sized like a full context's: it computes the logits of a ubatch (a Qwen3.5-4B MTP
// context at n_ubatch 512 printed "compute buffer size = 490.00 MiB", 248,320 x 512 x 4 B of
// logits plus one 2,560-wide activation row; llama.cpp PR #22673). The nextn block's weights
// stay an estimate: no MTP load log with its model buffer has been found.
uint64_t mtp_bytes(const Inputs& in, const WeightPlan& w) {
  const ModelArch& m = in.model->arch;
  if (in.spec.method != "mtp" || m.nextn_layers == 0 || w.layer_bytes.empty() || !w.parameters)
    return 0;
  const uint32_t trunk = m.block_count - std::min(m.skipped_tail_layers, m.block_count);
  uint32_t last = trunk - 1;  // the last attention block stands for the nextn block
  for (uint32_t l = trunk; l-- > 0;)
    if (l < m.layers.size() && (m.layers[l] == LayerKind::kFullAttention)) {
      last = l;
      break;
    }
  const double mean_bits =
      static_cast<double>(w.total_bytes) * 8 / static_cast<double>(w.parameters);
  const double eh_proj = 2.0 * m.embedding_length * m.embedding_length * mean_bits / 8;
  KvOptions o = in.plan.kv;
  const uint64_t per_block = w.layer_bytes[std::min<size_t>(last, w.layer_bytes.size() - 1)] +
                             static_cast<uint64_t>(eh_proj) + kv_layer_bytes(m, last, o);
  return per_block * m.nextn_layers + compute_buffer_bytes(m, o, ComputeShape{true, false});
}

uint64_t draft_bytes(const Inputs& in) {
  if ((in.spec.method != "draft" && in.spec.method != "eagle3") || !in.spec.draft) return 0;
  const ModelArch& d = in.spec.draft->arch;
  if (in.spec.draft_format) {
    // vLLM: the draft's weights, and its attention layers' KV for max_model_len in the same KV
    // pool as the target's (gpu_model_runner get_kv_cache_spec takes every attention layer of
    // the config, the drafter's included), at the same cache dtype. Its profile-run activations
    // are smaller than the target's and are not added.
    const WeightPlan w =
        memo_format_weights(in.spec.draft->id, d, *in.spec.draft_format->bits_per_weight, false);
    uint64_t kv = 0;
    for (uint32_t l = 0; l < d.block_count; ++l) kv += layer_cache_bytes(d, l, in.plan.kv);
    return w.total_bytes + kv;
  }
  const WeightPlan w = in.spec.draft_weights ? *in.spec.draft_weights
                                             : memo_quantized_weights(in.spec.draft->id, d,
                                                                      in.spec.draft_ftype->ftype);
  KvOptions o = in.plan.kv;
  o.type_k = o.type_v = GgmlType::F16;  // -ctkd / -ctvd default f16
  uint64_t kv = 0;
  for (uint32_t l = 0; l < d.block_count; ++l) kv += layer_cache_bytes(d, l, o);
  // An EAGLE-3 head's context computes logits over its own (draft) vocabulary.
  ModelArch shape = d;
  if (d.eagle_draft_vocab) shape.vocab_size = d.eagle_draft_vocab;
  return w.total_bytes + kv + compute_buffer_bytes(shape, o, ComputeShape{});
}

// The published per-token acceptance band of a method on a task (constants.h), if any.
static std::optional<std::pair<double, double>> task_acceptance(const std::string& method,
                                                                const std::string& task) {
  struct Row {
    const char* method;
    const char* task;
    double lo, hi;
  };
  static constexpr Row kRows[] = {
      {"mtp", "code", kMtpCodeLow, kMtpCodeHigh},
      {"mtp", "chat", kMtpChatLow, kMtpChatHigh},
      {"mtp", "math", kMtpMathLow, kMtpMathHigh},
      {"mtp", "summarization", kMtpSummarizeLow, kMtpSummarizeHigh},
      {"eagle3", "code", kEagle3CodeLow, kEagle3CodeHigh},
      {"eagle3", "chat", kEagle3ChatLow, kEagle3ChatHigh},
      {"eagle3", "math", kEagle3MathLow, kEagle3MathHigh},
      {"eagle3", "summarization", kEagle3SummarizeLow, kEagle3SummarizeHigh},
  };
  for (const Row& r : kRows)
    if (method == r.method && task == r.task) return std::make_pair(r.lo, r.hi);
  return std::nullopt;
}

std::optional<SpeculativeSpeed> speculative_speed(const Inputs& in, const SpeedEstimate& speed,
                                                  std::vector<std::string>& assumptions) {
  const Inputs::Speculative& s = in.spec;
  if (s.method == "none" || !speed.decode_tps) return std::nullopt;
  const double t_target = 1.0 / *speed.decode_tps;
  const double prefill = speed.prefill_tps.value_or(0.0);
  SpeculativeSpeed out;
  // The draft's own decode time per token, from the same engine on the same machine.
  double t_draft = 0;
  if (s.method == "draft") {
    EstimateRequest q;
    q.model = s.draft->id;
    q.quant = s.draft_format ? s.draft_format->id : std::string(s.draft_ftype->name);
    q.context = in.plan.kv.n_ctx;
    q.hardware = in.hardware_ids;
    q.inverse = false;
    q.runtime = runtime_name(in.plan.kv.runtime);
    auto e = estimate(q);
    if (!e.ok() || !e.value().speed.decode_tps) return std::nullopt;
    out.draft_decode_tps = *e.value().speed.decode_tps;
    t_draft = 1.0 / *out.draft_decode_tps;
  } else if (s.method == "eagle3") {
    // A drafted token reads the whole head (its layer, fc and draft-vocabulary output head), a
    // share of what a target token reads (its active weights and output head); decode is
    // read-bound, so it costs that share of the target's time per token.
    const WeightPlan w = weights_for(in, in.ftype, in.format);
    const ModelArch& m = in.model->arch;
    const double active =
        m.is_moe() ? static_cast<double>(m.expert_used_count) / m.expert_count : 1.0;
    double reads = static_cast<double>(w.output_bytes);
    for (size_t i = 0; i < w.layer_bytes.size(); ++i)
      reads += static_cast<double>(w.layer_bytes[i]) -
               static_cast<double>(w.layer_expert_bytes[i]) * (1 - active);
    const WeightPlan h =
        s.draft_format ? memo_format_weights(s.draft->id, s.draft->arch,
                                             *s.draft_format->bits_per_weight, false)
                       : memo_quantized_weights(s.draft->id, s.draft->arch, s.draft_ftype->ftype);
    t_draft = t_target * static_cast<double>(h.total_bytes) / std::max(1.0, reads);
  } else if (s.method == "mtp") {
    // Each drafted token runs one nextn block and then the model's own output head over the
    // whole vocabulary (the MTP module shares it: DeepSeek-V3 report §2.2). Decode is read-bound,
    // so a draft token costs the target's time per token in the share of bytes those two read:
    // one average block's active weights plus the output head, over what a token reads.
    const ModelArch& m = in.model->arch;
    const WeightPlan w = weights_for(in, in.ftype, in.format);
    const double active =
        m.is_moe() ? static_cast<double>(m.expert_used_count) / m.expert_count : 1.0;
    double layers = 0;
    for (size_t i = 0; i < w.layer_bytes.size(); ++i)
      layers += static_cast<double>(w.layer_bytes[i]) -
                static_cast<double>(w.layer_expert_bytes[i]) * (1 - active);
    const double block = layers / std::max<size_t>(1, w.layer_bytes.size());
    const double out_head = static_cast<double>(w.output_bytes);
    t_draft = t_target * (block + out_head) / std::max(1.0, layers + out_head);
  }
  const double k = s.k;
  const double t_verify = std::max(t_target, prefill > 0 ? (k + 1) / prefill : t_target);
  const double step = k * t_draft + t_verify;
  const auto tokens = [&](double a) { return a >= 1 ? k + 1 : (1 - std::pow(a, k + 1)) / (1 - a); };
  double lo = kDraftAcceptanceLow, hi = kDraftAcceptanceHigh;
  if (s.method == "mtp") lo = kMtpAcceptanceLow, hi = kMtpAcceptanceHigh;
  if (s.method == "eagle3") lo = kEagle3AcceptanceLow, hi = kEagle3AcceptanceHigh;
  // The band for the task, where published runs of this method on that kind of text exist.
  const auto by_task = task_acceptance(s.method, s.task);
  if (by_task) lo = by_task->first, hi = by_task->second;
  const bool given = s.acceptance.has_value();
  const double a = given ? *s.acceptance : (lo + hi) / 2;
  if (given) lo = hi = a;
  const double low_ratio = speed.decode_tps_low.value_or(0.0) * t_target;
  const double high_ratio = speed.decode_tps_high.value_or(0.0) * t_target;
  const double tps = tokens(a) / step;
  if (!given)
    assumptions.push_back(std::string("speculative acceptance not given: the band spans the "
                                      "published range for ") +
                          (s.method == "mtp"      ? "MTP heads"
                           : s.method == "eagle3" ? "EAGLE-3 heads"
                                                  : "draft models") +
                          (by_task ? " on " + s.task : std::string()) + " (" +
                          fmt("%.1f", lo * 100) + "-" + fmt("%.1f", hi * 100) +
                          " % per drafted token), the figure uses its middle; set acceptance "
                          "for your text");
  if (!given && !s.task.empty() && !by_task)
    assumptions.push_back("no published per-task acceptance for " + s.method +
                          (s.method == "draft" ? " models (two published runs in all)" : "") +
                          " on " + s.task + ": the band is the method's whole published range");
  if (s.method == "eagle3" && !s.draft_format)
    assumptions.push_back(
        "EAGLE-3 head (llama-server --spec-type draft-eagle3): its " +
        std::string(s.draft_ftype->name) + " GGUF (one decoder layer, fc and a " +
        std::to_string(s.draft->arch.eagle_draft_vocab) +
        "-token output head; the embedding is the model's) with its own f16 cache at this "
        "context and compute buffer on the first GPU; a drafted token costs " +
        fmt("%.3f", t_draft / t_target) + " of a model token's reads");
  else if (s.method == "eagle3")
    assumptions.push_back(
        "EAGLE-3 head (vLLM method eagle3): its " + s.draft_format->id +
        " weights (one decoder layer, fc and a " + std::to_string(s.draft->arch.eagle_draft_vocab) +
        "-token output head; the embedding is the model's) and its layer's KV for max_model_len "
        "in the model's cache pool, split over the tensor-parallel GPUs; a drafted token costs " +
        fmt("%.3f", t_draft / t_target) + " of a model token's reads");
  else if (s.method == "draft" && s.draft_format)
    assumptions.push_back(
        "draft model (vLLM draft_model): its " + s.draft_format->id +
        " weights and its KV for max_model_len in the same cache pool as the model's, split over "
        "the tensor-parallel GPUs (draft tensor parallelism = the model's, vLLM's default); the "
        "largest-context search keeps its cache at this context");
  else if (s.method == "draft")
    assumptions.push_back(
        "draft model: all its layers on the first GPU with an f16 cache at the same context "
        "(-ngld auto, -ctkd f16); the largest-context search keeps its cache at this context");
  if (s.method == "mtp")
    assumptions.push_back(
        "MTP memory: each of the model's " + std::to_string(in.model->arch.nextn_layers) +
        " nextn block(s) counted as one attention block of the model plus its 2 x hidden x "
        "hidden projection, with its own KV cache at this context and its own compute buffer "
        "(llama.cpp loads them only with --spec-type draft-mtp); the KV and compute buffers match "
        "published MTP load logs, the block's weights are an estimate");
  if (s.method == "mtp")
    assumptions.push_back(
        "MTP speed: a drafted token reads one block and the output head it shares with the model "
        "(" +
        fmt("%.2f", t_draft / t_target) + " of a token's reads here)");
  if (s.method == "ngram")
    assumptions.push_back("speculative memory: the n-gram cache is not counted");
  out.method = s.method;
  if (s.draft) out.draft_model = s.draft->id;
  if (s.draft_ftype) out.draft_quant = std::string(s.draft_ftype->name);
  if (s.draft_format) out.draft_quant = s.draft_format->id;
  out.draft_bytes =
      s.method == "mtp" ? mtp_bytes(in, weights_for(in, in.ftype, in.format)) : draft_bytes(in);
  out.draft_max = s.k;
  if (given) out.acceptance = a;
  if (by_task && !given) out.task = s.task;
  out.acceptance_low = lo;
  out.acceptance_high = hi;
  out.tokens_per_step = tokens(a);
  out.step_seconds = step;
  out.decode_tps = tps;
  out.decode_tps_low = tokens(lo) / step * (low_ratio > 0 ? low_ratio : 1);
  out.decode_tps_high = tokens(hi) / step * (high_ratio > 0 ? high_ratio : 1);
  out.plain_decode_tps = *speed.decode_tps;
  out.plain_ceiling_tps = speed.decode_ceiling_tps;
  // The bandwidth ceiling with the best published acceptance: both models at their ceilings
  // (the draft scaled like the target).
  if (const double c = speed.decode_ceiling_tps.value_or(0.0); c > 0) {
    const double scale = (1 / c) / t_target;
    out.ceiling_tps = tokens(hi) / (k * t_draft * scale + 1 / c);
  }
  out.speedup = tps * t_target;
  return out;
}

}  // namespace runcheck::engine
