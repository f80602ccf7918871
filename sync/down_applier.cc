// Exactly-once application of the down stream, and each down type's effect on the replica.
#include "sync/down_applier.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <set>

#include "sync/outbox.h"

namespace storeedge::sync {

namespace json = boost::json;
using store::Connection;

bool is_open_allocation_state(std::string_view s) {
  return s == "open" || s == "accepted" || s == "picking" || s == "picked" || s == "ready" ||
         s == "packing" || s == "packed";
}

namespace {

Error domain(std::string code, std::string reason) {
  return make_error(code, reason);
}

using store::run;

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<std::string> opt_str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::int64_t num(const json::object& o, std::string_view key, std::int64_t fallback = 0) {
  const json::value* v = o.if_contains(key);
  if (!v || !(v->is_int64() || v->is_uint64())) return fallback;
  return v->to_number<std::int64_t>();
}

Result<void> mark_seen(Connection& db, std::string_view kind, std::string_view key) {
  return run(db,
             "INSERT OR IGNORE INTO snapshot_seen (kind, key)"
             " SELECT ?1, ?2 FROM sync_down WHERE snapshot IS NOT NULL",
             [&](store::Statement& s) { s.bind(1, kind).bind(2, key); });
}

Result<std::optional<std::string>> allocation_state(Connection& db, std::string_view id) {
  auto st = db.prepare("SELECT state FROM allocations WHERE allocation_id = ?1");
  if (!st) return st.error();
  (*st)->bind(1, id);
  auto row = (*st)->step();
  if (!row) return row.error();
  std::optional<std::string> state;
  if (*row) state = (*st)->column_text(0);
  (*st)->reset();
  return state;
}

struct Line {
  std::string line, sku;
  std::int64_t qty, picked, cancelled;
};

Result<std::vector<Line>> allocation_lines(Connection& db, std::string_view id) {
  auto st = db.prepare(
      // Units the store rejected went back to the OMS and cannot be cancelled; picked units
      // of a substitute are put back as the substitute.
      "SELECT line, coalesce(substitute_sku, sku), qty - rejected_qty, picked_qty, cancelled_qty"
      " FROM allocation_lines WHERE allocation_id = ?1 ORDER BY length(line), line");
  if (!st) return st.error();
  (*st)->bind(1, id);
  std::vector<Line> lines;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    lines.push_back({(*st)->column_text(0), (*st)->column_text(1), (*st)->column_int(2),
                     (*st)->column_int(3), (*st)->column_int(4)});
  }
  return lines;
}

// Contract §6: the OMS owns cancellation, the store owns physical facts. `requested` maps a
// line to the units to cancel; empty = every unit not yet cancelled.
Result<void> cancel_allocation(Connection& db, const std::string& id,
                               std::map<std::string, std::int64_t> requested,
                               std::string_view now) {
  auto state = allocation_state(db, id);
  if (!state) return state.error();
  if (!*state) return domain("unknown_allocation", "allocation " + id + " is not known");
  if (**state == "handed_over" || **state == "shipped") {
    auto r = enqueue(db, "cancellation.refused", {{"allocation", id}, {"reason", **state}}, now);
    if (!r) return r.error();
    return {};
  }
  if (!is_open_allocation_state(**state))
    return domain("illegal_transition",
                  "allocation " + id + " is " + **state + " and cannot be cancelled");
  auto lines = allocation_lines(db, id);
  if (!lines) return lines.error();
  const bool whole = requested.empty();
  json::array cancelled_lines, put_back;
  bool anything_left = false;
  for (const Line& l : *lines) {
    const std::int64_t remaining = l.qty - l.cancelled;
    std::int64_t cancel = whole ? remaining : 0;
    if (!whole) {
      auto it = requested.find(l.line);
      if (it != requested.end()) {
        cancel = it->second;
        requested.erase(it);
      }
    }
    if (cancel > remaining)
      return domain("illegal_transition", "line " + l.line + " has " + std::to_string(remaining) +
                                              " units left to cancel, not " +
                                              std::to_string(cancel));
    // Units picked beyond what the line still needs become put-back work for staff.
    const std::int64_t needed = remaining - cancel;
    const std::int64_t back = std::max<std::int64_t>(0, l.picked - needed);
    if (cancel > 0) {
      cancelled_lines.push_back({{"line", l.line}, {"qty", cancel}});
      auto r = run(db,
                   "UPDATE allocation_lines SET cancelled_qty = cancelled_qty + ?3,"
                   " picked_qty = picked_qty - ?4 WHERE allocation_id = ?1 AND line = ?2",
                   [&](store::Statement& s) {
                     s.bind(1, id).bind(2, l.line).bind(3, cancel).bind(4, back);
                   });
      if (!r) return r;
    }
    if (back > 0) {
      put_back.push_back({{"sku", l.sku}, {"qty", back}});
      auto r = run(
          db,
          "INSERT INTO put_back_work (allocation_id, sku, qty, created_at)"
          " VALUES (?1, ?2, ?3, ?4)",
          [&](store::Statement& s) { s.bind(1, id).bind(2, l.sku).bind(3, back).bind(4, now); });
      if (!r) return r;
    }
    anything_left |= needed > 0;
  }
  if (!requested.empty())
    return domain("illegal_transition",
                  "allocation " + id + " has no line " + requested.begin()->first);
  if (!anything_left) {
    auto r = run(
        db, "UPDATE allocations SET state = 'cancelled', updated_at = ?2 WHERE allocation_id = ?1",
        [&](store::Statement& s) { s.bind(1, id).bind(2, now); });
    if (!r) return r;
  }
  auto r = enqueue(db, "cancellation.applied",
                   {{"allocation", id},
                    {"lines", std::move(cancelled_lines)},
                    {"put_back", std::move(put_back)}},
                   now);
  if (!r) return r.error();
  return {};
}

Result<void> created(Connection& db, const json::object& b, const DownPosition& pos,
                     std::string_view now) {
  const std::string id = str(b, "allocation");
  if (pos.snapshot)
    if (auto r = mark_seen(db, "allocation", id); !r) return r;
  auto json_or_null = [&](std::string_view key) -> std::optional<std::string> {
    const json::value* v = b.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    return json::serialize(*v);
  };
  auto r = run(
      db,
      "INSERT INTO allocations (allocation_id, order_id, kind, state, priority, promised_by,"
      " customer_name, customer, pickup_person, ship_to, carrier, service,"
      " substitutions_allowed, created_at, updated_at)"
      " VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)"
      " ON CONFLICT (allocation_id) DO NOTHING",
      [&](store::Statement& s) {
        const json::object& customer = b.at("customer").get_object();
        s.bind(1, id).bind(2, str(b, "order")).bind(3, str(b, "kind"));
        s.bind(4, num(b, "priority")).bind_optional(5, opt_str(b, "promised_by"));
        s.bind(6, str(customer, "name")).bind(7, json::serialize(customer));
        s.bind_optional(8, opt_str(b, "pickup_person")).bind_optional(9, json_or_null("ship_to"));
        s.bind_optional(10, opt_str(b, "carrier")).bind_optional(11, opt_str(b, "service"));
        const json::value* subs = b.if_contains("substitutions_allowed");
        s.bind(12, std::int64_t{subs && subs->is_bool() && subs->get_bool() ? 1 : 0});
        s.bind(13, now);
      });
  if (!r) return r;
  if (db.changes() == 0) return {};  // a duplicate allocation.created is a no-op (§6)
  for (const auto& lv : b.at("lines").get_array()) {
    const json::object& l = lv.get_object();
    auto lr =
        run(db,
            "INSERT INTO allocation_lines (allocation_id, line, sku, description, qty, unit_price,"
            " currency, gtins) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            [&](store::Statement& s) {
              s.bind(1, id).bind(2, str(l, "line")).bind(3, str(l, "sku"));
              s.bind(4, str(l, "description")).bind(5, num(l, "qty")).bind(6, num(l, "unit_price"));
              s.bind(7, str(l, "currency")).bind(8, json::serialize(l.at("gtins")));
            });
    if (!lr) return lr;
  }
  return {};
}

Result<void> amended(Connection& db, const json::object& b, std::string_view now) {
  const std::string id = str(b, "allocation");
  auto state = allocation_state(db, id);
  if (!state) return state.error();
  if (!*state) return domain("unknown_allocation", "allocation " + id + " is not known");
  // Only the fields the message names change (§6); physical facts are never touched.
  static const std::pair<const char*, const char*> fields[] = {
      {"pickup_person", "pickup_person"}, {"promised_by", "promised_by"}, {"notes", "notes"}};
  for (const auto& field : fields) {  // no structured binding: clang 14 cannot capture one
    const char* key = field.first;
    const char* column = field.second;
    if (!b.contains(key)) continue;
    auto r = run(
        db,
        std::string("UPDATE allocations SET ") + column +
            " = ?2, updated_at = ?3 WHERE allocation_id = ?1",
        [&](store::Statement& s) { s.bind(1, id).bind_optional(2, opt_str(b, key)).bind(3, now); });
    if (!r) return r;
  }
  if (b.contains("priority") && !b.at("priority").is_null()) {
    auto r =
        run(db, "UPDATE allocations SET priority = ?2, updated_at = ?3 WHERE allocation_id = ?1",
            [&](store::Statement& s) { s.bind(1, id).bind(2, num(b, "priority")).bind(3, now); });
    if (!r) return r;
  }
  return {};
}

Result<void> cancelled(Connection& db, const json::object& b, std::string_view now) {
  std::map<std::string, std::int64_t> requested;
  if (const json::value* lines = b.if_contains("lines"); lines && lines->is_array())
    for (const auto& l : lines->get_array())
      requested[str(l.get_object(), "line")] += num(l.get_object(), "qty");
  return cancel_allocation(db, str(b, "allocation"), std::move(requested), now);
}

Result<void> catalog(Connection& db, const json::object& b, std::string_view now) {
  for (const auto& iv : b.at("items").get_array()) {
    const json::object& item = iv.get_object();
    const std::string sku = str(item, "sku");
    auto r = run(
        db,
        "INSERT INTO catalog_items (sku, description, unit_price, currency, returnable, location,"
        " updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (sku) DO UPDATE SET"
        " description = excluded.description, unit_price = excluded.unit_price,"
        " currency = excluded.currency, returnable = excluded.returnable,"
        " location = excluded.location, updated_at = excluded.updated_at",
        [&](store::Statement& s) {
          s.bind(1, sku).bind(2, str(item, "description")).bind(3, num(item, "unit_price"));
          s.bind(4, str(item, "currency"))
              .bind(5, std::int64_t{item.at("returnable").get_bool() ? 1 : 0});
          s.bind_optional(6, opt_str(item, "location")).bind(7, now);
        });
    if (!r) return r;
    if (auto d = run(db, "DELETE FROM catalog_gtins WHERE sku = ?1",
                     [&](store::Statement& s) { s.bind(1, sku); });
        !d)
      return d;
    for (const auto& g : item.at("gtins").get_array()) {
      auto gr = run(
          db, "INSERT OR REPLACE INTO catalog_gtins (gtin, sku) VALUES (?1, ?2)",
          [&](store::Statement& s) { s.bind(1, std::string_view(g.get_string())).bind(2, sku); });
      if (!gr) return gr;
    }
    if (auto seen = mark_seen(db, "catalog_item", sku); !seen) return seen;
  }
  return {};
}

// Each document records how far the OMS had acknowledged the up stream when it arrived: the
// down stream is one ordered topic, so a document sent after the OMS processed a return.received
// counts that return in its returned_qty (docs/returns.md, "Quantity already returned").
Result<void> returnable(Connection& db, const json::object& b, std::string_view now) {
  auto acked = acked_through(db);
  if (!acked) return acked.error();
  for (const auto& ov : b.at("orders").get_array()) {
    const json::object& order = ov.get_object();
    const std::string id = str(order, "order");
    auto r = run(db,
                 "INSERT INTO returnable_orders (order_id, document, updated_at, up_acked)"
                 " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (order_id) DO UPDATE SET"
                 " document = excluded.document, updated_at = excluded.updated_at,"
                 " up_acked = excluded.up_acked",
                 [&](store::Statement& s) {
                   s.bind(1, id).bind(2, json::serialize(order)).bind(3, now).bind(4, *acked);
                 });
    if (!r) return r;
    if (auto d = run(db, "DELETE FROM receipt_barcodes WHERE order_id = ?1",
                     [&](store::Statement& s) { s.bind(1, id); });
        !d)
      return d;
    for (const auto& barcode : order.at("receipt_barcodes").get_array()) {
      auto br =
          run(db, "INSERT OR REPLACE INTO receipt_barcodes (barcode, order_id) VALUES (?1, ?2)",
              [&](store::Statement& s) {
                s.bind(1, std::string_view(barcode.get_string())).bind(2, id);
              });
      if (!br) return br;
    }
    if (auto seen = mark_seen(db, "returnable_order", id); !seen) return seen;
  }
  return {};
}

Result<void> store_config(Connection& db, const json::object& b) {
  for (const auto& entry : b) {  // no structured binding: clang 14 cannot capture one
    const std::string_view key = entry.key();
    const json::value& value = entry.value();
    if (value.is_null()) continue;
    auto r = run(db,
                 "INSERT INTO store_config (key, value) VALUES (?1, ?2)"
                 " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                 [&](store::Statement& s) { s.bind(1, key).bind(2, json::serialize(value)); });
    if (!r) return r;
  }
  return {};
}

Result<void> label(Connection& db, const json::object& b, bool ok, std::string_view now,
                   const DownHooks& hooks) {
  const std::string id = str(b, "allocation");
  auto state = allocation_state(db, id);
  if (!state) return state.error();
  if (!*state) return domain("unknown_allocation", "allocation " + id + " is not known");
  if (ok) {  // kept for printing (docs/fulfilment.md): the printer picks up the job
    auto job =
        run(db,
            "INSERT INTO print_jobs (kind, allocation_id, package, created_at)"
            " VALUES ('shipping_label', ?1, ?2, ?3)",
            [&](store::Statement& s) { s.bind(1, id).bind(2, str(b, "package")).bind(3, now); });
    if (!job) return job;
  } else if (hooks.label_failed) {
    // No carrier label: the store prints its own GS1 logistic label (the daemon's hook).
    if (auto own = hooks.label_failed(db, id, str(b, "package"), now); !own) return own;
  }
  return run(
      db,
      "INSERT INTO labels (allocation_id, package, carrier, service, tracking, format, data,"
      " failure_code, failure_reason, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
      " ON CONFLICT (allocation_id, package) DO UPDATE SET carrier = excluded.carrier,"
      " service = excluded.service, tracking = excluded.tracking, format = excluded.format,"
      " data = excluded.data, failure_code = excluded.failure_code,"
      " failure_reason = excluded.failure_reason, received_at = excluded.received_at",
      [&](store::Statement& s) {
        s.bind(1, id).bind(2, str(b, "package"));
        s.bind_optional(3, ok ? opt_str(b, "carrier") : std::nullopt);
        s.bind_optional(4, ok ? opt_str(b, "service") : std::nullopt);
        s.bind_optional(5, ok ? opt_str(b, "tracking") : std::nullopt);
        s.bind_optional(6, ok ? opt_str(b, "format") : std::nullopt);
        s.bind_optional(7, ok ? opt_str(b, "data") : std::nullopt);
        s.bind_optional(8, ok ? std::nullopt : opt_str(b, "code"));
        s.bind_optional(9, ok ? std::nullopt : opt_str(b, "reason"));
        s.bind(10, now);
      });
}

Result<std::int64_t> count_seen(Connection& db, std::string_view kind) {
  auto st = db.prepare("SELECT count(*) FROM snapshot_seen WHERE kind = ?1");
  if (!st) return st.error();
  (*st)->bind(1, kind);
  auto row = (*st)->step();
  if (!row) return row.error();
  std::int64_t n = (*st)->column_int(0);
  (*st)->reset();
  return n;
}

// §3: at snapshot.end every open local allocation the snapshot did not contain counts as
// cancelled by the OMS. Final ones (handed over, shipped, ...) are left alone: their facts are
// in the outbox and still reach the OMS.
Result<void> snapshot_end(Connection& db, const json::object& b, const DownPosition& pos,
                          std::string_view now) {
  if (pos.snapshot != str(b, "snapshot"))
    return domain("snapshot_mismatch", "snapshot.end for " + str(b, "snapshot") +
                                           " but the open snapshot is " +
                                           pos.snapshot.value_or("none"));
  const json::object& counts = b.at("counts").get_object();
  for (auto [kind, key] :
       {std::pair{"allocation", "allocations"}, std::pair{"catalog_item", "catalog_items"},
        std::pair{"returnable_order", "returnable_orders"}}) {
    auto seen = count_seen(db, kind);
    if (!seen) return seen.error();
    if (*seen != num(counts, key))
      return domain("snapshot_incomplete", std::string(key) + ": the snapshot announced " +
                                               std::to_string(num(counts, key)) + " but " +
                                               std::to_string(*seen) + " arrived");
  }
  auto st = db.prepare(
      "SELECT allocation_id FROM allocations WHERE state IN ('open', 'accepted', 'picking',"
      " 'picked', 'ready', 'packed') AND allocation_id NOT IN"
      " (SELECT key FROM snapshot_seen WHERE kind = 'allocation') ORDER BY allocation_id");
  if (!st) return st.error();
  std::vector<std::string> missing;
  while (true) {
    auto row = (*st)->step();
    if (!row) return row.error();
    if (!*row) break;
    missing.push_back((*st)->column_text(0));
  }
  for (const auto& id : missing)
    if (auto r = cancel_allocation(db, id, {}, now); !r) return r;
  if (auto r = run(db, "DELETE FROM snapshot_seen"); !r) return r;
  return run(db, "UPDATE sync_down SET snapshot = NULL");
}

Result<void> apply_effect(Connection& db, const Envelope& m, const DownPosition& pos,
                          std::string_view now, const DownHooks& hooks) {
  const json::object& b = m.body;
  const std::string& t = m.type;
  if (t == "snapshot.begin") {
    if (auto r = run(db, "DELETE FROM snapshot_seen"); !r) return r;
    return run(db, "UPDATE sync_down SET snapshot = ?1",
               [&](store::Statement& s) { s.bind(1, str(b, "snapshot")); });
  }
  if (t == "snapshot.end") return snapshot_end(db, b, pos, now);
  if (t == "store.config") return store_config(db, b);
  if (t == "catalog.items") return catalog(db, b, now);
  if (t == "allocation.created") return created(db, b, pos, now);
  if (t == "allocation.amended") return amended(db, b, now);
  if (t == "allocation.cancelled") return cancelled(db, b, now);
  if (t == "returnable_orders") return returnable(db, b, now);
  if (t == "label.created") return label(db, b, true, now, hooks);
  if (t == "label.failed") return label(db, b, false, now, hooks);
  return make_error("internal", "no effect for sequenced type " + t);
}

Result<void> quarantine(Connection& db, const Cited& c, const Error& why, std::string_view payload,
                        std::string_view now) {
  return run(
      db,
      "INSERT INTO quarantine (received_at, epoch, seq, message_id, type, code, reason, payload)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
      [&](store::Statement& s) {
        s.bind(1, now).bind_optional(2, c.epoch);
        if (c.seq)
          s.bind(3, *c.seq);
        else
          s.bind(3, std::nullopt);
        s.bind_optional(4, c.id).bind_optional(5, c.type).bind(6, why.code).bind(7, why.message);
        s.bind(8, payload.substr(0, kMaxPayloadBytes));
      });
}

// By its key: an UPDATE that SQLite cannot prove touches one row opens a statement journal, and
// releasing one walks the in-memory sub-journal from its start (see apply_down).
Result<void> set_position(Connection& db, std::string_view epoch, std::int64_t applied) {
  return run(db, "UPDATE sync_down SET epoch = ?1, applied = ?2 WHERE id = 1",
             [&](store::Statement& s) { s.bind(1, epoch).bind(2, applied); });
}

// The types whose effect the applier may refuse, and must then roll back alone (apply_down). A
// type that gains a refusal belongs here; otherwise its refusal fails the whole batch instead.
bool may_be_refused(std::string_view type) {
  return type == "snapshot.end" || type == "allocation.amended" || type == "allocation.cancelled" ||
         type == "label.created" || type == "label.failed";
}

}  // namespace

Result<DownPosition> load_down_position(Connection& db) {
  auto st = db.prepare("SELECT epoch, applied, snapshot FROM sync_down WHERE id = 1");
  if (!st) return st.error();
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return make_error("corrupt", "sync_down has no row");
  DownPosition p{(*st)->column_optional(0), (*st)->column_int(1), (*st)->column_optional(2)};
  (*st)->reset();
  return p;
}

Result<void> save_down_position(Connection& db, const DownPosition& position) {
  return set_position(db, position.epoch.value_or(""), position.applied);
}

Result<Outcome> apply_down(Connection& db, const Envelope& m, std::string_view payload,
                           std::string_view now, const DownHooks& hooks) {
  auto pos = load_down_position(db);
  if (!pos) return pos.error();
  auto out = apply_down(db, *pos, m, payload, now, hooks);
  if (out && out->advanced)
    if (auto r = save_down_position(db, *pos); !r) return r.error();
  return out;
}

Result<Outcome> apply_down(Connection& db, DownPosition& position, const Envelope& m,
                           std::string_view payload, std::string_view now, const DownHooks& hooks) {
  const Cited cited{m.epoch, m.id, m.type, m.seq};
  const std::int64_t seq = *m.seq;
  DownPosition pos = position;
  if (pos.epoch != m.epoch) {
    // A new epoch starts with snapshot.begin at seq 1, or not at all (§3).
    if (seq != 1 || m.type != "snapshot.begin")
      return Outcome{Disposition::epoch_refused, std::nullopt, false, cited};
    pos.epoch = m.epoch;
    pos.applied = 0;
    pos.snapshot.reset();
  }
  if (seq <= pos.applied) return Outcome{Disposition::duplicate, std::nullopt, false, cited};
  if (seq > pos.applied + 1) return Outcome{Disposition::gap, std::nullopt, false, cited};

  Outcome out{Disposition::applied, std::nullopt, true, cited};
  // A refused effect is rolled back alone, to its savepoint. Types that are never refused need
  // none: any error of theirs fails the caller's transaction. The savepoint is not free: the
  // caller's own savepoint (the write queue's, around the whole batch) keeps every page the batch
  // touched in SQLite's in-memory sub-journal, and each RELEASE of an inner savepoint walks that
  // journal from its start — a fifth of the ingest's CPU with one per allocation.created.
  const bool savepoint = may_be_refused(m.type);
  if (savepoint)
    if (auto r = run(db, "SAVEPOINT effect"); !r) return r.error();
  if (auto r = apply_effect(db, m, pos, now, hooks); !r) {
    // Only the applier's own refusals quarantine a message; any other failure (busy, a
    // constraint, a bug) fails the transaction, so the message is not lost but applied later.
    static const std::set<std::string> refusals = {"unknown_allocation", "illegal_transition",
                                                   "snapshot_mismatch", "snapshot_incomplete"};
    if (!savepoint || !refusals.contains(r.error().code)) return r.error();
    (void)run(db, "ROLLBACK TO effect");
    out.disposition = Disposition::quarantined;
    out.refusal = r.error();
    if (auto q = quarantine(db, cited, r.error(), payload, now); !q) return q.error();
  } else if (m.type == "snapshot.begin") {
    pos.snapshot = str(m.body, "snapshot");  // as the effect wrote it to sync_down
  } else if (m.type == "snapshot.end") {
    pos.snapshot.reset();
  }
  if (savepoint)
    if (auto r = run(db, "RELEASE effect"); !r) return r.error();
  pos.applied = seq;
  position = std::move(pos);
  return out;
}

Result<Outcome> quarantine_invalid(Connection& db, std::string_view payload, const Error& why,
                                   std::string_view now) {
  auto pos = load_down_position(db);
  if (!pos) return pos.error();
  auto out = quarantine_invalid(db, *pos, payload, why, now);
  if (out && out->advanced)
    if (auto r = save_down_position(db, *pos); !r) return r.error();
  return out;
}

Result<Outcome> quarantine_invalid(Connection& db, DownPosition& position, std::string_view payload,
                                   const Error& why, std::string_view now) {
  Cited cited;
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 32;
  if (payload.size() <= kMaxPayloadBytes) {
    json::value v = json::parse(payload, ec, {}, opts);
    if (!ec && v.is_object()) {
      const json::object& o = v.get_object();
      cited.epoch = opt_str(o, "epoch");
      cited.id = opt_str(o, "id");
      cited.type = opt_str(o, "type");
      if (const json::value* s = o.if_contains("seq"); s && s->is_int64())
        cited.seq = s->get_int64();
    }
  }
  const bool in_epoch = cited.epoch && position.epoch == cited.epoch && cited.seq;
  if (in_epoch && *cited.seq <= position.applied)
    return Outcome{Disposition::duplicate, std::nullopt, false, cited};
  Outcome out{Disposition::quarantined, why, false, cited};
  if (auto q = quarantine(db, cited, why, payload, now); !q) return q.error();
  if (in_epoch && *cited.seq == position.applied + 1) {
    position.applied = *cited.seq;
    out.advanced = true;
  }
  return out;
}

}  // namespace storeedge::sync
