// The store's return policy as the OMS configures it (store.config: timezone,
// return_window_days, offline_return_limit) and the calendar arithmetic it needs: dates are
// the store's local dates, in its IANA timezone (Howard Hinnant's date/tz over the system's
// zoneinfo). Pure except load_policy, which reads store_config on the caller's connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "store/database.h"

namespace storeedge::pos {

struct Money {
  std::int64_t amount = 0;  // minor units
  std::string currency;     // ISO 4217
};

struct ReturnPolicy {
  std::string timezone = "UTC";          // the OMS's, when it is a zone this machine knows
  std::int64_t return_window_days = 30;  // for orders without a return_by (fulfilled here)
  std::optional<Money> offline_limit;    // none configured: no return is taken offline
};

[[nodiscard]] Result<ReturnPolicy> load_policy(store::Connection& db);

// The store's calendar date (YYYY-MM-DD) at `at` (RFC 3339, UTC). An unknown timezone counts as
// UTC. "invalid_request" when `at` is not a timestamp.
[[nodiscard]] Result<std::string> local_date(std::string_view at, const std::string& timezone);
// `at` as the store's wall clock for printing, "2026-11-23 13:00 CET" (UTC for an unknown zone).
[[nodiscard]] Result<std::string> local_time_text(std::string_view at, const std::string& timezone);
// `date` (YYYY-MM-DD) plus `days`; "invalid_request" when `date` is not a valid date.
[[nodiscard]] Result<std::string> add_days(std::string_view date, std::int64_t days);
bool is_known_timezone(const std::string& timezone);

}  // namespace storeedge::pos
