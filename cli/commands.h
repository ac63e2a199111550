// The subcommands of the shardsim CLI. Each takes the arguments after the command name and
// returns the process exit code. Not thread-safe (they write to stdout/stderr).
#pragma once

#include <string>
#include <vector>

namespace shardsim::cli {

inline constexpr const char* kVersion = "0.1.0";
inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitUsage = 2;  // also bad input

int CmdValidate(const std::vector<std::string>& args);
int CmdRun(const std::vector<std::string>& args);
int CmdRoute(const std::vector<std::string>& args);

}  // namespace shardsim::cli
