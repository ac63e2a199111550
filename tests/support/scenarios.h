// Scenario builders shared by tests and benchmarks: the small shapes they kept re-writing field by
// field -- a fixed-size producer with uniform keys, one-producer scenarios, one consumer of each
// kind -- with every value a test relies on passed explicitly. Header-only and free of any test
// framework, so benchmarks include it too. Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "models/spec/scenario.h"
#include "sim/time.h"

namespace shardsim::support {

// `instances` producers writing `rate` records/s in total of `bytes` bytes each, uniform over
// `keys` keys, with the API's defaults (PutRecords, constant arrivals unless changed).
inline ProducerSpec FixedSizeProducer(std::string name, int64_t instances, double rate,
                                      int64_t bytes, int64_t keys = 1000) {
  ProducerSpec p;
  p.name = std::move(name);
  p.instances = instances;
  p.records_per_sec = rate;
  p.record_size.dist = SizeDist::kFixed;
  p.record_size.size_bytes = bytes;
  p.keys.dist = KeyDist::kUniform;
  p.keys.count = keys;
  return p;
}

// A scenario of one stream of `shards` shards and no consumers yet.
inline Scenario StreamScenario(std::string name, uint64_t seed, int64_t shards,
                               SimDuration duration) {
  Scenario s;
  s.name = std::move(name);
  s.seed = seed;
  s.duration = duration;
  s.stream.shards = shards;
  return s;
}

// The read-side tests' writer: ten PutRecord producers ("app") at `rate` records/s of `bytes`,
// uniform over 1,000 keys, 10 ms calls, up to 8 in flight each.
inline Scenario OneProducer(std::string name, uint64_t seed, double rate, int64_t shards,
                            SimDuration duration, int64_t bytes = 1000) {
  Scenario s = StreamScenario(std::move(name), seed, shards, duration);
  ProducerSpec p = FixedSizeProducer("app", 10, rate, bytes);
  p.api.type = ApiType::kPutRecord;
  p.api.call_latency = LatencySpec::Fixed(Millis(10));
  p.api.max_in_flight_calls = 8;
  s.producers.push_back(std::move(p));
  return s;
}

inline ConsumerSpec Consumer(std::string name, ConsumerType type) {
  ConsumerSpec c;
  c.name = std::move(name);
  c.type = type;
  return c;
}

inline ConsumerSpec PollingConsumer(std::string name, SimDuration interval) {
  ConsumerSpec c = Consumer(std::move(name), ConsumerType::kPolling);
  c.polling.poll_interval = interval;
  return c;
}

inline ConsumerSpec KclConsumer(std::string name, int64_t workers) {
  ConsumerSpec c = Consumer(std::move(name), ConsumerType::kKcl);
  c.kcl.workers = workers;
  return c;
}

inline ConsumerSpec EfoConsumer(std::string name) {
  return Consumer(std::move(name), ConsumerType::kEfo);
}

inline ConsumerSpec LambdaConsumer(std::string name, SimDuration per_batch) {
  ConsumerSpec c = Consumer(std::move(name), ConsumerType::kLambda);
  c.lambda.function.duration.per_batch = per_batch;
  return c;
}

}  // namespace shardsim::support
