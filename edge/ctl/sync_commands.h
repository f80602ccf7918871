// storeedgectl's `sync` commands: the OMS sync's position, outbox, quarantine and exceptions,
// read straight from the store's database.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "store/database.h"

namespace storeedge::ctl {

// words[0] == "sync". Returns the process exit code; prints to stdout/stderr.
int run_sync(const std::vector<std::string>& words, const std::map<std::string, std::string>& flags,
             store::Connection& db);

}  // namespace storeedge::ctl
