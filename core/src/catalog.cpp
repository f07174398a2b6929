// The catalog loader: every entity file (models, hardware, quants, runtimes, clouds, APIs,
// benchmarks, exceptions) read into typed entries with each field's range checked. Over 500 lines
// because it is one table of field checks per entity; splitting it per entity would scatter the
// shared readers (opt_number, need_string, sources) without making any part clearer.
#include "runcheck/catalog.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "catalog_internal.h"
#include "hf_config.h"
#include "runcheck/options.h"

namespace runcheck {

namespace {
// Bytes per transfer of one 64-bit DDR channel (JEDEC DDR4/DDR5 DIMMs: 64 data bits).
constexpr double kBytesPerDdrTransfer = 8;
}  // namespace

namespace catalog_detail {
bool is_slug(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char ch : s)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
          ch == '_'))
      return false;
  return true;
}

bool is_date(const std::string& s) {  // YYYY-MM-DD or YYYY-MM
  if (s.size() != 10 && s.size() != 7) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? s[i] != '-' : !(s[i] >= '0' && s[i] <= '9')) return false;
  }
  return true;
}

std::optional<Error> need_string(const Ctx& c, const json& e, const char* key, std::string& out,
                                 bool required, size_t max_len) {
  if (!e.contains(key) || e[key].is_null()) {
    if (required) return c.fail(key, "is required");
    return std::nullopt;
  }
  if (!e[key].is_string()) return c.fail(key, "must be a string");
  out = e[key].get<std::string>();
  if (out.size() > max_len)
    return c.fail(key, "is longer than " + std::to_string(max_len) + " characters");
  return std::nullopt;
}

// A number in [lo, hi] or null. `unit` goes into the message.
std::optional<Error> opt_number(const Ctx& c, const json& e, const char* key,
                                std::optional<double>& out, double lo, double hi,
                                const char* unit) {
  if (!e.contains(key)) return c.fail(key, "is missing (use null when unknown)");
  if (e[key].is_null()) return std::nullopt;
  if (!e[key].is_number())
    return c.fail(key, std::string("must be a number in ") + unit + " or null");
  const double v = e[key].get<double>();
  if (!std::isfinite(v) || v < lo || v > hi)
    return c.fail(key, "= " + e[key].dump() + " is outside the sane range [" + json(lo).dump() +
                           ", " + json(hi).dump() + "] " + unit);
  out = v;
  return std::nullopt;
}

std::optional<Error> sources(const Ctx& c, const json& e, std::vector<Source>& out) {
  if (!e.contains("sources") || !e["sources"].is_array() || e["sources"].empty())
    return c.fail("sources", "must list at least one {url, retrieved}");
  for (size_t i = 0; i < e["sources"].size(); ++i) {
    const json& s = e["sources"][i];
    const std::string f = "sources[" + std::to_string(i) + "]";
    if (!s.is_object() || !s.contains("url") || !s["url"].is_string())
      return c.fail(f + ".url", "is required");
    Source src{s["url"].get<std::string>(), s.value("retrieved", "")};
    if (src.url.rfind("https://", 0) != 0 && src.url.rfind("http://", 0) != 0)
      return c.fail(f + ".url", "must be an http(s) URL");
    if (!is_date(src.retrieved)) return c.fail(f + ".retrieved", "must be a date YYYY-MM-DD");
    out.push_back(std::move(src));
  }
  return std::nullopt;
}

std::optional<Error> string_list(const Ctx& c, const json& e, const char* key,
                                 std::vector<std::string>& out) {
  if (!e.contains(key)) return c.fail(key, "is missing (use null when unknown)");
  if (e[key].is_null()) return std::nullopt;
  if (!e[key].is_array()) return c.fail(key, "must be an array of strings or null");
  for (const auto& v : e[key]) {
    if (!v.is_string()) return c.fail(key, "must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return std::nullopt;
}

const json* top_array(const json& root, const char* key) {
  return root.contains(key) && root[key].is_array() ? &root[key] : nullptr;
}

}  // namespace catalog_detail

namespace {

using nlohmann::json;
using namespace catalog_detail;  // NOLINT: the shared field readers

std::optional<Error> parse_models(const std::string& file, const json& root, Catalog& cat) {
  if (!root.contains("models") || !root["models"].is_array())
    return make_error("bad_catalog", "models", file + ": top-level 'models' array is required");
  for (size_t i = 0; i < root["models"].size(); ++i) {
    const json& e = root["models"][i];
    Ctx c{file, "models[" + std::to_string(i) + "]"};
    if (!e.is_object()) return c.fail("entry", "must be an object");
    ModelEntry m;
    if (auto err = need_string(c, e, "id", m.id)) return err;
    c.where += " '" + m.id + "'";
    if (!is_slug(m.id)) return c.fail("id", "must be a lowercase slug [a-z0-9.-_]");
    if (auto err = need_string(c, e, "name", m.name)) return err;
    if (auto err = need_string(c, e, "family", m.family)) return err;
    if (auto err = need_string(c, e, "hf_repo", m.hf_repo)) return err;
    // A repository id as commands use it (vllm serve ORG/NAME): one slash, no spaces or notes.
    {
      const size_t slash = m.hf_repo.find('/');
      const bool ok_repo =
          slash != std::string::npos && slash > 0 && slash + 1 < m.hf_repo.size() &&
          m.hf_repo.find('/', slash + 1) == std::string::npos &&
          std::all_of(m.hf_repo.begin(), m.hf_repo.end(), [](unsigned char ch) {
            return std::isalnum(ch) || ch == '/' || ch == '.' || ch == '_' || ch == '-';
          });
      if (!ok_repo)
        return c.fail("hf_repo",
                      "must be a Hugging Face repository id ORG/NAME (notes go in notes)");
    }
    if (auto err = need_string(c, e, "license", m.license, false)) return err;
    if (auto err = need_string(c, e, "release_date", m.release_date, false)) return err;
    if (auto err = need_string(c, e, "default_quant", m.default_quant, false)) return err;
    m.kind = e.value("kind", "llm");
    if (!m.release_date.empty() && !is_date(m.release_date))
      return c.fail("release_date", "must be YYYY-MM-DD or YYYY-MM");
    if (auto err = opt_number(c, e, "params_total_b", m.params_total_b, 0.001, 5000, "billions"))
      return err;
    if (auto err = opt_number(c, e, "params_active_b", m.params_active_b, 0.001, 5000, "billions"))
      return err;
    if (!e.contains("config"))
      return c.fail("config", "is required (the published config.json keys)");
    // A copy of the text config alone (config_from text_config) may come with the published
    // vision_config beside it, as its own cited field.
    json cfg = e["config"];
    if (e.contains("vision_config") && cfg.is_object() && !cfg.contains("vision_config"))
      cfg["vision_config"] = e["vision_config"];
    auto arch = model_from_hf_config(cfg, "config");
    if (!arch.ok()) return c.fail(arch.error().field, "is invalid: " + arch.error().message);
    m.arch = std::move(arch).value();
    // A draft head is only a draft (speculative: eagle3), and only a head's config says so.
    if ((m.kind == "draft-head") != (m.arch.arch == "eagle3"))
      return c.fail("kind", m.kind == "draft-head"
                                ? "is draft-head but the config is not an EAGLE-3 head "
                                  "(draft_vocab_size missing)"
                                : "must be draft-head for an EAGLE-3 head config");
    if (auto why = apply_model_kind(m.kind, m.arch)) return c.fail("kind", *why);
    m.parameters = parameter_count(m.arch);
    if (e.contains("aliases"))  // optional: names.cpp derives the hub, GGUF and Ollama names
      if (auto err = string_list(c, e, "aliases", m.aliases)) return err;
    if (auto err = sources(c, e, m.sources)) return err;
    cat.models.push_back(std::move(m));
  }
  return std::nullopt;
}

std::optional<Error> parse_hardware(const std::string& file, const json& root, Catalog& cat) {
  if (!root.contains("hardware") || !root["hardware"].is_array())
    return make_error("bad_catalog", "hardware", file + ": top-level 'hardware' array is required");
  for (size_t i = 0; i < root["hardware"].size(); ++i) {
    const json& e = root["hardware"][i];
    Ctx c{file, "hardware[" + std::to_string(i) + "]"};
    if (!e.is_object()) return c.fail("entry", "must be an object");
    HardwareEntry h;
    if (auto err = need_string(c, e, "id", h.id)) return err;
    c.where += " '" + h.id + "'";
    if (!is_slug(h.id)) return c.fail("id", "must be a lowercase slug [a-z0-9.-_]");
    if (auto err = need_string(c, e, "name", h.name)) return err;
    if (auto err = need_string(c, e, "vendor", h.vendor)) return err;
    std::string kind;
    if (auto err = need_string(c, e, "kind", kind)) return err;
    if (kind == "gpu")
      h.kind = HardwareKind::kGpu;
    else if (kind == "apple")
      h.kind = HardwareKind::kApple;
    else if (kind == "apu")
      h.kind = HardwareKind::kApu;
    else if (kind == "cpu")
      h.kind = HardwareKind::kCpu;
    else
      return c.fail("kind", "must be gpu, apple, apu or cpu");
    need_string(c, e, "segment", h.segment, false);
    need_string(c, e, "architecture", h.architecture, false);
    need_string(c, e, "memory_type", h.memory_type, false);
    if (auto err = opt_number(c, e, "memory_gib", h.memory_gib, 0.5, 2048, "GiB")) return err;
    if (e.contains("memory_options_gib") && e["memory_options_gib"].is_array()) {
      for (const auto& v : e["memory_options_gib"]) {
        if (!v.is_number() || v.get<double>() < 1 || v.get<double>() > 8192)
          return c.fail("memory_options_gib", "must hold sizes in GiB within [1, 8192]");
        h.memory_options_gib.push_back(v.get<double>());
      }
    }
    if (h.kind == HardwareKind::kGpu && !h.memory_gib)
      return c.fail("memory_gib", "is required for a discrete GPU");
    if (h.kind != HardwareKind::kGpu && !h.memory_gib && h.memory_options_gib.empty())
      return c.fail("memory_options_gib", "is required when memory_gib is null");
    if (auto err = opt_number(c, e, "memory_bandwidth_gb_s", h.bandwidth_gb_s, 5, 20000, "GB/s"))
      return err;
    if (auto err = opt_number(c, e, "fp16_tflops_dense", h.fp16_tflops, 0.01, 20000, "TFLOPS"))
      return err;
    if (auto err = opt_number(c, e, "fp16_tflops_dense_fp16acc", h.fp16_tflops_fp16acc, 0.01, 20000,
                              "TFLOPS"))
      return err;
    if (auto err = opt_number(c, e, "fp32_tflops", h.fp32_tflops, 0.01, 1000, "TFLOPS")) return err;
    if (auto err = opt_number(c, e, "int8_tops_dense", h.int8_tops, 0.01, 40000, "TOPS"))
      return err;
    if (h.fp16_tflops && h.fp16_tflops_fp16acc && *h.fp16_tflops > *h.fp16_tflops_fp16acc * 1.001)
      return c.fail("fp16_tflops_dense",
                    "(FP32 accumulate) cannot exceed fp16_tflops_dense_fp16acc");
    if (auto err = opt_number(c, e, "tdp_w", h.tdp_w, 1, 5000, "W")) return err;
    if (auto err = opt_number(c, e, "idle_w", h.idle_w, 0, 500, "W")) return err;
    // A generic CPU memory configuration ("cpu-ddr5-5600-2ch") is defined by its channels and
    // transfer rate; where no source states its bandwidth, it is their product: channels x MT/s
    // x 8 bytes per 64-bit channel (decimal GB/s), the peak the DDR specification gives.
    std::optional<double> channels, mts;
    if (h.kind == HardwareKind::kCpu) {  // only CPU configurations carry these two fields
      if (auto err = opt_number(c, e, "memory_channels", channels, 1, 24, "channels")) return err;
      if (auto err = opt_number(c, e, "memory_mt_s", mts, 100, 20000, "MT/s")) return err;
    }
    if (h.kind == HardwareKind::kCpu) {
      std::optional<double> cores, threads;
      if (auto err = opt_number(c, e, "cpu_cores", cores, 1, 1024, "cores")) return err;
      if (auto err = opt_number(c, e, "cpu_threads", threads, 1, 2048, "threads")) return err;
      if ((cores && *cores != static_cast<int>(*cores)) ||
          (threads && *threads != static_cast<int>(*threads)))
        return c.fail("cpu_cores", "and cpu_threads must be whole numbers");
      if (cores) h.cpu_cores = static_cast<int>(*cores);
      if (threads) h.cpu_threads = static_cast<int>(*threads);
      if (auto err =
              opt_number(c, e, "cpu_base_clock_mhz", h.cpu_base_clock_mhz, 100, 10000, "MHz"))
        return err;
      if (auto err = opt_number(c, e, "cpu_fp32_flops_per_cycle", h.cpu_fp32_flops_per_cycle, 1,
                                1024, "FLOPs per cycle"))
        return err;
    }
    // A CPU's maximum single-core clock; a Mac's or an APU's is its own CPU's (the host whose
    // speed decode's per-layer cost scales with, speed.h SpeedFeatures::host_scale).
    if (h.kind == HardwareKind::kCpu ||
        (h.kind != HardwareKind::kGpu && e.contains("cpu_boost_clock_mhz")))
      if (auto err =
              opt_number(c, e, "cpu_boost_clock_mhz", h.cpu_boost_clock_mhz, 100, 10000, "MHz"))
        return err;
    if (!h.bandwidth_gb_s && channels && mts && h.kind == HardwareKind::kCpu)
      h.bandwidth_gb_s = *channels * *mts * kBytesPerDdrTransfer / 1000;
    if (auto err = opt_number(c, e, "pcie_gen", h.pcie_gen, 1, 7, "")) return err;
    if (auto err = opt_number(c, e, "pcie_lanes", h.pcie_lanes, 1, 16, "lanes")) return err;
    if (auto err = opt_number(c, e, "launch_price_usd", h.launch_price_usd, 1, 1e7, "USD"))
      return err;
    if (auto err = opt_number(c, e, "street_price_usd", h.street_price_usd, 1, 1e7, "USD"))
      return err;
    if (h.street_price_usd) {
      need_string(c, e, "street_price_kind", h.street_price_kind, false);
      need_string(c, e, "street_price_date", h.street_price_date, false);
      if (!is_date(h.street_price_date))
        return c.fail("street_price_date", "must date the street price (YYYY-MM)");
    }
    if (e.contains("gpu_cores") && e["gpu_cores"].is_number_integer())
      h.gpu_cores = e["gpu_cores"].get<int>();
    std::optional<double> sms;
    if (auto err = opt_number(c, e, "sm_count", sms, 1, 1000, "SMs")) return err;
    if (sms && *sms != static_cast<int>(*sms)) return c.fail("sm_count", "must be a whole number");
    if (sms) h.sm_count = static_cast<int>(*sms);
    if (auto err = opt_number(c, e, "boost_clock_mhz", h.boost_clock_mhz, 100, 5000, "MHz"))
      return err;
    if (!e.contains("backends") || !e["backends"].is_array() || e["backends"].empty())
      return c.fail("backends", "must list at least one of cuda, rocm, vulkan, metal, sycl, cpu");
    for (const auto& b : e["backends"]) {
      if (!b.is_string() || !one_of(kBackendIds, b.get<std::string>()))
        return c.fail("backends", "has an unknown backend " + b.dump());
      h.backends.push_back(b.get<std::string>());
    }
    need_string(c, e, "release_date", h.release_date, false);
    if (auto err = string_list(c, e, "aliases", h.aliases)) return err;
    if (auto err = sources(c, e, h.sources)) return err;
    cat.hardware.push_back(std::move(h));
  }
  return std::nullopt;
}

std::optional<Error> parse_quants(const std::string& file, const json& root, Catalog& cat) {
  if (!root.contains("quants") || !root["quants"].is_array())
    return make_error("bad_catalog", "quants", file + ": top-level 'quants' array is required");
  for (size_t i = 0; i < root["quants"].size(); ++i) {
    const json& e = root["quants"][i];
    Ctx c{file, "quants[" + std::to_string(i) + "]"};
    if (!e.is_object()) return c.fail("entry", "must be an object");
    QuantEntry q;
    if (auto err = need_string(c, e, "id", q.id)) return err;
    c.where += " '" + q.id + "'";
    if (auto err = need_string(c, e, "kind", q.kind)) return err;
    need_string(c, e, "description", q.description, false);
    if (auto err = opt_number(c, e, "bits_per_weight", q.bits_per_weight, 1, 32, "bits"))
      return err;
    if (q.kind == "gguf" && !file_type_by_name(q.id))
      return c.fail("id", "is not a llama.cpp file type (see core quant.h kFileTypes)");
    if (q.kind != "gguf" && !q.bits_per_weight)
      return c.fail("bits_per_weight", "is required for non-GGUF formats");
    if (e.contains("runtimes") && e["runtimes"].is_array())
      for (const auto& r : e["runtimes"])
        if (r.is_string()) q.runtimes.push_back(r.get<std::string>());
    if (auto err = sources(c, e, q.sources)) return err;
    cat.quants.push_back(std::move(q));
  }
  return std::nullopt;
}

std::optional<Error> parse_runtimes(const std::string& file, const json& root, Catalog& cat) {
  const json* arr = top_array(root, "runtimes");
  if (!arr)
    return make_error("bad_catalog", "runtimes", file + ": top-level 'runtimes' array is required");
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& e = (*arr)[i];
    Ctx c{file, "runtimes[" + std::to_string(i) + "]"};
    RuntimeEntry r;
    if (auto err = entry_id(c, e, r)) return err;
    if (auto err = need_string(c, e, "name", r.name)) return err;
    if (auto err = need_string(c, e, "license", r.license, false)) return err;
    if (auto err = need_string(c, e, "default_kv_type", r.default_kv_type, false)) return err;
    if (auto err = string_list(c, e, "os", r.os)) return err;
    if (auto err = string_list(c, e, "backends", r.backends)) return err;
    if (auto err = string_list(c, e, "formats", r.formats)) return err;
    if (auto err = opt_number(c, e, "default_context_tokens", r.default_context_tokens, 0, 1 << 24,
                              "tokens"))
      return err;
    if (auto err = sources(c, e, r.sources)) return err;
    cat.runtimes.push_back(std::move(r));
  }
  return std::nullopt;
}

std::optional<Error> parse_clouds(const std::string& file, const json& root, Catalog& cat) {
  const json* arr = top_array(root, "offers");
  if (!arr)
    return make_error("bad_catalog", "offers", file + ": top-level 'offers' array is required");
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& e = (*arr)[i];
    Ctx c{file, "offers[" + std::to_string(i) + "]"};
    CloudOffer o;
    if (auto err = entry_id(c, e, o)) return err;
    if (auto err = need_string(c, e, "provider", o.provider)) return err;
    if (auto err = need_string(c, e, "offer", o.offer)) return err;
    if (auto err = need_string(c, e, "gpu", o.gpu)) return err;
    if (auto err = need_string(c, e, "billing", o.billing, false)) return err;
    if (auto err = need_string(c, e, "region", o.region, false)) return err;
    if (auto err = need_string(c, e, "price_date", o.price_date, false)) return err;
    if (!o.price_date.empty() && !is_date(o.price_date))
      return c.fail("price_date", "must be YYYY-MM-DD or YYYY-MM");
    if (!e.contains("gpu_count") || !e["gpu_count"].is_number_integer() ||
        e["gpu_count"].get<int>() < 1 || e["gpu_count"].get<int>() > 64)
      return c.fail("gpu_count", "must be an integer in [1, 64]");
    o.gpu_count = e["gpu_count"].get<int>();
    std::optional<double> price;
    if (auto err = opt_number(c, e, "price_usd_per_hour", price, 0.01, 1000, "USD/hour"))
      return err;
    if (!price)
      return c.fail("price_usd_per_hour", "is required (an offer without a price is not an offer)");
    o.usd_per_hour = *price;
    if (auto err = sources(c, e, o.sources)) return err;
    cat.clouds.push_back(std::move(o));
  }
  return std::nullopt;
}

std::optional<Error> parse_apis(const std::string& file, const json& root, Catalog& cat) {
  const json* arr = top_array(root, "apis");
  if (!arr) return make_error("bad_catalog", "apis", file + ": top-level 'apis' array is required");
  for (size_t i = 0; i < arr->size(); ++i) {
    const json& e = (*arr)[i];
    Ctx c{file, "apis[" + std::to_string(i) + "]"};
    ApiPrice a;
    if (auto err = entry_id(c, e, a)) return err;
    if (auto err = need_string(c, e, "provider", a.provider)) return err;
    if (auto err = need_string(c, e, "model", a.model)) return err;
    if (auto err = need_string(c, e, "open_model", a.open_model, false)) return err;
    if (auto err = need_string(c, e, "price_date", a.price_date, false)) return err;
    if (!a.price_date.empty() && !is_date(a.price_date))
      return c.fail("price_date", "must be YYYY-MM-DD or YYYY-MM");
    if (e.contains("retired"))
      if (auto err = need_string(c, e, "retired", a.retired, false)) return err;
    if (!a.retired.empty() && !is_date(a.retired))
      return c.fail("retired", "must be the date the price was withdrawn (YYYY-MM-DD or YYYY-MM)");
    if (auto err = opt_number(c, e, "input_usd_per_mtok", a.input_usd_per_mtok, 0, 1000,
                              "USD per million tokens"))
      return err;
    if (auto err = opt_number(c, e, "output_usd_per_mtok", a.output_usd_per_mtok, 0, 1000,
                              "USD per million tokens"))
      return err;
    if (auto err = opt_number(c, e, "cached_input_usd_per_mtok", a.cached_input_usd_per_mtok, 0,
                              1000, "USD per million tokens"))
      return err;
    if (auto err = opt_number(c, e, "context_tokens", a.context_tokens, 1, 1e8, "tokens"))
      return err;
    if (!a.input_usd_per_mtok || !a.output_usd_per_mtok)
      return c.fail("input_usd_per_mtok", "and output_usd_per_mtok are required");
    if (auto err = sources(c, e, a.sources)) return err;
    cat.apis.push_back(std::move(a));
  }
  return std::nullopt;
}

template <typename T>
std::optional<Error> unique_ids(const std::string& file, const std::vector<T>& v) {
  std::set<std::string> seen;
  for (const auto& e : v)
    if (!seen.insert(e.id).second)
      return make_error("bad_catalog", "id", file + ": duplicate id '" + e.id + "'");
  return std::nullopt;
}

}  // namespace

const ModelEntry* Catalog::model(const std::string& id) const {
  for (const auto& m : models)
    if (m.id == id) return &m;
  return nullptr;
}
const HardwareEntry* Catalog::hw(const std::string& id) const {
  for (const auto& h : hardware)
    if (h.id == id) return &h;
  return nullptr;
}
const HardwareEntry* Catalog::hw_cards(const std::string& spec, int& count) const {
  count = 1;
  if (const HardwareEntry* h = hw(spec)) return h;
  const size_t x = spec.rfind('x');
  if (x == std::string::npos || x + 1 >= spec.size() || spec.size() - x > 3 ||
      spec.find_first_not_of("0123456789", x + 1) != std::string::npos)
    return nullptr;
  count = std::atoi(spec.c_str() + x + 1);
  return hw(spec.substr(0, x));
}

const QuantEntry* Catalog::quant(const std::string& id) const {  // case-insensitive: "q4_k_m"
  auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  for (const auto& q : quants)
    if (q.id.size() == id.size() &&
        std::equal(q.id.begin(), q.id.end(), id.begin(),
                   [&](char a, char b) { return lower(a) == lower(b); }))
      return &q;
  return nullptr;
}

Result<Catalog> load_catalog(const std::map<std::string, std::string>& files) {
  Catalog cat;
  for (const auto& [name, text] : files) {
    const std::string file = "catalog/" + name;
    json root = json::parse(text, nullptr, false);
    if (root.is_discarded() || !root.is_object())
      return make_error("bad_catalog", "", file + ": not valid JSON (an object is required)");
    std::optional<Error> err;
    if (name == "models.json")
      err = parse_models(file, root, cat);
    else if (name == "hardware.json")
      err = parse_hardware(file, root, cat);
    else if (name == "quants.json")
      err = parse_quants(file, root, cat);
    else if (name == "runtimes.json")
      err = parse_runtimes(file, root, cat);
    else if (name == "clouds.json")
      err = parse_clouds(file, root, cat);
    else if (name == "apis.json")
      err = parse_apis(file, root, cat);
    else if (name == "benchmarks.json")
      err = parse_benchmarks(file, root, cat);
    else if (name == "errors.json")
      err = catalog_detail::parse_errors(file, root, cat);
    else if (name == "glossary.json")
      err = catalog_detail::parse_glossary(file, root, cat);
    else if (name == "quality.json")
      err = catalog_detail::parse_scores(file, root, cat);
    else if (name == "quant_loss.json")
      err = catalog_detail::parse_quant_loss(file, root, cat);
    else if (name == "use_cases.json")
      err = catalog_detail::parse_use_cases(file, root, cat);
    else if (name == "downloads.json")
      err = catalog_detail::parse_downloads(file, root, cat);
    if (err) return *err;
  }
  if (auto e = unique_ids("catalog/models.json", cat.models)) return *e;
  if (auto e = unique_ids("catalog/hardware.json", cat.hardware)) return *e;
  if (auto e = unique_ids("catalog/quants.json", cat.quants)) return *e;
  if (auto e = unique_ids("catalog/runtimes.json", cat.runtimes)) return *e;
  if (auto e = unique_ids("catalog/clouds.json", cat.clouds)) return *e;
  if (auto e = unique_ids("catalog/apis.json", cat.apis)) return *e;
  // Every reference resolves (checked only when the referenced file is present).
  std::set<std::string> runtime_ids, hw_ids, model_ids;
  for (const auto& r : cat.runtimes) runtime_ids.insert(r.id);
  for (const auto& h : cat.hardware) hw_ids.insert(h.id);
  for (const auto& m : cat.models) model_ids.insert(m.id);
  if (!cat.runtimes.empty())
    for (size_t i = 0; i < cat.quants.size(); ++i)
      for (const auto& r : cat.quants[i].runtimes)
        if (!runtime_ids.count(r))
          return make_error("bad_catalog", "runtimes",
                            "catalog/quants.json: quants[" + std::to_string(i) + "] '" +
                                cat.quants[i].id + "': runtimes names unknown runtime '" + r +
                                "' (see catalog/runtimes.json)");
  if (!cat.hardware.empty())
    for (size_t i = 0; i < cat.clouds.size(); ++i)
      if (!hw_ids.count(cat.clouds[i].gpu))
        return make_error("bad_catalog", "gpu",
                          "catalog/clouds.json: offers[" + std::to_string(i) + "] '" +
                              cat.clouds[i].id + "': gpu names unknown hardware '" +
                              cat.clouds[i].gpu + "'");
  if (!cat.models.empty())
    for (size_t i = 0; i < cat.apis.size(); ++i)
      if (!cat.apis[i].open_model.empty() && !model_ids.count(cat.apis[i].open_model))
        return make_error("bad_catalog", "open_model",
                          "catalog/apis.json: apis[" + std::to_string(i) + "] '" + cat.apis[i].id +
                              "': open_model names unknown model '" + cat.apis[i].open_model + "'");
  if (auto e = unique_ids("catalog/benchmarks.json", cat.benchmarks)) return *e;
  if (auto e = unique_ids("catalog/errors.json", cat.errors)) return *e;
  if (auto e = unique_ids("catalog/glossary.json", cat.glossary)) return *e;
  if (auto e = catalog_detail::check_glossary_links(cat)) return *e;
  if (auto e = unique_ids("catalog/quality.json", cat.scores)) return *e;
  if (auto e = unique_ids("catalog/quant_loss.json", cat.quant_loss)) return *e;
  if (auto e = unique_ids("catalog/use_cases.json", cat.use_cases)) return *e;
  if (auto e = catalog_detail::check_quality_links(cat)) return *e;
  if (auto e = unique_ids("catalog/downloads.json", cat.downloads)) return *e;
  if (!cat.models.empty())
    for (const auto& d : cat.downloads)
      if (!cat.model(d.model))
        return make_error(
            "bad_catalog", "model",
            "catalog/downloads.json: '" + d.id + "': model names unknown model '" + d.model + "'");
  if (!cat.models.empty() && !cat.hardware.empty())
    for (size_t i = 0; i < cat.benchmarks.size(); ++i) {
      const auto& b = cat.benchmarks[i];
      const std::string where =
          "catalog/benchmarks.json: benchmarks[" + std::to_string(i) + "] '" + b.id + "': ";
      if (!model_ids.count(b.model))
        return make_error("bad_catalog", "model",
                          where + "model names unknown model '" + b.model + "'");
      if (!hw_ids.count(b.hardware))
        return make_error("bad_catalog", "hardware",
                          where + "hardware names unknown hardware '" + b.hardware + "'");
      if (!cat.quants.empty() && !cat.quant(b.quant))
        return make_error("bad_catalog", "quant",
                          where + "quant names unknown quant '" + b.quant + "'");
      if (!b.host.empty()) {
        const HardwareEntry* h = cat.hw(b.host);
        if (!h || h->kind != HardwareKind::kCpu)
          return make_error(
              "bad_catalog", "host",
              where + "host names '" + b.host + "', which is not a CPU in the catalog");
      }
    }
  return cat;
}

}  // namespace runcheck
