#include "daemon/options.h"

namespace storeedge::daemon {

const char* const kUsage =
    "usage: storeedged [options]\n"
    "  --config FILE          TOML configuration file (see docs/configuration.md)\n"
    "  --state-dir DIR        where the database lives (default: $STATE_DIRECTORY or ./var)\n"
    "  --http-listen H:P      HTTP listen address (default 127.0.0.1:8080)\n"
    "  --mqtt-uri URI         MQTT broker (default tcp://127.0.0.1:1883)\n"
    "  --tenant ID            tenant id (default demo)\n"
    "  --store ID             store id (default S001)\n"
    "  --log-level LEVEL      error | warning | notice | info | debug\n"
    "  --check-config         validate the configuration and exit\n"
    "  --version, --help\n";

Result<Options> parse_options(const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto value = [&]() -> Result<std::string> {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) return make_error("usage", name + " needs a value");
      return args[++i];
    };
    auto flag = [&](bool& out) -> Result<void> {
      if (inline_value) return make_error("usage", name + " takes no value");
      out = true;
      return {};
    };
    std::optional<std::string>* target = nullptr;
    if (name == "--state-dir")
      target = &o.overrides.state_dir;
    else if (name == "--http-listen")
      target = &o.overrides.http_listen;
    else if (name == "--mqtt-uri")
      target = &o.overrides.mqtt_uri;
    else if (name == "--tenant")
      target = &o.overrides.tenant;
    else if (name == "--store")
      target = &o.overrides.store;
    else if (name == "--log-level")
      target = &o.overrides.log_level;
    if (target) {
      auto v = value();
      if (!v) return v.error();
      *target = *v;
    } else if (name == "--config") {
      auto v = value();
      if (!v) return v.error();
      o.config_file = *v;
    } else if (name == "--check-config") {
      if (auto r = flag(o.check_config); !r) return r.error();
    } else if (name == "--help" || name == "-h") {
      if (auto r = flag(o.help); !r) return r.error();
    } else if (name == "--version") {
      if (auto r = flag(o.version); !r) return r.error();
    } else {
      return make_error("usage", "unknown option '" + name + "'");
    }
  }
  return o;
}

}  // namespace storeedge::daemon
