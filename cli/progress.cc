// Progress display. See progress.h.
#include "cli/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <utility>

#include "models/result/format.h"

namespace shardsim::cli {

Progress::Progress(std::ostream& out, bool enabled) : Progress(out, enabled, Options{}) {}

Progress::Progress(std::ostream& out, bool enabled, Options options)
    : out_(out), enabled_(enabled), options_(std::move(options)) {
  if (!options_.now) options_.now = [] { return Clock::now(); };
  start_ = options_.now();
}

Progress::~Progress() { Finish(); }

bool Progress::Due() const {
  if (!enabled_) return false;
  const Clock::time_point now = options_.now();
  if (now - start_ < options_.first_after) return false;
  return !drawn_ || now - last_ >= options_.min_interval;
}

void Progress::Update(std::string_view line) {
  if (!Due()) return;
  last_ = options_.now();
  drawn_ = true;
  out_ << '\r' << line;
  if (line.size() < width_) out_ << std::string(width_ - line.size(), ' ');
  width_ = line.size();
  out_.flush();
}

void Progress::Finish() {
  if (drawn_) {
    out_ << '\r' << std::string(width_, ' ') << '\r';
    out_.flush();
  }
  drawn_ = false;
  enabled_ = false;
}

std::string Progress::Span(std::chrono::duration<double> span) {
  const auto s = static_cast<int64_t>(std::llround(std::max(0.0, span.count())));
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lldmin %02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lldh %02lldmin", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  }
  return buf;
}

std::string Progress::Steps(uint64_t done, uint64_t total, std::string_view unit,
                            std::chrono::duration<double> elapsed) {
  std::string out = std::to_string(done) + "/" + std::to_string(total) + " " + std::string(unit);
  if (done > 0 && done < total) {
    const double left =
        elapsed.count() / static_cast<double>(done) * static_cast<double>(total - done);
    out += ", " + Span(std::chrono::duration<double>(left)) + " left";
  }
  return out;
}

bool StderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

std::string RunProgressLine(const RunProgress& p) {
  const double done = static_cast<double>(p.now.nanos()) / static_cast<double>(p.end.nanos());
  return "simulated " + Progress::Span(std::chrono::duration<double>(p.now.nanos() * 1e-9)) +
         " of " + Progress::Span(std::chrono::duration<double>(p.end.nanos() * 1e-9)) + " (" +
         std::to_string(static_cast<int>(std::floor(100 * done))) + " %), " + Grouped(p.events) +
         " events, " + Grouped(p.records) + " records";
}

std::optional<ProgressHook> RunProgressHook(Progress* progress) {
  if (!progress->enabled()) return std::nullopt;
  ProgressHook hook;
  hook.report = [progress](const RunProgress& p) {
    if (progress->Due()) progress->Update(RunProgressLine(p));
  };
  return hook;
}

}  // namespace shardsim::cli
