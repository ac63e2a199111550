// Tests for the architecture-review report, the what-if comparison and the series reader: the
// content each section must carry, Markdown escaping, well-formed and self-contained HTML and SVG,
// and the time and size of a 1,000-shard hour. Results are synthetic (report_fixtures.h).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "models/result/run_result.h"
#include "reports/csv_writer.h"
#include "reports/report_charts.h"
#include "reports/report_compare.h"
#include "reports/report_document.h"
#include "reports/report_figures.h"
#include "reports/report_run.h"
#include "reports/result_json.h"
#include "reports/series_reader.h"
#include "reports/summary.h"
#include "tests/reports/report_fixtures.h"
#include "tests/reports/xml_check.h"

namespace shardsim {
namespace {

using testing_report::SyntheticOptions;
using testing_report::SyntheticResult;
using testing_xml::ExternalReferences;
using testing_xml::XmlProblem;

using testing_report::Count;
using testing_report::Files;

bool SameBits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b));
}

// ---------------------------------------------------------------- series reader

TEST(SeriesReaderTest, ReadsBackExactlyWhatTheWriterWrote) {
  SeriesTable t;
  t.name = "consumer-x";
  t.columns = {"time_s", "a", "b"};
  t.rows = {{0, 1e-7, 1234567.890123},
            {0.1, std::numeric_limits<double>::quiet_NaN(), -2.5},
            {1e300, std::numeric_limits<double>::denorm_min(), 4.9406564584124654e-324},
            {2, 1.0 / 3.0, 1000}};
  const std::string csv = SeriesToCsv(t);
  std::string error;
  const std::optional<SeriesTable> back = ParseSeriesCsv(csv, t.name, &error);
  ASSERT_TRUE(back.has_value()) << error;
  EXPECT_EQ(back->columns, t.columns);
  ASSERT_EQ(back->rows.size(), t.rows.size());
  for (size_t i = 0; i < t.rows.size(); ++i) {
    for (size_t k = 0; k < t.columns.size(); ++k) {
      EXPECT_TRUE(SameBits(back->rows[i][k], t.rows[i][k])) << "row " << i << " column " << k;
    }
  }
  EXPECT_EQ(SeriesToCsv(*back), csv);
}

TEST(SeriesReaderTest, ReadsQuotedHeaderFieldsAndCrLfLines) {
  std::string error;
  const auto t =
      ParseSeriesCsv("time_s,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n1,2,,4\r\n", "t", &error);
  ASSERT_TRUE(t.has_value()) << error;
  EXPECT_EQ(t->columns, (std::vector<std::string>{"time_s", "a,b", "say \"hi\"", "two\nlines"}));
  ASSERT_EQ(t->rows.size(), 1u);
  EXPECT_EQ(t->rows[0][1], 2);
  EXPECT_TRUE(std::isnan(t->rows[0][2]));
  EXPECT_EQ(t->rows[0][3], 4);
}

TEST(SeriesReaderTest, NamesTheLineAndColumnOfBadInput) {
  std::string error;
  EXPECT_FALSE(ParseSeriesCsv("time_s,a\n0,1\n1,x\n", "t", &error).has_value());
  EXPECT_EQ(error, "line 3: column 2 (a): expected a number or an empty field, got \"x\"");
  EXPECT_FALSE(ParseSeriesCsv("time_s,a\n0\n", "t", &error).has_value());
  EXPECT_EQ(error, "line 2: 1 fields, the header has 2");
  EXPECT_FALSE(ParseSeriesCsv("", "t", &error).has_value());
  EXPECT_EQ(error, "line 1: expected a header row of column names");
  EXPECT_FALSE(ParseSeriesCsv("\"time_s\n", "t", &error).has_value());
}

TEST(SeriesReaderTest, LoadSeriesFillsTablesByPathAndReportsMissingFiles) {
  RunResult r;
  r.series = {SeriesTable{"shardId-000000000000", {}, {}}, SeriesTable{"consumer-a b", {}, {}}};
  const auto read = [](const std::string& path) -> std::optional<std::string> {
    if (path == "series/shardId-000000000000.csv") return "time_s,records_in\n0,5\n";
    return std::nullopt;
  };
  const std::vector<Diagnostic> errors = LoadSeries(&r, read);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].pointer, "/series_files/1");
  EXPECT_EQ(errors[0].message, "series/consumer-a_b.csv: cannot read the file");
  ASSERT_EQ(r.series[0].rows.size(), 1u);
  EXPECT_EQ(r.series[0].rows[0][1], 5);
}

// ---------------------------------------------------------------- document rendering

TEST(ReportDocumentTest, MarkdownEscapesMarkupButKeepsIdentifiersReadable) {
  report::Document doc;
  doc.blocks.push_back(report::Paragraph{
      {report::Plain("maximum_record_age *x* [y] ~70ms _z <i> a|b 38. &amp;")}, ""});
  doc.blocks.push_back(report::Paragraph{{report::Plain("38. starts like a list")}, ""});
  report::Table t;
  t.columns = {{"a|b", false}, {"n", true}};
  t.rows = {{{report::Plain("x|y")}, {report::Code("p|q")}}};
  doc.blocks.push_back(t);
  const std::string md = report::ToMarkdown(doc);
  EXPECT_NE(md.find("maximum_record_age \\*x\\* \\[y\\] \\~70ms \\_z \\<i> a|b 38. \\&amp;"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("38\\. starts like a list"), std::string::npos) << md;
  EXPECT_NE(md.find("| a\\|b | n |\n| --- | ---: |\n| x\\|y | `p\\|q` |"), std::string::npos) << md;
}

TEST(ReportDocumentTest, StrongTextKeepsItsSpacesOutsideTheDelimiters) {
  report::Document doc;
  doc.blocks.push_back(report::Paragraph{
      {report::Strong("Fix: "), report::Plain("split"), report::Strong(" x")}, ""});
  EXPECT_EQ(report::ToMarkdown(doc), "**Fix:** split **x**\n");
}

TEST(ReportDocumentTest, HtmlEscapesTextAndIsWellFormed) {
  report::Document doc;
  doc.title = "a <b> & \"c\"";
  doc.blocks.push_back(report::Heading{1, doc.title, "top"});
  doc.blocks.push_back(report::Paragraph{{report::Plain("x < y & z > w")}, "note"});
  doc.blocks.push_back(report::BulletList{{{report::Code("<code>")}}});
  const std::string html = report::ToHtml(doc);
  EXPECT_EQ(XmlProblem(html), std::nullopt);
  EXPECT_NE(html.find("<h1 id=\"top\">a &lt;b&gt; &amp; &quot;c&quot;</h1>"), std::string::npos);
  EXPECT_NE(html.find("<p class=\"note\">x &lt; y &amp; z &gt; w</p>"), std::string::npos);
  EXPECT_TRUE(ExternalReferences(html).empty());
}

// ---------------------------------------------------------------- the run report

TEST(RunReportTest, HtmlIsOneWellFormedSelfContainedFile) {
  for (const bool full : {false, true}) {
    SyntheticOptions o;
    o.priced = full;
    o.provenance = full;
    o.failing = full;
    const auto files = Files(RenderRunReport(SyntheticResult(o)));
    const std::string& html = files.at("report.html");
    EXPECT_EQ(XmlProblem(html), std::nullopt) << "full=" << full;
    const std::vector<std::string> external = ExternalReferences(html);
    EXPECT_TRUE(external.empty()) << external.front();
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(html.find("<style>"), std::string::npos);
    EXPECT_NE(html.find("@media print"), std::string::npos);
    // Every chart is inline: as many <svg> as chart files.
    size_t charts = 0;
    for (const auto& [path, text] : files) charts += path.rfind("report/", 0) == 0;
    EXPECT_EQ(Count(html, "<svg "), charts);
  }
}

TEST(RunReportTest, ChartFilesAreWellFormedSvgLinkedFromTheMarkdown) {
  SyntheticOptions o;
  o.priced = true;
  const auto files = Files(RenderRunReport(SyntheticResult(o)));
  const std::string& md = files.at("report.md");
  std::vector<std::string> charts;
  for (const auto& [path, text] : files) {
    if (path.rfind("report/", 0) != 0) continue;
    charts.push_back(path);
    EXPECT_EQ(XmlProblem(text), std::nullopt) << path;
    EXPECT_EQ(text.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u) << path;
    EXPECT_NE(text.find("<title id="), std::string::npos) << path;
    EXPECT_NE(text.find("<desc id="), std::string::npos) << path;
    EXPECT_NE(md.find("](" + path + ")"), std::string::npos) << path << " is not linked";
  }
  // Heat map, latency CDF, iterator age, write throttles, key shares of the hot shard, cost.
  EXPECT_EQ(charts,
            (std::vector<std::string>{"report/cost.svg", "report/iterator-age.svg",
                                      "report/keys-0.svg", "report/latency-cdf.svg",
                                      "report/utilisation.svg", "report/write-throttles.svg"}));
}

TEST(RunReportTest, SectionsComeInTheReviewOrder) {
  const std::string md = Files(RenderRunReport(SyntheticResult({}))).at("report.md");
  const std::vector<std::string> order = {
      "## Verdict",    "## Findings (3)", "## Charts", "## Tables",      "### Shards",
      "### Producers", "### Consumers",   "### Cost",  "## Assumptions", "### Reproducibility"};
  size_t at = 0;
  for (const std::string& h : order) {
    const size_t next = md.find("\n" + h + "\n", at);
    ASSERT_NE(next, std::string::npos) << h << " missing or out of order";
    at = next + 1;
  }
}

TEST(RunReportTest, VerdictSaysWhetherTheObjectivesAreMet) {
  SyntheticOptions o;
  const std::string failing = Files(RenderRunReport(SyntheticResult(o))).at("report.md");
  EXPECT_NE(failing.find("**synthetic does not meet its objectives**: 1 objective missed (p99 "
                         "latency of enricher), with 4 provisioned shards, 1 producer (orders, "
                         "PutRecords) and consumers enricher (Lambda, batches of 99 records on "
                         "average, 512 MB) and dashboard (enhanced fan-out); cost not priced."),
            std::string::npos)
      << failing;
  o.failing = false;
  o.priced = true;
  const std::string passing = Files(RenderRunReport(SyntheticResult(o))).at("report.md");
  EXPECT_NE(passing.find("**synthetic meets its objectives**: no objective is missed and no "
                         "finding is critical, with 4 provisioned shards"),
            std::string::npos)
      << passing;
  EXPECT_NE(passing.find("; cost $73.88 per month at 2025-01-01 prices (us-east-1)."),
            std::string::npos);
}

TEST(RunReportTest, FindingsComeMostSevereFirstWithEvidenceFixAndSplitKey) {
  const std::string md = Files(RenderRunReport(SyntheticResult({}))).at("report.md");
  const size_t critical = md.find("**CRITICAL** **slo_violated** on `enricher`");
  const size_t warning = md.find("**WARNING** **hot_shard** on `shardId-000000000000`");
  const size_t info = md.find("**INFO** **over_provisioned** on `stream`");
  ASSERT_NE(critical, std::string::npos) << md;
  ASSERT_NE(warning, std::string::npos);
  ASSERT_NE(info, std::string::npos);
  EXPECT_LT(critical, warning);
  EXPECT_LT(warning, info);
  EXPECT_NE(md.find("**Evidence:** peaks at 110% of its records limit"), std::string::npos);
  EXPECT_NE(md.find("**Fix:** Split it."), std::string::npos);
  EXPECT_NE(md.find("NewStartingHashKey `170141183460469231731687303715884105728` (at 50.000% of "
                    "the hash key space)"),
            std::string::npos);
  EXPECT_NE(md.find("`aws kinesis split-shard --stream-name STREAM --shard-to-split "
                    "shardId-000000000000 --new-starting-hash-key "
                    "170141183460469231731687303715884105728`"),
            std::string::npos);
  // Where and when, from the series: the shard's throttled windows, the consumer's age peak.
  EXPECT_NE(md.find("throttled in 9 windows between 0s and 56s"), std::string::npos) << md;
  EXPECT_NE(
      md.find("enricher's iterator age is highest at 59s (8.85s in the per-window series, warm-up "
              "included)"),
      std::string::npos);
  EXPECT_NE(md.find("**Figures:** objective p99 latency 5.00s; p99 latency 9.90s."),
            std::string::npos);
}

TEST(RunReportTest, SaysNotPricedUnlessTheResultCarriesACost) {
  const std::string bare = Files(RenderRunReport(SyntheticResult({}))).at("report.md");
  EXPECT_NE(bare.find("**Not priced:** this result carries no cost"), std::string::npos);
  EXPECT_NE(bare.find("**Prices:** not priced."), std::string::npos);
  SyntheticOptions o;
  o.priced = true;
  const auto files = Files(RenderRunReport(SyntheticResult(o)));
  const std::string& md = files.at("report.md");
  EXPECT_EQ(md.find("Not priced"), std::string::npos);
  EXPECT_NE(md.find("| `kds_shard_hour` | - | 0.0666667 shard-hour | $0.015 | \\<$0.01 | $43.80 | "
                    "price file |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| `lambda_gb_second_arm` | enricher | 5 GB-second | $0.00001333 |"),
            std::string::npos);
  EXPECT_NE(md.find("| **total** |  |  |  | **\\<$0.01** | **$73.88** |  |"), std::string::npos);
  EXPECT_NE(md.find("**Prices:** scenarios/prices/aws-us-east-1.json, region us-east-1, USD, "
                    "dated 2025-01-01."),
            std::string::npos);
  EXPECT_NE(files.at("report/cost.svg").find("$43.80"), std::string::npos);
}

TEST(RunReportTest, AssumptionsCallOutTheUnconfirmedAndProvenanceWhenPresent) {
  SyntheticOptions o;
  o.provenance = true;
  const std::string md = Files(RenderRunReport(SyntheticResult(o))).at("report.md");
  EXPECT_NE(md.find("The run used 3 limits and defaults, each with its source below. **1 are "
                    "UNCONFIRMED**"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| **UNCONFIRMED** | call latency | lognormal median 20ms |"),
            std::string::npos);
  EXPECT_NE(md.find("| sourced | retention | 24h | fact sheet 4 |"), std::string::npos);
  EXPECT_NE(md.find("- Command line: `shardsim run scenarios/x.json --out out --report`"),
            std::string::npos);
  EXPECT_NE(md.find("- Scenario SHA-256: `9f86d081"), std::string::npos);
  EXPECT_NE(md.find("- shardsim version 0.1.0."), std::string::npos);
  const std::string bare = Files(RenderRunReport(SyntheticResult({}))).at("report.md");
  EXPECT_NE(bare.find("Provenance (shardsim version, command line, scenario digest) is not "
                      "recorded in this result."),
            std::string::npos);
}

TEST(RunReportTest, EveryChartHasACaptionAndATextAlternative) {
  const auto files = Files(RenderRunReport(SyntheticResult({})));
  const std::string& md = files.at("report.md");
  const std::string& html = files.at("report.html");
  for (const auto& [path, svg] : files) {
    if (path.rfind("report/", 0) != 0) continue;
    const size_t link = md.find("](" + path + ")\n\n*");
    EXPECT_NE(link, std::string::npos) << path << ": no caption under the image";
    const size_t desc = svg.find("<desc id=");
    const size_t desc_end = svg.find("</desc>");
    ASSERT_NE(desc, std::string::npos);
    EXPECT_GT(desc_end - desc, 60u) << path << ": the text alternative says too little";
  }
  EXPECT_EQ(Count(html, "<figcaption>"), Count(html, "<figure "));
}

TEST(RunReportTest, IdenticalResultsGiveIdenticalBytes) {
  SyntheticOptions o;
  o.priced = true;
  o.provenance = true;
  const std::vector<ReportFile> a = RenderRunReport(SyntheticResult(o));
  const std::vector<ReportFile> b = RenderRunReport(SyntheticResult(o));
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].path, b[i].path);
    EXPECT_TRUE(a[i].contents == b[i].contents) << a[i].path;
  }
}

TEST(RunReportTest, RendersTheSameFromTheFilesOfTheResultDirectory) {
  SyntheticOptions o;
  o.priced = true;
  const RunResult r = SyntheticResult(o);
  std::map<std::string, std::string> dir = {{"result.json", ResultJsonText(r)}};
  for (const SeriesTable& t : r.series) dir[SeriesPath(t)] = SeriesToCsv(t);
  std::vector<Diagnostic> errors;
  const auto from_files = RenderRunReportFromFiles(
      [&](const std::string& p) -> std::optional<std::string> {
        const auto it = dir.find(p);
        if (it == dir.end()) return std::nullopt;
        return it->second;
      },
      &errors);
  ASSERT_TRUE(from_files.has_value()) << errors.front().message;
  const std::vector<ReportFile> direct = RenderRunReport(r);
  ASSERT_EQ(from_files->size(), direct.size());
  for (size_t i = 0; i < direct.size(); ++i) {
    EXPECT_TRUE((*from_files)[i].contents == direct[i].contents) << direct[i].path;
  }
  dir.erase("series/consumer-enricher.csv");
  errors.clear();
  EXPECT_FALSE(RenderRunReportFromFiles(
                   [&](const std::string& p) -> std::optional<std::string> {
                     const auto it = dir.find(p);
                     if (it == dir.end()) return std::nullopt;
                     return it->second;
                   },
                   &errors)
                   .has_value());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "series/consumer-enricher.csv: cannot read the file");
}

TEST(RunReportTest, AThousandShardHourRendersQuicklyAndStaysSmall) {
  SyntheticOptions o;
  o.shards = 1000;
  o.windows = 3600;
  o.priced = true;
  const RunResult r = SyntheticResult(o);
  // Process CPU time, not wall time: a loaded CI machine stretches the wall clock, not the work.
  const std::clock_t start = std::clock();
  const auto files = Files(RenderRunReport(r));
  const double seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
  std::cout << "1,000 shards x 3,600 windows rendered in " << seconds << " s CPU\n";
  EXPECT_LT(seconds, 30.0);  // ~0.3 s in Release; generous for sanitizer builds
  const std::string& heat = files.at("report/utilisation.svg");
  EXPECT_LT(heat.size(), 1'500'000u);  // 64 rows x 240 columns of cells at most
  EXPECT_NE(heat.find("shards 0..15"), std::string::npos);
  EXPECT_LT(files.at("report.html").size(), 4'000'000u);
  const std::string& md = files.at("report.md");
  EXPECT_NE(md.find("The 20 hottest of 1,000 shards by peak utilisation"), std::string::npos);
  EXPECT_EQ(Count(md, "| `shardId-"), 20u);
  EXPECT_EQ(XmlProblem(files.at("report.html")), std::nullopt);
}

// ---------------------------------------------------------------- derived figures

TEST(ReportFiguresTest, MoneyAndPricesReadAsDollars) {
  EXPECT_EQ(Usd(1234.567), "$1,234.57");
  EXPECT_EQ(Usd(0), "$0.00");
  EXPECT_EQ(Usd(0.004), "<$0.01");
  EXPECT_EQ(Usd(-3.1), "-$3.10");
  EXPECT_EQ(report::UnitPriceUsd(0.015), "$0.015");
  EXPECT_EQ(report::UnitPriceUsd(0.0000166667), "$0.00001667");
  EXPECT_EQ(report::UnitPriceUsd(2e-7), "$0.0000002");
  EXPECT_EQ(report::UnitPriceUsd(12.5), "$12.50");
}

TEST(ReportFiguresTest, HashKeysCompareAsNumbers) {
  EXPECT_TRUE(report::HashKeyLess("9", "10"));
  EXPECT_FALSE(report::HashKeyLess("10", "9"));
  EXPECT_TRUE(report::HashKeyLess("12", "13"));
  EXPECT_DOUBLE_EQ(report::HashKeyFraction("170141183460469231731687303715884105728"), 0.5);
}

TEST(ReportFiguresTest, FindingFiguresReadInTheirUnits) {
  EXPECT_EQ(report::FigureText({"iterator_age_max_ms", 51319.3}), "iterator age max 51.3s");
  EXPECT_EQ(report::FigureText({"throttled_fraction", 0.00010549}), "throttled fraction 0.011%");
  EXPECT_EQ(report::FigureText({"throttled_by_bytes_limit", 0}), "throttled by bytes limit 0");
  EXPECT_EQ(report::FigureText({"peak_demand_bytes_per_s", 580608}), "peak demand bytes 567KiB/s");
  EXPECT_EQ(report::FigureText({"shard_arrivals_per_s", 751.64}), "shard arrivals 751.6/s");
  EXPECT_EQ(report::FigureText({"iterator_age_growth", 0.4108}), "iterator age growth 0.411");
  EXPECT_EQ(report::FigureText({"shards_needed", 13}), "shards needed 13");
  EXPECT_EQ(report::FigureText({"object_bytes_mean", 88483.1}), "object bytes mean 86.4KiB");
  EXPECT_EQ(report::FigureText({"read_throttles_by_bytes", 122}), "read throttles by bytes 122");
  EXPECT_EQ(report::Duration(1749), "1.75s");
  EXPECT_EQ(report::Duration(753), "753ms");
  EXPECT_EQ(report::Duration(1175000), "19.6min");
  EXPECT_EQ(report::Duration(21372000), "5.94h");
}

// ---------------------------------------------------------------- comparison

TEST(CompareTest, ShowsHeadlineChangesAndFindingsThatAppearOrDisappear) {
  SyntheticOptions o;
  const RunResult a = SyntheticResult(o);
  RunResult b = SyntheticResult(o);
  b.scenario = "synthetic-pf2";
  b.open_shards = 6;
  b.consumers[0].latency.p99_ms = 1500;
  b.findings.erase(b.findings.begin() + 2);  // the slo_violated finding is gone
  Finding read;
  read.kind = FindingKind::kReadThrottling;
  read.severity = Severity::kWarning;
  read.subject = "dashboard";
  read.evidence = "1% of calls";
  b.findings.push_back(read);
  const ComparedRun ca{&a, "A", "out/a"}, cb{&b, "B", "out/b"};
  const std::string text = CompareText(ca, cb);
  EXPECT_NE(text.find("  A: out/a -- synthetic, 4 open shards (PROVISIONED), seed 7, 1min "
                      "simulated\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  p99 latency, enricher                     9.90s   1.50s  -8.40s (-84.8%)  "
                      "better\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("  open shards                                   4       6      +2 (+50.0%)\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("  only in B (new):\n    warning read_throttling on dashboard\n"),
            std::string::npos);
  EXPECT_NE(text.find("  only in A (gone):\n    critical slo_violated on enricher (p99 latency)\n"),
            std::string::npos);
  EXPECT_NE(text.find("  in both:\n    hot_shard on shardId-000000000000: warning\n"
                      "    over_provisioned on stream: info\n"),
            std::string::npos);
  EXPECT_NE(text.find("Cost per month\n  not priced (neither result carries a cost)\n"),
            std::string::npos);

  const std::vector<ReportFile> files = RenderComparison(ca, cb);
  ASSERT_GE(files.size(), 3u);
  EXPECT_EQ(files[0].path, "compare.md");
  EXPECT_EQ(files[1].path, "compare.html");
  EXPECT_EQ(XmlProblem(files[1].contents), std::nullopt);
  EXPECT_TRUE(ExternalReferences(files[1].contents).empty());
  std::vector<std::string> charts;
  for (size_t i = 2; i < files.size(); ++i) {
    charts.push_back(files[i].path);
    EXPECT_EQ(XmlProblem(files[i].contents), std::nullopt) << files[i].path;
    EXPECT_NE(files[0].contents.find("](" + files[i].path + ")"), std::string::npos);
  }
  EXPECT_EQ(charts, (std::vector<std::string>{
                        "compare/write-throttles.svg", "compare/latency-enricher.svg",
                        "compare/latency-dashboard.svg", "compare/iterator-age-enricher.svg",
                        "compare/iterator-age-dashboard.svg"}));
  // Legends name the scenarios when they differ.
  EXPECT_NE(files[2].contents.find("A: synthetic"), std::string::npos);
  EXPECT_NE(files[2].contents.find("B: synthetic-pf2"), std::string::npos);
}

TEST(CompareTest, CostByDimensionWithTheDifference) {
  SyntheticOptions o;
  o.priced = true;
  const RunResult a = SyntheticResult(o);
  RunResult b = SyntheticResult(o);
  b.cost->items[0].per_month_usd = 65.7;  // six shards
  b.cost->total_per_month_usd = 95.776;
  RunResult unpriced = SyntheticResult({});
  const std::string text = CompareText({&a, "A", "a"}, {&b, "B", "b"});
  EXPECT_NE(text.find("  kds_shard_hour        $43.80  $65.70  +$21.90 (+50.0%)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  lambda_request         $0.88   $0.88         no change\n"),
            std::string::npos);
  EXPECT_NE(text.find("  total                 $73.88  $95.78  +$21.90 (+29.6%)\n"),
            std::string::npos);
  const std::string half = CompareText({&a, "A", "a"}, {&unpriced, "B", "b"});
  EXPECT_NE(half.find("  total                 $73.88  not priced       -\n"), std::string::npos)
      << half;
  const std::string md = RenderComparison({&a, "A", "a"}, {&b, "B", "b"})[0].contents;
  EXPECT_NE(md.find("| `kds_shard_hour` | $43.80 | $65.70 | +$21.90 (+50.0%) |"), std::string::npos)
      << md;
}

// The open-shard chart: drawn from the series stream-open-shards for a run whose shards change,
// left out of a run without it.
TEST(ReportChartsTest, OpenShardsChartFollowsTheSeriesAndIsLeftOutWithoutIt) {
  RunResult r = testing_report::SyntheticResult({});
  EXPECT_TRUE(report::OpenShardsChart(r).svg.empty());
  r.duration_s = 180;
  r.open_shards = 8;
  r.min_open_shards = 4;
  r.max_open_shards = 8;
  OperationResult split;
  split.op = "split";
  split.cause = "on_demand";
  split.splits = 1;
  r.operations = {split, split, split, split};
  SeriesTable t;
  t.name = "stream-open-shards";
  t.columns = {"time_s", "open_shards", "max_open_shards"};
  t.rows = {{0, 4, 4}, {60, 4, 8}, {120, 8, 8}};
  r.series.push_back(t);
  const report::Chart c = report::OpenShardsChart(r);
  ASSERT_FALSE(c.svg.empty());
  EXPECT_EQ(c.name, "open-shards");
  EXPECT_EQ(XmlProblem(c.svg), std::nullopt);
  EXPECT_NE(c.svg.find("4 to 8 open shards over the run, 8 at the end; 4 splits and 0 merges (4 "
                       "operations by on-demand scaling)"),
            std::string::npos)
      << c.svg;
}

// ---------------------------------------------------------------- stream operations

// A run with a scenario split, two on-demand splits decided together, a refused mode switch and a
// completed one.
RunResult WithOperations() {
  SyntheticOptions o;
  RunResult r = SyntheticResult(o);
  OperationResult split;
  split.index = 0;
  split.op = "split";
  split.status = "completed";
  split.cause = "scenario";
  split.requested_at_s = 120;
  split.started_at_s = 120;
  split.completed_at_s = 150;
  split.shard = "shardId-000000000007";
  split.open_shards_before = 8;
  split.open_shards_after = 9;
  split.throttled_before_completed = 1000;
  split.throttled_after_completed = 24;
  split.iterator_age_max_ms = 1500;
  OperationResult service = split;
  service.index = -1;
  service.cause = "on_demand";
  service.requested_at_s = 180;
  service.completed_at_s = 1080;
  service.shard = "shardId-000000000001";
  service.open_shards_before = 9;
  service.open_shards_after = 10;
  OperationResult second = service;
  second.shard = "shardId-000000000002";
  second.open_shards_before = 10;
  second.open_shards_after = 11;
  OperationResult refused;
  refused.index = 1;
  refused.op = "update_stream_mode";
  refused.mode = "provisioned";
  refused.status = "refused";
  refused.cause = "scenario";
  refused.requested_at_s = 3600;
  refused.error = "InvalidArgumentException: Stream s is already in PROVISIONED mode.";
  r.operations = {split, service, second, refused};
  ModePeriod first;
  first.mode = "provisioned";
  first.to_s = 60;
  ModePeriod then;
  then.mode = "on_demand";
  then.from_s = 60;
  then.to_s = r.duration_s;
  r.mode_periods = {first, then};
  return r;
}

TEST(OperationsTableTest, OneRowPerCallWithTheServicesSplitsOfOneMinuteFolded) {
  size_t more = 0;
  const std::vector<report::OperationRow> rows = report::OperationRows(WithOperations(), 10, &more);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(more, 0u);
  EXPECT_EQ(rows[0].at, "2min");
  EXPECT_EQ(rows[0].operation, "split 7");
  EXPECT_EQ(rows[0].cause, "scenario");
  EXPECT_EQ(rows[0].outcome, "completed 150s");
  EXPECT_EQ(rows[0].shards, "8 -> 9");
  EXPECT_EQ(rows[0].throttled, "1,024");
  EXPECT_EQ(rows[0].age, "1.50s");
  EXPECT_EQ(rows[1].operation, "split x2");
  EXPECT_EQ(rows[1].cause, "on-demand");
  EXPECT_EQ(rows[1].shards, "9 -> 11");
  EXPECT_EQ(rows[2].operation, "update_stream_mode provisioned");
  EXPECT_EQ(rows[2].outcome, "refused: InvalidArgumentException");
  EXPECT_EQ(rows[2].shards, "-");
  EXPECT_EQ(rows[2].age, "-");
  // Capped: the rest counted.
  EXPECT_EQ(report::OperationRows(WithOperations(), 1, &more).size(), 1u);
  EXPECT_EQ(more, 2u);
}

TEST(OperationsTableTest, SummaryAndReportsShowTheTableAndTheModesOnlyWhenThereAreAny) {
  const RunResult with = WithOperations();
  const std::string summary = SummaryText(with);
  EXPECT_NE(summary.find("Stream operations"), std::string::npos);
  EXPECT_NE(summary.find("split x2"), std::string::npos);
  // Wrapped, never cut: the whole timeline is there.
  EXPECT_NE(summary.find("Capacity mode: provisioned until 1min, then on-demand (switched at "
                         "1min); refused switch to\nprovisioned at 1h"),
            std::string::npos)
      << summary;
  const auto files = Files(RenderRunReport(with));
  for (const char* name : {"report.md", "report.html"}) {
    const std::string& text = files.at(name);
    EXPECT_NE(text.find("Stream operations"), std::string::npos) << name;
    EXPECT_NE(text.find("update_stream_mode provisioned"), std::string::npos) << name;
    EXPECT_NE(text.find("provisioned until 1min, then on-demand"), std::string::npos) << name;
  }
  EXPECT_EQ(XmlProblem(files.at("report.html")), std::nullopt);

  const RunResult without = SyntheticResult(SyntheticOptions{});
  EXPECT_EQ(SummaryText(without).find("Stream operations"), std::string::npos);
  EXPECT_EQ(SummaryText(without).find("Capacity mode"), std::string::npos);
  EXPECT_EQ(Files(RenderRunReport(without)).at("report.md").find("Stream operations"),
            std::string::npos);
}

}  // namespace
}  // namespace shardsim
