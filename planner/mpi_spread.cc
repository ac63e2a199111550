// TaskSpread on Boost.MPI. See mpi_spread.h. A non-root rank sends its results as one message: a
// count, then (length, bytes) per task; rank 0 receives from ranks 1..N-1 in order and puts each
// result at its task index (rank r ran tasks r, r + N, r + 2N, ...).
#include "planner/mpi_spread.h"

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "sim/check.h"

namespace shardsim {
namespace {

namespace mpi = boost::mpi;

constexpr int kSizeTag = 1;
constexpr int kBytesTag = 2;

void PutCount(std::string* out, uint64_t n) {
  out->append(reinterpret_cast<const char*>(&n), sizeof n);
}

uint64_t GetCount(const std::string& in, size_t* pos) {
  SHARDSIM_CHECK(*pos + sizeof(uint64_t) <= in.size());
  uint64_t n;
  std::memcpy(&n, in.data() + *pos, sizeof n);
  *pos += sizeof n;
  return n;
}

class MpiSpread final : public TaskSpread {
 public:
  MpiSpread() : env_(mpi::threading::funneled) {}

  int rank() const override { return world_.rank(); }
  int ranks() const override { return world_.size(); }

  std::vector<std::string> Gather(std::vector<std::string> mine, size_t count) override {
    const auto n = static_cast<size_t>(ranks());
    if (!Root()) {
      std::string blob;
      PutCount(&blob, mine.size());
      for (const std::string& m : mine) {
        PutCount(&blob, m.size());
        blob.append(m);
      }
      const uint64_t bytes = blob.size();
      world_.send(0, kSizeTag, bytes);
      world_.send(0, kBytesTag, blob.data(), static_cast<int>(blob.size()));
      return {};
    }
    std::vector<std::string> all(count);
    SHARDSIM_CHECK(mine.size() == (count + n - 1) / n);
    for (size_t i = 0; i < mine.size(); ++i) all[i * n] = std::move(mine[i]);
    for (size_t r = 1; r < n; ++r) {
      uint64_t bytes = 0;
      world_.recv(static_cast<int>(r), kSizeTag, bytes);
      std::string blob(bytes, '\0');
      world_.recv(static_cast<int>(r), kBytesTag, blob.data(), static_cast<int>(bytes));
      size_t pos = 0;
      const uint64_t tasks = GetCount(blob, &pos);
      SHARDSIM_CHECK(tasks == (count > r ? (count - r + n - 1) / n : 0),
                     "a rank sent as many results as it has tasks");
      for (uint64_t i = 0; i < tasks; ++i) {
        const uint64_t len = GetCount(blob, &pos);
        SHARDSIM_CHECK(pos + len <= blob.size());
        all[r + i * n] = blob.substr(pos, len);
        pos += len;
      }
      SHARDSIM_CHECK(pos == blob.size());
    }
    return all;
  }

 private:
  mpi::environment env_;
  mpi::communicator world_;
};

}  // namespace

}  // namespace shardsim

extern "C" shardsim::TaskSpread* ShardsimStartMpiSpread() { return new shardsim::MpiSpread(); }
