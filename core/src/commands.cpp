// Launch commands in each runtime's own syntax.
#include <cctype>

#include "engine_internal.h"
#include "runcheck/request.h"

namespace runcheck::engine {
namespace {

// A model the user brought is "user:<name>"; its file is named for <name>.
std::string strip_user_prefix(const std::string& id) {
  return id.rfind("user:", 0) == 0 ? id.substr(5) : id;
}

// A file name as one shell word: plain names as they are, anything else in single quotes (a
// quote inside becomes '\''), so a hostile name cannot run as a command.
std::string shell_quote(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
           c == '/' || c == '+';
  });
  if (plain) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Publishers whose GGUF repos are preferred when several publish the quant: the runtime's own
// org first, then the largest quantizers (order only; every repo here is cited).
constexpr const char* kPreferredPublishers[] = {"ggml-org/", "unsloth/", "bartowski/",
                                                "lmstudio-community/", "Qwen/"};

// The catalog's download for this model, runtime and quant (null when none is cited).
const DownloadEntry* download_for(const ModelEntry& m, const char* runtime,
                                  const std::string& quant) {
  const DownloadEntry* best = nullptr;
  int best_rank = 1000;
  for (const auto& d : builtin_catalog().downloads) {
    if (d.model != m.id || d.runtime != runtime) continue;
    if (std::find(d.quants.begin(), d.quants.end(), quant) == d.quants.end()) continue;
    int rank = 100;
    for (size_t i = 0; i < std::size(kPreferredPublishers); ++i)
      if (d.name.rfind(kPreferredPublishers[i], 0) == 0) rank = static_cast<int>(i);
    if (rank < best_rank) best = &d, best_rank = rank;
  }
  return best;
}

std::string variant_note(const DownloadEntry& d, const ModelEntry& m) {
  if (d.variant.rfind("instruct", 0) == 0 || d.variant.rfind("chat", 0) == 0)
    return d.name + " is the instruct build of " + m.name +
           " (the catalog's figures are the same "
           "architecture)";
  return "";
}

}  // namespace

// Launch commands, one per runtime that loads this format on this OS. Each names only what it
// can: a GGUF file name or a converted repo the catalog cannot cite is written in <angle
// brackets> and said so in `commands_note`.
std::map<std::string, std::string> launch_commands(const Inputs& in, const Plan& p,
                                                   const Machine& mc, const WeightPlan& w,
                                                   std::vector<std::string>& notes,
                                                   std::vector<Download>& downloads) {
  const auto cite = [&](const DownloadEntry& d) {
    downloads.push_back({d.runtime, d.name, in.quant, d.variant, d.sources[0].url});
  };
  const KvOptions& kv = in.plan.kv;
  std::map<std::string, std::string> c;
  const uint32_t total_ctx = kv.n_ctx * kv.n_seq;
  const Runtime rt = kv.runtime;
  const bool mac = in.os == "macos";
  auto runs_on = [&](const char* runtime_id) {
    for (const auto& e : builtin_catalog().runtimes)
      if (e.id == runtime_id)
        return e.os.empty() || std::find(e.os.begin(), e.os.end(), in.os) != e.os.end();
    return false;
  };
  if (in.ftype) {
    const DownloadEntry* gguf =
        in.user_weights ? nullptr : download_for(*in.model, "llama.cpp", in.quant);
    // The user's own file by the name it was given (single-quoted for the shell); a browser only
    // knows the name, so the command runs from the file's folder.
    const std::string file = !in.user_weights       ? "<" + in.model->id + "-" + in.quant + ".gguf>"
                             : in.user_file.empty() ? std::string("<your file>.gguf")
                                                    : shell_quote(in.user_file);
    if (!in.user_weights && !gguf)
      notes.push_back("no cited GGUF download of " + in.model->name + " at " + in.quant +
                      " is in the catalog: replace " + file + " with your file's path");
    if (gguf) {
      cite(*gguf);
      notes.push_back(gguf->name + " publishes " + in.quant +
                      " (cited under Downloads); llama-server -hf fetches it into its cache");
      if (const std::string v = variant_note(*gguf, *in.model); !v.empty()) notes.push_back(v);
    }
    // -hf REPO:QUANT fetches the file of that quant from the repo (llama.cpp common/arg.cpp).
    const std::string model_arg = gguf ? "-hf " + gguf->name + ":" + in.quant : "-m " + file;
    std::string s = "llama-server " + model_arg + " -c " + std::to_string(total_ctx) + " -ngl " +
                    std::to_string(p.gpu_layers) + " -fa " + (kv.flash_attn ? "on" : "off");
    if (kv.n_seq > 1) s += " -np " + std::to_string(kv.n_seq);
    // An embedding model is served on /v1/embeddings (tools/server README: --embedding; the
    // pooling type comes from the file).
    if (in.model->kind == "embedding") s += " --embedding";
    // A reranker is served on /v1/rerank (--reranking: embeddings on, pooling rank).
    if (in.model->kind == "reranker") s += " --reranking";
    if (in.plan.split_row && mc.gpus.size() > 1) s += " -sm row";
    if (in.kv_type != "f16") s += " --cache-type-k " + in.kv_type + " --cache-type-v " + in.kv_type;
    if (p.n_cpu_moe > 0) s += " --n-cpu-moe " + std::to_string(p.n_cpu_moe);
    // The vision tower: -hf also downloads and loads the repo's mmproj (tools/server README), so
    // a text-only estimate says --no-mmproj; with images, where it goes and the image budget.
    if (in.model->arch.vision_projector != 0) {
      if (!in.vis.on && gguf)
        s += " --no-mmproj";
      else if (in.vis.on) {
        if (!gguf)
          s += " --mmproj <mmproj-" + std::string(vision::mmproj_type_name(in.vis.type)) + ".gguf>";
        if (!in.vis.offload) s += " --no-mmproj-offload";
        if (in.vis.max_tokens) s += " --image-max-tokens " + std::to_string(*in.vis.max_tokens);
      }
    }
    // Speculative decoding (tools/server README: --spec-type, -md / -hfd, --spec-draft-n-max).
    if (in.spec.method == "draft") {
      // (A vLLM draft is a repository; the llama-server alternative drafts from its Q8_0 GGUF.)
      const std::string dq(in.spec.draft_ftype ? in.spec.draft_ftype->name : "Q8_0");
      const DownloadEntry* dd = download_for(*in.spec.draft, "llama.cpp", dq);
      if (dd) cite(*dd);
      s += " --spec-type draft-simple " +
           (dd ? "-hfd " + dd->name + ":" + dq
            : !in.spec.draft_file.empty()
                ? "-md " + shell_quote(in.spec.draft_file)
                : "-md <" + strip_user_prefix(in.spec.draft->id) + "-" + dq + ".gguf>") +
           " --spec-draft-n-max " + std::to_string(in.spec.k);
    } else if (in.spec.method == "eagle3") {
      // The head converted to a GGUF of its own (convert_hf_to_gguf.py), by -md.
      s += " --spec-type draft-eagle3 -md <" + strip_user_prefix(in.spec.draft->id) + "-" +
           std::string(in.spec.draft_ftype ? in.spec.draft_ftype->name : "F16") +
           ".gguf> --spec-draft-n-max " + std::to_string(in.spec.k);
    } else if (in.spec.method == "mtp" || in.spec.method == "ngram") {
      s += std::string(" --spec-type ") + (in.spec.method == "mtp" ? "draft-mtp" : "ngram-simple") +
           " --spec-draft-n-max " + std::to_string(in.spec.k);
    }
    if (mc.gpus.size() > 1 && !mc.unified && !in.plan.split_row) {
      std::string split;
      for (const auto& u : p.devices)
        if (!u.is_host)
          split += (split.empty() ? "" : ",") + std::to_string(u.layers + (u.holds_output ? 1 : 0));
      s += " --tensor-split " + split;
    }
    c["llama_server"] = s;
    // Ollama: server settings are environment variables of `ollama serve`, not of the client.
    // It has no expert offload: an expert-offload plan becomes a layer offload (num_gpu layers).
    // The most whole layers on the GPU(s) that fit (binary search; fitting falls with layers).
    auto layer_plan = [&](Runtime r) {
      PlanOptions lo = in.plan;
      lo.kv.runtime = r;
      if (p.n_cpu_moe == 0 && rt == r) return p;
      if (p.n_cpu_moe == 0 && lo.forced_gpu_layers < 0) return make_plan(in.model->arch, w, mc, lo);
      uint32_t a = 0, b = p.total_layers;
      auto at = [&](uint32_t ngl) {
        lo.forced_gpu_layers = static_cast<int>(ngl);
        lo.forced_n_cpu_moe = 0;
        return make_plan(in.model->arch, w, mc, lo);
      };
      while (a < b) {
        const uint32_t mid = a + (b - a + 1) / 2;
        if (at(mid).fits)
          a = mid;
        else
          b = mid - 1;
      }
      return at(a);
    };
    const Plan op = layer_plan(Runtime::kOllama);
    std::string env;
    // Ollama's own choice (llama-server --flash-attn auto; off on a CUDA GPU under compute
    // capability 6.0) is left alone; the variable is set only where the plan differs from it.
    if (kv.flash_attn != in.ollama_fa_default)
      env += std::string("OLLAMA_FLASH_ATTENTION=") + (kv.flash_attn ? "1 " : "0 ");
    if (in.kv_type != "f16") env += "OLLAMA_KV_CACHE_TYPE=" + in.kv_type + " ";
    if (kv.n_seq > 1) env += "OLLAMA_NUM_PARALLEL=" + std::to_string(kv.n_seq) + " ";
    env += "OLLAMA_CONTEXT_LENGTH=" + std::to_string(kv.n_ctx) + " ";
    const DownloadEntry* tag = download_for(*in.model, "ollama", in.quant);
    const std::string tag_text =
        tag ? tag->name : "<" + in.model->id + " tag for " + in.quant + ">";
    c["ollama"] = env + "ollama serve   # then, in another shell: ollama run " + tag_text +
                  " and /set parameter num_gpu " + std::to_string(op.gpu_layers);
    if (p.n_cpu_moe > 0)
      notes.push_back(
          "Ollama cannot keep experts in system RAM (no --n-cpu-moe): it offloads whole layers, " +
          std::to_string(op.gpu_layers) + " of " + std::to_string(op.total_layers) + " on the GPU");
    if (!tag && !in.user_weights)
      notes.push_back("no cited Ollama tag of " + in.model->name + " at " + in.quant +
                      " is in the catalog: find it on ollama.com/library");
    else if (tag)
      cite(*tag);
    // LM Studio: lms load with the context and the GPU share.
    const Plan lp = layer_plan(Runtime::kLmStudio);
    const double share = lp.total_layers ? static_cast<double>(lp.gpu_layers) / lp.total_layers : 0;
    c["lmstudio"] = "lms load " + file + " --context-length " + std::to_string(total_ctx) +
                    " --gpu " +
                    (lp.gpu_layers >= lp.total_layers ? std::string("max")
                     : lp.gpu_layers == 0             ? std::string("off")
                                                      : fmt("%.2f", share));
  }
  const bool vllm_format =
      in.format && std::find(in.format->runtimes.begin(), in.format->runtimes.end(), "vllm") !=
                       in.format->runtimes.end();
  if ((rt == Runtime::kVllm || (vllm_format && !in.ftype)) && !mac && runs_on("vllm")) {
    // vLLM quantizes FP8 and bitsandbytes on load from the original repo; AWQ/GPTQ/NVFP4 need a
    // converted repo, which the catalog does not cite yet.
    std::string repo = in.model->hf_repo, quant_flag;
    const std::string kind = in.format ? in.format->kind : "";
    if (in.format && in.format->id == "FP8")
      quant_flag = " --quantization fp8";
    else if (kind == "bnb")
      quant_flag = " --quantization bitsandbytes";
    else if (kind == "awq" || kind == "gptq" || kind == "nvfp4") {
      repo = "<" + in.format->id + " conversion of " + in.model->hf_repo + ">";
      notes.push_back("no verified " + in.format->id + " repository is in the catalog for " +
                      in.model->name + ": vLLM reads the quantization from the repo you give");
    }
    std::string v = "vllm serve " + repo + quant_flag + " --max-model-len " +
                    std::to_string(kv.n_ctx) + " --gpu-memory-utilization " +
                    fmt("%.2f", in.plan.vllm_gpu_memory_utilization) + " --tensor-parallel-size " +
                    std::to_string(std::max<size_t>(1, mc.gpus.size()));
    if (kv.n_seq > 1) v += " --max-num-seqs " + std::to_string(kv.n_seq);
    if (in.plan.vllm_batched_tokens != field_range("vllm_max_num_batched_tokens").dflt)
      v += " --max-num-batched-tokens " + std::to_string(in.plan.vllm_batched_tokens);
    if (in.kv_type == "q8_0") v += " --kv-cache-dtype fp8";
    // Speculative decoding: vLLM's --speculative-config, a JSON object whose method is
    // "ngram", "draft_model" or "mtp" (vllm/config/speculative.py, SpeculativeMethod, v0.12).
    if (in.spec.method != "none") {
      json sc;
      sc["method"] = in.spec.method == "draft" ? "draft_model" : in.spec.method;
      if ((in.spec.method == "draft" || in.spec.method == "eagle3") && in.spec.draft)
        sc["model"] = in.spec.draft->hf_repo;
      sc["num_speculative_tokens"] = in.spec.k;
      v += " --speculative-config '" + sc.dump() + "'";
    }
    c["vllm"] = v;
  }
  if (in.format && in.format->kind == "mlx") {
    const DownloadEntry* repo = download_for(*in.model, "mlx", in.format->id);
    c["mlx"] =
        "mlx_lm.server --model " +
        (repo ? repo->name : "<" + in.format->id + " conversion of " + in.model->hf_repo + ">") +
        " --max-tokens 512";
    if (repo)
      cite(*repo);
    else
      notes.push_back("no cited MLX repository of " + in.model->name + " at " + in.quant +
                      " is in the catalog: use an mlx-community conversion");
  }
  if (in.format && in.format->kind == "exl2" && !mac) {
    const std::string cache = in.kv_type == "q8_0" ? "Q8" : in.kv_type == "q4_0" ? "Q4" : "FP16";
    c["exllamav2"] = "python main.py --model-name <" + in.format->id + " conversion of " +
                     in.model->hf_repo + "> --max-seq-len " + std::to_string(kv.n_ctx) +
                     " --cache-mode " + cache + "   # TabbyAPI (ExLlamaV2)";
    notes.push_back("no verified EXL2 repository is in the catalog for " + in.model->name +
                    ": download one at " + in.quant + " into TabbyAPI's model folder");
  }
  return c;
}

}  // namespace runcheck::engine
