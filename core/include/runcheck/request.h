// Reading request JSON: every field checked for type and range, errors name the field.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runcheck/options.h"
#include "runcheck/result.h"

namespace runcheck {

class FieldReader {
 public:
  explicit FieldReader(const nlohmann::json& obj) : obj_(obj) {}

  // First error seen, if any. Readers return a default after an error; check `error()` once.
  const std::optional<Error>& error() const { return error_; }

  bool has(const char* key) const;
  std::string string(const char* key, const std::string& dflt, bool required = false,
                     size_t max_len = 200);
  // Integer within [lo, hi]; accepts a JSON integer or an integral double.
  int64_t integer(const char* key, int64_t dflt, int64_t lo, int64_t hi, bool required = false);
  double number(const char* key, double dflt, double lo, double hi, bool required = false);
  bool boolean(const char* key, bool dflt);
  // A string or an array of strings; "a,b" is split on commas.
  std::vector<std::string> string_list(const char* key, bool required, size_t max_items = 16);

  void fail(const std::string& field, const std::string& code, const std::string& message);

 private:
  const nlohmann::json& obj_;
  std::optional<Error> error_;
};

// A JSON number, or text holding one (CLI and URL values arrive as text): d gets its value.
enum class NumberValue { kNumber, kBadText, kNotNumber };
NumberValue number_value(const nlohmann::json& v, double& d);

// A typed value against its field's range: the error FieldReader gives for the same value in JSON.
std::optional<Error> check_integer(const char* key, int64_t v, int64_t lo, int64_t hi);
std::optional<Error> check_number(const char* key, double v, double lo, double hi);

// "a,b,,c" split on `sep`, empty parts dropped.
std::vector<std::string> split_text(const std::string& s, char sep);

// Linear-interpolated quantile q in [0, 1] of the values (0 for none).
double quantile(std::vector<double> v, double q);

// The operating systems a request may name (field `os`).
inline bool is_known_os(const std::string& s) { return one_of(kOsValues, s); }
inline std::string known_os_list() { return list_text(kOsValues, " or "); }

// Every key of `obj` must be one of `known`: a typo is an error naming the field and the
// closest known one ("unknown field 'contxt' - did you mean 'context'?"), never a silent
// default. `prefix` is prepended to the field in the error (e.g. "setups[1].").
std::optional<Error> check_fields(const nlohmann::json& obj,
                                  const std::vector<std::string_view>& known,
                                  const std::string& prefix = "");

// The known name closest to `word` by edit distance, or "" when none is near (distance above
// a third of the word's length, at least 2).
std::string closest_name(const std::string& word, const std::vector<std::string_view>& known);

// Strips control characters and caps the length, for echoing user text inside messages.
std::string safe_echo(const std::string& s, size_t max_len = 60);

}  // namespace runcheck
