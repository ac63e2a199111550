// Command-line parsing shared by the subcommands: Boost.Program_options with the positional
// arguments kept out of the --help listing, and "did you mean" for a mistyped option or command
// (the loader's ClosestName, models/spec/diagnostic.h). Not thread-safe (writes to the streams).
#pragma once

#include <boost/program_options.hpp>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shardsim::cli {

// Parses `args` against `options` and the positionals `pos`. Options that take positional
// arguments (e.g. "file") are parsed but not listed by --help. On --help prints `usage` and the
// listing to `out` and returns 0; on a usage error prints the error (with "did you mean" for an
// unknown option), the first line of `usage` and a pointer to `<command> --help` to `err` and
// returns 2; otherwise returns -1 and fills `vm`. `usage` starts "Usage: shardsim <command>".
int ParseCommandLine(const std::vector<std::string>& args, const std::string& usage,
                     const boost::program_options::options_description& options,
                     const boost::program_options::positional_options_description& pos,
                     boost::program_options::variables_map* vm, std::ostream& out,
                     std::ostream& err);

// The options of `options` that --help lists, captioned "Options": all but those named by `pos`.
boost::program_options::options_description VisibleOptions(
    const boost::program_options::options_description& options,
    const boost::program_options::positional_options_description& pos);

// The registered long option closest to `spelled` ("--seeed" -> "--seed"), if close enough to be
// a typo; both with their leading dashes.
std::optional<std::string> ClosestOption(
    std::string_view spelled, const boost::program_options::options_description& options);

// The commands a top-level usage text lists: in its "Commands:" section, the first word of each
// line indented by exactly two spaces.
std::vector<std::string> CommandsInUsage(std::string_view usage);

}  // namespace shardsim::cli
