// HID POS: the report descriptor parser (a real Honeywell descriptor, the usage tables' plain
// layout, a keyboard refused, malformed input refused) and the assembler of scans from reports.
#include "scanner/hid_pos.h"

#include <gtest/gtest.h>

#include "scanner/hid_descriptor.h"
#include "support/hid_pos_fixtures.h"

namespace storeedge::scanner {
namespace {

using testing::honeywell_report;
using testing::honeywell_scan;
using testing::kHoneywellHidPosDescriptor;
using testing::kKeyboardDescriptor;
using testing::kPlainHidPosDescriptor;

TEST(HidDescriptor, HoneywellLayoutIsReadFromTheDescriptor) {
  auto found = find_hid_pos(kHoneywellHidPosDescriptor);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->application, hid_usage(0x8c, 0x02));
  const ScannedDataLayout& l = found->scanned_data;
  EXPECT_FALSE(l.assumed);
  EXPECT_EQ(l.report_id, 2);
  EXPECT_EQ(l.report_bytes, 64u);
  EXPECT_EQ(l.byte_count_at, 1u);
  EXPECT_EQ(l.aim_at, 2u);
  EXPECT_EQ(l.data_at, 5u);
  EXPECT_EQ(l.data_bytes, 56u);
  EXPECT_EQ(l.more_data_bit, 63u * 8);
  // The common layout we assume without a descriptor is exactly Honeywell's.
  ScannedDataLayout common = common_scanned_data_layout();
  common.assumed = false;
  EXPECT_EQ(l, common);
  EXPECT_EQ(found->feature_reports, (std::vector<ReportRef>{{0xfe, 2}}));
  EXPECT_EQ(found->output_reports, (std::vector<ReportRef>{{0x04, 2}, {0xfd, 64}}));
  EXPECT_EQ(found->max_input_report_bytes, 64u);
}

TEST(HidDescriptor, PlainLayoutWithoutIdsOrLength) {
  auto found = find_hid_pos(kPlainHidPosDescriptor);
  ASSERT_TRUE(found) << found.error().message;
  const ScannedDataLayout& l = found->scanned_data;
  EXPECT_EQ(l.report_id, 0);
  EXPECT_EQ(l.report_bytes, 60u);
  EXPECT_FALSE(l.byte_count_at);
  EXPECT_EQ(l.aim_at, 0u);
  EXPECT_EQ(l.data_at, 3u);
  EXPECT_EQ(l.data_bytes, 56u);
  EXPECT_EQ(l.more_data_bit, 59u * 8);
}

TEST(HidDescriptor, KeyboardIsNotAScanner) {
  auto parsed = parse_report_descriptor(kKeyboardDescriptor);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->applications, (std::vector<std::uint32_t>{hid_usage(0x01, 0x06)}));
  EXPECT_EQ(parsed->report_bytes(ReportType::input, 0), 8u);
  auto found = find_hid_pos(kKeyboardDescriptor);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, "not_a_scanner");
}

TEST(HidDescriptor, PosCollectionWithoutDecodedDataAssumesTheCommonLayout) {
  // Usage Page 0x8C, Bar Code Scanner, Application; report 2: 63 vendor bytes.
  const std::vector<std::uint8_t> d = {0x05, 0x8c, 0x09, 0x02, 0xa1, 0x01, 0x85, 0x02, 0x75, 0x08,
                                       0x95, 0x3f, 0x06, 0x00, 0xff, 0x09, 0x01, 0x81, 0x02, 0xc0};
  auto found = find_hid_pos(d);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_TRUE(found->scanned_data.assumed);
  EXPECT_EQ(found->scanned_data.report_id, 2);
}

TEST(HidDescriptor, MalformedDescriptorsAreRefused) {
  auto code = [](std::vector<std::uint8_t> d) {
    auto r = parse_report_descriptor(d);
    return r ? std::string("ok") : r.error().code;
  };
  EXPECT_EQ(code({0x05}), "bad_descriptor");        // truncated item
  EXPECT_EQ(code({0xa1, 0x01}), "bad_descriptor");  // no End Collection
  EXPECT_EQ(code({0xc0}), "bad_descriptor");        // End without Collection
  EXPECT_EQ(code({0x85, 0x00}), "bad_descriptor");  // report id 0
  EXPECT_EQ(code({0xb4}), "bad_descriptor");        // Pop without Push
  EXPECT_EQ(code({0x19, 0x00, 0x2a, 0xff, 0xff, 0x75, 0x08, 0x95, 0x01, 0x81, 0x00}),
            "bad_descriptor");                                                    // 65536 usages
  EXPECT_EQ(code({0x75, 0x08, 0x96, 0xff, 0xff, 0x81, 0x02}), "bad_descriptor");  // 64 KiB
  EXPECT_EQ(code({0xfe, 0x05, 0x10, 0x01}), "bad_descriptor");  // truncated long item
  EXPECT_EQ(code({0xfe, 0x01, 0x10, 0x01, 0x05, 0x8c}), "ok");  // long item skipped
  std::vector<std::uint8_t> deep;
  for (int i = 0; i < 17; ++i) deep.insert(deep.end(), {0xa1, 0x00});
  for (int i = 0; i < 17; ++i) deep.push_back(0xc0);
  EXPECT_EQ(code(deep), "bad_descriptor");
  EXPECT_EQ(code(std::vector<std::uint8_t>(4097, 0x00)), "bad_descriptor");
}

HidPosAssembler honeywell() {
  return HidPosAssembler(common_scanned_data_layout());
}

TEST(HidPosAssembler, SingleReportScanTakesTheAim) {
  auto a = honeywell();
  auto ev = a.feed(honeywell_report("]E0", "5901234123457", false));
  ASSERT_TRUE(ev);
  EXPECT_TRUE(ev->ok()) << ev->error->message;
  EXPECT_EQ(ev->aim, "]E0");
  EXPECT_EQ(ev->symbology, Symbology::ean13);
  EXPECT_EQ(ev->gtin14, "05901234123457");
  EXPECT_FALSE(a.in_progress());
}

TEST(HidPosAssembler, ScanAcrossTheMoreDataFlag) {
  std::string data;
  for (int i = 0; i < 150; ++i) data.push_back(static_cast<char>('A' + i % 26));
  auto reports = honeywell_scan("]Q1", data);
  ASSERT_EQ(reports.size(), 3u);
  auto a = honeywell();
  EXPECT_FALSE(a.feed(reports[0]));
  EXPECT_TRUE(a.in_progress());
  EXPECT_FALSE(a.feed(reports[1]));
  auto ev = a.feed(reports[2]);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->label, data);
  EXPECT_EQ(ev->symbology, Symbology::qr_code);
}

TEST(HidPosAssembler, Gs1DataKeepsItsSeparators) {
  const std::string gs1 =
      "0109506000134352"
      "10ABC123\x1d"
      "17250101";
  auto ev = honeywell().feed(honeywell_report("]C1", gs1, false));
  ASSERT_TRUE(ev);
  ASSERT_TRUE(ev->ok()) << ev->error->message;
  EXPECT_EQ(ev->symbology, Symbology::gs1_128);
  EXPECT_EQ(ev->hri, "(01)09506000134352(10)ABC123(17)250101");
}

TEST(HidPosAssembler, OtherReportsAreIgnoredAndBadOnesReported) {
  auto a = honeywell();
  std::vector<std::uint8_t> trigger = {0x04, 0x01};
  EXPECT_FALSE(a.feed(trigger));
  auto bad_len = honeywell_report("]E0", "1", false);
  bad_len[1] = 57;
  auto ev = a.feed(bad_len);
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->error->code, "bad_hid_report");
  auto bad_check = a.feed(honeywell_report("]E0", "5901234123458", false));
  ASSERT_TRUE(bad_check);
  EXPECT_EQ(bad_check->error->code, "bad_check_digit");
}

TEST(HidPosAssembler, DropsAPartialScanAndBoundsLength) {
  auto a = honeywell();
  EXPECT_FALSE(a.feed(honeywell_report("]C0", std::string(56, 'x'), true)));
  EXPECT_EQ(a.drop_partial(), 56u);
  EXPECT_FALSE(a.in_progress());
  // After the drop the next scan starts afresh.
  auto ev = a.feed(honeywell_report("]C0", "ABC", false));
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->label, "ABC");
  // A scan longer than kMaxScanBytes is refused, not grown without bound.
  std::optional<ScanEvent> last;
  for (std::size_t i = 0; i < kMaxScanBytes / 56 + 2 && !last; ++i)
    last = a.feed(honeywell_report("]C0", std::string(56, 'y'), i < kMaxScanBytes / 56 + 1));
  ASSERT_TRUE(last);
  EXPECT_EQ(last->error->code, "scan_too_long");
}

TEST(HidPosAssembler, PlainLayoutStripsFill) {
  auto found = find_hid_pos(kPlainHidPosDescriptor);
  ASSERT_TRUE(found);
  HidPosAssembler a(found->scanned_data);
  std::vector<std::uint8_t> r(60, 0);
  r[0] = ']';
  r[1] = 'E';
  r[2] = '4';
  const std::string ean8 = "96385074";
  std::copy(ean8.begin(), ean8.end(), r.begin() + 3);
  auto ev = a.feed(r);
  ASSERT_TRUE(ev);
  EXPECT_TRUE(ev->ok());
  EXPECT_EQ(ev->symbology, Symbology::ean8);
  EXPECT_EQ(ev->label, ean8);
}

TEST(HidPosOptions, EnableOnlyWhenTheDescriptorHasTheReport) {
  auto honeywell_desc = find_hid_pos(kHoneywellHidPosDescriptor);
  auto plain_desc = find_hid_pos(kPlainHidPosDescriptor);
  ASSERT_TRUE(honeywell_desc && plain_desc);
  HidPosOptions o;
  EXPECT_TRUE(should_send_enable(o, *honeywell_desc));
  EXPECT_FALSE(should_send_enable(o, *plain_desc));
  o.enable_when = EnableWhen::always;
  EXPECT_TRUE(should_send_enable(o, *plain_desc));
  o.enable_when = EnableWhen::never;
  EXPECT_FALSE(should_send_enable(o, *honeywell_desc));
}

}  // namespace
}  // namespace storeedge::scanner
