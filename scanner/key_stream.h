// A keyboard-wedge scanner types its data as key presses. This decoder turns evdev key events
// (with the events' own timestamps) into scans: US keymap, Shift, Caps Lock, Ctrl+] as GS, Alt +
// numpad codes, Enter/Tab as terminators, and timing to tell a scan from a person typing.
// Pure: no I/O, no clock of its own; not thread-safe (one decoder per device, used on the loop).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "scanner/scan_event.h"

namespace storeedge::scanner {

// One EV_KEY event as evdev reports it. value: 0 key up, 1 key down, 2 autorepeat.
struct KeyEvent {
  std::uint16_t code = 0;  // KEY_* from linux/input-event-codes.h
  std::int32_t value = 0;
  std::chrono::microseconds time{0};  // the event's timestamp; only differences matter
};

struct WedgeOptions {
  // A scanner types a key every few milliseconds; a person needs 60 ms or more. A key press
  // later than this after the previous one starts a new burst.
  std::chrono::milliseconds max_gap{40};
  // Bursts shorter than this (in characters) are typing, not scans.
  std::size_t min_length = 4;
  bool enter_terminates = true;  // KEY_ENTER and KEY_KPENTER
  bool tab_terminates = true;    // KEY_TAB
  // A fast burst that stops without a terminator (no key for max_gap): emit it as a scan (for
  // scanners configured without a suffix) or drop it (the default: it may be half a scan).
  bool emit_unterminated = false;
  std::size_t max_length = kMaxScanBytes;  // characters; longer bursts are scan_too_long
};

// What the decoder dropped or could not read, for the device's status and metrics.
struct KeyStreamStats {
  std::uint64_t scans = 0;                 // ScanEvents returned (with or without error)
  std::uint64_t typing_dropped = 0;        // bursts too slow or too short to be a scan
  std::uint64_t unterminated_dropped = 0;  // fast bursts that ended without a terminator
  std::uint64_t events_lost = 0;           // events_lost() calls (SYN_DROPPED)
};

class KeyStreamDecoder {
 public:
  explicit KeyStreamDecoder(WedgeOptions options = {});

  // Feeds one key event; returns a scan when this event completed one. Never throws.
  // A scan with unmapped keys carries the error "unmapped_key"; an overlong one
  // "scan_too_long"; one whose events the kernel dropped "scan_incomplete".
  std::optional<ScanEvent> feed(const KeyEvent& event);
  // Tells the decoder that max_gap has passed since the last event without another one: ends
  // the burst in progress (emitted only when options.emit_unterminated).
  std::optional<ScanEvent> idle();
  // The kernel dropped events (SYN_DROPPED): the burst in progress is incomplete and ends as
  // a "scan_incomplete" error at its terminator or gap; modifier state is reset.
  void events_lost();
  // Forgets the burst in progress and the modifier state (device unplugged, released).
  void reset();

  // True while a burst has characters (the caller arms its idle timer then).
  bool in_burst() const { return chars_ > 0 || corrupt_; }
  const KeyStreamStats& stats() const { return stats_; }
  const WedgeOptions& options() const { return options_; }

 private:
  std::optional<ScanEvent> end_burst(bool terminated);
  void add_char(char c);
  void add_unmapped(std::uint16_t code);
  void key_down(std::uint16_t code);
  std::optional<ScanEvent> alt_released();

  WedgeOptions options_;
  KeyStreamStats stats_;
  // Modifier state. Shift and Ctrl are tracked per side; Caps Lock toggles on its key down.
  bool left_shift_ = false, right_shift_ = false;
  bool left_ctrl_ = false, right_ctrl_ = false;
  bool left_alt_ = false, right_alt_ = false;
  bool caps_lock_ = false;
  // Alt + numpad: the decimal code typed so far while an Alt key is held.
  int alt_code_ = 0;
  int alt_digits_ = 0;
  // The burst in progress.
  std::string text_;
  std::size_t chars_ = 0;  // characters typed in this burst (text_ stops growing at max_length)
  std::optional<std::uint16_t> unmapped_;  // the first key with no mapping
  bool corrupt_ = false;                   // events were lost during this burst
  std::optional<std::chrono::microseconds> last_down_;
};

}  // namespace storeedge::scanner
