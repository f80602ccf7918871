// `storeedgectl label render` as an operator runs it: the real binary renders each kind of label
// with overridden fields to PNG, PDF and ZPL files or standard output; PNGs are decoded back with
// the scanner library, PDFs inspected with poppler's pdfinfo; bad requests exit 1 or 2 with the
// reason.
#include <gtest/gtest.h>

#include <algorithm>

#include "scanner/image.h"
#include "scanner/image_decode.h"
#include "support/harness.h"

namespace storeedge {
namespace {

using testing::read_file;
using testing::run_command;
using testing::TempDir;

std::pair<int, std::string> ctl(std::vector<std::string> args) {
  args.insert(args.begin(), {STOREEDGECTL_BIN, "label", "render"});
  return run_command(args);
}

// The symbols ZXing finds in the whole PNG: one linear symbol (image_decode.h), and matrix symbols
// where its fast pass over a whole label finds them (the unit tests decode each symbol alone).
std::vector<scanner::ScanEvent> decode_png(const std::string& path) {
  auto image = scanner::load_image(read_file(path));
  EXPECT_TRUE(image) << path;
  if (!image) return {};
  return scanner::decode_barcodes(*image, {.max_symbols = 4});
}

bool found(const std::vector<scanner::ScanEvent>& events, const std::string& aim,
           const std::string& label) {
  return std::any_of(events.begin(), events.end(),
                     [&](const auto& e) { return e.ok() && e.aim == aim && e.label == label; });
}

TEST(LabelCtl, RendersEveryKindWithOverridesAndTheBarcodesReadBack) {
  TempDir dir;
  const std::string sscc = "003871234567890120";  // extension 0, check digit 0
  struct Run {
    std::vector<std::string> args;
    std::string aim, label;
  };
  const std::vector<Run> runs = {
      {{"--kind", "bag", "--order", "ORD-CTL-1", "--bag", "2", "--bags", "2"}, "]Q1", "ORD-CTL-1"},
      {{"--kind", "shipping", "--sscc", sscc, "--tracking", "1ZCTL0000000000002"},
       "]C0",
       "1ZCTL0000000000002"},
      {{"--kind", "return", "--return-id", "RET-CTL-3"}, "]C0", "RET-CTL-3"},
      {{"--kind", "bin", "--location", "B-12-4"}, "]C0", "B-12-4"},
      {{"--kind", "packing-slip", "--order", "ORD-CTL-5", "--page", "letter"}, "]C0", "ORD-CTL-5"},
  };
  for (const Run& run : runs) {
    SCOPED_TRACE(run.args[1]);
    for (const char* dpi : {"203", "300"}) {
      const std::string out = dir.file(run.args[1] + "-" + dpi + ".png");
      auto args = run.args;
      args.insert(args.end(), {"--format", "png", "--dpi", dpi, "--out", out});
      auto [code, output] = ctl(args);
      ASSERT_EQ(code, 0) << output;
      EXPECT_EQ(output, "");
      const auto events = decode_png(out);
      EXPECT_TRUE(found(events, run.aim, run.label))
          << events.size() << " symbols; first: " << (events.empty() ? "" : events[0].raw);
    }
  }
}

TEST(LabelCtl, ZplToStandardOutputAndPdfToAFile) {
  TempDir dir;
  const std::string sscc_ok = "003871234567890120";
  auto [code, zpl] = ctl({"--kind", "bag", "--format", "zpl", "--dpi", "300", "--order",
                          "ORD-CTL-9", "--customer", "Ctl Tester", "--location", "S-11"});
  ASSERT_EQ(code, 0) << zpl;
  EXPECT_TRUE(zpl.starts_with("^XA\n^CI28\n^PW1200\n^LL1200\n")) << zpl;
  EXPECT_NE(zpl.find("^FDCtl Tester^FS"), std::string::npos);
  EXPECT_NE(zpl.find("^FDS-11^FS"), std::string::npos);
  EXPECT_NE(zpl.find("^FDMA,ORD-CTL-9^FS"), std::string::npos);
  EXPECT_TRUE(zpl.ends_with("^XZ\n"));

  auto [ship_code, ship] = ctl({"--kind", "shipping", "--format", "zpl", "--sscc", sscc_ok,
                                "--order", "ORD-CTL-2", "--weight", "800"});
  ASSERT_EQ(ship_code, 0) << ship;
  EXPECT_NE(ship.find("^BCN,256,N,N,N,N^FD>;>8" + std::string("00") + sscc_ok + "^FS"),
            std::string::npos)
      << ship;
  EXPECT_NE(ship.find("^FD_100" + sscc_ok + "3303000800400ORD-CTL-2^FS"), std::string::npos)
      << ship;

  const std::string pdf = dir.file("slip.pdf");
  auto [pdf_code, pdf_out] = ctl(
      {"--kind", "packing-slip", "--format", "pdf", "--page", "a4", "--lines", "80", "--out", pdf});
  ASSERT_EQ(pdf_code, 0) << pdf_out;
  EXPECT_TRUE(read_file(pdf).starts_with("%PDF-"));
  auto [info_code, info] = run_command({std::string(STOREEDGE_POPPLER_DIR) + "/pdfinfo", pdf});
  EXPECT_EQ(info_code, 0);
  EXPECT_NE(info.find("(A4)"), std::string::npos) << info;
  EXPECT_NE(info.find("Pages:           3\n"), std::string::npos) << info;
}

TEST(LabelCtl, RefusesWhatItCannotRender) {
  const struct {
    std::vector<std::string> args;
    int code;
    std::string says;
  } refusals[] = {
      {{"--kind", "packing-slip", "--format", "zpl"}, 1, "format_unsupported"},
      {{"--kind", "shipping", "--format", "zpl", "--sscc", "003871234567890126"}, 1, "sscc"},
      {{"--kind", "bag", "--format", "zpl", "--order", "ORD 1"}, 1, "invalid_label_input"},
      {{"--kind", "bag", "--format", "zpl", "--dpi", "600"}, 1, "bad_dpi"},
      {{"--kind", "bag", "--format", "bmp"}, 2, "--format"},
      {{"--kind", "poster", "--format", "pdf"}, 2, "--kind"},
      {{"--kind", "bag", "--format", "pdf", "--page", "a4"}, 2, "--page"},
      {{"--kind", "bag", "--format", "pdf", "--bag", "two"}, 2, "--bag"},
      {{"--kind", "bag", "--format", "pdf", "--colour", "red"}, 2, "unknown option --colour"},
  };
  for (const auto& r : refusals) {
    auto [code, output] = ctl(r.args);
    EXPECT_EQ(code, r.code) << output;
    EXPECT_NE(output.find(r.says), std::string::npos) << output;
  }
}

}  // namespace
}  // namespace storeedge
