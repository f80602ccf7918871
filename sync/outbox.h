// The transactional outbox of the up stream: every business fact the store reports to the OMS
// is written here with the next seq of the store's up epoch, in the same transaction as the
// state change that caused it. A row is done only when the OMS's ack covers it (docs/sync.md).
// All functions run inside a transaction the caller owns, on the connection it passes.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace storeedge::sync {

using store::Connection;

struct UpIdentity {
  std::string store;
  std::string epoch;  // the store's up epoch, created with its database
};
[[nodiscard]] Result<UpIdentity> load_up_identity(Connection& db);

// Appends a sequenced up message (validated against the contract) and returns its seq.
[[nodiscard]] Result<std::int64_t> enqueue(Connection& db, std::string_view type,
                                           boost::json::object body, std::string_view at);

struct OutboxRow {
  std::int64_t seq;
  std::string id;
  std::string type;
  std::string payload;  // the exact wire form, so a resend is byte-identical
};
// Unacknowledged, un-nacked rows from `from_seq` on, in seq order, at most `limit`.
[[nodiscard]] Result<std::vector<OutboxRow>> pending(Connection& db, std::int64_t from_seq,
                                                     int limit);

// The OMS's ack {epoch, through}: rows up to `through` are done. Returns how many it covered
// newly; an ack for another epoch covers nothing.
[[nodiscard]] Result<std::int64_t> acknowledge(Connection& db, std::string_view epoch,
                                               std::int64_t through, std::string_view at);
// The OMS's nack: the row becomes an exception for staff and operators; later rows go on.
[[nodiscard]] Result<bool> record_nack(Connection& db, std::string_view epoch, std::int64_t seq,
                                       std::string_view code, std::string_view reason,
                                       std::string_view at);

// Deletes rows the OMS acknowledged before `cutoff` (RFC 3339), keeping exceptions (nacked
// rows) and always the highest seq, so the up stream's numbering never restarts. Returns the
// number of rows deleted.
[[nodiscard]] Result<std::int64_t> prune(Connection& db, std::string_view cutoff);

// The highest seq ever written (0 for none): one index lookup, for hot paths.
[[nodiscard]] Result<std::int64_t> last_seq(Connection& db);

// The highest seq the OMS acknowledged contiguously (every fact up to it is settled): two index
// lookups.
[[nodiscard]] Result<std::int64_t> acked_through(Connection& db);

// When the oldest fact the OMS has not acknowledged was written (nullopt when none waits):
// one index lookup, for the once-a-second housekeeping.
[[nodiscard]] Result<std::optional<std::string>> oldest_unacked_at(Connection& db);

struct OutboxFigures {
  std::int64_t next = 1;   // the seq the next fact will get
  std::int64_t acked = 0;  // highest seq the OMS acknowledged contiguously
  std::int64_t depth = 0;  // rows not yet acknowledged
  std::optional<std::string> oldest_unacked_at;
  std::int64_t exceptions = 0;
};
[[nodiscard]] Result<OutboxFigures> outbox_figures(Connection& db);

// Contract §3: a database that is re-created (restored from a backup, reinstalled) gets a new
// up epoch and starts again at seq 1. The facts not yet acknowledged are renumbered 1… in the
// new epoch in their order and keep their ids, so an OMS that already had one (delivered after
// the backup was taken) knows it again by its id; the rows of the old epoch that were settled
// (acknowledged or nacked) leave the outbox. Runs inside the caller's transaction.
// store_meta key a restore sets: at its next connection the store asks the OMS to replay the
// down stream after what the restored database applied.
inline constexpr const char* kResyncAfterRestore = "resync_after_restore";

struct UpRestart {
  std::string old_epoch, new_epoch;
  std::int64_t renumbered = 0, removed = 0;
};
[[nodiscard]] Result<UpRestart> restart_up_epoch(Connection& db);

}  // namespace storeedge::sync
