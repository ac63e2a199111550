// shardsim command line: dispatches to the subcommands. Exit codes: 0 ok, 1 runtime failure,
// 2 bad input or usage. Errors go to stderr; results to stdout or the output directory.
#include <boost/program_options.hpp>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

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
    "  route              which shard will my partition key go to?\n"
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
  std::cerr << "shardsim: unknown command \"" << command << "\"\n\n" << kUsage;
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
