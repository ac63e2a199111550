// Test support: a GoogleTest fixture with a fresh temporary directory per test (removed after
// it) and the tree under a directory as a set, for the output-directory tests. Header-only.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>
#include <string>

namespace shardsim::testing_report {

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (std::filesystem::path(::testing::TempDir()) / "shardsim-reports-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // Every file and directory under `dir`, relative, '/'-separated, sorted.
  static std::set<std::string> Tree(const std::filesystem::path& dir) {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
      out.insert(std::filesystem::relative(e.path(), dir).generic_string() +
                 (e.is_directory() ? "/" : ""));
    }
    return out;
  }

  std::filesystem::path root_;
};

}  // namespace shardsim::testing_report
