// Golden architecture-review reports: report.md and the report/*.svg charts of two example runs,
// rendered as `shardsim run --out DIR --report` renders them (from the result.json and series CSV
// texts), compared byte for byte with tests/golden/report/<scenario>/. A change to a model's
// numbers, a finding's text or the report's layout shows up here as a reviewable diff. Regenerate
// after an intended change with
//   SHARDSIM_UPDATE_GOLDEN=1 build/tests/report_golden_tests
// and review the diff of tests/golden/report/.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "models/spec/loader/scenario_loader.h"
#include "planner/session.h"
#include "reports/csv_writer.h"
#include "reports/report_run.h"
#include "reports/result_json.h"
#include "tests/models/run/example_scenarios.h"
#include "tests/reports/xml_check.h"

namespace shardsim {
namespace {

namespace fs = std::filesystem;

struct GoldenRun {
  std::string scenario;
  std::optional<int64_t> seconds;  // nullopt: the scenario's own duration
};

std::string GoldenDir(const std::string& scenario) {
  return kSourceDir + "/tests/golden/report/" + scenario;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string FirstDifference(const std::string& expected, const std::string& actual) {
  std::istringstream e(expected), a(actual);
  std::string el, al;
  for (int line = 1;; ++line) {
    const bool he = static_cast<bool>(std::getline(e, el));
    const bool ha = static_cast<bool>(std::getline(a, al));
    if (!he && !ha) return "only in trailing bytes";
    if (!he) el = "<end of file>";
    if (!ha) al = "<end of file>";
    if (el != al || !he || !ha) {
      return "line " + std::to_string(line) + "\n  golden: " + el.substr(0, 300) +
             "\n  actual: " + al.substr(0, 300);
    }
  }
}

// The report files of one run, rendered from the texts `run --out` writes.
std::vector<ReportFile> Render(const GoldenRun& run) {
  const LoadResult loaded = LoadScenarioFile(kSourceDir + "/scenarios/" + run.scenario + ".json");
  EXPECT_TRUE(Runnable(loaded)) << run.scenario;
  if (!Runnable(loaded)) return {};
  RunOptions options;
  if (run.seconds) options.duration = Seconds(*run.seconds);
  const RunOutcome out = RunScenario(*loaded.scenario, options);
  EXPECT_TRUE(out.result.has_value());
  if (!out.result) return {};
  std::map<std::string, std::string> dir = {{"result.json", ResultJsonText(*out.result)}};
  for (const SeriesTable& t : out.result->series) dir[SeriesPath(t)] = SeriesToCsv(t);
  std::vector<Diagnostic> errors;
  std::optional<std::vector<ReportFile>> files = RenderRunReportFromFiles(
      [&](const std::string& p) -> std::optional<std::string> {
        const auto it = dir.find(p);
        if (it == dir.end()) return std::nullopt;
        return it->second;
      },
      &errors);
  EXPECT_TRUE(files.has_value()) << (errors.empty() ? "" : errors.front().message);
  return files ? std::move(*files) : std::vector<ReportFile>{};
}

std::string RowName(const testing::TestParamInfo<GoldenRun>& row) {
  std::string name = row.param.scenario;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

class ReportGoldenTest : public testing::TestWithParam<GoldenRun> {};

TEST_P(ReportGoldenTest, MarkdownAndChartsMatchTheGoldenFilesByteForByte) {
  const GoldenRun& run = GetParam();
  const std::vector<ReportFile> files = Render(run);
  ASSERT_GE(files.size(), 2u);
  const std::string dir = GoldenDir(run.scenario);
  std::vector<std::string> expected_charts, actual_charts;
  if (fs::is_directory(dir + "/report")) {
    for (const auto& e : fs::directory_iterator(dir + "/report")) {
      expected_charts.push_back("report/" + e.path().filename().string());
    }
  }
  for (const ReportFile& f : files) {
    if (f.path.rfind("report/", 0) == 0) actual_charts.push_back(f.path);
  }
  std::sort(expected_charts.begin(), expected_charts.end());
  std::sort(actual_charts.begin(), actual_charts.end());
  if (std::getenv("SHARDSIM_UPDATE_GOLDEN") != nullptr) {
    fs::remove_all(dir);
    fs::create_directories(dir + "/report");
    for (const ReportFile& f : files) {
      if (f.path == "report.html") continue;  // checked below, not stored: it repeats the rest
      std::ofstream(dir + "/" + f.path, std::ios::binary) << f.contents;
    }
    return;
  }
  EXPECT_EQ(actual_charts, expected_charts)
      << run.scenario << ": the set of charts differs from " << dir << "/report/";
  for (const ReportFile& f : files) {
    if (f.path == "report.html") {
      EXPECT_EQ(testing_xml::XmlProblem(f.contents), std::nullopt);
      EXPECT_TRUE(testing_xml::ExternalReferences(f.contents).empty());
      continue;
    }
    const std::string golden = ReadFile(dir + "/" + f.path);
    ASSERT_FALSE(golden.empty()) << dir << "/" << f.path << " is missing: regenerate it";
    EXPECT_TRUE(f.contents == golden)
        << run.scenario << ": " << f.path << " differs from its golden file at "
        << FirstDifference(golden, f.contents)
        << "\nIf intended, regenerate with SHARDSIM_UPDATE_GOLDEN=1.";
  }
}

// A write-path run with a hot shard and its split point (full duration: the finding needs it),
// and a Lambda + Firehose pipeline at a short duration (past its 30 s warm-up).
INSTANTIATE_TEST_SUITE_P(Examples, ReportGoldenTest,
                         testing::Values(GoldenRun{"write-skew-split", std::nullopt},
                                         GoldenRun{"car-telemetry", 60}),
                         RowName);

}  // namespace
}  // namespace shardsim
