// Command-line options of storeedged. Flags override the configuration file.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/error.h"

namespace storeedge::daemon {

struct Options {
  std::string config_file;
  ConfigOverrides overrides;
  bool check_config = false;
  bool help = false;
  bool version = false;
};

[[nodiscard]] Result<Options> parse_options(const std::vector<std::string>& args);
extern const char* const kUsage;

}  // namespace storeedge::daemon
