// Hand-built results for the analysis tests: a finding by kind, a shard named as Kinesis names
// it, and a four-shard write-path case to analyse. Tests only; plain data, not thread-safe.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "analysis/write_findings.h"
#include "models/keys/key_model.h"
#include "models/keys/shard_map.h"
#include "models/result/run_result.h"

namespace shardsim::support {

// The first finding of `kind`, or null.
inline const Finding* FindFinding(const RunResult& r, FindingKind kind) {
  const auto it = std::find_if(r.findings.begin(), r.findings.end(),
                               [&](const Finding& f) { return f.kind == kind; });
  return it == r.findings.end() ? nullptr : &*it;
}

// Shard `index` with its id ("shardId-000000000007").
inline ShardResult NumberedShard(int index) {
  ShardResult s;
  s.index = index;
  s.shard_id =
      "shardId-" + std::string(12 - std::to_string(index).size(), '0') + std::to_string(index);
  return s;
}

// A 4-shard stream (CreateStream's even split) over 60 s, each shard expecting a quarter of the
// keys; tests add producers and numbers, then Analyze.
struct WriteCase {
  Scenario scenario;
  ShardMap map = ShardMap::CreateStream(4);
  RunResult result;

  WriteCase() {
    scenario.stream.shards = 4;
    result.duration_s = 60;
    for (int i = 0; i < 4; ++i) {
      result.shards.push_back(NumberedShard(i));
      result.shards.back().expected_share = 0.25;
    }
  }
  void Analyze(const std::vector<KeyUsage>& usage = {}) {
    AddWritePathFindings(scenario, map, usage, &result);
  }
};

}  // namespace shardsim::support
