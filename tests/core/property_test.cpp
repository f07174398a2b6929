// Properties over many random valid requests (fixed seed, so a failure reproduces):
// more context never needs less memory; more devices or more RAM never give a worse verdict.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "runcheck/api.h"
#include "runcheck/catalog.h"

namespace runcheck {
namespace {

using nlohmann::json;

constexpr int kRandomRequests = 400;  // each checks several estimates; ~2 s in total

int rank(const json& r) {
  const std::string v = r["verdict"];
  return v == "comfortable" ? 2 : v == "tradeoffs" ? 1 : 0;
}

json run(json q) {
  q["command"] = "estimate";
  return json::parse(handle_request(q.dump()));
}

TEST(property_test, monotonic_in_context_devices_and_ram) {
  const Catalog& cat = builtin_catalog();
  std::vector<const HardwareEntry*> gpus;
  for (const auto& h : cat.hardware)
    if (h.kind == HardwareKind::kGpu) gpus.push_back(&h);
  const char* quants[] = {"Q8_0", "Q4_K_M", "Q3_K_M", "IQ2_XXS", "F16"};
  std::mt19937 rng(20261123);
  for (int i = 0; i < kRandomRequests; ++i) {
    const auto& m = cat.models[rng() % cat.models.size()];
    const auto* g = gpus[rng() % gpus.size()];
    const uint32_t max_ctx = m.arch.context_length;
    const uint32_t c1 = 1 + rng() % max_ctx, c2 = 1 + rng() % max_ctx;
    json q = {{"model", m.id}, {"quant", quants[rng() % 5]}, {"hardware", g->id},
              {"ram_gb", 16 + rng() % 240}, {"flash_attn", rng() % 2 == 0}};
    json a = q, b = q;
    a["context"] = std::min(c1, c2);
    b["context"] = std::max(c1, c2);
    const json ra = run(a), rb = run(b);
    ASSERT_TRUE(ra["ok"].get<bool>()) << a.dump() << ra.dump();
    const auto kv = [](const json& r) { return r["memory"]["kv_cache_bytes"].get<uint64_t>(); };
    const auto need = [&](const json& r) { return kv(r) + r["memory"]["compute_bytes"].get<uint64_t>(); };
    EXPECT_LE(kv(ra), kv(rb)) << a.dump();
    // At the same placement (layers and experts where the shorter context put them), KV plus
    // scratch never shrink with context. Across placements they may: CPU layers have their own
    // scratch buffer.
    json pinned = b;
    pinned["gpu_layers"] = ra["placement"]["gpu_layers"];
    pinned["n_cpu_moe"] = ra["placement"]["n_cpu_moe"];
    const json rp = run(pinned);
    ASSERT_TRUE(rp["ok"].get<bool>()) << pinned.dump() << rp.dump();
    EXPECT_LE(need(ra), need(rp)) << a.dump();
    EXPECT_GE(rank(ra), rank(rb)) << a.dump();
    // A second identical card, or more RAM, never makes it worse.
    json two = a;
    two["hardware"] = g->id + std::string("x2");
    EXPECT_GE(rank(run(two)), rank(ra)) << two.dump();
    json more_ram = a;
    more_ram["ram_gb"] = a["ram_gb"].get<int>() + 64;
    EXPECT_GE(rank(run(more_ram)), rank(ra)) << more_ram.dump();
  }
}

}  // namespace
}  // namespace runcheck
