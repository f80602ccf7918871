// Report descriptors and reports of HID POS scanners for the scanner tests: the descriptor of
// Honeywell's HID POS interface, a keyboard's, and builders of 64-byte scanned data reports.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace storeedge::testing {

// Honeywell HID POS (Bar Code Scanner application, usage page 0x8C): input report 2 = byte
// count, Symbology Identifier 1-3, 56 Decoded Data bytes, 2 vendor bytes (page 0xFF66), 8 bits
// of Decode Data Continued; output report 4 (trigger); feature report 0xFE (output redirection,
// vendor page); output report 0xFD (commands). 144 bytes, as the scanner's firmware declares it.
inline const std::vector<std::uint8_t> kHoneywellHidPosDescriptor = {
    0x05, 0x8c, 0x09, 0x02, 0xa1, 0x01,              // Usage Page (POS), Scanner, Application
    0x09, 0x12, 0xa1, 0x02, 0x85, 0x02,              // Scanned Data Report, Logical, Report ID 2
    0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08,        // Logical 0-255, Report Size 8
    0x95, 0x01, 0x05, 0x01, 0x09, 0x3b, 0x81, 0x02,  // Count 1, Generic Desktop Byte Count, Input
    0x95, 0x03, 0x05, 0x8c, 0x09, 0xfb, 0x09, 0xfc, 0x09, 0xfd, 0x81, 0x02,  // Symbology Id 1-3
    0x95, 0x38, 0x09, 0xfe, 0x82, 0x02, 0x01,  // 56 x Decoded Data, buffered
    0x06, 0x66, 0xff, 0x95, 0x02, 0x09, 0x04, 0x09, 0x00, 0x81, 0x02,  // vendor: Code ID, 1 byte
    0x05, 0x8c, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x09, 0xff, 0x81, 0x02,  // Decode Data Cont.
    0xc0,                                                                    // End Collection
    0x09, 0x14, 0xa1, 0x02, 0x85, 0x04, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01,  // Trigger Report 4
    0x95, 0x08, 0x09, 0x00, 0x09, 0x5f, 0x09, 0x60, 0x09, 0x00, 0x09, 0x00, 0x09, 0x85,
    0x09, 0x86, 0x91, 0x86, 0xc0,                    // Output, End Collection
    0x06, 0x66, 0xff, 0x75, 0x08, 0x26, 0xff, 0x00,  // vendor page
    0x09, 0x03, 0xa1, 0x02, 0x85, 0xfe, 0x95, 0x01, 0x09, 0x03, 0xb2, 0x82, 0x01, 0xc0,  // 0xFE
    0x09, 0x01, 0xa1, 0x02, 0x85, 0xfd, 0x95, 0x01, 0x09, 0x21, 0x91, 0x02,  // 0xFD: length
    0x95, 0x3e, 0x09, 0x22, 0x92, 0x82, 0x01, 0xc0,                          // 62 data bytes
    0xc0};

// A boot keyboard (Generic Desktop, Keyboard): must be refused.
inline const std::vector<std::uint8_t> kKeyboardDescriptor = {
    0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15,
    0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08,
    0x81, 0x03, 0x95, 0x05, 0x75, 0x01, 0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x91,
    0x02, 0x95, 0x01, 0x75, 0x03, 0x91, 0x03, 0x95, 0x06, 0x75, 0x08, 0x15, 0x00,
    0x26, 0xff, 0x00, 0x05, 0x07, 0x19, 0x00, 0x2a, 0xff, 0x00, 0x81, 0x00, 0xc0};

// A HID POS report as the HID POS usage tables' example lays it out: no report ids, no byte
// count, Symbology Identifier 1-3, 56 Decoded Data bytes, then one bit of Decode Data Continued
// and 7 bits of padding (60 bytes).
inline const std::vector<std::uint8_t> kPlainHidPosDescriptor = {
    0x05, 0x8c, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x12, 0xa1, 0x02, 0x15, 0x00, 0x26,
    0xff, 0x00, 0x75, 0x08, 0x95, 0x03, 0x09, 0xfb, 0x09, 0xfc, 0x09, 0xfd, 0x81,
    0x02, 0x95, 0x38, 0x09, 0xfe, 0x82, 0x02, 0x01, 0x75, 0x01, 0x95, 0x01, 0x25,
    0x01, 0x09, 0xff, 0x81, 0x02, 0x75, 0x07, 0x81, 0x03, 0xc0, 0xc0};

// One 64-byte Honeywell scanned data report: id 2, length, AIM, data (at most 56 bytes), the
// two vendor bytes, and bit 0 of the last byte when more data follows.
inline std::vector<std::uint8_t> honeywell_report(std::string_view aim, std::string_view data,
                                                  bool more) {
  std::vector<std::uint8_t> r(64, 0);
  r[0] = 0x02;
  r[1] = static_cast<std::uint8_t>(data.size());
  for (std::size_t i = 0; i < aim.size() && i < 3; ++i)
    r[2 + i] = static_cast<std::uint8_t>(aim[i]);
  for (std::size_t i = 0; i < data.size() && i < 56; ++i)
    r[5 + i] = static_cast<std::uint8_t>(data[i]);
  r[61] = 0x6a;  // Honeywell Code ID ('j': Code 128)
  r[63] = more ? 0x01 : 0x00;
  return r;
}

// The reports of one scan: data split into 56-byte pieces, all but the last flagged "more".
inline std::vector<std::vector<std::uint8_t>> honeywell_scan(std::string_view aim,
                                                             std::string_view data) {
  std::vector<std::vector<std::uint8_t>> out;
  do {
    const auto piece = data.substr(0, 56);
    data.remove_prefix(piece.size());
    out.push_back(honeywell_report(aim, piece, !data.empty()));
  } while (!data.empty());
  return out;
}

// A umockdev ioctl file for an emulated hidraw node: it answers HIDIOCGRDESCSIZE and
// HIDIOCGRDESC with `descriptor` and, when `enable`, accepts Honeywell's enable feature report.
inline std::string hidraw_ioctls(const std::string& node,
                                 const std::vector<std::uint8_t>& descriptor, bool enable = true) {
  static const char* digits = "0123456789ABCDEF";
  auto hex = [](auto first, auto last) {
    std::string out;
    for (; first != last; ++first) {
      out.push_back(digits[*first >> 4]);
      out.push_back(digits[*first & 15]);
    }
    return out;
  };
  const auto size = static_cast<std::uint32_t>(descriptor.size());
  std::vector<std::uint8_t> rdesc(4 + 4096, 0);  // struct hidraw_report_descriptor
  for (int i = 0; i < 4; ++i) rdesc[i] = static_cast<std::uint8_t>(size >> (8 * i));
  std::copy(descriptor.begin(), descriptor.end(), rdesc.begin() + 4);
  std::string text = "@DEV " + node + "\n";
  text += "HIDIOCGRDESCSIZE 0 " + hex(rdesc.begin(), rdesc.begin() + 4) + "\n";
  text += "HIDIOCGRDESC 0 " + hex(rdesc.begin(), rdesc.end()) + "\n";
  if (enable) text += "HIDIOCSFEATURE 2 FE01\n";
  return text;
}

}  // namespace storeedge::testing
