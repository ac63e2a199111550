// Shared command-line parsing. See options.h.
#include "cli/options.h"

#include <algorithm>
#include <ostream>

#include "models/spec/diagnostic.h"

namespace po = boost::program_options;

namespace shardsim::cli {
namespace {

bool IsPositional(const std::string& name, const po::positional_options_description& pos) {
  // Past the named positions a trailing positional repeats its name; 64 covers every command.
  const unsigned n = std::min(pos.max_total_count(), 64u);
  for (unsigned i = 0; i < n; ++i) {
    if (pos.name_for_position(i) == name) return true;
  }
  return false;
}

std::string_view FirstLine(std::string_view text) { return text.substr(0, text.find('\n')); }

// "run" of "Usage: shardsim run FILE ...".
std::string_view CommandOf(std::string_view usage) {
  constexpr std::string_view kPrefix = "Usage: shardsim ";
  if (!usage.starts_with(kPrefix)) return "<command>";
  usage.remove_prefix(kPrefix.size());
  return usage.substr(0, usage.find_first_of(" \n"));
}

}  // namespace

po::options_description VisibleOptions(const po::options_description& options,
                                       const po::positional_options_description& pos) {
  po::options_description visible("Options");  // the caption every command uses
  for (const auto& option : options.options()) {
    if (!IsPositional(option->long_name(), pos)) visible.add(option);
  }
  return visible;
}

std::optional<std::string> ClosestOption(std::string_view spelled,
                                         const po::options_description& options) {
  std::string_view name = spelled.substr(0, spelled.find('='));
  if (!name.starts_with("--")) return std::nullopt;  // a one-letter option has no near miss
  name.remove_prefix(2);
  std::vector<std::string> names;
  for (const auto& option : options.options()) {
    if (!option->long_name().empty()) names.push_back(option->long_name());
  }
  std::optional<std::string> close = ClosestName(name, names);
  if (!close) return std::nullopt;
  return "--" + *close;
}

int ParseCommandLine(const std::vector<std::string>& args, const std::string& usage,
                     const po::options_description& options,
                     const po::positional_options_description& pos, po::variables_map* vm,
                     std::ostream& out, std::ostream& err) {
  const po::options_description visible = VisibleOptions(options, pos);
  try {
    po::store(po::command_line_parser(args).options(options).positional(pos).run(), *vm);
    if (vm->count("help")) {
      out << usage << "\n" << visible;
      return 0;
    }
    po::notify(*vm);
  } catch (const po::error& e) {
    err << "shardsim: " << e.what();
    if (const auto* unknown = dynamic_cast<const po::unknown_option*>(&e)) {
      if (auto close = ClosestOption(unknown->get_option_name(), visible)) {
        err << "; did you mean '" << *close << "'?";
      }
    }
    err << "\n"
        << FirstLine(usage) << "\nRun 'shardsim " << CommandOf(usage)
        << " --help' for the options.\n";
    return 2;
  }
  return -1;
}

std::vector<std::string> CommandsInUsage(std::string_view usage) {
  std::vector<std::string> commands;
  bool in_section = false;
  size_t start = 0;
  while (start < usage.size()) {
    size_t end = usage.find('\n', start);
    if (end == std::string_view::npos) end = usage.size();
    const std::string_view line = usage.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line[0] != ' ') {
      in_section = line == "Commands:";
      continue;
    }
    if (!in_section || line.size() < 3 || !line.starts_with("  ") || line[2] == ' ') continue;
    const std::string_view rest = line.substr(2);
    const std::string word(rest.substr(0, rest.find(' ')));
    if (std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
      commands.push_back(word);
    }
  }
  return commands;
}

}  // namespace shardsim::cli
