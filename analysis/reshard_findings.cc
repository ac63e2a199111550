// Findings of the stream's operations: refusals with their remedy, and the effect of completed
// operations. See reshard_findings.h.
#include "analysis/reshard_findings.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "analysis/finding_support.h"
#include "models/result/format.h"
#include "models/spec/units.h"

namespace shardsim {
namespace {

std::string At(double seconds) {
  return FormatDuration(SimDuration::Nanos(std::llround(seconds * 1e9)));
}

// "SplitShard shardId-…", "MergeShards shardId-… and shardId-…", "UpdateShardCount to 12",
// "UpdateStreamMode to ON_DEMAND".
std::string Describe(const OperationResult& o) {
  if (o.op == "split") return "SplitShard " + o.shard;
  if (o.op == "merge") return "MergeShards " + o.shard + " and " + o.adjacent;
  if (o.op == "update_stream_mode") {
    return std::string("UpdateStreamMode to ") +
           (o.mode == "on_demand" ? "ON_DEMAND" : "PROVISIONED");
  }
  return "UpdateShardCount to " + std::to_string(o.target);
}

std::string Where(const OperationResult& o) {
  return o.index >= 0 ? " (/stream/operations/" + std::to_string(o.index) + ")" : "";
}

// The operation that held the stream in UPDATING when `refused` was called, or nullptr.
const OperationResult* InProgress(const std::vector<OperationResult>& ops,
                                  const OperationResult& refused) {
  for (const OperationResult& o : ops) {
    if (o.started_at_s < 0 || o.started_at_s > refused.requested_at_s) continue;
    if (o.completed_at_s < 0 || o.completed_at_s > refused.requested_at_s) return &o;
  }
  return nullptr;
}

std::string Remedy(const Scenario& scenario, const std::vector<OperationResult>& ops,
                   const OperationResult& o) {
  const std::string& e = o.error;
  const ReshardLimitsSpec& limits = scenario.stream.reshard_limits;
  if (e.starts_with("ResourceInUseException")) {
    const OperationResult* busy = InProgress(ops, o);
    std::string when =
        busy != nullptr && busy->completed_at_s >= 0
            ? " (" + Describe(*busy) + " completed at " + At(busy->completed_at_s) + ")"
            : "";
    return "Kinesis reshards a stream one operation at a time: call it after the operation in "
           "progress has completed" +
           when + ", or set if_updating to \"wait\".";
  }
  if (e.starts_with("ResourceNotFoundException") ||
      e.find("has already been merged or split") != std::string::npos) {
    return "Name an open shard: a split or merged shard is closed and its children (the next "
           "unused shard indexes, listed in the earlier operation's opened_shards) took its hash "
           "range. `shardsim shards --shards N --ops FILE` prints the shard table after a "
           "sequence of operations.";
  }
  if (e.find("NewStartingHashKey") != std::string::npos) {
    return "Choose a NewStartingHashKey strictly inside the shard's range (more than its "
           "StartingHashKey + 1 and less than its EndingHashKey), or \"even\" for its middle.";
  }
  if (e.find("not an adjacent pair") != std::string::npos) {
    return "Merge two open shards whose hash ranges touch (one's EndingHashKey + 1 is the other's "
           "StartingHashKey); `shardsim shards` lists the ranges.";
  }
  if (e.find("cannot scale up over double") != std::string::npos ||
      e.find("cannot scale down below half") != std::string::npos) {
    return "UpdateShardCount moves between half and double the open shards per call: reach the "
           "target in several calls, each after the previous one has completed (at most " +
           std::to_string(limits.update_shard_count_per_24h) + " a day).";
  }
  if (e.find("UpdateShardCount was already called") != std::string::npos) {
    return "Make fewer, larger UpdateShardCount steps, or use SplitShard and MergeShards, which "
           "have no daily limit.";
  }
  if (e.find("capacity mode of stream") != std::string::npos) {
    return "Kinesis switches a stream's capacity mode at most " +
           std::to_string(limits.mode_switches_per_24h) +
           " times per rolling 24 hours: plan the switches a day apart, or stay in one mode and "
           "compare the other with a separate run (--set /stream/mode=...).";
  }
  if (e.find("is already in") != std::string::npos) {
    return "The stream is already in that mode: drop the call, or check the switches before it "
           "(a refused switch leaves the mode as it was).";
  }
  if (e.find("ON_DEMAND capacity mode") != std::string::npos) {
    return "An on-demand stream's shards are the service's to split and merge: switch it to "
           "provisioned first (update_stream_mode, then the call after its duration), or leave the "
           "scaling to the service.";
  }
  if (e.find("shard limit for the account") != std::string::npos) {
    return "Request a higher shard quota for the account (modelled by "
           "reshard_limits.account_shard_quota), or reshard in smaller steps.";
  }
  if (e.find("cannot be greater than") != std::string::npos) {
    return "Kinesis allows at most " + std::to_string(limits.max_shards) +
           " shards per stream through UpdateShardCount; ask AWS for more or use more streams.";
  }
  return "Fix the operation's arguments.";
}

Finding Refused(const Scenario& scenario, const std::vector<OperationResult>& ops,
                const OperationResult& o) {
  Finding f = NewFinding(FindingKind::kReshardRefused, Severity::kWarning, Describe(o));
  const std::string by = o.cause.starts_with("autoscaler: ") ? " (" + o.cause + ")" : "";
  f.evidence = Describe(o) + " called at " + At(o.requested_at_s) + Where(o) + by +
               " was refused: " + o.error + " The shards stayed as they were.";
  f.recommendation = Remedy(scenario, ops, o);
  AddFigures(&f, {{"requested_at_s", o.requested_at_s}, {"open_shards", o.open_shards_before}});
  return f;
}

// Throttled records of the shards named in `ids`.
uint64_t Throttled(const RunResult& r, const std::vector<std::string>& ids) {
  uint64_t n = 0;
  for (const std::string& id : ids) {
    const int i = ShardIndexOf(r, id);
    if (i >= 0) n += r.shards[static_cast<size_t>(i)].throttled_records;
  }
  return n;
}

// A completed capacity-mode switch: what the stream kept and what changed from then on.
Finding Switched(const OperationResult& o) {
  Finding f = NewFinding(FindingKind::kResharded, Severity::kInfo, Describe(o));
  const bool to_on_demand = o.mode == "on_demand";
  f.evidence = Describe(o) + Where(o) + " was called at " + At(o.requested_at_s) +
               " and completed at " + At(o.completed_at_s) + ": the " +
               std::to_string(o.open_shards_after) + " open shards were kept; from then on " +
               (to_on_demand ? "the service splits (and merges) the shards and the stream is "
                               "billed by stream-hour and GB"
                             : "the shards change only by resharding calls and the stream is "
                               "billed by shard-hour and PUT payload unit") +
               ".";
  f.recommendation = "Nothing to change: the cost shows each mode's part.";
  AddFigures(&f, {{"requested_at_s", o.requested_at_s},
                  {"completed_at_s", o.completed_at_s},
                  {"open_shards", o.open_shards_after}});
  return f;
}

Finding Completed(const RunResult& r, const OperationResult& o) {
  if (o.op == "update_stream_mode") return Switched(o);
  Finding f = NewFinding(FindingKind::kResharded, Severity::kInfo, Describe(o));
  // Shards an UpdateShardCount opened and closed again are intermediate: count the end state.
  std::vector<std::string> closed, opened;
  for (const std::string& id : o.closed_shards) {
    if (std::find(o.opened_shards.begin(), o.opened_shards.end(), id) == o.opened_shards.end()) {
      closed.push_back(id);
    }
  }
  for (const std::string& id : o.opened_shards) {
    if (std::find(o.closed_shards.begin(), o.closed_shards.end(), id) == o.closed_shards.end()) {
      opened.push_back(id);
    }
  }
  const uint64_t before = Throttled(r, o.closed_shards);
  const uint64_t after = Throttled(r, opened);
  std::string steps;
  if (o.op == "update_shard_count") {
    steps = " in " + CountNoun(static_cast<uint64_t>(o.splits), "split", "splits") + " and " +
            CountNoun(static_cast<uint64_t>(o.merges), "merge", "merges");
  }
  const std::string by = o.cause.starts_with("autoscaler: ") ? " (" + o.cause + ")" : "";
  f.evidence = Describe(o) + Where(o) + by + " was called at " + At(o.requested_at_s) +
               (o.started_at_s > o.requested_at_s ? ", started at " + At(o.started_at_s) : "") +
               " and completed at " + At(o.completed_at_s) + steps + ": " +
               std::to_string(o.open_shards_before) + " -> " + std::to_string(o.open_shards_after) +
               " open shards; closed " + JoinAnd(closed) + ", opened " + JoinAnd(opened) +
               ". Write throttling: " + CountNoun(before, "record", "records") +
               " on the shards it closed (before), " + CountNoun(after, "record", "records") +
               " on the shards it opened (after).";
  double wait_ms = -1;
  std::string waiter;
  for (const ConsumerResult& c : r.consumers) {
    for (const ConsumerShardResult& s : c.shards) {
      if (s.parent_wait_ms > wait_ms &&
          std::find(opened.begin(), opened.end(), s.shard_id) != opened.end()) {
        wait_ms = s.parent_wait_ms;
        waiter = c.name;
      }
    }
  }
  if (wait_ms >= 0) {
    f.evidence +=
        " Readers finished the closed shards before reading the new ones (per-key "
        "order): " +
        waiter + " held them back longest, " + MillisWhole(wait_ms) + ".";
  }
  if (after > 0) {
    f.recommendation = "The shards it opened throttle too: see " +
                       std::string(FindFinding(r.findings, FindingKind::kHotShard) != nullptr
                                       ? "hot_shard and write_throttling"
                                       : "write_throttling") +
                       ".";
  } else if (before > 0) {
    f.recommendation =
        "Nothing to change: the shards it opened took the traffic without "
        "throttling.";
  } else {
    f.recommendation = "Nothing to change.";
  }
  AddFigures(&f, {{"requested_at_s", o.requested_at_s},
                  {"completed_at_s", o.completed_at_s},
                  {"throttled_before", before},
                  {"throttled_after", after}});
  if (wait_ms >= 0) AddFigures(&f, {{"parent_wait_max_ms", wait_ms}});
  if (o.throttling_started_at_s >= 0) {
    f.evidence += " Throttling around it: from " + At(o.throttling_started_at_s) + " to " +
                  At(o.throttling_ended_at_s) + ", " +
                  CountNoun(o.throttled_before_completed, "record", "records") +
                  " before it completed and " +
                  CountNoun(o.throttled_after_completed, "record", "records") + " after.";
    AddFigures(&f, {{"throttling_started_at_s", o.throttling_started_at_s},
                    {"throttling_ended_at_s", o.throttling_ended_at_s}});
  }
  return f;
}

}  // namespace

void AddReshardFindings(const Scenario& scenario, RunResult* r) {
  std::vector<Finding> out;
  for (const OperationResult& o : r->operations) {
    // The on-demand service's own splits and merges: provisioned_alternative sums them up.
    if (o.cause == "on_demand") continue;
    if (o.status == "refused") out.push_back(Refused(scenario, r->operations, o));
    if (o.status == "completed") out.push_back(Completed(*r, o));
  }
  for (Finding& f : out) r->findings.push_back(std::move(f));
}

}  // namespace shardsim
