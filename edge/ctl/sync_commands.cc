#include "ctl/sync_commands.h"

#include <charconv>
#include <iostream>

#include "core/clock.h"
#include "sync/down_applier.h"
#include "sync/outbox.h"

namespace storeedge::ctl {
namespace {

int fail(const Error& e) {
  std::cerr << "storeedgectl: " << e.code << ": " << e.message << "\n";
  return 1;
}

std::int64_t int_flag(const std::map<std::string, std::string>& flags, const std::string& key,
                      std::int64_t fallback) {
  auto it = flags.find(key);
  if (it == flags.end()) return fallback;
  std::int64_t v = -1;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  return ec == std::errc{} && end == it->second.data() + it->second.size() ? v : -1;
}

int status(store::Connection& db) {
  auto down = sync::load_down_position(db);
  if (!down) return fail(down.error());
  auto up = sync::load_up_identity(db);
  if (!up) return fail(up.error());
  auto f = sync::outbox_figures(db);
  if (!f) return fail(f.error());
  auto st = db.prepare("SELECT count(*) FROM quarantine");
  if (!st) return fail(st.error());
  auto row = (*st)->step();
  if (!row) return fail(row.error());
  const std::int64_t quarantined = (*st)->column_int(0);
  (*st)->reset();
  std::cout << "down epoch:      " << down->epoch.value_or("(none yet)") << "\n"
            << "down applied:    " << down->applied << "\n"
            << "snapshot open:   " << down->snapshot.value_or("no") << "\n"
            << "up epoch:        " << up->epoch << "\n"
            << "up next seq:     " << f->next << "\n"
            << "up acked:        " << f->acked << "\n"
            << "outbox depth:    " << f->depth << "\n"
            << "oldest unacked:  " << f->oldest_unacked_at.value_or("-") << "\n"
            << "quarantined:     " << quarantined << "\n"
            << "exceptions:      " << f->exceptions << "\n";
  return 0;
}

// Lists rows, or with --id/--seq shows one row's payload.
int listing(store::Connection& db, const std::map<std::string, std::string>& flags,
            bool quarantine) {
  const std::int64_t limit = int_flag(flags, "limit", 50);
  const std::string key = quarantine ? "id" : "seq";
  const std::int64_t one = int_flag(flags, key, 0);
  if (limit < 1 || limit > 100000 || one < 0) {
    std::cerr << "storeedgectl: --limit must be 1-100000 and --" << key << " a number\n";
    return 2;
  }
  const char* list_sql =
      quarantine ? "SELECT id, received_at, coalesce(epoch, '-'), coalesce(seq, '-'),"
                   " coalesce(type, '-'), code, reason FROM quarantine ORDER BY id DESC LIMIT ?1"
                 : "SELECT seq, created_at, id, type, nack_code, nack_reason, '' FROM outbox"
                   " WHERE nack_code IS NOT NULL ORDER BY seq DESC LIMIT ?1";
  const char* show_sql = quarantine ? "SELECT payload FROM quarantine WHERE id = ?1"
                                    : "SELECT payload FROM outbox WHERE seq = ?1"
                                      " AND nack_code IS NOT NULL";
  auto st = db.prepare(one > 0 ? show_sql : list_sql);
  if (!st) return fail(st.error());
  (*st)->bind(1, one > 0 ? one : limit);
  bool any = false;
  if (one == 0)
    std::cout << (quarantine ? "ID\tRECEIVED\tEPOCH\tSEQ\tTYPE\tCODE\tREASON\n"
                             : "SEQ\tCREATED\tID\tTYPE\tCODE\tREASON\n");
  while (true) {
    auto row = (*st)->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    any = true;
    if (one > 0) {
      std::cout << (*st)->column_text(0) << "\n";
      continue;
    }
    const int columns = quarantine ? 7 : 6;
    for (int c = 0; c < columns; ++c) std::cout << (c ? "\t" : "") << (*st)->column_text(c);
    std::cout << "\n";
  }
  if (one > 0 && !any) return fail(make_error("not_found", "no such row"));
  return 0;
}

}  // namespace

int run_sync(const std::vector<std::string>& words, const std::map<std::string, std::string>& flags,
             store::Connection& db) {
  if (words.size() == 2 && words[1] == "status") return status(db);
  if (words.size() == 2 && words[1] == "quarantine") return listing(db, flags, true);
  if (words.size() == 2 && words[1] == "exceptions") return listing(db, flags, false);
  std::cerr << "storeedgectl: unknown sync command\n";
  return 2;
}

}  // namespace storeedge::ctl
