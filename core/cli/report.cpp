#include "report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

namespace runcheck::report {
namespace {

using nlohmann::json;

constexpr size_t kWidth = 80;  // columns of a classic terminal; every line fits

std::string num(const json& v, const char* fmt_spec) {
  if (!v.is_number()) return "unknown";
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt_spec, v.get<double>());
  return buf;
}

std::string gib(const json& bytes) {
  if (!bytes.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", bytes.get<double>() / (1024.0 * 1024 * 1024));
  return buf;
}

// 131072 -> "131,072".
std::string thousands(const json& v) {
  if (!v.is_number()) return "unknown";
  std::string s = std::to_string(static_cast<long long>(v.get<double>()));
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::string ctx_or_none(const json& v) {
  return v.is_number() ? thousands(v) : std::string("none");
}

std::string str(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.is_null() ? "none" : v.dump();
}

// Words wrapped to kWidth, the first line after `first`, the rest indented by `indent` spaces.
std::string wrap(const std::string& first, const std::string& text, size_t indent) {
  std::string out = first, line;
  size_t col = first.size();
  std::istringstream words(text);
  std::string w;
  bool start = true;
  while (words >> w) {
    if (!start && col + 1 + w.size() > kWidth) {
      out += "\n" + std::string(indent, ' ');
      col = indent;
      start = true;
    }
    if (!start) {
      out += " ";
      ++col;
    }
    out += w;
    col += w.size();
    start = false;
  }
  return out + "\n";
}

std::string pad(std::string s, size_t w, bool right = false) {
  // A number never loses digits: one that fills its column pushes the row right instead.
  if (right && s.size() >= w) return " " + s;
  if (s.size() > w) s = s.substr(0, w - 1) + "~";
  const std::string fill(w - s.size(), ' ');
  return right ? fill + s : s + fill;
}

std::string verdict(const json& v, bool color) {
  std::string s = str(v);
  std::string word = s;
  std::transform(word.begin(), word.end(), word.begin(),
                 [](unsigned char c) { return c == '_' ? ' ' : std::toupper(c); });
  if (!color) return word;
  const char* code = s == "comfortable" ? "32" : s == "tradeoffs" ? "33" : "31";
  return std::string("\x1b[1;") + code + "m" + word + "\x1b[0m";
}

std::string list(const std::string& title, const json& items) {
  if (!items.is_array() || items.empty()) return "";
  std::string out = title + "\n";
  for (const auto& i : items) out += wrap("  - ", str(i), 4);
  return out;
}

std::string estimate(const json& r, bool color) {
  const json& q = r["request"];
  const json& sp = r["speed"];
  std::string hw;
  for (const auto& h : q["hardware"]) hw += (hw.empty() ? "" : " + ") + str(h);
  std::string out =
      wrap("",
           str(r["model"]["name"]) + " · " + str(q["quant"]) + " · " + thousands(q["context"]) +
               " tokens · " + str(q["runtime"]) + " on " + hw + " (" + str(q["os"]) + ")",
           2);
  out += "Verdict: " + verdict(r["verdict"], color) + "\n";
  for (const auto& reason : r["reasons"]) out += wrap("  - ", str(reason), 4);
  out += "\nMemory, GiB                   weights     KV compute runtime   used usable\n";
  for (const auto& d : r["memory"]["devices"]) {
    std::string line = pad(str(d["name"]), 29) + pad(gib(d["weights_bytes"]), 8, true) +
                       pad(gib(d["kv_bytes"]), 7, true) + pad(gib(d["compute_bytes"]), 8, true) +
                       pad(gib(d["overhead_bytes"]), 8, true) + pad(gib(d["used_bytes"]), 7, true) +
                       pad(gib(d["budget_bytes"]), 7, true);
    if (d["used_bytes"].get<double>() > d["budget_bytes"].get<double>()) line += "  OVER";
    out += line + "\n";
  }
  const json& p = r["placement"];
  std::string place =
      thousands(p["gpu_layers"]) + " of " + thousands(p["total_layers"]) + " layers on the GPU(s)";
  if (p["n_cpu_moe"].is_number() && p["n_cpu_moe"].get<int>() > 0)
    place += ", routed experts of " + thousands(p["n_cpu_moe"]) + " layers in system RAM";
  if (p["tensor_parallel"].is_number() && p["tensor_parallel"].get<int>() > 1)
    place += ", tensor parallel " + thousands(p["tensor_parallel"]);
  out += "\n" + wrap("Placement: ", place, 2);
  if (r.contains("vision")) {
    const json& v = r["vision"];
    const std::string sizes =
        "mmproj (" + str(v["projector"]) + ", " + str(v["mmproj_type"]) + ") " +
        num(json(v["mmproj_bytes"].get<double>() / (1u << 30)), "%.2f") + " GiB + image encoder " +
        num(json(v["encoder_compute_bytes"].get<double>() / (1u << 30)), "%.2f") + " GiB";
    out += wrap("Vision: ",
                v["on"].get<bool>() ? sizes + ", counted on " + str(v["device"])
                                    : "not loaded (--no-mmproj); with images it adds " + sizes,
                2);
  }

  out += "\nSpeed (" +
         (sp["evidence"].is_string() ? str(sp["evidence"]) : std::string("no figure")) + ")\n";
  if (sp["decode_tps"].is_number())
    out +=
        wrap("  decode   ",
             num(sp["decode_tps"], "%.1f") + " tok/s (range " + num(sp["decode_tps_low"], "%.1f") +
                 "-" + num(sp["decode_tps_high"], "%.1f") + ", ceiling " +
                 num(sp["decode_ceiling_tps"], "%.1f") + ") at depth " + thousands(sp["depth"]),
             11);
  else
    out += wrap("  decode   ", "unknown: " + str(sp.value("why_null", json("not modelled"))), 11);
  if (sp["prefill_tps"].is_number())
    out += wrap("  prefill  ",
                num(sp["prefill_tps"], "%.0f") + " tok/s (range " +
                    num(sp["prefill_tps_low"], "%.0f") + "-" + num(sp["prefill_tps_high"], "%.0f") +
                    ") for " + thousands(sp["prompt_tokens"]) + " prompt tokens" +
                    // Its own label where it differs from the heading's (decode's).
                    (sp.value("prefill_evidence", "") != sp.value("evidence", "") &&
                             !sp.value("prefill_evidence", "").empty()
                         ? ", " + sp.value("prefill_evidence", "")
                         : ""),
                11);
  else
    out += wrap("  prefill  ",
                "unknown: " + str(sp.value("why_prefill_null", json("not modelled"))), 11);
  if (sp["ttft_seconds"].is_number())
    out += "  first token " + num(sp["ttft_seconds"], "%.2f") + " s" +
           (sp.value("ttft_seconds_low", json()).is_number() &&
                    sp.value("ttft_seconds_high", json()).is_number()
                ? " (range " + num(sp["ttft_seconds_low"], "%.2f") + "-" +
                      num(sp["ttft_seconds_high"], "%.2f") + ")"
                : std::string()) +
           "\n";
  if (sp.value("build_era", json()).is_string())
    out += wrap("  builds   ", str(sp["build_era"]), 11);
  if (sp.contains("speculative") && sp["speculative"].is_object()) {
    const json& x = sp["speculative"];
    const json& band = x["acceptance_band"];
    out += wrap("  speculative ",
                num(x["decode_tps"], "%.1f") + " tok/s (range " + num(x["decode_tps_low"], "%.1f") +
                    "-" + num(x["decode_tps_high"], "%.1f") + ", ceiling " +
                    num(x["ceiling_tps"], "%.1f") + ") with " + str(x["method"]) +
                    (x["draft_model"].is_string() ? " " + str(x["draft_model"]) : std::string()) +
                    ", " + num(x["draft_max"], "%.0f") + " drafted, acceptance " +
                    (x["acceptance"].is_number()
                         ? num(x["acceptance"], "%.2f")
                         : num(band[0], "%.2f") + "-" + num(band[1], "%.2f") + " (not given)") +
                    ": " + num(x["tokens_per_step"], "%.2f") + " tokens a step, " +
                    num(x["speedup"], "%.2f") + "x the plain decode",
                14);
  }
  if (sp.contains("aggregate_decode_tps"))
    out += wrap("  all sequences ",
                num(sp["aggregate_decode_tps"], "%.1f") + " tok/s (" +
                    num(sp["aggregate_speedup"], "%.2f") + "x one sequence, " +
                    str(sp["aggregate_evidence"]) + ")",
                4);
  if (sp.contains("aggregate_ttft_last_seconds"))
    out += wrap("  first token, all sequences at once ",
                num(sp["aggregate_ttft_mean_seconds"], "%.2f") + " s on average, the last " +
                    num(sp["aggregate_ttft_last_seconds"], "%.2f") + " s (range " +
                    num(sp["aggregate_ttft_last_seconds_low"], "%.2f") + "-" +
                    num(sp["aggregate_ttft_last_seconds_high"], "%.2f") + ", " +
                    str(sp["aggregate_evidence"]) + ")",
                4);
  for (const auto& m : sp["measured"])
    out += "  measured " + str(m["test"]) + ": " + num(m["value_tps"], "%.1f") + " tok/s\n";
  // The setup's runs against the estimate at their own depths, when they disagree with it.
  if (sp["measured_decode_ratio"].is_number() && sp["evidence"] != "measured") {
    const double m = sp["measured_decode_ratio"].get<double>();
    out += wrap("  these runs ",
                "a median " + num(std::fabs(m - 1) * 100, "%.0f") + " % " +
                    (m < 1 ? "under" : "over") +
                    " the estimate at their depths: the figure is the fit "
                    "over all runs, the range takes them in",
                4);
  }

  out += "\n";
  if (r["max_context"].is_object())
    out += "Largest context: comfortable " + ctx_or_none(r["max_context"]["comfortable"]) +
           ", fits " + ctx_or_none(r["max_context"]["fits"]) + "\n";
  if (r["best_quant"].is_object())
    out += "Best quant: comfortable " + str(r["best_quant"]["comfortable"]) + ", fits " +
           str(r["best_quant"]["fits"]) + "\n";
  if (r["smallest_hardware"].is_object())
    out += wrap("Smallest comfortable GPU: ",
                str(r["smallest_hardware"]["name"]) + " (" +
                    num(r["smallest_hardware"]["memory_gib"], "%.0f") + " GB)",
                2);
  if (r["suggestions"].is_array() && !r["suggestions"].empty()) {
    out += "\nWhat to change\n";
    int i = 0;
    for (const auto& s : r["suggestions"])
      out += wrap("  " + std::to_string(++i) + ". ",
                  str(s["text"]) + " -> " + verdict(s["verdict"], false), 5);
  }
  if (r["commands"].is_object() && !r["commands"].empty()) {
    // Never wrapped, so each pastes as printed (the only lines allowed past 80 columns).
    out += "\nCommands\n";
    for (const auto& [k, v] : r["commands"].items()) out += "  " + k + ":\n    " + str(v) + "\n";
  }
  if (r.contains("downloads") && !r["downloads"].empty()) {
    out += "\nDownloads\n";  // sources are URLs: never wrapped, like the commands
    for (const auto& d : r["downloads"])
      out += "  " + str(d["runtime"]) + ": " + str(d["name"]) + "\n    " + str(d["source"]) + "\n";
  }
  out += r.contains("commands_notes") ? list("Notes", r["commands_notes"]) : "";
  out += list("Assumptions", r["assumptions"]);
  return out;
}

std::string compare(const json& r, bool color) {
  std::string out = "Setup                              verdict        decode  headroom  price\n";
  for (const auto& s : r["setups"]) {
    std::string v = verdict(s["verdict"], false);
    std::string line =
        pad(str(s["setup"]), 34) + " " + pad(v, 13) + pad(num(s["decode_tps"], "%.1f"), 8, true) +
        pad(num(s["headroom_gib"], "%.1f"), 10, true) + pad(num(s["price_usd"], "$%.0f"), 7, true);
    if (color) line.replace(35, v.size(), verdict(s["verdict"], true));
    out += line + "\n";
  }
  out += "(decode in tok/s, headroom in GiB on the fullest GPU)\n";
  for (const auto& d : r["deltas"]) out += wrap("- ", str(d), 2);
  return out;
}

std::string choose(const json& r, bool color) {
  std::string out;
  if (r.contains("models")) {  // My machine
    out = wrap("", "On " + str(r["hardware"]) + " at " + thousands(r["context"]) + " tokens:", 0);
    for (const char* g : {"comfortable", "tradeoffs", "will_not_run"}) {
      const json& rows = r["models"][g];
      out += "\n" + verdict(json(g), color) + " (" + std::to_string(rows.size()) + ")\n";
      for (const auto& m : rows)
        out += "  " + pad(str(m["name"]), 40) + pad(num(m["decode_tps"], "%.1f tok/s"), 14, true) +
               (m.value("context_capped", false) ? "  at " + thousands(m["context"]) : "") + "\n";
    }
    return out;
  }
  out = r["passing"].dump() + " of " + r["candidates"].dump() + " priced setups within " +
        num(r["budget_usd"], "$%.0f") + " meet everything; sorted by " + str(r["sort"]) + ".\n\n";
  const bool for_use = r.contains("use_case");
  if (for_use)
    out += wrap("",
                "For " + str(r["use_case"]["name"]) + ": the best model each setup runs by " +
                    str(r["use_case"]["benchmark"]) + " at " + thousands(r["context"]) +
                    " tokens and at least " + num(r["min_decode_tps"], "%.0f") + " tok/s.",
                0) +
           "\n";
  int i = 0;
  for (const auto& p : r["picks"]) {
    out += wrap(std::to_string(++i) + ". ",
                str(p["setup"]) + " · " + num(p["price_usd"], "$%.0f") +
                    (for_use ? " · " + str(p["why"])
                             : " · slowest " + num(p["slowest_decode_tps"], "%.1f") + " tok/s"),
                4);
    out += wrap("    ", str(p["card"]["note"]), 4);
  }
  if (for_use && !r["out_of_reach"].empty()) {
    std::string names;
    for (const auto& m : r["out_of_reach"])
      names += (names.empty() ? "" : ", ") + str(m["name"]) + " (" + num(m["score"], "%.1f") + ")";
    out += wrap("\nOut of reach within " + num(r["budget_usd"], "$%.0f") + ": ", names, 2);
  }
  if (!r["rejected"].empty()) {
    out += "\nWhy the others lose\n";
    for (const auto& x : r["rejected"])
      out += wrap("  - ", str(x["setup"]) + ": " + str(x["why"]), 4);
  }
  return out + list("Assumptions", r["assumptions"]);
}

std::string cost(const json& r, bool) {
  const json& o = r["own"];
  std::string out = "Per month                                    USD  USD per M tokens\n";
  out += pad("own: " + str(o["setup"]), 40) + pad(num(o["usd_per_month"], "%.2f"), 9, true) +
         pad(num(o["usd_per_million_tokens"], "%.3f"), 16, true) + "\n";
  if (!r["rent"].empty())
    out += pad("rent: " + str(r["rent"][0]["provider"]) + " " + str(r["rent"][0]["offer"]), 40) +
           pad(num(r["rent"][0]["usd_per_month"], "%.2f"), 9, true) +
           pad(num(r["rent"][0]["usd_per_million_tokens"], "%.3f"), 16, true) + "\n";
  if (!r["api"].empty())
    out += pad("API: " + str(r["api"][0]["provider"]) + " " + str(r["api"][0]["model"]), 40) +
           pad(num(r["api"][0]["usd_per_month"], "%.2f"), 9, true) +
           pad(num(r["api"][0]["usd_per_million_tokens"], "%.3f"), 16, true) + "\n";
  auto be = [](const json& b) -> std::string {
    if (b.is_null()) return "no option to compare";
    if (!b["months"].is_number()) return str(b["note"]);
    return num(b["months"], "%.1f") + " months" +
           (b.value("within_life", true) ? "" : " (" + str(b["note"]) + ")");
  };
  out += wrap("Break-even vs renting: ", be(r["break_even_vs_rent"]), 2);
  out += wrap("Break-even vs the API: ", be(r["break_even_vs_api"]), 2);
  return out + list("Assumptions", r["assumptions"]);
}

std::string inspect(const json& r, bool) {
  const json& s = r["summary"];
  std::string out = wrap("", str(r["name"]) + " -> " + str(r["model"]), 2);
  for (const char* k :
       {"architecture", "block_count", "embedding_length", "head_count", "head_count_kv",
        "context_length", "vocab_size", "expert_count", "parameters", "weights_bytes"})
    if (s.contains(k))
      out += "  " + pad(k, 18) + str(s[k].is_number() ? json(thousands(s[k])) : s[k]) + "\n";
  return out;
}

}  // namespace

// runcheck diagnose: what the log shows, what went wrong, the log's buffers beside runcheck's,
// and the checked fixes with their commands.
std::string diagnose(const json& r, bool color) {
  const json& f = r["facts"];
  const json& m = r["mapping"];
  std::string dev;
  for (const auto& d : f["devices"])
    dev += (dev.empty() ? "" : ", ") + str(d["id"]) +
           (d["name"].is_string() ? " " + str(d["name"]) : "");
  std::string out =
      wrap("Log: ",
           str(f["runtime"]) + (f["build"].is_string() ? " build " + str(f["build"]) : "") + ", " +
               thousands(f["lines"]) + " lines" + (dev.empty() ? "" : "; devices: " + dev),
           2);
  out += wrap("Read as: ",
              (m["model"].is_string() ? str(m["model"]) : "model unknown") + " · " +
                  (m["quant"].is_string() ? str(m["quant"]) : "quant unknown") + " · " +
                  (m["hardware"].is_string() ? str(m["hardware"]) : "hardware unknown") +
                  " · context " + ctx_or_none(r["request"].value("context", json())),
              2);
  if (m["model_how"].is_string()) out += wrap("  ", str(m["model_how"]), 2);
  for (const auto& n : m["notes"]) out += wrap("  ", str(n), 2);
  out += list("\nWhat the log shows:", [&] {
    json a = json::array();
    for (const auto& x : r["findings"]) a.push_back(x["text"]);
    return a;
  }());
  if (!r["comparison"].empty()) {
    out += "\nBuffers, MiB              log    runcheck      diff\n";
    for (const auto& c : r["comparison"]) {
      out += pad(str(c["device"]) + " " + str(c["kind"]), 22) +
             pad(num(c["log_mib"], "%.2f"), 10, true) +
             pad(num(c["runcheck_mib"], "%.2f"), 11, true) + " " +
             pad(num(c["diff_pct"], "%+.1f") + " %", 10, true) + "\n";
      if (c.value("why", json()).is_string()) out += wrap("    why: ", str(c["why"]), 9);
    }
  }
  if (r["estimate"].is_object())
    out +=
        "\nruncheck's verdict for this setup: " + verdict(r["estimate"]["verdict"], color) + "\n";
  else if (r.contains("estimate_error"))
    out += wrap("\nNo comparison: ", str(r["estimate_error"]["message"]), 2);
  if (!r["fixes"].empty()) {
    out += "\nFixes, checked by the engine:\n";
    // Each fix as a command for the log's own runtime (llama-server when it has none).
    const std::string rt = r.contains("request") && r["request"].is_object()
                               ? str(r["request"].value("runtime", json("llama.cpp")))
                               : "llama.cpp";
    const std::string key = rt == "ollama"     ? "ollama"
                            : rt == "vllm"     ? "vllm"
                            : rt == "lmstudio" ? "lmstudio"
                                               : "llama_server";
    for (const auto& x : r["fixes"]) {
      out += wrap("  - ", str(x["text"]) + " -> " + str(x["verdict"]), 4);
      if (x["commands"].is_object() && x["commands"].contains(key))
        out += "      " + str(x["commands"][key]) + "\n";
      else if (x["commands"].is_object() && x["commands"].contains("llama_server"))
        out += "      " + str(x["commands"]["llama_server"]) + "\n";
    }
  }
  for (const auto& e : r["errors"]) {
    const std::string sev = str(e.value("severity", json("error")));
    out += wrap(std::string(sev == "info"      ? "\nNote"
                            : sev == "warning" ? "\nWarning"
                                               : "\nError") +
                    " (line " + thousands(e["line"]) + "): ",
                str(e["text"]), 2);
    out += wrap("  ", str(e["meaning"]), 2);
    if (!e["fixes"].empty())
      out += wrap("  fix: ",
                  str(e["fixes"][0]["text"]) + (e["fixes"][0]["syntax"].is_string()
                                                    ? " (" + str(e["fixes"][0]["syntax"]) + ")"
                                                    : ""),
                  7);
  }
  return out;
}

// runcheck recommend: the ranked models with quant, speed, quality and loss; why better ones miss.
std::string recommend(const json& r, bool color) {
  std::string out = (color ? "\x1b[1m" : "") + str(r["use_case"]["name"]) +
                    (color ? "\x1b[0m" : "") + " · context " + thousands(r["context"]) +
                    " · at least " + num(r["min_decode_tps"], "%.0f") +
                    " tok/s · quant loss KLD <= " + num(r["max_kld"], "%.2f") + "\n";
  const json& b = r["use_case"]["benchmark"];
  out += "Ranked by " +
         (b.is_string() ? str(b) + " (published, median of the model's rows)"
                        : std::string("nothing published: quality unknown")) +
         "\n\n";
  out += "  # model                          quant      tok/s  quality   KLD\n";
  for (const auto& x : r["ranked"]) {
    out += pad(num(x["rank"], "%.0f"), 3, true) + " " + pad(str(x["name"]), 30) + " " +
           pad(str(x["quant"]), 8) + pad(num(x["decode_tps"], "%.1f"), 8, true) +
           pad(x["quality"].is_number() ? num(x["quality"], "%.1f") : std::string("?"), 9, true) +
           pad(x["quant_loss"].is_object() ? num(x["quant_loss"]["kld_mean"], "%.3f")
                                           : std::string("?"),
               7, true) +
           (str(x["tier"]) == "within your limits" ? std::string() : "  (" + str(x["tier"]) + ")") +
           "\n";
  }
  out += "\n" + thousands(r["runnable"]) + " catalog models run here within these limits.\n";
  if (!r["why_not"].empty()) {
    out += "\nBetter scores that do not make it:\n";
    for (const auto& w : r["why_not"])
      out += wrap("  - ",
                  str(w["name"]) + " (" + num(w["score"], "%.1f") + "): " + str(w["reason"]), 4);
  }
  for (const auto& n : r["notes"]) out += wrap("Note: ", str(n), 2);
  return out;
}

// runcheck explain [TERM]: the glossary list, or one entry with its live numbers.
std::string explain(const json& r, bool color) {
  std::string out;
  if (r.contains("terms")) {
    std::string cat;
    for (const auto& t : r["terms"])
      out += pad(str(t["id"]), 22) + str(t["short"]).substr(0, 56) + "\n";
    return out + "\n" + std::to_string(r["terms"].size()) +
           " terms; runcheck explain TERM shows one with its numbers computed now.\n";
  }
  out += (color ? "\x1b[1m" : "") + str(r["term"]) + (color ? "\x1b[0m" : "") + " (" +
         str(r["category"]) + ")\n";
  out += wrap("", str(r["short"]), 0) + "\n";
  out += wrap("", str(r["body"]), 0);
  if (r.contains("table")) {  // a guide's live table, one block per row (fits 80 columns)
    const json& t = r["table"];
    out += "\n";
    for (const auto& row : t["rows"]) {
      out += wrap("- ", str(row[0]), 2);
      for (size_t i = 1; i < row.size() && i < t["head"].size(); ++i)
        out += wrap("    " + str(t["head"][i]) + ": ", str(row[i]), 6);
    }
  }
  out += wrap("\nExample: ", str(r["example"]["text"]), 2);
  out += wrap("\nIn " + str(r["workflow"]["runtime"]) + ": ", str(r["workflow"]["text"]), 2);
  out += "\nCommands\n    " + str(r["workflow"]["command"]) + "\n";  // never wrapped: pastes
  if (!r["related"].empty()) {
    std::string rel;
    for (const auto& x : r["related"]) rel += (rel.empty() ? "" : ", ") + str(x["id"]);
    out += wrap("\nRelated: ", rel, 2);
  }
  for (const auto& e : r["errors"])
    out += wrap("When it fails: ",
                "\"" + str(e["match"]) + "\" (Troubleshoot explains it: " + str(e["id"]) + ")", 2);
  if (!r["unresolved"].empty())
    for (const auto& u : r["unresolved"]) out += wrap("(not computed: ", str(u) + ")", 2);
  out += "\nSources\n";  // URLs are never wrapped
  for (const auto& s : r["sources"])
    out += "    " + str(s["url"]) + " (" + str(s["retrieved"]) + ")\n";
  return out;
}

std::string quant_loss(const json& r, bool) {
  std::string out = wrap("", str(r["summary"]), 0);
  auto rows = [&](const char* head, const json& list) {
    if (list.empty()) return;
    out += std::string("\n") + head + "\n";
    for (const auto& x : list) {
      out += wrap("  - ", str(x["model"]) + ", " + str(x["type"]) + ": " + str(x["text"]), 4);
      out += "      " + str(x["source"]) + "\n";  // URLs are never wrapped
    }
  };
  rows("Measured on this model", r["this_model"]);
  if (!r["general"].is_null())
    rows("The general per-type table (what rankings read)", json::array({r["general"]}));
  rows("Measured on other models", r["other_models"]);
  return out;
}

std::string render(const std::string& command, const json& r, bool color) {
  if (!r.is_object() || !r.value("ok", false)) return "";
  if (command == "estimate") return estimate(r, color);
  if (command == "compare") return compare(r, color);
  if (command == "choose") return choose(r, color);
  if (command == "cost") return cost(r, color);
  if (command == "inspect" || command == "import") return inspect(r, color);
  if (command == "diagnose") return diagnose(r, color);
  if (command == "explain" || command == "learn") return explain(r, color);
  if (command == "recommend") return recommend(r, color);
  if (command == "quant_loss") return quant_loss(r, color);
  return "";
}

}  // namespace runcheck::report
