// The serial deframer (scanner/serial_framing.h): every framing, split reads, noise, bounds.
#include "scanner/serial_framing.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace storeedge::scanner {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

const Clock::time_point t0{};

std::vector<std::string> raws(const std::vector<ScanEvent>& events) {
  std::vector<std::string> out;
  // The frame's bytes; an overlong frame as "!scan_too_long". (Other errors, e.g. a control
  // character inside a frame, are make_scan_event's business.)
  for (const auto& e : events)
    out.push_back(!e.ok() && e.error->code == "scan_too_long" ? "!scan_too_long" : e.raw);
  return out;
}

// Feeds `stream` to a fresh deframer in two reads split at `cut`.
std::vector<std::string> split_feed(const SerialFraming& framing, const std::string& stream,
                                    std::size_t cut) {
  SerialDeframer d(framing);
  auto a = d.feed(std::string_view(stream).substr(0, cut), t0);
  auto b = d.feed(std::string_view(stream).substr(cut), t0 + milliseconds(1));
  a.insert(a.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
  return raws(a);
}

SerialFraming framing(FramingMode mode, std::string suffix = "\r") {
  SerialFraming f;
  f.mode = mode;
  f.suffix = std::move(suffix);
  return f;
}

TEST(SerialFraming, EverySplitOfEveryModeGivesTheSameScans) {
  struct Case {
    SerialFraming framing;
    std::string stream;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {framing(FramingMode::line),
       "4006381333931\r\n]C0ABC\n\r\rxyz\r",
       {"4006381333931", "]C0ABC", "xyz"}},
      {framing(FramingMode::suffix, "\r\n"),
       "4006381333931\r\n1\r2\r\n",
       {"4006381333931", "1\r2"}},
      {framing(FramingMode::suffix, "#!"), "12#34#!56#!", {"12#34", "56"}},
      {framing(FramingMode::stx_etx),
       "zz\x02"
       "4006381333931\x03\r\n\x02]E0123\x03",
       {"4006381333931", "]E0123"}},
  };
  for (const auto& c : cases) {
    for (std::size_t cut = 0; cut <= c.stream.size(); ++cut)
      EXPECT_EQ(split_feed(c.framing, c.stream, cut), c.expected) << "cut at " << cut;
    // And one byte per read.
    SerialDeframer d(c.framing);
    std::vector<std::string> got;
    for (char ch : c.stream)
      for (auto& r : raws(d.feed(std::string_view(&ch, 1), t0))) got.push_back(r);
    EXPECT_EQ(got, c.expected);
  }
}

TEST(SerialFraming, CrlfSplitAcrossReadsIsOneFrame) {
  SerialDeframer d(framing(FramingMode::suffix, "\r\n"));
  EXPECT_TRUE(d.feed("12345\r", t0).empty());
  auto out = d.feed("\n", t0 + milliseconds(2));
  ASSERT_EQ(raws(out), std::vector<std::string>{"12345"});
}

TEST(SerialFraming, StxEtxNoiseIsCountedAndStxRestartsAFrame) {
  SerialDeframer d(framing(FramingMode::stx_etx));
  auto out = d.feed(
      "noise\x02half\x02whole\x03"
      "bcc",
      t0);
  EXPECT_EQ(raws(out), std::vector<std::string>{"whole"});
  EXPECT_EQ(d.stats().noise_bytes, 8u);  // "noise" and the 3 bytes after ETX
  EXPECT_EQ(d.stats().partials_dropped, 1u);
}

TEST(SerialFraming, OverlongFrameIsOneErrorAndTheNextFrameIsRead) {
  for (const auto mode : {FramingMode::line, FramingMode::suffix, FramingMode::stx_etx}) {
    SerialFraming f = framing(mode, "\r\n");
    f.max_frame = 10;
    SerialDeframer d(f);
    const std::string open = mode == FramingMode::stx_etx ? "\x02" : "";
    const std::string close = mode == FramingMode::stx_etx ? "\x03" : "\r\n";
    const std::string stream = open + std::string(25, '9') + close + open + "1234567890" + close;
    std::vector<std::string> got;
    for (std::size_t i = 0; i < stream.size(); i += 3)
      for (auto& r : raws(d.feed(std::string_view(stream).substr(i, 3), t0))) got.push_back(r);
    EXPECT_EQ(got, (std::vector<std::string>{"!scan_too_long", "1234567890"}))
        << static_cast<int>(mode);
    EXPECT_EQ(d.stats().overlong, 1u);
  }
}

TEST(SerialFraming, HalfFrameBeforeAPauseDoesNotGlueOntoTheNext) {
  SerialFraming f = framing(FramingMode::line);
  f.inter_byte_timeout = milliseconds(200);
  SerialDeframer d(f);
  EXPECT_TRUE(d.feed("40063", t0).empty());
  auto out = d.feed("12345\r", t0 + milliseconds(201));
  EXPECT_EQ(raws(out), std::vector<std::string>{"12345"});
  EXPECT_EQ(d.stats().partials_dropped, 1u);
  // Within the timeout the frame continues.
  EXPECT_TRUE(d.feed("123", t0 + milliseconds(300)).empty());
  EXPECT_EQ(raws(d.feed("45\r", t0 + milliseconds(499))), std::vector<std::string>{"12345"});
}

TEST(SerialFraming, AimPrefixedGs1WithGsBytes) {
  SerialDeframer d(framing(FramingMode::line));
  auto out = d.feed(
      "]C10109506000134352"
      "10ABC\x1d"
      "17250101\r\n",
      t0);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].ok()) << out[0].error->message;
  EXPECT_EQ(out[0].aim, "]C1");
  EXPECT_EQ(out[0].hri, "(01)09506000134352(10)ABC(17)250101");
  EXPECT_EQ(out[0].gtin14, "09506000134352");
}

TEST(SerialFraming, BadSuffixFallsBackToCr) {
  SerialDeframer d(framing(FramingMode::suffix, ""));
  EXPECT_EQ(raws(d.feed("123\r", t0)), std::vector<std::string>{"123"});
}

}  // namespace
}  // namespace storeedge::scanner
