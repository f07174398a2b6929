// The calibration rows of the catalog (catalog/benchmarks.json): published speed runs with the
// settings each ran with, read into BenchmarkRow (the speed fits' samples).
#include "catalog_internal.h"

namespace runcheck::catalog_detail {

using nlohmann::json;

std::optional<Error> parse_benchmarks(const std::string& file, const json& root, Catalog& cat) {
  const json* arr = top_array(root, "benchmarks");
  if (!arr)
    return make_error("bad_catalog", "benchmarks",
                      file + ": top-level 'benchmarks' array is required");
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& e = (*arr)[i];
    Ctx c{file, "benchmarks[" + std::to_string(i) + "]"};
    BenchmarkRow b;
    if (auto err = entry_id(c, e, b)) return err;
    if (auto err = need_string(c, e, "model", b.model)) return err;
    if (auto err = need_string(c, e, "quant", b.quant)) return err;
    if (auto err = need_string(c, e, "hardware", b.hardware)) return err;
    if (auto err = need_string(c, e, "backend", b.backend)) return err;
    std::string metric;
    if (auto err = need_string(c, e, "metric", metric)) return err;
    if (metric != "tg" && metric != "pp") return c.fail("metric", "must be tg or pp");
    b.decode = metric == "tg";
    if (!e.contains("n_devices") || !e["n_devices"].is_number_integer() ||
        e["n_devices"].get<int>() < 1 || e["n_devices"].get<int>() > 16)
      return c.fail("n_devices", "must be an integer in [1, 16]");
    b.n_devices = e["n_devices"].get<int>();
    if (!e.contains("tokens") || !e["tokens"].is_number_integer() ||
        e["tokens"].get<int64_t>() < 1 || e["tokens"].get<int64_t>() > (1 << 20))
      return c.fail("tokens", "must be an integer in [1, 1048576]");
    b.tokens = static_cast<uint32_t>(e["tokens"].get<int64_t>());
    std::optional<double> v;
    if (auto err = opt_number(c, e, "value_tps", v, 0.01, 1e6, "tokens/s")) return err;
    if (!v) return c.fail("value_tps", "is required");
    b.value_tps = *v;
    if (auto err = opt_number(c, e, "ram_gib", b.ram_gib, 1, 8192, "GiB")) return err;
    if (e.contains("ram_gb_s"))
      if (auto err = opt_number(c, e, "ram_gb_s", b.ram_gb_s, 1, 10000, "GB/s")) return err;
    need_string(c, e, "test_detail", b.test_detail, false);
    if (auto err = sources(c, e, b.sources)) return err;
    // The run's own settings (absent: llama-bench's defaults of the original file).
    need_string(c, e, "runtime", b.runtime, false);
    need_string(c, e, "flash_attn", b.flash_attn, false);
    need_string(c, e, "kv_type", b.kv_type, false);
    need_string(c, e, "kind", b.kind, false);
    need_string(c, e, "submitter", b.submitter, false);
    need_string(c, e, "engine", b.engine, false);
    need_string(c, e, "host", b.host, false);
    if (!b.engine.empty() && b.engine != "llamafile")
      return c.fail("engine", "must be llamafile or absent");
    if (b.flash_attn != "" && b.flash_attn != "on" && b.flash_attn != "off")
      return c.fail("flash_attn", "must be on, off or absent");
    if (b.kind != "bench" && b.kind != "server" && b.kind != "wall-time")
      return c.fail("kind", "must be bench, server or wall-time");
    for (auto [key, field] :
         {std::pair{"gpu_layers", &b.gpu_layers}, std::pair{"n_cpu_moe", &b.n_cpu_moe},
          std::pair{"ubatch", &b.ubatch}, std::pair{"threads", &b.threads}}) {
      std::optional<double> v;
      if (!e.contains(key)) continue;
      if (auto err = opt_number(c, e, key, v, 0, 100000, "")) return err;
      if (v) *field = static_cast<int>(*v);
    }
    std::optional<double> depth;
    if (e.contains("depth"))
      if (auto err = opt_number(c, e, "depth", depth, 0, 1 << 22, "tokens")) return err;
    b.depth = depth ? static_cast<uint32_t>(*depth) : 0;
    std::optional<double> build;
    if (e.contains("build"))
      if (auto err = opt_number(c, e, "build", build, 1, 1000000, "")) return err;
    b.build = build ? static_cast<uint32_t>(*build) : 0;
    cat.benchmarks.push_back(std::move(b));
  }
  return std::nullopt;
}

}  // namespace runcheck::catalog_detail
