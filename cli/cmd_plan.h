// The planner's commands: `shardsim size` (the cheapest configuration that meets the objectives)
// and `shardsim sweep` (a grid over scenario fields). Not thread-safe (stdout/stderr).
#pragma once

#include <string>
#include <vector>

namespace shardsim::cli {

int CmdSize(const std::vector<std::string>& args);
int CmdSweep(const std::vector<std::string>& args);

}  // namespace shardsim::cli
