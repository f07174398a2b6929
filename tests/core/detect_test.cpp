// "Detect my hardware": the browser's adapter name to a catalog id, or a plain "cannot tell".
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "runcheck/api.h"

namespace runcheck {
namespace {

using nlohmann::json;

json detect(json q) {
  q["command"] = "detect";
  return json::parse(handle_request(q.dump()));
}

TEST(Detect, AnAdapterNameMapsToItsCatalogEntry) {
  // Chrome's WebGPU adapter info on a 3090 (the name nvidia-smi prints too).
  const json r = detect({{"gpu", "NVIDIA GeForce RTX 3090"}, {"vendor", "nvidia"}});
  ASSERT_TRUE(r["ok"].get<bool>()) << r.dump();
  EXPECT_EQ(r["hardware"], "rtx-3090");  // not the 3090 Ti, whose name only starts the same
  EXPECT_EQ(r["candidates"].size(), 1u);
}

TEST(Detect, AmbiguousOrUnknownNamesProposeNothing) {
  // Sold with 8 and 16 GB: the name alone cannot tell, and the answer says so.
  const json ti = detect({{"gpu", "NVIDIA GeForce RTX 5060 Ti"}});
  EXPECT_TRUE(ti["hardware"].is_null());
  EXPECT_EQ(ti["candidates"].size(), 2u);
  EXPECT_NE(ti["said"][0].get<std::string>().find("cannot tell apart"), std::string::npos);
  // An Apple GPU: browsers give the vendor, never the chip.
  const json mac = detect({{"vendor", "apple"}, {"platform", "macOS"}, {"device_memory_gb", 8}});
  EXPECT_TRUE(mac["hardware"].is_null());
  EXPECT_NE(mac["said"][0].get<std::string>().find("does not say which chip"), std::string::npos);
  EXPECT_NE(mac["said"][1].get<std::string>().find("at least 8 GB"), std::string::npos);
  const json none = detect(json::object());
  EXPECT_NE(none["said"][0].get<std::string>().find("does not expose its GPU"), std::string::npos);
}

TEST(Detect, BadInputNamesTheField) {
  EXPECT_EQ(detect({{"gpu", 3090}})["error"]["field"], "gpu");
  EXPECT_EQ(detect({{"device_memory_gb", -1}})["error"]["field"], "device_memory_gb");
  EXPECT_EQ(detect({{"gpus", "x"}})["error"]["field"], "gpus");
  // Hostile text comes back as text inside the sentence, and matches nothing.
  const json r = detect({{"gpu", "<script>alert(1)</script>"}});
  EXPECT_TRUE(r["hardware"].is_null());
  EXPECT_NE(r["said"][0].get<std::string>().find("not in the catalog"), std::string::npos);
}

}  // namespace
}  // namespace runcheck
