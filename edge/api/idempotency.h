// Idempotency-Key for mutating fulfilment requests: a handheld that lost the answer to a scan
// on a Wi-Fi blip sends the same request again with the same key. The first success is stored
// with the change it made, in the same transaction; a retry with the same key and the same
// request gets that response back and changes nothing; the same key with a different request
// is refused (422 idempotency_key_reused). Keys are per device and kept for 24 hours.
#pragma once

#include <optional>
#include <string>

#include "http/message.h"
#include "store/database.h"

namespace storeedge::api {

struct IdempotencyKey {
  std::string device_id;
  std::string key;
  std::string request_hash;  // SHA-256 of method, target and body
};

// The request's key, nullopt without the header, "invalid_request" when malformed (1-128
// printable ASCII characters).
[[nodiscard]] Result<std::optional<IdempotencyKey>> idempotency_key(const http::Request& req,
                                                                    const std::string& device_id);

struct StoredResponse {
  int status = 0;
  std::string body;
};
// The stored response for the key, if any; "idempotency_key_reused" when the key was used for
// a different request.
[[nodiscard]] Result<std::optional<StoredResponse>> find_response(store::Connection& db,
                                                                  const IdempotencyKey& key);
[[nodiscard]] Result<void> store_response(store::Connection& db, const IdempotencyKey& key,
                                          const StoredResponse& response, std::string_view at);
// Forgets keys older than `cutoff` (RFC 3339); returns how many.
[[nodiscard]] Result<std::int64_t> prune_responses(store::Connection& db, std::string_view cutoff);

}  // namespace storeedge::api
