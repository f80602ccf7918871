// One write(2) per line so concurrent threads never interleave within a line.
#include "core/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "core/clock.h"

namespace storeedge::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::atomic<bool> g_journal{false};

std::string_view name_of(Level l) {
  switch (l) {
    case Level::error:
      return "error";
    case Level::warning:
      return "warn ";
    case Level::notice:
      return "note ";
    case Level::info:
      return "info ";
    case Level::debug:
      return "debug";
  }
  return "?";
}

}  // namespace

bool parse_level(std::string_view text, Level& out) {
  for (Level l : {Level::error, Level::warning, Level::notice, Level::info, Level::debug}) {
    std::string_view n = name_of(l);
    while (!n.empty() && n.back() == ' ') n.remove_suffix(1);
    if (text == n || (l == Level::warning && text == "warning") ||
        (l == Level::notice && text == "notice")) {
      out = l;
      return true;
    }
  }
  return false;
}

void set_level(Level level) {
  g_level = level;
}
Level level() {
  return g_level;
}

void detect_journal() {
  g_journal = std::getenv("JOURNAL_STREAM") != nullptr;
}

void write(Level level, std::string_view message) {
  if (static_cast<int>(level) > static_cast<int>(g_level.load())) return;
  std::string line;
  line.reserve(message.size() + 40);
  if (g_journal) {
    line += '<';
    line += static_cast<char>('0' + static_cast<int>(level));
    line += '>';
  } else {
    line += format_rfc3339(std::chrono::system_clock::now());
    line += ' ';
    line += name_of(level);
    line += ' ';
  }
  for (char c : message) line += (c == '\n' ? ' ' : c);  // one record per line
  line += '\n';
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;  // nowhere left to report a logging failure
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace storeedge::log
