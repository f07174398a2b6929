// Shell completion for the CLI, generated from the core's options and catalog lists.
#pragma once

#include <string>
#include <vector>

namespace runcheck::cli {
// A bash (or zsh, through bashcompinit) completion script: the commands, every request flag, and
// the ids each flag takes.
std::string completion_script(const std::string& shell, const std::vector<std::string>& commands);
}  // namespace runcheck::cli
