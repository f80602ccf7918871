#include "ctl/print_commands.h"

#include <charconv>
#include <iostream>

#include "printer/print_jobs.h"

namespace storeedge::ctl {

namespace {

std::optional<std::int64_t> number(const std::map<std::string, std::string>& flags,
                                   const std::string& key, std::int64_t lo, std::int64_t hi) {
  auto it = flags.find(key);
  if (it == flags.end()) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  if (ec != std::errc{} || end != it->second.data() + it->second.size() || v < lo || v > hi)
    return std::nullopt;
  return v;
}

std::string opt(const std::optional<std::string>& s) {
  return s ? *s : "-";
}

int fail(const Error& e) {
  std::cerr << "storeedgectl: " << e.code << ": " << e.message << "\n";
  return 1;
}

}  // namespace

int run_print_jobs(const std::vector<std::string>& words,
                   const std::map<std::string, std::string>& flags, store::Connection& db,
                   const AuditedCommit& commit, const std::string& now,
                   const std::string& operator_name, std::ostream& out) {
  const std::string what = words.empty() ? "list" : words.front();
  if (what == "list") {
    std::optional<std::string> state;
    if (auto it = flags.find("state"); it != flags.end()) {
      if (!printer::is_print_job_state(it->second)) {
        std::cerr << "storeedgectl: --state must be one of pending, sending, sent, done, waiting, "
                     "failed, cancelled, unknown\n";
        return 2;
      }
      state = it->second;
    }
    const auto limit = flags.contains("limit") ? number(flags, "limit", 1, 100'000) : 50;
    if (!limit) {
      std::cerr << "storeedgectl: --limit must be 1-100000\n";
      return 2;
    }
    auto jobs = printer::list_print_jobs(db, state, *limit, 0);
    if (!jobs) return fail(jobs.error());
    out << "ID\tKIND\tFOR\tSTATE\tPRINTER\tATTEMPTS\tUPDATED\tREASON\n";
    for (const auto& j : *jobs)
      out << j.id << "\t" << j.kind << "\t"
          << opt(j.allocation_id ? j.allocation_id : j.return_id)  // a return's jobs: the return
          << (j.package ? "/" + *j.package : "") << "\t" << j.state << "\t" << opt(j.printer)
          << "\t" << j.attempts << "\t" << j.updated_at << "\t" << opt(j.reason) << "\n";
    return 0;
  }
  const auto id = number(flags, "id", 1, INT64_MAX);
  if (!id) {
    std::cerr << "storeedgectl: print-jobs " << what << " needs --id N\n";
    return 2;
  }
  if (what == "reprint") {
    std::int64_t again = 0;
    auto r = commit("print-jobs reprint", std::to_string(*id),
                    [&](store::Connection& c) -> Result<void> {
                      auto n = printer::reprint_print_job(c, *id, operator_name, now);
                      if (!n) return n.error();
                      again = *n;
                      return {};
                    });
    if (!r) return fail(r.error());
    out << "print job " << again << " reprints " << *id << "\n";
    return 0;
  }
  if (what == "cancel") {
    std::optional<printer::PrintJob> was;
    auto r =
        commit("print-jobs cancel", std::to_string(*id), [&](store::Connection& c) -> Result<void> {
          auto j = printer::cancel_print_job(c, *id, now);
          if (!j) return j.error();
          was = *j;
          return {};
        });
    if (!r) return fail(r.error());
    out << "print job " << *id << " cancelled";
    if (was && was->state == "sent")
      out << " (the printer has it already as job " << opt(was->printer_job)
          << ": cancel it there too, or use the API, which does)";
    out << "\n";
    return 0;
  }
  std::cerr << "storeedgectl: unknown print-jobs command '" << what << "'\n";
  return 2;
}

}  // namespace storeedge::ctl
