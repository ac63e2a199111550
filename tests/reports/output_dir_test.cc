// OutputDir's manifest (a later commit removes only what an earlier one wrote) and its behaviour
// under signals and file-size limits (all or nothing, no temp files left).
#include "reports/output_dir.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "tests/reports/temp_dir_test.h"

namespace shardsim {
namespace {

namespace fs = std::filesystem;

using OutputDirManifestTest = testing_report::TempDirTest;

TEST_F(OutputDirManifestTest, ALaterCommitRemovesOnlyWhatAnEarlierOneWrote) {
  std::string error;
  OutputDir first;
  first.Add("result.json", "1");
  first.Add("series/a.csv", "a");
  first.Add("series/b.csv", "b");
  first.Add("old/only.csv", "x");
  ASSERT_TRUE(first.Commit(root_.string(), &error)) << error;
  std::ofstream(root_ / "series" / "mine.csv") << "the user's";
  std::ofstream(root_ / "notes.txt") << "the user's";

  OutputDir second;
  second.Add("result.json", "2");
  second.Add("series/a.csv", "a2");
  ASSERT_TRUE(second.Commit(root_.string(), &error)) << error;
  EXPECT_EQ(Tree(root_), (std::set<std::string>{".shardsim-manifest", "notes.txt", "result.json",
                                                "series/", "series/a.csv", "series/mine.csv"}));
  std::ifstream manifest(root_ / OutputDir::kManifestName);
  std::string text((std::istreambuf_iterator<char>(manifest)), {});
  EXPECT_EQ(text, "result.json\nseries/a.csv\n");
}

TEST_F(OutputDirManifestTest, ADamagedManifestNeverNamesFilesOutsideTheDirectory) {
  const fs::path dir = root_ / "out";
  fs::create_directories(dir);
  std::ofstream(root_ / "precious") << "keep";
  std::ofstream(dir / OutputDir::kManifestName) << "../precious\n/etc/passwd\nresult.json\n";
  OutputDir out;
  out.Add("other.json", "{}");
  std::string error;
  ASSERT_TRUE(out.Commit(dir.string(), &error)) << error;
  EXPECT_TRUE(fs::exists(root_ / "precious"));
}

// Runs `body` in a child process and returns its wait status.
template <typename F>
int InChild(F body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    body();
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST_F(OutputDirManifestTest, AFileSizeLimitFailsTheCommitAndLeavesNothing) {
  const fs::path dir = root_ / "out";
  const int status = InChild([&] {
    struct rlimit limit = {100, 100};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    OutputDir out;
    out.Add("series/s.csv", "small");
    out.Add("result.json", std::string(1000, 'x'));
    std::string error;
    ::_exit(out.Commit(dir.string(), &error) ? 0 : 3);
  });
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 3);
  EXPECT_TRUE(Tree(root_).empty());
}

TEST_F(OutputDirManifestTest, TerminationSignalsNeverLeaveAHalfWrittenDirectory) {
  // SIGTERM arrives at random moments while a child commits many files. The child dies before or
  // after its Commit, never inside it: no temp file remains, and result.json is there only with
  // every series it lists.
  for (int trial = 0; trial < 4; ++trial) {
    const fs::path dir = root_ / ("out" + std::to_string(trial));
    const pid_t pid = ::fork();
    if (pid == 0) {
      OutputDir out;
      for (int i = 0; i < 400; ++i) out.Add("series/s" + std::to_string(i) + ".csv", "1,2,3\n");
      out.Add("result.json", "{}");
      std::string error;
      ::_exit(out.Commit(dir.string(), &error) ? 0 : 3);
    }
    ::usleep(static_cast<useconds_t>(500 * trial));
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!fs::exists(dir)) continue;
    size_t series = 0;
    for (const std::string& f : Tree(dir)) {
      EXPECT_EQ(f.find(".tmp."), std::string::npos) << f;
      series += f.rfind("series/s", 0) == 0;
    }
    if (fs::exists(dir / "result.json")) {
      EXPECT_EQ(series, 400u);
    }
  }
}

}  // namespace
}  // namespace shardsim
