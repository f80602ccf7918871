#include "pos/policy.h"

#include <date/date.h>
#include <date/tz.h>

#include <boost/json/parse.hpp>
#include <sstream>

namespace storeedge::pos {

namespace json = boost::json;

namespace {

// The zone's rules, or nullptr. date::locate_zone throws for an unknown name (and on a machine
// without zoneinfo); nothing past this function sees an exception.
const date::time_zone* find_zone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::optional<date::sys_time<std::chrono::milliseconds>> parse_instant(std::string_view at) {
  std::istringstream in{std::string(at)};
  date::sys_time<std::chrono::milliseconds> t;
  in >> date::parse("%FT%TZ", t);
  if (in.fail()) return std::nullopt;
  return t;
}

}  // namespace

bool is_known_timezone(const std::string& timezone) {
  return find_zone(timezone) != nullptr;
}

Result<ReturnPolicy> load_policy(store::Connection& db) {
  ReturnPolicy p;
  auto r = store::each_row(
      db,
      "SELECT key, value FROM store_config"
      " WHERE key IN ('timezone', 'return_window_days', 'offline_return_limit')",
      {}, [&](const store::Statement& s) {
        boost::system::error_code ec;
        auto v = json::parse(s.column_text(1), ec);
        if (ec) return;
        const std::string key = s.column_text(0);
        if (key == "timezone" && v.is_string()) {
          std::string tz(v.get_string());
          if (is_known_timezone(tz)) p.timezone = std::move(tz);
        } else if (key == "return_window_days" && v.is_int64() && v.get_int64() >= 0) {
          p.return_window_days = v.get_int64();
        } else if (key == "offline_return_limit" && v.is_object()) {
          const auto& o = v.get_object();
          const auto* amount = o.if_contains("amount");
          const auto* currency = o.if_contains("currency");
          if (amount && amount->is_int64() && currency && currency->is_string())
            p.offline_limit = Money{amount->get_int64(), std::string(currency->get_string())};
        }
      });
  if (!r) return r.error();
  return p;
}

Result<std::string> local_date(std::string_view at, const std::string& timezone) {
  auto instant = parse_instant(at);
  if (!instant) return make_error("invalid_request", "not an RFC 3339 UTC timestamp");
  const date::time_zone* zone = find_zone(timezone);
  date::local_days day;
  if (zone) {
    day = date::floor<date::days>(zone->to_local(*instant));
  } else {
    day = date::local_days{date::floor<date::days>(*instant).time_since_epoch()};
  }
  return date::format("%F", day);
}

Result<std::string> local_time_text(std::string_view at, const std::string& timezone) {
  auto instant = parse_instant(at);
  if (!instant) return make_error("invalid_request", "not an RFC 3339 UTC timestamp");
  const auto minutes = date::floor<std::chrono::minutes>(*instant);
  if (const date::time_zone* zone = find_zone(timezone))
    return date::format("%F %R %Z", date::make_zoned(zone, minutes));
  return date::format("%F %R UTC", minutes);
}

Result<std::string> add_days(std::string_view text, std::int64_t days) {
  std::istringstream in{std::string(text)};
  date::year_month_day ymd;
  in >> date::parse("%F", ymd);
  if (in.fail() || !ymd.ok() || text.size() != 10)
    return make_error("invalid_request", "not a date (YYYY-MM-DD)");
  return date::format("%F", date::sys_days(ymd) + date::days(days));
}

}  // namespace storeedge::pos
