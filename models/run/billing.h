// The billing quantities of a run (fact sheet 9), in the units of models/spec/price_dimensions.h:
// what AWS would meter for the simulated time. Counted from the models' own counters at the end of
// a run; analysis/cost prices them. Pure function; thread-safe.
#pragma once

#include <vector>

#include "models/result/run_result.h"
#include "models/spec/scenario.h"

namespace shardsim {

// Fills result->billing. REQUIRES: the run's shards, producers and consumers filled.
//   Provisioned: shard-hours over open shards; PUT payload units (each 25 KiB chunk of a stored
//   record, at least 1); extended-retention shard-hours when retention > 24 h; long-term
//   retention GB-months for data kept beyond 7 days (steady state: the bytes a run's ingest rate
//   keeps beyond 7 days, over the run's share of a month); enhanced-monitoring metric-months (7
//   shard-level metrics per open shard) when enabled.
//   On-demand: stream-hours; GB in with each record rounded up to 1 KiB; GB read by GetRecords
//   and pushed by enhanced fan-out; retention GB-months.
//   A run that switched modes (result->mode_periods): each mode's dimensions over its own
//   stretches -- shard-hours, payload units and EFO consumer-shard-hours while provisioned;
//   stream-hours, KiB-rounded GB in and GB read while on-demand; retention by each mode's share
//   of the bytes in.
//   Both: EFO consumer-shard-hours (provisioned) and GB pushed; Lambda requests and GB-seconds by
//   architecture; Firehose ingestion (5 KB-rounded), format-conversion and dynamic-partitioning
//   GB and objects, S3 PUT requests; KCL lease-table writes.
// GB = 2^30 bytes.
void CountBilling(const Scenario& scenario, RunResult* result);

}  // namespace shardsim
