// runcheck CLI: turns flags into the same JSON request the wasm module takes, calls the core,
// prints the response. It decides nothing itself.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "catalog_lint.h"
#include "runcheck/api.h"
#include "runcheck/catalog.h"

namespace {

using nlohmann::json;

constexpr const char* kUsage =
    "usage: runcheck <command> [options] [--json]\n"
    "\n"
    "commands:\n"
    "  estimate   will it run: --model ID --quant NAME --context N --hardware ID[,ID...]\n"
    "             [--runtime llama.cpp|ollama|lmstudio|vllm|mlx] [--kv-type f16|q8_0|q4_0]\n"
    "             [--flash-attn on|off] [--parallel N] [--ram-gb N] [--request FILE.json]\n"
    "  accuracy   score the engine on published measurements: --data FILE.csv [--json]\n"
    "  catalog    list catalog ids: runcheck catalog [models|hardware|quants] --json\n"
    "  raw        read a request JSON on stdin, print the core's response verbatim\n"
    "  lint-catalog  validate the compiled-in catalog (used by the build)\n"
    "\n"
    "Every option --some-name VALUE becomes the request field some_name. --request FILE.json\n"
    "reads a whole request (the same JSON the wasm module takes); flags override it.\n";

bool read_file(const std::string& path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  const std::string command = args[0];
  if (command == "raw") {
    // The exact core call the wasm module makes: request JSON on stdin, response on stdout.
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    std::printf("%s\n", runcheck::handle_request(ss.str()).c_str());
    return 0;
  }
  if (command == "lint-catalog") {
    const auto& err = runcheck::builtin_catalog_error();
    if (!err.empty()) {
      std::fprintf(stderr, "runcheck: catalog error: %s\n", err.c_str());
      return 1;
    }
    const auto& c = runcheck::builtin_catalog();
    if (args.size() >= 3 && args[1] == "--schemas") {
      std::map<std::string, std::string> schemas;
      for (const char* f : {"models", "hardware", "quants", "runtimes", "clouds", "apis", "exceptions", "benchmarks"}) {
        std::ifstream in(args[2] + "/" + f + ".schema.json");
        if (!in) continue;
        std::ostringstream ss;
        ss << in.rdbuf();
        schemas[std::string(f) + ".schema.json"] = ss.str();
      }
      const auto findings = runcheck::lint_catalog(runcheck::builtin_catalog_files(), schemas);
      for (const auto& f : findings) std::fprintf(stderr, "runcheck: catalog lint: %s\n", f.message.c_str());
      if (!findings.empty()) {
        std::fprintf(stderr, "runcheck: %zu catalog finding(s)\n", findings.size());
        return 1;
      }
    }
    std::printf("catalog ok: %zu models, %zu hardware, %zu quants, %zu runtimes, %zu cloud offers, %zu API prices\n",
                c.models.size(), c.hardware.size(), c.quants.size(), c.runtimes.size(), c.clouds.size(),
                c.apis.size());
    return 0;
  }

  json req = json::object();
  bool as_json = false;
  std::vector<std::string> positional;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--json") {
      as_json = true;
    } else if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a.rfind("--", 0) == 0) {
      std::string key = a.substr(2), value;
      const size_t eq = key.find('=');
      if (eq != std::string::npos) {
        value = key.substr(eq + 1);
        key = key.substr(0, eq);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        std::fprintf(stderr, "runcheck: error: --%s needs a value\n", key.c_str());
        return 2;
      }
      for (char& ch : key)
        if (ch == '-') ch = '_';
      if (key == "data") {  // runcheck accuracy --data FILE.csv: the CSV text goes in the request
        std::string text;
        if (!read_file(value, text)) {
          std::fprintf(stderr, "runcheck: error: data: cannot read file '%s'\n", value.c_str());
          return 2;
        }
        req["csv"] = text;
      } else if (key == "request") {
        std::string text;
        if (!read_file(value, text)) {
          std::fprintf(stderr, "runcheck: error: request: cannot read file '%s'\n", value.c_str());
          return 2;
        }
        json file = json::parse(text, nullptr, false);
        if (file.is_discarded() || !file.is_object()) {
          std::fprintf(stderr, "runcheck: error: request: '%s' is not a JSON object\n",
                       value.c_str());
          return 2;
        }
        for (auto it = file.begin(); it != file.end(); ++it)
          if (!req.contains(it.key())) req[it.key()] = it.value();
      } else {
        req[key] = value;
      }
    } else {
      positional.push_back(a);
    }
  }
  req["command"] = command;
  if (command == "catalog" && !positional.empty()) req["list"] = positional[0];

  const std::string out = runcheck::handle_request(req.dump());
  const json resp = json::parse(out, nullptr, false);
  const bool ok = !resp.is_discarded() && resp.value("ok", false);
  if (!ok) {
    const json err = resp.is_discarded() ? json::object() : resp.value("error", json::object());
    const std::string field = err.value("field", "");
    std::fprintf(stderr, "runcheck: error: %s%s%s\n", field.c_str(), field.empty() ? "" : ": ",
                 err.value("message", "unknown error").c_str());
    if (as_json) std::printf("%s\n", out.c_str());
    return 1;
  }
  if (as_json) std::printf("%s\n", out.c_str());
  else std::printf("%s\n", resp.dump(2).c_str());
  return 0;
}
