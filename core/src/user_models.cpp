#include "user_models.h"

#include <map>
#include <memory>
#include <mutex>

#include "gguf.h"
#include "hf_config.h"
#include "runcheck/request.h"

namespace runcheck {
namespace {

using nlohmann::json;

constexpr size_t kMaxUserModels = 64;  // a page session; the oldest is dropped beyond this

std::mutex& mu() {
  static std::mutex m;
  return m;
}
std::map<std::string, std::shared_ptr<UserModel>>& registry() {
  static std::map<std::string, std::shared_ptr<UserModel>> r;
  return r;
}

}  // namespace

void clear_user_models() {
  std::lock_guard<std::mutex> lock(mu());
  registry().clear();
}

namespace {

std::string slug(const std::string& name) {
  std::string s;
  for (char ch : name) {
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')
      s += c;
    else if (!s.empty() && s.back() != '-')
      s += '-';
    if (s.size() >= 48) break;
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  return "user:" + (s.empty() ? std::string("model") : s);
}

const UserModel* add(UserModel m) {
  std::lock_guard<std::mutex> lock(mu());
  auto& r = registry();
  if (r.size() >= kMaxUserModels && !r.count(m.entry.id)) r.erase(r.begin());
  auto p = std::make_shared<UserModel>(std::move(m));
  r[p->entry.id] = p;
  clear_weights_memo();  // a re-imported id may have a different shape
  return p.get();
}

json arch_summary(const ModelArch& a) {
  return {{"architecture", a.arch},
          {"block_count", a.block_count},
          {"embedding_length", a.embedding_length},
          {"head_count", a.head_count},
          {"head_count_kv", a.head_count_kv},
          {"key_length", a.key_length},
          {"value_length", a.value_length},
          {"vocab_size", a.vocab_size},
          {"context_length", a.context_length},
          {"expert_count", a.expert_count},
          {"expert_used_count", a.expert_used_count},
          {"sliding_window", a.sliding_window},
          {"kv_lora_rank", a.kv_lora_rank},
          {"parameters", parameter_count(a)},
          {"active_parameters", active_parameter_count(a)}};
}

}  // namespace

const UserModel* user_model(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu());
  auto it = registry().find(id);
  return it == registry().end() ? nullptr : it->second.get();
}

std::string register_user_model(const std::string& name, const std::string& label,
                                const ModelArch& arch) {
  UserModel m;
  m.entry.id = slug(name);
  m.entry.name = safe_echo(name, 80) + label;
  m.entry.family = "user";
  m.entry.kind = "llm";
  m.entry.arch = arch;
  return add(std::move(m))->entry.id;
}

Result<json> import_config_json(const json& req) {
  if (!req.contains("config"))
    return make_error("missing_field", "config",
                      "config is required: the model's config.json as an object");
  const json& cfg = req["config"];
  auto arch = model_from_hf_config(cfg, "config");
  if (!arch.ok()) return arch.error();
  FieldReader r(req);
  std::string name = r.string("name", "");
  if (r.error()) return *r.error();
  if (name.empty())
    name = cfg.is_object() && cfg.contains("_name_or_path") && cfg["_name_or_path"].is_string()
               ? cfg["_name_or_path"].get<std::string>()
               : arch.value().arch + "-custom";
  UserModel m;
  m.entry.id = slug(name);
  m.entry.name = safe_echo(name, 80) + " (your config.json)";
  m.entry.family = "user";
  m.entry.arch = std::move(arch).value();
  m.entry.kind = m.entry.arch.rank_labels    ? "reranker"
                 : m.entry.arch.encoder_only ? "embedding"
                                             : "llm";
  const UserModel* u = add(std::move(m));
  return json{{"ok", true},
              {"command", "import"},
              {"model", u->entry.id},
              {"name", u->entry.name},
              {"summary", arch_summary(u->entry.arch)}};
}

json import_gguf(const uint8_t* data, size_t size, uint64_t file_size, const std::string& name) {
  uint64_t needed = 0;
  auto f = read_gguf(data, size, file_size, &needed);
  auto err = [](const Error& e) {
    return json{{"ok", false},
                {"error", {{"code", e.code}, {"field", e.field}, {"message", e.message}}}};
  };
  if (!f.ok()) {
    json out = err(f.error());
    if (f.error().code == "truncated") out["needed_bytes"] = needed;
    return out;
  }
  auto g = model_from_gguf(f.value());
  if (!g.ok()) return err(g.error());
  UserModel m;
  m.entry.id = slug(name.empty() ? g.value().name : name);
  m.entry.name = safe_echo(name.empty() ? g.value().name : name, 80) + " (your GGUF)";
  m.file_name = safe_echo(name, 200);  // control characters stripped: it goes into commands
  m.entry.family = "user";
  m.entry.kind = g.value().arch.rank_labels    ? "reranker"
                 : g.value().arch.encoder_only ? "embedding"
                                               : "llm";
  m.entry.arch = g.value().arch;
  if (g.value().has_tensors) m.weights = g.value().weights;
  m.file_type = g.value().file_type;
  const UserModel* u = add(std::move(m));
  json summary = g.value().summary;
  summary["bytes_read"] = f.value().header_bytes;
  return json{{"ok", true},
              {"command", "import"},
              {"model", u->entry.id},
              {"name", u->entry.name},
              {"summary", summary},
              {"note", g.value().has_tensors ? "weights exact from the file's tensors"
                                             : "vocab-only file: hyperparameters imported, no "
                                               "tensors (weights from the quant rules)"}};
}

}  // namespace runcheck
