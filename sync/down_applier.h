// Applies the OMS's down stream to the store's replica exactly once (contract §3): a message's
// effect and the new `applied` position commit in the same transaction — the caller's
// write-queue change. Refused messages are quarantined and still advance the position, so the
// stream moves on. The conflict rules of contract §6 live here. Functions run inside a
// transaction the caller owns.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "store/database.h"
#include "sync/contract.h"

namespace storeedge::sync {

// States in which an allocation still waits for store work (open … packed); the others are
// final (handed_over, shipped, expired, cancelled, rejected).
bool is_open_allocation_state(std::string_view state);

struct DownPosition {
  std::optional<std::string> epoch;
  std::int64_t applied = 0;
  std::optional<std::string> snapshot;  // set between snapshot.begin and snapshot.end
};
[[nodiscard]] Result<DownPosition> load_down_position(store::Connection& db);

enum class Disposition {
  applied,        // took effect; the position moved to its seq
  quarantined,    // refused and kept with the reason; a nack is owed
  duplicate,      // already applied (seq <= applied): acknowledge again
  gap,            // seq > applied + 1: hold it and ask for a replay from applied + 1
  epoch_refused,  // a new epoch that does not start with snapshot.begin: ask for a resync
};

// What a nack must cite; fields are absent when the payload did not reveal them.
struct Cited {
  std::optional<std::string> epoch, id, type;
  std::optional<std::int64_t> seq;
};

struct Outcome {
  Disposition disposition;
  std::optional<Error> refusal;  // quarantined: the nack's code and reason
  bool advanced = false;         // the position moved (applied or quarantined in turn)
  Cited cited;
};

// What the store does beyond its replica when some messages arrive, in the message's
// transaction. The daemon sets them (it alone joins sync/ with printing); empty ones do nothing.
// A hook's error fails the transaction, so the message is applied again later: hooks return
// errors only for failures of the store, never for a refusal.
struct DownHooks {
  // label.failed for a package: the daemon prints the store's own GS1 label instead
  // (printer/sscc.h, docs/printing.md "Our own shipping label").
  std::function<Result<void>(store::Connection&, const std::string& allocation,
                             const std::string& package, std::string_view now)>
      label_failed;
};

// A sequenced message that passed contract validation.
[[nodiscard]] Result<Outcome> apply_down(store::Connection& db, const Envelope& m,
                                         std::string_view payload, std::string_view now,
                                         const DownHooks& hooks = {});

// A payload that failed validation (`why` holds the nack code). If it names the next seq of
// the current epoch it is quarantined and the position advances; otherwise it is quarantined
// where it stands (an unreadable payload has no place in the stream).
[[nodiscard]] Result<Outcome> quarantine_invalid(store::Connection& db, std::string_view payload,
                                                 const Error& why, std::string_view now);

// The same two for many messages in one transaction (down_batch.h): the caller loads the
// position once, each call moves `position` in memory only, and the caller saves it with
// save_down_position before its transaction commits. Two statements a message fewer.
[[nodiscard]] Result<Outcome> apply_down(store::Connection& db, DownPosition& position,
                                         const Envelope& m, std::string_view payload,
                                         std::string_view now, const DownHooks& hooks = {});
[[nodiscard]] Result<Outcome> quarantine_invalid(store::Connection& db, DownPosition& position,
                                                 std::string_view payload, const Error& why,
                                                 std::string_view now);
[[nodiscard]] Result<void> save_down_position(store::Connection& db, const DownPosition& position);

}  // namespace storeedge::sync
