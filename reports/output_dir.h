// OutputDir: the files of one run, collected in memory and written all-or-nothing by Commit, so a
// run that fails validation or simulation leaves no file behind. Commit keeps a manifest of what
// it wrote (kManifestName) and removes only files an earlier Commit listed there, never a file of
// the user's. Not thread-safe; committing two OutputDirs into the same directory at once from one
// process fails cleanly (temp-name clash).
#pragma once

#include <map>
#include <string>

namespace shardsim {

class OutputDir {
 public:
  // In the committed directory: one relative path per line, the files of the last Commit.
  static constexpr const char* kManifestName = ".shardsim-manifest";

  OutputDir() = default;
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;
  OutputDir(OutputDir&&) = default;
  OutputDir& operator=(OutputDir&&) = default;

  // REQUIRES: relative_path is "a/b/c" style: non-empty '/'-separated components, none empty,
  // "." or "..", no leading '/'; and it was not added before. Paths come from code
  // (SeriesPath, "result.json"), so a violation is a bug and aborts.
  void Add(const std::string& relative_path, std::string contents);

  // Path -> contents, sorted by path.
  const std::map<std::string, std::string>& files() const { return files_; }

  // Creates `dir` and the subdirectories the files need, writes every file to a temp name
  // (".<name>.tmp.<pid>") beside its final path, then renames each into place, replacing older
  // files of the same name: files in subdirectories first, then top-level files (result.json
  // after the series it lists), then the manifest. Files the previous manifest lists that this
  // Commit does not write are then removed (and subdirectories left empty by that). SIGINT,
  // SIGTERM, SIGHUP and SIGQUIT are held back while it runs and SIGXFSZ is ignored (a file-size
  // limit then fails the write), so a signal takes effect only once the directory holds either
  // the whole new output or what it held before. On failure returns false with a message such as
  // "cannot write out/x/result.json: Permission denied", and removes its temp files, the files it
  // had already renamed and the directories it created. Before the first rename everything is
  // undone exactly; a rename failing after others succeeded (rare: same directory, checked
  // beforehand) removes the new files, so a file it replaced is gone rather than half-updated.
  // REQUIRES: !dir.empty(), error != nullptr.
  bool Commit(const std::string& dir, std::string* error) const;

 private:
  std::map<std::string, std::string> files_;
};

}  // namespace shardsim
