// Simulation: owns the event queue, the components and the metrics of one run. A run is a pure
// function of (model, seed, replication): no global or static state, so any number of
// simulations may run in one process, one per thread. A Simulation itself is not thread-safe.
//
// Components receive a Context (now, schedule, cancel, rng, metrics) and handle their own events
// through one virtual call per event; events carry a 32-bit tag the component interprets.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/event_queue.h"
#include "sim/metrics.h"
#include "sim/rng.h"
#include "sim/time.h"

namespace shardsim {

class Simulation;
class Component;

// What a component sees of the simulation. One Context per component; it targets that component
// by default.
class Context {
 public:
  SimTime Now() const;
  // REQUIRES: at >= Now() (and phase not before the current one at equal times).
  EventHandle Schedule(SimTime at, uint32_t tag, Phase phase = Phase::kDefault);
  EventHandle ScheduleAfter(SimDuration delay, uint32_t tag, Phase phase = Phase::kDefault) {
    return Schedule(Now() + delay, tag, phase);
  }
  // Schedules an event for another component (by its id).
  EventHandle ScheduleFor(uint32_t component_id, SimTime at, uint32_t tag,
                          Phase phase = Phase::kDefault);
  // Cancels a pending event and resets h; false if it already fired (see EventQueue::Cancel).
  bool Cancel(EventHandle& h);
  // A random stream for (seed, replication, this component's name, purpose).
  Rng MakeRng(std::string_view purpose) const;
  MetricsRegistry& metrics();
  // Ends the run after the current event.
  void Stop();
  uint32_t component_id() const { return id_; }
  const std::string& component_name() const;

 private:
  friend class Simulation;
  Context(Simulation* sim, uint32_t id) : sim_(sim), id_(id) {}
  Simulation* sim_;
  uint32_t id_;
};

class Component {
 public:
  explicit Component(std::string name) : name_(std::move(name)) {}
  virtual ~Component() = default;
  Component(const Component&) = delete;
  Component& operator=(const Component&) = delete;

  // Called once when the run starts (schedule the first events here).
  virtual void Start(Context& ctx) { (void)ctx; }
  virtual void OnEvent(Context& ctx, uint32_t tag) = 0;
  // Called once when the run ends, at the end time (flush time-weighted statistics here).
  virtual void Finish(Context& ctx) { (void)ctx; }

  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

struct SimulationOptions {
  uint64_t seed = 1;
  uint64_t replication = 0;
};

class Simulation {
 public:
  explicit Simulation(SimulationOptions options = {});
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Takes ownership; returns the component id. Component names must be unique (they key the
  // random streams). REQUIRES: the run has not started.
  uint32_t Add(std::unique_ptr<Component> c);
  template <class T, class... Args>
  T& Emplace(Args&&... args) {
    auto owned = std::make_unique<T>(std::forward<Args>(args)...);
    T& ref = *owned;
    Add(std::move(owned));
    return ref;
  }

  // Runs events with time <= end (all phases), then sets Now() to end. Calls Start on the first
  // run and never Finish (see Finish()).
  void RunUntil(SimTime end);
  // Runs until no event is pending or Stop() is called.
  void RunUntilEmpty();
  // Calls every component's Finish at Now(). Idempotent.
  void Finish();
  void Stop() { stopped_ = true; }
  // Clears a Stop() so the run can continue (benchmarks and step-wise drivers).
  void ResumeAfterStop() { stopped_ = false; }
  bool stopped() const { return stopped_; }

  SimTime Now() const { return now_; }
  uint64_t events_processed() const { return events_processed_; }
  size_t pending_events() const { return queue_.size(); }
  const SimulationOptions& options() const { return options_; }
  MetricsRegistry& metrics() { return metrics_; }
  Context& context(uint32_t component_id) { return *contexts_[component_id]; }
  Component& component(uint32_t component_id) { return *components_[component_id]; }
  size_t component_count() const { return components_.size(); }

 private:
  friend class Context;
  void StartIfNeeded();
  void RunLoop(uint64_t limit_key);

  SimulationOptions options_;
  EventQueue queue_;
  MetricsRegistry metrics_;
  std::vector<std::unique_ptr<Component>> components_;
  std::vector<std::unique_ptr<Context>> contexts_;
  // Built at start: one entry per component, so dispatching an event is one load and a call.
  struct Target {
    Component* component;
    Context* context;
  };
  std::vector<Target> dispatch_;
  SimTime now_ = SimTime::Zero();
  uint64_t events_processed_ = 0;
  bool started_ = false;
  bool finished_ = false;
  bool stopped_ = false;
};

inline SimTime Context::Now() const { return sim_->now_; }
inline EventHandle Context::Schedule(SimTime at, uint32_t tag, Phase phase) {
  return sim_->queue_.Push(at, phase, id_, tag);
}
inline EventHandle Context::ScheduleFor(uint32_t component_id, SimTime at, uint32_t tag,
                                        Phase phase) {
  return sim_->queue_.Push(at, phase, component_id, tag);
}
inline bool Context::Cancel(EventHandle& h) { return sim_->queue_.Cancel(h); }
inline MetricsRegistry& Context::metrics() { return sim_->metrics_; }
inline void Context::Stop() { sim_->stopped_ = true; }

}  // namespace shardsim
