// The print queue's rows (`print_jobs`, docs/schema.md): jobs due to be sent, the states a job
// moves through, and the listing, reprint and cancel that people ask for. Pure SQL over a
// connection; the caller owns the transaction.
//
// States: pending (new) → sending (committed just before the printer is given the job) → sent
// (the printer has it; followed) → done. A job that cannot be sent yet (printer offline, out of
// media, paused, not accepting) is waiting until next_attempt_at; one the printer aborted, or that
// cannot be rendered or has no printer, is failed; cancelled by a person; unknown when the daemon
// stopped while sending to a printer that cannot say whether it got it (raw 9100).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/database.h"

namespace storeedge::printer {

struct PrintJob {
  std::int64_t id = 0;
  // bag_label | shipping_label | packing_slip | return_label | return_slip | bin_label
  std::string kind;
  std::optional<std::string> allocation_id, package;
  std::optional<std::string> return_id;      // return_label, return_slip: the POS return
  std::optional<std::string> location, sku;  // bin_label: the bin, and the item of a shelf label
  std::string state;
  std::optional<std::string> printer, printer_job, reason, next_attempt_at, done_at;
  std::int64_t attempts = 0;
  std::string created_at, updated_at;
  std::optional<std::int64_t> reprint_of;
  std::optional<std::string> requested_by;
  std::optional<std::string> station;  // where the action that made it happened
};

bool is_print_job_state(std::string_view s);

// Jobs to send now: pending, or waiting with next_attempt_at <= now; oldest first.
[[nodiscard]] Result<std::vector<PrintJob>> due_print_jobs(store::Connection& db,
                                                           std::string_view now, int limit);
// Jobs the printer has (sent): their printer's state is followed.
[[nodiscard]] Result<std::vector<PrintJob>> sent_print_jobs(store::Connection& db, int limit);
[[nodiscard]] Result<std::optional<PrintJob>> find_print_job(store::Connection& db,
                                                             std::int64_t id);
// Newest first; `state` filters; `limit` rows from `offset`.
[[nodiscard]] Result<std::vector<PrintJob>> list_print_jobs(store::Connection& db,
                                                            std::optional<std::string> state,
                                                            std::int64_t limit,
                                                            std::int64_t offset);

// Moves a job between states; `expected` guards against a concurrent change (a cancel while it
// was being sent): "conflict" when the job is not in that state any more.
struct JobUpdate {
  std::string state;
  std::optional<std::string> printer, printer_job, reason, next_attempt_at;
  bool count_attempt = false;
  bool done = false;  // sets done_at
};
[[nodiscard]] Result<void> update_print_job(store::Connection& db, std::int64_t id,
                                            std::string_view expected, const JobUpdate& update,
                                            std::string_view now);

// A new pending job; returns its id.
struct NewPrintJob {
  std::string kind;
  std::optional<std::string> allocation_id, package, return_id, station, location, sku;
};
[[nodiscard]] Result<std::int64_t> add_print_job(store::Connection& db, const NewPrintJob& job,
                                                 std::string_view now);

// A new pending job printing the same thing again. Errors: "not_found".
[[nodiscard]] Result<std::int64_t> reprint_print_job(store::Connection& db, std::int64_t id,
                                                     std::string_view requested_by,
                                                     std::string_view now);
// Cancels a job not done yet. Errors: "not_found", "already_done" (done, failed, cancelled).
// Returns the job as it was (a sent job must also be cancelled at its printer).
[[nodiscard]] Result<PrintJob> cancel_print_job(store::Connection& db, std::int64_t id,
                                                std::string_view now);
// At start: jobs a stopped daemon left in sending may or may not have reached their printer;
// they become unknown, for a person to look at the printer and reprint or cancel (never printed
// twice on a guess). Returns how many.
[[nodiscard]] Result<std::int64_t> mark_interrupted_print_jobs(store::Connection& db,
                                                               std::string_view now);

// At start: waiting jobs are tried again now (a restart may have brought a printer or its
// configuration back).
[[nodiscard]] Result<void> retry_waiting_print_jobs(store::Connection& db, std::string_view now);

}  // namespace storeedge::printer
