// --set parsing, ranges and sweep grids; the thread pool's determinism.
#include "planner/grid.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "planner/pool.h"

namespace shardsim {
namespace {

using nlohmann::json;

TEST(GridTest, ValueIsJsonWhenItParsesAndAPlainStringOtherwise) {
  const ParsedSet a = ParseSet("/stream/shards=8", false);
  ASSERT_TRUE(a.ok()) << a.error;
  EXPECT_EQ(a.set.pointer, "/stream/shards");
  EXPECT_EQ(a.set.values, (std::vector<json>{8}));
  EXPECT_EQ(ParseSet("/producers/0/rate=6000/s", false).set.values, (std::vector<json>{"6000/s"}));
  EXPECT_EQ(ParseSet("/x=\"8\"", false).set.values, (std::vector<json>{"8"}));
  EXPECT_EQ(ParseSet("/x=true", false).set.values, (std::vector<json>{true}));
  // Without a list, commas are part of the value.
  EXPECT_EQ(ParseSet("/x=a,b", false).set.values, (std::vector<json>{"a,b"}));
}

TEST(GridTest, ListsAndRangesExpandInOrder) {
  EXPECT_EQ(ParseSet("/s=4..64*2", true).set.values, (std::vector<json>{4, 8, 16, 32, 64}));
  EXPECT_EQ(ParseSet("/s=4..12+2", true).set.values, (std::vector<json>{4, 6, 8, 10, 12}));
  EXPECT_EQ(ParseSet("/s=1,3..5+1,[1,2]", true).set.values,
            (std::vector<json>{1, 3, 4, 5, json::array({1, 2})}));
  const ParsedSet f = ParseSet("/f=0.1..0.3+0.1", true);
  ASSERT_EQ(f.set.values.size(), 3u);
  EXPECT_DOUBLE_EQ(f.set.values[2].get<double>(), 0.1 + 0.1 * 2);
  EXPECT_EQ(ParseSet("/d=1min,5min", true).set.values, (std::vector<json>{"1min", "5min"}));
}

TEST(GridTest, BadArgumentsNameTheRule) {
  EXPECT_NE(ParseSet("stream/shards=8", false).error.find("expected /json/pointer=value"),
            std::string::npos);
  EXPECT_NE(ParseSet("/stream/shards=", false).error.find("no value"), std::string::npos);
  EXPECT_NE(ParseSet("/s=64..4*2", true).error.find("ends below its start"), std::string::npos);
  EXPECT_NE(ParseSet("/s=4..64*1", true).error.find("factor must be > 1"), std::string::npos);
  EXPECT_NE(ParseSet("/s=4..64", true).error.find("not a range"), std::string::npos);
  EXPECT_NE(ParseSet("/s=1..1000000+1", true).error.find("more than"), std::string::npos);
  EXPECT_NE(ParseSet("/s=1,,2", true).error.find("empty item"), std::string::npos);
}

TEST(GridTest, GridIsTheProductWithTheLastAxisFastest) {
  const auto points = GridPoints({{"/a", {1, 2}}, {"/b", {"x", "y", "z"}}});
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(points[0], (std::vector<json>{1, "x"}));
  EXPECT_EQ(points[1], (std::vector<json>{1, "y"}));
  EXPECT_EQ(points[5], (std::vector<json>{2, "z"}));
  EXPECT_EQ(GridPoints({}).size(), 1u);  // no axes: the scenario itself
}

TEST(PoolTest, EveryTaskRunsOnceAndProgressReachesTheEnd) {
  for (int threads : {1, 2, 5}) {
    std::vector<int> hits(101, 0);
    size_t last = 0, calls = 0;
    ParallelFor(
        hits.size(), threads, [&](size_t i) { hits[i] += static_cast<int>(i) + 1; },
        [&](size_t done, size_t count) {
          EXPECT_EQ(count, hits.size());
          EXPECT_GT(done, last);
          last = done;
          ++calls;
        });
    for (size_t i = 0; i < hits.size(); ++i) EXPECT_EQ(hits[i], static_cast<int>(i) + 1);
    EXPECT_EQ(last, hits.size());
    EXPECT_EQ(calls, hits.size());
  }
}

}  // namespace
}  // namespace shardsim
