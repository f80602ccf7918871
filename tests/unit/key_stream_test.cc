// The keyboard-wedge decoder (scanner/key_stream.h): keymap, modifiers, terminators, timing.
#include "scanner/key_stream.h"

#include <gtest/gtest.h>
#include <linux/input-event-codes.h>

#include <string>
#include <vector>

namespace storeedge::scanner {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

// Types keys the way a scanner (or a person, with a longer gap) does: each key down then up.
class Keyboard {
 public:
  explicit Keyboard(KeyStreamDecoder& decoder) : decoder_(decoder) {}

  void gap(milliseconds gap) { gap_ = gap; }
  void down(std::uint16_t code) { send(code, 1, gap_); }
  void up(std::uint16_t code) { send(code, 0, microseconds(200)); }
  void repeat(std::uint16_t code) { send(code, 2, milliseconds(5)); }
  void press(std::uint16_t code) {
    down(code);
    up(code);
  }
  void shifted(std::uint16_t code) {
    down(KEY_LEFTSHIFT);
    press(code);
    up(KEY_LEFTSHIFT);
  }
  void ctrl(std::uint16_t code) {
    down(KEY_LEFTCTRL);
    press(code);
    up(KEY_LEFTCTRL);
  }
  // Digits and lower-case letters from the US layout's plain rows.
  void text(const std::string& s) {
    for (char c : s) press(code_of(c));
  }
  void idle() { collect(decoder_.idle()); }

  std::vector<ScanEvent> scans;

  static std::uint16_t code_of(char c) {
    static const std::string digits = "1234567890";
    if (auto d = digits.find(c); d != std::string::npos)
      return static_cast<std::uint16_t>(KEY_1 + d);
    static const std::vector<std::uint16_t> letters = {
        KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_M,
        KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z};
    if (c >= 'a' && c <= 'z') return letters[static_cast<std::size_t>(c - 'a')];
    ADD_FAILURE() << "no key for " << c;
    return KEY_RESERVED;
  }

 private:
  void send(std::uint16_t code, std::int32_t value, microseconds after) {
    now_ += after;
    collect(decoder_.feed({code, value, now_}));
  }
  void collect(std::optional<ScanEvent> ev) {
    if (ev) scans.push_back(std::move(*ev));
  }

  KeyStreamDecoder& decoder_;
  microseconds now_{1'000'000};
  milliseconds gap_{3};
};

TEST(KeyStream, Ean13WithEnter) {
  KeyStreamDecoder decoder;
  Keyboard kb(decoder);
  kb.text("4006381333931");
  EXPECT_TRUE(kb.scans.empty());
  kb.press(KEY_ENTER);
  ASSERT_EQ(kb.scans.size(), 1u);
  EXPECT_TRUE(kb.scans[0].ok());
  EXPECT_EQ(kb.scans[0].raw, "4006381333931");
  EXPECT_EQ(kb.scans[0].gtin14, "04006381333931");
  EXPECT_EQ(decoder.stats().scans, 1u);
}

TEST(KeyStream, ShiftedLettersAndPunctuationBothShiftKeys) {
  KeyStreamDecoder decoder;
  Keyboard kb(decoder);
  kb.shifted(KEY_A);
  kb.text("b");
  kb.down(KEY_RIGHTSHIFT);
  kb.press(KEY_C);
  kb.press(KEY_1);           // !
  kb.press(KEY_SLASH);       // ?
  kb.press(KEY_RIGHTBRACE);  // }
  kb.up(KEY_RIGHTSHIFT);
  kb.press(KEY_MINUS);
  kb.press(KEY_SPACE);
  kb.press(KEY_APOSTROPHE);
  kb.press(KEY_KPENTER);
  ASSERT_EQ(kb.scans.size(), 1u);
  EXPECT_EQ(kb.scans[0].raw, "AbC!?}- '");
}

TEST(KeyStream, CapsLockAffectsLettersOnlyAndShiftInvertsIt) {
  KeyStreamDecoder decoder;
  Keyboard kb(decoder);
  kb.press(KEY_CAPSLOCK);
  kb.text("ab1");
  kb.shifted(KEY_C);  // Caps Lock + Shift: lower case
  kb.shifted(KEY_2);  // digits still take Shift: @
  kb.press(KEY_CAPSLOCK);
  kb.text("d");
  kb.press(KEY_ENTER);
  ASSERT_EQ(kb.scans.size(), 1u);
  EXPECT_EQ(kb.scans[0].raw, "AB1c@d");
}

TEST(KeyStream, CtrlRightBracketIsGsAndGs1DataParses) {
  KeyStreamDecoder decoder;
  Keyboard kb(decoder);
  // ]C1 01 09506000134352 10 ABC <GS> 17 250101 — with the AIM prefix typed as keys.
  kb.press(KEY_RIGHTBRACE);
  kb.shifted(KEY_C);
  kb.text("1010950600013435210");
  kb.shifted(KEY_A);
  kb.shifted(KEY_B);
  kb.shifted(KEY_C);
  kb.ctrl(KEY_RIGHTBRACE);
  kb.text("17250101");
  kb.press(KEY_ENTER);
  ASSERT_EQ(kb.scans.size(), 1u);
  const ScanEvent& ev = kb.scans[0];
  ASSERT_TRUE(ev.ok()) << ev.error->code << ": " << ev.error->message;
  EXPECT_EQ(ev.aim, "]C1");
  EXPECT_EQ(ev.symbology, Symbology::gs1_128);
  EXPECT_EQ(ev.hri, "(01)09506000134352(10)ABC(17)250101");
  EXPECT_NE(ev.raw.find('\x1d'), std::string::npos);
}

TEST(KeyStream, OtherControlBytes) {
  KeyStreamDecoder decoder;
  Keyboard kb(decoder);
  kb.text("ab");
  kb.ctrl(KEY_D);  // EOT
  kb.down(KEY_LEFTCTRL);
  kb.shifted(KEY_6);  // Ctrl+^ = RS
  kb.up(KEY_LEFTCTRL);
  kb.ctrl(KEY_LEFTBRACE);  // ESC
  kb.press(KEY_TAB);
  ASSERT_EQ(kb.scans.size(), 1u);
  EXPECT_EQ(kb.scans[0].raw, std::string("ab\x04\x1e\x1b"));
}

TEST(KeyStream, AltNumpadCode) {
  KeyStreamDecoder decoder;
  Keyboard kb(decoder);
  kb.text("0101");
  kb.down(KEY_LEFTALT);
  kb.press(KEY_KP0);
  kb.press(KEY_KP2);
  kb.press(KEY_KP9);
  kb.up(KEY_LEFTALT);
  kb.press(KEY_KP4);  // the keypad as with Num Lock on
  kb.press(KEY_ENTER);
  ASSERT_EQ(kb.scans.size(), 1u);
  EXPECT_EQ(kb.scans[0].raw, std::string("0101\x1d") + "4");
}

TEST(KeyStream, AutorepeatIsIgnored) {
  KeyStreamDecoder decoder;
  Keyboard kb(decoder);
  kb.text("123");
  kb.down(KEY_4);
  kb.repeat(KEY_4);
  kb.repeat(KEY_4);
  kb.up(KEY_4);
  kb.text("5");
  kb.press(KEY_ENTER);
  ASSERT_EQ(kb.scans.size(), 1u);
  EXPECT_EQ(kb.scans[0].raw, "12345");
}

TEST(KeyStream, TabAndEnterTerminateAndCanBeTurnedOff) {
  {
    KeyStreamDecoder decoder;
    Keyboard kb(decoder);
    kb.text("1234");
    kb.press(KEY_TAB);
    kb.text("5678");
    kb.press(KEY_ENTER);
    ASSERT_EQ(kb.scans.size(), 2u);
    EXPECT_EQ(kb.scans[0].raw, "1234");
    EXPECT_EQ(kb.scans[1].raw, "5678");
  }
  {
    WedgeOptions options;
    options.tab_terminates = false;
    KeyStreamDecoder decoder(options);
    Keyboard kb(decoder);
    kb.text("1234");
    kb.press(KEY_TAB);  // an unmapped key then
    kb.text("5678");
    kb.press(KEY_ENTER);
    ASSERT_EQ(kb.scans.size(), 1u);
    ASSERT_FALSE(kb.scans[0].ok());
    EXPECT_EQ(kb.scans[0].error->code, "unmapped_key");
  }
}

TEST(KeyStream, UnmappedKeyMakesTheScanAnError) {
  KeyStreamDecoder decoder;
  Keyboard kb(decoder);
  kb.text("12");
  kb.press(KEY_F5);
  kb.text("34");
  kb.press(KEY_ENTER);
  ASSERT_EQ(kb.scans.size(), 1u);
  ASSERT_FALSE(kb.scans[0].ok());
  EXPECT_EQ(kb.scans[0].error->code, "unmapped_key");
  EXPECT_EQ(kb.scans[0].raw, "1234");
}

TEST(KeyStream, SlowTypingIsNotAScan) {
  KeyStreamDecoder decoder;
  Keyboard kb(decoder);
  kb.gap(milliseconds(150));
  kb.text("4006381333931");
  kb.press(KEY_ENTER);
  EXPECT_TRUE(kb.scans.empty());
  EXPECT_EQ(decoder.stats().typing_dropped, 13u);  // each key is a burst of its own
  // A scan right after the typing is still read.
  kb.gap(milliseconds(150));
  kb.press(KEY_4);
  kb.gap(milliseconds(2));
  kb.text("006381333931");
  kb.press(KEY_ENTER);
  ASSERT_EQ(kb.scans.size(), 1u);
  EXPECT_EQ(kb.scans[0].raw, "4006381333931");
}

TEST(KeyStream, GapJustAboveTheLimitSplitsAtTheLimitDoesNot) {
  WedgeOptions options;
  options.max_gap = milliseconds(40);
  KeyStreamDecoder decoder(options);
  Keyboard kb(decoder);
  kb.gap(milliseconds(40));  // key down to key down: 40 ms + 0.2 ms for the key up before it
  kb.text("12345");
  kb.press(KEY_ENTER);
  EXPECT_TRUE(kb.scans.empty());
  kb.gap(milliseconds(39));
  kb.text("12345");
  kb.press(KEY_ENTER);
  ASSERT_EQ(kb.scans.size(), 1u);
}

TEST(KeyStream, ShortFastBurstIsTyping) {
  KeyStreamDecoder decoder;
  Keyboard kb(decoder);
  kb.text("123");
  kb.press(KEY_ENTER);
  EXPECT_TRUE(kb.scans.empty());
  EXPECT_EQ(decoder.stats().typing_dropped, 1u);
}

TEST(KeyStream, UnterminatedBurstDroppedByDefaultEmittedWhenConfigured) {
  {
    KeyStreamDecoder decoder;
    Keyboard kb(decoder);
    kb.text("4006381333931");
    EXPECT_TRUE(decoder.in_burst());
    kb.idle();
    EXPECT_TRUE(kb.scans.empty());
    EXPECT_EQ(decoder.stats().unterminated_dropped, 1u);
    EXPECT_FALSE(decoder.in_burst());
  }
  {
    WedgeOptions options;
    options.emit_unterminated = true;
    KeyStreamDecoder decoder(options);
    Keyboard kb(decoder);
    kb.text("4006381333931");
    kb.idle();
    ASSERT_EQ(kb.scans.size(), 1u);
    EXPECT_EQ(kb.scans[0].raw, "4006381333931");
    // The next key after a gap also ends a burst, without idle().
    kb.text("12345678");
    kb.gap(milliseconds(500));
    kb.press(KEY_1);
    ASSERT_EQ(kb.scans.size(), 2u);
    EXPECT_EQ(kb.scans[1].raw, "12345678");
  }
}

TEST(KeyStream, OverlongScanIsBoundedAndAnError) {
  WedgeOptions options;
  options.max_length = 16;
  KeyStreamDecoder decoder(options);
  Keyboard kb(decoder);
  kb.text(std::string(40, '7'));
  kb.press(KEY_ENTER);
  ASSERT_EQ(kb.scans.size(), 1u);
  ASSERT_FALSE(kb.scans[0].ok());
  EXPECT_EQ(kb.scans[0].error->code, "scan_too_long");
  EXPECT_EQ(kb.scans[0].raw.size(), 16u);
  // The next scan is unaffected.
  kb.text("12345");
  kb.press(KEY_ENTER);
  ASSERT_EQ(kb.scans.size(), 2u);
  EXPECT_TRUE(kb.scans[1].ok());
}

TEST(KeyStream, LostEventsMakeTheBurstIncomplete) {
  KeyStreamDecoder decoder;
  Keyboard kb(decoder);
  kb.text("400638");
  decoder.events_lost();
  kb.text("1333931");
  kb.press(KEY_ENTER);
  ASSERT_EQ(kb.scans.size(), 1u);
  ASSERT_FALSE(kb.scans[0].ok());
  EXPECT_EQ(kb.scans[0].error->code, "scan_incomplete");
  kb.text("12345");
  kb.press(KEY_ENTER);
  ASSERT_EQ(kb.scans.size(), 2u);
  EXPECT_TRUE(kb.scans[1].ok());
}

}  // namespace
}  // namespace storeedge::scanner
