// A TaskSpread over the ranks of an MPI job (Open MPI through Boost.MPI). Built, when CMake finds
// MPI, as a plugin (libshardsim_mpi.so next to the shardsim executable) that the CLI loads with
// dlopen only when an MPI launcher started several ranks: a plain `shardsim run` never loads MPI's
// libraries (they cost ~5 ms of dynamic linking at every start). Each rank runs its share of the
// tasks on its own threads and sends the encoded results to rank 0. Thread safety: MPI calls come
// from the creating thread only (MPI_THREAD_FUNNELED); worker threads never call MPI.
#pragma once

#include "planner/spread.h"

// The plugin's file name and entry point.
inline constexpr const char* kShardsimMpiPlugin = "libshardsim_mpi.so";
inline constexpr const char* kShardsimMpiEntry = "ShardsimStartMpiSpread";

// Initialises MPI; the returned spread (owned by the caller, delete through TaskSpread) finalises
// it when destroyed. REQUIRES: called at most once per process, from the main thread.
extern "C" shardsim::TaskSpread* ShardsimStartMpiSpread();
