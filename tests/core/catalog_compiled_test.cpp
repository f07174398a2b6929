// The compiled-in catalog (typed tables generated at build time) is the JSON catalog, field for
// field: writing both through the generator gives the same bytes, so the table reader loses
// nothing the writer put in.
#include <gtest/gtest.h>

#include "catalog_writer.h"
#include "runcheck/catalog.h"

namespace runcheck {
namespace {

TEST(CatalogCompiled, TablesRoundTripToTheJsonCatalog) {
  auto loaded = load_catalog(builtin_catalog_files());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const Catalog& compiled = builtin_catalog();
  EXPECT_EQ(catalog_tables_cpp(compiled), catalog_tables_cpp(loaded.value()));
  ASSERT_EQ(compiled.models.size(), loaded.value().models.size());
  ASSERT_EQ(compiled.benchmarks.size(), loaded.value().benchmarks.size());
}

TEST(CatalogCompiled, ReadsTypedFieldsAsPublished) {
  // Hand-checked against catalog/models.json and hardware.json.
  const Catalog& c = builtin_catalog();
  const ModelEntry* m = c.model("llama-3.1-8b");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->arch.block_count, 32u);
  EXPECT_EQ(m->arch.head_count_kv, 8u);
  EXPECT_EQ(m->arch.vocab_size, 128256u);
  EXPECT_EQ(m->arch.layers.size(), 32u);
  const HardwareEntry* h = c.hw("rtx-4090");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->memory_gib, 24.0);
  EXPECT_EQ(h->kind, HardwareKind::kGpu);
  EXPECT_FALSE(h->sources.empty());
}

}  // namespace
}  // namespace runcheck

namespace runcheck {
namespace {

// Multimodal wrappers are read through their text tower: Qwen3-VL-8B's text_config has
// Qwen3-8B's shape (36 layers, 4096 wide, 12288 FFN, 32/8 heads, 151,936 vocabulary, untied),
// so the two count the same 8,190,735,360 parameters; Qwen3-VL-4B states its tied embeddings
// only at the top level, which the importer honours (Qwen3-4B's 4,022,468,096).
TEST(CatalogCompiled, VisionWrappersUseTheirTextTower) {
  const Catalog& c = builtin_catalog();
  ASSERT_NE(c.model("qwen3-vl-8b"), nullptr);
  ASSERT_NE(c.model("qwen3-8b"), nullptr);
  EXPECT_EQ(c.model("qwen3-vl-8b")->parameters, c.model("qwen3-8b")->parameters);
  EXPECT_EQ(c.model("qwen3-vl-8b")->parameters, 8190735360ull);
  ASSERT_NE(c.model("qwen3-vl-4b"), nullptr);
  EXPECT_TRUE(c.model("qwen3-vl-4b")->arch.tied_embeddings);
  EXPECT_EQ(c.model("qwen3-vl-4b")->parameters, 4022468096ull);
  EXPECT_EQ(c.model("qwen3-vl-4b")->kind, "vlm");
}

}  // namespace
}  // namespace runcheck
