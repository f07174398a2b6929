// Reading the calibration CSVs and mapping their names to catalog ids (calibration_csv.cpp).
// Native only, with the accuracy scorer.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runcheck/result.h"

namespace runcheck::calib {

// CSV records; quoted fields with "" escapes and newlines inside quotes. At most `max_rows`.
std::vector<std::vector<std::string>> parse_csv(std::string_view text, size_t max_rows);
std::string lower(std::string s);
// Free-text model name -> catalog id ("" when none): tuned-variant suffixes, aliases, org_ stems.
std::string map_model(const std::string& name);
struct HwMatch {
  std::string id;
  double ram_gib = 0;  // Apple unified memory from the name, 0 if none
  int device = -1;     // "[device CUDA1 of 4]" -> 1
  // A Mac named without its GPU core count ("Apple M1 Max 64GB"): the first of its variants
  // with that memory, all of which share one memory bandwidth; their compute differs.
  bool cores_unknown = false;
};
// Free-text hardware -> catalog id ({} when none matches).
HwMatch map_hardware(const std::string& name);
// The catalog CPU a run names as the host of `gpu_id` (a discrete GPU): "" when the run names
// none, the GPU is not discrete, or the catalog lacks that CPU.
std::string host_cpu_beside(const std::string& host_name, const std::string& gpu_id);
// "llama.cpp CUDA" -> "cuda"; "" when no known backend is named.
std::string map_backend(const std::string& text);

// The request's "csv": one file's text, or an array of up to 8, each with its own header, merged
// under one header (the `need` columns required in every file); origin[i] is row i's (file, line).
struct CsvTable {
  std::vector<std::vector<std::string>> rows;  // rows[0] is the header
  std::map<std::string, size_t> col;
  std::vector<std::pair<size_t, size_t>> origin;
};
Result<CsvTable> read_csv_tables(const nlohmann::json& req,
                                 std::initializer_list<const char*> need);
// Rewrites entries' "row" (merged index + 1) to the line in its own file, adding "file" when
// several files were given.
void name_rows(nlohmann::json& entries, const CsvTable& t);
// Row i's cell in column k ("" when the file has no such column or the row is short).
std::string cell(const CsvTable& t, size_t i, const char* k);
// Row i's cells by column name (what map_speed_row reads).
using Getter = std::function<std::string(const char*)>;
inline Getter row_getter(const CsvTable& t, size_t i) {
  return [&t, i](const char* k) { return cell(t, i, k); };
}

}  // namespace runcheck::calib
