// What the finding rules share. See finding_support.h.
#include "analysis/finding_support.h"

#include <utility>

namespace shardsim {

void AddFigures(Finding* f, std::initializer_list<Figure> figures) {
  for (const Figure& x : figures) f->figures.push_back(x.figure);
}

Finding NewFinding(FindingKind kind, Severity severity, std::string subject) {
  Finding f;
  f.kind = kind;
  f.severity = severity;
  f.subject = std::move(subject);
  return f;
}

void Append(std::vector<Finding>* out, std::optional<Finding> f) {
  if (f) out->push_back(std::move(*f));
}

const ConsumerSpec* SpecOf(const Scenario& s, const std::string& name) {
  for (const ConsumerSpec& c : s.consumers) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

int ShardIndexOf(const RunResult& r, const std::string& shard_id) {
  for (const ShardResult& s : r.shards) {
    if (s.shard_id == shard_id) return s.index;
  }
  return -1;
}

bool SharesReadLimits(const ConsumerSpec& c) {
  switch (c.type) {
    case ConsumerType::kPolling:
    case ConsumerType::kKcl:
      return true;
    case ConsumerType::kEfo:
      return false;
    case ConsumerType::kLambda:
      return c.lambda.source == LambdaSource::kPolling;
    case ConsumerType::kFirehose:
      return c.firehose.source == FirehoseSource::kStream;
  }
  return false;
}

double ThrottledShare(const ConsumerResult& c) {
  const uint64_t attempts = c.get_records_calls + c.read_throttles;
  return attempts == 0 ? 0.0
                       : static_cast<double>(c.read_throttles) / static_cast<double>(attempts);
}

}  // namespace shardsim
