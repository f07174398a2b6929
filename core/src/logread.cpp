// The log reader: one pass over the lines, each line tried against the few shapes runtimes print
// (key = value lines, buffer lines, allocation failures, vLLM/MLX/Ollama summaries, the errors
// knowledge base). No regular expressions: plain substring searches with bounded work per line.
// This file: the driver and the lines that describe the run (runtime, build, command line,
// devices, model, context); logread_memory.cpp: what was allocated or failed to be.
#include "runcheck/logread.h"

#include <algorithm>

#include "logread_internal.h"
#include "runcheck/constants.h"
#include "text_scan.h"

namespace runcheck::logread {

void Reader::note_cap(const char* what) {
  const std::string msg =
      std::string("only the first ") + std::to_string(kMaxLogItems) + " " + what + " were kept";
  if (std::find(f.notes.begin(), f.notes.end(), msg) == f.notes.end()) f.notes.push_back(msg);
}

LogDevice& Reader::device(const std::string& id) {
  for (auto& d : f.devices)
    if (d.id == id) return d;
  if (f.devices.size() >= kMaxLogItems) {
    note_cap("devices");
    return f.devices.back();
  }
  f.devices.push_back({id, "", std::nullopt, std::nullopt});
  return f.devices.back();
}

// LM Studio's developer log puts each llama.cpp message under a "2026-01-21 16:56:58 [DEBUG]"
// header line (lmstudio-bug-tracker #1395); nothing else here writes that shape.
bool lmstudio_header(std::string_view line) {
  if (line.size() < 27) return false;
  const auto digits = [&](size_t at, size_t n) {
    for (size_t i = at; i < at + n; ++i)
      if (line[i] < '0' || line[i] > '9') return false;
    return true;
  };
  return digits(0, 4) && line[4] == '-' && digits(5, 2) && line[7] == '-' && digits(8, 2) &&
         line[10] == ' ' && digits(11, 2) && line[13] == ':' && digits(14, 2) && line[16] == ':' &&
         digits(17, 2) && line.substr(19, 2) == " [" &&
         (line.substr(21, 6) == "DEBUG]" || line.substr(21, 5) == "INFO]" ||
          line.substr(21, 5) == "WARN]" || line.substr(21, 6) == "ERROR]");
}

void Reader::runtime_markers(sv line) {
  if (line.find("LM Studio") != sv::npos || line.find("lmstudio") != sv::npos ||
      lmstudio_header(line))
    ++votes["lmstudio"];
  if (line.find("ollama") != sv::npos || line.find("source=") != sv::npos) ++votes["ollama"];
  if (line.find("vllm") != sv::npos || line.find("vLLM") != sv::npos ||
      line.find("GPU blocks:") != sv::npos || line.find("gpu_worker.py") != sv::npos ||
      line.find("kv_cache_utils.py") != sv::npos || line.find("llm_engine.py") != sv::npos ||
      line.find("VllmWorker") != sv::npos || line.find("gpu_model_runner.py") != sv::npos ||
      line.find("multiproc_executor.py") != sv::npos || line.find("worker.py:") != sv::npos)
    ++votes["vllm"];
  if (line.find("exllamav2") != sv::npos || line.find("tabbyAPI") != sv::npos) ++votes["exllamav2"];
  if (line.find("mlx") != sv::npos || line.find("Peak memory:") != sv::npos ||
      line.find("[WARNING] Generating with a model") != sv::npos)
    ++votes["mlx"];
  if (line.find("llama_") != sv::npos || line.find("ggml_") != sv::npos ||
      line.find("load_tensors") != sv::npos || line.find("print_info") != sv::npos ||
      line.find("llm_load_") != sv::npos || line.find("clip_model_loader") != sv::npos ||
      line.find("clip_ctx") != sv::npos)
    ++votes["llama.cpp"];
}

void Reader::build_line(sv line) {
  if (!f.build.empty()) return;
  for (sv key : {sv("build = "), sv("version: "), sv("build: ")}) {
    const size_t at = line.find(key);
    if (at == sv::npos) continue;
    size_t p = at + key.size();
    double v = 0;
    const size_t start = p;
    if (!number_at(line, p, v)) continue;
    size_t e = line.find(')', p);
    if (e != sv::npos && e - start < 40 && line.substr(p, 2) == " (")
      f.build = cut(line.substr(start, e + 1 - start));
    else
      f.build = cut(line.substr(start, p - start));
    return;
  }
}

void Reader::command_line(sv line) {
  if (in_command) {
    const sv t = trim(line);
    in_command = !t.empty() && t.back() == '\\';
    if (!t.empty() && t[0] == '-') flags_from(t, 0);
    return;
  }
  static constexpr sv kPrograms[] = {"llama-server",      "llama-cli",        "llama-bench",
                                     "llama-sweep-bench", "llama-perplexity", "server"};
  size_t at = sv::npos;
  sv prog;
  for (sv p : kPrograms) {
    const size_t a = line.find(p);
    if (a != sv::npos && line.find(" -", a) != sv::npos &&
        (a + p.size() == line.size() || line[a + p.size()] == ' ')) {
      at = a;
      prog = p;
      break;
    }
  }
  if (at == sv::npos) {
    // "./build/bin/llama-sweep-bench \": the flags follow on the next lines.
    const sv t = trim(line);
    if (!t.empty() && t.back() == '\\')
      for (sv p : kPrograms)
        if (p != "server" && t.find(p) != sv::npos) {
          if (f.program.empty()) f.program = std::string(p);
          in_command = true;
          return;
        }
    return;
  }
  if (prog == "server") return;
  if (f.program.empty()) f.program = std::string(prog);
  flags_from(line, at + prog.size());
}

void Reader::flags_from(sv line, size_t p) {
  // Flags and their values, as typed: "-c 8192", "--ctx-size=8192", "-fa on", "-cmoe".
  while (p < line.size() && f.flags.size() < 64) {
    p = skip_spaces(line, p);
    size_t e = line.find(' ', p);
    if (e == sv::npos) e = line.size();
    sv tok = line.substr(p, e - p);
    p = e;
    if (tok.size() < 2 || tok[0] != '-' || is_digit(tok[1])) continue;
    std::string key(tok), value;
    if (const size_t eq = tok.find('='); eq != sv::npos) {
      key = std::string(tok.substr(0, eq));
      value = cut(tok.substr(eq + 1), 120);
    } else {
      const size_t q = skip_spaces(line, p);
      if (q < line.size() && line[q] != '\\' &&
          (line[q] != '-' || (q + 1 < line.size() && is_digit(line[q + 1])))) {
        size_t qe = line.find(' ', q);
        if (qe == sv::npos) qe = line.size();
        value = cut(line.substr(q, qe - q), 120);
        p = qe;
      }
    }
    f.flags[cut(key, 40)] = value;
  }
}

void Reader::devices_line(sv line) {
  // "Device 0: NVIDIA GeForce RTX 3090, compute capability 8.6, VMM: yes, VRAM: 24126 MiB (23863
  // MiB free)"
  if (size_t at = line.find("Device "); at != sv::npos && line.find(": ", at) != sv::npos) {
    size_t p = at + 7;
    double idx = 0;
    if (number_at(line, p, idx) && line.substr(p, 2) == ": ") {
      const size_t name_end = line.find(',', p + 2);
      if (name_end != sv::npos) {
        const std::string backend =
            line.find("ROCm") != sv::npos || line.find("gfx") != sv::npos ? "ROCm" : "CUDA";
        LogDevice& d = device(backend + std::to_string(static_cast<int>(idx)));
        d.name = cut(trim(line.substr(p + 2, name_end - p - 2)), 120);
        if (auto v = size_after(line, "VRAM: ")) d.total_mib = v;
        if (size_t fr = line.find(" MiB free)"); fr != sv::npos) {
          size_t s = line.rfind('(', fr);
          double mib = 0;
          if (s != sv::npos && size_at(line, s + 1, mib)) d.free_mib = mib;
        }
      }
    }
  }
  // "using device CUDA0 (NVIDIA GeForce RTX 3090) - 23863 MiB free"
  if (size_t at = line.find("using device "); at != sv::npos) {
    const size_t p = at + 13;
    const size_t sp = line.find(' ', p);
    if (sp != sv::npos) {
      LogDevice& d = device(cut(line.substr(p, sp - p), 40));
      const size_t o = line.find('(', sp), c = line.find(')', sp);
      if (o != sv::npos && c != sv::npos && c > o && d.name.empty())
        d.name = cut(line.substr(o + 1, c - o - 1), 120);
      if (size_t dash = line.find(" - ", sp); dash != sv::npos) {
        double mib = 0;
        if (size_at(line, dash + 3, mib) && line.find("free", dash) != sv::npos) d.free_mib = mib;
      }
    }
  }
  // Metal: the device name and its working-set limit.
  if (size_t at = line.find("found device: "); at != sv::npos)
    device("Metal").name = cut(trim(line.substr(at + 14)), 120);
  if (size_t at = line.find("GPU name:"); at != sv::npos)
    device("Metal").name = cut(trim(line.substr(at + 9)), 120);
  if (line.find("recommendedMaxWorkingSetSize") != sv::npos) {
    if (auto v = keyed_number(line, "recommendedMaxWorkingSetSize")) f.metal_working_set_mib = v;
  }
  // Vulkan: "ggml_vulkan: 0 = Intel(R) Iris(R) Xe Graphics (Intel open-source Mesa driver) | uma:
  // 1"
  if (size_t at = line.find("ggml_vulkan: "); at != sv::npos) {
    size_t p = at + 13;
    double idx = 0;
    if (number_at(line, p, idx) && line.substr(p, 3) == " = ") {
      const size_t e = line.find(" | ", p);
      device("Vulkan" + std::to_string(static_cast<int>(idx))).name =
          cut(trim(line.substr(p + 3, e == sv::npos ? sv::npos : e - p - 3)), 120);
    }
  }
  // Ollama's engine names the file it loads: source=ggml.go msg="" architecture=mistral3
  // file_type=Q8_0 name="" num_tensors=585 (ollama PR #11090's test build, 2025-07).
  if (line.find("source=ggml.go") != sv::npos && line.find(" architecture=") != sv::npos) {
    const std::string arch = go_value(line, "architecture"), ft = go_value(line, "file_type");
    if (!arch.empty() && f.arch.empty()) f.arch = cut(arch, 60);
    if (!ft.empty() && f.file_type.empty()) f.file_type = cut(ft, 60);
  }
  // Ollama: msg="inference compute" id=… library=cuda name=CUDA0 description="NVIDIA …"
  // total="24.0 GiB" available="23.1 GiB"
  if (line.find("msg=\"inference compute\"") != sv::npos) {
    std::string id = go_value(line, "name");
    if (id.empty()) id = go_value(line, "id");
    LogDevice& d = device(id.empty() ? "GPU" : id);
    std::string desc = go_value(line, "description");
    if (!desc.empty()) d.name = desc;
    double mib = 0;
    const std::string total = go_value(line, "total"), avail = go_value(line, "available");
    if (!total.empty() && size_at(total, 0, mib)) d.total_mib = mib;
    if (!avail.empty() && size_at(avail, 0, mib)) d.free_mib = mib;
  }
}

// print_info / llm_load_print_meta "key = value" and GGUF "- kv N: key type = value" lines.
void Reader::model_line(sv line) {
  sv body;
  if (size_t at = line.find("print_info: "); at != sv::npos)
    body = line.substr(at + 12);
  else if (size_t at2 = line.find("llm_load_print_meta: "); at2 != sv::npos)
    body = line.substr(at2 + 21);
  if (!body.empty()) {
    const size_t eq = body.find(" = ");
    if (eq == sv::npos) return;
    const std::string key(trim(body.substr(0, eq)));
    const sv val = trim(body.substr(eq + 3));
    model_fact(key, val);
    return;
  }
  // llama_model_loader: - kv   2:                       general.name str              = 2.8B
  if (size_t at = line.find("- kv ");
      at != sv::npos && line.find("llama_model_loader") != sv::npos) {
    size_t colon = line.find(": ", at);
    const size_t eq = line.find(" = ", at);
    if (colon == sv::npos || eq == sv::npos || eq < colon) return;
    sv key_type = trim(line.substr(colon + 2, eq - colon - 2));
    const size_t sp = key_type.find(' ');
    const sv key = key_type.substr(0, sp);
    const sv val = trim(line.substr(eq + 3));
    if (f.gguf_kv.size() < 2 * kMaxLogItems && sp != sv::npos)
      f.gguf_kv.push_back({cut(key, 120), cut(trim(key_type.substr(sp + 1)), 40), cut(val, 200)});
    if (key == "general.architecture" && f.arch.empty()) f.arch = cut(val, 60);
    if (key == "general.name" && f.model_name.empty()) f.model_name = cut(val, 120);
    // "<arch>.block_count" and the like: the same facts print_info lines give (first one wins).
    static constexpr std::pair<sv, const char*> kSuffixFact[] = {
        {".context_length", "n_ctx_train"},      {".block_count", "n_layer"},
        {".embedding_length", "n_embd"},         {".attention.head_count_kv", "n_head_kv"},
        {".attention.head_count", "n_head"},     {".expert_count", "n_expert"},
        {".expert_used_count", "n_expert_used"}, {".feed_forward_length", "n_ff"}};
    for (const auto& [suffix, fact] : kSuffixFact)
      if (key.size() > suffix.size() && key.substr(key.size() - suffix.size()) == suffix) {
        model_fact(fact, val);
        break;
      }
  }
}

void Reader::model_fact(const std::string& key, sv val) {
  size_t p = 0;
  if (!val.empty() && val[0] == '[') p = 1;  // per-layer arrays: the first value
  double v = 0;
  const bool num = number_at(val, p, v);
  const auto set = [&](std::optional<uint32_t>& out) {
    if (num && !out) out = as_u32(v);
  };
  if (key == "arch")
    f.arch = cut(val, 60);
  else if (key == "general.name")
    f.model_name = cut(val, 120);
  else if (key == "model type")
    f.model_type = cut(val, 60);
  else if (key == "file type" || key == "model ftype")
    f.file_type = cut(val, 60);
  else if (key == "model params") {
    if (num) f.params_b = val.find(" M") != sv::npos ? v / 1000 : v;
  } else if (key == "file size" || key == "model size") {
    double mib = 0;
    if (size_at(val, 0, mib)) f.file_gib = mib / kMiBPerGiB;
    if (size_t b = val.find('('); b != sv::npos) {
      size_t q = b + 1;
      double bpw = 0;
      if (number_at(val, q, bpw)) f.bits_per_weight = bpw;
    }
  } else if (key == "n_ctx_train")
    set(f.n_ctx_train);
  else if (key == "n_layer")
    set(f.n_layer);
  else if (key == "n_head")
    set(f.n_head);
  else if (key == "n_head_kv")
    set(f.n_head_kv);
  else if (key == "n_embd")
    set(f.n_embd);
  else if (key == "n_ff")
    set(f.n_ff);
  else if (key == "n_expert")
    set(f.n_expert);
  else if (key == "n_expert_used")
    set(f.n_expert_used);
  else if (key == "n_vocab")
    set(f.n_vocab);
  else if (key == "n_embd_head_k")
    set(f.n_embd_head_k);
  else if (key == "n_embd_head_v")
    set(f.n_embd_head_v);
  else if (key == "n_swa")
    set(f.n_swa);
  else if (key == "n_ff_exp")
    set(f.n_ff_exp);
  else if (key == "n_ff_shexp")
    set(f.n_ff_shexp);
  else if (key == "n_expert_shared")
    set(f.n_expert_shared);
  else if (key == "n_layer_dense_lead")
    set(f.n_layer_dense_lead);
  else if (key == "n_lora_q")
    set(f.n_lora_q);
  else if (key == "n_lora_kv")
    set(f.n_lora_kv);
  else if (key == "n_rot")
    set(f.n_rot);
}

void Reader::context_line(sv line) {
  const auto take = [&](std::optional<uint32_t>& out, sv key) {
    if (!out)
      if (auto v = as_u32(keyed_number(line, key))) out = v;
  };
  if (line.find("print_info") != sv::npos || line.find("llm_load_print_meta") != sv::npos) return;
  take(f.n_ctx, "n_ctx");
  take(f.n_batch, "n_batch");
  take(f.n_ubatch, "n_ubatch");
  take(f.n_seq_max, "n_seq_max");
  take(f.n_ctx_seq, "n_ctx_per_seq");
  take(f.n_ctx_seq, "n_ctx_seq");
  // The warning "n_ctx_seq (11520) < n_ctx_train (131072) -- the full capacity ..." (and its
  // older n_ctx_per_seq wording) states both even when the context header is cut off.
  for (sv key : {sv("n_ctx_seq ("), sv("n_ctx_per_seq (")})
    if (size_t at = line.find(key); at != sv::npos && !f.n_ctx_seq) {
      size_t p = at + key.size();
      double v = 0;
      if (number_at(line, p, v)) f.n_ctx_seq = as_u32(v);
      if (size_t t = line.find("n_ctx_train (", at); t != sv::npos && !f.n_ctx_train) {
        size_t q = t + 13;
        if (number_at(line, q, v)) f.n_ctx_train = as_u32(v);
      }
    }
  if (line.find("using full-size SWA cache") != sv::npos) f.swa_full = true;
  if (line.find("LLAMA_SET_ROWS=") != sv::npos) {
    f.build_at_least = kLlamacppBuildSetRowsLine;
    f.build_before = kLlamacppBuildSetRowsGone;
  }
  if (f.flash_attn.empty()) {
    const std::string fa = keyed_word(line, "flash_attn");
    if (fa == "1" || fa == "enabled" || fa == "true" || fa == "on")
      f.flash_attn = "on";
    else if (fa == "0" || fa == "disabled" || fa == "false" || fa == "off")
      f.flash_attn = "off";
    else if (fa == "auto")
      f.flash_attn = "auto";
  }
  if (f.type_k.empty()) f.type_k = keyed_word(line, "type_k");
  if (f.type_v.empty()) f.type_v = keyed_word(line, "type_v");
  // "K (f16):  320.00 MiB, V (f16):  320.00 MiB"
  if (size_t k = line.find(" K ("); k != sv::npos && f.type_k.empty()) {
    const size_t c = line.find(')', k);
    if (c != sv::npos && c - k < 16) f.type_k = cut(line.substr(k + 4, c - k - 4), 12);
  }
  if (size_t v = line.find(" V ("); v != sv::npos && f.type_v.empty()) {
    const size_t c = line.find(')', v);
    if (c != sv::npos && c - v < 16) f.type_v = cut(line.substr(v + 4, c - v - 4), 12);
  }
  // "offloaded 33/33 layers to GPU"
  if (size_t at = line.find("offloaded ");
      at != sv::npos && line.find(" layers to GPU", at) != sv::npos) {
    size_t p = at + 10;
    double a = 0, b = 0;
    if (number_at(line, p, a) && p < line.size() && line[p] == '/' && number_at(line, ++p, b)) {
      f.layers_offloaded = as_u32(a);
      f.layers_total = as_u32(b);
    }
  }
}

void Reader::line(sv raw) {
  ++n;
  sv s = raw.substr(0, kMaxLineBytes);
  if (raw.size() > kMaxLineBytes) {
    const std::string msg =
        "lines longer than " + std::to_string(kMaxLineBytes) + " bytes were read up to that length";
    if (std::find(f.notes.begin(), f.notes.end(), msg) == f.notes.end()) f.notes.push_back(msg);
  }
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  if (trim(s).empty()) return;
  runtime_markers(s);
  build_line(s);
  command_line(s);
  devices_line(s);
  model_line(s);
  context_line(s);
  breakdown_line(s);
  buffer_line(s);
  failure_line(s);
  summary_line(s);
  ollama_ps_line(s);
  error_line(s);
}

namespace {

bool looks_binary(sv text) {
  const sv head = text.substr(0, 65536);
  size_t control = 0;
  for (unsigned char c : head) {
    if (c == 0) return true;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != 0x1b) ++control;
  }
  return control * 10 > head.size();
}

}  // namespace
}  // namespace runcheck::logread

namespace runcheck {

Result<LogFacts> read_log(std::string_view text) {
  using namespace logread;  // NOLINT: the reader's own helpers
  if (text.size() >= 4 && text.substr(0, 4) == "GGUF")
    return make_error("bad_log", "log",
                      "this is a GGUF model file, not a log (open it in Will it run? instead)");
  if (looks_binary(text))
    return make_error("bad_log", "log", "this looks like a binary file, not a runtime's text log");
  Reader r;
  const bool truncated = text.size() > kMaxLogBytes;
  sv rest = text.substr(0, kMaxLogBytes);
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    r.line(rest.substr(0, nl));
    if (nl == sv::npos) break;
    rest.remove_prefix(nl + 1);
  }
  LogFacts& f = r.f;
  f.lines = r.n;
  if (truncated)
    f.notes.push_back("the log is longer than " + std::to_string(kMaxLogBytes >> 20) +
                      " MiB: only the first " + std::to_string(kMaxLogBytes >> 20) +
                      " MiB were read");
  // The runtime: the wrappers (LM Studio, Ollama) print llama.cpp's lines too, so they win.
  for (const char* rt : {"lmstudio", "ollama", "vllm", "exllamav2", "mlx", "llama.cpp"})
    if (r.votes[rt] > 0) {
      f.runtime = rt;
      break;
    }
  const bool anything = !f.runtime.empty() || !f.ollama_ps.empty() || !f.buffers.empty() ||
                        !f.errors.empty() || !f.failures.empty() || !f.devices.empty() || f.n_ctx ||
                        !f.arch.empty();
  if (!anything)
    return make_error("bad_log", "log",
                      "no line that llama.cpp, Ollama, vLLM, MLX-LM, LM Studio or ExLlamaV2 "
                      "prints was found (" +
                          std::to_string(f.lines) + " lines read)");
  if (f.runtime.empty()) f.runtime = "llama.cpp";
  // vLLM V0's profile, as buffers of its (first) GPU: the weights, and the activations of the
  // profile run (its peak minus the weights). Per worker, so per GPU under tensor parallelism.
  if (f.runtime == "vllm" && f.vllm_weights_gib && f.buffers.size() < kMaxLogItems) {
    f.buffers.push_back({"CUDA0", "model", *f.vllm_weights_gib * 1024, f.lines});
    const std::optional<double> act =
        f.vllm_activation_gib ? f.vllm_activation_gib
        : f.vllm_peak_torch_gib && *f.vllm_peak_torch_gib > *f.vllm_weights_gib
            ? std::optional<double>(*f.vllm_peak_torch_gib - *f.vllm_weights_gib)
            : std::nullopt;
    if (act && f.buffers.size() < kMaxLogItems)
      f.buffers.push_back({"CUDA0", "compute", *act * 1024, f.lines});
  }
  return f;
}

}  // namespace runcheck
