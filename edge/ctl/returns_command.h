// storeedgectl returns: the POS returns taken here, from the database (list, show), for
// operators and loss prevention with or without the daemon running. docs/returns.md.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "store/database.h"

namespace storeedge::ctl {

// `words` after "returns" ([] or ["list"], ["show"]); `flags` --review, --order, --limit, --id.
// Returns the exit status; prints to `out`, errors to std::cerr.
int run_returns(const std::vector<std::string>& words,
                const std::map<std::string, std::string>& flags, store::Connection& db,
                std::ostream& out);

}  // namespace storeedge::ctl
