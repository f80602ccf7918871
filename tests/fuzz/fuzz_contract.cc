// Fuzz target: an MQTT payload through the OMS contract codec, in both directions. Whatever
// parses must serialize and parse again to the same message.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sync/contract.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace storeedge::sync;
  std::string_view payload(reinterpret_cast<const char*>(data), size);
  for (Direction d : {Direction::down, Direction::up}) {
    auto m = parse_message(payload, d, "");
    if (!m) continue;
    const std::string wire = serialize(*m);
    auto again = parse_message(wire, d, m->store);
    if (!again || serialize(*again) != wire) __builtin_trap();
  }
  return 0;
}
