#include "catalog_lint.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "runcheck/catalog.h"
#include "runcheck/quant.h"

namespace runcheck {
namespace {

using nlohmann::json;

// The day the catalog's prices were collected (see the price-date lint below).
constexpr const char* kPriceReferenceDate = "2026-11-23";

// The array of entries in each file.
const std::map<std::string, std::string> kEntryKey = {
    {"models.json", "models"},         {"hardware.json", "hardware"},
    {"quants.json", "quants"},         {"runtimes.json", "runtimes"},
    {"clouds.json", "offers"},         {"apis.json", "apis"},
    {"exceptions.json", "exceptions"}, {"benchmarks.json", "benchmarks"},
    {"errors.json", "errors"},         {"glossary.json", "glossary"},
    {"quality.json", "scores"},        {"quant_loss.json", "quant_loss"},
    {"use_cases.json", "use_cases"},   {"downloads.json", "downloads"}};

struct Where {
  std::string file, entry, id;
};

struct Linter {
  std::vector<LintFinding> out;

  void add(const Where& w, const std::string& field, const std::string& rule,
           const std::string& what) {
    std::string msg = w.file + ": ";
    if (!w.entry.empty()) msg += w.entry + ": ";
    msg += (field.empty() ? "" : field + " ") + what;
    out.push_back({w.file, w.entry, w.id, field, rule, msg});
  }

  static bool type_ok(const json& v, const std::string& t) {
    if (t == "string") return v.is_string();
    if (t == "number") return v.is_number();
    if (t == "integer")
      return v.is_number_integer() ||
             (v.is_number_float() && std::floor(v.get<double>()) == v.get<double>());
    if (t == "boolean") return v.is_boolean();
    if (t == "null") return v.is_null();
    if (t == "array") return v.is_array();
    if (t == "object") return v.is_object();
    return false;
  }

  // Validates `v` against the schema subset; `path` is the field path inside the entry.
  void validate(const json& v, const json& s, const Where& w, const std::string& path) {
    if (s.contains("type")) {
      std::vector<std::string> types;
      if (s["type"].is_string())
        types.push_back(s["type"]);
      else
        for (const auto& t : s["type"]) types.push_back(t);
      bool ok = false;
      for (const auto& t : types) ok = ok || type_ok(v, t);
      if (!ok) {
        std::string want;
        for (const auto& t : types) want += (want.empty() ? "" : " or ") + t;
        add(w, path, "schema", "must be " + want + " (got " + v.dump().substr(0, 40) + ")");
        return;
      }
    }
    if (s.contains("enum")) {
      bool found = false;
      for (const auto& e : s["enum"]) found = found || e == v;
      if (!found)
        add(w, path, "schema",
            "= " + v.dump().substr(0, 40) + " is not one of " + s["enum"].dump());
    }
    if (v.is_number()) {
      const double x = v.get<double>();
      if (s.contains("minimum") && x < s["minimum"].get<double>())
        add(w, path, "schema",
            "= " + v.dump() + " is below the sane minimum " + s["minimum"].dump() +
                (s.contains("description") ? " (" + s["description"].get<std::string>() + ")"
                                           : ""));
      if (s.contains("maximum") && x > s["maximum"].get<double>())
        add(w, path, "schema",
            "= " + v.dump() + " is above the sane maximum " + s["maximum"].dump() +
                (s.contains("description") ? " (" + s["description"].get<std::string>() + ")"
                                           : ""));
    }
    if (v.is_string()) {
      const std::string& str = v.get_ref<const std::string&>();
      if (s.contains("minLength") && str.size() < s["minLength"].get<size_t>())
        add(w, path, "schema", "is shorter than " + s["minLength"].dump() + " characters");
      if (s.contains("maxLength") && str.size() > s["maxLength"].get<size_t>())
        add(w, path, "schema", "is longer than " + s["maxLength"].dump() + " characters");
      if (s.contains("pattern") &&
          !std::regex_search(str, std::regex(s["pattern"].get<std::string>())))
        add(w, path, "schema",
            "= \"" + str.substr(0, 40) + "\" does not match " + s["pattern"].get<std::string>());
    }
    if (v.is_array()) {
      if (s.contains("minItems") && v.size() < s["minItems"].get<size_t>())
        add(w, path, "schema", "needs at least " + s["minItems"].dump() + " item(s)");
      if (s.contains("items"))
        for (size_t i = 0; i < v.size(); ++i)
          validate(v[i], s["items"], w, path + "[" + std::to_string(i) + "]");
    }
    if (v.is_object()) {
      if (s.contains("required"))
        for (const auto& r : s["required"])
          if (!v.contains(r.get<std::string>()))
            add(w, (path.empty() ? "" : path + ".") + r.get<std::string>(), "schema",
                "is missing (use null when unknown)");
      const json* props = s.contains("properties") ? &s["properties"] : nullptr;
      for (const auto& [k, val] : v.items()) {
        const std::string p = path.empty() ? k : path + "." + k;
        if (props && props->contains(k))
          validate(val, (*props)[k], w, p);
        else if (s.value("additionalProperties", true) == false)
          add(w, p, "schema",
              "is not a known field (units belong in field names: check the schema)");
      }
    }
  }

  // Every non-null x-cited field is listed by a source (or a source lists no fields = all).
  void cited(const json& e, const json& item_schema, const Where& w) {
    if (!e.contains("sources") || !e["sources"].is_array()) return;
    std::set<std::string> covered;
    bool all = false;
    for (const auto& s : e["sources"]) {
      if (!s.is_object()) continue;
      if (!s.contains("fields"))
        all = true;
      else if (s["fields"].is_array())
        for (const auto& f : s["fields"])
          if (f.is_string()) {
            // "release_date (repo initial commit date)": the field, then a note on how.
            const std::string tag = f.get<std::string>();
            covered.insert(tag.substr(0, tag.find(" (")));
          }
    }
    if (all || !item_schema.contains("properties")) return;
    for (const auto& [k, ps] : item_schema["properties"].items()) {
      if (!ps.value("x-cited", false) || !e.contains(k)) continue;
      const json& v = e[k];
      if (v.is_null() || (v.is_array() && v.empty())) continue;
      if (!covered.count(k))
        add(w, k, "cited", "has a value but no source lists it (cite it or make it null)");
    }
  }
};

std::string entry_label(const std::string& key, size_t i, const json& e) {
  std::string s = key + "[" + std::to_string(i) + "]";
  if (e.is_object() && e.contains("id") && e["id"].is_string())
    s += " '" + e["id"].get<std::string>() + "'";
  return s;
}

}  // namespace

std::vector<std::string> catalog_schema_names() {
  std::vector<std::string> names;
  for (const auto& [file, key] : kEntryKey) names.push_back(file.substr(0, file.size() - 5));
  return names;
}

std::vector<LintFinding> lint_catalog(const std::map<std::string, std::string>& files,
                                      const std::map<std::string, std::string>& schemas) {
  Linter L;
  std::map<std::string, json> docs;
  for (const auto& [name, text] : files) {
    json d = json::parse(text, nullptr, false);
    if (d.is_discarded()) {
      L.add({"catalog/" + name, "", ""}, "", "schema", "is not valid JSON");
      continue;
    }
    docs[name] = std::move(d);
  }
  // The engine's own loader (ranges it relies on, references, duplicate ids, configs it parses).
  auto loaded = load_catalog(files);
  if (!loaded.ok())
    L.add({"catalog", "", ""}, loaded.error().field, "engine", loaded.error().message);

  for (const auto& [name, doc] : docs) {
    const Where file{"catalog/" + name, "", ""};
    const auto key = kEntryKey.find(name);
    if (key == kEntryKey.end()) {
      L.add(file, "", "schema", "is not a known catalog file");
      continue;
    }
    const std::string schema_name = name.substr(0, name.size() - 5) + ".schema.json";
    const auto st = schemas.find(schema_name);
    if (st == schemas.end()) {
      L.add(file, "", "schema", "has no schema catalog/schema/" + schema_name);
      continue;
    }
    const json schema = json::parse(st->second, nullptr, false);
    if (schema.is_discarded()) {
      L.add({"catalog/schema/" + schema_name, "", ""}, "", "schema", "is not valid JSON");
      continue;
    }
    // Top level, then each entry with its own label.
    json top = doc;
    if (top.contains(key->second)) top[key->second] = json::array();
    L.validate(top, schema, file, "");
    if (!doc.contains(key->second) || !doc[key->second].is_array()) continue;
    const json& item_schema = schema["properties"][key->second]["items"];
    std::set<std::string> ids;
    for (size_t i = 0; i < doc[key->second].size(); ++i) {
      const json& e = doc[key->second][i];
      Where w{file.file, entry_label(key->second, i, e), e.is_object() ? e.value("id", "") : ""};
      L.validate(e, item_schema, w, "");
      if (e.is_object()) L.cited(e, item_schema, w);
      // An exception's id names the entry it excuses, which may be excused for two fields.
      if (name != "exceptions.json" && !w.id.empty() && !ids.insert(w.id).second)
        L.add(w, "id", "schema", "duplicates an earlier entry's id");
    }
  }

  // Every model states its maximum context in its own config (cited with it): the engine never
  // falls back to a default for a catalog model.
  if (docs.count("models.json") && docs["models.json"].contains("models"))
    for (size_t i = 0; i < docs["models.json"]["models"].size(); ++i) {
      const json& e = docs["models.json"]["models"][i];
      if (!e.is_object() || !e.contains("config") || !e["config"].is_object()) continue;
      const json& c = e["config"];
      const json& t =
          c.contains("text_config") && c["text_config"].is_object() ? c["text_config"] : c;
      if (!t.contains("max_position_embeddings") && !t.contains("n_positions") &&
          !t.contains("seq_length"))
        L.add({"catalog/models.json", entry_label("models", i, e), e.value("id", "")},
              "config.max_position_embeddings", "cited",
              "the model's maximum context is missing from its config (no default is assumed)");
      // A release date, or a note that says why there is none (issue 16: "every model and
      // hardware entry has a release date or a note why not").
      const bool dated = e.contains("release_date") && e["release_date"].is_string();
      if (!dated && e.value("notes", "").find("No release date:") == std::string::npos)
        L.add({"catalog/models.json", entry_label("models", i, e), e.value("id", "")},
              "release_date", "cited",
              "no release date and no note saying why (write \"No release date: ...\" in notes)");
    }

  // The same for every hardware entry: a release date or a note why there is none.
  if (docs.count("hardware.json") && docs["hardware.json"].contains("hardware"))
    for (size_t i = 0; i < docs["hardware.json"]["hardware"].size(); ++i) {
      const json& e = docs["hardware.json"]["hardware"][i];
      if (!e.is_object()) continue;
      const bool dated = e.contains("release_date") && e["release_date"].is_string();
      if (!dated && e.value("notes", "").find("No release date:") == std::string::npos)
        L.add({"catalog/hardware.json", entry_label("hardware", i, e), e.value("id", "")},
              "release_date", "cited",
              "no release date and no note saying why (write \"No release date: ...\" in notes)");
    }

  // Every price carries its date, and none is older than 12 months before kPriceReferenceDate: the
  // day this catalog's prices were collected ("Collected 2026-11-23" in catalog/hardware.json's
  // $comment; "Research output (2026-11-23)" in catalog/staging/README.md). A fixed constant, so
  // the lint does not start failing on its own as the calendar moves; bump it with each price
  // refresh. A month-only date ("2025-11") counts as the first of that month.
  {
    const std::string cutoff =
        std::to_string(std::stoi(std::string(kPriceReferenceDate).substr(0, 4)) - 1) +
        std::string(kPriceReferenceDate).substr(4);
    for (const auto& [name, key] : {std::pair<const char*, const char*>{"apis.json", "apis"},
                                    std::pair<const char*, const char*>{"clouds.json", "offers"}}) {
      if (!docs.count(name) || !docs[name].contains(key) || !docs[name][key].is_array()) continue;
      const json& arr = docs[name][key];
      for (size_t i = 0; i < arr.size(); ++i) {
        const json& e = arr[i];
        if (!e.is_object()) continue;
        Where w{std::string("catalog/") + name, entry_label(key, i, e), e.value("id", "")};
        if (!e.contains("price_date") || !e["price_date"].is_string()) {
          L.add(w, "price_date", "dated",
                "is missing: every price needs the date its source gives");
          continue;
        }
        std::string d = e["price_date"].get<std::string>();
        if (d.size() == 7) d += "-01";
        // A retired price is history, kept for comparison: its age is expected.
        const bool retired = e.contains("retired") && e["retired"].is_string();
        if (d < cutoff && !retired)
          L.add(w, "price_date", "dated",
                "= " + e["price_date"].get<std::string>() + " is more than 12 months before the " +
                    "catalog's price reference date " + kPriceReferenceDate +
                    " (refresh the price or list it in catalog/exceptions.json)");
      }
    }
  }

  // GGUF: the base type and its bits per weight are the ggml block table's, not typed in.
  if (docs.count("quants.json") && docs["quants.json"].contains("quants"))
    for (size_t i = 0; i < docs["quants.json"]["quants"].size(); ++i) {
      const json& q = docs["quants.json"]["quants"][i];
      if (!q.is_object() || q.value("kind", "") != "gguf") continue;
      Where w{"catalog/quants.json", entry_label("quants", i, q), q.value("id", "")};
      const FileTypeInfo* ft = file_type_by_name(w.id);
      if (!ft) continue;  // the engine loader reports unknown file types
      const auto* traits = ggml_traits(ft->default_type);
      const double bpw =
          8.0 * static_cast<double>(traits->type_size) / static_cast<double>(traits->block_size);
      if (!q.contains("base_type") || !q["base_type"].is_string() ||
          q["base_type"].get<std::string>() != traits->name)
        L.add(w, "base_type", "table",
              "must be \"" + std::string(traits->name) + "\" (llama_ftype_get_default_type)");
      if (!q.contains("base_bits_per_weight") || !q["base_bits_per_weight"].is_number() ||
          std::fabs(q["base_bits_per_weight"].get<double>() - bpw) > 1e-9)
        L.add(w, "base_bits_per_weight", "table",
              "must be " + json(bpw).dump() + " (ggml block: " + std::to_string(traits->type_size) +
                  " bytes per " + std::to_string(traits->block_size) + " weights)");
    }

  // Contradictions: one SKU, one entry.
  const auto same = [&](const char* name, const char* key, const char* what, auto fingerprint,
                        const char* value_field) {
    if (!docs.count(name) || !docs[name].contains(key)) return;
    std::map<std::string, std::pair<size_t, json>> seen;
    const json& arr = docs[name][key];
    for (size_t i = 0; i < arr.size(); ++i) {
      const json& e = arr[i];
      if (!e.is_object()) continue;
      const std::string fp = fingerprint(e);
      if (fp.empty()) continue;
      const json v = value_field ? e.value(value_field, json()) : json();
      auto [it, fresh] = seen.emplace(fp, std::make_pair(i, v));
      if (fresh) continue;
      if (value_field && it->second.second == v)
        continue;  // same fact twice is a duplicate, not a conflict
      L.add({std::string("catalog/") + name, entry_label(key, i, e), e.value("id", "")},
            value_field ? value_field : "id", "contradiction",
            std::string("contradicts ") +
                entry_label(key, it->second.first, arr[it->second.first]) + ": " + what);
    }
  };
  same(
      "hardware.json", "hardware", "same product name twice",
      [](const json& e) { return e.value("name", ""); }, nullptr);
  same(
      "models.json", "models", "same published config (hf_repo) twice",
      [](const json& e) { return e.value("hf_repo", ""); }, nullptr);
  same(
      "clouds.json", "offers", "same offer, GPU count and date at a different price",
      [](const json& e) {
        return e.value("provider", "") + "|" + e.value("offer", "") + "|" + e.value("gpu", "") +
               "|" + std::to_string(e.value("gpu_count", 0)) + "|" +
               (e["price_date"].is_string() ? e["price_date"].get<std::string>() : "");
      },
      "price_usd_per_hour");
  same(
      "apis.json", "apis", "same provider and model at a different input price",
      [](const json& e) {
        return e.value("provider", "") + "|" + e.value("model", "") + "|" +
               (e["price_date"].is_string() ? e["price_date"].get<std::string>() : "");
      },
      "input_usd_per_mtok");

  // Exceptions: each must excuse at least one finding; excused findings are dropped.
  std::vector<LintFinding> kept;
  if (docs.count("exceptions.json") && docs["exceptions.json"].contains("exceptions") &&
      docs["exceptions.json"]["exceptions"].is_array()) {
    const json& ex = docs["exceptions.json"]["exceptions"];
    std::vector<bool> used(ex.size(), false);
    for (const auto& f : L.out) {
      bool excused = false;
      for (size_t i = 0; i < ex.size(); ++i) {
        const json& x = ex[i];
        if (!x.is_object()) continue;
        if ("catalog/" + x.value("file", "") == f.file && x.value("id", "") == f.id &&
            x.value("field", "") == f.field && x.value("rule", "") == f.rule) {
          used[i] = excused = true;
        }
      }
      if (!excused) kept.push_back(f);
    }
    for (size_t i = 0; i < ex.size(); ++i)
      if (!used[i] && ex[i].is_object() &&
          ex[i].value("rule", "") != "fixture") {  // fixture: tests/core
        Where w{"catalog/exceptions.json", entry_label("exceptions", i, ex[i]), ""};
        Linter tmp;
        tmp.add(w, "", "stale-exception", "excuses nothing any more: remove it");
        kept.push_back(tmp.out[0]);
      }
  } else {
    kept = L.out;
  }
  return kept;
}

}  // namespace runcheck
