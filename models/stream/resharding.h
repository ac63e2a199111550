// Resharding (fact sheet 3): SplitShard, MergeShards and UpdateShardCount (UNIFORM_SCALING) as
// Kinesis checks and carries them out. PlanReshard is the one implementation of the rules: it
// checks a call against the shard map, the stream's status and the limits, and returns the error
// Kinesis returns or the pairwise splits and merges that do it. `shardsim shards --ops` applies
// the steps at once to a ShardMap (ApplyOperations); a run's Resharder applies them to the Stream
// over the operation's UPDATING time, and takes calls from the scenario's timeline or, later, from
// an autoscaler (Resharder::Call). Invariant: a plan's steps, applied in order to the map it was
// planned on, all succeed. Thread safety: the functions are pure; a Resharder belongs to one
// simulation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "models/keys/hash_key.h"
#include "models/keys/shard_map.h"
#include "models/result/run_result.h"
#include "models/spec/scenario.h"
#include "models/stream/stream.h"
#include "sim/simulation.h"
#include "sim/time.h"

namespace shardsim {

// One pairwise step: a SplitShard or a MergeShards on shards of the map at that step.
struct ReshardStep {
  ReshardAction action = ReshardAction::kSplit;  // kSplit or kMerge
  int shard = -1;                                // ShardToSplit / ShardToMerge
  HashKey new_starting_hash_key;                 // split
  int adjacent = -1;                             // merge: AdjacentShardToMerge
};

// What Kinesis knows of a stream beyond its shard map when a call comes.
struct ReshardStatus {
  bool updating = false;  // UPDATING with an earlier operation (else ACTIVE)
  // When accepted UpdateShardCount calls were made (for the rolling 24 h), oldest first.
  std::deque<SimTime> update_shard_count_calls;
  // The capacity mode now (StreamModeDetails): a switch's new mode from its end on.
  StreamMode mode = StreamMode::kProvisioned;
  std::deque<SimTime> mode_switches;  // accepted UpdateStreamMode calls, oldest first
};

// A call's outcome: the error Kinesis returns ("<ExceptionName>: <message>"), or its steps.
struct ReshardPlan {
  std::string error;
  std::vector<ReshardStep> steps;
  int peak_open_shards = 0;  // open shards at the fullest point of the steps
  bool ok() const { return error.empty(); }
};

// Checks `op` as Kinesis checks the call (fact sheet 3) and plans it on `map`:
//   split   the shard exists (ResourceNotFoundException) and is open, StartingHashKey + 1 <
//           NewStartingHashKey < EndingHashKey ("even": (Start + End) / 2 rounded down, the
//           "average" of the AWS docs) (InvalidArgumentException); then the stream is ACTIVE
//           (ResourceInUseException); then one more open shard fits the account's shard quota
//           (LimitExceededException);
//   merge   both exist and are open and their ranges are contiguous, in either order; then ACTIVE;
//   update_shard_count  ACTIVE; target <= max_shards, <= 2x and >= 1/2 the open shards; fewer than
//           update_shard_count_per_24h accepted calls in the 24 h before `now`; the intermediate
//           shards fit the account quota (all LimitExceededException).
//   update_stream_mode  ACTIVE; a mode other than the stream's (InvalidArgumentException,
//           UNCONFIRMED); fewer than mode_switches_per_24h accepted switches in the 24 h before
//           `now` (LimitExceededException, fact sheet 5). No steps: the shards stay.
// Split, merge and update_shard_count on a stream that is on-demand now are refused first
// (InvalidArgumentException, UNCONFIRMED wording: fact sheet 3 has UpdateShardCount provisioned
// only; the on-demand service splits and merges by itself).
// `status` null: no status to check (an operations file: the stream ACTIVE, no times). Wording
// follows the real service where known (kinesalite, moto, the AWS CLI's users); see README.
ReshardPlan PlanReshard(const ShardMap& map, const ReshardSpec& op, const ReshardLimitsSpec& limits,
                        const ReshardStatus* status, SimTime now, std::string_view stream_name);

// UpdateShardCount's UNIFORM_SCALING as this model does it (AWS does not publish its algorithm;
// UNCONFIRMED): the target layout is CreateStream's for `target` shards (UniformRanges). A target
// boundary within 2^64 of a boundary between open shards keeps that boundary (a shard is then
// off its exact size by less than 2^-64 of the key space: equal for any traffic); every other
// target boundary is a SplitShard of the open shard holding it, in increasing hash order; then
// every open boundary that is no target boundary goes by a MergeShards of the shards on its two
// sides (ShardToMerge the lower), in increasing hash order. Splits come first, so the open
// shards peak at open + splits (AWS: intermediate shards count against the shard quota).
// Doubling splits every shard of a uniform stream in two; halving merges neighbours in pairs.
// REQUIRES: target >= 1.
std::vector<ReshardStep> UniformScalingSteps(const ShardMap& map, int target);

// Applies one planned step. REQUIRES: it succeeds (it was planned on this map); aborts otherwise.
ReshardResult ApplyStep(ShardMap* map, const ReshardStep& step);

// `shardsim shards --ops`: applies `ops` in order, each checked by PlanReshard (no status: the
// stream is ACTIVE at each call and the 24 h call limit is not applied). Stops at the first
// refusal.
struct ApplyOutcome {
  int refused = -1;   // index of the refused operation, -1 when all were applied
  std::string error;  // its error
};
ApplyOutcome ApplyOperations(ShardMap* map, const std::vector<ReshardSpec>& ops,
                             const ReshardLimitsSpec& limits);

// The assumptions a run with stream operations makes (result.json assumptions).
std::vector<Assumption> ReshardAssumptions(const StreamSpec& spec);

// Carries out a run's stream operations: each call is checked by PlanReshard when it is made; an
// accepted one puts the stream in UPDATING for its duration and applies its steps through
// Stream::Split / Merge (so producers, routing and readers follow), an UpdateShardCount's at
// equal intervals over the duration (step k of K at start + duration * k / K), a split's or a
// merge's at its end. The stream is ACTIVE again in the instant of its last step, before any
// call at that instant (steps run in Phase::kBoundary). A call while UPDATING is refused
// (ResourceInUseException) or, with if_updating "wait", made again when the stream is ACTIVE
// (waiting calls in the order they came).
class Resharder : public Component {
 public:
  // Calls the timeline `operations` (in time order) at their times. REQUIRES: `stream` outlives
  // the resharder; one resharder per stream.
  Resharder(Stream& stream, std::vector<ReshardSpec> operations, ReshardLimitsSpec limits,
            SimTime end);

  void Start(Context& ctx) override;
  void OnEvent(Context& ctx, uint32_t tag) override;

  // Makes the call `op` now (an autoscaler's): refused or accepted at once, as the API answers;
  // returns the position of its record in Results(). `index`: its position in the scenario's
  // operations, or -1. `cause`: why it was made (OperationResult::cause). REQUIRES: called from
  // an event of this simulation.
  size_t Call(Context& ctx, const ReshardSpec& op, int index = -1, std::string cause = "");

  // Told when an UpdateStreamMode completes: the stream is in `mode` from ctx.Now() on (`ctx` is
  // the resharder's: schedule with ScheduleFor). A switch to provisioned first cancels the
  // service's pending operations (each told to the ServiceListener as failed).
  struct ModeListener {
    virtual ~ModeListener() = default;
    virtual void OnModeSwitched(Context& ctx, StreamMode mode) = 0;
  };
  void AddModeListener(ModeListener* l) { mode_listeners_.push_back(l); }

  // Whether call `r` (a position Call returned) is over, refused or completed, and when: its
  // refusal (the request) or its last step. False while it waits or the stream is UPDATING.
  bool Finished(size_t r, SimTime* at) const;

  // The on-demand service's own split (even, of `shard`'s range) or merge (fact sheet 5): not an
  // API call, so none of PlanReshard's checks of status and call limits apply, several run at
  // once and the stream stays ACTIVE. It is recorded now (cause `cause`) and takes effect `delay`
  // later in Phase::kBoundary (not after the end of the run: then it stays "updating"); a shard
  // closed by then, or a switch to provisioned completed before it, makes it "refused". Returns the
  // position of its record in Results(). REQUIRES: called from an event of this simulation; the
  // shards open now.
  size_t ServiceSplit(Context& ctx, int shard, SimDuration delay, std::string cause);
  size_t ServiceMerge(Context& ctx, int shard, int adjacent, SimDuration delay, std::string cause);
  // Told when a service operation took effect (or failed): `record` as ServiceSplit returned it.
  struct ServiceListener {
    virtual ~ServiceListener() = default;
    virtual void OnServiceDone(size_t record, bool ok, SimTime at) = 0;
  };
  void SetServiceListener(ServiceListener* l) { service_listener_ = l; }

  const ReshardStatus& status() const { return status_; }
  // Every call so far, in the order made (a waiting call where it came).
  std::vector<OperationResult> Results() const;

 private:
  struct Record {
    ReshardSpec op;
    int index = -1;
    SimTime requested;
    SimTime started = SimTime::Max();    // accepted
    SimTime completed = SimTime::Max();  // last step applied
    bool waiting = false;
    std::string error;
    std::string new_starting_hash_key;  // split: the key used (resolved from "even")
    std::string cause;
    int open_before = 0, open_after = 0;
    int splits = 0, merges = 0;
    std::vector<int> closed, opened;
    ReshardStep service_step;  // a service operation's one step
  };
  static constexpr uint32_t kStepTag = ~uint32_t{0};
  // Tags of service operations: kServiceTag + record index (timeline tags are below 2^31).
  static constexpr uint32_t kServiceTag = uint32_t{1} << 31;

  // Checks `records_[r]` now and starts it; false if refused.
  bool Begin(Context& ctx, size_t r);
  void ScheduleStep(Context& ctx);
  void ApplyNextStep(Context& ctx);
  SimTime StepTime(size_t step) const;
  size_t Service(Context& ctx, ReshardStep step, SimDuration delay, std::string cause);
  void ApplyService(Context& ctx, size_t r);

  Stream& stream_;
  std::vector<ReshardSpec> timeline_;
  ReshardLimitsSpec limits_;
  SimTime end_;
  uint32_t self_ = 0;  // this component's id (Start)
  ReshardStatus status_;
  std::vector<Record> records_;
  std::deque<size_t> waiting_;  // records waiting for the stream to be ACTIVE
  // The operation in progress.
  size_t current_ = 0;
  std::vector<ReshardStep> steps_;
  size_t next_step_ = 0;
  ServiceListener* service_listener_ = nullptr;
  std::vector<ModeListener*> mode_listeners_;
};

}  // namespace shardsim
