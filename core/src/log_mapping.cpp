// Troubleshoot's mapping: a log's facts as JSON, and the catalog entries and runcheck devices they
// stand for (the model by its logged shape, the quant by its printed file type, the cards by name
// and memory, the GGUF metadata a model can be built from).
#include <cmath>
#include <cstdlib>
#include <map>
#include <mutex>

#include "diagnose_internal.h"
#include "names.h"
#include "runcheck/quant.h"
#include "runcheck/weights.h"

namespace runcheck::diagnosis {

using nlohmann::json;

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
            {"swa_full", f.swa_full},
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
            {"estimated_max_len", opt(f.vllm_estimated_max_len)},
            {"total_gib", opt(f.vllm_total_gib)},
            {"peak_torch_gib", opt(f.vllm_peak_torch_gib)},
            {"non_torch_gib", opt(f.vllm_non_torch_gib)},
            {"activation_gib", opt(f.vllm_activation_gib)},
            {"v0", f.vllm_v0}}},
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
    if (m.draft_only()) continue;
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

// A catalog model's file bytes and token-embedding bytes at a GGUF type, kept for the process
// (catalog models never change; the weights memo is cleared whenever a user model is imported,
// which a diagnosis may do on every log).
static std::pair<uint64_t, uint64_t> catalog_file_bytes(const ModelEntry& m, FileType t) {
  static std::mutex mu;
  static std::map<std::pair<std::string, int>, std::pair<uint64_t, uint64_t>> sizes;
  const auto key = std::make_pair(m.id, static_cast<int>(t));
  {
    std::lock_guard<std::mutex> lock(mu);
    if (auto it = sizes.find(key); it != sizes.end()) return it->second;
  }
  const WeightPlan w = quantized_weights(m.arch, t);
  std::lock_guard<std::mutex> lock(mu);
  return sizes.emplace(key, std::make_pair(w.total_bytes, w.token_embd_bytes)).first->second;
}

// The catalog model and GGUF type whose tensors the log's model buffers hold, when the log prints
// no shape: one load's model buffers sum to the file's tensor data, plus a second copy of tied
// embeddings once the output layer sits apart from them (llama.cpp's TENSOR_DUPLICATED). The
// printed sizes have two decimals: a match must be within half a hundredth of a MiB per buffer,
// and only one model may match.
const ModelEntry* match_by_weights(const LogFacts& f, std::string& quant, std::string& how) {
  if (f.runtime != "llama.cpp" && f.runtime != "lmstudio") return nullptr;
  double logged = 0;
  size_t buffers = 0;
  for (const auto& b : f.buffers)
    if (b.kind == "model" && !b.breakdown) logged += b.mib, ++buffers;
  if (buffers == 0 || logged < 1) return nullptr;
  const double tolerance = 0.005 * static_cast<double>(buffers) + 1e-9;
  const double bytes = logged * 1048576.0;
  const ModelEntry* hit = nullptr;
  std::string hit_type;
  size_t hits = 0;
  for (const auto& m : builtin_catalog().models) {
    if (m.draft_only() || m.parameters == 0) continue;
    // 1.5 to 33 bits per weight: any GGUF type, F32 included.
    const double p = static_cast<double>(m.parameters);
    if (bytes < p * 1.5 / 8 || bytes > p * 33 / 8) continue;
    for (const auto& t : kFileTypes) {
      // Only types whose base bits per weight could give this size (a mix of types per tensor
      // runs from 0.8 to 1.7 times the base type's bits): each trial builds the file's tensors.
      const double base_bits = ggml_milli_bpw(t.default_type) / 1000.0;
      if (bytes < p * base_bits * 0.8 / 8 || bytes > p * base_bits * 1.7 / 8) continue;
      const auto [file, embd] = catalog_file_bytes(m, t.ftype);
      const uint64_t totals[] = {file, m.arch.tied_embeddings ? file + embd : 0};
      for (const uint64_t total : totals) {
        if (total == 0 || std::fabs(static_cast<double>(total) / 1048576.0 - logged) > tolerance)
          continue;
        // Types that lay a model out alike (MXFP4_MOE on a dense model is Q8_0) are one file: the
        // first in llama.cpp's list names it.
        if (hit == &m) continue;
        ++hits;
        hit = &m;
        hit_type = std::string(t.name);
      }
    }
  }
  if (hits != 1) return nullptr;
  quant = hit_type;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", logged);
  how = "matched by its model buffers: " + std::string(buf) + " MiB is " + hit->name + " at " +
        hit_type + " to the hundredth of a MiB (the log prints no shape)";
  return hit;
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
    // The catalog's printed-name aliases first ("Tesla V100-PCIE-16GB", "Orin", "gfx1100"),
    // narrowed by the memory the log gives.
    names::HardwareHints hints;
    if (const auto mib = d.total_mib ? d.total_mib : d.free_mib) hints.memory_gib = *mib / 1024;
    if (const names::HardwareMatch by_name = names::hardware_by_name(d.name, hints); by_name.pick) {
      ids.push_back(by_name.pick->id);
      continue;
    }
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

}  // namespace runcheck::diagnosis
