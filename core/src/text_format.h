// Number-to-text helpers the core's messages share (core/src only).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace runcheck::text {

// printf-style formatting of one number ("%.1f").
inline std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// 131072 -> "131,072".
inline std::string thousands(uint64_t v) {
  const std::string s = std::to_string(v);
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

}  // namespace runcheck::text
