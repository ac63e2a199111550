// Where a planner command's tasks run: this process alone, or spread over the ranks of an MPI job
// (planner/mpi_spread.h). Tasks are numbered 0..count-1; task t runs on rank t % ranks (static
// round-robin), and rank 0 gathers every task's result, as bytes, in task order, so what rank 0
// folds and writes is the same whatever the number of ranks. This header knows nothing of MPI.
// Thread safety: one command (one thread) uses a TaskSpread at a time.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <string>
#include <vector>

namespace shardsim {

class TaskSpread {
 public:
  virtual ~TaskSpread() = default;

  virtual int rank() const = 0;
  virtual int ranks() const = 0;
  bool Root() const { return rank() == 0; }
  // Does this rank run task t?
  bool Mine(size_t t) const {
    return t % static_cast<size_t>(ranks()) == static_cast<size_t>(rank());
  }

  // Collective: every rank calls it once per task list, with the encoded results of its own tasks
  // in ascending task order. Returns, on rank 0, the results of all `count` tasks in task order;
  // on other ranks, nothing.
  virtual std::vector<std::string> Gather(std::vector<std::string> mine, size_t count) = 0;
};

// One process: every task is local and Gather returns its input.
class LocalSpread final : public TaskSpread {
 public:
  int rank() const override { return 0; }
  int ranks() const override { return 1; }
  std::vector<std::string> Gather(std::vector<std::string> mine, size_t) override { return mine; }
};

// The launcher's view of this process, from the environment mpirun (Open MPI) or mpiexec (MPICH,
// Slurm's PMI) sets: the number of processes started (1 when not started by a launcher) and this
// one's rank. Lets a command decide whether to start MPI at all: a plain `shardsim sweep` never
// initialises it.
inline int LauncherEnv(const char* ompi, const char* pmi, int fallback) {
  for (const char* name : {ompi, pmi}) {
    if (const char* v = std::getenv(name); v != nullptr && *v != '\0') return std::atoi(v);
  }
  return fallback;
}
inline int LauncherRanks() { return LauncherEnv("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", 1); }
inline int LauncherRank() { return LauncherEnv("OMPI_COMM_WORLD_RANK", "PMI_RANK", 0); }

}  // namespace shardsim
