// The learn command's JSON edge (core/src only): {"command":"learn"} lists the glossary,
// {"command":"learn","term":ID} renders one entry through the engine.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runcheck/result.h"

namespace runcheck {
Result<nlohmann::json> learn_json(const nlohmann::json& req);

namespace learn_detail {  // learn_templates.cpp
using Args = std::map<std::string, std::string>;
// Each template: its required and optional keys.
struct TemplateSpec {
  const char* name;
  std::vector<std::string_view> required, optional;
};
const std::vector<TemplateSpec>& specs();
// One resolved template: its text and the number behind it.
struct Value {
  std::string text;
  double number = 0;
  std::string unit;
  nlohmann::json request;  // what the tool would be opened with (estimate-like fields)
};
// The value of template `name` with these keys (already checked against its spec).
Result<Value> resolve(const std::string& name, const Args& a);
}  // namespace learn_detail
}  // namespace runcheck
