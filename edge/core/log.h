// Logging to stderr in the form journald understands: "<6>message" under systemd (journald adds
// the timestamp), "2026-11-24T15:00:00.123Z info  message" on a terminal. Thread-safe.
#pragma once

#include <string_view>

namespace storeedge::log {

enum class Level { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

// Parses "error" | "warning" | "notice" | "info" | "debug".
bool parse_level(std::string_view text, Level& out);
void set_level(Level level);
Level level();
// Chooses the journald form when stderr is the journal ($JOURNAL_STREAM), else timestamps.
void detect_journal();

void write(Level level, std::string_view message);
inline void error(std::string_view m) {
  write(Level::error, m);
}
inline void warning(std::string_view m) {
  write(Level::warning, m);
}
inline void notice(std::string_view m) {
  write(Level::notice, m);
}
inline void info(std::string_view m) {
  write(Level::info, m);
}
inline void debug(std::string_view m) {
  write(Level::debug, m);
}

}  // namespace storeedge::log
