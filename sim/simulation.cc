// Simulation run loop. See simulation.h.
#include "sim/simulation.h"

#include "sim/check.h"

namespace shardsim {

Simulation::Simulation(SimulationOptions options) : options_(options) {}
Simulation::~Simulation() = default;

uint32_t Simulation::Add(std::unique_ptr<Component> c) {
  SHARDSIM_CHECK(!started_, "components must be added before the run starts");
  SHARDSIM_CHECK(c != nullptr);
  for (const auto& existing : components_) {
    SHARDSIM_CHECK(existing->name() != c->name(),
                   "component names key RNG streams: must be unique");
  }
  const auto id = static_cast<uint32_t>(components_.size());
  components_.push_back(std::move(c));
  contexts_.push_back(std::unique_ptr<Context>(new Context(this, id)));
  return id;
}

const std::string& Context::component_name() const { return sim_->components_[id_]->name(); }

Rng Context::MakeRng(std::string_view purpose) const {
  return Rng(sim_->options_.seed, sim_->options_.replication,
             StreamId(sim_->components_[id_]->name(), purpose));
}

void Simulation::StartIfNeeded() {
  if (started_) return;
  started_ = true;
  for (size_t i = 0; i < components_.size(); ++i) {
    dispatch_.push_back({components_[i].get(), contexts_[i].get()});
  }
  for (size_t i = 0; i < components_.size(); ++i) components_[i]->Start(*contexts_[i]);
}

void Simulation::RunLoop(uint64_t limit_key) {
  QueuedEvent e{};
  const Target* const targets = dispatch_.data();
  uint64_t processed = 0;
  while (!stopped_ && queue_.PopUntil(limit_key, &e)) {
    now_ = e.time();
    ++processed;
    const Target& t = targets[e.target];
    t.component->OnEvent(*t.context, e.tag);
  }
  events_processed_ += processed;
}

void Simulation::RunUntil(SimTime end) {
  SHARDSIM_CHECK(end >= now_, "cannot run backwards in time");
  SHARDSIM_CHECK(end.nanos() <= kMaxQueueTimeNanos, "end time beyond the event queue's range");
  StartIfNeeded();
  RunLoop(EventQueue::MakeKey(end, static_cast<Phase>((1u << kPhaseBits) - 1)));
  if (!stopped_) now_ = end;
}

void Simulation::RunUntilEmpty() {
  StartIfNeeded();
  RunLoop(~uint64_t{0});
}

void Simulation::Finish() {
  if (finished_) return;
  finished_ = true;
  for (size_t i = 0; i < components_.size(); ++i) components_[i]->Finish(*contexts_[i]);
}

}  // namespace shardsim
