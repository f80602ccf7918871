#include "printer/print_jobs.h"

#include <functional>

namespace storeedge::printer {

namespace {

constexpr std::string_view kColumns =
    "job_id, kind, allocation_id, package, state, printer, printer_job, reason, next_attempt_at,"
    " done_at, attempts, created_at, COALESCE(updated_at, created_at), reprint_of, requested_by,"
    " station, return_id, location, sku";

PrintJob read_job(const store::Statement& st) {
  PrintJob j;
  j.id = st.column_int(0);
  j.kind = st.column_text(1);
  j.allocation_id = st.column_optional(2);
  j.package = st.column_optional(3);
  j.state = st.column_text(4);
  j.printer = st.column_optional(5);
  j.printer_job = st.column_optional(6);
  j.reason = st.column_optional(7);
  j.next_attempt_at = st.column_optional(8);
  j.done_at = st.column_optional(9);
  j.attempts = st.column_int(10);
  j.created_at = st.column_text(11);
  j.updated_at = st.column_text(12);
  if (st.column_optional(13)) j.reprint_of = st.column_int(13);
  j.requested_by = st.column_optional(14);
  j.station = st.column_optional(15);
  j.return_id = st.column_optional(16);
  j.location = st.column_optional(17);
  j.sku = st.column_optional(18);
  return j;
}

Result<std::vector<PrintJob>> select(store::Connection& db, const std::string& where,
                                     const std::function<void(store::Statement&)>& bind) {
  std::vector<PrintJob> out;
  auto r = store::each_row(db, "SELECT " + std::string(kColumns) + " FROM print_jobs " + where,
                           bind, [&](const store::Statement& st) { out.push_back(read_job(st)); });
  if (!r) return r.error();
  return out;
}

}  // namespace

bool is_print_job_state(std::string_view s) {
  return s == "pending" || s == "sending" || s == "sent" || s == "done" || s == "waiting" ||
         s == "failed" || s == "cancelled" || s == "unknown";
}

Result<std::vector<PrintJob>> due_print_jobs(store::Connection& db, std::string_view now,
                                             int limit) {
  return select(db,
                "WHERE state = 'pending' OR (state = 'waiting' AND next_attempt_at <= ?1)"
                " ORDER BY job_id LIMIT ?2",
                [&](store::Statement& s) { s.bind(1, now).bind(2, std::int64_t{limit}); });
}

Result<std::vector<PrintJob>> sent_print_jobs(store::Connection& db, int limit) {
  return select(db, "WHERE state = 'sent' ORDER BY job_id LIMIT ?1",
                [&](store::Statement& s) { s.bind(1, std::int64_t{limit}); });
}

Result<std::optional<PrintJob>> find_print_job(store::Connection& db, std::int64_t id) {
  auto jobs = select(db, "WHERE job_id = ?1", [&](store::Statement& s) { s.bind(1, id); });
  if (!jobs) return jobs.error();
  if (jobs->empty()) return std::optional<PrintJob>{};
  return std::optional<PrintJob>{std::move(jobs->front())};
}

Result<std::vector<PrintJob>> list_print_jobs(store::Connection& db,
                                              std::optional<std::string> state, std::int64_t limit,
                                              std::int64_t offset) {
  return select(
      db, "WHERE (?1 IS NULL OR state = ?1) ORDER BY job_id DESC LIMIT ?2 OFFSET ?3",
      [&](store::Statement& s) { s.bind_optional(1, state).bind(2, limit).bind(3, offset); });
}

Result<void> update_print_job(store::Connection& db, std::int64_t id, std::string_view expected,
                              const JobUpdate& u, std::string_view now) {
  auto st = db.prepare(
      "UPDATE print_jobs SET state = ?3, printer = COALESCE(?4, printer),"
      " printer_job = COALESCE(?5, printer_job), reason = ?6, next_attempt_at = ?7,"
      " attempts = attempts + ?8, done_at = CASE WHEN ?9 THEN ?10 ELSE done_at END,"
      " updated_at = ?10 WHERE job_id = ?1 AND state = ?2");
  if (!st) return st.error();
  (*st)->bind(1, id).bind(2, expected).bind(3, u.state).bind_optional(4, u.printer);
  (*st)->bind_optional(5, u.printer_job).bind_optional(6, u.reason);
  (*st)->bind_optional(7, u.next_attempt_at).bind(8, std::int64_t{u.count_attempt ? 1 : 0});
  (*st)->bind(9, std::int64_t{u.done ? 1 : 0}).bind(10, now);
  if (auto r = (*st)->run(); !r) return r;
  if (db.changes() == 0)
    return make_error("conflict",
                      "print job " + std::to_string(id) + " is no longer " + std::string(expected));
  return {};
}

Result<std::int64_t> add_print_job(store::Connection& db, const NewPrintJob& job,
                                   std::string_view now) {
  auto st = db.prepare(
      "INSERT INTO print_jobs (kind, allocation_id, package, return_id, state, created_at,"
      " updated_at, station, location, sku) VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5, ?6, ?7,"
      " ?8)");
  if (!st) return st.error();
  (*st)->bind(1, job.kind).bind_optional(2, job.allocation_id).bind_optional(3, job.package);
  (*st)->bind_optional(4, job.return_id).bind(5, now).bind_optional(6, job.station);
  (*st)->bind_optional(7, job.location).bind_optional(8, job.sku);
  if (auto r = (*st)->run(); !r) return r.error();
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db.handle()));
}

Result<std::int64_t> reprint_print_job(store::Connection& db, std::int64_t id,
                                       std::string_view requested_by, std::string_view now) {
  auto st = db.prepare(
      "INSERT INTO print_jobs (kind, allocation_id, package, return_id, location, sku, state,"
      " created_at, updated_at, reprint_of, requested_by, station)"
      " SELECT kind, allocation_id, package, return_id, location, sku, 'pending', ?2, ?2, job_id,"
      " ?3, station FROM print_jobs WHERE job_id = ?1");
  if (!st) return st.error();
  (*st)->bind(1, id).bind(2, now).bind(3, requested_by);
  if (auto r = (*st)->run(); !r) return r.error();
  if (db.changes() == 0) return make_error("not_found", "no print job " + std::to_string(id));
  return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db.handle()));
}

Result<PrintJob> cancel_print_job(store::Connection& db, std::int64_t id, std::string_view now) {
  auto job = find_print_job(db, id);
  if (!job) return job.error();
  if (!*job) return make_error("not_found", "no print job " + std::to_string(id));
  const std::string& state = (*job)->state;
  if (state == "done" || state == "failed" || state == "cancelled")
    return make_error("already_done", "print job " + std::to_string(id) + " is " + state);
  JobUpdate u;
  u.state = "cancelled";
  u.reason = "cancelled by a person";
  u.done = true;
  if (auto r = update_print_job(db, id, state, u, now); !r) return r.error();
  return std::move(**job);
}

Result<std::int64_t> mark_interrupted_print_jobs(store::Connection& db, std::string_view now) {
  auto st = db.prepare(
      "UPDATE print_jobs SET state = 'unknown', updated_at = ?1, reason = 'the daemon stopped"
      " while sending this job: look at the printer, then reprint or cancel it'"
      " WHERE state = 'sending'");
  if (!st) return st.error();
  (*st)->bind(1, now);
  if (auto r = (*st)->run(); !r) return r.error();
  return static_cast<std::int64_t>(db.changes());
}

Result<void> retry_waiting_print_jobs(store::Connection& db, std::string_view now) {
  auto st = db.prepare("UPDATE print_jobs SET next_attempt_at = ?1 WHERE state = 'waiting'");
  if (!st) return st.error();
  (*st)->bind(1, now);
  return (*st)->run();
}

}  // namespace storeedge::printer
