// The registry as rows of the `scanners` table (docs/schema.md): the daemon writes each change,
// storeedgectl and a restarted daemon read them.
#pragma once

#include <string_view>
#include <vector>

#include "core/error.h"
#include "devices/registry.h"
#include "store/database.h"

namespace storeedge::devices {

[[nodiscard]] Result<void> save_scanner_row(store::Connection& db, const DeviceStatus& d);
// Every row, present devices first (as DeviceStatus; info holds devnode, serial, port, product).
[[nodiscard]] Result<std::vector<DeviceStatus>> load_scanner_rows(store::Connection& db);
// At start: rows the last run left in a present state are now released (not found yet).
[[nodiscard]] Result<void> release_scanner_rows(store::Connection& db, std::string_view now);

}  // namespace storeedge::devices
