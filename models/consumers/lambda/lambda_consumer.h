// Test seams of the Lambda event-source mapping (models/consumers/lambda/lambda_consumer.cc); the
// run uses MakeLambdaConsumer (models/consumers/consumer_base.h). Hooks cost one predictable branch
// per record when unset. Not thread-safe: one consumer per simulation.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "models/consumers/consumer_base.h"

namespace shardsim {

struct LambdaTestHooks {
  // Called per record of a succeeded invocation, in the order the mapping processed them; `done`
  // is the invocation's end (one batch of a slot shares it).
  std::function<void(uint32_t shard, uint32_t slot, uint64_t sequence, const StoredRecord&,
                     SimTime done)>
      on_processed;
};

std::unique_ptr<ConsumerBase> MakeLambdaConsumerForTest(const ConsumerSpec& spec,
                                                        const ConsumerContext& context,
                                                        LambdaTestHooks hooks);

// Adds `records` phantom processed records to the first registered shard of a Lambda consumer,
// so that CheckConservation must report it. REQUIRES: `consumer` came from a Lambda factory.
void CorruptLambdaCountsForTest(ConsumerBase& consumer, uint64_t records);

}  // namespace shardsim
