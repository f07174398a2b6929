// The vision tower's cost: what llama.cpp's mmproj file holds and what its image encoder
// reserves, for the towers the importer reads (model.h vision_*). Sized tensor by tensor
// as the converter writes them (conversion/base.py at 3f545be: 1-D tensors and position
// embeddings F32; patch embedding and patch merger F16 in an F16 file, else F32; Gemma 3's
// embeddings F32 and its input projection F16; every other matrix in the file's type).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "runcheck/model.h"

namespace runcheck::vision {

enum class MmprojType { kF16, kBF16, kF32 };
std::optional<MmprojType> mmproj_type(const std::string& name);  // "F16" | "BF16" | "F32"
const char* mmproj_type_name(MmprojType t);

struct Tensors {
  uint64_t matrix = 0;  // matrices in the file's type
  uint64_t f16 = 0;     // matrices the converter keeps in F16 whatever the file type
  uint64_t f32 = 0;     // kept in F32
  uint64_t conv = 0;    // patch embedding / merger: F16 in an F16 file, else F32
};
Tensors tensors(const ModelArch& m);
uint64_t weight_bytes(const ModelArch& m, MmprojType t);        // the whole mmproj, audio tower too
uint64_t audio_weight_bytes(const ModelArch& m, MmprojType t);  // 0 without a sized one

// The image the encoder's compute buffer is reserved for at load (llama.cpp's warmup image), in
// patches before merging: Qwen 46 x 46 tokens x merge^2, Pixtral 256 tokens x merge^2, Gemma 3
// its fixed (image_size / patch)^2, Kimi one 1792 px image (128 x 128 patches); image_max_tokens
// (--image-max-tokens) replaces the token count of the dynamic-resolution towers.
uint64_t warmup_patches(const ModelArch& m, std::optional<uint32_t> image_max_tokens);

// The encoder's compute buffer for that image: one layer's widest activations, P x (FFN + 3
// hidden) f32, and without flash attention the attention scores, heads x P^2 f32. Against the
// published buffers of one MI300X run (gguf-parser-go issue 44, MiB, flash off / on): Gemma 3
// 1132 / 121, this gives 1145 / 121; Qwen3-VL 4728 / 323 (size not stated), 4612 / 251 for the
// 8B-class tower.
uint64_t compute_bytes(const ModelArch& m, uint64_t patches, bool flash_attn);

const char* projector_name(const ModelArch& m);  // llama.cpp's name, "" when none

}  // namespace runcheck::vision
