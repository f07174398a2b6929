// The one reader of an estimate request: JSON -> Inputs, every field validated.
#include "engine_internal.h"
#include "runcheck/options.h"
#include "runcheck/request.h"
#include "runcheck/user_models.h"

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
                                                  "gpu_reserved_mb",
                                                  "split_mode",
                                                  "inverse",
                                                  "backend",
                                                  "prompt",
                                                  "depth",
                                                  "ram_bandwidth_gb_s",
                                                  "os",
                                                  "swa_full",
                                                  "llamacpp_build",
                                                  "allow_long_context",
                                                  "speculative",
                                                  "draft_model",
                                                  "draft_quant",
                                                  "draft_max",
                                                  "acceptance",
                                                  "leave_out"};
  return k;
}

Result<Inputs> read_inputs(const json& req) {
  Inputs in;
  FieldReader r(req);
  const std::string model_id = r.string("model", "", true);
  const bool quant_given = r.has("quant");
  in.quant = r.string("quant", "");  // not given: the model's own default, resolved below
  const std::vector<std::string> hw = r.string_list("hardware", false, kMaxDevices);
  const std::string runtime = r.string("runtime", std::string(kDefaultRuntime));
  in.kv_type = r.string("kv_type", std::string(kDefaultKvType));
  // Ranged fields, each read against its one range (runcheck/options.h).
  auto integer = [&](const char* f) {
    const FieldRange& g = field_range(f);
    return r.integer(f, static_cast<int64_t>(g.dflt), static_cast<int64_t>(g.min),
                     static_cast<int64_t>(g.max));
  };
  auto number = [&](const char* f, double dflt) {
    const FieldRange& g = field_range(f);
    return r.number(f, dflt, g.min, g.max);
  };
  const int64_t parallel = integer("parallel");
  const int64_t ubatch = integer("ubatch");
  in.ram_given = r.has("ram_gb");
  in.ram_gib = number("ram_gb", kDefaultHostRamGib);
  in.wired_limit_mb = number("wired_limit_mb", 0);
  in.plan.forced_gpu_layers = static_cast<int>(integer("gpu_layers"));
  in.plan.forced_n_cpu_moe = static_cast<int>(integer("n_cpu_moe"));
  in.plan.vllm_gpu_memory_utilization =
      number("gpu_memory_utilization", field_range("gpu_memory_utilization").dflt);
  in.gpu_reserved_mb = number("gpu_reserved_mb", 0);
  const std::string split_mode = r.string("split_mode", std::string(kSplitModes[0]));
  in.inverse = r.boolean("inverse", true);
  in.backend = r.string("backend", "");
  in.prompt = static_cast<uint32_t>(integer("prompt"));
  in.depth = static_cast<uint32_t>(integer("depth"));
  in.ram_bandwidth_gb_s = number("ram_bandwidth_gb_s", 0);
  in.os = r.string("os", "");
  in.plan.kv.swa_full = r.boolean("swa_full", false);
  in.plan.kv.llamacpp_build = static_cast<uint32_t>(integer("llamacpp_build"));
  const bool long_context = r.boolean("allow_long_context", false);
  if (req.contains("leave_out") && req["leave_out"].is_object()) in.leave_out = req["leave_out"];
  if (r.error()) return *r.error();
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
        if (!u->file_type.empty() && !r.has("quant")) in.quant = u->file_type;
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
  Runtime rt;
  if (!runtime_from_name(runtime, rt))
    return make_error(
        "unknown_id", "runtime",
        "runtime must be one of " + list_text(kRuntimeIds) + "; got '" + safe_echo(runtime) + "'");
  in.plan.kv.runtime = rt;
  if (in.plan.split_row && rt != Runtime::kLlamaCpp && rt != Runtime::kLmStudio)
    return make_error("bad_value", "split_mode",
                      "split_mode row is a llama.cpp option (llama-server -sm row, LM Studio); "
                      "this runtime splits by layer");
  // Ollama defaults flash attention off unless OLLAMA_FLASH_ATTENTION=1; llama.cpp's -fa auto
  // turns it on where the backend supports it (llama.cpp PR #15434).
  const bool fa_default = rt != Runtime::kOllama;
  in.plan.kv.flash_attn = r.boolean("flash_attn", fa_default);
  if (r.error()) return *r.error();

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
  if (kv != GgmlType::F16 && kv != GgmlType::F32 && kv != GgmlType::BF16 &&
      is_llamacpp_engine(rt) && !in.plan.kv.flash_attn)
    return make_error(
        "incompatible", "kv_type",
        "a quantized V cache needs flash attention in llama.cpp: set flash_attn on or kv_type f16");
  in.kv_type = std::string(ggml_traits(*kv)->name);

  // Context: per sequence; at most the model's trained maximum unless allow_long_context.
  const int64_t max_ctx = in.model->arch.context_length;
  FieldReader r2(req);
  const int64_t ctx = r2.integer("context", std::min<int64_t>(kDefaultContext, max_ctx), 1,
                                 long_context ? kMaxContextBeyondTrained : max_ctx);
  if (r2.error()) {
    Error e = *r2.error();
    if (e.code == "out_of_range" && !long_context)
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
  in.plan.kv.n_ctx = static_cast<uint32_t>(ctx);
  in.plan.kv.n_seq = static_cast<uint32_t>(parallel);
  in.plan.kv.n_ubatch = static_cast<uint32_t>(ubatch);

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
    in.backend = cpu_only ? "cpu" : accel->backends.empty() ? "vulkan" : accel->backends[0];
    if (accel->kind == HardwareKind::kApple) in.backend = "metal";
  } else {
    if (!one_of(kBackendIds, in.backend))
      return make_error("bad_value", "backend",
                        "backend must be one of " + list_text(kBackendIds) + "; got '" +
                            safe_echo(in.backend) + "'");
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
  if (auto e = read_speculative(req, in)) return *e;
  return in;
}

}  // namespace runcheck::engine
