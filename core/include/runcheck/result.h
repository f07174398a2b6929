// Errors as values: the core never throws across its API and never aborts on user input.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace runcheck {

struct Error {
  std::string code;     // machine-readable, e.g. "unknown_id", "out_of_range", "bad_json"
  std::string field;    // the request field at fault, e.g. "context"; empty if none
  std::string message;  // one line a user can act on; names the field and the allowed range
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const Error& error() const { return std::get<Error>(v_); }

 private:
  std::variant<T, Error> v_;
};

inline Error make_error(std::string code, std::string field, std::string message) {
  return Error{std::move(code), std::move(field), std::move(message)};
}

}  // namespace runcheck
