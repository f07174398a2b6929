// The log reader's memory lines: per-device buffers (2024-26 formats, Ollama's new engine, the
// 2026 breakdown table), allocation failures and what they were for, the vLLM / MLX / Ollama
// summaries, `ollama ps`, and the lines the errors knowledge base recognises.
#include <algorithm>
#include <cmath>

#include "logread_internal.h"
#include "runcheck/catalog.h"
#include "text_scan.h"

namespace runcheck::logread {

// common_memory_breakdown_print (2026): "|   - CUDA1 (RTX 3090)   | 24575 = 23332 + (17829 =
// 1177 +   15360 +    1292) + -16586 |" and "|   - Host   |  25094 =  1502 + 21504 + 2088 |".
// The fit step prints it after each trial: the last table is what was loaded.
void Reader::breakdown_line(sv line) {
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

void Reader::buffer_line(sv line) {
  // The image encoder (llama.cpp tools/mtmd/clip.cpp at 3f545be): "clip_ctx: CLIP using CUDA0
  // backend", "load_hparams: model size: 837.36 MiB", and its own compute buffer from
  // reserve_compute_meta (alloc_compute_meta in older builds).
  if (size_t at = line.find("CLIP using "); at != sv::npos) {
    const size_t b = at + 11, e = line.find(" backend", b);
    if (e != sv::npos && e - b <= 40) f.clip_device = std::string(line.substr(b, e - b));
    return;
  }
  if (line.find("load_hparams: model size:") != sv::npos) {
    double mib = 0;
    if (size_at(line, skip_spaces(line, line.find(':', line.find("model size")) + 1), mib))
      add_buffer(f.clip_device.empty() ? "CPU" : f.clip_device, "mmproj", mib);
    return;
  }
  const bool clip =
      line.find("reserve_compute_meta") != sv::npos || line.find("alloc_compute_meta") != sv::npos;
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
      if (clip && kind == "compute") kind = "encoder";
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
  // Ollama new engine: msg="model weights" device=CUDA0 size="11.0 GiB" (Aug 2025, backend.go);
  // its July 2025 test build named the device buffer= (weights) or backend= (compute graph).
  static constexpr std::pair<sv, sv> kOllama[] = {{"msg=\"model weights\"", "model"},
                                                  {"msg=\"kv cache\"", "kv"},
                                                  {"msg=\"compute graph\"", "compute"}};
  for (const auto& [marker, kind] : kOllama)
    if (line.find(marker) != sv::npos) {
      std::string dev = go_value(line, "device");
      if (dev.empty()) dev = go_value(line, "buffer");
      if (dev.empty()) dev = go_value(line, "backend");
      const std::string size = go_value(line, "size");
      double mib = 0;
      if (!dev.empty() && !size.empty() && size_at(size, 0, mib))
        add_buffer(dev, std::string(kind), mib);
    }
}

void Reader::add_buffer(const std::string& dev, const std::string& kind, double mib) {
  if (f.buffers.size() >= kMaxLogItems) return note_cap("buffers");
  f.buffers.push_back({cut(dev, 40), kind, mib, n, false});
}

void Reader::failure_line(sv line) {
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
    else if (line.find("compute buffer") != sv::npos || line.find("gallocr_reserve") != sv::npos ||
             line.find("compute_buffer") != sv::npos)
      kind = "compute";
    else if (line.find("error loading model") != sv::npos ||
             line.find("alloc_tensor_range") != sv::npos || line.find("model buffer") != sv::npos)
      kind = "model";
    if (!kind.empty()) f.failures.back().kind = kind;
  }
}

void Reader::add_failure(const std::string& dev, const std::string& kind, double mib) {
  if (f.failures.size() >= kMaxLogItems) return note_cap("allocation failures");
  f.failures.push_back({dev, kind, mib, std::nullopt, std::nullopt, n});
}

void Reader::summary_line(sv line) {
  // vLLM
  if (size_t at = line.find("max seq len ("); at != sv::npos) {
    f.vllm_v0 = true;
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
  if (line.find("Memory profiling results") != sv::npos) {
    f.vllm_v0 = true;
    const auto gib = [&](sv key) -> std::optional<double> {
      auto v = keyed_number(line, key);
      return v && *v >= 0 && *v < 1e6 ? v : std::nullopt;
    };
    f.vllm_total_gib = gib("total_gpu_memory");
    f.vllm_peak_torch_gib = gib("peak_torch_memory");
    f.vllm_non_torch_gib = gib("non_torch_memory");
    if (auto kv = gib("kv_cache_size")) f.vllm_kv_gib = kv;
  }
  // vLLM 0.7-0.8 (worker.py): "the current vLLM instance can use total_gpu_memory (23.58GiB) x
  // gpu_memory_utilization (0.99) = 23.35GiB" and "model weights take 21.21GiB;
  // non_torch_memory takes 0.20GiB; PyTorch activation peak memory takes 0.37GiB; the rest of
  // the memory reserved for KV Cache is 1.57GiB".
  if (auto v = size_after(line, "total_gpu_memory (")) f.vllm_total_gib = *v / kMiBPerGiB;
  if (size_t at = line.find("gpu_memory_utilization ("); at != sv::npos) {
    size_t p = at + 24;
    double u = 0;
    if (number_at(line, p, u) && u > 0 && u <= 1) f.vllm_gpu_utilization = u;
  }
  if (line.find("model weights take ") != sv::npos) {
    f.vllm_v0 = true;
    if (auto v = size_after(line, "model weights take ")) f.vllm_weights_gib = *v / kMiBPerGiB;
    if (auto v = size_after(line, "non_torch_memory takes "))
      f.vllm_non_torch_gib = *v / kMiBPerGiB;
    if (auto v = size_after(line, "activation peak memory takes "))
      f.vllm_activation_gib = *v / kMiBPerGiB;
    if (auto v = size_after(line, "reserved for KV Cache is ")) f.vllm_kv_gib = *v / kMiBPerGiB;
  }
  if (size_t at = line.find("Maximum concurrency for "); at != sv::npos) {
    size_t p = at + 24;
    double v = 0;
    if (number_at(line, p, v) && v >= 1 && v < 1e9 &&
        line.find(" tokens per request", p) != sv::npos)
      f.vllm_request_tokens = static_cast<uint64_t>(v);
  }
  if (size_t at = line.find("# GPU blocks: "); at != sv::npos) {
    f.vllm_v0 = true;
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
    const std::string off = go_value(line, "layers.offload"), all = go_value(line, "layers.model");
    double a = 0, b = 0;
    size_t p = 0, q = 0;
    if (!off.empty() && !all.empty() && number_at(off, p, a) && number_at(all, q, b) &&
        !f.layers_offloaded) {
      f.layers_offloaded = as_u32(a);
      f.layers_total = as_u32(b);
    }
  }
}

void Reader::ollama_ps_line(sv line) {
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

void Reader::error_line(sv line) {
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

}  // namespace runcheck::logread
