// The report of a size search. See report_size.h.
#include "reports/report_size.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "models/result/format.h"
#include "reports/size_output.h"
#include "reports/svg_chart.h"

namespace shardsim {
namespace {

using report::BulletList;
using report::Chart;
using report::Column;
using report::Document;
using report::Emphasis;
using report::Heading;
using report::Inline;
using report::Paragraph;
using report::Plain;
using report::Strong;
using report::Table;

constexpr size_t kDescribedPoints = 24;  // configurations the chart's text alternative lists

std::string ShardsText(int64_t n) {
  return Grouped(static_cast<uint64_t>(std::max<int64_t>(n, 0))) + (n == 1 ? " shard" : " shards");
}

bool IsEfo(const Evaluation& e) { return e.variant == "enhanced fan-out"; }

// The evaluation of the recommended configuration, or nullptr.
const Evaluation* Recommended(const SizeResult& r) {
  if (!r.recommended_shards) return nullptr;
  const Evaluation* any = nullptr;
  for (const Evaluation& e : r.evaluated) {
    if (e.shards != *r.recommended_shards || !e.Met()) continue;
    if (e.settings == r.recommended_settings) return &e;
    if (any == nullptr) any = &e;
  }
  return any;
}

std::vector<const Evaluation*> ByShards(const SizeResult& r) {
  std::vector<const Evaluation*> sorted;
  for (const Evaluation& e : r.evaluated) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Evaluation* a, const Evaluation* b) { return a->shards < b->shards; });
  return sorted;
}

std::string MetText(const Evaluation& e) {
  return std::to_string(e.slo_met) + "/" + std::to_string(e.replications);
}

}  // namespace

report::Paragraph SizeVerdict(const SizeResult& r) {
  Paragraph p;
  const std::string name = r.scenario.empty() ? "The architecture" : r.scenario;
  const std::string reps = r.replications == 1 ? std::string("its one replication")
                           : r.replications == 2
                               ? std::string("both replications")
                               : "all " + std::to_string(r.replications) + " replications";
  if (r.recommended_shards) {
    p.css_class = "verdict pass";
    p.text.push_back(Strong(name + " needs " + ShardsText(*r.recommended_shards)));
    std::string s;
    if (!r.recommended_settings.empty()) s += " with " + SettingsText(r.recommended_settings);
    s += ": the fewest meeting every objective in " + reps;
    const Evaluation* e = Recommended(r);
    if (e != nullptr) {
      s += ", at " + Usd(e->cost_per_month_usd.mean) + " per month";
    } else if (r.recommended_result && r.recommended_result->cost &&
               r.recommended_result->cost->priced) {
      s += ", at " + Usd(r.recommended_result->cost->total_per_month_usd) + " per month";
    }
    if (!r.cheapest.empty() && r.cheapest_cost_per_month_usd && e != nullptr &&
        *r.cheapest_cost_per_month_usd < e->cost_per_month_usd.mean) {
      s += "; cheaper still: " + r.cheapest + " at " + Usd(*r.cheapest_cost_per_month_usd) +
           " per month";
    }
    p.text.push_back(Plain(s + "."));
  } else {
    p.css_class = "verdict fail";
    p.text.push_back(Strong("No shard count from " + std::to_string(r.min_shards) + " to " +
                            std::to_string(r.max_shards) + " meets every objective of " + name));
    std::string s = " in " + reps;
    const std::vector<const Evaluation*> sorted = ByShards(r);
    if (!sorted.empty() && !sorted.back()->missed.empty()) {
      s += "; at " + ShardsText(sorted.back()->shards) + ": " + sorted.back()->missed;
    }
    if (!r.cheapest.empty()) {
      s += "; what does: " + r.cheapest +
           (r.cheapest_cost_per_month_usd
                ? " at " + Usd(*r.cheapest_cost_per_month_usd) + " per month"
                : std::string());
    }
    p.text.push_back(Plain(s + "."));
  }
  return p;
}

report::Chart SizeCostChart(const SizeResult& r) {
  Chart chart;
  chart.name = "size-cost";
  chart.title = "Cost per month against shard count";
  std::vector<const Evaluation*> shared;
  for (const Evaluation* e : ByShards(r)) {
    if (!IsEfo(*e)) shared.push_back(e);
  }
  if (shared.empty() && !r.efo) {
    chart.caption = {Plain("No configuration was evaluated: nothing to chart.")};
    return chart;
  }
  svg::LineChart lc;
  lc.id = chart.name;
  lc.title = chart.title;
  lc.x.label = "shards";
  lc.y.label = "cost per month (USD)";
  svg::Series reads{
      "shared reads (the scenario's consumers)", {}, {}, false, true, svg::Shape::kCircle};
  svg::Series missed{"misses an objective", {}, {}, false, false, svg::Shape::kCross};
  svg::Series efo{"enhanced fan-out alternative", {}, {}, false, false, svg::Shape::kDiamond};
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  size_t failing = 0;
  std::string points;
  for (const Evaluation* e : shared) {
    const double x = static_cast<double>(e->shards), y = e->cost_per_month_usd.mean;
    reads.x.push_back(x);
    reads.y.push_back(y);
    if (!e->Met()) missed.x.push_back(x), missed.y.push_back(y), ++failing;
    lo = std::min(lo, x), hi = std::max(hi, x);
    if (reads.x.size() <= kDescribedPoints) {
      points += (points.empty() ? "" : "; ") + ShardsText(e->shards) +
                (e->settings.empty() ? "" : " (" + SettingsText(e->settings) + ")") + " " + Usd(y) +
                (e->Met() ? " meets" : " misses");
    }
  }
  if (shared.size() > kDescribedPoints) {
    points += "; and " + std::to_string(shared.size() - kDescribedPoints) + " more";
  }
  if (r.efo) {
    const double x = static_cast<double>(r.efo->shards), y = r.efo->cost_per_month_usd.mean;
    efo.x.push_back(x);
    efo.y.push_back(y);
    if (!r.efo->Met()) missed.x.push_back(x), missed.y.push_back(y), ++failing;
    lo = std::min(lo, x), hi = std::max(hi, x);
  }
  if (r.recommended_shards) {
    lo = std::min(lo, static_cast<double>(*r.recommended_shards));
    hi = std::max(hi, static_cast<double>(*r.recommended_shards));
  }
  // Whole shard counts with room around the outer points.
  if (hi - lo < 2) lo -= (2 - (hi - lo)) / 2, hi = lo + 2;
  const double pad = std::max(0.5, (hi - lo) * 0.04);
  lc.x.min = std::max(0.0, lo - pad);
  lc.x.max = hi + pad;
  // Headroom above the highest point for the band's and the marker's labels.
  double ymax = r.on_demand.priced ? r.on_demand.cost_per_month_usd : 0.0;
  for (const std::vector<double>* ys : {&reads.y, &efo.y}) {
    for (double y : *ys) {
      if (std::isfinite(y)) ymax = std::max(ymax, y);
    }
  }
  if (ymax > 0) lc.y.max = ymax * 1.15;
  if (!reads.x.empty()) lc.series.push_back(std::move(reads));
  if (!missed.x.empty()) lc.series.push_back(std::move(missed));
  if (!efo.x.empty()) lc.series.push_back(std::move(efo));
  if (r.on_demand.priced) {
    lc.series.push_back({"on-demand (simulated)",
                         {*lc.x.min, *lc.x.max},
                         {r.on_demand.cost_per_month_usd, r.on_demand.cost_per_month_usd},
                         false,
                         true,
                         svg::Shape::kNone});
  }
  std::string desc = "Points of monthly cost (USD) against shard count for " +
                     std::to_string(shared.size()) +
                     (shared.size() == 1 ? " configuration" : " configurations") +
                     " with shared reads: " + points + ".";
  std::string caption = "Each point is an evaluated configuration (mean of " +
                        std::to_string(r.replications) +
                        " replications); crosses miss an "
                        "objective in at least one replication";
  const Evaluation* rec = Recommended(r);
  if (r.recommended_shards) {
    const double x = static_cast<double>(*r.recommended_shards);
    if (x - 0.5 > *lc.x.min)
      lc.bands.push_back({*lc.x.min, x - 0.5, "fewer shards miss (shared reads)"});
    lc.markers.push_back(
        {x, "recommended: " + ShardsText(*r.recommended_shards) +
                (rec != nullptr ? ", " + Usd(rec->cost_per_month_usd.mean) + "/month"
                                : std::string())});
    desc += " Shard counts below " + std::to_string(*r.recommended_shards) +
            " are shaded as failing; the recommendation, " + ShardsText(*r.recommended_shards) +
            (rec != nullptr ? " at " + Usd(rec->cost_per_month_usd.mean) + " per month" : "") +
            ", is marked by a vertical line.";
    caption += "; the shaded counts below the recommendation (the vertical line) fail";
  } else {
    lc.bands.push_back({*lc.x.min, *lc.x.max, "no count meets the objectives"});
    desc += " No shard count meets the objectives: the whole range is shaded as failing.";
    caption += "; no count meets the objectives (all shaded)";
  }
  if (r.efo) {
    desc += " The enhanced fan-out alternative (diamond): " + ShardsText(r.efo->shards) + " at " +
            Usd(r.efo->cost_per_month_usd.mean) + " per month, " +
            (r.efo->Met() ? "meets" : "misses") + " the objectives.";
  }
  if (r.on_demand.priced) {
    desc +=
        " On-demand, simulated (flat line): " + Usd(r.on_demand.cost_per_month_usd) + " per month.";
    caption += "; the flat line is on-demand mode, simulated";
  }
  if (failing > 0) {
    desc += " " + std::to_string(failing) +
            (failing == 1 ? " configuration misses" : " configurations miss") +
            " an objective (crosses).";
  }
  lc.description = desc;
  chart.svg = svg::Render(lc);
  chart.caption = {Plain(caption + ".")};
  return chart;
}

report::Document SizeReportDocument(const SizeResult& r) {
  Document doc;
  const std::string name = r.scenario.empty() ? "(unnamed scenario)" : r.scenario;
  doc.title = "Size review: " + name;
  doc.blocks.push_back(Heading{1, doc.title, "top"});
  doc.blocks.push_back(Paragraph{
      {Emphasis("Size search over " + std::to_string(r.min_shards) + ".." +
                std::to_string(r.max_shards) + " shards, " + std::to_string(r.replications) +
                (r.replications == 1 ? " replication" : " replications") + " per configuration")},
      "subtitle"});

  doc.blocks.push_back(Heading{2, "Verdict", "size-verdict"});
  doc.blocks.push_back(SizeVerdict(r));
  BulletList objectives;
  for (const std::string& o : r.objectives) objectives.items.push_back({Plain(o)});
  doc.blocks.push_back(
      Paragraph{{Strong("Objectives"), Plain(" (met in every replication):")}, ""});
  if (objectives.items.empty()) objectives.items.push_back({Plain("none listed")});
  doc.blocks.push_back(std::move(objectives));

  doc.blocks.push_back(Heading{2, "Cost against shard count", "size-chart"});
  const Chart chart = SizeCostChart(r);
  if (chart.svg.empty()) {
    doc.blocks.push_back(Paragraph{chart.caption, "note"});
  } else {
    doc.blocks.push_back(report::Figure{"fig-" + chart.name, "report/" + chart.name + ".svg",
                                        chart.svg, chart.title, chart.caption});
  }

  doc.blocks.push_back(Heading{2, "Evaluated configurations", "size-evaluated"});
  doc.blocks.push_back(Paragraph{
      {Plain("Met: replications meeting every objective. Cost and throttled (refused record "
             "attempts) are means with their 95% confidence half-width; p99 is the mean "
             "of each replication's end-to-end latency p99 per consumer.")},
      "note"});
  std::vector<std::string> consumers;
  auto collect = [&](const Evaluation& e) {
    for (const ConsumerLatency& c : e.p99_latency) {
      if (std::find(consumers.begin(), consumers.end(), c.consumer) == consumers.end()) {
        consumers.push_back(c.consumer);
      }
    }
  };
  for (const Evaluation& e : r.evaluated) collect(e);
  if (r.efo) collect(*r.efo);
  Table t;
  t.columns = {{"shards", true}, {"reads", false},     {"settings", false},
               {"met", true},    {"cost/month", true}, {"throttled", true, true}};
  for (const std::string& c : consumers) t.columns.push_back({"p99 " + c, true, true});
  const Evaluation* rec = Recommended(r);
  auto row = [&](const Evaluation& e) {
    std::vector<Inline> cells;
    if (&e == rec) {
      cells.push_back({Strong(std::to_string(e.shards) + " (recommended)")});
    } else {
      cells.push_back({Plain(std::to_string(e.shards))});
    }
    cells.push_back({Plain(IsEfo(e) ? "enhanced fan-out" : "shared")});
    cells.push_back({Plain(e.settings.empty() ? "-" : SettingsText(e.settings))});
    cells.push_back({Plain(MetText(e))});
    cells.push_back({Plain(PlusMinus(e.cost_per_month_usd, 2, 1, "").insert(0, "$"))});
    cells.push_back({Plain(PlusMinus(e.throttled_fraction, 3, 100, "%"))});
    for (const std::string& c : consumers) {
      std::string cell = "-";
      for (const ConsumerLatency& l : e.p99_latency) {
        if (l.consumer == c) cell = Millis(l.p99_ms.mean);
      }
      cells.push_back({Plain(cell)});
    }
    return cells;
  };
  for (const Evaluation* e : ByShards(r)) t.rows.push_back(row(*e));
  if (r.efo) t.rows.push_back(row(*r.efo));
  if (t.rows.empty()) {
    doc.blocks.push_back(Paragraph{{Plain("No configuration was evaluated.")}, ""});
  } else {
    doc.blocks.push_back(std::move(t));
  }
  BulletList missed;
  auto add_missed = [&](const Evaluation& e) {
    if (e.missed.empty()) return;
    missed.items.push_back(
        {Strong(ShardsText(e.shards) + (IsEfo(e) ? " with enhanced fan-out" : "") +
                (e.settings.empty() ? "" : " (" + SettingsText(e.settings) + ")") + ": "),
         Plain(e.missed)});
  };
  for (const Evaluation* e : ByShards(r)) add_missed(*e);
  if (r.efo) add_missed(*r.efo);
  if (!missed.items.empty()) {
    doc.blocks.push_back(
        Paragraph{{Strong("First objective missed"), Plain(" (first failing replication):")}, ""});
    doc.blocks.push_back(std::move(missed));
  }

  doc.blocks.push_back(Heading{2, "Why this count", "size-why"});
  BulletList why;
  if (r.recommended_shards && !r.why_not_fewer.empty()) {
    why.items.push_back({Strong("Why not fewer: "), Plain(r.why_not_fewer)});
  }
  const PreScreen& p = r.prescreen;
  why.items.push_back({Strong("AWS formula: "),
                       Plain(ShardsText(p.aws_formula) + " = " + p.aws_formula_detail + ".")});
  if (!r.formula_comparison.empty()) {
    why.items.push_back({Strong("Against the formula: "), Plain(r.formula_comparison)});
  }
  const std::string readers =
      p.shared_readers == 0 ? std::string("no consumer polls the shards")
      : p.shared_readers == 1
          ? std::string("1 consumer polls each shard")
          : std::to_string(p.shared_readers) + " consumers share each shard's GetRecords limits";
  why.items.push_back(
      {Strong("Pre-screen: "),
       Plain(ShardsText(p.estimate) + (p.binding.empty() ? "" : ", bound by " + p.binding) +
             "; the busiest second " + Count(std::round(p.peak_records_per_s)) + " records/s and " +
             ApproxByteRate(std::max(p.peak_bytes_per_s, 0.0)) +
             (p.poisson ? " (Poisson peaks added)" : "") + "; " + readers +
             (p.consumer_floor > 1
                  ? "; consumers need at least " + ShardsText(p.consumer_floor) +
                        (p.consumer_floor_reason.empty() ? std::string()
                                                         : " (" + p.consumer_floor_reason + ")")
                  : std::string()) +
             ".")});
  doc.blocks.push_back(std::move(why));

  doc.blocks.push_back(Heading{2, "Alternatives", "size-alternatives"});
  BulletList alt;
  if (r.efo) {
    alt.items.push_back(
        {Strong("Enhanced fan-out: "),
         Plain(ShardsText(r.efo->shards) + ", " + Usd(r.efo->cost_per_month_usd.mean) +
               " per month, " + (r.efo->Met() ? "meets" : "misses") + " the objectives (" +
               MetText(*r.efo) + ")" + (r.efo_note.empty() ? "." : "; " + r.efo_note))});
  } else {
    alt.items.push_back(
        {Strong("Enhanced fan-out: "), Plain(r.efo_note.empty() ? "not evaluated." : r.efo_note)});
  }
  if (r.on_demand.evaluation) {
    const Evaluation& e = *r.on_demand.evaluation;
    alt.items.push_back(
        {Strong("On-demand: "),
         Plain((r.on_demand.priced ? Usd(r.on_demand.cost_per_month_usd) + " per month, "
                                   : std::string()) +
               (e.Met() ? "meets" : "misses") + " the objectives (" + MetText(e) + "), up to " +
               ShardsText(r.on_demand.max_open_shards) + " open; " + r.on_demand.basis + ".")});
  } else {
    alt.items.push_back({Strong("On-demand: "), Plain("not simulated.")});
  }
  if (!r.cheapest.empty()) {
    alt.items.push_back(
        {Strong("Cheapest meeting the objectives: "),
         Plain(r.cheapest + (r.cheapest_cost_per_month_usd
                                 ? ", " + Usd(*r.cheapest_cost_per_month_usd) + " per month."
                                 : std::string(".")))});
  }
  doc.blocks.push_back(std::move(alt));
  if (!r.notes.empty()) {
    doc.blocks.push_back(Heading{3, "Notes", "size-notes"});
    BulletList notes;
    for (const std::string& n : r.notes) notes.items.push_back({Plain(n)});
    doc.blocks.push_back(std::move(notes));
  }

  // The recommended configuration's own review, one heading level down.
  doc.blocks.push_back(Heading{2, "The recommended configuration", "size-recommended"});
  if (!r.recommended_result) {
    doc.blocks.push_back(Paragraph{
        {Plain(r.recommended_shards ? "The recommended configuration's run is not in this result."
                                    : "No recommendation: no run to review.")},
        "note"});
    return doc;
  }
  doc.blocks.push_back(Paragraph{
      {Plain("Replication 0 of the recommendation, reviewed like a run (its result.json and "
             "series are in this directory; to review it alone, copy them to a directory of "
             "their own and run "),
       report::Code("shardsim report DIR"), Plain(").")},
      "note"});
  Document run = RunReportDocument(*r.recommended_result);
  for (report::Block& b : run.blocks) {
    if (auto* h = std::get_if<Heading>(&b)) {
      if (h->level == 1) continue;
      h->level = std::min(h->level + 1, 4);
    }
    doc.blocks.push_back(std::move(b));
  }
  return doc;
}

std::vector<ReportFile> RenderSizeReport(const SizeResult& result) {
  return RenderDocumentFiles(SizeReportDocument(result), "report");
}

}  // namespace shardsim
