// The store's side of the benchmarks that fork a real storeedged (fulfil_bench, returns_bench):
// its state seeded from an OMS down stream through the real applier, counts read back from its
// database after it stopped, and the padded ids and GTINs their data uses.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

struct sqlite3;

namespace storeedge::bench {

// `n` in decimal, zero-padded on the left to `width` digits.
std::string pad(int n, int width);

// `body` (digits) followed by its GS1 check digit.
std::string gtin_with_check(const std::string& body);

// Opens the store in `state_dir` (created, migrated, stamped with `tenant` and `store_id`) and
// applies `stream`, serialized down messages of one epoch, as the sync engine does: contract
// validation, then the down applier, `batch` messages per transaction (at least 1). Throws
// Failure when one is not applied.
void apply_down_stream(const std::string& state_dir, const std::string& tenant,
                       const std::string& store_id, const std::vector<std::string>& stream,
                       std::size_t batch);

// A read-only connection to the SQLite database at `path`, closed when it goes; null when it
// cannot be opened.
using ReadOnlyDatabase = std::unique_ptr<sqlite3, int (*)(sqlite3*)>;
ReadOnlyDatabase open_read_only(const std::string& path);

// The first column of the first row of `sql`; -1 when it fails or returns no row.
long long db_scalar(sqlite3* db, const std::string& sql);

}  // namespace storeedge::bench
