// The sweep: verdicts for every model x hardware x quant x context on the prefix-sum placement.
#include "engine_internal.h"
#include "estimate.h"
#include "runcheck/request.h"

namespace runcheck {

using namespace engine;

// --- sweep: verdicts for every model x hardware x quant x context ------------------------------

namespace {

// Defaults of a catalog-wide sweep: the common GGUF file types and four context lengths.
const char* const kSweepQuants[] = {"Q4_K_M", "Q6_K", "Q8_0"};
constexpr uint32_t kSweepContexts[] = {4096, 16384, 32768, 131072};

char verdict_char(Verdict v) {
  return v == Verdict::kComfortable ? 'c' : v == Verdict::kTradeoffs ? 't' : 'x';
}

}  // namespace

Result<json> sweep_json(const json& req) {
  {
    std::vector<std::string_view> known = {"models", "quants", "contexts"};
    for (auto k : estimate_fields())
      if (k != "model" && k != "context" && k != "leave_out" && k != "inverse") known.push_back(k);
    if (auto e = check_fields(req, known)) return *e;
  }
  FieldReader r(req);
  std::vector<std::string> model_ids = r.string_list("models", false, 4096);
  std::vector<std::string> hw_ids = r.string_list("hardware", false, 4096);
  std::vector<std::string> quants = r.string_list("quants", false, 64);
  const bool contexts_given = r.has("contexts");
  if (r.error()) return *r.error();
  std::vector<uint32_t> contexts(std::begin(kSweepContexts), std::end(kSweepContexts));
  if (contexts_given) {
    json c = req["contexts"];
    if (c.is_string()) {  // the CLI's "4096,32768"
      json list = json::array();
      for (const auto& t : split_text(c.get<std::string>().substr(0, 2000), ',')) {
        char* end = nullptr;
        const long long v = std::strtoll(t.c_str(), &end, 10);
        list.push_back(end && *end == '\0' && !t.empty() ? json(v) : json(t));
      }
      c = list;
    }
    if (!c.is_array() || c.empty() || c.size() > 64)
      return make_error("bad_value", "contexts", "contexts must be a list of 1 to 64 token counts");
    contexts.clear();
    for (const auto& v : c) {
      if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > (1 << 24))
        return make_error("bad_value", "contexts",
                          "each context must be an integer in [1, 16777216]");
      contexts.push_back(v.get<uint32_t>());
    }
  }
  const Catalog& cat = builtin_catalog();
  if (!builtin_catalog_error().empty())
    return make_error("bad_catalog", "", builtin_catalog_error());
  if (model_ids.empty())
    for (const auto& m : cat.models)
      if (!m.draft_only()) model_ids.push_back(m.id);
  if (hw_ids.empty())
    for (const auto& h : cat.hardware) hw_ids.push_back(h.id);
  if (quants.empty()) quants.assign(std::begin(kSweepQuants), std::end(kSweepQuants));
  std::vector<const ModelEntry*> models;
  for (const auto& id : model_ids) {
    const ModelEntry* m = cat.model(id);
    if (!m)
      return make_error("unknown_id", "models",
                        "model '" + safe_echo(id) + "' is not in the catalog");
    models.push_back(m);
  }
  std::vector<const FileTypeInfo*> ftypes;
  for (const auto& q : quants) {
    const FileTypeInfo* f = file_type_by_name(q);
    if (!f)
      return make_error(
          "bad_value", "quants",
          "quant '" + safe_echo(q) + "': a sweep takes GGUF file types (e.g. Q4_K_M)");
    ftypes.push_back(f);
  }
  if (models.size() * hw_ids.size() * ftypes.size() * contexts.size() > kMaxSweepCells)
    return make_error(
        "out_of_range", "models",
        "a sweep is at most " + fmt("%.0f", static_cast<double>(kMaxSweepCells)) + " cells");

  // The machine-independent fields (runtime, KV type, flash attention, RAM, os) are read and
  // checked once, by the estimate's own reader, on the first model and hardware.
  Runtime rt;
  const bool runtime_known = runtime_from_name(r.string("runtime", "llama.cpp"), rt);
  if (runtime_known && !is_llamacpp_engine(rt))
    return make_error("incompatible", "runtime",
                      "a sweep models llama.cpp-engine placement (llama.cpp, Ollama, LM Studio)");
  json base_req = req;
  for (const char* k : {"command", "models", "quants", "contexts"}) base_req.erase(k);
  base_req["model"] = models.empty() ? "" : models[0]->id;
  base_req["hardware"] = hw_ids.empty() ? "" : hw_ids[0];
  // Flash attention is machine-dependent under Ollama alone: unless the request sets it, Ollama
  // turns it off on Kepler and Maxwell CUDA GPUs (ollama_turns_fa_off), and a quantized V cache
  // cannot load there at all. The shared fields are read with Ollama's default (on), whatever
  // the first card; each card's own choice is made below.
  const bool ollama_fa_auto =
      runtime_known && rt == Runtime::kOllama && !req.contains("flash_attn");
  if (ollama_fa_auto) base_req["flash_attn"] = true;
  auto typed = read_request(base_req);
  auto parsed = typed.ok() ? read_inputs(typed.value()) : Result<Inputs>(typed.error());
  if (!parsed.ok()) {
    Error e = parsed.error();
    if (e.field == "model") e.field = "models";
    return e;
  }
  const Inputs base = std::move(parsed).value();

  struct Box {
    const HardwareEntry* h;
    Machine mc;
    bool flash_attn;
    bool refused;  // Ollama's flash-attention choice rules out the requested KV type
  };
  std::vector<Box> boxes;
  json notes = json::array();
  for (const auto& id : hw_ids) {
    const HardwareEntry* h = cat.hw(id);
    if (!h)
      return make_error("unknown_id", "hardware",
                        "hardware '" + safe_echo(id) + "' is not in the catalog");
    if (h->kind == HardwareKind::kGpu && !h->memory_gib) continue;  // memory unknown: not swept
    Inputs in = base;
    in.hardware = {h};
    if (!req.contains("backend")) in.backend = default_backend(*h, h->kind == HardwareKind::kCpu);
    bool fa = base.plan.kv.flash_attn, refused = false;
    if (ollama_fa_auto && ollama_turns_fa_off(in)) {
      fa = false;
      refused = quantized_cache(base.plan.kv.type_v);
      if (refused)
        notes.push_back(h->id +
                        ": Ollama turns flash attention off on this GPU and a quantized V cache "
                        "needs it, so every cell is will-not-run (kv_type f16 or flash_attn on "
                        "would load)");
    }
    in.plan.kv.flash_attn = fa;
    std::vector<std::string> unused;
    boxes.push_back({h, build_machine(in, unused), fa, refused});
  }

  json grid = json::array();
  uint64_t counts[4] = {0, 0, 0, 0};  // comfortable, tradeoffs, will not run, context too long
  std::string row(boxes.size(), '-');
  for (const ModelEntry* me : models) {
    const ModelArch& m = me->arch;
    for (const FileTypeInfo* f : ftypes) {
      const WeightPlan w = memo_quantized_weights(me->id, m, f->ftype);
      for (uint32_t ctx : contexts) {
        if (ctx > m.context_length) {
          row.assign(boxes.size(), '-');
          counts[3] += boxes.size();
        } else {
          KvOptions kv = base.plan.kv;
          kv.n_ctx = ctx;
          const LayerSums sums = layer_sums(m, w, kv);
          std::optional<LayerSums> other_fa;  // for boxes whose flash attention differs
          for (size_t i = 0; i < boxes.size(); ++i) {
            const LayerSums* s = &sums;
            if (boxes[i].flash_attn != kv.flash_attn) {
              if (!other_fa) {
                KvOptions o = kv;
                o.flash_attn = boxes[i].flash_attn;
                other_fa = layer_sums(m, w, o);
              }
              s = &*other_fa;
            }
            const Verdict v =
                boxes[i].refused ? Verdict::kWillNotRun : quick_plan(*s, boxes[i].mc).verdict;
            row[i] = verdict_char(v);
            ++counts[static_cast<int>(v)];
          }
        }
        grid.push_back(row);
      }
    }
  }
  json hw_out = json::array();
  for (const auto& b : boxes) hw_out.push_back(b.h->id);
  json model_out = json::array();
  for (const auto* m : models) model_out.push_back(m->id);
  json q_out = json::array();
  for (const auto* f : ftypes) q_out.push_back(std::string(f->name));
  return json{{"ok", true},
              {"command", "sweep"},
              {"models", model_out},
              {"hardware", hw_out},
              {"quants", q_out},
              {"contexts", contexts},
              {"runtime", runtime_name(base.plan.kv.runtime)},
              {"layout",
               "grid[(model * quants + quant) * contexts + context][hardware]: c comfortable, "
               "t tradeoffs, x will not run, - context beyond the model's maximum"},
              {"grid", grid},
              {"notes", notes},
              {"cells", grid.size() * boxes.size()},
              {"counts",
               {{"comfortable", counts[0]},
                {"tradeoffs", counts[1]},
                {"will_not_run", counts[2]},
                {"context_too_long", counts[3]}}}};
}

}  // namespace runcheck
