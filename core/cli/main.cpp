// runcheck CLI: turns flags into the same JSON request the wasm module takes, calls the core,
// prints the response. It decides nothing itself.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "catalog_lint.h"
#include "completion.h"
#include "report.h"
#include "runcheck/api.h"
#include "runcheck/catalog.h"
#include "runcheck/logread.h"

namespace {

using nlohmann::json;

constexpr const char* kUsage =
    "usage: runcheck <command> [options] [--json]\n"
    "\n"
    "commands:\n"
    "  estimate   will it run: --model ID --quant NAME --context N --hardware ID[,ID...]\n"
    "             [--runtime llama.cpp|ollama|lmstudio|vllm|mlx] [--kv-type f16|q8_0|q4_0]\n"
    "             [--flash-attn on|off] [--parallel N] [--ram-gb N] [--request FILE.json]\n"
    "             [--backend cuda|rocm|vulkan|metal|sycl|cpu] [--prompt N] [--depth N]\n"
    "  compare    side by side: --model ID --quant Q --context N --setups "
    "\"rtx-3090x2;rtx-4090;apple-m4-max-40c\"\n"
    "  choose     buy for a budget: --budget-usd N --workloads \"llama-3.1-70b:Q4_K_M:8192;...\" "
    "[--min-decode-tps N]\n"
    "             [--price any|new|used] [--max-watts N] [--max-cards N] [--mac-ok false]; or "
    "--hardware ID\n"
    "             to list which catalog models run on that machine; or --use-case ID "
    "--budget-usd N\n"
    "             to rank setups by the best-scoring model each runs for that use\n"
    "  cost       own vs rent vs API: --model ID --hardware ID --usd-per-kwh X\n"
    "             (--output-tokens-per-day N | --hours-per-day H) [--input-output-ratio R] "
    "[--life-years Y]\n"
    "  sweep      verdict grid over the catalog: [--models A,B] [--hardware X,Y] [--quants "
    "Q4_K_M,Q8_0]\n"
    "             [--contexts 4096,32768] [--ram-gb N] [--runtime llama.cpp|ollama|lmstudio] "
    "--json\n"
    "  accuracy   score the engine on published measurements: --data FILE.csv [--holdout "
    "row|hardware|model|source|gpu-count] [--json]\n"
    "  catalog    list catalog ids: runcheck catalog [models|hardware|quants|runtimes|clouds|apis] "
    "--json\n"
    "  inspect    read a model file: runcheck inspect FILE(.gguf|config.json) [--json]; any "
    "command\n"
    "             takes --model-file FILE instead of --model ID, and --draft-file FILE instead "
    "of\n"
    "             --draft-model ID\n"
    "  diagnose   read a runtime log: runcheck diagnose FILE|- [--model ID] [--hardware ID] "
    "[--json]\n"
    "             (what overflowed, the log's buffers beside runcheck's, checked fixes)\n"
    "  recommend  the best models this machine runs for a use case: --hardware ID [--ram-gb N]\n"
    "             [--use-case chat|coding|reasoning|agents|long-documents|vision] "
    "[--min-decode-tps N] [--max-kld X]\n"
    "  quant_loss what a quant costs in quality, as published: --model ID --quant Q\n"
    "  explain    the glossary, every number computed by the engine: runcheck explain [TERM] "
    "[--json]\n"
    "  completion bash|zsh: a completion script from the core's lists (eval \"$(runcheck "
    "completion bash)\")\n"
    "  raw        read a request JSON on stdin, print the core's response verbatim\n"
    "  lint-catalog  validate the compiled-in catalog (used by the build)\n"
    "\n"
    "Every option --some-name VALUE becomes the request field some_name. --request FILE.json\n"
    "reads a whole request (the same JSON the wasm module takes); flags override it.\n";

// `runcheck <command> --help`.
const char* command_help(const std::string& c) {
  if (c == "estimate")
    return "runcheck estimate --model ID [--quant Q4_K_M] [--context N] --hardware ID[xN][,ID] "
           "[--runtime R]\n"
           "  [--kv-type T] [--flash-attn on|off] [--parallel N] [--ram-gb N] [--gpu-layers N] "
           "[--n-cpu-moe N]\n"
           "  [--split-mode layer|row] [--gpu-reserved-mb N] [--backend B] [--prompt N] [--depth "
           "N]\n"
           "  [--ram-bandwidth-gb-s N] [--threads N] [--os linux|windows|macos] [--inverse false]\n"
           "  [--request FILE.json] [--json]\n"
           "Memory per device, placement, verdict, speed with evidence, inverse answers, launch "
           "commands.\n";
  if (c == "compare")
    return "runcheck compare --model ID [--quant Q] [--context N] [--runtime R] --setups "
           "\"A;B[;C...]\" [--price any|new|used] [--json]\n"
           "  2-6 setups, each a hardware id, idxN for N cards, or id,id for a mix (in --request: "
           "objects\n"
           "  {hardware, ram_gb, price_usd}). Side by side: verdict, headroom, decode/prefill "
           "tok/s with\n"
           "  evidence, max context, price, price per GB and per tok/s, watts, tokens per joule; "
           "the winner\n"
           "  of each row and the deltas against the first setup in words.\n";
  if (c == "choose")
    return "runcheck choose --budget-usd N --workloads \"MODEL[:QUANT[:CONTEXT]];...\" "
           "[--min-decode-tps N]\n"
           "  [--price any|new|used] [--max-watts N] [--max-cards 1-8] [--mac-ok true|false] "
           "[--laptop-ok true|false]\n"
           "  [--backends cuda,rocm,...] [--os linux|windows|macos] [--runtime R] [--json]\n"
           "  Ranks every priced catalog setup (1..max-cards identical GPUs, Macs, unified-memory "
           "boxes) that\n"
           "  runs every workload within budget, and says why the others lose.\n"
           "runcheck choose --hardware ID[xN] [--quant Q] [--context N]: which catalog models run "
           "on it.\n"
           "runcheck choose --use-case chat|coding|reasoning|agents|long-documents|vision "
           "--budget-usd N\n"
           "  [--context N] [--min-decode-tps N] [--max-kld X] [--sort quality|price] [filters as "
           "above]:\n"
           "  every priced setup ranked by the best-scoring model (published scores for that use) "
           "it runs\n"
           "  at the use's context and speed floor, and the better models no setup in budget "
           "runs.\n";
  if (c == "cost")
    return "runcheck cost --model ID [--quant Q] [--context N] --hardware ID[xN] [--price-usd N] "
           "--usd-per-kwh X\n"
           "  (--output-tokens-per-day N | --hours-per-day H) [--input-output-ratio R] "
           "[--concurrency N]\n"
           "  [--life-years Y] [--resale-fraction F] [--hours-on-per-day H] [--api ID] [--json]\n"
           "  Owning (price amortised less resale + electricity) vs the cheapest cloud offer that "
           "runs the model\n"
           "  at its own computed speed vs hosted API prices: per month, per million tokens, "
           "break-even, and a\n"
           "  month-by-month cumulative series.\n";
  if (c == "sweep")
    return "runcheck sweep [--models A,B] [--hardware X,Y] [--quants Q4_K_M,Q6_K,Q8_0] [--contexts "
           "4096,16384,32768,131072]\n"
           "  [--ram-gb N] [--runtime llama.cpp|ollama|lmstudio] [--kv-type T] [--flash-attn "
           "on|off] --json\n"
           "  Verdicts for every model x hardware x quant x context (default: the whole catalog, "
           "the three\n"
           "  quants and four contexts above), one device per machine, as strings: grid[(model * "
           "quants +\n"
           "  quant) * contexts + context][hardware] = c comfortable, t tradeoffs, x will not run, "
           "- context\n"
           "  beyond the model's maximum.\n";
  return nullptr;
}

// Imports a model file (.gguf header, or a config.json) into this process's registry; returns the
// core's answer ({"ok":true,"model":"user:...","summary":...} or an error). A GGUF is read in
// growing prefixes: only as much as its header needs.
json import_model_file(const std::string& path) {
  const std::string base =
      path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  std::ifstream f(path, std::ios::binary);
  if (!f)
    return {{"ok", false},
            {"error",
             {{"code", "io"},
              {"field", "model_file"},
              {"message", "cannot read file '" + path + "'"}}}};
  f.seekg(0, std::ios::end);
  const uint64_t file_size = static_cast<uint64_t>(f.tellg());
  f.seekg(0);
  char magic[4] = {};
  f.read(magic, 4);
  f.seekg(0);
  if (std::string(magic, 4) != "GGUF") {
    std::ostringstream ss;
    ss << f.rdbuf();
    json cfg = json::parse(ss.str(), nullptr, false);
    if (cfg.is_discarded())
      return {{"ok", false},
              {"error",
               {{"code", "bad_file"},
                {"field", "model_file"},
                {"message", "'" + base + "' is neither a GGUF file nor JSON"}}}};
    std::string name = base.size() > 5 && base.compare(base.size() - 5, 5, ".json") == 0
                           ? base.substr(0, base.size() - 5)
                           : base;
    return json::parse(runcheck::handle_request(
        json{{"command", "import"}, {"config", cfg}, {"name", name}}.dump()));
  }
  uint64_t want = std::min<uint64_t>(file_size, 1 << 20);
  for (int round = 0; round < 40; ++round) {
    std::string buf(static_cast<size_t>(want), '\0');
    f.seekg(0);
    f.read(buf.data(), static_cast<std::streamsize>(want));
    json r = json::parse(runcheck::handle_gguf(reinterpret_cast<const unsigned char*>(buf.data()),
                                               static_cast<size_t>(f.gcount()), file_size, base));
    if (r.value("ok", false) || !r.contains("needed_bytes")) return r;
    want = std::min<uint64_t>(file_size,
                              std::max<uint64_t>(r["needed_bytes"].get<uint64_t>(), want * 2));
  }
  return {{"ok", false},
          {"error",
           {{"code", "bad_gguf"}, {"field", "model_file"}, {"message", "the header did not end"}}}};
}

// ANSI colour only on a terminal, and never when NO_COLOR is set (https://no-color.org).
bool use_color() { return isatty(fileno(stdout)) && std::getenv("NO_COLOR") == nullptr; }

bool read_file(const std::string& path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

// A log file (or stdin for "-"), read up to one byte past the reader's cap so that it can say
// the log was cut.
bool read_log_input(const std::string& path, std::string& out) {
  std::istream* in = &std::cin;
  std::ifstream f;
  if (path != "-") {
    f.open(path, std::ios::binary);
    if (!f) return false;
    in = &f;
  }
  out.resize(runcheck::kMaxLogBytes + 1);
  in->read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<size_t>(in->gcount()));
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
  if (command == "completion") {  // runcheck completion bash|zsh
    const std::string shell = args.size() > 1 ? args[1] : "bash";
    if (shell != "bash" && shell != "zsh") {
      std::fputs("usage: runcheck completion bash|zsh\n", stderr);
      return 2;
    }
    std::fputs(runcheck::cli::completion_script(
                   shell, {"estimate", "compare", "choose", "cost", "recommend", "sweep",
                           "accuracy", "catalog", "inspect", "diagnose", "explain", "options",
                           "methodology", "raw", "completion", "lint-catalog", "quant_loss"})
                   .c_str(),
               stdout);
    return 0;
  }
  if (command == "inspect") {  // runcheck inspect FILE(.gguf|.json) [--json]
    if (args.size() < 2) {
      std::fputs("usage: runcheck inspect FILE(.gguf|.json) [--json]\n", stderr);
      return 2;
    }
    const json r = import_model_file(args[1]);
    if (!r.value("ok", false)) {
      std::fprintf(stderr, "runcheck: error: %s: %s\n", r["error"].value("field", "file").c_str(),
                   r["error"].value("message", "").c_str());
      return 1;
    }
    if (std::find(args.begin(), args.end(), "--json") != args.end())
      std::printf("%s\n", r.dump().c_str());
    else
      std::fputs(runcheck::report::render("inspect", r, use_color()).c_str(), stdout);
    return 0;
  }
  if (command == "diagnose" && args.size() >= 2 && args[1] != "--help" && args[1] != "-h") {
    // runcheck diagnose FILE|- [--model ID] [--quant Q] [--hardware H] [--context N] [--json]
    std::string text;
    if (!read_log_input(args[1], text)) {
      std::fprintf(stderr, "runcheck: error: log: cannot read '%s'\n", args[1].c_str());
      return 1;
    }
    // Overrides as every command takes them: --some-name VALUE is the field some_name (a string;
    // the core reads numbers from it and names the field when one is wrong).
    json options = json::object();
    bool as_json = false;
    for (size_t i = 2; i < args.size(); ++i) {
      if (args[i] == "--json") {
        as_json = true;
      } else if (args[i].rfind("--", 0) == 0 && i + 1 < args.size()) {
        std::string key = args[i].substr(2);
        std::replace(key.begin(), key.end(), '-', '_');
        options[key] = args[++i];
      } else {
        std::fprintf(stderr, "runcheck: error: %s: unexpected argument\n", args[i].c_str());
        return 2;
      }
    }
    const json r = json::parse(runcheck::handle_diagnose(text, options.dump()), nullptr, false);
    if (r.is_discarded() || !r.value("ok", false)) {
      const json err = r.is_discarded() ? json::object() : r.value("error", json::object());
      std::fprintf(stderr, "runcheck: error: %s: %s\n", err.value("field", "log").c_str(),
                   err.value("message", "no answer").c_str());
      return 1;
    }
    if (as_json)
      std::printf("%s\n", r.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
    else
      std::fputs(runcheck::report::render("diagnose", r, use_color()).c_str(), stdout);
    return 0;
  }
  if (args.size() > 1 && (args[1] == "--help" || args[1] == "-h")) {
    const char* h = command_help(command);
    std::fputs(h ? h : kUsage, stdout);
    return 0;
  }
  if (command == "raw") {
    // The exact core call the wasm module makes: request JSON on stdin, response on stdout.
    // With --lines: one request per line in, one response per line out (for bulk comparisons).
    if (args.size() > 1 && args[1] == "--lines") {
      std::string line;
      while (std::getline(std::cin, line))
        std::printf("%s\n", runcheck::handle_request(line).c_str());
      return 0;
    }
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    const std::string out = runcheck::handle_request(ss.str());
    // --text: the human output of the request's command (tests/golden/*.txt).
    if (args.size() > 1 && args[1] == "--text") {
      const json req = json::parse(ss.str(), nullptr, false);
      const std::string cmd = req.is_object() ? req.value("command", "estimate") : "";
      std::fputs(runcheck::report::render(cmd, json::parse(out), false).c_str(), stdout);
      return 0;
    }
    // --pretty: one field per line, the form the golden files are stored in (tests/golden).
    if (args.size() > 1 && args[1] == "--pretty")
      std::printf("%s\n",
                  json::parse(out).dump(1, ' ', false, json::error_handler_t::replace).c_str());
    else
      std::printf("%s\n", out.c_str());
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
      for (const std::string& f : runcheck::catalog_schema_names()) {
        std::ifstream in(args[2] + "/" + f + ".schema.json");
        if (!in) continue;
        std::ostringstream ss;
        ss << in.rdbuf();
        schemas[f + ".schema.json"] = ss.str();
      }
      const auto findings = runcheck::lint_catalog(runcheck::builtin_catalog_files(), schemas);
      for (const auto& f : findings)
        std::fprintf(stderr, "runcheck: catalog lint: %s\n", f.message.c_str());
      if (!findings.empty()) {
        std::fprintf(stderr, "runcheck: %zu catalog finding(s)\n", findings.size());
        return 1;
      }
    }
    std::printf(
        "catalog ok: %zu models, %zu hardware, %zu quants, %zu runtimes, %zu cloud offers, %zu API "
        "prices\n",
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
      // A .gguf or config.json: imported, then used as --model (model_file) or as the
      // speculative draft (draft_file, --draft-model).
      if (key == "model_file" || key == "draft_file") {
        const json r = import_model_file(value);
        if (!r.value("ok", false)) {
          std::fprintf(stderr, "runcheck: error: %s: %s\n", key.c_str(),
                       r["error"].value("message", "cannot import").c_str());
          return 1;
        }
        req[key == "model_file" ? "model" : "draft_model"] = r["model"];
        continue;
      }
      if (key == "data") {  // runcheck accuracy --data FILE.csv: the CSV text goes in the request
        std::string text;
        if (!read_file(value, text)) {
          std::fprintf(stderr, "runcheck: error: data: cannot read file '%s'\n", value.c_str());
          return 2;
        }
        // Given twice or more, the files are scored together (each keeps its own header).
        if (!req.contains("csv"))
          req["csv"] = text;
        else {
          if (!req["csv"].is_array()) req["csv"] = json::array({req["csv"]});
          req["csv"].push_back(text);
        }
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
  if (command == "explain") {  // the core's learn command, one term or the list
    req["command"] = "learn";
    if (!positional.empty()) req["term"] = positional[0];
  }

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
  if (as_json) {
    std::printf("%s\n", out.c_str());
    return 0;
  }
  // Human output by default: aligned text (colour only on a terminal, and never with NO_COLOR);
  // commands without a text form print indented JSON.
  const std::string text = runcheck::report::render(command, resp, use_color());
  if (!text.empty())
    std::fputs(text.c_str(), stdout);
  else
    std::printf("%s\n", resp.dump(2).c_str());
  return 0;
}
