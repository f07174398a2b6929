// The compiled-in catalog: typed entries rebuilt from the tables runcheck_catgen generated at
// build time (catalog_rows.h). Nothing is parsed at start; the build already validated the data.
#include <cmath>

#include "catalog_rows.h"
#include "runcheck/catalog.h"

namespace runcheck {
namespace rows {
namespace {

// One reader per table cell type (the inverse of core/catgen's writer).
struct Reader {
  const Tables& t;
  void get(const char* c, std::string& out) const { out = c; }
  void get(double c, double& out) const { out = c; }
  void get(uint32_t c, uint32_t& out) const { out = c; }
  void get(uint64_t c, uint64_t& out) const { out = c; }
  void get(int c, int& out) const { out = c; }
  void get(bool c, bool& out) const { out = c; }
  void get(int c, HardwareKind& out) const { out = static_cast<HardwareKind>(c); }
  void get(double c, std::optional<double>& out) const {
    if (!std::isnan(c)) out = c;
  }
  void get(double c, std::optional<int>& out) const {
    if (!std::isnan(c)) out = static_cast<int>(c);
  }
  void get(Span c, std::vector<std::string>& out) const {
    for (uint32_t i = 0; i < c.count; ++i) out.emplace_back(t.strings[c.begin + i]);
  }
  void get(Span c, std::vector<double>& out) const {
    out.assign(t.numbers + c.begin, t.numbers + c.begin + c.count);
  }
  void get(Span c, std::vector<Source>& out) const {
    for (uint32_t i = 0; i < c.count; ++i)
      out.push_back({t.sources[c.begin + i].url, t.sources[c.begin + i].retrieved});
  }
  void get(const char* c, std::vector<LayerKind>& out) const {
    for (; *c; ++c) out.push_back(static_cast<LayerKind>(*c - '0'));
  }
  void get(const ArchRow& r, ModelArch& a) const {
#define X(f) get(r.f, a.f);
    RC_ARCH_FIELDS(X)
#undef X
  }
};

template <class Entry, class Row, class F>
void read_all(const Reader& rd, const Row* table, uint32_t n, std::vector<Entry>& out, F&& one) {
  out.resize(n);
  for (uint32_t i = 0; i < n; ++i) one(rd, table[i], out[i]);
}

}  // namespace

Catalog catalog_from_tables(const Tables& t) {
  const Reader rd{t};
  Catalog c;
#define X(f) rd.get(r.f, e.f);
  read_all(rd, t.models, t.n_models, c.models,
           [](const Reader& rd, const ModelRow& r, ModelEntry& e) { RC_MODEL_FIELDS(X) });
  read_all(rd, t.hardware, t.n_hardware, c.hardware,
           [](const Reader& rd, const HardwareRow& r, HardwareEntry& e) { RC_HARDWARE_FIELDS(X) });
  read_all(rd, t.quants, t.n_quants, c.quants,
           [](const Reader& rd, const QuantRow& r, QuantEntry& e) { RC_QUANT_FIELDS(X) });
  read_all(rd, t.runtimes, t.n_runtimes, c.runtimes,
           [](const Reader& rd, const RuntimeRow& r, RuntimeEntry& e) { RC_RUNTIME_FIELDS(X) });
  read_all(rd, t.clouds, t.n_clouds, c.clouds,
           [](const Reader& rd, const CloudRow& r, CloudOffer& e) { RC_CLOUD_FIELDS(X) });
  read_all(rd, t.apis, t.n_apis, c.apis,
           [](const Reader& rd, const ApiRow& r, ApiPrice& e) { RC_API_FIELDS(X) });
  read_all(
      rd, t.benchmarks, t.n_benchmarks, c.benchmarks,
      [](const Reader& rd, const BenchmarkRowC& r, BenchmarkRow& e) { RC_BENCHMARK_FIELDS(X) });
  read_all(rd, t.errors, t.n_errors, c.errors,
           [](const Reader& rd, const ErrorRow& r, ErrorEntry& e) { RC_ERROR_FIELDS(X) });
  read_all(rd, t.glossary, t.n_glossary, c.glossary,
           [](const Reader& rd, const GlossaryRow& r, GlossaryEntry& e) { RC_GLOSSARY_FIELDS(X) });
  read_all(rd, t.scores, t.n_scores, c.scores,
           [](const Reader& rd, const ScoreRow& r, QualityScore& e) { RC_SCORE_FIELDS(X) });
  read_all(rd, t.quant_loss, t.n_quant_loss, c.quant_loss,
           [](const Reader& rd, const QuantLossRow& r, QuantLoss& e) { RC_QUANT_LOSS_FIELDS(X) });
  read_all(rd, t.use_cases, t.n_use_cases, c.use_cases,
           [](const Reader& rd, const UseCaseRow& r, UseCase& e) { RC_USE_CASE_FIELDS(X) });
  read_all(rd, t.downloads, t.n_downloads, c.downloads,
           [](const Reader& rd, const DownloadRow& r, DownloadEntry& e) { RC_DOWNLOAD_FIELDS(X) });
#undef X
  return c;
}

}  // namespace rows

const Catalog& builtin_catalog() {
  static const Catalog c = rows::catalog_from_tables(rows::generated_tables());
  return c;
}

// The build refuses an invalid catalog (runcheck_catgen validates it before writing the tables),
// so the compiled-in one always loaded; the callers keep the check for a catalog given at run time.
const std::string& builtin_catalog_error() {
  static const std::string none;
  return none;
}

CardFacts card_facts(const HardwareEntry& h) {
  CardFacts f;
  f.segment = h.segment;
  f.release_date = h.release_date;
  for (const auto& b : builtin_catalog().benchmarks) f.measured_runs += b.hardware == h.id;
  const std::string year =
      h.release_date.size() >= 4 ? h.release_date.substr(0, 4) : std::string("unknown year");
  if (h.segment == "datacenter" || h.segment == "server")
    f.note =
        "a " + year +
        " datacenter card: built for server airflow (usually passive, no fan) and usually without "
        "display outputs; check cooling and power connectors before buying";
  else if (h.segment == "laptop")
    f.note = "a laptop GPU (" + year + "): not sold as a card";
  else
    f.note = "a " + year + " " + (h.segment.empty() ? std::string("GPU") : h.segment + " part");
  if (f.measured_runs == 0)
    f.note += "; no published runs of it in the calibration data (speed is extrapolated)";
  return f;
}

}  // namespace runcheck
