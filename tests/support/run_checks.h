// Whole-run helpers for GoogleTest tests: prepare a scenario, run one through the session pipeline
// expecting no input errors and conserved records, and look findings up by kind. Tests only
// (GoogleTest); thread-safe as the runs are.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "models/result/run_result.h"
#include "models/run/prepared.h"
#include "planner/session.h"
#include "sim/check.h"

namespace shardsim::support {

// Prepares, runs and analyses `s`; every run must load, finish and conserve its records.
inline RunResult RunOk(const Scenario& s, const RunOptions& options = {}) {
  RunOutcome o = RunScenario(s, options);
  EXPECT_TRUE(o.input_errors.empty());
  EXPECT_TRUE(o.result.has_value());
  if (!o.result.has_value()) return RunResult{};
  EXPECT_TRUE(o.result->conservation.ok) << o.result->conservation.detail;
  return std::move(*o.result);
}

// The prepared scenario of a valid `s` at its own duration (aborts if it cannot be prepared).
inline std::unique_ptr<const PreparedScenario> PrepareOk(const Scenario& s) {
  PreparedScenario::Outcome o = PreparedScenario::Prepare(s, s.duration);
  EXPECT_TRUE(o.problems.empty());
  SHARDSIM_CHECK(o.prepared != nullptr, "the test scenario could not be prepared");
  return std::move(o.prepared);
}

// The first finding of kind `kind` (FindingKindName) whose subject is `subject` (any if empty).
inline const Finding* FindingOf(const RunResult& r, const std::string& kind,
                                const std::string& subject = "") {
  for (const Finding& f : r.findings) {
    if (FindingKindName(f.kind) == kind && (subject.empty() || f.subject == subject)) return &f;
  }
  return nullptr;
}

inline bool HasFinding(const RunResult& r, const std::string& kind,
                       const std::string& subject = "") {
  return FindingOf(r, kind, subject) != nullptr;
}

}  // namespace shardsim::support
