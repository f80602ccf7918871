// One write transaction's worth of down messages (the engine applies arriving messages in
// batches, contract §3 "Batch"): each payload is validated and then applied, quarantined, held
// or ignored by the down applier, and what became of it is recorded for the engine to answer
// (nack, hold, resync) once the transaction has committed.
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "store/database.h"
#include "sync/down_applier.h"

namespace storeedge::sync {

struct DownBatch {
  std::vector<std::string> payloads;  // as received, in arrival order
  // Filled by apply_down_batch: one outcome per sequenced or invalid payload, in order, and the
  // control messages (ack, nack, replay.request, order.lookup.result) met on the way.
  std::vector<Outcome> outcomes;
  std::vector<std::size_t> outcome_payload;  // outcomes[i] is of payloads[outcome_payload[i]]
  std::vector<std::pair<std::string, boost::json::object>> controls;
  bool outbox_grew = false;  // an effect wrote up messages (cancellation.applied, ...)
  std::string down_epoch;    // the position after the batch
  std::int64_t applied = 0;
};

// Applies `batch.payloads` inside the caller's transaction. `store` is this store's id (a
// message for another store is refused); `now` stamps the rows written. Validation, refusals
// and stream positions are per message; any other error fails the whole batch (nothing of it
// may commit: the OMS sends again what was not acknowledged).
[[nodiscard]] Result<void> apply_down_batch(store::Connection& db, DownBatch& batch,
                                            std::string_view now, std::string_view store,
                                            const DownHooks& hooks = {});

}  // namespace storeedge::sync
