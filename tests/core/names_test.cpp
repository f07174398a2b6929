// Printed names -> catalog ids. Every hardware name below was printed by a tool in a real log or
// published run: ../shared/fixtures/logs (llama.cpp's CUDA/Metal device lines), the hardware
// column of ../shared/calibration/set_c.csv (benchmark sites' spellings), and the nvidia-smi and
// llama.cpp lines quoted in public repositories; each line says where.
#include "names.h"

#include <gtest/gtest.h>

namespace runcheck {
namespace {

std::string hw(std::string_view printed, names::HardwareHints hints = {}) {
  const names::HardwareMatch m = names::hardware_by_name(printed, hints);
  return m.pick ? m.pick->id : "(none: " + m.why + ")";
}

std::string model(std::string_view printed) {
  const names::ModelMatch m = names::model_by_name(printed);
  return m.pick ? m.pick->id : "(none: " + m.why + ")";
}

constexpr double kMiB = 1.0 / 1024;  // hints are GiB; logs print MiB

TEST(Names, DeviceNamesFromRealLogsMapToTheirEntries) {
  // llama.cpp "Device 0: ..." lines in fixtures/logs.
  EXPECT_EQ(hw("NVIDIA GeForce RTX 3090"), "rtx-3090");     // ..._4x3090_glm51 (not the 3090 Ti)
  EXPECT_EQ(hw("NVIDIA RTX A6000"), "rtx-a6000");           // ..._a6000_qwen3-235b
  EXPECT_EQ(hw("Tesla V100-PCIE-16GB"), "v100-16gb-pcie");  // ..._v100-16gb_pythia (ggml-ci)
  // llama.cpp's newer device list prints the short name: "CUDA0 (RTX 5090)".
  EXPECT_EQ(hw("RTX 5090"), "rtx-5090");
  // LM Studio's "NVIDIA GeForce RTX 5060 Ti" is sold with 8 and 16 GB: the memory decides.
  EXPECT_EQ(hw("NVIDIA GeForce RTX 5060 Ti", {16311 * kMiB, {}}), "rtx-5060-ti-16gb");
  EXPECT_EQ(hw("NVIDIA GeForce RTX 5060 Ti", {7841 * kMiB, {}}), "rtx-5060-ti-8gb");
  // Jetson modules print "Orin" (ggml_cuda_init in public Jetson guides); memory decides.
  EXPECT_EQ(hw("Orin", {62827 * kMiB, {}}), "jetson-agx-orin-64gb");
  // nvidia-smi's names of datacenter parts (quoted in public repositories' logs and tables).
  EXPECT_EQ(hw("NVIDIA A100-SXM4-80GB"), "a100-80gb-sxm");
  EXPECT_EQ(hw("NVIDIA H100 80GB HBM3"), "h100-sxm");
  EXPECT_EQ(hw("Tesla V100-SXM2-32GB"), "v100-32gb-sxm2");
  EXPECT_EQ(hw("NVIDIA RTX PRO 6000 Blackwell Max-Q Workstation Edition"),
            "rtx-pro-6000-blackwell-max-q");
  // ROCm: the name, or only the gfx target when the name is generic; memory then decides.
  EXPECT_EQ(hw("AMD Radeon RX 7900 XTX, gfx1100 (0x1100), VMM: no"), "rx-7900-xtx");
  EXPECT_EQ(hw("AMD Radeon Graphics, gfx1100", {24 - 0.5, {}}), "rx-7900-xtx");
  // Vulkan adds the driver in parentheses; SYCL prints Intel's trademarks.
  EXPECT_EQ(hw("AMD Radeon RX 6800 XT (RADV NAVI21)"), "rx-6800-xt");
  EXPECT_EQ(hw("Intel(R) Arc(TM) A770 Graphics", {15.9, {}}), "arc-a770-16gb");
}

TEST(Names, BenchmarkSiteSpellingsFromSetC) {
  // set_c.csv's hardware column: memory in the name, Apple GPU cores as "+40GPU".
  EXPECT_EQ(hw("AMD Radeon RX 7900 XT 19.98GB"), "rx-7900-xt");
  EXPECT_EQ(hw("NVIDIA GeForce RTX 5070 11.94GB"), "rtx-5070");
  EXPECT_EQ(hw("RTX 5090 32.6GB"), "rtx-5090");
  EXPECT_EQ(hw("Apple M4 Max 12P+4E+40GPU"), "apple-m4-max-40c");
  EXPECT_EQ(hw("Apple M1 Pro 8P+2E+16GPU"), "apple-m1-pro-16c");
  // One chip sold in several boxes with the same figures: the first entry stands for all.
  const names::HardwareMatch gb10 = names::hardware_by_name("NVIDIA GB10 121.63GB");
  ASSERT_NE(gb10.pick, nullptr) << gb10.why;
  EXPECT_EQ(gb10.pick->id, "dgx-spark");
  EXPECT_EQ(gb10.candidates.size(), 4u);
}

TEST(Names, NamesThatCannotTellSayWhy) {
  // Metal prints the chip, not its GPU cores; "Apple M4 Pro 24GB" is sold with 16 and 20 cores.
  const names::HardwareMatch m1max = names::hardware_by_name("Apple M1 Max");
  EXPECT_EQ(m1max.pick, nullptr);
  EXPECT_EQ(m1max.candidates.size(), 2u);
  EXPECT_NE(m1max.why.find("apple-m1-max-24c, apple-m1-max-32c"), std::string::npos) << m1max.why;
  EXPECT_EQ(names::hardware_by_name("Apple M4 Pro 24GB").pick, nullptr);
  EXPECT_EQ(names::hardware_by_name("Apple M2 Max (38-core GPU)").pick->id, "apple-m2-max-38c");
  // A name without its memory size: "NVIDIA GeForce RTX 4060 Ti" from set_c.
  EXPECT_EQ(names::hardware_by_name("NVIDIA GeForce RTX 4060 Ti").pick, nullptr);
  EXPECT_EQ(hw("Matrox G200eW"), "(none: not in the catalog)");
  EXPECT_EQ(hw(""), "(none: not in the catalog)");
  EXPECT_EQ(hw(std::string(100000, '9') + "GB"), "(none: not in the catalog)");
}

TEST(Names, ModelNamesRuntimesAndHubsPrint) {
  EXPECT_EQ(model("Meta Llama 3.1 8B Instruct"), "llama-3.1-8b");  // set_c, a GGUF's general.name
  EXPECT_EQ(model("Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf"), "llama-3.1-8b");
  EXPECT_EQ(model("/models/Meta-Llama-3.1-8B-Instruct-Q8_0-00001-of-00002.gguf"), "llama-3.1-8b");
  EXPECT_EQ(model("bartowski/Meta-Llama-3.1-8B-Instruct-GGUF"), "llama-3.1-8b");
  EXPECT_EQ(model("llama3.1:8b"), "llama-3.1-8b");  // Ollama tag
  EXPECT_EQ(model("llama3.1:8b-instruct-q4_K_M"), "llama-3.1-8b");
  EXPECT_EQ(model("meta-llama/Llama-3.1-8B"), "llama-3.1-8b");  // the catalog's hf_repo
  EXPECT_EQ(model("Qwen3-8B"), "qwen3-8b");
  EXPECT_EQ(model("Qwen3.5-35B-A3B-UD-Q4_K_XL.gguf"), "qwen3.5-35b-a3b");
  EXPECT_EQ(model("Totally-Unknown-7B-Q4_K_M.gguf"), "(none: not in the catalog)");
  EXPECT_EQ(model(""), "(none: not in the catalog)");
}

}  // namespace
}  // namespace runcheck
