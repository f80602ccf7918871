// storeedgectl print-jobs: the print queue from the database (list, reprint, cancel), for
// operators with or without the daemon running. docs/printing.md.
#pragma once

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "store/database.h"

namespace storeedge::ctl {

// Runs a change and its audit row in one transaction (storeedgectl's commit): action, target.
using AuditedCommit =
    std::function<Result<void>(const std::string& action, const std::string& target,
                               const std::function<Result<void>(store::Connection&)>& change)>;

// `words` after "print-jobs" ([] or ["list"], ["reprint"], ["cancel"]); `flags` --state,
// --limit, --id. Returns the exit status; prints to `out`, errors to std::cerr.
int run_print_jobs(const std::vector<std::string>& words,
                   const std::map<std::string, std::string>& flags, store::Connection& db,
                   const AuditedCommit& commit, const std::string& now,
                   const std::string& operator_name, std::ostream& out);

}  // namespace storeedge::ctl
