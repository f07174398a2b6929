// Troubleshoot: a runtime's log -> what it shows (logread), the request it implies, the engine's
// answer for that request, the log's buffers beside runcheck's, what overflowed and by how much,
// and fixes the engine has checked (each re-run with its verdict, speed and launch command).
#include "runcheck/diagnose.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "runcheck/catalog.h"
#include "runcheck/estimate.h"
#include "runcheck/gguf.h"
#include "runcheck/logread.h"
#include "runcheck/quant.h"
#include "runcheck/request.h"
#include "runcheck/user_models.h"

namespace runcheck {
namespace {

using nlohmann::json;

constexpr double kMiB = 1024.0 * 1024.0;
// A logged buffer and runcheck's agree when within this (the memory engine's tolerance: the
// buffers it models are byte-exact; 2 % covers rounding of the printed MiB and small tensors).
constexpr double kMatchTolerancePct = 2.0;
// Free memory this far below the card's total at load means something else holds it.
constexpr double kOtherProcessMiB = 512;
constexpr size_t kMaxFixes = 4;
// A MoE log whose host buffers hold more than this share of the weights kept experts on the CPU.
constexpr double kExpertOffloadShare = 0.05;

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}
std::string gib(double mib) { return fmt("%.2f", mib / 1024.0) + " GiB"; }

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
json opt(const std::optional<uint32_t>& v) { return v ? json(*v) : json(nullptr); }
json opt(const std::optional<uint64_t>& v) { return v ? json(*v) : json(nullptr); }
json str_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

std::string norm_name(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  for (const char* drop : {"nvidia", "geforce", "amd", "radeon", "(tm)", "(r)", "corporation"})
    for (size_t at = s.find(drop); at != std::string::npos; at = s.find(drop))
      s.erase(at, std::string(drop).size());
  std::string out;
  for (char c : s)
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
  return out;
}

json log_facts_json(const LogFacts& f) {
  json devices = json::array();
  for (const auto& d : f.devices)
    devices.push_back({{"id", d.id},
                       {"name", str_or_null(d.name)},
                       {"total_mib", opt(d.total_mib)},
                       {"free_mib", opt(d.free_mib)}});
  json buffers = json::array();
  for (const auto& b : f.buffers)
    buffers.push_back({{"device", b.device}, {"kind", b.kind}, {"mib", b.mib}, {"line", b.line}});
  json failures = json::array();
  for (const auto& x : f.failures)
    failures.push_back({{"device", x.device},
                        {"kind", str_or_null(x.kind)},
                        {"mib", x.mib},
                        {"free_mib", opt(x.free_mib)},
                        {"total_mib", opt(x.total_mib)},
                        {"line", x.line}});
  json flags = json::object();
  for (const auto& [k, v] : f.flags) flags[k] = v;
  return {{"runtime", f.runtime},
          {"build", str_or_null(f.build)},
          {"program", str_or_null(f.program)},
          {"flags", flags},
          {"devices", devices},
          {"model",
           {{"arch", str_or_null(f.arch)},
            {"name", str_or_null(f.model_name)},
            {"type", str_or_null(f.model_type)},
            {"file_type", str_or_null(f.file_type)},
            {"params_b", opt(f.params_b)},
            {"file_gib", opt(f.file_gib)},
            {"bits_per_weight", opt(f.bits_per_weight)},
            {"n_ctx_train", opt(f.n_ctx_train)},
            {"n_layer", opt(f.n_layer)},
            {"n_head", opt(f.n_head)},
            {"n_head_kv", opt(f.n_head_kv)},
            {"n_embd", opt(f.n_embd)},
            {"n_ff", opt(f.n_ff)},
            {"n_expert", opt(f.n_expert)},
            {"n_expert_used", opt(f.n_expert_used)},
            {"n_vocab", opt(f.n_vocab)}}},
          {"context",
           {{"n_ctx", opt(f.n_ctx)},
            {"n_batch", opt(f.n_batch)},
            {"n_ubatch", opt(f.n_ubatch)},
            {"n_seq_max", opt(f.n_seq_max)},
            {"n_ctx_seq", opt(f.n_ctx_seq)},
            {"flash_attn", str_or_null(f.flash_attn)},
            {"type_k", str_or_null(f.type_k)},
            {"type_v", str_or_null(f.type_v)}}},
          {"layers_offloaded", opt(f.layers_offloaded)},
          {"layers_total", opt(f.layers_total)},
          {"buffers", buffers},
          {"failures", failures},
          {"metal",
           {{"working_set_mib", opt(f.metal_working_set_mib)},
            {"allocated_mib", opt(f.metal_allocated_mib)}}},
          {"vllm",
           {{"weights_gib", opt(f.vllm_weights_gib)},
            {"kv_gib", opt(f.vllm_kv_gib)},
            {"gpu_memory_utilization", opt(f.vllm_gpu_utilization)},
            {"max_seq_len", opt(f.vllm_max_seq_len)},
            {"kv_tokens", opt(f.vllm_kv_tokens)},
            {"gpu_blocks", opt(f.vllm_gpu_blocks)},
            {"estimated_max_len", opt(f.vllm_estimated_max_len)}}},
          {"mlx", {{"peak_gb", opt(f.mlx_peak_gb)}, {"required_mb", opt(f.mlx_required_mb)}}},
          {"ollama",
           {{"required_full_gib", opt(f.ollama_required_full_gib)},
            {"required_partial_gib", opt(f.ollama_required_partial_gib)}}},
          {"ollama_ps",
           [&] {
             json a = json::array();
             for (const auto& r : f.ollama_ps)
               a.push_back({{"name", r.name},
                            {"size_gb", opt(r.size_gb)},
                            {"cpu_pct", r.cpu_pct},
                            {"gpu_pct", r.gpu_pct},
                            {"context", opt(r.context)}});
             return a;
           }()},
          {"lines", f.lines},
          {"notes", f.notes}};
}

// The catalog model whose shape the log prints (layers, width, KV heads, experts, vocabulary).
const ModelEntry* match_model(const LogFacts& f, std::string& how) {
  if (!f.n_layer || !f.n_embd) {
    how = "the log does not print the model's layer count and width (n_layer, n_embd)";
    return nullptr;
  }
  std::vector<const ModelEntry*> hits;
  for (const auto& m : builtin_catalog().models) {
    const ModelArch& a = m.arch;
    if (a.block_count != *f.n_layer || a.embedding_length != *f.n_embd) continue;
    if (f.n_head_kv && a.head_count_kv != *f.n_head_kv) continue;
    if (f.n_expert && (a.expert_count > 1 ? a.expert_count : 0) != *f.n_expert) continue;
    if (f.n_vocab && a.vocab_size != *f.n_vocab) continue;
    if (!f.arch.empty() && !a.arch.empty() && a.arch != f.arch) continue;
    hits.push_back(&m);
  }
  std::string shape =
      "n_layer " + std::to_string(*f.n_layer) + ", n_embd " + std::to_string(*f.n_embd);
  if (f.n_head_kv) shape += ", n_head_kv " + std::to_string(*f.n_head_kv);
  if (f.n_expert && *f.n_expert > 0) shape += ", n_expert " + std::to_string(*f.n_expert);
  if (hits.empty()) {
    how = "no catalog model has the logged shape (" + shape + ")";
    return nullptr;
  }
  // Several share a shape (base/instruct, fine-tunes): prefer the one the log names.
  const std::string logged = norm_name(f.model_name);
  const ModelEntry* best = hits.front();
  for (const ModelEntry* m : hits)
    if (!logged.empty() && (logged.find(norm_name(m->name)) != std::string::npos ||
                            norm_name(m->name).find(logged) != std::string::npos)) {
      best = m;
      break;
    }
  how = "matched by the logged shape (" + shape + ")" +
        (hits.size() > 1 ? "; " + std::to_string(hits.size() - 1) +
                               " other catalog model(s) share it, which allocate the same"
                         : std::string());
  return best;
}

// "Q4_K - Medium" -> Q4_K_M, "MXFP4 MoE" -> MXFP4_MOE, "all F32 (guessed)" -> F32.
std::string quant_from_file_type(std::string ft, std::optional<double> bpw) {
  if (ft.rfind("mostly ", 0) == 0) ft = ft.substr(7);
  // Old converters left the file type unset and llama.cpp guessed "all F32": 16 bits per weight
  // in the size line says F16.
  if (ft.find("(guessed)") != std::string::npos && bpw && *bpw > 15 && *bpw < 17) return "F16";
  if (ft.rfind("all F32", 0) == 0) return "F32";
  if (ft.rfind("MXFP4", 0) == 0) return "MXFP4_MOE";
  const size_t dash = ft.find(" - ");
  std::string base = ft.substr(0, dash);
  if (const size_t sp = base.find(' '); sp != std::string::npos) base = base.substr(0, sp);
  if (dash != std::string::npos) {
    const std::string size = ft.substr(dash + 3);
    const char* suffix = size.rfind("Medium", 0) == 0  ? "_M"
                         : size.rfind("Small", 0) == 0 ? "_S"
                         : size.rfind("Large", 0) == 0 ? "_L"
                                                       : "";
    if (*suffix && file_type_by_name(base + suffix)) return base + suffix;
  }
  return file_type_by_name(base) ? base : std::string();
}

// The catalog cards the log's devices are ("rtx-3090" per CUDA device), by name and memory.
std::vector<std::string> match_hardware(const LogFacts& f, std::vector<std::string>& notes) {
  std::vector<std::string> ids;
  for (const LogDevice& d : f.devices) {
    if (d.name.empty()) continue;
    const std::string n = norm_name(d.name);
    const HardwareEntry* exact = nullptr;
    std::vector<const HardwareEntry*> prefix;
    for (const auto& h : builtin_catalog().hardware) {
      const std::string hn = norm_name(h.name);
      if (hn == n)
        exact = &h;
      else if (hn.rfind(n, 0) == 0)
        prefix.push_back(&h);
    }
    const HardwareEntry* pick = exact;
    if (!pick && !prefix.empty()) {
      // "RTX 5060 Ti" is sold as 8 and 16 GB: the logged memory decides.
      const std::optional<double> mib = d.total_mib ? d.total_mib : d.free_mib;
      double best = 1e18;
      for (const HardwareEntry* h : prefix) {
        const double diff = mib && h->memory_gib ? std::fabs(*h->memory_gib * 1024 - *mib) : 0;
        if (diff < best) best = diff, pick = h;
      }
      if (prefix.size() > 1 && !mib)
        notes.push_back("'" + d.name + "' is sold in several versions; took " + pick->name +
                        " (the log does not say which)");
    }
    if (pick)
      ids.push_back(pick->id);
    else
      notes.push_back("'" + d.name + "' is not in the catalog");
  }
  return ids;
}

// The log's device name -> the index of runcheck's device row (GPUs first, then host).
int device_row(const std::string& dev, const json& devices) {
  const bool host = dev.rfind("CPU", 0) == 0 || dev.find("_Host") != std::string::npos;
  if (host) {
    for (size_t i = 0; i < devices.size(); ++i)
      if (devices[i].value("is_host", false)) return static_cast<int>(i);
    return -1;
  }
  size_t k = dev.size();
  while (k > 0 && dev[k - 1] >= '0' && dev[k - 1] <= '9') --k;
  int index = 0;  // "Metal", "MTL0_Mapped": the one GPU
  if (k < dev.size()) index = std::atoi(dev.c_str() + k);
  if (dev.find("_Mapped") != std::string::npos) {
    const std::string head = dev.substr(0, dev.find("_Mapped"));
    size_t j = head.size();
    while (j > 0 && head[j - 1] >= '0' && head[j - 1] <= '9') --j;
    index = j < head.size() ? std::atoi(head.c_str() + j) : 0;
  }
  int gpu = 0;
  for (size_t i = 0; i < devices.size(); ++i)
    if (!devices[i].value("is_host", false) && gpu++ == index) return static_cast<int>(i);
  return -1;
}

const char* engine_field(const std::string& kind) {
  return kind == "model"     ? "weights_bytes"
         : kind == "kv"      ? "kv_bytes"
         : kind == "compute" ? "compute_bytes"
                             : nullptr;
}

// The GGUF metadata the log shows: the loader's kv dump as printed (numbers, strings, the length
// of string arrays), completed from print_info lines where the dump is missing.
json gguf_metadata(const LogFacts& f) {
  json md = json::object();
  for (const LogKv& kv : f.gguf_kv) {
    if (kv.type.rfind("arr[str,", 0) == 0) {
      md[kv.key] = {{"array_of", "string"},
                    {"length", std::strtoull(kv.type.c_str() + 8, nullptr, 10)}};
    } else if (kv.type == "str") {
      md[kv.key] = kv.value;
    } else if (kv.type == "bool") {
      md[kv.key] = kv.value == "true";
    } else if (kv.type.rfind("arr", 0) != 0) {
      char* end = nullptr;
      const double v = std::strtod(kv.value.c_str(), &end);
      if (end != kv.value.c_str() && std::isfinite(v) && v >= 0 && v < 4e9)
        md[kv.key] = static_cast<uint64_t>(v) == v ? json(static_cast<uint64_t>(v)) : json(v);
    }
  }
  const std::string a =
      md.contains("general.architecture") && md["general.architecture"].is_string()
          ? md["general.architecture"].get<std::string>()
          : f.arch;
  if (a.empty()) return md;
  md["general.architecture"] = a;
  const auto fill = [&](const char* suffix, const std::optional<uint32_t>& v) {
    const std::string k = a + "." + suffix;
    if (v && !md.contains(k)) md[k] = *v;
  };
  fill("block_count", f.n_layer);
  fill("embedding_length", f.n_embd);
  fill("feed_forward_length", f.n_ff);
  fill("attention.head_count", f.n_head);
  fill("attention.head_count_kv", f.n_head_kv);
  fill("attention.key_length", f.n_embd_head_k);
  fill("attention.value_length", f.n_embd_head_v);
  fill("context_length", f.n_ctx_train);
  fill("vocab_size", f.n_vocab);
  if (f.n_expert && *f.n_expert > 0) fill("expert_count", f.n_expert);
  if (f.n_expert_used && *f.n_expert_used > 0) fill("expert_used_count", f.n_expert_used);
  fill("expert_feed_forward_length", f.n_ff_exp);
  fill("expert_shared_feed_forward_length", f.n_ff_shexp);
  fill("expert_shared_count", f.n_expert_shared);
  fill("leading_dense_block_count", f.n_layer_dense_lead);
  fill("attention.q_lora_rank", f.n_lora_q);
  fill("attention.kv_lora_rank", f.n_lora_kv);
  if (f.n_swa && *f.n_swa > 0) fill("attention.sliding_window", f.n_swa);
  return md;
}

}  // namespace

Result<json> diagnose_json(const json& req) {
  if (auto e = check_fields(
          req, {"command", "log", "model", "quant", "hardware", "context", "ram_gb", "runtime"}))
    return *e;
  if (!req.contains("log") || !req["log"].is_string())
    return make_error("missing_field", "log", "paste the runtime's output (a string)");
  auto read = read_log(req["log"].get_ref<const std::string&>());
  if (!read.ok()) return read.error();
  const LogFacts& f = read.value();
  json out = {{"ok", true}, {"facts", log_facts_json(f)}};
  json findings = json::array();
  const auto finding = [&](const char* kind, const std::string& text) {
    findings.push_back({{"kind", kind}, {"text", text}});
  };

  // The request the log implies (each part overridable by the caller).
  std::vector<std::string> notes;
  json q = {{"command", "estimate"}};
  std::string model_how;
  if (req.contains("model"))
    q["model"] = req["model"];
  else if (const ModelEntry* m = match_model(f, model_how))
    q["model"] = m->id;
  else {
    // Not in the catalog: the model the log's own hyperparameters describe (as a GGUF would).
    GgufFile g;
    g.metadata = gguf_metadata(f);
    auto built = model_from_gguf(g);
    if (built.ok()) {
      const std::string name = f.model_name.empty() ? built.value().arch.arch : f.model_name;
      q["model"] = register_user_model(name + " from log", " (from your log)", built.value().arch);
      model_how += "; built from the hyperparameters the log prints";
    } else if (!model_how.empty()) {
      model_how +=
          "; the log's hyperparameters are not enough to build it (" + built.error().message + ")";
    }
  }
  std::string quant = req.contains("quant") && req["quant"].is_string()
                          ? req["quant"].get<std::string>()
                          : quant_from_file_type(f.file_type, f.bits_per_weight);
  // Not printed (the window starts after the loader): the file name says it, "...-Q4_K_S.gguf".
  if (quant.empty())
    for (const char* flag : {"-m", "--model"})
      if (auto it = f.flags.find(flag); it != f.flags.end()) {
        std::string name = it->second;
        for (char& c : name)
          if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        size_t best = 0;
        for (const auto& t : kFileTypes)
          if (t.name.size() > best && name.find(std::string(t.name)) != std::string::npos)
            best = t.name.size(), quant = std::string(t.name);
      }
  if (!quant.empty()) q["quant"] = quant;
  std::vector<std::string> hw = match_hardware(f, notes);
  if (req.contains("hardware"))
    q["hardware"] = req["hardware"];
  else if (!hw.empty()) {
    std::string joined;
    for (const auto& h : hw) joined += (joined.empty() ? "" : ",") + h;
    q["hardware"] = joined;
  }
  if (req.contains("context"))
    q["context"] = req["context"];
  else if (f.n_ctx)
    q["context"] = f.n_ctx_seq && f.n_seq_max && *f.n_seq_max > 1 ? *f.n_ctx_seq : *f.n_ctx;
  else
    for (const char* flag : {"-c", "--ctx-size"})  // not printed: the command line says it
      if (auto it = f.flags.find(flag);
          it != f.flags.end() && !it->second.empty() && it->second.size() < 10 &&
          it->second.find_first_not_of("0123456789") == std::string::npos)
        q["context"] = std::stoul(it->second);
  if (f.n_seq_max && *f.n_seq_max > 1) q["parallel"] = *f.n_seq_max;
  if (req.contains("ram_gb")) q["ram_gb"] = req["ram_gb"];
  q["runtime"] = req.contains("runtime")   ? req["runtime"]
                 : f.runtime == "vllm"     ? json("vllm")
                 : f.runtime == "ollama"   ? json("ollama")
                 : f.runtime == "lmstudio" ? json("lmstudio")
                                           : json("llama.cpp");
  if (f.flash_attn == "on")
    q["flash_attn"] = true;
  else if (f.flash_attn == "off")
    q["flash_attn"] = false;
  if (!f.type_k.empty() && (f.type_k == "f16" || f.type_k == "q8_0" || f.type_k == "q4_0" ||
                            f.type_k == "bf16" || f.type_k == "f32"))
    q["kv_type"] = f.type_k;
  if (f.n_ubatch) q["ubatch"] = *f.n_ubatch;
  if (f.layers_offloaded && f.layers_total && *f.layers_offloaded < *f.layers_total)
    q["gpu_layers"] = *f.layers_offloaded;
  // Experts kept in system RAM (--n-cpu-moe, or -ot "...exps=CPU" overrides): every layer is
  // offloaded yet the host holds a large share of the weights. The engine's n_cpu_moe that puts
  // the same bytes on the host stands in for the override.
  std::string moe_note;
  if (const ModelEntry* m = q.contains("model") && q["model"].is_string()
                                ? builtin_catalog().model(q["model"].get<std::string>())
                                : nullptr;
      m && m->arch.is_moe() && !q.contains("gpu_layers") && q.contains("quant") &&
      q.contains("hardware") && q.contains("context")) {
    double host = 0, all = 0;
    for (const LogBuffer& b : f.buffers)
      if (b.kind == "model") {
        all += b.mib;
        if (b.device.rfind("CPU", 0) == 0 || b.device.find("_Host") != std::string::npos)
          host += b.mib;
      }
    const auto host_mib = [&](uint32_t n) {
      json t = q;
      t["n_cpu_moe"] = n;
      t["inverse"] = false;
      auto r = estimate_json(t);
      if (!r.ok()) return -1.0;
      for (const auto& d : r.value()["memory"]["devices"])
        if (d.value("is_host", false)) return d.value("weights_bytes", 0.0) / kMiB;
      return 0.0;
    };
    if (all > 0 && host / all > kExpertOffloadShare && host_mib(0) >= 0 &&
        host > host_mib(0) * 1.5) {
      uint32_t lo = 0, hi = m->arch.block_count;
      while (lo < hi) {
        const uint32_t mid = (lo + hi) / 2;
        if (host_mib(mid) < host)
          lo = mid + 1;
        else
          hi = mid;
      }
      if (lo > 0 && std::fabs(host_mib(lo - 1) - host) < std::fabs(host_mib(lo) - host)) --lo;
      q["n_cpu_moe"] = lo;
      moe_note = "the log keeps " + gib(host) +
                 " of the weights in system RAM with every layer "
                 "offloaded: read as the routed experts of " +
                 std::to_string(lo) + " layers on the CPU (--n-cpu-moe " + std::to_string(lo) + ")";
    }
  }
  if (!moe_note.empty()) notes.push_back(moe_note);
  out["mapping"] = {{"model", q.contains("model") ? q["model"] : json(nullptr)},
                    {"model_how", str_or_null(req.contains("model") ? "given" : model_how)},
                    {"quant", str_or_null(quant)},
                    {"hardware", q.contains("hardware") ? q["hardware"] : json(nullptr)},
                    {"notes", notes}};

  // What the log itself shows.
  for (const LogDevice& d : f.devices)
    if (d.total_mib && d.free_mib && *d.total_mib - *d.free_mib > kOtherProcessMiB)
      finding("free-memory", d.id + " had " + gib(*d.free_mib) + " free of " + gib(*d.total_mib) +
                                 " when loading: " + gib(*d.total_mib - *d.free_mib) +
                                 " was held by something else (another process, the desktop)");
  if (f.layers_offloaded && f.layers_total) {
    if (*f.layers_offloaded == 0)
      finding("cpu-only", "no layer was offloaded to a GPU (0/" + std::to_string(*f.layers_total) +
                              "): the model runs on the CPU" +
                              (f.devices.empty() ? ", and the log shows no GPU backend loaded"
                                                 : std::string()));
    else if (*f.layers_offloaded < *f.layers_total)
      finding("partial-offload", std::to_string(*f.layers_offloaded) + " of " +
                                     std::to_string(*f.layers_total) +
                                     " layers on the GPU: the rest run from system RAM, which "
                                     "sets the decode speed");
  }
  for (const OllamaPsRow& r : f.ollama_ps)
    if (r.cpu_pct > 0)
      finding(r.gpu_pct > 0 ? "partial-offload" : "cpu-only",
              r.name + ": " + fmt("%.0f", r.cpu_pct) + " % of its " +
                  (r.size_gb ? fmt("%.1f", *r.size_gb) + " GB" : std::string("memory")) +
                  " is in system RAM (ollama ps: " + fmt("%.0f", r.cpu_pct) + "%/" +
                  fmt("%.0f", r.gpu_pct) +
                  "% CPU/GPU): those layers run on the CPU and set the speed" +
                  (r.context ? ", at a context of " + std::to_string(*r.context) + " tokens"
                             : std::string()));
  if (f.n_ctx && f.n_ctx_train && *f.n_ctx < *f.n_ctx_train && !f.flags.count("-c") &&
      !f.flags.count("--ctx-size"))
    finding("context-capped", "the context is " + std::to_string(*f.n_ctx) +
                                  " tokens of the model's " + std::to_string(*f.n_ctx_train) +
                                  " and no -c was given: the runtime's default capped it");
  if (!f.type_v.empty() && f.type_v != "f16" && f.type_v != "bf16" && f.type_v != "f32" &&
      f.flash_attn == "off")
    finding("kv-needs-fa", "the V cache is " + f.type_v +
                               " but flash attention is off: llama.cpp needs -fa on for a "
                               "quantized V cache");
  if (f.metal_allocated_mib && f.metal_working_set_mib &&
      *f.metal_allocated_mib > *f.metal_working_set_mib)
    finding("metal-working-set",
            "Metal allocated " + gib(*f.metal_allocated_mib) +
                ", over the GPU's working-set limit of " + gib(*f.metal_working_set_mib) +
                " (recommendedMaxWorkingSetSize): macOS lets a GPU use only "
                "part of unified memory unless iogpu.wired_limit_mb is raised");
  if (f.vllm_max_seq_len && f.vllm_kv_tokens && *f.vllm_max_seq_len > *f.vllm_kv_tokens)
    finding("vllm-kv", "vLLM's KV cache holds " + std::to_string(*f.vllm_kv_tokens) +
                           " tokens but max_model_len is " + std::to_string(*f.vllm_max_seq_len) +
                           ": --max-model-len " + std::to_string(*f.vllm_kv_tokens) +
                           " or less starts, or raise --gpu-memory-utilization");
  for (const LogAllocFailure& x : f.failures) {
    const std::string what = x.kind == "kv"        ? "the KV cache"
                             : x.kind == "compute" ? "the compute buffer"
                             : x.kind == "model"   ? "the model weights"
                             : x.kind == "host"    ? "a system-RAM buffer"
                                                   : "a buffer";
    std::string text = what + " needed " + gib(x.mib) + " on " + x.device;
    if (x.free_mib)
      text += "; " + gib(*x.free_mib) + " was free";
    else
      for (const LogDevice& d : f.devices)
        if (d.id == x.device && d.free_mib) {
          double held = 0;  // what the log had already put on that device
          for (const LogBuffer& b : f.buffers)
            if (b.device == x.device && b.line < x.line) held += b.mib;
          text += "; " + gib(*d.free_mib) + " was free at load" +
                  (held > 0 ? ", " + gib(std::max(0.0, *d.free_mib - held)) + " after the " +
                                  gib(held) + " already allocated there"
                            : std::string());
        }
    finding("overflow", text);
  }

  // The engine's answer for the same request, and the log's buffers beside it.
  json comparison = json::array();
  json fixes = json::array();
  if (q.contains("model") && q.contains("quant") && q.contains("hardware") &&
      q.contains("context")) {
    json eq = q;
    eq["inverse"] = true;
    auto est = estimate_json(eq);
    if (!est.ok()) {
      out["estimate"] = nullptr;
      out["estimate_error"] = {{"field", est.error().field}, {"message", est.error().message}};
    } else {
      const json& e = est.value();
      out["estimate"] = {{"verdict", e["verdict"]},     {"reasons", e["reasons"]},
                         {"request", e["request"]},     {"memory", e["memory"]},
                         {"placement", e["placement"]}, {"speed", e.value("speed", json())},
                         {"commands", e["commands"]}};
      const json& devs = e["memory"]["devices"];
      // Sum the log's buffers per (runcheck device, kind): CPU and CPU_Mapped are one host.
      std::map<std::pair<int, std::string>, std::pair<double, std::string>> logged;
      for (const LogBuffer& b : f.buffers) {
        const int row = device_row(b.device, devs);
        if (row < 0 || !engine_field(b.kind)) continue;
        auto& cell = logged[{row, b.kind}];
        cell.first += b.mib;
        cell.second += (cell.second.empty() ? "" : "+") + b.device;
      }
      for (const auto& [key, val] : logged) {
        const json& d = devs[key.first];
        const double ours = d.value(engine_field(key.second), 0.0) / kMiB;
        const double diff = val.first > 0 ? (ours - val.first) / val.first * 100 : 0;
        comparison.push_back({{"device", val.second},
                              {"runcheck_device", d["name"]},
                              {"kind", key.second},
                              {"log_mib", val.first},
                              {"runcheck_mib", ours},
                              {"diff_pct", diff},
                              {"match", std::fabs(diff) <= kMatchTolerancePct}});
      }
      // Fixes: the engine's suggestions, each re-run for its verdict, speed and commands.
      if (e.contains("suggestions") && e["suggestions"].is_array())
        for (const json& s : e["suggestions"]) {
          if (fixes.size() >= kMaxFixes) break;
          json alt = q;
          for (const auto& [k, v] : s["change"].items()) alt[k] = v;
          alt["inverse"] = false;
          auto r = estimate_json(alt);
          if (!r.ok()) continue;
          fixes.push_back({{"text", s["text"]},
                           {"change", s["change"]},
                           {"verdict", r.value()["verdict"]},
                           {"decode_tps", s["decode_tps"]},
                           {"commands", r.value()["commands"]}});
        }
    }
  } else {
    std::string missing;
    for (const char* k : {"model", "quant", "hardware", "context"})
      if (!q.contains(k)) missing += (missing.empty() ? "" : ", ") + std::string(k);
    out["estimate"] = nullptr;
    out["estimate_error"] = {{"field", missing},
                             {"message", "the log does not show the " + missing +
                                             "; give them to compare with runcheck"}};
  }
  // The errors knowledge base entries the log matched.
  json errors = json::array();
  for (const LogError& le : f.errors)
    for (const ErrorEntry& ke : builtin_catalog().errors)
      if (ke.id == le.id) {
        json fx = json::array();
        for (size_t i = 0; i < ke.fix_texts.size(); ++i)
          fx.push_back({{"text", ke.fix_texts[i]}, {"syntax", str_or_null(ke.fix_syntax[i])}});
        errors.push_back(
            {{"id", ke.id},
             {"line", le.line},
             {"count", le.count},
             {"text", le.text},
             {"runtime", ke.runtime},
             {"category", ke.category},
             {"meaning", ke.meaning},
             {"fixes", fx},
             {"source", ke.sources.empty() ? json(nullptr) : json(ke.sources[0].url)}});
      }
  out["request"] = q;
  out["findings"] = findings;
  out["comparison"] = comparison;
  out["fixes"] = fixes;
  out["errors"] = errors;
  return out;
}

}  // namespace runcheck
