// shardsim command line: dispatches to the subcommands. Exit codes: 0 ok, 1 runtime failure,
// 2 bad input or usage. Errors go to stderr; results to stdout or the output directory.
#include <boost/program_options.hpp>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/cmd_plan.h"
#include "cli/cmd_report.h"
#include "cli/cmd_shards.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "models/spec/diagnostic.h"

namespace po = boost::program_options;

namespace shardsim::cli {
namespace {

constexpr const char* kUsage =
    "shardsim - discrete-event simulator and capacity planner for Kinesis stream architectures\n"
    "\n"
    "Usage: shardsim <command> [options]\n"
    "\n"
    "Commands:\n"
    "  validate FILE...   check scenario files; every problem is reported with its JSON pointer\n"
    "  run FILE           simulate a scenario; write result.json and CSV series to --out\n"
    "                     (--report adds the architecture review: report.md, report.html)\n"
    "  report DIR         render the architecture review of a result directory again\n"
    "  compare A B        what-if comparison of two result directories (--out DIR for files)\n"
    "  size FILE          fewest shards (and consumer settings) meeting the objectives, with cost\n"
    "  sweep FILE         run a grid of scenario variants (--set /ptr=v1,v2,...) to sweep.csv\n"
    "  route              which shard will my partition key go to?\n"
    "  shards             the shard table after SplitShard/MergeShards/UpdateShardCount\n"
    "\n"
    "Options:\n"
    "  -h, --help         show this help (also: shardsim <command> --help)\n"
    "  --version          print the version\n"
    "\n"
    "Exit codes: 0 ok, 1 runtime failure (e.g. a conservation check), 2 bad input or usage.\n";

int Dispatch(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  const std::string command = argv[1];
  if (command == "-h" || command == "--help" || command == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (command == "--version" || command == "version") {
    std::cout << "shardsim " << kVersion << "\n";
    return kExitOk;
  }
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "validate") return CmdValidate(args);
  if (command == "run") return CmdRun(args);
  if (command == "route") return CmdRoute(args);
  if (command == "size") return CmdSize(args);
  if (command == "sweep") return CmdSweep(args);
  if (command == "shards") return CmdShards(args);
  if (command == "report") return CmdReport(args);
  if (command == "compare") return CmdCompare(args);
  std::cerr << "shardsim: unknown command \"" << command << "\"";
  if (auto close = ClosestName(command, CommandsInUsage(kUsage))) {
    std::cerr << "; did you mean \"" << *close << "\"?";
  }
  std::cerr << "\n\n" << kUsage;
  return kExitUsage;
}

}  // namespace
}  // namespace shardsim::cli

int main(int argc, char** argv) {
  try {
    return shardsim::cli::Dispatch(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "shardsim: " << e.what() << "\n";
    return shardsim::cli::kExitRuntime;
  }
}
