// What the simulating commands (run, size, sweep) share on the command line: option parsing with
// Boost.Program_options, the scenario options (--set, --shards, --duration, --seed, --prices), the
// scenario they produce with every override checked exactly like the file, and the provenance a
// result records. Not thread-safe (writes diagnostics to the given stream).
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/cost/prices.h"
#include "models/result/run_result.h"
#include "models/run/prepared.h"
#include "models/spec/loader/scenario_loader.h"
#include "planner/grid.h"

namespace shardsim::cli {

// Parses `args` against `options` (+ positionals). On --help prints usage and returns kExitOk; on
// a usage error prints it (with "did you mean" for an unknown option) and returns kExitUsage;
// otherwise returns -1 and fills `vm`. --help does not list the positionals (cli/options.h).
int ParseArgs(const std::vector<std::string>& args, const std::string& usage,
              const boost::program_options::options_description& options,
              const boost::program_options::positional_options_description& pos,
              boost::program_options::variables_map* vm);

// Adds --seed, --duration, --set, --shards and --prices to `options`. With `sweep`, --set takes
// lists and ranges (a grid axis).
void AddScenarioOptions(boost::program_options::options_description* options, bool sweep);

struct ScenarioArgs {
  std::string file;
  std::optional<uint64_t> seed;
  std::vector<SetOverride>
      sets;  // --duration and --shards become sets of /duration, /stream/shards
  std::string prices_file;
};

// Parses a simulating command's arguments: `options` (with AddScenarioOptions already added) plus
// the scenario FILE as the one positional argument, then ReadScenarioArgs. Returns -1 to go on
// (vm and out filled), else the exit code (help printed, or a usage error).
int ParseScenarioCommand(const std::vector<std::string>& args, const std::string& usage,
                         boost::program_options::options_description options, bool sweep,
                         boost::program_options::variables_map* vm, ScenarioArgs* out);

// Reads the options AddScenarioOptions added (and the positional "file"). Prints a usage error
// and returns false when one is malformed.
bool ReadScenarioArgs(const boost::program_options::variables_map& vm, bool sweep,
                      ScenarioArgs* out, std::ostream& err);

// A scenario ready to run: loaded with its overrides, checked, priced and prepared.
struct RunInput {
  Scenario scenario;
  PriceChoice prices;
  std::unique_ptr<const PreparedScenario> prepared;
};

// Loads `file` with `overrides` (one value each), checks that `run` implements every feature,
// resolves the prices (`prices_file` first) and prepares the inputs. Prints every problem as
// FILE: /pointer: rule and returns nullopt (bad input: exit 2).
std::optional<RunInput> LoadRunInput(const std::string& file,
                                     const std::vector<JsonOverride>& overrides,
                                     const std::string& prices_file, std::ostream& err);

// The overrides of a run: each set's single value.
std::vector<JsonOverride> SingleOverrides(const std::vector<SetOverride>& sets);

// Who made a result: the version, the command line as typed (minus options that do not change
// the result: --threads, --out, --report, --quiet), the scenario file and its SHA-256.
Provenance MakeProvenance(const std::string& command, const std::vector<std::string>& args,
                          const std::string& scenario_file);

}  // namespace shardsim::cli
