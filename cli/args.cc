// Shared command-line plumbing of the simulating commands. See args.h.
#include "cli/args.h"

#include <openssl/evp.h>

#include <charconv>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/commands.h"
#include "cli/options.h"
#include "models/run/run.h"
#include "models/spec/diagnostic.h"

namespace po = boost::program_options;

namespace shardsim::cli {

int ParseArgs(const std::vector<std::string>& args, const std::string& usage,
              const po::options_description& options, const po::positional_options_description& pos,
              po::variables_map* vm) {
  return ParseCommandLine(args, usage, options, pos, vm, std::cout, std::cerr);
}

void AddScenarioOptions(po::options_description* options, bool sweep) {
  options->add_options()("seed", po::value<std::string>(),
                         "random seed 0..2^64-1 (overrides \"seed\")")(
      "duration", po::value<std::string>(), "simulated time, e.g. 10min (overrides \"duration\")")(
      "set", po::value<std::vector<std::string>>(),
      sweep ? "/json/pointer=v1,v2,... or a range A..B+S, A..B*F: a grid axis (repeatable)"
            : "/json/pointer=value: change one scenario field (repeatable), e.g. "
              "--set /stream/shards=8")("shards", po::value<std::string>(),
                                        "shorthand for --set /stream/shards=N")(
      "prices", po::value<std::string>(),
      "price file (scenarios/prices/*.json) instead of the scenario's or the built-in one");
}

bool ReadScenarioArgs(const po::variables_map& vm, bool sweep, ScenarioArgs* out,
                      std::ostream& err) {
  out->file = vm["file"].as<std::string>();
  if (vm.count("seed")) {
    const std::string& text = vm["seed"].as<std::string>();
    uint64_t seed = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      err << "shardsim: --seed: expected an integer 0..18446744073709551615, got \"" << text
          << "\"\n";
      return false;
    }
    out->seed = seed;
  }
  if (vm.count("duration")) {
    out->sets.push_back({"/duration", {nlohmann::json(vm["duration"].as<std::string>())}});
  }
  if (vm.count("shards")) {
    const std::string& text = vm["shards"].as<std::string>();
    const ParsedSet parsed = ParseSet("/stream/shards=" + text, sweep);
    if (!parsed.ok()) {
      err << "shardsim: --shards: " << parsed.error << "\n";
      return false;
    }
    out->sets.push_back(parsed.set);
  }
  if (vm.count("set")) {
    for (const std::string& a : vm["set"].as<std::vector<std::string>>()) {
      const ParsedSet parsed = ParseSet(a, sweep);
      if (!parsed.ok()) {
        err << "shardsim: --set: " << parsed.error << "\n";
        return false;
      }
      out->sets.push_back(parsed.set);
    }
  }
  if (vm.count("prices")) {
    out->prices_file = vm["prices"].as<std::string>();
    if (out->prices_file.empty()) {
      err << "shardsim: --prices: must name a price file\n";
      return false;
    }
  }
  return true;
}

int ParseScenarioCommand(const std::vector<std::string>& args, const std::string& usage,
                         po::options_description options, bool sweep, po::variables_map* vm,
                         ScenarioArgs* out) {
  options.add_options()("file", po::value<std::string>()->required(), "scenario file");
  po::positional_options_description pos;
  pos.add("file", 1);
  if (int rc = ParseArgs(args, usage, options, pos, vm); rc >= 0) return rc;
  return ReadScenarioArgs(*vm, sweep, out, std::cerr) ? -1 : kExitUsage;
}

std::vector<JsonOverride> SingleOverrides(const std::vector<SetOverride>& sets) {
  std::vector<JsonOverride> out;
  for (const SetOverride& s : sets) {
    out.push_back({s.pointer, nlohmann::ordered_json::parse(s.values.front().dump())});
  }
  return out;
}

std::optional<RunInput> LoadRunInput(const std::string& file,
                                     const std::vector<JsonOverride>& overrides,
                                     const std::string& prices_file, std::ostream& err) {
  LoadResult loaded =
      overrides.empty() ? LoadScenarioFile(file) : LoadScenarioFileWithOverrides(file, overrides);
  if (!loaded.ok()) {
    for (const Diagnostic& d : loaded.errors) err << FormatDiagnostic(loaded.file, d) << "\n";
    return std::nullopt;
  }
  const std::vector<Diagnostic> unsupported = UnsupportedFeatures(loaded, ImplementedFeatures());
  if (!unsupported.empty()) {
    for (const Diagnostic& d : unsupported) err << FormatDiagnostic(loaded.file, d) << "\n";
    return std::nullopt;
  }
  RunInput in;
  in.scenario = std::move(*loaded.scenario);
  in.prices = ResolvePrices(in.scenario, prices_file);
  if (!in.prices.errors.empty()) {
    const std::string& where = in.prices.error_file.empty() ? file : in.prices.error_file;
    for (const Diagnostic& d : in.prices.errors) err << FormatDiagnostic(where, d) << "\n";
    return std::nullopt;
  }
  PreparedScenario::Outcome prepared = PreparedScenario::Prepare(in.scenario, in.scenario.duration);
  if (!prepared.prepared) {
    for (const Diagnostic& d : prepared.problems) err << FormatDiagnostic(file, d) << "\n";
    return std::nullopt;
  }
  in.prepared = std::move(prepared.prepared);
  return in;
}

namespace {

std::string Sha256Hex(const std::string& bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &length, EVP_sha256(), nullptr) != 1) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

// An argument as a shell reads it back: quoted when it holds anything but safe characters.
std::string ShellWord(const std::string& a) {
  const bool safe = !a.empty() && a.find_first_not_of(
                                      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "0123456789-_./=:,+*@%") == std::string::npos;
  if (safe) return a;
  std::string out = "'";
  for (char c : a) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

Provenance MakeProvenance(const std::string& command, const std::vector<std::string>& args,
                          const std::string& scenario_file) {
  Provenance p;
  p.shardsim_version = kVersion;
  p.command_line = "shardsim " + command;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    // Options that do not change the result (threads, where it is written, what else is printed):
    // two results of one scenario must not differ by them.
    if (a == "--threads" || a == "--out") {
      ++i;
      continue;
    }
    if (a.rfind("--threads=", 0) == 0 || a.rfind("--out=", 0) == 0 || a == "--quiet" || a == "-q" ||
        a == "--report") {
      continue;
    }
    p.command_line.append(" ").append(ShellWord(a));
  }
  p.scenario_file = scenario_file;
  std::ifstream in(scenario_file, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.good() || in.eof()) p.scenario_sha256 = Sha256Hex(bytes);
  return p;
}

}  // namespace shardsim::cli
