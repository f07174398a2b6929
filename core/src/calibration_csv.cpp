// Reading the calibration CSVs (shared/calibration format) and mapping their free-text model,
// hardware and backend names to catalog ids: the half of the accuracy scorer and of
// `make benchmarks` that knows nothing of the engine.
#include "calibration_csv.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "names.h"
#include "runcheck/catalog.h"
#include "runcheck/request.h"

namespace runcheck::calib {

using nlohmann::json;

// One CSV record; handles quoted fields with "" escapes and newlines inside quotes.
std::vector<std::vector<std::string>> parse_csv(std::string_view text, size_t max_rows) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size() && rows.size() < max_rows; ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"')
        quoted = false;
      else
        field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));
      row.clear();
    } else {
      field += c;
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Free-text model name -> catalog id: lowercase, drop an org prefix, "meta-llama-3" -> "llama-3".
std::string map_model(const std::string& name) {
  std::string s = lower(name);
  const size_t slash = s.rfind('/');
  if (slash != std::string::npos) s = s.substr(slash + 1);
  if (s.rfind("meta-", 0) == 0) s = s.substr(5);
  for (char& c : s)
    if (c == ' ' || c == '_') c = '-';
  if (builtin_catalog().model(s)) return s;
  // Published names of the same weights' tuned variants: "Llama 3.2 1B Instruct",
  // "gemma-2-9b-it", "Qwen2.5-7B-Instruct-GGUF" share the base model's architecture, so they
  // allocate and run alike; the suffix is dropped, one word at a time. So do re-packagings of
  // the same weights: an imatrix quant ("-i1"), quantization-aware-trained weights ("-qat"), a
  // file that keeps the MTP layers ("-MTP"), and refusal-ablated copies ("-abliterated-v4").
  static const char* const kSuffixes[] = {
      "-gguf", "-instruct", "-it",          "-chat",       "-hf", "-base", "-i1",
      "-qat",  "-mtp",      "-abliterated", "-uncensored", "-v2", "-v3",   "-v4"};
  for (bool again = true; again;) {
    again = false;
    for (const char* suf : kSuffixes) {
      const std::string x = suf;
      if (s.size() > x.size() && s.compare(s.size() - x.size(), x.size(), x) == 0) {
        s.resize(s.size() - x.size());
        if (builtin_catalog().model(s)) return s;
        again = true;
      }
    }
  }
  // The names the catalog knows the weights by (hub repos, GGUF stems, Ollama tags, aliases).
  if (const names::ModelMatch m = names::model_by_name(name); m.pick) return m.pick->id;
  // A re-uploader's file stem keeps the org before an underscore: "google_gemma-3-270m-it".
  const size_t us = name.find('_');
  if (us != std::string::npos && us > 0 && name.find('/') == std::string::npos &&
      name.find('-') > us)
    return map_model(name.substr(us + 1));
  return {};
}

// Free-text hardware -> catalog id. "RTX 4090 24GB [device CUDA0 of 2]" -> rtx-4090, device 0;
// "Apple M1 Max 32-core GPU 64GB" -> apple-m1-max-32c with 64 GiB; "NVIDIA A100 SXM4 80GB" ->
// a100-80gb-sxm. Tries the catalog ids that the words allow; returns {} when none matches.
std::string host_cpu_beside(const std::string& host_name, const std::string& gpu_id) {
  const HardwareEntry* g = builtin_catalog().hw(gpu_id);
  if (host_name.empty() || !g || g->kind != HardwareKind::kGpu) return "";
  const HardwareEntry* c = builtin_catalog().hw(map_hardware(host_name).id);
  return c && c->kind == HardwareKind::kCpu ? c->id : "";
}

HwMatch map_hardware(const std::string& name) {
  HwMatch m;
  std::string s = lower(name);
  const size_t br = s.find('[');
  if (br != std::string::npos) {
    const size_t dev = s.find("device ", br);
    if (dev != std::string::npos) {
      size_t k = dev + 7;
      while (k < s.size() && !std::isdigit(static_cast<unsigned char>(s[k]))) ++k;
      if (k < s.size()) m.device = std::atoi(s.c_str() + k);
    }
    s = s.substr(0, br);
  }
  const size_t paren = s.find('(');
  if (paren != std::string::npos) s = s.substr(0, paren);
  std::vector<std::string> words;
  std::string w;
  for (char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-')
      w += c;
    else if (!w.empty()) {
      words.push_back(w);
      w.clear();
    }
  }
  if (!w.empty()) words.push_back(w);
  std::string mem;  // "24gb"
  std::vector<std::string> kept;
  for (const auto& x : words) {
    if (x == "nvidia" || x == "amd" || x == "intel" || x == "geforce" || x == "radeon" ||
        x == "gpu" || x == "instinct" || x == "pcie" || x == "tesla")
      continue;
    if (x.size() > 2 && x.compare(x.size() - 2, 2, "gb") == 0 &&
        std::isdigit(static_cast<unsigned char>(x[0]))) {
      mem = x;
      continue;
    }
    if (x.size() > 5 && x.compare(x.size() - 5, 5, "-core") == 0) {
      kept.push_back(x.substr(0, x.size() - 5) + "c");
      continue;
    }
    kept.push_back(x == "sxm4" || x == "sxm5" ? "sxm" : x);
  }
  std::string base;
  for (const auto& x : kept) base += (base.empty() ? "" : "-") + x;
  const Catalog& cat = builtin_catalog();
  const bool pcie = lower(name).find("pcie") != std::string::npos;
  std::vector<std::string> tries = {base};
  if (!mem.empty()) {
    tries.push_back(base + "-" + mem);
    // a100-sxm + 80gb -> a100-80gb-sxm
    const size_t dash = base.find('-');
    if (dash != std::string::npos)
      tries.push_back(base.substr(0, dash) + "-" + mem + base.substr(dash));
    if (pcie) tries.push_back(base + "-" + mem + "-pcie");
  }
  if (pcie) tries.push_back(base + "-pcie");
  if (lower(name).find("radeon") != std::string::npos)
    tries.push_back("radeon-" + base);  // Radeon PRO
  // The names tools and benchmark sites print ("NVIDIA A100-SXM4-80GB", "RTX 5070 11.94GB",
  // "Apple M4 Max 12P+4E+40GPU"), through the catalog's aliases, when the id guesses miss.
  if (!cat.hw(base) && !std::any_of(tries.begin(), tries.end(),
                                    [&](const std::string& t) { return cat.hw(t) != nullptr; })) {
    if (const names::HardwareMatch n = names::hardware_by_name(name.substr(0, name.find('[')));
        n.pick)
      tries.push_back(n.pick->id);
  }
  // A Mac without its GPU core count: its variants ("apple-m1-max-24c", "-32c") that offer this
  // memory. When they share one bandwidth, decode cannot tell them apart: the first stands for
  // them, marked, so that a prefill run (compute) is not scored against a guessed core count.
  if (!mem.empty() && base.rfind("apple-", 0) == 0 &&
      std::none_of(tries.begin(), tries.end(), [&](const std::string& t) { return cat.hw(t); })) {
    const double gib = std::atof(mem.c_str());
    std::vector<const HardwareEntry*> variants;
    for (const auto& h : cat.hardware)
      if (h.kind == HardwareKind::kApple && h.id.rfind(base + "-", 0) == 0 &&
          h.id.size() > base.size() + 1 &&
          std::isdigit(static_cast<unsigned char>(h.id[base.size() + 1])) && h.id.back() == 'c' &&
          std::find(h.memory_options_gib.begin(), h.memory_options_gib.end(), gib) !=
              h.memory_options_gib.end())
        variants.push_back(&h);
    const bool one_bandwidth =
        !variants.empty() && std::all_of(variants.begin(), variants.end(), [&](const auto* v) {
          return v->bandwidth_gb_s && variants[0]->bandwidth_gb_s &&
                 *v->bandwidth_gb_s == *variants[0]->bandwidth_gb_s;
        });
    if (one_bandwidth) {
      m.id = variants[0]->id;
      m.ram_gib = gib;
      m.cores_unknown = variants.size() > 1;
      return m;
    }
  }
  for (const auto& t : tries) {
    if (const HardwareEntry* h = cat.hw(t)) {
      m.id = h->id;
      if (h->kind == HardwareKind::kApple && !mem.empty()) m.ram_gib = std::atof(mem.c_str());
      // A published run without its memory size fit on the machine it ran on: the largest
      // configuration is the one that can have run it (the engine's own default is the base).
      else if (h->kind == HardwareKind::kApple && !h->memory_options_gib.empty())
        m.ram_gib = h->memory_options_gib.back();
      return m;
    }
  }
  return m;
}

// "llama.cpp CUDA" -> "cuda"; "" when no known backend is named.
std::string map_backend(const std::string& text) {
  const std::string s = lower(text);
  for (const char* b : {"cuda", "metal", "rocm", "vulkan", "sycl", "cpu"})
    if (s.find(b) != std::string::npos) return b;
  return {};
}

Result<CsvTable> read_csv_tables(const json& req, std::initializer_list<const char*> need) {
  std::vector<std::string> texts;
  if (req.contains("csv") && req["csv"].is_array()) {
    if (req["csv"].empty() || req["csv"].size() > 8)
      return make_error("bad_value", "csv", "csv must hold 1 to 8 files");
    for (size_t k = 0; k < req["csv"].size(); ++k) {
      const json& one = req["csv"][k];
      if (!one.is_string() || one.get_ref<const std::string&>().size() > 8 * 1024 * 1024)
        return make_error("bad_value", "csv[" + std::to_string(k) + "]",
                          "must be a CSV file's text of at most 8 MiB");
      texts.push_back(one.get<std::string>());
    }
  } else {
    FieldReader r(req);
    texts.push_back(r.string("csv", "", true, 8 * 1024 * 1024));
    if (r.error()) return *r.error();
  }
  CsvTable t;
  t.rows.emplace_back();
  t.origin.emplace_back(0, 0);
  for (size_t k = 0; k < texts.size(); ++k) {
    const auto rows = parse_csv(texts[k], 200000);
    const std::string field = texts.size() > 1 ? "csv[" + std::to_string(k) + "]" : "csv";
    if (rows.empty()) return make_error("bad_value", field, field + " has no header row");
    std::map<std::string, size_t> here;
    for (size_t i = 0; i < rows[0].size(); ++i) here[rows[0][i]] = i;
    for (const char* n : need)
      if (!here.count(n))
        return make_error("bad_value", field,
                          field + " header lacks the column '" + std::string(n) + "'");
    for (const auto& [name, i] : here)
      if (!t.col.count(name)) {
        t.col[name] = t.rows[0].size();
        t.rows[0].push_back(name);
      }
    for (size_t i = 1; i < rows.size(); ++i) {
      std::vector<std::string> row(t.rows[0].size());
      for (const auto& [name, j] : here)
        if (j < rows[i].size()) row[t.col[name]] = rows[i][j];
      t.rows.push_back(std::move(row));
      t.origin.emplace_back(k, i + 1);
    }
  }
  return t;
}

// Entries name their row as its index + 1 in the merged table; this rewrites that to the line in
// its own file, and adds the file's index when several files were given.
void name_rows(json& entries, const CsvTable& t) {
  const bool many = t.origin.back().first > 0;
  for (json& e : entries) {
    const size_t i = e["row"].get<size_t>() - 1;
    if (i >= t.origin.size()) continue;
    e["row"] = t.origin[i].second;
    if (many) e["file"] = t.origin[i].first;
  }
}

std::string cell(const CsvTable& t, size_t i, const char* k) {
  const auto it = t.col.find(k);
  return i < t.rows.size() && it != t.col.end() && it->second < t.rows[i].size()
             ? t.rows[i][it->second]
             : std::string();
}

}  // namespace runcheck::calib
