// ParallelFor on std::thread workers. See pool.h.
#include "planner/pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace shardsim {

int HardwareThreads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

void ParallelFor(size_t count, int threads, const std::function<void(size_t)>& task,
                 const std::function<void(size_t, size_t)>& progress) {
  if (count == 0) return;
  const size_t workers = std::min<size_t>(count, static_cast<size_t>(std::max(threads, 1)));
  if (workers <= 1) {
    for (size_t i = 0; i < count; ++i) {
      task(i);
      if (progress) progress(i + 1, count);
    }
    return;
  }
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::condition_variable cv;
  size_t done = 0;
  auto work = [&] {
    for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
      task(i);
      {
        std::lock_guard<std::mutex> lock(mu);
        ++done;
      }
      cv.notify_one();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (size_t w = 1; w < workers; ++w) pool.emplace_back(work);
  // The caller works too, and reports progress between its own tasks and while waiting.
  size_t reported = 0;
  auto report = [&](std::unique_lock<std::mutex>& lock) {
    while (reported < done) {
      const size_t now = ++reported;
      lock.unlock();
      if (progress) progress(now, count);
      lock.lock();
    }
  };
  for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
    task(i);
    std::unique_lock<std::mutex> lock(mu);
    ++done;
    report(lock);
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    while (done < count) {
      cv.wait(lock, [&] { return done > reported || done == count; });
      report(lock);
    }
    report(lock);
  }
  for (std::thread& t : pool) t.join();
}

}  // namespace shardsim
