// Fuzz target: the TOML configuration parser and validator.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = storeedge::parse_config_text(text, {});
  // Whatever parses must satisfy the invariants validation promises.
  if (config && (!storeedge::is_identifier(config->tenant) || config->http.max_connections == 0))
    __builtin_trap();
  return 0;
}
