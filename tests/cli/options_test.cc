// Tests for cli/options (shared parsing: hidden positionals, "did you mean") and cli/progress (the
// rate-limited progress line and its texts).
#include "cli/options.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/progress.h"

namespace shardsim::cli {
namespace {

namespace po = boost::program_options;
using std::chrono::milliseconds;

const std::string kUsage = "Usage: shardsim run FILE [--seed N] [--quiet]\nSimulates.";

struct RunOptions {
  po::options_description options{"Options"};
  po::positional_options_description pos;
  RunOptions() {
    options.add_options()("help,h", "show this help")("file", po::value<std::string>()->required(),
                                                      "scenario file")(
        "seed", po::value<std::string>(), "random seed")("report", "write the report")(
        "quiet,q", "do not print the summary");
    pos.add("file", 1);
  }
};

int ParseRun(const std::vector<std::string>& args, std::string* out, std::string* err) {
  RunOptions o;
  po::variables_map vm;
  std::ostringstream o_out, o_err;
  const int rc = ParseCommandLine(args, kUsage, o.options, o.pos, &vm, o_out, o_err);
  *out = o_out.str();
  *err = o_err.str();
  return rc;
}

// Regression: `run --help` listed "--file arg" (the positional FILE).
TEST(CliOptionsTest, HelpListsOptionsButNotPositionals) {
  std::string out, err;
  EXPECT_EQ(ParseRun({"--help"}, &out, &err), 0);
  EXPECT_NE(out.find("Usage: shardsim run FILE"), std::string::npos);
  EXPECT_NE(out.find("--quiet"), std::string::npos);
  EXPECT_NE(out.find("--seed"), std::string::npos);
  EXPECT_EQ(out.find("--file"), std::string::npos) << out;
  EXPECT_EQ(err, "");
}

// Regression: an unknown option got no "did you mean".
TEST(CliOptionsTest, UnknownOptionSuggestsTheClosestRegisteredOne) {
  std::string out, err;
  EXPECT_EQ(ParseRun({"s.json", "--seeed", "3"}, &out, &err), 2);
  EXPECT_EQ(err,
            "shardsim: unrecognised option '--seeed'; did you mean '--seed'?\n"
            "Usage: shardsim run FILE [--seed N] [--quiet]\n"
            "Run 'shardsim run --help' for the options.\n");
  EXPECT_EQ(ParseRun({"s.json", "--qiuet"}, &out, &err), 2);
  EXPECT_NE(err.find("did you mean '--quiet'?"), std::string::npos) << err;
  EXPECT_EQ(ParseRun({"s.json", "--reprot=x"}, &out, &err), 2);
  EXPECT_NE(err.find("did you mean '--report'?"), std::string::npos) << err;
  // Nothing close: no suggestion; the hidden positional is never suggested.
  EXPECT_EQ(ParseRun({"s.json", "--frobnicate"}, &out, &err), 2);
  EXPECT_EQ(err.find("did you mean"), std::string::npos) << err;
  EXPECT_EQ(ParseRun({"--fiel", "s.json"}, &out, &err), 2);
  EXPECT_EQ(err.find("--file"), std::string::npos) << err;
  EXPECT_EQ(ParseRun({"s.json", "-x"}, &out, &err), 2);
  EXPECT_EQ(err.find("did you mean"), std::string::npos) << err;
}

TEST(CliOptionsTest, ParsesValidArguments) {
  RunOptions o;
  po::variables_map vm;
  std::ostringstream out, err;
  EXPECT_EQ(
      ParseCommandLine({"s.json", "--seed", "4", "-q"}, kUsage, o.options, o.pos, &vm, out, err),
      -1);
  EXPECT_EQ(vm["file"].as<std::string>(), "s.json");
  EXPECT_EQ(vm["seed"].as<std::string>(), "4");
  EXPECT_EQ(vm.count("quiet"), 1u);
}

TEST(CliOptionsTest, CommandsComeFromTheUsagesCommandsSection) {
  const std::string usage =
      "Usage: shardsim <command> [options]\n\nCommands:\n"
      "  validate FILE...   check\n  run FILE           simulate\n"
      "                     (continued)\n  route              route\n\nOptions:\n"
      "  -h, --help         help\n";
  EXPECT_EQ(CommandsInUsage(usage), (std::vector<std::string>{"validate", "run", "route"}));
}

// ---------------------------------------------------------------- progress

struct FakeClock {
  Progress::Clock::time_point t{};
  Progress::Options Options() {
    Progress::Options o;
    o.now = [this] { return t; };
    return o;
  }
};

TEST(ProgressTest, DrawsAfterAMomentAtMostFourTimesASecondAndClearsAtTheEnd) {
  FakeClock clock;
  std::ostringstream out;
  {
    Progress p(out, true, clock.Options());
    p.Update("early");  // before first_after: nothing
    EXPECT_EQ(out.str(), "");
    clock.t += milliseconds(1000);
    EXPECT_TRUE(p.Due());
    p.Update("one two");
    EXPECT_EQ(out.str(), "\rone two");
    clock.t += milliseconds(100);
    EXPECT_FALSE(p.Due());
    p.Update("skipped");
    clock.t += milliseconds(150);
    p.Update("three");  // shorter: padded over the old text
    EXPECT_EQ(out.str(), "\rone two\rthree  ");
  }  // the destructor clears the line
  EXPECT_EQ(out.str(), "\rone two\rthree  \r     \r");
}

TEST(ProgressTest, DisabledOrShortCommandsPrintNothing) {
  FakeClock clock;
  std::ostringstream out;
  {
    Progress off(out, false, clock.Options());
    clock.t += milliseconds(5000);
    EXPECT_FALSE(off.Due());
    off.Update("x");
  }
  {
    Progress quick(out, true, clock.Options());
    clock.t += milliseconds(999);
    quick.Update("x");
  }
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressTest, TextsForRunsAndSteps) {
  EXPECT_EQ(Progress::Span(std::chrono::duration<double>(45.4)), "45s");
  EXPECT_EQ(Progress::Span(std::chrono::duration<double>(185)), "3min 05s");
  EXPECT_EQ(Progress::Span(std::chrono::duration<double>(7800)), "2h 10min");
  EXPECT_EQ(Progress::Steps(0, 10, "points", std::chrono::duration<double>(3)), "0/10 points");
  EXPECT_EQ(Progress::Steps(3, 10, "points", std::chrono::duration<double>(30)),
            "3/10 points, 1min 10s left");
  EXPECT_EQ(Progress::Steps(10, 10, "points", std::chrono::duration<double>(30)), "10/10 points");
  RunProgress r;
  r.now = SimTime::Zero() + Minutes(130);
  r.end = SimTime::Zero() + Hours(24);
  r.events = 12'345'678;
  r.records = 1'234'567;
  EXPECT_EQ(RunProgressLine(r),
            "simulated 2h 10min of 24h 00min (9 %), 12,345,678 events, 1,234,567 records");
}

}  // namespace
}  // namespace shardsim::cli
