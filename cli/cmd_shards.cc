// `shardsim shards` and `shardsim route`: a stream's shard map after an operations file, printed
// as a table or used to route keys. The operations are checked and applied by the models'
// resharding code (models/stream/resharding.h), the same that runs a scenario's timeline.
#include "cli/cmd_shards.h"

#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>
#include <optional>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/route.h"
#include "models/spec/enum_names.h"
#include "models/spec/loader/scenario_loader.h"
#include "models/stream/resharding.h"

namespace po = boost::program_options;

namespace shardsim::cli {
namespace {

constexpr const char* kOpsHelp =
    "FILE: a JSON array of operations applied in order, e.g.\n"
    "  [{\"op\": \"split\", \"shard\": \"shardId-000000000000\", \"new_starting_hash_key\": "
    "\"even\"},\n"
    "   {\"op\": \"merge\", \"shard\": \"shardId-000000000001\", \"adjacent\": "
    "\"shardId-000000000002\"},\n"
    "   {\"op\": \"update_shard_count\", \"target\": 6}]\n"
    "new_starting_hash_key is a decimal hash key or \"even\" (the middle of the shard's range).\n"
    "An operation Kinesis would refuse stops with its error, naming the operation (from 0);\n"
    "exit 2.";

// The map of a fresh `shards`-shard stream after the operations of `ops_file` (none if empty), or
// nullopt after printing why (bad count, unreadable or invalid file, a refused operation).
std::optional<ShardMap> MapAfterOperations(int shards, const std::string& ops_file,
                                           const char* command) {
  if (shards < 1 || shards > kRouteMaxShards) {
    std::cerr << command << ": --shards must be between 1 and " << kRouteMaxShards << ", got "
              << shards << "\n";
    return std::nullopt;
  }
  ShardMap map = ShardMap::CreateStream(shards);
  if (ops_file.empty()) return map;
  const OperationsLoadResult loaded = LoadOperationsFile(ops_file);
  if (!loaded.ok()) {
    for (const Diagnostic& d : loaded.errors) std::cerr << FormatDiagnostic(loaded.file, d) << "\n";
    return std::nullopt;
  }
  const ApplyOutcome outcome = ApplyOperations(&map, loaded.operations, ReshardLimitsSpec{});
  if (outcome.refused >= 0) {
    const ReshardSpec& op = loaded.operations[static_cast<size_t>(outcome.refused)];
    std::cerr << loaded.file << ": /" << outcome.refused << ": operation " << outcome.refused
              << " (" << Name(op.action) << ") refused: " << outcome.error << "\n";
    return std::nullopt;
  }
  return map;
}

}  // namespace

void WriteShardTable(const ShardMap& map, std::ostream& out) {
  // Ids and decimal keys need no JSON escaping; the layout matches `route`'s lines.
  auto id_or_null = [](int index) {
    if (index < 0) return std::string("null");
    std::string quoted(1, '"');  // appended, not "\"" + ...: GCC 12 warns -Wrestrict wrongly
    quoted += ShardIdString(index);
    quoted += '"';
    return quoted;
  };
  out << "{\"shards\": [";
  const char* sep = "\n";
  for (const Shard& s : map.shards()) {
    out << sep << "  {\"shard_id\": \"" << ShardIdString(s.index)
        << "\", \"parent_shard_id\": " << id_or_null(s.parent)
        << ", \"adjacent_parent_shard_id\": " << id_or_null(s.adjacent_parent)
        << ", \"starting_hash_key\": \"" << s.range.start.ToDecimal()
        << "\", \"ending_hash_key\": \"" << s.range.end.ToDecimal()
        << "\", \"open\": " << (s.state == ShardState::kOpen ? "true" : "false") << "}";
    sep = ",\n";
  }
  out << "\n]}\n";
}

int CmdShards(const std::vector<std::string>& args) {
  const std::string usage =
      "Usage: shardsim shards --shards N [--ops FILE]\n"
      "The shards of a stream created with N shards, after the resharding operations of FILE,\n"
      "as JSON: {\"shards\": [{\"shard_id\", \"parent_shard_id\", \"adjacent_parent_shard_id\",\n"
      "\"starting_hash_key\", \"ending_hash_key\", \"open\"}, ...]}, every shard ever created "
      "(closed\n"
      "ones with \"open\": false) in shard-index order.\n" +
      std::string(kOpsHelp);
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")("shards", po::value<int>()->required(),
                                                    "number of shards (CreateStream ShardCount)")(
      "ops", po::value<std::string>()->default_value(""), "file of resharding operations");
  po::variables_map vm;
  if (int rc = ParseArgs(args, usage, options, {}, &vm); rc >= 0) return rc;
  const std::optional<ShardMap> map =
      MapAfterOperations(vm["shards"].as<int>(), vm["ops"].as<std::string>(), "shards");
  if (!map) return kExitUsage;
  WriteShardTable(*map, std::cout);
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "shards: failed to write the output\n";
    return kExitRuntime;
  }
  return kExitOk;
}

int CmdRoute(const std::vector<std::string>& args) {
  const std::string usage =
      "Usage: shardsim route --shards N [--ops FILE] (--keys FILE | --jsonl FILE)\n"
      "Which shard of a freshly created N-shard stream -- or of that stream after the resharding\n"
      "operations of --ops FILE, routing to its open shards -- does each key go to? The key FILE\n"
      "may be - for standard input. --keys: one partition key per line. --jsonl: one JSON object\n"
      "per line, {\"partition_key\": \"...\", \"explicit_hash_key\": \"...\"} (the second "
      "optional).\n"
      "Prints one JSON line per input: {\"partition_key\", \"hash_key\", \"shard_id\"}.\n"
      "--ops " +
      std::string(kOpsHelp);
  po::options_description options("Options");
  options.add_options()("help,h", "show this help")("shards", po::value<int>()->required(),
                                                    "number of shards (CreateStream ShardCount)")(
      "ops", po::value<std::string>()->default_value(""), "file of resharding operations")(
      "keys", po::value<std::string>(), "file of partition keys, one per line")(
      "jsonl", po::value<std::string>(), "file of JSON objects, one per line");
  po::variables_map vm;
  if (int rc = ParseArgs(args, usage, options, {}, &vm); rc >= 0) return rc;
  if (vm.count("keys") == vm.count("jsonl")) {
    std::cerr << "shardsim: route needs exactly one of --keys FILE or --jsonl FILE\n\n"
              << usage << "\n";
    return kExitUsage;
  }
  const std::optional<ShardMap> map =
      MapAfterOperations(vm["shards"].as<int>(), vm["ops"].as<std::string>(), "route");
  if (!map) return kExitUsage;
  const bool keys = vm.count("keys") > 0;
  const std::string path = vm[keys ? "keys" : "jsonl"].as<std::string>();
  const RouteInput kind = keys ? RouteInput::kKeys : RouteInput::kJsonl;
  if (path == "-") return RunRoute(*map, kind, std::cin, std::cout, std::cerr);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "shardsim: cannot read " << path << "\n";
    return kExitUsage;
  }
  return RunRoute(*map, kind, in, std::cout, std::cerr);
}

}  // namespace shardsim::cli
