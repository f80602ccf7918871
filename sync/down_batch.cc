#include "sync/down_batch.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/value_to.hpp>
#include <cstddef>

#include "sync/contract.h"
#include "sync/outbox.h"

namespace storeedge::sync {

namespace json = boost::json;

namespace {

// ack and nack change the outbox (settled rows, exceptions) in the batch's transaction; the
// engine acts on every control message after the commit.
Result<void> record_control(store::Connection& db, const Envelope& m, std::string_view now) {
  if (m.type == "ack") {
    auto r = acknowledge(db, json::value_to<std::string>(m.body.at("epoch")),
                         m.body.at("through").to_number<std::int64_t>(), now);
    if (!r) return r.error();
  }
  if (m.type == "nack") {
    const json::value* seq = m.body.if_contains("seq");
    const json::value* epoch = m.body.if_contains("epoch");
    if (seq && epoch) {
      auto r = record_nack(db, json::value_to<std::string>(*epoch), seq->to_number<std::int64_t>(),
                           json::value_to<std::string>(m.body.at("code")),
                           json::value_to<std::string>(m.body.at("reason")), now);
      if (!r) return r.error();
    }
  }
  return {};
}

}  // namespace

Result<void> apply_down_batch(store::Connection& db, DownBatch& batch, std::string_view now,
                              std::string_view store, const DownHooks& hooks) {
  batch.outcomes.clear();
  batch.outcome_payload.clear();
  batch.controls.clear();
  batch.outbox_grew = false;
  auto before = last_seq(db);
  if (!before) return before.error();
  auto position = load_down_position(db);
  if (!position) return position.error();
  bool advanced = false;
  // Each message is parsed into an arena on this thread's stack (a parsed allocation.created
  // takes about 3.4 KiB) instead of a few dozen heap allocations, and dropped with it.
  alignas(std::max_align_t) unsigned char arena[8192];
  for (std::size_t i = 0; i < batch.payloads.size(); ++i) {
    const std::string& payload = batch.payloads[i];
    json::monotonic_resource memory(arena, sizeof arena);
    auto m = parse_message(payload, Direction::down, store, &memory);
    if (!m) {
      auto q = quarantine_invalid(db, *position, payload, m.error(), now);
      if (!q) return q.error();
      advanced |= q->advanced;
      batch.outcomes.push_back(*q);
      batch.outcome_payload.push_back(i);
      continue;
    }
    if (!m->seq) {
      if (auto r = record_control(db, *m, now); !r) return r.error();
      // Copied out of the arena: the engine reads it after the commit.
      batch.controls.emplace_back(std::move(m->type), json::object(m->body, json::storage_ptr()));
      continue;
    }
    auto out = apply_down(db, *position, *m, payload, now, hooks);
    if (!out) return out.error();
    advanced |= out->advanced;
    batch.outcomes.push_back(*out);
    batch.outcome_payload.push_back(i);
  }
  if (advanced)
    if (auto r = save_down_position(db, *position); !r) return r.error();
  auto after = last_seq(db);
  if (!after) return after.error();
  batch.outbox_grew = *after != *before;
  batch.down_epoch = position->epoch.value_or("");
  batch.applied = position->applied;
  return {};
}

}  // namespace storeedge::sync
