// Overrides of a scenario's JSON before it is read (`--set`, sweep points): the value lands where
// the pointer says and is checked exactly like the file's own; a pointer that leads nowhere is an
// error at that pointer.
#include <gtest/gtest.h>

#include "models/spec/loader/scenario_loader.h"

namespace shardsim {
namespace {

const std::string kExample = std::string(SHARDSIM_SOURCE_DIR) + "/scenarios/write-skew-split.json";

std::string Show(const LoadResult& r) {
  std::string out;
  for (const Diagnostic& d : r.errors) out += FormatDiagnostic("f.json", d) + "\n";
  return out;
}

TEST(OverridesTest, AValueLandsWhereItsPointerSays) {
  const LoadResult r = LoadScenarioFileWithOverrides(
      kExample, {{"/stream/shards", 12}, {"/producers/0/rate", "5000/s"}, {"/seed", 99}});
  ASSERT_TRUE(r.ok()) << Show(r);
  EXPECT_EQ(r.scenario->stream.shards, 12);
  EXPECT_DOUBLE_EQ(r.scenario->producers[0].records_per_sec, 5000);
  EXPECT_EQ(r.scenario->seed, 99u);
  const LoadResult plain = LoadScenarioFile(kExample);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain.scenario->stream.shards, 8);
}

TEST(OverridesTest, ValuesAreCheckedLikeTheFilesOwn) {
  const LoadResult r = LoadScenarioFileWithOverrides(
      kExample, {{"/stream/shards", 0}, {"/producers/0/rate", "fast"}, {"/stream/shardz", 3}});
  EXPECT_FALSE(r.ok());
  const std::string text = Show(r);
  EXPECT_NE(text.find("f.json: /producers/0/rate: expected a rate"), std::string::npos) << text;
  EXPECT_NE(text.find("f.json: /stream/shards: must be between 1 and"), std::string::npos) << text;
  EXPECT_NE(text.find("f.json: /stream/shardz: unknown field \"shardz\", did you mean \"shards\"?"),
            std::string::npos)
      << text;
}

TEST(OverridesTest, APointerThatLeadsNowhereIsAnErrorAtIt) {
  EXPECT_EQ(Show(LoadScenarioFileWithOverrides(kExample, {{"/nope/shards", 1}})),
            "f.json: /nope/shards: cannot set this value: /nope does not exist\n");
  EXPECT_EQ(Show(LoadScenarioFileWithOverrides(kExample, {{"/producers/7/rate", "1/s"}})),
            "f.json: /producers/7/rate: cannot set this value: /producers/7 does not exist\n");
  EXPECT_EQ(Show(LoadScenarioFileWithOverrides(kExample, {{"/producers/x", 1}})),
            "f.json: /producers/x: cannot set this value: \"x\" is not an index of /producers "
            "(0..1)\n");
  EXPECT_EQ(Show(LoadScenarioFileWithOverrides(kExample, {{"/name/x", 1}})),
            "f.json: /name/x: cannot set this value: /name is not an object\n");
}

}  // namespace
}  // namespace shardsim
