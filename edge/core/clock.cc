// RFC 3339 formatting shared by the API, the audit log and (later) the sync envelope.
#include "core/clock.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace storeedge {

std::string format_rfc3339(SystemTime t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  if (ms % 1000 < 0) --secs;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(((ms % 1000) + 1000) % 1000));
  return buf;
}

std::optional<SystemTime> parse_rfc3339(std::string_view text) {
  if (text.size() < 20 || text.size() > 40) return std::nullopt;
  const std::string s(text);
  std::tm tm{};
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return std::nullopt;
  std::chrono::nanoseconds fraction{0};
  if (*rest == '.') {
    std::int64_t scale = 100'000'000;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest) {
      fraction += std::chrono::nanoseconds((*rest - '0') * scale);
      scale /= 10;
    }
  }
  std::chrono::seconds offset{0};
  if (*rest == 'Z' || *rest == 'z') {
    ++rest;
  } else if ((*rest == '+' || *rest == '-') && std::isdigit(rest[1]) && std::isdigit(rest[2]) &&
             rest[3] == ':' && std::isdigit(rest[4]) && std::isdigit(rest[5])) {
    const int minutes =
        ((rest[1] - '0') * 10 + (rest[2] - '0')) * 60 + (rest[4] - '0') * 10 + (rest[5] - '0');
    offset = std::chrono::minutes(*rest == '+' ? minutes : -minutes);
    rest += 6;
  } else {
    return std::nullopt;
  }
  if (*rest != '\0') return std::nullopt;
  const auto t = std::chrono::system_clock::from_time_t(timegm(&tm)) - offset;
  return std::chrono::time_point_cast<SystemTime::duration>(t + fraction);
}

}  // namespace storeedge
