// Catalog lints: the shipped catalog is clean, and each kind of bad data is caught with a
// message naming the file, the entry and the field.
#include "catalog_lint.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runcheck/api.h"
#include "runcheck/catalog.h"
#include "test_util.h"

namespace runcheck {
namespace {

using nlohmann::json;

std::map<std::string, std::string> schemas() {
  std::map<std::string, std::string> s;
  for (const std::string& f : catalog_schema_names())
    s[f + ".schema.json"] =
        test::read_text(test::source_dir() + "/catalog/schema/" + f + ".schema.json");
  return s;
}

std::string all(const std::vector<LintFinding>& f) {
  std::string s;
  for (const auto& x : f) s += x.message + "\n";
  return s;
}

// Applies `edit` to one file of the shipped catalog and lints the result.
template <typename F>
std::vector<LintFinding> lint_with(const std::string& file, F edit) {
  auto files = builtin_catalog_files();
  json d = json::parse(files.at(file));
  edit(d);
  files[file] = d.dump();
  return lint_catalog(files, schemas());
}

TEST(catalog_lint_test, shipped_catalog_is_clean) {
  const auto f = lint_catalog(builtin_catalog_files(), schemas());
  EXPECT_TRUE(f.empty()) << all(f);
  const Catalog& c = builtin_catalog();
  EXPECT_GE(c.hardware.size(), 150u);
  EXPECT_GE(c.runtimes.size(), 10u);
}

TEST(catalog_lint_test, missing_field_is_named) {
  const auto f = lint_with("hardware.json", [](json& d) { d["hardware"][0].erase("tdp_w"); });
  ASSERT_FALSE(f.empty());
  EXPECT_NE(all(f).find("catalog/hardware.json: hardware[0] 'gtx-1060-6gb': tdp_w is missing"),
            std::string::npos)
      << all(f);
}

// Issue 16: a model without its maximum context was silently given 2,048 tokens (Gemma 3 4B and
// 12B refused any longer context). Now its absence is a finding, never a default.
TEST(catalog_lint_test, a_model_without_its_maximum_context_is_a_finding) {
  const auto f = lint_with("models.json", [](json& d) {
    for (auto& m : d["models"])
      if (m["id"] == "gemma-3-12b") m["config"].erase("max_position_embeddings");
  });
  EXPECT_NE(all(f).find("'gemma-3-12b'"), std::string::npos) << all(f);
  EXPECT_NE(all(f).find("config.max_position_embeddings"), std::string::npos) << all(f);
  // The shipped entries: 131,072 tokens (transformers' Gemma3TextConfig default, cited).
  for (const char* id : {"gemma-3-4b", "gemma-3-12b"})
    EXPECT_EQ(builtin_catalog().model(id)->arch.context_length, 131072u) << id;
}

// Issue 16: every model and hardware entry has a release date or a note saying why not.
TEST(catalog_lint_test, an_undated_entry_needs_a_note_why) {
  const auto m = lint_with("models.json", [](json& d) {
    for (auto& e : d["models"])
      if (e["id"] == "llama-3-8b") e["release_date"] = nullptr;
  });
  EXPECT_NE(all(m).find("'llama-3-8b'"), std::string::npos) << all(m);
  EXPECT_NE(all(m).find("release_date"), std::string::npos) << all(m);
  const auto h = lint_with("hardware.json", [](json& d) {
    for (auto& e : d["hardware"])
      if (e["id"] == "rtx-4090") e["release_date"] = nullptr;
  });
  EXPECT_NE(all(h).find("'rtx-4090'"), std::string::npos) << all(h);
  // With the note, the same undated entry passes.
  const auto ok = lint_with("hardware.json", [](json& d) {
    for (auto& e : d["hardware"])
      if (e["id"] == "rtx-4090") {
        e["release_date"] = nullptr;
        e["notes"] = "No release date: test";
      }
  });
  EXPECT_EQ(all(ok).find("'rtx-4090'"), std::string::npos) << all(ok);
}

// Issue 16: a source tagged "release_date (repo initial commit date)" cites release_date; the
// lint used to want the bare name, so cited dates were dropped to null.
TEST(catalog_lint_test, a_field_tag_with_a_note_cites_the_field) {
  auto tagged = [](const char* tag) {
    return lint_with("models.json", [tag](json& d) {
      for (auto& m : d["models"])
        if (m["id"] == "kimi-k2") {
          m["release_date"] = "2025-07-11";
          m["sources"] = json::array(
              {{{"url", "https://example.org/x"}, {"retrieved", "2026-12-04"}, {"fields", {tag}}}});
        }
    });
  };
  EXPECT_EQ(all(tagged("release_date (initial commit of the official GitHub repo)"))
                .find("'kimi-k2': release_date"),
            std::string::npos);
  EXPECT_NE(
      all(tagged("license")).find("'kimi-k2': release_date has a value but no source lists it"),
      std::string::npos);
}

// A generic CPU memory configuration without a cited bandwidth used to fall back to the
// 51.2 GB/s default in every estimate, whatever its channels; its bandwidth is its definition.
TEST(catalog_lint_test, cpu_configurations_get_their_bandwidth_from_channels_and_rate) {
  struct Row {
    const char* id;
    double gb_s;
  };
  // channels x MT/s x 8 B: 2 x 5600 x 8 = 89,600 MB/s; 2 x 3200 x 8 = 51,200; 12 x 6000 x 8 =
  // 576,000.
  for (const Row& r : {Row{"cpu-ddr5-5600-2ch", 89.6}, Row{"cpu-ddr4-3200-2ch", 51.2},
                       Row{"cpu-ddr5-6000-12ch", 576.0}})
    EXPECT_DOUBLE_EQ(*builtin_catalog().hw(r.id)->bandwidth_gb_s, r.gb_s) << r.id;
  // A cited figure is kept as cited (8-channel DDR4-3200 EPYC: 204.8 GB/s, Tom's Hardware).
  EXPECT_DOUBLE_EQ(*builtin_catalog().hw("cpu-ddr4-3200-8ch")->bandwidth_gb_s, 204.8);
}

// Issue 16: a model's default quant is what people download; gpt-oss ships in MXFP4.
TEST(catalog_lint_test, the_default_quant_is_what_people_download) {
  auto quant_of = [](const char* model) {
    return nlohmann::json::parse(handle_request(nlohmann::json{
        {"model", model},
        {"hardware", "rtx-4090"},
        {"inverse", false}}.dump()))["request"]["quant"];
  };
  EXPECT_EQ(quant_of("gpt-oss-20b"), "MXFP4_MOE");
  EXPECT_EQ(quant_of("gpt-oss-120b"), "MXFP4_MOE");
  EXPECT_EQ(quant_of("llama-3.1-8b"), "Q4_K_M");
  EXPECT_EQ(builtin_catalog().model("gpt-oss-20b")->default_quant, "MXFP4_MOE");
}

TEST(catalog_lint_test, wrong_unit_is_caught_by_range_and_by_name) {
  // 24,000 "GiB" is a value in MB typed into a GiB field.
  auto f = lint_with("hardware.json", [](json& d) { d["hardware"][0]["memory_gib"] = 24000; });
  EXPECT_NE(all(f).find("'gtx-1060-6gb': memory_gib = 24000 is above the sane maximum"),
            std::string::npos)
      << all(f);
  // A field whose name carries another unit is not a known field.
  f = lint_with("hardware.json", [](json& d) { d["hardware"][0]["memory_gb"] = 6; });
  EXPECT_NE(all(f).find("'gtx-1060-6gb': memory_gb is not a known field"), std::string::npos)
      << all(f);
}

// The fields of the issue bound (SM count, boost clock) and a benchmark row's engine: bad values
// are findings that name the entry and the field.
TEST(catalog_lint_test, bad_sm_count_clock_or_engine_is_named) {
  for (const json& bad : {json(-3), json(60.5), json("60"), json(1e9)}) {
    const auto f = lint_with("hardware.json", [&](json& d) { d["hardware"][1]["sm_count"] = bad; });
    EXPECT_NE(all(f).find("'gtx-1050-ti': sm_count"), std::string::npos) << bad << all(f);
  }
  auto f = lint_with("hardware.json", [](json& d) { d["hardware"][1]["boost_clock_mhz"] = 0; });
  EXPECT_NE(all(f).find("'gtx-1050-ti': boost_clock_mhz"), std::string::npos) << all(f);
  f = lint_with("benchmarks.json",
                [](json& d) { d["benchmarks"][0]["engine"] = "<script>alert(1)</script>"; });
  EXPECT_NE(all(f).find("engine"), std::string::npos) << all(f);
}

// hf_repo goes into commands (vllm serve ORG/NAME): a note typed into it is a finding.
TEST(catalog_lint_test, a_repository_id_carries_no_note) {
  const auto f = lint_with("models.json", [](json& d) {
    d["models"][0]["hf_repo"] = d["models"][0]["hf_repo"].get<std::string>() + " (instruct)";
  });
  EXPECT_NE(all(f).find("hf_repo must be a Hugging Face repository id ORG/NAME"), std::string::npos)
      << all(f);
}

TEST(catalog_lint_test, unknown_reference_is_named) {
  const auto f = lint_with("clouds.json", [](json& d) { d["offers"][0]["gpu"] = "rtx-9090"; });
  EXPECT_NE(all(f).find("gpu names unknown hardware 'rtx-9090'"), std::string::npos) << all(f);
}

TEST(catalog_lint_test, duplicate_id_is_named) {
  const auto f =
      lint_with("models.json", [](json& d) { d["models"][1]["id"] = d["models"][0]["id"]; });
  EXPECT_NE(all(f).find(
                "catalog/models.json: models[1] 'llama-2-7b': id duplicates an earlier entry's id"),
            std::string::npos)
      << all(f);
}

TEST(catalog_lint_test, uncited_fact_and_wrong_table_value_and_contradiction) {
  auto f = lint_with("hardware.json", [](json& d) {
    for (auto& s : d["hardware"][0]["sources"]) s["fields"] = json::array({"memory_gib"});
  });
  EXPECT_NE(all(f).find("'gtx-1060-6gb': memory_bandwidth_gb_s has a value but no source lists it"),
            std::string::npos)
      << all(f);
  f = lint_with("quants.json",
                [](json& d) { d["quants"][9]["base_bits_per_weight"] = 4.85; });  // Q4_K_M
  EXPECT_NE(
      all(f).find(
          "'Q4_K_M': base_bits_per_weight must be 4.5 (ggml block: 144 bytes per 256 weights)"),
      std::string::npos)
      << all(f);
  f = lint_with("clouds.json", [](json& d) {
    json dup = d["offers"][0];
    dup["id"] = "dup-offer";
    dup["price_usd_per_hour"] = dup["price_usd_per_hour"].get<double>() + 1.0;
    d["offers"].push_back(dup);
  });
  EXPECT_NE(all(f).find("'dup-offer': price_usd_per_hour contradicts offers[0]"), std::string::npos)
      << all(f);
}

// Issue 16: every price carries its date, and none is more than 12 months older than the catalog's
// price reference date unless catalog/exceptions.json says why.
TEST(catalog_lint_test, an_undated_or_year_old_price_is_a_finding) {
  auto f = lint_with("apis.json", [](json& d) { d["apis"][0]["price_date"] = nullptr; });
  EXPECT_NE(all(f).find("apis[0] 'openai-gpt-5': price_date is missing"), std::string::npos)
      << all(f);
  f = lint_with("clouds.json", [](json& d) { d["offers"][0]["price_date"] = "2025-10"; });
  EXPECT_NE(all(f).find("'runpod-community-h100-sxm': price_date = 2025-10 is more than 12 months"),
            std::string::npos)
      << all(f);
  f = lint_with("clouds.json", [](json& d) { d["offers"][0]["price_date"] = "2025-11-23"; });
  EXPECT_TRUE(f.empty()) << all(f);
}

TEST(catalog_lint_test, stale_exception_fails) {
  const auto f = lint_with("exceptions.json", [](json& d) {
    d["exceptions"].push_back({{"file", "hardware.json"},
                               {"id", "rtx-4090"},
                               {"field", "tdp_w"},
                               {"rule", "cited"},
                               {"why", "no longer needed at all"},
                               {"until", "now"}});
  });
  EXPECT_NE(all(f).find("excuses nothing any more"), std::string::npos) << all(f);
}

}  // namespace
}  // namespace runcheck
