#include "sync/outbox.h"

#include "store/state_dir.h"
#include "sync/contract.h"

namespace storeedge::sync {

namespace {

Result<std::string> meta(Connection& db, std::string_view key) {
  auto v = store::read_meta(db, key);
  if (!v) return v.error();
  if (!*v) return make_error("corrupt", "store_meta has no " + std::string(key));
  return **v;
}

Result<std::int64_t> scalar(Connection& db, std::string_view sql) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  std::int64_t v = *row ? (*st)->column_int(0) : 0;
  (*st)->reset();
  return v;
}

}  // namespace

Result<UpIdentity> load_up_identity(Connection& db) {
  auto store = meta(db, "store");
  if (!store) return store.error();
  auto epoch = meta(db, "up_epoch");
  if (!epoch) return epoch.error();
  return UpIdentity{*store, *epoch};
}

Result<std::int64_t> enqueue(Connection& db, std::string_view type, boost::json::object body,
                             std::string_view at) {
  if (!is_sequenced(Direction::up, type))
    return make_error("internal", "not a sequenced up type: " + std::string(type));
  if (auto valid = validate_body(Direction::up, type, body); !valid)
    return make_error("internal", "outgoing " + std::string(type) +
                                      " breaks the contract: " + valid.error().message);
  auto identity = load_up_identity(db);
  if (!identity) return identity.error();
  auto last = scalar(db, "SELECT coalesce(max(seq), 0) FROM outbox");
  if (!last) return last.error();
  const std::int64_t seq = *last + 1;
  Envelope e{std::string(type),
             identity->epoch + "-" + std::to_string(seq),
             identity->store,
             identity->epoch,
             seq,
             std::string(at),
             std::move(body)};
  auto st = db.prepare(
      "INSERT INTO outbox (seq, id, type, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!st) return st.error();
  (*st)->bind(1, seq).bind(2, e.id).bind(3, type).bind(4, serialize(e)).bind(5, at);
  if (auto r = (*st)->run(); !r) return r.error();
  return seq;
}

Result<std::vector<OutboxRow>> pending(Connection& db, std::int64_t from_seq, int limit) {
  auto st = db.prepare(
      "SELECT seq, id, type, payload FROM outbox WHERE seq >= ?1 AND acked_at IS NULL"
      " AND nack_code IS NULL ORDER BY seq LIMIT ?2");
  if (!st) return st.error();
  (*st)->bind(1, from_seq).bind(2, std::int64_t{limit});
  std::vector<OutboxRow> rows;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    rows.push_back({(*st)->column_int(0), (*st)->column_text(1), (*st)->column_text(2),
                    (*st)->column_text(3)});
  }
  return rows;
}

Result<std::int64_t> acknowledge(Connection& db, std::string_view epoch, std::int64_t through,
                                 std::string_view at) {
  auto identity = load_up_identity(db);
  if (!identity) return identity.error();
  if (epoch != identity->epoch) return std::int64_t{0};
  auto st = db.prepare("UPDATE outbox SET acked_at = ?2 WHERE seq <= ?1 AND acked_at IS NULL");
  if (!st) return st.error();
  if (auto r = (*st)->bind(1, through).bind(2, at).run(); !r) return r.error();
  return db.changes();
}

Result<bool> record_nack(Connection& db, std::string_view epoch, std::int64_t seq,
                         std::string_view code, std::string_view reason, std::string_view at) {
  auto identity = load_up_identity(db);
  if (!identity) return identity.error();
  if (epoch != identity->epoch) return false;
  // A nacked row is settled: it leaves the resend window and stays as an exception.
  auto st = db.prepare(
      "UPDATE outbox SET nack_code = ?2, nack_reason = ?3, acked_at = coalesce(acked_at, ?4)"
      " WHERE seq = ?1 AND nack_code IS NULL");
  if (!st) return st.error();
  if (auto r = (*st)->bind(1, seq).bind(2, code).bind(3, reason).bind(4, at).run(); !r)
    return r.error();
  return db.changes() > 0;
}

Result<std::int64_t> prune(Connection& db, std::string_view cutoff) {
  auto st = db.prepare(
      "DELETE FROM outbox WHERE acked_at IS NOT NULL AND acked_at < ?1 AND nack_code IS NULL"
      " AND seq < (SELECT max(seq) FROM outbox)");
  if (!st) return st.error();
  if (auto r = (*st)->bind(1, cutoff).run(); !r) return r.error();
  return db.changes();
}

Result<std::int64_t> last_seq(Connection& db) {
  return scalar(db, "SELECT coalesce(max(seq), 0) FROM outbox");
}

Result<std::int64_t> acked_through(Connection& db) {
  auto first_open = scalar(db, "SELECT coalesce(min(seq), 0) FROM outbox WHERE acked_at IS NULL");
  if (!first_open) return first_open.error();
  if (*first_open != 0) return *first_open - 1;
  return last_seq(db);
}

Result<OutboxFigures> outbox_figures(Connection& db) {
  OutboxFigures f;
  auto last = last_seq(db);
  if (!last) return last.error();
  f.next = *last + 1;
  auto acked = acked_through(db);
  if (!acked) return acked.error();
  f.acked = *acked;
  auto depth = scalar(db, "SELECT count(*) FROM outbox WHERE acked_at IS NULL");
  if (!depth) return depth.error();
  f.depth = *depth;
  auto exceptions = scalar(db, "SELECT count(*) FROM outbox WHERE nack_code IS NOT NULL");
  if (!exceptions) return exceptions.error();
  f.exceptions = *exceptions;
  auto oldest = oldest_unacked_at(db);
  if (!oldest) return oldest.error();
  f.oldest_unacked_at = std::move(*oldest);
  return f;
}

Result<std::optional<std::string>> oldest_unacked_at(Connection& db) {
  // Rows are written in seq order, so the first unacknowledged seq is the oldest.
  auto st = db.prepare("SELECT created_at FROM outbox WHERE acked_at IS NULL ORDER BY seq LIMIT 1");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  std::optional<std::string> at;
  if (*row) at = (*st)->column_text(0);
  (*st)->reset();
  return at;
}

Result<UpRestart> restart_up_epoch(Connection& db) {
  auto identity = load_up_identity(db);
  if (!identity) return identity.error();
  UpRestart out{identity->epoch, "", 0, 0};
  {
    auto st = db.prepare("SELECT 'edge-' || lower(hex(randomblob(8)))");
    if (!st) return st.error();
    auto row = (*st)->step();
    if (!row) return row.error();
    out.new_epoch = (*st)->column_text(0);
    (*st)->reset();
  }
  std::vector<std::pair<std::string, std::string>> kept;  // id, payload, in seq order
  {
    auto st = db.prepare(
        "SELECT id, payload FROM outbox WHERE acked_at IS NULL AND nack_code IS NULL"
        " ORDER BY seq");
    if (!st) return st.error();
    while (true) {
      auto row = (*st)->step();
      if (!row) return row.error();
      if (!*row) break;
      kept.emplace_back((*st)->column_text(0), (*st)->column_text(1));
    }
  }
  auto total = scalar(db, "SELECT count(*) FROM outbox");
  if (!total) return total.error();
  if (auto r = db.exec("DELETE FROM outbox"); !r) return r.error();
  auto insert = db.prepare(
      "INSERT INTO outbox (seq, id, type, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert) return insert.error();
  for (const auto& [id, payload] : kept) {
    auto e = parse_message(payload, Direction::up, identity->store);
    if (!e) return make_error("corrupt", "outbox row " + id + ": " + e.error().message);
    e->epoch = out.new_epoch;
    e->seq = ++out.renumbered;
    (*insert)->bind(1, *e->seq).bind(2, e->id).bind(3, e->type).bind(4, serialize(*e));
    (*insert)->bind(5, e->at);
    if (auto r = (*insert)->run(); !r) return r.error();
  }
  out.removed = *total - out.renumbered;
  auto r = store::run(db, "UPDATE store_meta SET value = ?1 WHERE key = 'up_epoch'",
                      [&](store::Statement& s) { s.bind(1, out.new_epoch); });
  if (!r) return r.error();
  r = store::run(db,
                 "INSERT INTO store_meta (key, value) VALUES (?1, '1')"
                 " ON CONFLICT (key) DO UPDATE SET value = '1'",
                 [](store::Statement& s) { s.bind(1, kResyncAfterRestore); });
  if (!r) return r.error();
  return out;
}

}  // namespace storeedge::sync
