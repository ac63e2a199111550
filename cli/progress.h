// A one-line progress display for long commands: `run` now, `size` and `sweep` later. Drawn on a
// terminal only (stderr by default), redrawn in place with "\r", at most about four times a
// second and only once the command has taken a moment, so that short commands print nothing and
// logs stay clean. Not thread-safe: one thread updates it (sweeps collect their counts first).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "models/run/model_graph.h"

namespace shardsim::cli {

class Progress {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    std::chrono::milliseconds first_after{1000};  // nothing is drawn before this
    std::chrono::milliseconds min_interval{250};  // between two redraws
    std::function<Clock::time_point()> now;       // for tests; steady_clock by default
  };

  // Draws to `out` only if `enabled` (e.g. StderrIsTerminal()).
  Progress(std::ostream& out, bool enabled);
  Progress(std::ostream& out, bool enabled, Options options);
  ~Progress();  // Finish()
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool enabled() const { return enabled_; }
  // Whether an Update now would be drawn: callers may skip formatting the line when not.
  bool Due() const;
  // Redraws the line if due; longer lines than the last are padded over, none is wrapped.
  void Update(std::string_view line);
  // Clears the line if one was drawn; later updates draw nothing. Idempotent.
  void Finish();

  // "3/10 points, 1min 20s left" for a command of `total` equal steps begun `elapsed` ago
  // (`unit` is plural; no estimate before the first step is done).
  static std::string Steps(uint64_t done, uint64_t total, std::string_view unit,
                           std::chrono::duration<double> elapsed);
  // A wall-clock span as "45s", "3min 05s", "2h 10min".
  static std::string Span(std::chrono::duration<double> span);

 private:
  std::ostream& out_;
  bool enabled_;
  Options options_;
  Clock::time_point start_;
  Clock::time_point last_{};
  bool drawn_ = false;
  size_t width_ = 0;  // characters of the line on screen
};

// Whether standard error is a terminal (isatty).
bool StderrIsTerminal();

// The line a run shows: "simulated 2h 10min of 24h (9 %), 12,345,678 events, 1,234,567 records".
std::string RunProgressLine(const RunProgress& p);

// A hook that shows a run's progress on `progress` (which must outlive it); none if disabled.
std::optional<ProgressHook> RunProgressHook(Progress* progress);

}  // namespace shardsim::cli
