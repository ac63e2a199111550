// The result of a sweep (planner/sweep.h): one row of headline figures per grid point, as plain
// structs for sweep.csv and sweep.json (reports/sweep_output.h). No behaviour.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/result/size_result.h"

namespace shardsim {

struct SweepConsumerFigures {
  std::string consumer;
  MeanCi p99_latency_ms;
  MeanCi max_iterator_age_ms;
};

struct SweepPoint {
  std::vector<std::string> values;  // one label per axis (planner/grid.h ValueLabel)
  int replications = 0;
  int objectives_met = 0;  // replications meeting every objective (planner/objectives.h)
  std::string missed;      // the first failing replication's first missed objective
  MeanCi cost_per_month_usd;
  bool priced = false;
  MeanCi throttled_fraction;
  MeanCi records_dropped;
  std::vector<SweepConsumerFigures> consumers;
};

struct SweepResult {
  std::string scenario;
  std::vector<std::string> axes;  // JSON pointers, in --set order (the last varies fastest)
  std::vector<std::string> objectives;
  std::vector<SweepPoint> points;
};

}  // namespace shardsim
