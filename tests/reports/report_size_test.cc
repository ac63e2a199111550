// Tests for the size report (reports/report_size.h): the cost-against-shards chart carries its
// title, text alternative, axis labels, failing marks and the recommendation; the HTML is well
// formed and self-contained; the verdict says the recommendation or that there is none; the
// recommended run's review follows. Results are synthetic; no golden files.
#include "reports/report_size.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "models/result/size_result.h"
#include "tests/reports/report_fixtures.h"
#include "tests/reports/xml_check.h"

namespace shardsim {
namespace {

using testing_xml::ExternalReferences;
using testing_xml::XmlProblem;

using testing_report::Count;
using testing_report::Files;

Evaluation Eval(int64_t shards, int met, double cost, const std::string& missed = "") {
  Evaluation e;
  e.variant = "shared reads";
  e.shards = shards;
  e.replications = 3;
  e.slo_met = met;
  e.cost_per_month_usd = {cost, cost * 0.01};
  e.throttled_fraction = {met == 3 ? 0.0 : 0.05, 0.01};
  e.p99_latency = {{"billing", {met == 3 ? 250.0 : 9000.0, 20.0}}};
  e.missed = missed;
  return e;
}

// Searched 1..16: 2 and 3 shards fail, 4 meets with a changed Lambda setting, 8 meets; an EFO
// alternative at 2 shards and an on-demand quote.
SizeResult Sized(bool recommended, bool with_run) {
  SizeResult r;
  r.scenario = "synthetic <size>";
  r.objectives = {"no record dropped", "no consumer's iterator age growing"};
  r.min_shards = 1;
  r.max_shards = 16;
  r.replications = 3;
  r.prescreen.estimate = 3;
  r.prescreen.binding = "the records limit";
  r.prescreen.aws_formula = 2;
  r.prescreen.aws_formula_detail = "max(1.2 by bytes, 1.9 by records)";
  r.evaluated = {Eval(3, 1, 45.5, "billing's iterator age grows"),
                 Eval(2, 0, 30.25, "records dropped after their retries"), Eval(8, 3, 120)};
  if (recommended) {
    Evaluation four = Eval(4, 3, 60.75);
    four.settings = {{"billing", "parallelization_factor", 2, 1}};
    r.evaluated.push_back(four);
    r.recommended_shards = 4;
    r.recommended_settings = four.settings;
    r.why_not_fewer = "3 shards miss in 2 of 3 replications: billing's iterator age grows";
    r.cheapest = "4 shards with shared reads";
    r.cheapest_cost_per_month_usd = 60.75;
  } else {
    r.max_shards = 8;
    r.evaluated.back() = Eval(8, 2, 120, "records dropped after their retries");
  }
  r.formula_comparison = "The formula gives 2; skew needs more.";
  Evaluation efo = Eval(2, 3, 310.5);
  efo.variant = "enhanced fan-out";
  r.efo = efo;
  r.efo_note = "the shared readers as enhanced fan-out consumers need 2 shards";
  r.on_demand = {true, 500, "simulated from 4 shards", Eval(4, 3, 500), 9};
  r.on_demand.evaluation->variant = "on-demand";
  r.notes = {"a note"};
  if (with_run) r.recommended_result = testing_report::SyntheticResult({});
  return r;
}

TEST(SizeReportTest, CostChartHasTitleTextAlternativeAxesAndTheRecommendation) {
  const report::Chart c = SizeCostChart(Sized(true, false));
  ASSERT_FALSE(c.svg.empty());
  EXPECT_EQ(c.name, "size-cost");
  EXPECT_EQ(XmlProblem(c.svg), std::nullopt);
  EXPECT_TRUE(ExternalReferences(c.svg).empty());
  EXPECT_NE(c.svg.find("<title id=\"size-cost-title\">Cost per month against shard count</title>"),
            std::string::npos);
  const size_t desc = c.svg.find("<desc id=\"size-cost-desc\">");
  ASSERT_NE(desc, std::string::npos);
  const std::string alt = c.svg.substr(desc, c.svg.find("</desc>") - desc);
  // The text alternative names every point, the recommendation and the alternatives.
  for (const std::string s : {"2 shards $30.25 misses", "3 shards $45.50 misses",
                              "4 shards (billing parallelization_factor 2 (was 1)) $60.75 meets",
                              "8 shards $120.00 meets", "the recommendation, 4 shards at $60.75",
                              "enhanced fan-out alternative (diamond): 2 shards at $310.50",
                              "On-demand, simulated (flat line): $500.00"}) {
    EXPECT_NE(alt.find(s), std::string::npos) << s << "\n" << alt;
  }
  EXPECT_NE(c.svg.find(">shards</text>"), std::string::npos);
  EXPECT_NE(c.svg.find(">cost per month (USD)</text>"), std::string::npos);
  EXPECT_NE(c.svg.find(">recommended: 4 shards, $60.75/month</text>"), std::string::npos);
  EXPECT_NE(c.svg.find(">fewer shards miss (shared reads)</text>"), std::string::npos);
  // Legend: shared reads, the failing mark, EFO, on-demand.
  for (const std::string s : {"shared reads (the scenario&#39;s consumers)", "misses an objective",
                              "enhanced fan-out alternative", "on-demand (simulated)"}) {
    EXPECT_NE(c.svg.find(">" + s + "</text>"), std::string::npos) << s;
  }
  // Four shared-read circles (plus one in the legend); two failing crosses drawn over them (plus
  // the legend's); the EFO diamond (plus the legend's).
  EXPECT_EQ(Count(c.svg, "<circle "), 5u);
  EXPECT_EQ(Count(c.svg, "fill=\"none\" stroke=\"#D55E00\" stroke-width=\"2.5\"/>"), 3u);
  EXPECT_EQ(Count(c.svg, "Z\" fill="), 2u);
}

TEST(SizeReportTest, WithoutARecommendationTheWholeRangeFailsAndNothingIsMarked) {
  const SizeResult r = Sized(false, false);
  const report::Chart c = SizeCostChart(r);
  EXPECT_EQ(XmlProblem(c.svg), std::nullopt);
  EXPECT_NE(c.svg.find(">no count meets the objectives</text>"), std::string::npos);
  EXPECT_EQ(c.svg.find("recommended:"), std::string::npos);
  const report::Paragraph v = SizeVerdict(r);
  EXPECT_EQ(v.css_class, "verdict fail");
  EXPECT_EQ(report::PlainText(v.text),
            "No shard count from 1 to 8 meets every objective of synthetic <size> in all 3 "
            "replications; at 8 shards: records dropped after their retries.");
}

TEST(SizeReportTest, VerdictNamesShardsSettingsAndMonthlyCost) {
  const report::Paragraph v = SizeVerdict(Sized(true, false));
  EXPECT_EQ(v.css_class, "verdict pass");
  EXPECT_EQ(report::PlainText(v.text),
            "synthetic <size> needs 4 shards with billing parallelization_factor 2 (was 1): the "
            "fewest meeting every objective in all 3 replications, at $60.75 per month.");
}

TEST(SizeReportTest, HtmlIsWellFormedSelfContainedAndCarriesEverySection) {
  for (const bool with_run : {false, true}) {
    const auto files = Files(RenderSizeReport(Sized(true, with_run)));
    const std::string& html = files.at("report.html");
    const std::string& md = files.at("report.md");
    EXPECT_EQ(XmlProblem(html), std::nullopt) << "with_run=" << with_run;
    const std::vector<std::string> external = ExternalReferences(html);
    EXPECT_TRUE(external.empty()) << external.front();
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    size_t charts = 0;
    for (const auto& [path, text] : files) {
      if (path.rfind("report/", 0) != 0) continue;
      ++charts;
      EXPECT_EQ(XmlProblem(text), std::nullopt) << path;
      EXPECT_NE(md.find("](" + path + ")"), std::string::npos) << path << " is not linked";
    }
    EXPECT_EQ(Count(html, "<svg "), charts);
    ASSERT_EQ(files.count("report/size-cost.svg"), 1u);
    EXPECT_EQ(charts > 1, with_run);  // the run's own charts follow when the run is there
    std::vector<std::string> order = {"# Size review: synthetic",
                                      "## Verdict",
                                      "## Cost against shard count",
                                      "## Evaluated configurations",
                                      "First objective missed",
                                      "## Why this count",
                                      "Why not fewer:",
                                      "AWS formula:",
                                      "## Alternatives",
                                      "Enhanced fan-out:",
                                      "On-demand:",
                                      "### Notes",
                                      "## The recommended configuration"};
    if (with_run) {
      for (const char* s : {"### Verdict", "### Findings (3)", "### Charts", "#### Shards"}) {
        order.push_back(s);
      }
    }
    size_t at = 0;
    for (const std::string& s : order) {
      const size_t found = md.find(s, at);
      ASSERT_NE(found, std::string::npos) << s << " missing or out of order";
      at = found;
    }
    EXPECT_NE(md.find("4 (recommended)"), std::string::npos);
    EXPECT_NE(md.find("$60.75 ±0.61"), std::string::npos);
  }
}

TEST(SizeReportTest, IdenticalResultsGiveIdenticalBytes) {
  EXPECT_EQ(Files(RenderSizeReport(Sized(true, true))), Files(RenderSizeReport(Sized(true, true))));
}

}  // namespace
}  // namespace shardsim
