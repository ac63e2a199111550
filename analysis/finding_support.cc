// What the finding rules share. See finding_support.h.
#include "analysis/finding_support.h"

#include <cctype>
#include <utility>

#include "models/result/format.h"

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

std::string CountNoun(uint64_t n, std::string_view singular, std::string_view plural) {
  return Grouped(n) + " " + std::string(Noun(n, singular, plural));
}

std::string_view Noun(uint64_t n, std::string_view singular, std::string_view plural) {
  return n == 1 ? singular : plural;
}

namespace {

std::string Join(const std::vector<std::string>& items, const char* last) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? last : ", ";
    out += items[i];
  }
  return out;
}

}  // namespace

std::string JoinAnd(const std::vector<std::string>& items) { return Join(items, " and "); }

std::string JoinOr(const std::vector<std::string>& items) { return Join(items, " or "); }

std::string Capitalized(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

std::string Sentences(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += " ";
    out += Capitalized(item) + ".";
  }
  return out;
}

const Finding* FindFinding(const std::vector<Finding>& findings, FindingKind kind, int consumer) {
  for (const Finding& f : findings) {
    if (f.kind == kind && (consumer < 0 || f.consumer == consumer)) return &f;
  }
  return nullptr;
}

std::optional<double> FigureOf(const Finding& f, std::string_view name) {
  for (const FindingFigure& x : f.figures) {
    if (x.name == name) return x.value;
  }
  return std::nullopt;
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

double ThrottledShare(const ConsumerResult& c) {
  const uint64_t attempts = c.get_records_calls + c.read_throttles;
  return attempts == 0 ? 0.0
                       : static_cast<double>(c.read_throttles) / static_cast<double>(attempts);
}

bool AllStreamProducersAggregate(const Scenario& s) {
  bool any = false;
  for (const ProducerSpec& p : s.producers) {
    if (!p.target.empty()) continue;
    if (!(p.api.type == ApiType::kKpl && p.api.aggregation)) return false;
    any = true;
  }
  return any;
}

}  // namespace shardsim
