// Fuzz target: storeedged's command-line parser (arguments separated by NUL bytes).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/options.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args(1);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0)
      args.emplace_back();
    else
      args.back() += static_cast<char>(data[i]);
  }
  auto options = storeedge::daemon::parse_options(args);
  if (options && !options->config_file.empty())
    (void)storeedge::load_config("", options->overrides);
  return 0;
}
