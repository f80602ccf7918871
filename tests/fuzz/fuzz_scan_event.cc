// Fuzz target: scanners' raw transmissions (scanner/scan_event.h), GS1 element strings and HRI,
// and GS1 Digital Link URIs. Nothing may throw; a GTIN-14 must be 14 digits with a valid check
// digit; parsed GS1 data must survive writing it back as an element string.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scanner/digital_link.h"
#include "scanner/gs1.h"
#include "scanner/gtin.h"
#include "scanner/scan_event.h"

namespace {

using namespace storeedge::scanner;

void check_round_trip(const std::vector<Gs1Element>& elements) {
  auto again = parse_gs1_element_string(to_gs1_element_string(elements));
  if (!again || *again != elements) std::abort();
}

void check_event(const ScanEvent& ev) {
  if (!ev.ok()) return;
  if (ev.gtin14 && (ev.gtin14->size() != 14 || !gs1_check_digit_valid(*ev.gtin14))) std::abort();
  if (ev.gs1) {
    if (ev.elements.empty() || ev.hri != to_gs1_hri(ev.elements)) std::abort();
    check_round_trip(ev.elements);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_event(make_scan_event(input));
  if (input.size() > 3) check_event(make_scan_event(input.substr(3), input.substr(0, 3)));
  if (auto link = parse_digital_link(input)) check_round_trip(*link);
  if (auto raw = parse_gs1_element_string(input)) check_round_trip(*raw);
  if (auto hri = parse_gs1_hri(input)) check_round_trip(*hri);
  return 0;
}
