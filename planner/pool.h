// A fixed pool of worker threads for independent tasks (simulation runs of a sweep or a size
// search). Task i writes only its own output slot, so results are identical whatever the thread
// count; the pool only decides which thread runs a task and when. Progress is reported from the
// calling thread. Thread safety: ParallelFor is called from one thread at a time.
#pragma once

#include <cstddef>
#include <functional>

namespace shardsim {

// Runs task(i) for i in [0, count) on `threads` threads (the calling thread included; threads
// <= 1 runs them in order on the caller). `progress(done, count)`, when set, is called on the
// calling thread after each task finishes, in no particular task order. A task must not throw.
void ParallelFor(size_t count, int threads, const std::function<void(size_t)>& task,
                 const std::function<void(size_t, size_t)>& progress = {});

// The machine's hardware threads (at least 1).
int HardwareThreads();

}  // namespace shardsim
