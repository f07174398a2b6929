#include "runcheck/request.h"

#include <algorithm>
#include <cmath>

namespace runcheck {

using nlohmann::json;

std::string safe_echo(const std::string& s, size_t max_len) {
  std::string out;
  for (unsigned char ch : s) {
    if (out.size() >= max_len) {
      out += "...";
      break;
    }
    out += (ch < 0x20 || ch == 0x7f) ? '?' : static_cast<char>(ch);
  }
  return out;
}

bool FieldReader::has(const char* key) const {
  return obj_.is_object() && obj_.contains(key) && !obj_.at(key).is_null();
}

void FieldReader::fail(const std::string& field, const std::string& code,
                       const std::string& message) {
  if (!error_) error_ = make_error(code, field, message);
}

std::string FieldReader::string(const char* key, const std::string& dflt, bool required,
                                size_t max_len) {
  if (!has(key)) {
    if (required) fail(key, "missing_field", std::string(key) + " is required");
    return dflt;
  }
  const json& v = obj_.at(key);
  if (!v.is_string()) {
    fail(key, "bad_type", std::string(key) + " must be a string");
    return dflt;
  }
  std::string s = v.get<std::string>();
  if (s.size() > max_len) {
    fail(key, "too_long",
         std::string(key) + " must be at most " + std::to_string(max_len) + " characters");
    return dflt;
  }
  return s;
}

namespace {
Error integer_range_error(const char* key, int64_t lo, int64_t hi) {
  return make_error("out_of_range", key,
                    std::string(key) + " must be an integer in [" + std::to_string(lo) + ", " +
                        std::to_string(hi) + "]");
}
}  // namespace

std::optional<Error> check_integer(const char* key, int64_t v, int64_t lo, int64_t hi) {
  if (v >= lo && v <= hi) return std::nullopt;
  return integer_range_error(key, lo, hi);
}

std::optional<Error> check_number(const char* key, double v, double lo, double hi) {
  if (std::isfinite(v) && v >= lo && v <= hi) return std::nullopt;
  return make_error(
      "out_of_range", key,
      std::string(key) + " must be a number in [" + json(lo).dump() + ", " + json(hi).dump() + "]");
}

NumberValue number_value(const json& v, double& d) {
  if (v.is_number()) {
    d = v.get<double>();
    return NumberValue::kNumber;
  }
  if (!v.is_string()) return NumberValue::kNotNumber;
  const std::string s = v.get<std::string>();  // CLI and URL values arrive as text
  char* end = nullptr;
  d = std::strtod(s.c_str(), &end);
  return s.empty() || end == nullptr || *end != '\0' ? NumberValue::kBadText : NumberValue::kNumber;
}

int64_t FieldReader::integer(const char* key, int64_t dflt, int64_t lo, int64_t hi, bool required) {
  const std::string range = " [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (!has(key)) {
    if (required)
      fail(key, "missing_field", std::string(key) + " is required, an integer in" + range);
    return dflt;
  }
  const json& v = obj_.at(key);
  const auto out_of_range = [&] {
    const Error e = integer_range_error(key, lo, hi);
    fail(key, e.code, e.message);
    return dflt;
  };
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(hi))
      return out_of_range();
    const int64_t i = v.get<int64_t>();
    if (check_integer(key, i, lo, hi)) return out_of_range();
    return i;
  }
  double d = 0;
  switch (number_value(v, d)) {
    case NumberValue::kBadText:
      fail(key, "bad_type",
           std::string(key) + " must be an integer in" + range + ", got '" +
               safe_echo(v.get<std::string>()) + "'");
      return dflt;
    case NumberValue::kNotNumber:
      fail(key, "bad_type", std::string(key) + " must be an integer in" + range);
      return dflt;
    case NumberValue::kNumber:
      break;
  }
  if (!std::isfinite(d) || d != std::floor(d) || d < static_cast<double>(lo) ||
      d > static_cast<double>(hi))
    return out_of_range();
  return static_cast<int64_t>(d);
}

double FieldReader::number(const char* key, double dflt, double lo, double hi, bool required) {
  const std::string range = " [" + json(lo).dump() + ", " + json(hi).dump() + "]";
  if (!has(key)) {
    if (required)
      fail(key, "missing_field", std::string(key) + " is required, a number in" + range);
    return dflt;
  }
  const json& v = obj_.at(key);
  double d = 0;
  switch (number_value(v, d)) {
    case NumberValue::kBadText:
      fail(key, "bad_type",
           std::string(key) + " must be a number in" + range + ", got '" +
               safe_echo(v.get<std::string>()) + "'");
      return dflt;
    case NumberValue::kNotNumber:
      fail(key, "bad_type", std::string(key) + " must be a number in" + range);
      return dflt;
    case NumberValue::kNumber:
      break;
  }
  if (auto e = check_number(key, d, lo, hi)) {
    fail(key, e->code, e->message);
    return dflt;
  }
  return d;
}

bool FieldReader::boolean(const char* key, bool dflt) {
  if (!has(key)) return dflt;
  const json& v = obj_.at(key);
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (s == "on" || s == "true" || s == "1") return true;
    if (s == "off" || s == "false" || s == "0") return false;
  }
  fail(key, "bad_type", std::string(key) + " must be true/false (or on/off)");
  return dflt;
}

std::vector<std::string> FieldReader::string_list(const char* key, bool required,
                                                  size_t max_items) {
  std::vector<std::string> out;
  if (!has(key)) {
    if (required) fail(key, "missing_field", std::string(key) + " is required");
    return out;
  }
  const json& v = obj_.at(key);
  auto push_split = [&](const std::string& s) {
    for (auto& part : split_text(s, ',')) out.push_back(std::move(part));
  };
  if (v.is_string()) {
    if (v.get<std::string>().size() > 2000) {
      fail(key, "too_long", std::string(key) + " is too long");
      return {};
    }
    push_split(v.get<std::string>());
  } else if (v.is_array()) {
    for (const auto& item : v) {
      if (!item.is_string() || item.get<std::string>().size() > 200) {
        fail(key, "bad_type", std::string(key) + " must be a list of ids");
        return {};
      }
      push_split(item.get<std::string>());
    }
  } else {
    fail(key, "bad_type", std::string(key) + " must be an id or a list of ids");
    return {};
  }
  if (out.size() > max_items) {
    fail(key, "out_of_range",
         std::string(key) + " may list at most " + std::to_string(max_items) + " items");
    return {};
  }
  if (out.empty() && required) fail(key, "missing_field", std::string(key) + " is required");
  return out;
}

namespace {

// Levenshtein distance (insert, delete, substitute), two rows.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string closest_name(const std::string& word, const std::vector<std::string_view>& known) {
  // Field names are short: compare at most the first 64 characters of a hostile key.
  const std::string_view w = std::string_view(word).substr(0, 64);
  const size_t limit = std::max<size_t>(2, w.size() / 3);
  std::string best;
  size_t best_d = limit + 1;
  for (std::string_view k : known) {
    const size_t d = edit_distance(w, k);
    if (d < best_d) {
      best_d = d;
      best = std::string(k);
    }
  }
  return best;
}

std::optional<Error> check_fields(const json& obj, const std::vector<std::string_view>& known,
                                  const std::string& prefix) {
  if (!obj.is_object()) return std::nullopt;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string& key = it.key();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    const std::string near = closest_name(key, known);
    std::string msg = "unknown field '" + safe_echo(key) + "'";
    msg += near.empty() ? std::string(" (known: ") : " — did you mean '" + near + "'? (known: ";
    for (size_t i = 0; i < known.size(); ++i) msg += (i ? ", " : "") + std::string(known[i]);
    msg += ")";
    return make_error("unknown_field", prefix + safe_echo(key), msg);
  }
  return std::nullopt;
}

std::vector<std::string> split_text(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t at = s.find(sep, start);
    std::string part = s.substr(start, at == std::string::npos ? std::string::npos : at - start);
    if (!part.empty()) out.push_back(std::move(part));
    if (at == std::string::npos) break;
    start = at + 1;
  }
  return out;
}

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t i = static_cast<size_t>(pos);
  const double frac = pos - static_cast<double>(i);
  return i + 1 < v.size() ? v[i] * (1 - frac) + v[i + 1] * frac : v[i];
}

}  // namespace runcheck
