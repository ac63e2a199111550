// What the finding rules of analysis/ share: the figures of a finding built from any number type,
// and the lookups and shares several rules need (a consumer's spec, a shard's index by id, who
// shares the read limits). Internal to analysis/. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "models/result/run_result.h"
#include "models/spec/scenario.h"

namespace shardsim {

// One figure from any arithmetic value, so counts (uint64_t) and ratios (double) can be listed
// side by side in a braced list without narrowing casts.
struct Figure {
  template <typename T>
  requires std::is_arithmetic_v<T> Figure(std::string_view name, T value)
      : figure{std::string(name), static_cast<double>(value)} {}

  FindingFigure figure;
};

// Appended to every recommendation that names a shard count from a formula.
inline constexpr std::string_view kFirstEstimate =
    " This is a first estimate: `shardsim size` verifies a shard count by simulation.";

// Appends `figures` to f->figures, in order.
void AddFigures(Finding* f, std::initializer_list<Figure> figures);

// A finding of `kind` and `severity` about `subject`, concerning no shard, producer or consumer
// and with no figures yet: the rule fills in the rest field by field.
Finding NewFinding(FindingKind kind, Severity severity, std::string subject);

// Appends `f` to `out` when a rule produced it.
void Append(std::vector<Finding>* out, std::optional<Finding> f);

// `n` with its noun, singular for exactly one: "1 record", "2,048 records".
std::string CountNoun(uint64_t n, std::string_view singular, std::string_view plural);

// The noun alone, singular for exactly one.
std::string_view Noun(uint64_t n, std::string_view singular, std::string_view plural);

// "a", "a and b", "a, b and c"; "" for none.
std::string JoinAnd(const std::vector<std::string>& items);

// "a", "a or b", "a, b or c"; "" for none.
std::string JoinOr(const std::vector<std::string>& items);

// `text` with its first letter upper case (ASCII).
std::string Capitalized(std::string text);

// Each item as a sentence: capitalised, ended with ".", joined by spaces.
std::string Sentences(const std::vector<std::string>& items);

// The first finding of `kind` in `findings`, or nullptr; with `consumer` >= 0, the first about
// that consumer. Rules point to other findings only when this finds them ("see hot_shard").
const Finding* FindFinding(const std::vector<Finding>& findings, FindingKind kind,
                           int consumer = -1);

// The value of figure `name` of `f`, or nullopt.
std::optional<double> FigureOf(const Finding& f, std::string_view name);

// The scenario's consumer named `name`, or nullptr.
const ConsumerSpec* SpecOf(const Scenario& s, const std::string& name);

// Whether there is a producer writing to the stream and every one aggregates with the KPL (Direct
// PUT producers to Firehose do not write to the stream): then aggregation is no advice.
bool AllStreamProducersAggregate(const Scenario& s);

// ShardResult::index of the shard whose id is `shard_id`, or -1 when the result has none.
int ShardIndexOf(const RunResult& r, const std::string& shard_id);

// GetRecords calls refused over calls attempted (0 without calls).
double ThrottledShare(const ConsumerResult& c);

}  // namespace shardsim
