// storeedged: the store edge daemon. Parses options, loads the configuration, runs the Daemon.
#include <iostream>

#include "core/log.h"
#include "daemon/daemon.h"
#include "daemon/options.h"
#include "store/state_dir.h"

int main(int argc, char** argv) {
  using namespace storeedge;
  log::detect_journal();
  auto options = daemon::parse_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!options) {
    std::cerr << "storeedged: " << options.error().message << "\n" << daemon::kUsage;
    return 2;
  }
  if (options->help) {
    std::cout << daemon::kUsage;
    return 0;
  }
  if (options->version) {
    std::cout << "storeedged " STOREEDGE_VERSION "\n";
    return 0;
  }
  auto config = load_config(options->config_file, options->overrides);
  if (!config) {
    std::cerr << "storeedged: configuration error: " << config.error().message << "\n";
    return 2;
  }
  if (options->check_config) {
    if (auto usable = store::check_state_dir(resolve_state_dir(*config)); !usable) {
      std::cerr << "storeedged: configuration error: " << usable.error().message << "\n";
      return 2;
    }
    std::cout << "configuration OK\n";
    return 0;
  }
  log::set_level(config->log_level);
  daemon::Daemon d(*config, options->config_file, options->overrides);
  return d.run();
}
