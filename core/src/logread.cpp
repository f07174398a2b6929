// The log reader: one pass over the lines, each line tried against the few shapes runtimes print
// (key = value lines, buffer lines, allocation failures, vLLM/MLX/Ollama summaries, the errors
// knowledge base). No regular expressions: plain substring searches with bounded work per line.
#include "runcheck/logread.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "runcheck/catalog.h"

namespace runcheck {
namespace {

using sv = std::string_view;

constexpr size_t kMaxText = 300;  // a quoted line or name is cut here
constexpr double kMiBPerGiB = 1024;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.';
}
sv trim(sv s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}
std::string cut(sv s, size_t n = kMaxText) { return std::string(s.substr(0, n)); }

// A decimal number at s[pos] ("1,234.5" allowed); pos moves past it. False if none there.
bool number_at(sv s, size_t& pos, double& out) {
  size_t p = pos;
  std::string digits;
  bool any = false;
  if (p < s.size() && s[p] == '-') digits += s[p++];
  while (p < s.size() && digits.size() < 40) {
    const char c = s[p];
    if (is_digit(c)) {
      digits += c;
      any = true;
    } else if (c == '.' && p + 1 < s.size() && is_digit(s[p + 1])) {
      digits += c;
    } else if (c == ',' && any && p + 3 < s.size() && is_digit(s[p + 1]) && is_digit(s[p + 2]) &&
               is_digit(s[p + 3]) && (p + 4 >= s.size() || !is_digit(s[p + 4]))) {
      // thousands separator ("175,856")
    } else {
      break;
    }
    ++p;
  }
  if (!any) return false;
  out = std::strtod(digits.c_str(), nullptr);
  if (!std::isfinite(out)) return false;
  pos = p;
  return true;
}
size_t skip_spaces(sv s, size_t p) {
  while (p < s.size() && (s[p] == ' ' || s[p] == '\t')) ++p;
  return p;
}

// "key = 123" or "key: 123" anywhere in the line, with `key` a whole word.
std::optional<double> keyed_number(sv line, sv key) {
  for (size_t at = line.find(key); at != sv::npos; at = line.find(key, at + 1)) {
    if (at > 0 && is_word(line[at - 1])) continue;
    size_t p = at + key.size();
    if (p < line.size() && is_word(line[p])) continue;
    p = skip_spaces(line, p);
    if (p >= line.size() || (line[p] != '=' && line[p] != ':')) continue;
    p = skip_spaces(line, p + 1);
    if (p < line.size() && (line[p] == '[' || line[p] == '\'' || line[p] == '"')) ++p;
    double v = 0;
    if (number_at(line, p, v)) return v;
  }
  return std::nullopt;
}
// The word after "key = " ('quoted' or bare), e.g. type_k = 'f16'.
std::string keyed_word(sv line, sv key) {
  for (size_t at = line.find(key); at != sv::npos; at = line.find(key, at + 1)) {
    if (at > 0 && is_word(line[at - 1])) continue;
    size_t p = at + key.size();
    if (p < line.size() && is_word(line[p])) continue;
    p = skip_spaces(line, p);
    if (p >= line.size() || (line[p] != '=' && line[p] != ':')) continue;
    p = skip_spaces(line, p + 1);
    if (p < line.size() && (line[p] == '\'' || line[p] == '"')) ++p;
    size_t e = p;
    while (e < line.size() && (is_word(line[e]) || line[e] == '-')) ++e;
    if (e > p) return std::string(line.substr(p, e - p));
  }
  return {};
}
std::optional<uint32_t> as_u32(std::optional<double> v) {
  if (!v || *v < 0 || *v > 4e9) return std::nullopt;
  return static_cast<uint32_t>(*v);
}
// "12.8 GiB" / "640.00 MiB" / "256.00 MB" / "14.9888 GB" at pos: the size in MiB.
bool size_at(sv s, size_t pos, double& mib) {
  double v = 0;
  if (!number_at(s, pos, v)) return false;
  pos = skip_spaces(s, pos);
  const sv unit = s.substr(pos, 3);
  if (unit.substr(0, 3) == "GiB" || unit.substr(0, 2) == "GB" || unit.substr(0, 1) == "G")
    mib = v * kMiBPerGiB;
  else if (unit.substr(0, 3) == "KiB" || unit.substr(0, 2) == "KB")
    mib = v / kMiBPerGiB;
  else
    mib = v;  // MiB / MB / unitless: llama.cpp prints MiB
  return true;
}
std::optional<double> size_after(sv line, sv marker) {
  const size_t at = line.find(marker);
  if (at == sv::npos) return std::nullopt;
  double mib = 0;
  size_t p = skip_spaces(line, at + marker.size());
  if (p < line.size() && line[p] == '"') ++p;
  if (!size_at(line, p, mib)) return std::nullopt;
  return mib;
}
// The value of a Go-logger pair `key="…"` or `key=…`.
std::string go_value(sv line, sv key) {
  std::string k = std::string(key) + "=";
  for (size_t at = line.find(k); at != sv::npos; at = line.find(k, at + 1)) {
    if (at > 0 && line[at - 1] != ' ') continue;
    size_t p = at + k.size();
    if (p < line.size() && line[p] == '"') {
      const size_t e = line.find('"', p + 1);
      return cut(line.substr(p + 1, e == sv::npos ? sv::npos : e - p - 1));
    }
    size_t e = line.find(' ', p);
    return cut(line.substr(p, e == sv::npos ? sv::npos : e - p));
  }
  return {};
}

struct Reader {
  LogFacts f;
  uint32_t n = 0;  // current line number
  std::map<std::string, int> votes;

  void note_cap(const char* what) {
    const std::string msg =
        std::string("only the first ") + std::to_string(kMaxLogItems) + " " + what + " were kept";
    if (std::find(f.notes.begin(), f.notes.end(), msg) == f.notes.end()) f.notes.push_back(msg);
  }
  LogDevice& device(const std::string& id) {
    for (auto& d : f.devices)
      if (d.id == id) return d;
    if (f.devices.size() >= kMaxLogItems) {
      note_cap("devices");
      return f.devices.back();
    }
    f.devices.push_back({id, "", std::nullopt, std::nullopt});
    return f.devices.back();
  }

  void runtime_markers(sv line) {
    if (line.find("LM Studio") != sv::npos || line.find("lmstudio") != sv::npos)
      ++votes["lmstudio"];
    if (line.find("ollama") != sv::npos || line.find("source=") != sv::npos) ++votes["ollama"];
    if (line.find("vllm") != sv::npos || line.find("vLLM") != sv::npos ||
        line.find("GPU blocks:") != sv::npos || line.find("gpu_worker.py") != sv::npos ||
        line.find("kv_cache_utils.py") != sv::npos || line.find("llm_engine.py") != sv::npos ||
        line.find("VllmWorker") != sv::npos || line.find("gpu_model_runner.py") != sv::npos ||
        line.find("multiproc_executor.py") != sv::npos || line.find("worker.py:") != sv::npos)
      ++votes["vllm"];
    if (line.find("exllamav2") != sv::npos || line.find("tabbyAPI") != sv::npos)
      ++votes["exllamav2"];
    if (line.find("mlx") != sv::npos || line.find("Peak memory:") != sv::npos ||
        line.find("[WARNING] Generating with a model") != sv::npos)
      ++votes["mlx"];
    if (line.find("llama_") != sv::npos || line.find("ggml_") != sv::npos ||
        line.find("load_tensors") != sv::npos || line.find("print_info") != sv::npos ||
        line.find("llm_load_") != sv::npos)
      ++votes["llama.cpp"];
  }

  void build_line(sv line) {
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

  bool in_command = false;  // the command line goes on after a trailing backslash
  void command_line(sv line) {
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
  void flags_from(sv line, size_t p) {
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

  void devices_line(sv line) {
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
  void model_line(sv line) {
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
      const auto ends = [&](sv suffix) {
        return key.size() >= suffix.size() && key.substr(key.size() - suffix.size()) == suffix;
      };
      if (key == "general.architecture" && f.arch.empty())
        f.arch = cut(val, 60);
      else if (key == "general.name" && f.model_name.empty())
        f.model_name = cut(val, 120);
      else if (ends(".context_length") && !f.n_ctx_train)
        model_fact("n_ctx_train", val);
      else if (ends(".block_count") && !f.n_layer)
        model_fact("n_layer", val);
      else if (ends(".embedding_length") && !f.n_embd)
        model_fact("n_embd", val);
      else if (ends(".attention.head_count_kv") && !f.n_head_kv)
        model_fact("n_head_kv", val);
      else if (ends(".attention.head_count") && !f.n_head)
        model_fact("n_head", val);
      else if (ends(".expert_count") && !f.n_expert)
        model_fact("n_expert", val);
      else if (ends(".expert_used_count") && !f.n_expert_used)
        model_fact("n_expert_used", val);
      else if (ends(".feed_forward_length") && !f.n_ff)
        model_fact("n_ff", val);
    }
  }
  void model_fact(const std::string& key, sv val) {
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

  void context_line(sv line) {
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

  // common_memory_breakdown_print (2026): "|   - CUDA1 (RTX 3090)   | 24575 = 23332 + (17829 =
  // 1177 +   15360 +    1292) + -16586 |" and "|   - Host   |  25094 =  1502 + 21504 + 2088 |".
  // The fit step prints it after each trial: the last table is what was loaded.
  void breakdown_line(sv line) {
    if (line.find("memory breakdown [MiB]") != sv::npos) {
      f.buffers.erase(std::remove_if(f.buffers.begin(), f.buffers.end(),
                                     [](const LogBuffer& b) { return b.breakdown; }),
                      f.buffers.end());
      return;
    }
    const size_t dash = line.find("|   - ");
    if (dash == sv::npos || line.find("memory_breakdown") == sv::npos) return;
    const size_t bar = line.find('|', dash + 6);
    if (bar == sv::npos) return;
    sv label = trim(line.substr(dash + 6, bar - dash - 6));
    std::string id(label.substr(0, label.find(' ')));
    std::vector<double> nums;
    for (size_t p = bar + 1; p < line.size() && nums.size() < 8;) {
      double v = 0;
      size_t q = p;
      if ((is_digit(line[p]) || line[p] == '-') && number_at(line, q, v)) {
        nums.push_back(v);
        p = q;
      } else {
        ++p;
      }
    }
    if (id == "Host" && nums.size() >= 4) {
      id = "CPU";
      nums.erase(nums.begin());  // self = model + context + compute
    } else if (nums.size() >= 6) {
      LogDevice& d = device(id);
      if (const size_t o = label.find('('); o != sv::npos && d.name.empty())
        d.name = cut(label.substr(o + 1, label.rfind(')') - o - 1), 120);
      d.total_mib = nums[0];
      d.free_mib = nums[1];
      nums.erase(nums.begin(), nums.begin() + 3);  // total, free, self
    } else {
      return;
    }
    const char* kinds[] = {"model", "kv", "compute"};
    for (int k = 0; k < 3; ++k) {
      add_buffer(id, kinds[k], nums[k]);
      f.buffers.back().breakdown = true;
    }
  }

  void buffer_line(sv line) {
    const size_t at = line.find(" buffer size");
    if (at != sv::npos) {
      size_t p = line.find('=', at);
      double mib = 0;
      if (p == sv::npos || p - at > 20 || !size_at(line, skip_spaces(line, p + 1), mib)) return;
      // The words before "buffer size": "[DEVICE] [kind]".
      const size_t colon = line.rfind(": ", at);
      sv words = trim(
          line.substr(colon == sv::npos ? 0 : colon + 2, at - (colon == sv::npos ? 0 : colon + 2)));
      std::string kind, dev;
      const size_t sp = words.rfind(' ');
      sv last = sp == sv::npos ? words : words.substr(sp + 1);
      sv before = sp == sv::npos ? sv() : trim(words.substr(0, sp));
      if (last == "model" || last == "KV" || last == "compute" || last == "output" ||
          last == "input" || last == "RS") {
        kind = last == "KV" ? "kv" : last == "RS" ? "recurrent" : std::string(last);
        dev = std::string(before.substr(before.rfind(' ') == sv::npos ? 0 : before.rfind(' ') + 1));
      } else if (line.find("load_tensors") != sv::npos) {
        kind = "model";  // 2024: "llm_load_tensors:      CUDA0 buffer size = 5049.71 MiB"
        dev = std::string(last);
      } else {
        return;
      }
      if (dev.empty() || dev.size() > 40) return;
      add_buffer(dev, kind, mib);
      return;
    }
    // Ollama new engine: msg="model weights" device=CUDA0 size="11.0 GiB"
    static constexpr std::pair<sv, sv> kOllama[] = {{"msg=\"model weights\"", "model"},
                                                    {"msg=\"kv cache\"", "kv"},
                                                    {"msg=\"compute graph\"", "compute"}};
    for (const auto& [marker, kind] : kOllama)
      if (line.find(marker) != sv::npos) {
        const std::string dev = go_value(line, "device"), size = go_value(line, "size");
        double mib = 0;
        if (!dev.empty() && !size.empty() && size_at(size, 0, mib))
          add_buffer(dev, std::string(kind), mib);
      }
  }
  void add_buffer(const std::string& dev, const std::string& kind, double mib) {
    if (f.buffers.size() >= kMaxLogItems) return note_cap("buffers");
    f.buffers.push_back({cut(dev, 40), kind, mib, n, false});
  }

  void failure_line(sv line) {
    // "allocating 4507.00 MiB on device 0: cudaMalloc failed: out of memory"
    if (size_t at = line.find("allocating "); at != sv::npos &&
                                              line.find(" on device ", at) != sv::npos &&
                                              line.find("failed", at) != sv::npos) {
      double mib = 0, idx = 0;
      size_t d = line.find(" on device ", at) + 11;
      if (size_at(line, at + 11, mib) && number_at(line, d, idx)) {
        const std::string backend =
            line.find("hip") != sv::npos || line.find("ROCm") != sv::npos ? "ROCm" : "CUDA";
        add_failure(backend + std::to_string(static_cast<int>(idx)), "", mib);
      }
      return;
    }
    // "failed to allocate CUDA0 buffer of size 4725934080" (bytes)
    if (size_t at = line.find("failed to allocate ");
        at != sv::npos && line.find(" buffer of size ", at) != sv::npos) {
      const size_t b = line.find(" buffer of size ", at);
      std::string dev = b > at + 19 ? cut(trim(line.substr(at + 19, b - at - 19)), 40) : "";
      size_t p = b + 16;
      double bytes = 0;
      if (!number_at(line, p, bytes)) return;
      const double mib = bytes / (1024.0 * 1024.0);
      // The same failure as the line before ("allocating … MiB on device 0")?
      if (!f.failures.empty() && f.failures.back().line + 1 >= n &&
          std::fabs(f.failures.back().mib - mib) < 1.0) {
        if (f.failures.back().device.empty() && !dev.empty()) f.failures.back().device = dev;
        if (dev == "CPU") f.failures.back().kind = "host";
        return;
      }
      add_failure(dev, dev == "CPU" ? "host" : "", mib);
      return;
    }
    // PyTorch: "Tried to allocate 1.74 GiB. GPU 1 has a total capacity of 23.57 GiB of which 605.88
    // MiB is free."
    if (size_t at = line.find("Tried to allocate "); at != sv::npos) {
      double mib = 0;
      if (!size_at(line, at + 18, mib)) return;
      std::string dev = "GPU";
      if (size_t g = line.find("GPU ", at); g != sv::npos) {
        size_t p = g + 4;
        double idx = 0;
        if (number_at(line, p, idx)) dev = "GPU " + std::to_string(static_cast<int>(idx));
      }
      add_failure(dev, "", mib);
      if (auto t = size_after(line, "total capacity of ")) f.failures.back().total_mib = t;
      if (auto fr = size_after(line, " of which ")) f.failures.back().free_mib = fr;
      return;
    }
    // Metal over its working set: "(23984.91 / 21845.34)" with the warning on the same line.
    if (line.find("greater than the recommended max working set size") != sv::npos) {
      const size_t o = line.rfind('(');
      size_t p = o == sv::npos ? sv::npos : skip_spaces(line, o + 1);
      double a = 0, b = 0;
      if (p != sv::npos && number_at(line, p, a)) {
        const size_t slash = line.find('/', p);
        if (slash != sv::npos) {
          size_t q = skip_spaces(line, slash + 1);
          if (number_at(line, q, b)) {
            f.metal_allocated_mib = a;
            if (!f.metal_working_set_mib) f.metal_working_set_mib = b;
          }
        }
      }
    }
    // What the failed allocation was for, from the lines that follow it.
    if (!f.failures.empty() && f.failures.back().kind.empty() && n - f.failures.back().line <= 6) {
      std::string kind;
      if (line.find("kv cache") != sv::npos || line.find("kv_cache") != sv::npos ||
          line.find("KV cache") != sv::npos)
        kind = "kv";
      else if (line.find("compute buffer") != sv::npos ||
               line.find("gallocr_reserve") != sv::npos || line.find("compute_buffer") != sv::npos)
        kind = "compute";
      else if (line.find("error loading model") != sv::npos ||
               line.find("alloc_tensor_range") != sv::npos || line.find("model buffer") != sv::npos)
        kind = "model";
      if (!kind.empty()) f.failures.back().kind = kind;
    }
  }
  void add_failure(const std::string& dev, const std::string& kind, double mib) {
    if (f.failures.size() >= kMaxLogItems) return note_cap("allocation failures");
    f.failures.push_back({dev, kind, mib, std::nullopt, std::nullopt, n});
  }

  void summary_line(sv line) {
    // vLLM
    if (size_t at = line.find("max seq len ("); at != sv::npos) {
      size_t p = at + 13;
      double a = 0, b = 0;
      if (number_at(line, p, a)) f.vllm_max_seq_len = static_cast<uint64_t>(a);
      if (size_t k = line.find("KV cache (", p); k != sv::npos) {
        p = k + 10;
        if (number_at(line, p, b)) f.vllm_kv_tokens = static_cast<uint64_t>(b);
      }
    }
    if (auto v = size_after(line, "Available KV cache memory: ")) f.vllm_kv_gib = *v / kMiBPerGiB;
    if (size_t at = line.find("GPU KV cache size: "); at != sv::npos) {
      size_t p = at + 19;
      double v = 0;
      if (number_at(line, p, v)) f.vllm_kv_tokens = static_cast<uint64_t>(v);
    }
    if (size_t at = line.find("# GPU blocks: "); at != sv::npos) {
      size_t p = at + 14;
      double v = 0;
      if (number_at(line, p, v)) f.vllm_gpu_blocks = static_cast<uint64_t>(v);
    }
    if (size_t at = line.find("weights took "); at != sv::npos) {
      double mib = 0;
      if (size_at(line, at + 13, mib)) f.vllm_weights_gib = mib / kMiBPerGiB;
    }
    if (size_t at = line.find("estimated maximum model length is "); at != sv::npos) {
      size_t p = at + 34;
      double v = 0;
      if (number_at(line, p, v)) f.vllm_estimated_max_len = static_cast<uint64_t>(v);
    }
    if (line.find("gpu_memory_utilization") != sv::npos) {
      if (auto v = keyed_number(line, "gpu_memory_utilization"); v && *v > 0 && *v <= 1)
        f.vllm_gpu_utilization = v;
    }
    // MLX
    if (size_t at = line.find("Peak memory: "); at != sv::npos) {
      size_t p = at + 13;
      double v = 0;
      if (number_at(line, p, v)) f.mlx_peak_gb = v;
    }
    if (size_t at = line.find("model that requires "); at != sv::npos) {
      size_t p = at + 20;
      double v = 0;
      if (number_at(line, p, v)) f.mlx_required_mb = v;
    }
    // Ollama memory.go: memory.required.full="416.8 GiB" memory.required.partial="217.4 GiB"
    if (line.find("memory.required.full=") != sv::npos) {
      double mib = 0;
      const std::string full = go_value(line, "memory.required.full");
      const std::string part = go_value(line, "memory.required.partial");
      if (!full.empty() && size_at(full, 0, mib)) f.ollama_required_full_gib = mib / kMiBPerGiB;
      if (!part.empty() && size_at(part, 0, mib)) f.ollama_required_partial_gib = mib / kMiBPerGiB;
      const std::string off = go_value(line, "layers.offload"),
                        all = go_value(line, "layers.model");
      double a = 0, b = 0;
      size_t p = 0, q = 0;
      if (!off.empty() && !all.empty() && number_at(off, p, a) && number_at(all, q, b) &&
          !f.layers_offloaded) {
        f.layers_offloaded = as_u32(a);
        f.layers_total = as_u32(b);
      }
    }
  }

  // `ollama ps`: a header naming PROCESSOR, then one row per loaded model (columns split by runs
  // of spaces).
  bool in_ps = false;
  void ollama_ps_line(sv line) {
    if (line.rfind("NAME", 0) == 0 && line.find("PROCESSOR") != sv::npos) {
      in_ps = true;
      ++votes["ollama"];
      return;
    }
    if (!in_ps) return;
    std::vector<sv> cols;
    for (size_t p = 0; p < line.size() && cols.size() < 8;) {
      p = skip_spaces(line, p);
      if (p >= line.size()) break;
      size_t e = line.find("  ", p);
      if (e == sv::npos) e = line.size();
      cols.push_back(trim(line.substr(p, e - p)));
      p = e;
    }
    if (cols.size() < 4 || f.ollama_ps.size() >= kMaxLogItems) {
      in_ps = false;
      return;
    }
    OllamaPsRow r;
    r.name = cut(cols[0], 120);
    // Ollama prints decimal units (format.HumanBytes: 1 GB = 10^9 bytes).
    size_t s = 0;
    double size = 0;
    if (number_at(cols[2], s, size)) {
      const sv unit = trim(cols[2].substr(s));
      r.size_gb = unit == "GB"   ? size
                  : unit == "MB" ? size / 1000
                  : unit == "TB" ? size * 1000
                                 : size;
    }
    const sv proc = cols[3];
    size_t q = 0;
    double a = 0, b = 0;
    if (number_at(proc, q, a)) {
      if (proc.find('/') != sv::npos && proc.find("CPU/GPU") != sv::npos) {
        q = proc.find('/') + 1;
        if (number_at(proc, q, b)) r.cpu_pct = a, r.gpu_pct = b;
      } else if (proc.find("GPU") != sv::npos) {
        r.gpu_pct = a;
      } else {
        r.cpu_pct = a;
      }
    }
    if (cols.size() >= 5) {
      size_t c = 0;
      double ctx = 0;
      if (number_at(cols[4], c, ctx) && c == cols[4].size()) r.context = as_u32(ctx);
    }
    f.ollama_ps.push_back(r);
  }

  void error_line(sv line) {
    for (const ErrorEntry& e : builtin_catalog().errors) {
      if (line.find(e.match) == sv::npos) continue;
      auto it = std::find_if(f.errors.begin(), f.errors.end(),
                             [&](const LogError& x) { return x.id == e.id; });
      if (it != f.errors.end()) {
        ++it->count;
      } else if (f.errors.size() < kMaxLogItems) {
        f.errors.push_back({e.id, cut(trim(line)), n, 1});
      } else {
        note_cap("error lines");
      }
    }
  }

  void line(sv raw) {
    ++n;
    sv s = raw.substr(0, kMaxLineBytes);
    if (raw.size() > kMaxLineBytes) {
      const std::string msg = "lines longer than " + std::to_string(kMaxLineBytes) +
                              " bytes were read up to that length";
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
};

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

Result<LogFacts> read_log(std::string_view text) {
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
  return f;
}

}  // namespace runcheck
