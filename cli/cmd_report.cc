// `report` and `compare`: read result directories (result.json and series/*.csv), render, write.
// Output directories are written all or nothing through OutputDir; since a commit removes the files
// the directory's previous manifest listed and it does not write, the files of the run that are
// not being rendered again (result.json, series, summary) are written back unchanged.
#include "cli/cmd_report.h"

#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "models/spec/diagnostic.h"
#include "reports/report_compare.h"
#include "reports/report_run.h"
#include "reports/result_json_reader.h"
#include "reports/series_reader.h"

namespace po = boost::program_options;

namespace shardsim::cli {
namespace {

std::optional<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(text).str();
}

// A relative "a/b/c" path OutputDir accepts: no empty, "." or ".." component, no leading '/'.
bool SafeRelativePath(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.back() == '/') return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

// Reads DIR's result.json and series; prints problems and returns nullopt on any.
std::optional<RunResult> ReadResultDir(const std::string& dir) {
  const std::string path = dir + "/result.json";
  ResultRead read = ReadResultFile(path);
  if (!read.ok()) {
    for (const Diagnostic& d : read.errors) std::cerr << FormatDiagnostic(path, d) << "\n";
    return std::nullopt;
  }
  RunResult result = std::move(*read.result);
  const std::vector<Diagnostic> errors = ReadSeriesFiles(dir, &result);
  for (const Diagnostic& d : errors) std::cerr << FormatDiagnostic(path, d) << "\n";
  if (!errors.empty()) return std::nullopt;
  return result;
}

// Adds to `out` the files DIR's manifest lists and the files `also` names that `out` does not
// write itself and `regenerated` does not claim, with their current bytes, so that committing
// `out` into DIR keeps them.
template <class Regenerated>
void KeepExistingFiles(const std::string& dir, const std::vector<std::string>& also,
                       Regenerated regenerated, OutputDir* out) {
  std::vector<std::string> paths;
  if (const std::optional<std::string> manifest = ReadText(dir + "/" + OutputDir::kManifestName)) {
    std::istringstream lines(*manifest);
    for (std::string line; std::getline(lines, line);) paths.push_back(line);
  }
  paths.insert(paths.end(), also.begin(), also.end());
  std::set<std::string> seen;
  for (const std::string& p : paths) {
    if (!SafeRelativePath(p) || p == OutputDir::kManifestName || regenerated(p) ||
        out->files().count(p) > 0 || !seen.insert(p).second) {
      continue;
    }
    if (std::optional<std::string> text = ReadText(dir + "/" + p)) out->Add(p, std::move(*text));
  }
}

bool IsReportFile(const std::string& p) {
  return p == "report.md" || p == "report.html" || p.rfind("report/", 0) == 0;
}

bool IsCompareFile(const std::string& p) {
  return p == "compare.md" || p == "compare.html" || p.rfind("compare/", 0) == 0;
}

}  // namespace

bool AddRunReport(OutputDir* out, std::string* error) {
  const auto& files = out->files();
  std::vector<Diagnostic> errors;
  std::optional<std::vector<ReportFile>> report = RenderRunReportFromFiles(
      [&files](const std::string& path) -> std::optional<std::string> {
        const auto it = files.find(path);
        if (it == files.end()) return std::nullopt;
        return it->second;
      },
      &errors);
  if (!report) {
    *error = "cannot render the report: " + (errors.empty()
                                                 ? std::string("unknown problem")
                                                 : FormatDiagnostic("result.json", errors.front()));
    return false;
  }
  for (ReportFile& f : *report) out->Add(f.path, std::move(f.contents));
  return true;
}

int CmdReport(const std::vector<std::string>& args) {
  const std::string usage =
      "Usage: shardsim report DIR\n"
      "Renders the architecture-review report of the run in DIR (written by `shardsim run --out\n"
      "DIR`) from DIR/result.json and DIR/series/*.csv, without simulating: DIR/report.md (charts\n"
      "in DIR/report/*.svg) and DIR/report.html (one self-contained file). The bytes equal those\n"
      "`run --out DIR --report` wrote. Exit 0 ok, 1 the files cannot be written, 2 bad input.";
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")("dir", po::value<std::string>()->required(),
                                                    "result directory");
  po::positional_options_description pos;
  pos.add("dir", 1);
  po::variables_map vm;
  if (int rc = ParseArgs(args, usage, options, pos, &vm); rc >= 0) return rc;
  const std::string dir = vm["dir"].as<std::string>();
  if (std::filesystem::exists(dir + "/size.json")) {
    // Its report.html is the size review, which needs the size result (not read back yet):
    // rendering the recommended run's review over it would lose it.
    std::cerr << "shardsim: " << dir
              << " holds a size result (size.json): its review is written by `shardsim size ... "
                 "--out DIR --report`; `report DIR` renders run results only\n";
    return kExitUsage;
  }
  // The files the report is rendered from are written back unchanged (see KeepExistingFiles).
  std::vector<std::string> inputs;
  std::vector<Diagnostic> errors;
  std::optional<std::vector<ReportFile>> files = RenderRunReportFromFiles(
      [&](const std::string& path) -> std::optional<std::string> {
        std::optional<std::string> text = ReadText(dir + "/" + path);
        if (text) inputs.push_back(path);
        return text;
      },
      &errors);
  if (!files) {
    for (const Diagnostic& d : errors)
      std::cerr << FormatDiagnostic(dir + "/result.json", d) << "\n";
    return kExitUsage;
  }
  OutputDir out;
  const size_t charts = files->size() - 2;
  for (ReportFile& f : *files) out.Add(f.path, std::move(f.contents));
  KeepExistingFiles(dir, inputs, IsReportFile, &out);
  std::string error;
  if (!out.Commit(dir, &error)) {
    std::cerr << "shardsim: " << error << "\n";
    return kExitRuntime;
  }
  std::cout << "wrote " << dir << "/report.md, " << dir << "/report.html and " << charts
            << (charts == 1 ? " chart" : " charts") << " in " << dir << "/report/\n";
  return kExitOk;
}

int CmdCompare(const std::vector<std::string>& args) {
  const std::string usage =
      "Usage: shardsim compare DIR_A DIR_B [--out DIR]\n"
      "What-if comparison of two runs (result directories written by `shardsim run --out`):\n"
      "headline figures side by side with their change, findings that appear or disappear, cost\n"
      "by dimension, and charts of both runs overlaid. Prints text; with --out writes\n"
      "DIR/compare.md (charts in DIR/compare/*.svg) and DIR/compare.html instead.\n"
      "Exit 0 ok, 1 the files cannot be written, 2 bad input.";
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")(
      "dirs", po::value<std::vector<std::string>>()->required(), "two result directories")(
      "out", po::value<std::string>(), "write compare.md, compare.html and compare/*.svg here");
  po::positional_options_description pos;
  pos.add("dirs", -1);
  po::variables_map vm;
  if (int rc = ParseArgs(args, usage, options, pos, &vm); rc >= 0) return rc;
  const std::vector<std::string> dirs = vm["dirs"].as<std::vector<std::string>>();
  if (dirs.size() != 2) {
    std::cerr << "shardsim: compare needs exactly two result directories, got " << dirs.size()
              << "\n\n"
              << usage << "\n";
    return kExitUsage;
  }
  if (vm.count("out") && vm["out"].as<std::string>().empty()) {
    std::cerr << "shardsim: --out: must name a directory\n";
    return kExitUsage;
  }
  const std::optional<RunResult> a = ReadResultDir(dirs[0]);
  const std::optional<RunResult> b = ReadResultDir(dirs[1]);
  if (!a || !b) return kExitUsage;
  const ComparedRun ca{&*a, "A", dirs[0]}, cb{&*b, "B", dirs[1]};
  if (!vm.count("out")) {
    std::cout << CompareText(ca, cb);
    return kExitOk;
  }
  const std::string dir = vm["out"].as<std::string>();
  OutputDir out;
  for (ReportFile& f : RenderComparison(ca, cb)) out.Add(f.path, std::move(f.contents));
  KeepExistingFiles(dir, {}, IsCompareFile, &out);
  std::string error;
  if (!out.Commit(dir, &error)) {
    std::cerr << "shardsim: " << error << "\n";
    return kExitRuntime;
  }
  std::cout << "wrote " << dir << "/compare.md and " << dir << "/compare.html\n";
  return kExitOk;
}

}  // namespace shardsim::cli
