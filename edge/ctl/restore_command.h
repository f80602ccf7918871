// storeedgectl backup and restore. Restore puts a backup (docs/operations.md, Backups) in place of
// the state directory's database, with storeedged stopped, and starts a new up epoch as contract §3
// requires of a restored database.
#pragma once

#include <string>

#include "core/config.h"

namespace storeedge::ctl {

// storeedgectl backup: a consistent copy of the live database (SQLite's online backup; the
// daemon may keep running), checked with PRAGMA integrity_check. Refuses to overwrite a file.
int run_backup(const std::string& target, const std::string& state_dir, const Config& config);

// Returns the process exit code; prints what it did, or why not, to stdout/stderr.
int run_restore(const std::string& backup, const std::string& state_dir, const Config& config,
                const std::string& operator_name);

}  // namespace storeedge::ctl
