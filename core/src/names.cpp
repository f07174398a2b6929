// The name index: every way the catalog lets a card or a model be named, reduced to a key of
// lowercase letters and digits, and the lookup that narrows a printed name to catalog entries.
#include "names.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "runcheck/quant.h"

namespace runcheck::names {

namespace {

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Vendor and brand words a tool may print or leave out: "NVIDIA GeForce RTX 4090" and "RTX 4090",
// "AMD Radeon RX 7900 XTX" and "Radeon RX 7900 XTX", "Intel(R) Arc(TM) A770 Graphics".
constexpr const char* kBrandWords[] = {"nvidia", "geforce", "amd",         "radeon",  "intel",
                                       "(r)",    "(tm)",    "corporation", "graphics"};

std::string loose_key(std::string s) {
  for (char& c : s) c = lower(c);
  for (const char* w : kBrandWords)
    for (size_t at = s.find(w); at != std::string::npos; at = s.find(w))
      s.erase(at, std::string(w).size());
  return key(s);
}

// "... (RADV NAVI31)", "(16GB)", "(7-core GPU)" and quoted nicknames ("Strix Halo") removed.
std::string without_asides(std::string_view s) {
  std::string out;
  int depth = 0;
  bool quote = false;
  for (char c : s) {
    if (c == '(') ++depth;
    if (c == '"') quote = !quote;
    if (depth == 0 && !quote && c != '"') out += c;
    if (c == ')' && depth > 0) --depth;
  }
  return out;
}

// Finds memory sizes written as "24GB", "19.98GB", "80 GB", "16GiB"; returns the text without
// them and the first size found.
std::string without_memory(std::string_view s, std::optional<double>* first = nullptr) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    const bool starts = std::isdigit(static_cast<unsigned char>(s[i])) &&
                        (i == 0 || !std::isalpha(static_cast<unsigned char>(s[i - 1])));
    if (starts) {
      size_t j = i;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
      size_t k = j;
      while (k < s.size() && s[k] == ' ') ++k;
      auto unit = [&](std::string_view u) {
        if (k + u.size() > s.size()) return false;
        for (size_t n = 0; n < u.size(); ++n)
          if (lower(s[k + n]) != u[n]) return false;
        return k + u.size() == s.size() || !alnum(s[k + u.size()]);
      };
      const size_t len = unit("gib") ? 3 : unit("gb") ? 2 : 0;
      if (len) {
        if (first && !*first) *first = std::atof(std::string(s.substr(i, j - i)).c_str());
        i = k + len;
        continue;
      }
      out.append(s.substr(i, j - i));
      i = j;
      continue;
    }
    out += s[i++];
  }
  return out;
}

// "(38-core GPU)", "38-core GPU", "+40GPU" (Apple chips as benchmark sites print them).
std::optional<int> gpu_cores_in(std::string_view s) {
  std::string l(s);
  for (char& c : l) c = lower(c);
  for (const std::string tail : {"-core gpu", " core gpu", "gpu"}) {
    for (size_t at = l.find(tail); at != std::string::npos; at = l.find(tail, at + 1)) {
      size_t b = at;
      while (b > 0 && std::isdigit(static_cast<unsigned char>(l[b - 1]))) --b;
      if (b == at) continue;
      if (tail == "gpu" && (b == 0 || l[b - 1] != '+')) continue;
      return std::atoi(l.c_str() + b);
    }
  }
  return std::nullopt;
}

template <class Entry>
using Index = std::map<std::string, std::vector<const Entry*>>;

template <class Entry>
void add(Index<Entry>& index, const std::string& k, const Entry* e) {
  if (k.size() < 2) return;
  auto& v = index[k];
  if (std::find(v.begin(), v.end(), e) == v.end()) v.push_back(e);
}

struct HardwareIndex {
  Index<HardwareEntry> exact, loose;
};

const HardwareIndex& hardware_index() {
  static const HardwareIndex idx = [] {
    HardwareIndex x;
    for (const HardwareEntry& h : builtin_catalog().hardware) {
      std::vector<std::string> forms = {h.id, h.name};
      forms.insert(forms.end(), h.aliases.begin(), h.aliases.end());
      const size_t n = forms.size();
      for (size_t i = 0; i < n; ++i) {
        const std::string a = without_asides(forms[i]);
        forms.push_back(a);
        forms.push_back(without_memory(forms[i]));
        forms.push_back(without_memory(a));
      }
      for (const auto& f : forms) {
        add(x.exact, key(f), &h);
        add(x.loose, loose_key(f), &h);
      }
    }
    return x;
  }();
  return idx;
}

// Entries whose memory and speed figures agree within 1 % (one chip in several makers' boxes,
// whose sources round its bandwidth differently: 273 and 273.2 GB/s).
bool same_part(const HardwareEntry& a, const HardwareEntry& b) {
  auto near = [](std::optional<double> x, std::optional<double> y) {
    return x.has_value() == y.has_value() && (!x || std::fabs(*x - *y) <= 0.01 * *x);
  };
  return near(a.memory_gib, b.memory_gib) && a.memory_options_gib == b.memory_options_gib &&
         near(a.bandwidth_gb_s, b.bandwidth_gb_s) && near(a.fp16_tflops, b.fp16_tflops) &&
         a.gpu_cores == b.gpu_cores && a.kind == b.kind;
}

// "Apple M4 Max 12P+4E+40GPU": the CPU/GPU core spec a benchmark site appends, as one word.
std::string without_core_spec(std::string_view s) {
  std::string out, word;
  auto flush = [&] {
    const bool spec =
        word.find('+') != std::string::npos && std::any_of(word.begin(), word.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        });
    if (!spec) out += word;
    word.clear();
  };
  for (char c : s) {
    if (c == ' ') {
      flush();
      out += c;
    } else {
      word += c;
    }
  }
  flush();
  return out;
}

bool has_memory(const HardwareEntry& h, double gib) {
  auto near = [&](double v) { return std::fabs(v - gib) <= 0.15 * v; };
  if (h.memory_gib && near(*h.memory_gib)) return true;
  return std::any_of(h.memory_options_gib.begin(), h.memory_options_gib.end(), near);
}

std::string ids_of(const std::vector<const HardwareEntry*>& v) {
  std::string s;
  for (const HardwareEntry* h : v) s += (s.empty() ? "" : ", ") + h->id;
  return s;
}

}  // namespace

std::string key(std::string_view s) {
  std::string out;
  for (char c : s)
    if (alnum(c)) out += lower(c);
  return out;
}

HardwareMatch hardware_by_name(std::string_view printed, HardwareHints hints) {
  HardwareMatch m;
  std::string text(printed.substr(0, std::min<size_t>(printed.size(), 300)));
  if (const size_t br = text.find('['); br != std::string::npos) text.resize(br);
  // llama.cpp's ROCm line: "AMD Radeon RX 7900 XTX, gfx1100 (0x1100), VMM: no": the name first,
  // then the target, which is tried when the name alone says nothing ("AMD Radeon Graphics").
  std::vector<std::string> parts;
  for (size_t b = 0; b <= text.size();) {
    size_t e = text.find(',', b);
    if (e == std::string::npos) e = text.size();
    parts.push_back(text.substr(b, e - b));
    b = e + 1;
  }
  std::optional<double> mem = hints.memory_gib;
  if (!mem) without_memory(text, &mem);
  const std::optional<int> cores = hints.gpu_cores ? hints.gpu_cores : gpu_cores_in(text);

  const HardwareIndex& idx = hardware_index();
  for (const std::string& raw : parts) {
    const std::string part = without_core_spec(raw);
    const std::string a = without_asides(part);
    for (const std::string& form : {part, a, without_memory(part), without_memory(a)}) {
      for (const auto* index : {&idx.exact, &idx.loose}) {
        const std::string k = index == &idx.exact ? key(form) : loose_key(form);
        if (auto it = index->find(k); it != index->end()) {
          m.candidates = it->second;
          break;
        }
      }
      if (!m.candidates.empty()) break;
    }
    if (!m.candidates.empty()) break;
  }
  if (m.candidates.empty()) {
    m.why = "not in the catalog";
    return m;
  }
  std::vector<const HardwareEntry*> left = m.candidates;
  auto narrow = [&](auto keep) {
    std::vector<const HardwareEntry*> kept;
    for (const HardwareEntry* h : left)
      if (keep(*h)) kept.push_back(h);
    if (!kept.empty()) left = kept;
  };
  if (cores && left.size() > 1)
    narrow([&](const HardwareEntry& h) { return h.gpu_cores == cores; });
  if (mem && left.size() > 1) narrow([&](const HardwareEntry& h) { return has_memory(h, *mem); });
  const bool one_part = std::all_of(
      left.begin(), left.end(), [&](const HardwareEntry* h) { return same_part(*h, *left[0]); });
  if (left.size() == 1 || one_part) {
    m.pick = left.front();
    if (left.size() > 1) m.why = "the same part is sold as " + ids_of(left);
    return m;
  }
  m.why = "'" + key(text) + "' stands for " + ids_of(left) + "; " +
          (mem || cores ? "the memory or GPU cores given do not tell them apart"
                        : "the memory size or GPU core count tells them apart");
  return m;
}

std::vector<std::string> model_names(const ModelEntry& m) {
  std::vector<std::string> out = m.aliases;
  auto push = [&](std::string s) {
    if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  auto tail = [](const std::string& s) {
    const size_t slash = s.rfind('/');
    return slash == std::string::npos ? s : s.substr(slash + 1);
  };
  auto drop_suffix = [](std::string s, std::string_view suf) {
    if (s.size() > suf.size()) {
      std::string t = s.substr(s.size() - suf.size());
      for (char& c : t) c = lower(c);
      if (t == suf) s.resize(s.size() - suf.size());
    }
    return s;
  };
  push(m.hf_repo);
  push(tail(m.hf_repo));
  for (const DownloadEntry& d : builtin_catalog().downloads) {
    if (d.model != m.id) continue;
    if (d.runtime == "ollama") {
      // "llama3.1:8b-instruct-q4_K_M": the tag people type is "llama3.1:8b"; the size tag
      // alone is what `ollama run` pulls by default.
      const size_t colon = d.name.find(':');
      push(d.name.substr(0, d.name.find('-', colon == std::string::npos ? 0 : colon)));
    } else if (d.runtime == "mlx") {
      std::string t = tail(d.name);
      const size_t dash = t.rfind('-');
      if (dash != std::string::npos && t.find("bit", dash) != std::string::npos) t.resize(dash);
      push(t);
    } else {
      push(d.name);
      push(drop_suffix(tail(d.name), "-gguf"));
      if (const size_t q = d.file_pattern.find("{QUANT}"); q != std::string::npos && q > 1)
        push(d.file_pattern.substr(0, q - 1));  // "Meta-Llama-3.1-8B-Instruct-{QUANT}.gguf"
    }
  }
  return out;
}

namespace {

const Index<ModelEntry>& model_index() {
  static const Index<ModelEntry> idx = [] {
    Index<ModelEntry> x;
    for (const ModelEntry& m : builtin_catalog().models) {
      add(x, key(m.id), &m);
      add(x, key(m.name), &m);
      for (const std::string& n : model_names(m)) add(x, key(n), &m);
    }
    return x;
  }();
  return idx;
}

// "Meta-Llama-3.1-8B-Instruct-Q4_K_M-00001-of-00002.gguf" -> "Meta-Llama-3.1-8B-Instruct".
std::string strip_file(std::string s) {
  if (const size_t slash = s.find_last_of("/\\"); slash != std::string::npos)
    s = s.substr(slash + 1);
  auto ends = [&](std::string_view suf) {
    if (s.size() < suf.size()) return false;
    for (size_t i = 0; i < suf.size(); ++i)
      if (lower(s[s.size() - suf.size() + i]) != suf[i]) return false;
    return true;
  };
  if (ends(".gguf")) s.resize(s.size() - 5);
  if (const size_t of = s.rfind("-of-"); of != std::string::npos && of > 6 && s[of - 6] == '-')
    s.resize(of - 6);
  // A trailing quant name ("-Q4_K_M", ".Q8_0", "-UD-Q4_K_XL", "-IQ2_XXS", "-bf16").
  for (size_t cut = s.find_last_of("-."); cut != std::string::npos && cut > 0;
       cut = s.find_last_of("-.")) {
    std::string word = s.substr(cut + 1);
    for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const bool quant = file_type_by_name(word) || word == "BF16" || word == "F16" || word == "UD" ||
                       (word.rfind("Q", 0) == 0 && word.find('_') != std::string::npos) ||
                       word.rfind("IQ", 0) == 0;
    if (!quant) break;
    s.resize(cut);
  }
  return s;
}

}  // namespace

ModelMatch model_by_name(std::string_view printed) {
  ModelMatch m;
  const std::string text(printed.substr(0, std::min<size_t>(printed.size(), 300)));
  const std::string file = strip_file(text);
  std::vector<std::string> forms = {text, file};
  if (const size_t slash = file.rfind('/'); slash != std::string::npos)
    forms.push_back(file.substr(slash + 1));
  for (const std::string suf : {"-gguf", "-GGUF"})
    if (file.size() > suf.size() && file.compare(file.size() - suf.size(), suf.size(), suf) == 0)
      forms.push_back(file.substr(0, file.size() - suf.size()));
  if (const size_t colon = text.find(':'); colon != std::string::npos)  // Ollama "qwen3:8b-q8_0"
    forms.push_back(text.substr(0, text.find('-', colon)));
  const auto& idx = model_index();
  for (const std::string& f : forms) {
    if (auto it = idx.find(key(f)); it != idx.end()) {
      m.candidates = it->second;
      break;
    }
  }
  if (m.candidates.empty()) {
    m.why = "not in the catalog";
    return m;
  }
  if (m.candidates.size() == 1) {
    m.pick = m.candidates.front();
    return m;
  }
  for (const ModelEntry* c : m.candidates)  // a name that is one entry's own id or name
    for (const std::string& f : forms)
      if (key(c->id) == key(f) || key(c->name) == key(f)) {
        m.pick = c;
        return m;
      }
  m.why = "the name stands for " + std::to_string(m.candidates.size()) + " catalog models";
  return m;
}

}  // namespace runcheck::names
