// The recommend command's JSON edge (core/src only): a machine and a use case in, the runnable
// catalog models ranked by published quality (recommend.cpp); and detect, the machine itself.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runcheck/catalog.h"
#include "runcheck/engine.h"
#include "runcheck/result.h"

namespace runcheck {
namespace recommend {

// The published loss of a file type (catalog/quant_loss.json): the imatrix row where one exists,
// else the plain one; null when the type has no published row.
std::optional<double> quant_kld(const std::string& type, const QuantLoss** row);

// A model's published quality for a benchmark: the median of its non-base rows, and the rows.
struct Quality {
  std::optional<double> value;
  nlohmann::json rows = nlohmann::json::array();
};
Quality quality_of(const std::string& model, const std::string& benchmark);

// One model at one quant on one machine, at the use's context and speed floor.
struct Trial {
  bool ok = false;    // ran the estimate
  bool runs = false;  // verdict is not will_not_run
  bool fast = false;  // decode at or above the floor
  double decode = 0, low = 0, high = 0, short_gib = 0;
  std::string verdict, evidence, error;
};
Trial try_quant(const EstimateRequest& base, const ModelEntry& m, const std::string& quant,
                int64_t ctx, double floor_tps);

// The quant a model runs at for a use: the largest within the loss limit that runs comfortably
// at the floor, else the largest within it that runs at all; with beyond_limit, else the largest
// beyond the limit that runs at the floor. The smallest type within the limit is tried first
// (smallest_within): when even it does not run, no larger one is tried.
struct Pick {
  std::string quant;
  Trial t;
  std::optional<double> kld;
  bool beyond_limit = false;
};
struct ModelOutcome {
  std::optional<Pick> pick;
  Trial smallest_within;
  std::vector<std::string> within;  // the ladder's types within the limit, largest first
};
ModelOutcome best_quant(const EstimateRequest& base, const ModelEntry& m, int64_t ctx,
                        double floor_tps, double max_kld, bool beyond_limit);

// The ranking itself, on any list of candidates (the catalog's, or a test's small fixed one):
// the indices of those that run at the floor, in order: within the loss limit with a published
// score (best score first), within it with none, then beyond the limit; ties by the lower
// published loss, then the faster decode.
struct RankEntry {
  std::string id;
  bool runs = false;          // runs at the use's context and speed floor
  bool within_limit = false;  // at a quant whose published loss is within max_kld
  std::optional<double> score, kld;
  double decode = 0;
};
std::vector<size_t> rank_order(const std::vector<RankEntry>& entries);

const UseCase* use_case(const std::string& id);
// Whether a model can serve a use: its kind when the use names one (vision), else any generative
// model - an embedding model or a reranker answers no prompt, so no chat, coding or document use
// ranks it.
inline bool serves(const ModelEntry& m, const UseCase& uc) {
  if (m.draft_only()) return false;  // a draft, never a model on its own
  return uc.model_kind.empty() ? m.kind != "embedding" && m.kind != "reranker"
                               : m.kind == uc.model_kind;
}
std::string use_case_ids();  // "chat, coding, ..." for messages

}  // namespace recommend

Result<nlohmann::json> recommend_json(const nlohmann::json& req);
// What a quant costs in quality as published (catalog/quant_loss.json): the rows measured on this
// model, the general per-type row the ranking reads, and the rows of other models of that type.
Result<nlohmann::json> quant_loss_json(const nlohmann::json& req);
// detect.cpp: what the browser exposes about its GPU and memory -> the catalog entry, or why not.
Result<nlohmann::json> detect_json(const nlohmann::json& req);
}  // namespace runcheck
