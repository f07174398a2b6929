// The catalog sweep's fast placement (prefix sums, O(log layers) per machine) against the full
// device-by-device placement: the same GPU and host bytes, layers, expert offload and verdict,
// for every catalog model x three quants x four contexts x machines of every shape; and the
// sweep command's grid against the estimate command, cell by cell on a sample.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runcheck/api.h"
#include "runcheck/catalog.h"
#include "runcheck/placement.h"
#include "runcheck/weights.h"

namespace runcheck {
namespace {

using nlohmann::json;

Machine machine(double gpu_gib, double ram_gib, bool unified, uint64_t overhead_mib) {
  Machine mc;
  mc.unified = unified;
  const uint64_t ram = static_cast<uint64_t>(ram_gib * kGiB);
  mc.host.name = "host";
  mc.host.memory_bytes = ram;
  mc.host.budget_bytes = ram - 4 * kGiB;
  if (gpu_gib > 0) {
    Device g;
    g.name = "gpu";
    g.kind = unified ? DeviceKind::kAppleGpu : DeviceKind::kGpu;
    g.memory_bytes = static_cast<uint64_t>(gpu_gib * kGiB);
    g.budget_bytes = g.memory_bytes;
    g.overhead_bytes = overhead_mib * kMiB;
    if (unified) {  // one pool: the GPU's cap, the rest for the CPU share
      g.budget_bytes = static_cast<uint64_t>(ram * 0.75);
      mc.host.budget_bytes = ram - g.budget_bytes;
    }
    mc.gpus.push_back(g);
  }
  return mc;
}

TEST(sweep_test, quick_plan_equals_the_full_placement_byte_for_byte) {
  const std::vector<Machine> machines = {
      machine(0, 16, false, 0),     machine(0, 256, false, 0),   machine(4, 16, false, 512),
      machine(8, 32, false, 512),   machine(12, 64, false, 512), machine(16, 8, false, 512),
      machine(24, 32, false, 512),  machine(24, 128, false, 0),  machine(48, 64, false, 512),
      machine(80, 512, false, 512), machine(0.5, 32, false, 0),  machine(1, 16, true, 0),
      machine(1, 64, true, 0),      machine(1, 192, true, 0)};
  const FileType quants[] = {FileType::Q4_K_M, FileType::Q8_0, FileType::F16};
  const uint32_t contexts[] = {512, 8192, 32768, 131072};
  size_t cells = 0, tradeoffs = 0, offloads = 0, moe_offloads = 0, wont = 0;
  for (const auto& me : builtin_catalog().models) {
    const ModelArch& m = me.arch;
    for (FileType f : quants) {
      const WeightPlan w = quantized_weights(m, f);
      for (uint32_t ctx : contexts) {
        if (ctx > m.context_length) continue;
        PlanOptions o;
        o.kv.n_ctx = ctx;
        o.kv.flash_attn = ctx != 8192;  // both compute-buffer shapes
        const LayerSums sums = layer_sums(m, w, o.kv);
        for (const Machine& mc : machines) {
          const Plan p = plan_llamacpp(m, w, mc, o);
          const QuickPlan q = quick_plan(sums, mc);
          const std::string at =
              me.id + " " + std::to_string(static_cast<int>(f)) + " ctx " + std::to_string(ctx) +
              " gpu " + (mc.gpus.empty() ? "none" : std::to_string(mc.gpus[0].budget_bytes));
          ASSERT_EQ(q.verdict, p.verdict) << at;
          ASSERT_EQ(q.fits, p.fits) << at;
          ASSERT_EQ(q.gpu_layers, p.gpu_layers) << at;
          ASSERT_EQ(q.n_cpu_moe, p.n_cpu_moe) << at;
          ASSERT_EQ(q.host_used, p.devices.back().used_bytes) << at;
          ASSERT_EQ(q.gpu_used, mc.gpus.empty() ? 0 : p.devices[0].used_bytes) << at;
          ++cells;
          tradeoffs += p.verdict == Verdict::kTradeoffs;
          offloads += p.fits && p.gpu_layers > 0 && p.gpu_layers < p.total_layers;
          moe_offloads += p.fits && p.n_cpu_moe > 0;
          wont += !p.fits;
        }
      }
    }
  }
  // The comparison covered every branch of the search: full fit, MoE expert offload, partial
  // layer offload, and will not run.
  EXPECT_GT(cells, 10000u);
  EXPECT_GT(offloads, 100u);
  EXPECT_GT(moe_offloads, 20u);
  EXPECT_GT(wont, 1000u);
  EXPECT_GT(tradeoffs, 1000u);
}

TEST(sweep_test, grid_matches_the_estimate_command) {
  const json s = json::parse(handle_request(
      R"({"command":"sweep","quants":["Q4_K_M","Q8_0"],"contexts":[4096,32768,131072],"ram_gb":64})"));
  ASSERT_TRUE(s["ok"].get<bool>()) << s.dump().substr(0, 300);
  const auto& models = s["models"];
  const auto& hw = s["hardware"];
  const auto& grid = s["grid"];
  // Every catalog model but the EAGLE-3 draft heads, which are drafts only.
  size_t heads = 0;
  for (const auto& m : builtin_catalog().models) heads += m.kind == "draft-head";
  ASSERT_EQ(heads, 1u);
  ASSERT_EQ(models.size(), builtin_catalog().models.size() - heads);
  ASSERT_EQ(grid.size(), models.size() * 2 * 3);
  ASSERT_EQ(s["cells"].get<size_t>(), grid.size() * hw.size());
  size_t checked = 0;
  // Every 7th model and every 5th machine, every quant and context (a stride, not a hand pick).
  for (size_t mi = 0; mi < models.size(); mi += 7)
    for (size_t qi = 0; qi < 2; ++qi)
      for (size_t ci = 0; ci < 3; ++ci) {
        const std::string& row = grid[(mi * 2 + qi) * 3 + ci].get_ref<const std::string&>();
        ASSERT_EQ(row.size(), hw.size());
        for (size_t hi = 0; hi < hw.size(); hi += 5) {
          const json e = json::parse(handle_request(json{
              {"command", "estimate"},
              {"model", models[mi]},
              {"quant", s["quants"][qi]},
              {"context", s["contexts"][ci]},
              {"hardware", hw[hi]},
              {"ram_gb", 64},
              {"inverse", false}}.dump()));
          const char want = !e["ok"].get<bool>()            ? '-'
                            : e["verdict"] == "comfortable" ? 'c'
                            : e["verdict"] == "tradeoffs"   ? 't'
                                                            : 'x';
          if (!e["ok"].get<bool>()) {
            ASSERT_EQ(e["error"]["field"], "context");
          }
          ASSERT_EQ(row[hi], want)
              << models[mi] << " " << s["quants"][qi] << " " << s["contexts"][ci] << " " << hw[hi];
          ++checked;
        }
      }
  EXPECT_GT(checked, 1000u);
  const auto& c = s["counts"];
  EXPECT_EQ(c["comfortable"].get<size_t>() + c["tradeoffs"].get<size_t>() +
                c["will_not_run"].get<size_t>() + c["context_too_long"].get<size_t>(),
            s["cells"].get<size_t>());
}

TEST(sweep_test, contexts_as_a_comma_list) {
  const json a = json::parse(handle_request(
      R"({"command":"sweep","models":["llama-3.1-8b"],"hardware":["rtx-4090"],"contexts":"4096,131072"})"));
  const json b = json::parse(handle_request(
      R"({"command":"sweep","models":["llama-3.1-8b"],"hardware":["rtx-4090"],"contexts":[4096,131072]})"));
  ASSERT_TRUE(a["ok"].get<bool>()) << a.dump();
  EXPECT_EQ(a["grid"], b["grid"]);
  EXPECT_EQ(a["contexts"], json::array({4096, 131072}));
}

// Under Ollama, flash attention is the machine's: off on a Tesla M40 (Maxwell) unless asked for,
// where its KQ scores at 131,072 tokens (131072 x 512 x 32 heads x 4 B = 8 GiB) no longer fit
// beside the 16 GiB f16 cache: 24 of 33 layers on the GPU (tradeoffs, comfortable with it on).
// Each column matches the estimate on that card alone; with flash_attn set, both cards plan it
// on. A q8_0 cache cannot load on the M40 under Ollama's
// choice: its cells are will-not-run, with a note saying why.
TEST(sweep_test, ollama_plans_flash_attention_per_card) {
  const auto sweep = [](json extra) {
    json q = {{"command", "sweep"},
              {"models", {"llama-3.1-8b"}},
              {"quants", {"Q4_K_M"}},
              {"contexts", {131072}},
              {"hardware", {"rtx-3090", "tesla-m40-24gb"}},
              {"runtime", "ollama"},
              {"ram_gb", 64}};
    q.update(extra);
    return json::parse(handle_request(q.dump()));
  };
  const auto verdict = [](const char* hw) {
    const json e = json::parse(handle_request(json{
        {"command", "estimate"},
        {"model", "llama-3.1-8b"},
        {"quant", "Q4_K_M"},
        {"context", 131072},
        {"hardware", hw},
        {"runtime", "ollama"},
        {"ram_gb", 64},
        {"inverse", false}}.dump()));
    EXPECT_TRUE(e["ok"].get<bool>()) << e.dump();
    return e["verdict"] == "comfortable" ? 'c' : e["verdict"] == "tradeoffs" ? 't' : 'x';
  };
  const json own = sweep(json::object());
  ASSERT_TRUE(own["ok"].get<bool>()) << own.dump();
  const std::string row = own["grid"][0];
  EXPECT_EQ(row[0], verdict("rtx-3090"));
  EXPECT_EQ(row[1], verdict("tesla-m40-24gb"));
  EXPECT_EQ(row[1], 't');
  const json forced = sweep({{"flash_attn", true}});
  ASSERT_TRUE(forced["ok"].get<bool>()) << forced.dump();
  EXPECT_EQ(forced["grid"][0].get<std::string>()[1], 'c') << forced.dump();
  EXPECT_TRUE(forced["notes"].empty());
  const json q8 = sweep({{"kv_type", "q8_0"}, {"contexts", {8192}}});
  ASSERT_TRUE(q8["ok"].get<bool>()) << q8.dump();
  EXPECT_EQ(q8["grid"][0], "cx");
  ASSERT_EQ(q8["notes"].size(), 1u);
  EXPECT_EQ(q8["notes"][0].get<std::string>().rfind("tesla-m40-24gb: Ollama turns flash", 0), 0u);
  // The same with the M40 listed first: the shared fields do not take the first card's choice.
  const json first = sweep(
      {{"kv_type", "q8_0"}, {"contexts", {8192}}, {"hardware", {"tesla-m40-24gb", "rtx-3090"}}});
  ASSERT_TRUE(first["ok"].get<bool>()) << first.dump();
  EXPECT_EQ(first["grid"][0], "xc");
  EXPECT_EQ(first["notes"].size(), 1u);
}

TEST(sweep_test, bad_sweeps_name_the_field) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"command":"sweep","models":["nope"]})", "models"},
      {R"({"command":"sweep","quants":["AWQ-4bit"]})", "quants"},
      {R"({"command":"sweep","contexts":[0]})", "contexts"},
      {R"({"command":"sweep","contexts":"4096,abc"})", "contexts"},
      {R"({"command":"sweep","contexts":{"a":1}})", "contexts"},
      {R"({"command":"sweep","hardware":["<script>"]})", "hardware"},
      {R"({"command":"sweep","runtime":"vllm"})", "runtime"},
      {R"({"command":"sweep","kv_type":"q9"})", "kv_type"},
      {R"({"command":"sweep","ram_gb":-1})", "ram_gb"},
  };
  for (const auto& [req, field] : cases) {
    const json r = json::parse(handle_request(req));
    ASSERT_FALSE(r["ok"].get<bool>()) << req;
    EXPECT_EQ(r["error"]["field"], field) << req << " " << r.dump();
  }
}

}  // namespace
}  // namespace runcheck
