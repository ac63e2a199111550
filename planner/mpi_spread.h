// A TaskSpread over the ranks of an MPI job (Open MPI through Boost.MPI), built only when CMake
// finds MPI (SHARDSIM_HAVE_MPI). Each rank runs its share of the tasks on its own threads and
// sends the encoded results to rank 0. Only this file's .cc includes MPI headers, so the rest of
// the build does not pay for them. Thread safety: MPI calls come from the creating thread only
// (MPI_THREAD_FUNNELED); worker threads never call MPI.
#pragma once

#include <memory>

#include "planner/spread.h"

namespace shardsim {

// Initialises MPI; the returned spread finalises it when destroyed.
// REQUIRES: called at most once per process, from the main thread.
std::unique_ptr<TaskSpread> StartMpiSpread();

}  // namespace shardsim
