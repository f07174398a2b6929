// Catalog -> C++ tables (see core/src/catalog_rows.h for the layout and the field lists).
#include "catalog_writer.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "catalog_rows.h"

namespace runcheck {
namespace {

// A C string literal that survives any bytes: printable ASCII as is, the rest as 3-digit octal
// escapes (fixed length, so a following digit is never read as part of the escape).
std::string literal(const std::string& s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\' || ch == '?') {  // '?' avoids trigraphs
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch >= 0x20 && ch < 0x7f) {
      out += static_cast<char>(ch);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", ch);
      out += buf;
    }
  }
  return out + "\"";
}

std::string number(double v) {
  if (std::isnan(v)) return "kNull";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s = buf;
  if (s.find_first_of(".eE") == std::string::npos && s.find("inf") == std::string::npos) s += ".0";
  return s;
}

// One writer per entry field type; the pools collect strings, numbers and sources.
struct Writer {
  std::vector<std::string> strings, numbers, sources;
  std::map<std::string, std::string> seen;  // a list written before -> its span (lists repeat)
  // The span of `items` appended to `pool`, or of the same list written earlier.
  std::string intern(const char* kind, std::vector<std::string>& pool,
                     const std::vector<std::string>& items) {
    std::string key = kind;
    for (const auto& i : items) key += '\n' + i;
    auto it = seen.find(key);
    if (it != seen.end()) return it->second;
    const std::string s = span(pool.size(), items.size());
    pool.insert(pool.end(), items.begin(), items.end());
    return seen[key] = s;
  }
  std::string put(const std::string& v) { return literal(v); }
  std::string put(double v) { return number(v); }
  std::string put(uint32_t v) { return std::to_string(v) + "u"; }
  std::string put(uint64_t v) { return std::to_string(v) + "ull"; }
  std::string put(int v) { return std::to_string(v); }
  std::string put(bool v) { return v ? "true" : "false"; }
  std::string put(HardwareKind v) { return std::to_string(static_cast<int>(v)); }
  std::string put(const std::optional<double>& v) { return v ? number(*v) : "kNull"; }
  std::string put(const std::optional<int>& v) { return v ? number(*v) : "kNull"; }
  static std::string span(size_t begin, size_t count) {
    return "{" + std::to_string(begin) + "u, " + std::to_string(count) + "u}";
  }
  std::string put(const std::vector<std::string>& v) {
    std::vector<std::string> items;
    for (const auto& s : v) items.push_back(literal(s));
    return intern("s", strings, items);
  }
  std::string put(const std::vector<double>& v) {
    std::vector<std::string> items;
    for (double x : v) items.push_back(number(x));
    return intern("n", numbers, items);
  }
  std::string put(const std::vector<Source>& v) {
    std::vector<std::string> items;
    for (const auto& s : v)
      items.push_back("{" + literal(s.url) + ", " + literal(s.retrieved) + "}");
    return intern("u", sources, items);
  }
  std::string put(const std::vector<LayerKind>& v) {
    std::string digits;
    for (LayerKind k : v) digits += static_cast<char>('0' + static_cast<int>(k));
    return literal(digits);
  }
  std::string put(const ModelArch& a) {
    std::string out = "{";
#define X(f) out += put(a.f) + ", ";
    RC_ARCH_FIELDS(X)
#undef X
    return out + "}";
  }
};

// The rows of one table, plus its unused trailing entry (no array is empty).
template <class Entry, class F>
std::string table(const char* type, const char* name, const std::vector<Entry>& entries, F&& row) {
  std::string out = "const " + std::string(type) + " " + name + "[] = {\n";
  for (const auto& e : entries) out += "    " + row(e) + ",\n";
  return out + "    {},\n};\n";
}

std::string pool(const char* decl, const std::vector<std::string>& items, const char* empty) {
  std::string out = std::string(decl) + "[] = {\n";
  for (const auto& s : items) out += "    " + s + ",\n";
  return out + "    " + empty + ",\n};\n";
}

}  // namespace

std::string catalog_tables_cpp(const Catalog& c) {
  Writer w;
  std::string body;
#define X(f) out += w.put(e.f) + ", ";
#define ROW(FIELDS)        \
  [&w](const auto& e) {    \
    std::string out = "{"; \
    FIELDS(X)              \
    return out + "}";      \
  }
  body += table("ModelRow", "kModels", c.models, ROW(RC_MODEL_FIELDS));
  body += table("HardwareRow", "kHardware", c.hardware, ROW(RC_HARDWARE_FIELDS));
  body += table("QuantRow", "kQuants", c.quants, ROW(RC_QUANT_FIELDS));
  body += table("RuntimeRow", "kRuntimes", c.runtimes, ROW(RC_RUNTIME_FIELDS));
  body += table("CloudRow", "kClouds", c.clouds, ROW(RC_CLOUD_FIELDS));
  body += table("ApiRow", "kApis", c.apis, ROW(RC_API_FIELDS));
  body += table("BenchmarkRowC", "kBenchmarks", c.benchmarks, ROW(RC_BENCHMARK_FIELDS));
  body += table("ErrorRow", "kErrors", c.errors, ROW(RC_ERROR_FIELDS));
  body += table("GlossaryRow", "kGlossary", c.glossary, ROW(RC_GLOSSARY_FIELDS));
  body += table("ScoreRow", "kScores", c.scores, ROW(RC_SCORE_FIELDS));
  body += table("QuantLossRow", "kQuantLoss", c.quant_loss, ROW(RC_QUANT_LOSS_FIELDS));
  body += table("UseCaseRow", "kUseCases", c.use_cases, ROW(RC_USE_CASE_FIELDS));
  body += table("DownloadRow", "kDownloads", c.downloads, ROW(RC_DOWNLOAD_FIELDS));
#undef ROW
#undef X
  std::ostringstream o;
  o << "// Generated by runcheck_catgen from catalog/*.json (validated). Do not edit.\n"
    << "#include \"catalog_rows.h\"\n\n"
    << "namespace runcheck::rows {\nnamespace {\n\n"
    << pool("const char* const kStrings", w.strings, "nullptr")
    << pool("const double kNumbers", w.numbers, "0.0")
    << pool("const SourceRow kSources", w.sources, "{nullptr, nullptr}") << body
    << "\n}  // namespace\n\n"
    << "const Tables& generated_tables() {\n"
    << "  static const Tables t{kStrings, kNumbers, kSources,\n"
    << "                        kModels, " << c.models.size() << "u, kHardware, "
    << c.hardware.size() << "u, kQuants, " << c.quants.size() << "u, kRuntimes, "
    << c.runtimes.size() << "u,\n                        kClouds, " << c.clouds.size()
    << "u, kApis, " << c.apis.size() << "u, kBenchmarks, " << c.benchmarks.size()
    << "u,\n                        kErrors, " << c.errors.size() << "u, kGlossary, "
    << c.glossary.size() << "u,\n                        kScores, " << c.scores.size()
    << "u, kQuantLoss, " << c.quant_loss.size() << "u, kUseCases, " << c.use_cases.size()
    << "u, kDownloads, " << c.downloads.size() << "u};\n"
    << "  return t;\n}\n\n}  // namespace runcheck::rows\n";
  return o.str();
}

}  // namespace runcheck
