// The one reader of an estimate request: JSON -> EstimateRequest (types and ranges, errors
// naming the field), then EstimateRequest -> Inputs (resolved against the catalog; a typed
// caller's values meet the same checks).
#include <limits>

#include "engine_internal.h"
#include "runcheck/options.h"
#include "runcheck/request.h"
#include "user_models.h"

namespace runcheck::engine {

const std::vector<std::string_view>& estimate_fields_list() {
  static const std::vector<std::string_view> k = {"command",
                                                  "model",
                                                  "quant",
                                                  "context",
                                                  "hardware",
                                                  "runtime",
                                                  "kv_type",
                                                  "flash_attn",
                                                  "parallel",
                                                  "ubatch",
                                                  "ram_gb",
                                                  "wired_limit_mb",
                                                  "gpu_layers",
                                                  "n_cpu_moe",
                                                  "gpu_memory_utilization",
                                                  "vllm_max_num_batched_tokens",
                                                  "gpu_reserved_mb",
                                                  "split_mode",
                                                  "inverse",
                                                  "backend",
                                                  "prompt",
                                                  "depth",
                                                  "ram_bandwidth_gb_s",
                                                  "threads",
                                                  "pcie_gen",
                                                  "pcie_lanes",
                                                  "os",
                                                  "swa_full",
                                                  "llamacpp_build",
                                                  "allow_long_context",
                                                  "quant_contexts",
                                                  "speculative",
                                                  "draft_model",
                                                  "draft_quant",
                                                  "draft_max",
                                                  "acceptance",
                                                  "task",
                                                  "vision",
                                                  "mmproj_type",
                                                  "mmproj_offload",
                                                  "image_max_tokens",
                                                  "leave_out"};
  return k;
}

namespace {

// A string field, kept only when the request sets it.
void opt_string(FieldReader& r, const char* key, std::optional<std::string>& out) {
  if (r.has(key)) out = r.string(key, "");
}
void opt_bool(FieldReader& r, const char* key, std::optional<bool>& out) {
  if (r.has(key)) out = r.boolean(key, false);
}
// Ranged fields, each read against its one range (runcheck/options.h).
void opt_integer(FieldReader& r, const char* key, std::optional<int64_t>& out) {
  if (!r.has(key)) return;
  const FieldRange& g = field_range(key);
  out = r.integer(key, static_cast<int64_t>(g.dflt), static_cast<int64_t>(g.min),
                  static_cast<int64_t>(g.max));
}
void opt_number(FieldReader& r, const char* key, std::optional<double>& out) {
  if (!r.has(key)) return;
  const FieldRange& g = field_range(key);
  out = r.number(key, g.dflt, g.min, g.max);
}

std::string text_of(const json& o, const char* key) {
  return o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : std::string();
}
double number_of(const json& o, const char* key) {
  return o.contains(key) && o[key].is_number() ? o[key].get<double>() : 0.0;
}

// The context as given: its range depends on the model, so the resolver checks it. A value
// that is no integer (1.5, 1e308) is kept as one no range admits.
std::optional<Error> read_context(const json& req, std::optional<int64_t>& out) {
  if (!req.contains("context") || req["context"].is_null()) return std::nullopt;
  const json& v = req["context"];
  constexpr int64_t kNoRange = std::numeric_limits<int64_t>::max();
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    out = u > static_cast<uint64_t>(kNoRange) ? kNoRange : static_cast<int64_t>(u);
    return std::nullopt;
  }
  if (v.is_number_integer()) {
    out = v.get<int64_t>();
    return std::nullopt;
  }
  double d = 0;
  switch (number_value(v, d)) {
    case NumberValue::kBadText:
      return make_error(
          "bad_type", "context",
          "context must be an integer (tokens), got '" + safe_echo(v.get<std::string>()) + "'");
    case NumberValue::kNotNumber:
      return make_error("bad_type", "context", "context must be an integer (tokens)");
    case NumberValue::kNumber:
      break;
  }
  out = std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e18 ? static_cast<int64_t>(d)
                                                                      : kNoRange;
  return std::nullopt;
}

}  // namespace

Result<EstimateRequest> read_request(const json& req) {
  EstimateRequest q;
  FieldReader r(req);
  q.model = r.string("model", "");  // required: the resolver says so when it is missing
  opt_string(r, "quant", q.quant);
  q.hardware = r.string_list("hardware", false, kMaxDevices);
  opt_string(r, "runtime", q.runtime);
  opt_string(r, "kv_type", q.kv_type);
  opt_integer(r, "parallel", q.parallel);
  opt_integer(r, "ubatch", q.ubatch);
  opt_number(r, "ram_gb", q.ram_gb);
  opt_number(r, "wired_limit_mb", q.wired_limit_mb);
  opt_integer(r, "gpu_layers", q.gpu_layers);
  opt_integer(r, "n_cpu_moe", q.n_cpu_moe);
  opt_number(r, "gpu_memory_utilization", q.gpu_memory_utilization);
  opt_integer(r, "vllm_max_num_batched_tokens", q.vllm_max_num_batched_tokens);
  opt_number(r, "gpu_reserved_mb", q.gpu_reserved_mb);
  opt_string(r, "split_mode", q.split_mode);
  opt_bool(r, "inverse", q.inverse);
  opt_string(r, "backend", q.backend);
  opt_integer(r, "prompt", q.prompt);
  opt_integer(r, "depth", q.depth);
  opt_number(r, "ram_bandwidth_gb_s", q.ram_bandwidth_gb_s);
  opt_integer(r, "threads", q.threads);
  opt_integer(r, "pcie_gen", q.pcie_gen);
  opt_integer(r, "pcie_lanes", q.pcie_lanes);
  opt_string(r, "os", q.os);
  opt_bool(r, "swa_full", q.swa_full);
  opt_integer(r, "llamacpp_build", q.llamacpp_build);
  opt_bool(r, "allow_long_context", q.allow_long_context);
  opt_bool(r, "quant_contexts", q.quant_contexts);
  opt_bool(r, "flash_attn", q.flash_attn);
  opt_string(r, "speculative", q.speculative);
  opt_string(r, "draft_model", q.draft_model);
  opt_string(r, "draft_quant", q.draft_quant);
  if (r.has("draft_max")) q.draft_max = r.integer("draft_max", kDefaultDraftMax, 1, 64);
  if (r.has("acceptance")) q.acceptance = r.number("acceptance", 0.5, 0, 0.99);
  opt_string(r, "task", q.task);
  opt_bool(r, "vision", q.vision);
  opt_string(r, "mmproj_type", q.mmproj_type);
  opt_bool(r, "mmproj_offload", q.mmproj_offload);
  opt_integer(r, "image_max_tokens", q.image_max_tokens);
  if (r.error()) return *r.error();
  if (auto e = read_context(req, q.context)) return *e;
  if (req.contains("leave_out") && req["leave_out"].is_object()) {
    const json& L = req["leave_out"];
    LeaveOut o;
    if (const std::string s = text_of(L, "scope"); !s.empty()) o.scope = s;
    o.model = text_of(L, "model");
    o.quant = text_of(L, "quant");
    o.hardware = text_of(L, "hardware");
    o.backend = text_of(L, "backend");
    o.source = text_of(L, "source");
    o.metric = text_of(L, "metric");
    o.n_devices = static_cast<int>(number_of(L, "n_devices"));
    o.tokens = static_cast<uint32_t>(number_of(L, "tokens"));
    o.depth = static_cast<uint32_t>(number_of(L, "depth"));
    o.value_tps = number_of(L, "value_tps");
    q.leave_out = o;
  }
  return q;
}

bool quantized_cache(GgmlType t) {
  return t != GgmlType::F16 && t != GgmlType::F32 && t != GgmlType::BF16;
}

namespace {

// The workload half of a request: model, quant, runtime, KV cache, context and the other
// machine-independent fields.
std::optional<Error> read_workload(const EstimateRequest& q, Inputs& in) {
  // A typed caller's values meet the same ranges as the JSON fields (the JSON reader has
  // already checked them, so for it these pass).
  auto integer = [&](const char* f, const std::optional<int64_t>& v) -> Result<int64_t> {
    const FieldRange& g = field_range(f);
    if (!v) return static_cast<int64_t>(g.dflt);
    if (auto e = check_integer(f, *v, static_cast<int64_t>(g.min), static_cast<int64_t>(g.max)))
      return *e;
    return *v;
  };
  auto number = [&](const char* f, const std::optional<double>& v, double dflt) -> Result<double> {
    const FieldRange& g = field_range(f);
    if (!v) return dflt;
    if (auto e = check_number(f, *v, g.min, g.max)) return *e;
    return *v;
  };
  if (q.model.empty()) return make_error("missing_field", "model", "model is required");
  const std::string& model_id = q.model;
  const bool quant_given = q.quant.has_value();
  in.quant = q.quant.value_or("");  // not given: the model's own default, resolved below
  const std::string runtime = q.runtime.value_or(std::string(kDefaultRuntime));
  in.kv_type = q.kv_type.value_or(std::string(kDefaultKvType));
#define RC_TAKE(var, expr)           \
  {                                  \
    auto v_ = (expr);                \
    if (!v_.ok()) return v_.error(); \
    var = v_.value();                \
  }
  int64_t parallel = 1, ubatch = 1, gpu_layers = -1, n_cpu_moe = -1, prompt = 0, depth = 0,
          build = 0;
  RC_TAKE(parallel, integer("parallel", q.parallel));
  RC_TAKE(ubatch, integer("ubatch", q.ubatch));
  in.ram_given = q.ram_gb.has_value();
  RC_TAKE(in.ram_gib, number("ram_gb", q.ram_gb, kDefaultHostRamGib));
  RC_TAKE(in.wired_limit_mb, number("wired_limit_mb", q.wired_limit_mb, 0));
  RC_TAKE(gpu_layers, integer("gpu_layers", q.gpu_layers));
  RC_TAKE(n_cpu_moe, integer("n_cpu_moe", q.n_cpu_moe));
  in.plan.forced_gpu_layers = static_cast<int>(gpu_layers);
  in.plan.forced_n_cpu_moe = static_cast<int>(n_cpu_moe);
  RC_TAKE(in.plan.vllm_gpu_memory_utilization,
          number("gpu_memory_utilization", q.gpu_memory_utilization,
                 field_range("gpu_memory_utilization").dflt));
  RC_TAKE(in.gpu_reserved_mb, number("gpu_reserved_mb", q.gpu_reserved_mb, 0));
  {
    int64_t batched = 0;
    RC_TAKE(batched, integer("vllm_max_num_batched_tokens", q.vllm_max_num_batched_tokens));
    in.plan.vllm_batched_tokens = static_cast<uint32_t>(batched);
  }
  const std::string split_mode = q.split_mode.value_or(std::string(kSplitModes[0]));
  in.inverse = q.inverse.value_or(true);
  in.quant_contexts = q.quant_contexts.value_or(false);
  in.backend = q.backend.value_or("");
  RC_TAKE(prompt, integer("prompt", q.prompt));
  RC_TAKE(depth, integer("depth", q.depth));
  in.prompt = static_cast<uint32_t>(prompt);
  in.depth = static_cast<uint32_t>(depth);
  RC_TAKE(in.ram_bandwidth_gb_s, number("ram_bandwidth_gb_s", q.ram_bandwidth_gb_s, 0));
  {
    int64_t threads = 0;
    RC_TAKE(threads, integer("threads", q.threads));
    in.threads = static_cast<uint32_t>(threads);
    int64_t gen = 0, lanes = 0;
    RC_TAKE(gen, integer("pcie_gen", q.pcie_gen));
    RC_TAKE(lanes, integer("pcie_lanes", q.pcie_lanes));
    in.pcie_gen = static_cast<uint32_t>(gen);
    in.pcie_lanes = static_cast<uint32_t>(lanes);
  }
  in.os = q.os.value_or("");
  in.plan.kv.swa_full = q.swa_full.value_or(false);
  RC_TAKE(build, integer("llamacpp_build", q.llamacpp_build));
  in.plan.kv.llamacpp_build = static_cast<uint32_t>(build);
#undef RC_TAKE
  const bool long_context = q.allow_long_context.value_or(false);
  in.leave_out = q.leave_out;
  if (!one_of(kSplitModes, split_mode))
    return make_error("bad_value", "split_mode",
                      "split_mode must be 'layer' or 'row'; got '" + safe_echo(split_mode) + "'");
  in.plan.split_row = split_mode == "row";

  const Catalog& cat = builtin_catalog();
  if (!builtin_catalog_error().empty())
    return make_error("bad_catalog", "", builtin_catalog_error());
  in.model = cat.model(model_id);
  if (!in.model) {
    if (const UserModel* u = user_model(model_id)) {
      in.model = &u->entry;
      if (u->weights) {
        in.user_weights = &*u->weights;
        in.user_file = u->file_name;
        if (!u->file_type.empty() && !quant_given) in.quant = u->file_type;
      }
    }
  }
  if (in.model && !quant_given && in.quant.empty())
    in.quant =
        in.model->default_quant.empty() ? std::string(kDefaultQuant) : in.model->default_quant;
  if (!in.model)
    return make_error(
        "unknown_id", "model",
        "model '" + safe_echo(model_id) + "' is not in the catalog (see: runcheck catalog models)");
  if (in.model->draft_only())
    return make_error("incompatible", "model",
                      in.model->name +
                          " is an EAGLE-3 draft head, not a model: give it as draft_model with "
                          "speculative eagle3 next to the model it was trained for");
  Runtime rt;
  if (!runtime_from_name(runtime, rt))
    return make_error(
        "unknown_id", "runtime",
        "runtime must be one of " + list_text(kRuntimeIds) + "; got '" + safe_echo(runtime) + "'");
  in.plan.kv.runtime = rt;
  if (in.model->arch.arch == "deepseek4" && !is_llamacpp_engine(rt))
    return make_error("incompatible", "runtime",
                      "DeepSeek-V4's compressed key cache is modelled as llama.cpp allocates it "
                      "(llama_kv_cache_dsv4); " +
                          std::string(runtime_name(rt)) + "'s is not modelled yet");
  if (in.plan.split_row && rt != Runtime::kLlamaCpp && rt != Runtime::kLmStudio)
    return make_error("bad_value", "split_mode",
                      "split_mode row is a llama.cpp option (llama-server -sm row, LM Studio); "
                      "this runtime splits by layer");
  // Flash attention unless the request says: llama.cpp's -fa auto turns it on where the backend
  // supports it (llama.cpp PR #15434). Ollama runs llama-server for GGUF models since v0.30
  // (ollama PR #16031, 2026-05-29) and passes it --flash-attn auto unless OLLAMA_FLASH_ATTENTION
  // is set, or off on a CUDA GPU it does not trust with it (read_machine, ollama_fa_default).
  in.plan.kv.flash_attn = q.flash_attn.value_or(true);

  // Quantization: a llama.cpp file type, or a catalog format (BF16, FP8, AWQ, MLX-4bit ...).
  in.ftype = file_type_by_name(in.quant);
  in.format = cat.quant(in.quant);
  if (!in.ftype && !in.format)
    return make_error(
        "unknown_id", "quant",
        "quant '" + safe_echo(in.quant) + "' is not a known format (see: runcheck catalog quants)");
  if (in.ftype)
    in.quant = std::string(in.ftype->name);
  else
    in.quant = in.format->id;
  if (in.format && !in.format->runtimes.empty() &&
      std::find(in.format->runtimes.begin(), in.format->runtimes.end(), runtime_name(rt)) ==
          in.format->runtimes.end())
    return make_error(
        "incompatible", "quant",
        in.quant + " is not loaded by " + runtime_name(rt) + "; it runs on: " + [&] {
          std::string s;
          for (const auto& x : in.format->runtimes) s += (s.empty() ? "" : ", ") + x;
          return s;
        }());
  if (in.format && in.format->kind != "gguf") in.ftype = nullptr;

  // KV cache type.
  const auto kv = one_of(kKvTypes, in.kv_type) ? ggml_type_from_name(in.kv_type) : std::nullopt;
  if (!kv)
    return make_error("bad_value", "kv_type", "kv_type must be one of " + list_text(kKvTypes));
  in.plan.kv.type_k = in.plan.kv.type_v = *kv;
  if (quantized_cache(*kv) && is_llamacpp_engine(rt) && !in.plan.kv.flash_attn)
    return make_error(
        "incompatible", "kv_type",
        "a quantized V cache needs flash attention in llama.cpp: set flash_attn on or kv_type f16");
  in.kv_type = std::string(ggml_traits(*kv)->name);

  // Context: per sequence; at most the model's trained maximum unless allow_long_context.
  const int64_t max_ctx = in.model->arch.context_length;
  const int64_t ctx = q.context.value_or(std::min<int64_t>(kDefaultContext, max_ctx));
  if (auto err =
          check_integer("context", ctx, 1, long_context ? kMaxContextBeyondTrained : max_ctx)) {
    Error e = *err;
    if (!long_context)
      e.message = "context must be an integer in [1, " + std::to_string(max_ctx) + "] (" +
                  in.model->name + "'s maximum is " + std::to_string(max_ctx) +
                  " tokens; allow_long_context runs past it as llama.cpp does)";
    return e;
  }
  if (ctx > max_ctx)
    in.assumptions.push_back("context " + std::to_string(ctx) + " is past " + in.model->name +
                             "'s trained " + std::to_string(max_ctx) +
                             " tokens: llama.cpp allocates it (and warns n_ctx_seq > "
                             "n_ctx_train); output quality past the trained length is not "
                             "what the model was trained for");
  if (in.plan.kv.swa_full)
    in.assumptions.push_back(
        "swa_full: sliding-window layers keep the whole context (llama.cpp "
        "--swa-full), not just their window");
  if (in.model->arch.arch == "deepseek4")
    in.assumptions.push_back(
        "DeepSeek-V4 cache: keys only, one stream per sequence (llama_kv_cache_dsv4), sized as "
        "published load logs print it; its compute buffer is the generic estimate: llama.cpp's "
        "deepseek4 graph also builds top-k masks, and a backend without the fused "
        "lightning-indexer op materializes a (context / 4) x 64 x ubatch F32 score tensor "
        "(about 55 GiB at 131,072 tokens, llama.cpp issue #25468), which is not counted");
  in.plan.kv.n_ctx = static_cast<uint32_t>(ctx);
  in.plan.kv.n_seq = static_cast<uint32_t>(parallel);
  in.plan.kv.n_ubatch = static_cast<uint32_t>(ubatch);
  in.plan.kv.pooled_outputs = in.model->kind == "embedding" || in.model->kind == "reranker";

  return std::nullopt;
}

}  // namespace

std::string default_backend(const HardwareEntry& accel, bool cpu_only) {
  if (accel.kind == HardwareKind::kApple) return "metal";
  return cpu_only ? "cpu" : accel.backends.empty() ? "vulkan" : accel.backends[0];
}

bool ollama_turns_fa_off(const Inputs& in) {
  if (in.backend != "cuda") return false;
  return std::any_of(in.hardware.begin(), in.hardware.end(), [](const HardwareEntry* h) {
    return h->kind == HardwareKind::kGpu && h->vendor == "nvidia" &&
           (h->architecture == "Kepler" || h->architecture == "Maxwell");
  });
}

namespace {

// The machine half: devices, operating system, backend, and the speculative draft.
std::optional<Error> read_machine(const EstimateRequest& q, Inputs& in) {
  const Catalog& cat = builtin_catalog();
  const std::vector<std::string>& hw = q.hardware;
  const Runtime rt = in.plan.kv.runtime;
  // Hardware: ids, "idxN" for N identical cards, or repeated ids.
  for (const std::string& raw : hw) {
    int count = 1;
    const HardwareEntry* h = cat.hw_cards(raw, count);
    const std::string id = h ? h->id : raw;
    if (!h) {
      // "rtx-3090x2.5", "rtx-3090x-2": a known card with a count that is not a whole number.
      const size_t x = raw.rfind('x');
      if (x != std::string::npos && x > 0 && cat.hw(raw.substr(0, x)))
        return make_error("bad_value", "hardware",
                          "hardware '" + safe_echo(raw) +
                              "': the GPU count after 'x' must be a whole number from 1 to " +
                              std::to_string(kMaxDevices));
      return make_error("unknown_id", "hardware",
                        "hardware '" + safe_echo(raw) +
                            "' is not in the catalog (see: runcheck catalog hardware)");
    }
    if (count < 1)
      return make_error("out_of_range", "hardware",
                        "hardware '" + safe_echo(raw) +
                            "': the GPU count after 'x' must be a whole number from 1 to " +
                            std::to_string(kMaxDevices));
    if (in.hardware.size() + count > static_cast<size_t>(kMaxDevices))
      return make_error("out_of_range", "hardware",
                        "at most " + std::to_string(kMaxDevices) + " devices per machine");
    for (int i = 0; i < count; ++i) {
      in.hardware.push_back(h);
      in.hardware_ids.push_back(id);
    }
  }
  if (in.hardware.empty())
    return make_error("missing_field", "hardware",
                      "hardware is required: a GPU, Mac or CPU id (or several, e.g. rtx-3090x2)");
  size_t hosts = 0, gpus = 0;
  for (const auto* h : in.hardware) (h->kind == HardwareKind::kGpu ? gpus : hosts)++;
  if (hosts > 1 || (hosts == 1 && gpus > 0 && in.hardware[0]->kind == HardwareKind::kApple))
    return make_error("bad_value", "hardware",
                      "combine discrete GPUs with at most one CPU system; a Mac stands alone");
  // Operating system: decides which runtimes exist and what a Mac's GPU may wire.
  const bool apple =
      std::any_of(in.hardware.begin(), in.hardware.end(),
                  [](const HardwareEntry* h) { return h->kind == HardwareKind::kApple; });
  if (in.os.empty()) {
    in.os = apple ? "macos" : "linux";
  } else if (!is_known_os(in.os)) {
    return make_error(
        "bad_value", "os",
        std::string("os must be ") + known_os_list() + "; got '" + safe_echo(in.os) + "'");
  } else if (apple && in.os != "macos") {
    return make_error("incompatible", "os",
                      "a Mac with Apple silicon is modelled under macOS (Metal); os must be macos");
  } else if (!apple && in.os == "macos") {
    return make_error("incompatible", "os",
                      "macos is modelled for Apple silicon Macs only; pick a Mac, or "
                      "linux / windows for this hardware");
  }
  for (const auto& e : cat.runtimes) {
    if (e.id != runtime_name(rt)) continue;
    if (e.os.empty())
      in.assumptions.push_back(
          e.name + ": no cited list of the operating systems it runs on; assumed to run on " +
          in.os);
    else if (std::find(e.os.begin(), e.os.end(), in.os) == e.os.end())
      return make_error(
          "incompatible",
          "os", e.name + " does not list " + in.os + " among its platforms (it lists: " + [&] {
            std::string b;
            for (const auto& x : e.os) b += (b.empty() ? "" : ", ") + x;
            return b;
          }() + ")");
  }
  // Backend: the first one the accelerator lists, or the requested one if it supports it.
  const HardwareEntry* accel = in.hardware[0];
  for (const auto* h : in.hardware)
    if (h->kind == HardwareKind::kGpu) {
      accel = h;
      break;
    }
  const bool cpu_only = gpus == 0 && accel->kind == HardwareKind::kCpu;
  if (in.backend.empty()) {
    in.backend = default_backend(*accel, cpu_only);
  } else {
    if (!one_of(kBackendIds, in.backend))
      return make_error("bad_value", "backend",
                        "backend must be one of " + list_text(kBackendIds) + "; got '" +
                            safe_echo(in.backend) + "'");
    // llama.cpp's CPU backend on a machine with a GPU (a CPU-only build, llamafile's CPU mode)
    // keeps every weight, the KV cache and the compute on the CPU cores, whose matmul rate the
    // catalog does not have: refused rather than answered with the GPU's figures.
    if (in.backend == "cpu" && !cpu_only)
      return make_error("incompatible", "backend",
                        "the cpu backend is modelled on CPU-only machines; " + accel->name +
                            " has a GPU (for weights in system RAM next to it, set gpu_layers "
                            "instead)");
    const bool listed = std::find(accel->backends.begin(), accel->backends.end(), in.backend) !=
                        accel->backends.end();
    if (!listed && in.backend != "cpu")
      return make_error(
          "incompatible", "backend",
          accel->name + " does not run the " + in.backend + " backend (it lists: " +
              [&] {
                std::string b;
                for (const auto& x : accel->backends) b += (b.empty() ? "" : ", ") + x;
                return b;
              }() +
              ")");
  }
  in.ollama_fa_default = !ollama_turns_fa_off(in);
  if (in.plan.kv.runtime == Runtime::kOllama && !in.ollama_fa_default) {
    if (!q.flash_attn) {
      in.plan.kv.flash_attn = false;
      in.assumptions.push_back(
          "flash attention off: Ollama turns it off on a CUDA GPU of compute capability under 6.0 "
          "(set flash_attn on for OLLAMA_FLASH_ATTENTION=1)");
      if (quantized_cache(in.plan.kv.type_v))
        return make_error("incompatible", "kv_type",
                          "Ollama turns flash attention off on a CUDA GPU of compute capability "
                          "under 6.0 (Kepler, Maxwell) unless OLLAMA_FLASH_ATTENTION=1, and a "
                          "quantized V cache needs it: set kv_type f16 or flash_attn on");
    }
  }
  if (auto e = read_speculative(q, in)) return *e;
  if (auto e = read_vision(q, in)) return *e;
  return std::nullopt;
}

}  // namespace

Result<Inputs> read_inputs(const EstimateRequest& q) {
  Inputs in;
  if (auto e = read_workload(q, in)) return *e;
  if (auto e = read_machine(q, in)) return *e;
  return in;
}

std::optional<Error> check_workload(const EstimateRequest& q) {
  Inputs in;
  return read_workload(q, in);
}

}  // namespace runcheck::engine
