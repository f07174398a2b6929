// runcheck completion bash|zsh: a shell completion script generated from the core's own lists
// (the options command's request fields, runtimes, KV types and use cases; the catalog's ids),
// so the completions never list a flag or an id the core would refuse.
#include "completion.h"

#include <nlohmann/json.hpp>

#include "runcheck/api.h"

namespace runcheck::cli {
namespace {

using nlohmann::json;

std::string words(const json& arr, const char* key = nullptr) {
  std::string s;
  for (const auto& x : arr) {
    const json& v = key ? x[key] : x;
    if (!v.is_string()) continue;
    const std::string w = v.get<std::string>();
    // Ids are slugs; anything else (never expected) stays out of the shell script.
    bool ok = !w.empty();
    for (char c : w)
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
    if (ok) s += (s.empty() ? "" : " ") + w;
  }
  return s;
}

json call(json req) { return json::parse(handle_request(req.dump()), nullptr, false); }

}  // namespace

std::string completion_script(const std::string& shell, const std::vector<std::string>& commands) {
  const json opt = call({{"command", "options"}});
  const json models = call({{"command", "catalog"}, {"list", "models"}, {"brief", true}});
  const json hw = call({{"command", "catalog"}, {"list", "hardware"}, {"brief", true}});
  const json quants = call({{"command", "catalog"}, {"list", "quants"}, {"brief", true}});
  std::string flags;
  for (const auto& f : opt["estimate_fields"]) {
    std::string n = f.get<std::string>();
    if (n == "command" || n == "leave_out") continue;
    for (char& c : n)
      if (c == '_') c = '-';
    flags += (flags.empty() ? "--" : " --") + n;
  }
  flags +=
      " --json --request --use-case --min-decode-tps --max-kld --limit --model-file --draft-file";
  std::string cmds;
  for (const auto& c : commands) cmds += (cmds.empty() ? "" : " ") + c;
  std::string runtimes;
  for (const auto& r : opt["runtimes"])
    runtimes += (runtimes.empty() ? "" : " ") + r["id"].get<std::string>();
  const std::string values =
      "    --model|--draft-model) w=\"" + words(models["models"], "id") +
      "\" ;;\n"
      "    --hardware) w=\"" +
      words(hw["hardware"], "id") +
      "\" ;;\n"
      "    --quant|--draft-quant) w=\"" +
      words(quants["quants"], "id") +
      "\" ;;\n"
      "    --runtime) w=\"" +
      runtimes +
      "\" ;;\n"
      "    --kv-type) w=\"" +
      words(opt["kv_types"]) +
      "\" ;;\n"
      "    --os) w=\"" +
      words(opt["os"]) +
      "\" ;;\n"
      "    --backend) w=\"" +
      words(opt["backends"]) +
      "\" ;;\n"
      "    --use-case) w=\"" +
      words(opt["use_cases"], "id") +
      "\" ;;\n"
      "    --speculative) w=\"none draft mtp eagle3 ngram\" ;;\n"
      "    --task) w=\"chat code math summarization\" ;;\n"
      "    --model-file|--draft-file) COMPREPLY=($(compgen -f -- \"$cur\")); "
      "return ;;\n";
  std::string s;
  if (shell == "zsh") s += "autoload -U +X bashcompinit && bashcompinit\n";
  s += "# runcheck " + shell + " completion: eval \"$(runcheck completion " + shell +
       ")\"\n"
       "_runcheck() {\n"
       "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" w\n"
       "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
       "    COMPREPLY=($(compgen -W \"" +
       cmds +
       "\" -- \"$cur\")); return\n"
       "  fi\n"
       "  case \"$prev\" in\n" +
       values + "    *) w=\"" + flags +
       "\" ;;\n"
       "  esac\n"
       "  COMPREPLY=($(compgen -W \"$w\" -- \"$cur\"))\n"
       "}\n"
       "complete -F _runcheck runcheck\n";
  return s;
}

}  // namespace runcheck::cli
