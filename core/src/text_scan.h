// Bounded text scanning for the log reader: numbers ("1,234.5"), "key = value" pairs, sizes with
// their units ("12.8 GiB", "640.00 MiB"), Go-logger pairs (key="..."). No regular expressions; each
// call looks at one line once.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace runcheck::logread {

using sv = std::string_view;

inline constexpr size_t kMaxText = 300;  // a quoted line or name is cut here
inline constexpr double kMiBPerGiB = 1024;

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_word(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.';
}
inline sv trim(sv s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}
inline std::string cut(sv s, size_t n = kMaxText) { return std::string(s.substr(0, n)); }

// A decimal number at s[pos] ("1,234.5" allowed); pos moves past it. False if none there.
inline bool number_at(sv s, size_t& pos, double& out) {
  size_t p = pos;
  std::string digits;
  bool any = false;
  if (p < s.size() && s[p] == '-') digits += s[p++];
  while (p < s.size() && digits.size() < 40) {
    const char c = s[p];
    if (is_digit(c)) {
      digits += c;
      any = true;
    } else if (c == '.' && p + 1 < s.size() && is_digit(s[p + 1])) {
      digits += c;
    } else if (c == ',' && any && p + 3 < s.size() && is_digit(s[p + 1]) && is_digit(s[p + 2]) &&
               is_digit(s[p + 3]) && (p + 4 >= s.size() || !is_digit(s[p + 4]))) {
      // thousands separator ("175,856")
    } else {
      break;
    }
    ++p;
  }
  if (!any) return false;
  out = std::strtod(digits.c_str(), nullptr);
  if (!std::isfinite(out)) return false;
  pos = p;
  return true;
}
inline size_t skip_spaces(sv s, size_t p) {
  while (p < s.size() && (s[p] == ' ' || s[p] == '\t')) ++p;
  return p;
}

// "key = 123" or "key: 123" anywhere in the line, with `key` a whole word.
inline std::optional<double> keyed_number(sv line, sv key) {
  for (size_t at = line.find(key); at != sv::npos; at = line.find(key, at + 1)) {
    if (at > 0 && is_word(line[at - 1])) continue;
    size_t p = at + key.size();
    if (p < line.size() && is_word(line[p])) continue;
    p = skip_spaces(line, p);
    if (p >= line.size() || (line[p] != '=' && line[p] != ':')) continue;
    p = skip_spaces(line, p + 1);
    if (p < line.size() && (line[p] == '[' || line[p] == '\'' || line[p] == '"')) ++p;
    double v = 0;
    if (number_at(line, p, v)) return v;
  }
  return std::nullopt;
}
// The word after "key = " ('quoted' or bare), e.g. type_k = 'f16'.
inline std::string keyed_word(sv line, sv key) {
  for (size_t at = line.find(key); at != sv::npos; at = line.find(key, at + 1)) {
    if (at > 0 && is_word(line[at - 1])) continue;
    size_t p = at + key.size();
    if (p < line.size() && is_word(line[p])) continue;
    p = skip_spaces(line, p);
    if (p >= line.size() || (line[p] != '=' && line[p] != ':')) continue;
    p = skip_spaces(line, p + 1);
    if (p < line.size() && (line[p] == '\'' || line[p] == '"')) ++p;
    size_t e = p;
    while (e < line.size() && (is_word(line[e]) || line[e] == '-')) ++e;
    if (e > p) return std::string(line.substr(p, e - p));
  }
  return {};
}
inline std::optional<uint32_t> as_u32(std::optional<double> v) {
  if (!v || *v < 0 || *v > 4e9) return std::nullopt;
  return static_cast<uint32_t>(*v);
}
// "12.8 GiB" / "640.00 MiB" / "256.00 MB" / "14.9888 GB" at pos: the size in MiB.
inline bool size_at(sv s, size_t pos, double& mib) {
  double v = 0;
  if (!number_at(s, pos, v)) return false;
  pos = skip_spaces(s, pos);
  const sv unit = s.substr(pos, 3);
  if (unit.substr(0, 3) == "GiB" || unit.substr(0, 2) == "GB" || unit.substr(0, 1) == "G")
    mib = v * kMiBPerGiB;
  else if (unit.substr(0, 3) == "KiB" || unit.substr(0, 2) == "KB")
    mib = v / kMiBPerGiB;
  else
    mib = v;  // MiB / MB / unitless: llama.cpp prints MiB
  return true;
}
inline std::optional<double> size_after(sv line, sv marker) {
  const size_t at = line.find(marker);
  if (at == sv::npos) return std::nullopt;
  double mib = 0;
  size_t p = skip_spaces(line, at + marker.size());
  if (p < line.size() && line[p] == '"') ++p;
  if (!size_at(line, p, mib)) return std::nullopt;
  return mib;
}
// The value of a Go-logger pair `key="…"` or `key=…`.
inline std::string go_value(sv line, sv key) {
  std::string k = std::string(key) + "=";
  for (size_t at = line.find(k); at != sv::npos; at = line.find(k, at + 1)) {
    if (at > 0 && line[at - 1] != ' ') continue;
    size_t p = at + k.size();
    if (p < line.size() && line[p] == '"') {
      const size_t e = line.find('"', p + 1);
      return cut(line.substr(p + 1, e == sv::npos ? sv::npos : e - p - 1));
    }
    size_t e = line.find(' ', p);
    return cut(line.substr(p, e == sv::npos ? sv::npos : e - p));
  }
  return {};
}

}  // namespace runcheck::logread
