// The log reader's state and its line handlers, shared by logread.cpp (the driver, runtime,
// build, command line, devices, model and context lines) and logread_memory.cpp (buffers,
// allocation failures, the vLLM / MLX / Ollama summaries, `ollama ps`, error lines).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "runcheck/logread.h"
#include "text_scan.h"

namespace runcheck::logread {

struct Reader {
  LogFacts f;
  uint32_t n = 0;  // current line number
  std::map<std::string, int> votes;
  bool in_command = false;  // the command line goes on after a trailing backslash
  // `ollama ps`: a header naming PROCESSOR, then one row per loaded model (columns split by runs
  // of spaces).
  bool in_ps = false;

  void note_cap(const char* what);
  LogDevice& device(const std::string& id);
  void runtime_markers(sv line);
  void build_line(sv line);
  void command_line(sv line);
  void flags_from(sv line, size_t p);
  void devices_line(sv line);
  // print_info / llm_load_print_meta "key = value" and GGUF "- kv N: key type = value" lines.
  void model_line(sv line);
  void model_fact(const std::string& key, sv val);
  void context_line(sv line);
  // common_memory_breakdown_print (2026): "|   - CUDA1 (RTX 3090)   | 24575 = 23332 + (17829 =
  // 1177 +   15360 +    1292) + -16586 |" and "|   - Host   |  25094 =  1502 + 21504 + 2088 |".
  // The fit step prints it after each trial: the last table is what was loaded.
  void breakdown_line(sv line);
  void buffer_line(sv line);
  void add_buffer(const std::string& dev, const std::string& kind, double mib);
  void failure_line(sv line);
  void add_failure(const std::string& dev, const std::string& kind, double mib);
  void summary_line(sv line);
  void ollama_ps_line(sv line);
  void error_line(sv line);
  void line(sv raw);
};

}  // namespace runcheck::logread
