// Versioned schema migrations. The schema version is SQLite's user_version; all pending
// migrations apply in one transaction at start-up, so a crash leaves the old version intact.
#pragma once

#include <string_view>
#include <vector>

#include "store/database.h"

namespace storeedge::store {

// migrations()[i] takes a database from version i to version i+1. Append only: never edit a
// migration that has shipped.
const std::vector<std::string_view>& migrations();
int latest_schema_version();

[[nodiscard]] Result<int> schema_version(Connection& db);
// Applies migrations [current, target). target = -1 means latest. Refuses a database whose
// version is newer than this build knows.
[[nodiscard]] Result<void> migrate(Connection& db, int target = -1);

}  // namespace storeedge::store
