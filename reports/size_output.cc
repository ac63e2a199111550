// size.json and the size summary. See size_output.h.
#include "reports/size_output.h"

#include <nlohmann/json.hpp>

#include "models/result/format.h"
#include "reports/summary.h"

namespace shardsim {
namespace {

using Json = nlohmann::ordered_json;

Json SettingsJson(const std::vector<ConsumerSetting>& settings) {
  Json a = Json::array();
  for (const ConsumerSetting& s : settings) {
    a.push_back({{"consumer", s.consumer}, {"field", s.field}, {"value", s.value}, {"was", s.was}});
  }
  return a;
}

Json EvaluationJson(const Evaluation& e) {
  Json j;
  j["shards"] = e.shards;
  j["reads"] = e.variant;
  j["consumer_settings"] = SettingsJson(e.settings);
  j["replications"] = e.replications;
  j["slo_met"] = e.slo_met;
  j["meets_objectives"] = e.Met();
  j["cost_objective_met"] = e.cost_met;
  j["cost_per_month_usd"] = e.cost_per_month_usd.mean;
  j["cost_per_month_ci95_usd"] = e.cost_per_month_usd.half_width;
  j["throttled_fraction"] = e.throttled_fraction.mean;
  j["throttled_fraction_ci95"] = e.throttled_fraction.half_width;
  Json p99 = Json::object();
  for (const ConsumerLatency& c : e.p99_latency) {
    p99[c.consumer] = {{"mean", c.p99_ms.mean}, {"ci95", c.p99_ms.half_width}};
  }
  j["p99_latency_ms"] = std::move(p99);
  j["missed"] = e.missed;
  return j;
}

// "enricher parallelization_factor=3" for table cells; "-" for none.
std::string SettingCells(const std::vector<ConsumerSetting>& settings) {
  std::string out;
  for (const ConsumerSetting& s : settings) {
    if (!out.empty()) out += ", ";
    out += s.consumer + " " + s.field + "=" + std::to_string(s.value);
  }
  return out.empty() ? "-" : out;
}

}  // namespace

std::string SizeJsonText(const SizeResult& r) {
  Json j;
  j["schema_version"] = kSizeSchemaVersion;
  j["scenario"] = r.scenario;
  j["objectives"] = r.objectives;
  j["replications"] = r.replications;
  j["min_shards"] = r.min_shards;
  j["max_shards"] = r.max_shards;
  j["recommended_shards"] = r.recommended_shards ? Json(*r.recommended_shards) : Json(nullptr);
  j["recommended_consumer_settings"] = SettingsJson(r.recommended_settings);
  j["why_not_fewer"] = r.why_not_fewer;
  j["aws_formula_shards"] = r.prescreen.aws_formula;
  j["aws_formula"] = r.prescreen.aws_formula_detail;
  j["formula_comparison"] = r.formula_comparison;
  const PreScreen& p = r.prescreen;
  j["prescreen"] = {{"estimate_shards", p.estimate},
                    {"binding", p.binding},
                    {"peak_records_per_s", p.peak_records_per_s},
                    {"peak_bytes_per_s", p.peak_bytes_per_s},
                    {"busiest_share", p.busiest_share},
                    {"poisson_peaks", p.poisson},
                    {"shared_readers", p.shared_readers},
                    {"consumer_floor_shards", p.consumer_floor},
                    {"consumer_floor_reason", p.consumer_floor_reason}};
  Json evaluated = Json::array();
  for (const Evaluation& e : r.evaluated) evaluated.push_back(EvaluationJson(e));
  j["evaluated"] = std::move(evaluated);
  j["enhanced_fan_out"] = r.efo ? EvaluationJson(*r.efo) : Json(nullptr);
  j["enhanced_fan_out_note"] = r.efo_note;
  if (r.on_demand.evaluation) {
    Json od = EvaluationJson(*r.on_demand.evaluation);
    od["priced"] = r.on_demand.priced;
    od["max_open_shards"] = r.on_demand.max_open_shards;
    od["basis"] = r.on_demand.basis;
    j["on_demand"] = std::move(od);
  } else {
    j["on_demand"] = nullptr;
  }
  j["cheapest"] = r.cheapest;
  j["cheapest_cost_per_month_usd"] =
      r.cheapest_cost_per_month_usd ? Json(*r.cheapest_cost_per_month_usd) : Json(nullptr);
  j["notes"] = r.notes;
  return j.dump(2) + "\n";
}

std::string SizeSummaryText(const SizeResult& r) {
  std::string out = r.scenario + ": size search, " + std::to_string(r.replications) +
                    " replications per configuration, shards " + std::to_string(r.min_shards) +
                    ".." + std::to_string(r.max_shards) + "\n";
  std::string objectives = "Objectives (all replications): ";
  for (size_t i = 0; i < r.objectives.size(); ++i)
    objectives.append(i ? "; " : "").append(r.objectives[i]);
  out += Wrap(objectives, "");
  const PreScreen& p = r.prescreen;
  out += Wrap("Pre-screen: " + std::to_string(p.estimate) + " shards" +
                  (p.binding.empty() ? "" : " (bound by " + p.binding + ")") +
                  "; AWS formula: " + std::to_string(p.aws_formula) + " = " + p.aws_formula_detail,
              "") +
         "\n";

  std::vector<TextColumn> cols = {{"shards", true},          {"reads"},
                                  {"settings", false, true}, {"met", true},
                                  {"cost/month", true},      {"throttled", true}};
  std::vector<std::string> consumers;
  for (const Evaluation& e : r.evaluated) {
    for (const ConsumerLatency& c : e.p99_latency) {
      if (std::find(consumers.begin(), consumers.end(), c.consumer) == consumers.end()) {
        consumers.push_back(c.consumer);
      }
    }
  }
  for (const std::string& c : consumers) cols.push_back({"p99 " + c, true, true});

  auto row = [&](const Evaluation& e) {
    std::vector<std::string> cells = {
        std::to_string(e.shards),
        e.variant == "enhanced fan-out" ? "EFO" : "shared",
        SettingCells(e.settings),
        std::to_string(e.slo_met) + "/" + std::to_string(e.replications),
        Usd(e.cost_per_month_usd.mean),
        PlusMinus(e.throttled_fraction, 3, 100, "%")};
    for (const std::string& c : consumers) {
      std::string cell = "-";
      for (const ConsumerLatency& l : e.p99_latency) {
        if (l.consumer == c) cell = Millis(l.p99_ms.mean);
      }
      cells.push_back(cell);
    }
    return cells;
  };
  std::vector<const Evaluation*> sorted;
  for (const Evaluation& e : r.evaluated) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Evaluation* a, const Evaluation* b) { return a->shards < b->shards; });
  std::vector<std::vector<std::string>> rows;
  for (const Evaluation* e : sorted) rows.push_back(row(*e));
  if (r.efo) rows.push_back(row(*r.efo));
  out += "Evaluated configurations (throttled: mean ±95% CI of refused record attempts)\n";
  out += TextTable(cols, rows);
  std::string missed;
  for (const Evaluation* e : sorted) {
    if (e->missed.empty()) continue;
    missed += Wrap(std::to_string(e->shards) + " shards" +
                       (e->settings.empty() ? "" : " (" + SettingCells(e->settings) + ")") + ": " +
                       e->missed,
                   "  ");
  }
  if (!missed.empty()) out += "First objective missed (first failing replication):\n" + missed;
  out += "\n";

  if (r.recommended_shards) {
    out += "Recommendation: " + std::to_string(*r.recommended_shards) + " shards" +
           (r.recommended_settings.empty() ? "" : " with " + SettingCells(r.recommended_settings)) +
           "\n";
    out += Wrap("Why not fewer: " + r.why_not_fewer, "  ");
  } else {
    out += "Recommendation: none\n";
  }
  out += Wrap(r.formula_comparison, "  ");
  if (!r.efo_note.empty()) out += Wrap("Enhanced fan-out: " + r.efo_note, "  ");
  if (r.on_demand.evaluation) {
    const Evaluation& e = *r.on_demand.evaluation;
    out +=
        Wrap("On-demand: met " + std::to_string(e.slo_met) + "/" + std::to_string(e.replications) +
                 (r.on_demand.priced ? ", " + Usd(r.on_demand.cost_per_month_usd) + "/month"
                                     : std::string()) +
                 ", throttled " + PlusMinus(e.throttled_fraction, 3, 100, "%") + ", up to " +
                 std::to_string(r.on_demand.max_open_shards) + " open shards" +
                 (e.missed.empty() ? "" : "; missed: " + e.missed) + " (" + r.on_demand.basis + ")",
             "  ");
  }
  if (!r.cheapest.empty()) {
    out += "Cheapest meeting the objectives: " + r.cheapest +
           (r.cheapest_cost_per_month_usd ? ", " + Usd(*r.cheapest_cost_per_month_usd) + "/month"
                                          : "") +
           "\n";
  }
  for (const std::string& n : r.notes) out += Wrap("Note: " + n, "");
  return out;
}

std::string PlusMinus(const MeanCi& m, int decimals, double scale, const std::string& unit) {
  std::string s = Fixed(m.mean * scale, decimals) + unit;
  if (m.half_width > 0) s += " ±" + Fixed(m.half_width * scale, decimals);
  return s;
}

}  // namespace shardsim
