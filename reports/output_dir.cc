// OutputDir::Commit in three phases: make directories, write temp files, rename into place.
// Every step records what it created so a failure can undo it. POSIX calls (not iostreams) so
// each error carries its errno text. Not thread-safe.
#include "reports/output_dir.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string_view>
#include <vector>

#include "sim/check.h"

namespace shardsim {
namespace {

namespace fs = std::filesystem;

bool ValidRelativePath(std::string_view p) {
  if (p.empty() || p.front() == '/' || p.back() == '/') return false;
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string_view::npos) end = p.size();
    const std::string_view part = p.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

std::string Errno(int err) { return std::strerror(err); }

// Undo log of one Commit. Destroying it with commit_ == false removes everything it recorded,
// newest first, so directories are empty by the time they are removed.
class Rollback {
 public:
  Rollback() = default;
  Rollback(const Rollback&) = delete;
  Rollback& operator=(const Rollback&) = delete;
  ~Rollback() {
    if (committed_) return;
    for (auto it = files_.rbegin(); it != files_.rend(); ++it) ::unlink(it->c_str());
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) ::rmdir(it->c_str());
  }
  void AddFile(const std::string& path) { files_.push_back(path); }
  void AddDir(const std::string& path) { dirs_.push_back(path); }
  void ForgetFile(const std::string& path) { std::erase(files_, path); }
  void Commit() { committed_ = true; }

 private:
  std::vector<std::string> files_;
  std::vector<std::string> dirs_;
  bool committed_ = false;
};

// mkdir -p that records which directories it created.
bool MakeDirs(const fs::path& dir, Rollback* undo, std::string* error) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return true;
    *error = "cannot create directory " + dir.string() + ": " + Errno(ENOTDIR);
    return false;
  }
  if (errno != ENOENT) {
    *error = "cannot create directory " + dir.string() + ": " + Errno(errno);
    return false;
  }
  const fs::path parent = dir.parent_path();
  if (!parent.empty() && parent != dir && !MakeDirs(parent, undo, error)) return false;
  if (::mkdir(dir.c_str(), 0777) != 0) {
    const int err = errno;
    // Another process made it in between: fine if it is a directory.
    if (err == EEXIST && ::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return true;
    *error = "cannot create directory " + dir.string() + ": " + Errno(err);
    return false;
  }
  undo->AddDir(dir.string());
  return true;
}

bool WriteNewFile(const std::string& path, const std::string& contents, int* err) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) {
    *err = errno;
    return false;
  }
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      *err = errno;
      ::close(fd);
      return false;
    }
    done += static_cast<size_t>(n);
  }
  // close() reports deferred write errors on some file systems (NFS, quotas).
  if (::close(fd) != 0) {
    *err = errno;
    return false;
  }
  return true;
}

// Holds back termination signals and ignores SIGXFSZ for its lifetime; a signal that arrived
// meanwhile is delivered when the mask is restored.
class SignalGuard {
 public:
  SignalGuard() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, sig);
    pthread_sigmask(SIG_BLOCK, &set, &old_mask_);
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGXFSZ, &ignore, &old_xfsz_);
  }
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;
  ~SignalGuard() {
    sigaction(SIGXFSZ, &old_xfsz_, nullptr);
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }

 private:
  sigset_t old_mask_;
  struct sigaction old_xfsz_;
};

// The files the previous Commit listed; lines that are not plain relative paths are ignored, so
// a damaged manifest can never name a file outside the directory.
std::vector<std::string> ReadManifest(const fs::path& root) {
  std::vector<std::string> files;
  std::ifstream in(root / OutputDir::kManifestName);
  std::string line;
  while (std::getline(in, line)) {
    if (ValidRelativePath(line) && line != OutputDir::kManifestName) files.push_back(line);
  }
  return files;
}

// Directory depth of a relative path: deeper files are renamed first.
size_t Depth(const std::string& rel) {
  return static_cast<size_t>(std::count(rel.begin(), rel.end(), '/'));
}

}  // namespace

void OutputDir::Add(const std::string& relative_path, std::string contents) {
  SHARDSIM_CHECK(ValidRelativePath(relative_path), "output paths are plain relative paths");
  const bool inserted = files_.emplace(relative_path, std::move(contents)).second;
  SHARDSIM_CHECK(inserted, "each output file is added once");
}

bool OutputDir::Commit(const std::string& dir, std::string* error) const {
  SHARDSIM_CHECK(error != nullptr);
  SHARDSIM_CHECK(!dir.empty(), "the output directory must be named");
  SHARDSIM_CHECK(files_.count(kManifestName) == 0, "the manifest is written by Commit");
  const SignalGuard signals;
  Rollback undo;
  const fs::path root(dir);
  const std::vector<std::string> previous = ReadManifest(root);
  std::string manifest;
  for (const auto& [rel, contents] : files_) manifest += rel + "\n";
  std::map<std::string, const std::string*> all;
  for (const auto& [rel, contents] : files_) all[rel] = &contents;
  all[kManifestName] = &manifest;

  // Phase 1: directories. std::set orders a parent before its children.
  std::set<fs::path> dirs = {root};
  for (const auto& [rel, contents] : all) dirs.insert((root / rel).parent_path());
  for (const fs::path& d : dirs) {
    if (!MakeDirs(d, &undo, error)) return false;
  }

  // Phase 2: temp files. A target that is a directory would only fail at rename time, after
  // other files were replaced, so refuse it here while nothing is in place yet.
  struct Pending {
    std::string temp;
    std::string final;
  };
  std::vector<Pending> pending;
  pending.reserve(all.size());
  const std::string suffix = ".tmp." + std::to_string(::getpid());
  std::vector<std::string> order;  // deeper files first, the manifest last
  for (const auto& [rel, contents] : all) {
    if (rel != kManifestName) order.push_back(rel);
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const std::string& a, const std::string& b) { return Depth(a) > Depth(b); });
  order.push_back(kManifestName);
  for (const std::string& rel : order) {
    const std::string& contents = *all.at(rel);
    const fs::path target = root / rel;
    struct stat st;
    if (::lstat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      *error = "cannot write " + target.string() + ": " + Errno(EISDIR);
      return false;
    }
    std::string temp_name = ".";
    temp_name += target.filename().string();  // appends: GCC 12 -Wrestrict misfires on "." + s
    temp_name += suffix;
    const fs::path temp = target.parent_path() / temp_name;
    int err = 0;
    if (!WriteNewFile(temp.string(), contents, &err)) {
      // EEXIST means the temp name was taken, not the target: say so.
      if (err != EEXIST) undo.AddFile(temp.string());
      *error = "cannot write " + target.string() + ": " + Errno(err) +
               (err == EEXIST ? " (temp file " + temp.string() + ")" : "");
      return false;
    }
    undo.AddFile(temp.string());
    pending.push_back({temp.string(), target.string()});
  }

  // Phase 3: rename into place.
  for (const Pending& p : pending) {
    if (::rename(p.temp.c_str(), p.final.c_str()) != 0) {
      *error = "cannot write " + p.final + ": " + Errno(errno);
      return false;
    }
    undo.ForgetFile(p.temp);
    undo.AddFile(p.final);
  }
  undo.Commit();
  // The previous run's files that this one did not write: only those the manifest names.
  std::set<fs::path> emptied;
  for (const std::string& rel : previous) {
    if (all.count(rel) != 0) continue;
    const fs::path p = root / rel;
    struct stat st;
    if (::lstat(p.c_str(), &st) == 0 && !S_ISDIR(st.st_mode) && ::unlink(p.c_str()) == 0) {
      for (fs::path d = p.parent_path(); d != root && !d.empty(); d = d.parent_path()) {
        emptied.insert(d);
      }
    }
  }
  for (auto it = emptied.rbegin(); it != emptied.rend(); ++it) ::rmdir(it->c_str());
  return true;
}

}  // namespace shardsim
