// The keyboard-wedge decoder: US keymap, modifiers, terminators and burst timing.
#include "scanner/key_stream.h"

#include <linux/input-event-codes.h>

#include <array>
#include <utility>

namespace storeedge::scanner {

namespace {

// The US layout: the character of each key without and with Shift; 0 = no character.
struct KeyChars {
  char plain = 0;
  char shifted = 0;
};

constexpr std::array<KeyChars, KEY_KPSLASH + 1> kUsLayout = [] {
  std::array<KeyChars, KEY_KPSLASH + 1> t{};
  auto row = [&t](int first, const char* plain, const char* shifted) {
    for (int i = 0; plain[i] != 0; ++i) t[first + i] = {plain[i], shifted[i]};
  };
  row(KEY_1, "1234567890-=", "!@#$%^&*()_+");
  row(KEY_Q, "qwertyuiop[]", "QWERTYUIOP{}");
  row(KEY_A, "asdfghjkl;'`", "ASDFGHJKL:\"~");
  row(KEY_BACKSLASH, "\\zxcvbnm,./", "|ZXCVBNM<>?");
  t[KEY_SPACE] = {' ', ' '};
  t[KEY_KPASTERISK] = {'*', '*'};
  // The keypad as with Num Lock on, which keypad-emulating scanners set.
  row(KEY_KP7, "789-456+1230.", "789-456+1230.");
  t[KEY_KPSLASH] = {'/', '/'};
  return t;
}();

constexpr std::array<std::uint16_t, 10> kKeypadDigits = {
    KEY_KP0, KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP4, KEY_KP5, KEY_KP6, KEY_KP7, KEY_KP8, KEY_KP9};

std::optional<int> keypad_digit(std::uint16_t code) {
  for (std::size_t d = 0; d < kKeypadDigits.size(); ++d)
    if (kKeypadDigits[d] == code) return static_cast<int>(d);
  return std::nullopt;
}

bool is_letter(char c) {
  return c >= 'a' && c <= 'z';
}

// Ctrl + key as terminals send it: Ctrl+letter 0x01-0x1A, Ctrl+[ ESC, Ctrl+\ FS, Ctrl+] GS
// (FNC1), Ctrl+^ RS, Ctrl+_ US. Anything else has no control byte.
std::optional<char> control_byte(const KeyChars& k, bool shift) {
  if (is_letter(k.plain)) return static_cast<char>(k.plain - 'a' + 1);
  const char c = shift ? k.shifted : k.plain;
  switch (c) {
    case '[':
      return '\x1b';
    case '\\':
      return '\x1c';
    case ']':
      return '\x1d';
    case '^':
      return '\x1e';
    case '_':
      return '\x1f';
    default:
      return std::nullopt;
  }
}

ScanEvent error_event(std::string raw, std::string code, std::string message) {
  ScanEvent ev;
  ev.raw = std::move(raw);
  ev.error = make_error(std::move(code), std::move(message));
  return ev;
}

}  // namespace

KeyStreamDecoder::KeyStreamDecoder(WedgeOptions options) : options_(options) {}

std::optional<ScanEvent> KeyStreamDecoder::feed(const KeyEvent& event) {
  const std::uint16_t code = event.code;
  if (event.value == 2) return std::nullopt;  // autorepeat: a scanner never holds a key
  const bool down = event.value == 1;
  if (event.value != 0 && !down) return std::nullopt;

  switch (code) {
    case KEY_LEFTSHIFT:
      left_shift_ = down;
      break;
    case KEY_RIGHTSHIFT:
      right_shift_ = down;
      break;
    case KEY_LEFTCTRL:
      left_ctrl_ = down;
      break;
    case KEY_RIGHTCTRL:
      right_ctrl_ = down;
      break;
    case KEY_LEFTALT:
    case KEY_RIGHTALT: {
      (code == KEY_LEFTALT ? left_alt_ : right_alt_) = down;
      if (!down && !left_alt_ && !right_alt_) return alt_released();
      break;
    }
    default:
      break;
  }
  if (!down) return std::nullopt;

  // Timing: a key press long after the previous one ends the burst before it.
  std::optional<ScanEvent> ended;
  if (last_down_ && event.time - *last_down_ > options_.max_gap && in_burst())
    ended = end_burst(false);
  last_down_ = event.time;

  const bool terminator =
      ((code == KEY_ENTER || code == KEY_KPENTER) && options_.enter_terminates) ||
      (code == KEY_TAB && options_.tab_terminates);
  if (terminator) {
    if (ended) return ended;  // the terminator then ends an empty burst
    return end_burst(true);
  }
  key_down(code);
  return ended;
}

void KeyStreamDecoder::key_down(std::uint16_t code) {
  switch (code) {
    case KEY_LEFTSHIFT:
    case KEY_RIGHTSHIFT:
    case KEY_LEFTCTRL:
    case KEY_RIGHTCTRL:
    case KEY_LEFTALT:
    case KEY_RIGHTALT:
    case KEY_LEFTMETA:
    case KEY_RIGHTMETA:
    case KEY_NUMLOCK:
    case KEY_SCROLLLOCK:
      return;
    case KEY_CAPSLOCK:
      caps_lock_ = !caps_lock_;
      return;
    default:
      break;
  }
  const bool shift = left_shift_ || right_shift_;
  if (left_alt_ || right_alt_) {
    const auto digit = keypad_digit(code);
    if (digit && alt_digits_ < 3) {
      alt_code_ = alt_code_ * 10 + *digit;
      ++alt_digits_;
    } else {
      add_unmapped(code);
    }
    return;
  }
  const KeyChars k = code < kUsLayout.size() ? kUsLayout[code] : KeyChars{};
  if (k.plain == 0) return add_unmapped(code);
  if (left_ctrl_ || right_ctrl_) {
    const auto c = control_byte(k, shift);
    if (!c) return add_unmapped(code);
    return add_char(*c);
  }
  if (is_letter(k.plain)) return add_char(shift != caps_lock_ ? k.shifted : k.plain);
  add_char(shift ? k.shifted : k.plain);
}

std::optional<ScanEvent> KeyStreamDecoder::alt_released() {
  const int code = alt_code_;
  const int digits = alt_digits_;
  alt_code_ = 0;
  alt_digits_ = 0;
  if (digits == 0) return std::nullopt;
  // Only ASCII: above 127 the character depends on the host's code page.
  if (code >= 1 && code <= 127)
    add_char(static_cast<char>(code));
  else
    add_unmapped(KEY_LEFTALT);
  return std::nullopt;
}

void KeyStreamDecoder::add_char(char c) {
  ++chars_;
  if (text_.size() < options_.max_length) text_.push_back(c);
}

void KeyStreamDecoder::add_unmapped(std::uint16_t code) {
  ++chars_;
  if (!unmapped_) unmapped_ = code;
}

std::optional<ScanEvent> KeyStreamDecoder::idle() {
  if (!in_burst()) return std::nullopt;
  return end_burst(false);
}

void KeyStreamDecoder::events_lost() {
  ++stats_.events_lost;
  corrupt_ = true;
  left_shift_ = right_shift_ = left_ctrl_ = right_ctrl_ = left_alt_ = right_alt_ = false;
  alt_code_ = alt_digits_ = 0;
}

void KeyStreamDecoder::reset() {
  text_.clear();
  chars_ = 0;
  unmapped_.reset();
  corrupt_ = false;
  last_down_.reset();
  left_shift_ = right_shift_ = left_ctrl_ = right_ctrl_ = left_alt_ = right_alt_ = false;
  alt_code_ = alt_digits_ = 0;
}

std::optional<ScanEvent> KeyStreamDecoder::end_burst(bool terminated) {
  std::string text = std::move(text_);
  const std::size_t chars = chars_;
  const auto unmapped = unmapped_;
  const bool corrupt = corrupt_;
  text_.clear();
  chars_ = 0;
  unmapped_.reset();
  corrupt_ = false;

  if (corrupt) {
    ++stats_.scans;
    return error_event(std::move(text), "scan_incomplete",
                       "key events were lost during this scan (the kernel's buffer overflowed)");
  }
  if (chars == 0) return std::nullopt;
  if (chars < options_.min_length) {
    ++stats_.typing_dropped;
    return std::nullopt;
  }
  if (!terminated && !options_.emit_unterminated) {
    ++stats_.unterminated_dropped;
    return std::nullopt;
  }
  ++stats_.scans;
  if (chars > options_.max_length)
    return error_event(std::move(text), "scan_too_long",
                       "the scan has " + std::to_string(chars) + " characters, more than " +
                           std::to_string(options_.max_length));
  if (unmapped)
    return error_event(
        std::move(text), "unmapped_key",
        "key code " + std::to_string(*unmapped) + " has no character in the US keymap");
  return make_scan_event(text);
}

}  // namespace storeedge::scanner
