// Property test (rapidcheck): conservation under random small scenarios. Whatever the API
// (PutRecord, PutRecords, KPL), load against the shards' limits, retries, call timeouts and
// consumers, every user record produced is accounted for exactly once (accepted, dropped or in
// flight at the end), the shards stored what the producers say they stored, and the run's own
// conservation check agrees. Scenarios are a few simulated seconds, so the property stays fast.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <string>

#include "models/spec/loader/scenario_loader.h"
#include "planner/session.h"

namespace shardsim {
namespace {

std::string RandomScenario() {
  // Full ranges from the first case (rapidcheck scales ranges with its size otherwise).
  const auto n = [](int lo, int hi) {
    return std::to_string(*rc::gen::resize(100, rc::gen::inRange(lo, hi + 1)));
  };
  const std::string api = *rc::gen::element<std::string>("PutRecord", "PutRecords", "KPL");
  std::string p = R"({"name": "p", "instances": )" + n(1, 4) + R"(, "rate": ")" + n(50, 3000) +
                  R"(/s", "arrival": {"process": ")" +
                  *rc::gen::element<std::string>("poisson", "constant") +
                  R"("}, "record_size": {"dist": "uniform", "min": ")" + n(1, 200) +
                  R"(B", "max": ")" + n(200, 4000) + R"(B"}, "keys": {"dist": ")" +
                  *rc::gen::element<std::string>("uniform", "zipf") + R"(", "count": )" +
                  n(1, 500) + R"(}, "api": {"type": ")" + api + R"(")";
  if (api == "PutRecords") p += R"(, "linger": ")" + n(1, 200) + R"(ms")";
  p += R"(, "call_latency": {"dist": "fixed", "value": ")" + n(1, 300) + R"(ms"})";
  if (api == "KPL") {  // the KPL retries by itself until record_ttl
    p += R"(, "record_ttl": ")" + n(100, 3000) + R"(ms"}})";
  } else {
    p += R"(}, "retry": {"max_attempts": )" + n(1, 5) + R"(, "base_delay": ")" + n(10, 200) +
         R"(ms", "jitter": ")" + *rc::gen::element<std::string>("full", "none") + R"(")";
    if (*rc::gen::arbitrary<bool>()) p += R"(, "call_timeout": ")" + n(50, 400) + R"(ms")";
    p += "}}";
  }
  std::string consumers;
  switch (*rc::gen::inRange(0, 4)) {
    case 1:
      consumers =
          R"([{"name": "c", "type": "polling", "poll_interval": ")" + n(100, 1000) + R"(ms"}])";
      break;
    case 2:
      consumers = R"([{"name": "c", "type": "efo"}])";
      break;
    case 3:
      consumers = R"([{"name": "c", "type": "lambda", "batch_size": )" + n(1, 200) +
                  R"(, "function": {"duration": ")" + n(1, 500) + R"(ms"}}])";
      break;
    default:
      consumers = "[]";
  }
  return R"({"name": "prop", "seed": )" + n(0, 1000) + R"(, "duration": ")" + n(2, 8) +
         R"(s", "producers": [)" + p + R"(], "stream": {"shards": )" + n(1, 4) +
         R"(}, "consumers": )" + consumers + "}";
}

RC_GTEST_PROP(ConservationProperty, EveryRecordIsAccountedOnce, ()) {
  const std::string text = RandomScenario();
  RC_LOG() << text << "\n";
  const LoadResult loaded = LoadScenarioText(text, "prop.json", "");
  for (const Diagnostic& d : loaded.errors) RC_LOG() << d.pointer << ": " << d.message << "\n";
  RC_ASSERT(loaded.ok());
  const RunOutcome o = RunScenario(*loaded.scenario, {});
  RC_ASSERT(o.input_errors.empty());
  RC_ASSERT(o.result.has_value());
  const RunResult& r = *o.result;
  RC_ASSERT(r.conservation.ok);
  uint64_t produced = 0, stored_by_producers = 0, stored_by_shards = 0;
  for (const ProducerResult& p : r.producers) {
    RC_ASSERT(p.records_produced == p.records_accepted + p.records_dropped + p.records_in_flight);
    RC_ASSERT(p.records_oversized <= p.records_dropped);
    produced += p.records_produced;
    stored_by_producers += p.kinesis_records_accepted;
  }
  for (const ShardResult& s : r.shards) stored_by_shards += s.records_in;
  RC_ASSERT(produced == r.conservation.produced);
  RC_ASSERT(produced > 0u);
  RC_TAG(produced > 10000 ? "over 10k records" : "up to 10k records");
  RC_ASSERT(stored_by_shards == stored_by_producers);
  for (const ConsumerResult& c : r.consumers) {
    RC_ASSERT(c.records_processed + c.records_expired <= stored_by_shards);
  }
}

}  // namespace
}  // namespace shardsim
