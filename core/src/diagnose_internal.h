// What Troubleshoot shares between its parts: the JSON edge of the diagnosis (diagnose.cpp) and
// the mapping from a log's facts to the catalog and to runcheck's devices (log_mapping.cpp).
#pragma once

#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runcheck/catalog.h"
#include "runcheck/logread.h"
#include "runcheck/result.h"
#include "text_format.h"

namespace runcheck {

// {"log": "...", model/quant/hardware/context/ram_gb/runtime overrides} -> the diagnosis.
Result<nlohmann::json> diagnose_json(const nlohmann::json& request);
// An errors-knowledge-base entry's fixes as [{text, syntax}] (diagnosis and catalog listing).
// The entry's fixes, their syntax filled with the numbers of `line` ("{2}": its second integer).
nlohmann::json error_fixes_json(const ErrorEntry& e, const std::string& line);
std::string fill_fix_syntax(const std::string& syntax, const std::string& line);

namespace diagnosis {

using text::fmt;
inline std::string gib(double mib) { return fmt("%.2f", mib / 1024.0) + " GiB"; }
template <class T>
nlohmann::json opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
inline nlohmann::json str_or_null(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

// A GPU or model name reduced to its letters and digits, vendor words dropped.
std::string norm_name(std::string s);
// The facts the log shows, as the response's "facts" object.
nlohmann::json log_facts_json(const LogFacts& f);
// The catalog model whose shape the log prints; `how` says how it was matched or why not.
const ModelEntry* match_model(const LogFacts& f, std::string& how);
const ModelEntry* match_by_weights(const LogFacts& f, std::string& quant, std::string& how);
// llama.cpp's printed file type -> a quant id ("Q4_K - Medium" -> Q4_K_M), or "".
std::string quant_from_file_type(std::string ft, std::optional<double> bpw);
// The catalog hardware ids of the log's devices; `notes` say what was assumed or not found.
std::vector<std::string> match_hardware(const LogFacts& f, std::vector<std::string>& notes);
// The index of runcheck's device row a log device name ("CUDA1", "CPU_Mapped") stands for, or -1.
int device_row(const std::string& dev, const nlohmann::json& devices);
// The GGUF metadata the log shows (its kv dump completed from print_info lines).
nlohmann::json gguf_metadata(const LogFacts& f);

}  // namespace diagnosis
}  // namespace runcheck
