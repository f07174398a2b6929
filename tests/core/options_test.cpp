// The options command lists exactly what the request reader accepts: every runtime, KV type and
// OS it names is accepted, every range's ends are accepted and one step past them is refused by
// field name. (The page, the widget and the CLI render their pickers from this answer.)
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runcheck/api.h"

namespace runcheck {
namespace {

using nlohmann::json;

json call(const json& req) { return json::parse(handle_request(req.dump())); }

TEST(options_test, lists_what_the_reader_accepts) {
  const json o = call({{"command", "options"}});
  ASSERT_TRUE(o["ok"].get<bool>()) << o.dump();
  EXPECT_EQ(o["kv_types"],
            json({"f16", "q8_0", "q4_0", "bf16", "f32", "q5_1", "q5_0", "q4_1", "iq4_nl"}));
  EXPECT_EQ(o["os"], json({"linux", "windows", "macos"}));
  EXPECT_EQ(o["limits"]["devices"], 16);
  EXPECT_EQ(o["defaults"]["quant"], "Q4_K_M");
  EXPECT_EQ(o["runtimes"].size(), 6u);
  // vLLM's OS list comes from the catalog (its installation page: Linux).
  for (const auto& r : o["runtimes"]) {
    if (r["id"] == "vllm") {
      EXPECT_EQ(r["os"], json({"linux"}));
    }
  }
  const json base = {{"model", "llama-3.1-8b"}, {"hardware", "rtx-4090"}, {"inverse", false}};
  for (const auto& kv : o["kv_types"]) {
    json q = base;
    q["kv_type"] = kv;
    EXPECT_TRUE(call(q)["ok"].get<bool>()) << kv;
  }
  for (const auto& os : o["os"]) {
    json q = base;
    q["os"] = os;
    if (os == "macos") q["hardware"] = "apple-m4-max-40c";
    EXPECT_TRUE(call(q)["ok"].get<bool>()) << os;
  }
  for (const auto& [field, r] : o["ranges"].items()) {
    for (const char* end : {"min", "max"}) {
      json q = base;
      q[field] = r[end];
      if (field == "wired_limit_mb" || field == "gpu_reserved_mb")
        q["hardware"] = field == "wired_limit_mb" ? "apple-m4-max-40c" : "rtx-4090";
      if (field == "image_max_tokens") {  // a vision-tower field: a model with one, images on
        q["model"] = "qwen3-vl-8b";
        q["vision"] = true;
      }
      const json a = call(q);
      EXPECT_TRUE(a["ok"].get<bool>()) << field << "=" << r[end] << ": " << a.dump().substr(0, 300);
    }
    json q = base;
    q[field] = r["max"].get<double>() + 1;
    if (field == "image_max_tokens") q["model"] = "qwen3-vl-8b", q["vision"] = true;
    const json a = call(q);
    ASSERT_FALSE(a["ok"].get<bool>()) << field;
    EXPECT_EQ(a["error"]["field"], field);
  }
}

}  // namespace
}  // namespace runcheck
