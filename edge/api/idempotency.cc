#include "api/idempotency.h"

#include "auth/secrets.h"

namespace storeedge::api {

Result<std::optional<IdempotencyKey>> idempotency_key(const http::Request& req,
                                                      const std::string& device_id) {
  auto it = req.find("Idempotency-Key");
  if (it == req.end()) return std::optional<IdempotencyKey>{};
  const std::string_view key = it->value();
  bool printable = !key.empty() && key.size() <= 128;
  for (unsigned char c : key) printable = printable && c >= 0x21 && c <= 0x7e;
  if (!printable)
    return make_error("invalid_request", "Idempotency-Key: 1-128 printable ASCII characters");
  std::string request(http::bhttp::to_string(req.method()));
  request += ' ';
  request += req.target();
  request += '\n';
  request += req.body();
  return std::optional<IdempotencyKey>(
      IdempotencyKey{device_id, std::string(key), auth::sha256_hex(request)});
}

Result<std::optional<StoredResponse>> find_response(store::Connection& db,
                                                    const IdempotencyKey& key) {
  auto st = db.prepare(
      "SELECT request_hash, status, body FROM idempotent_requests WHERE device_id = ?1 AND"
      " key = ?2");
  if (!st) return st.error();
  (*st)->bind(1, key.device_id).bind(2, key.key);
  auto row = (*st)->step();
  if (!row) return row.error();
  if (!*row) return std::optional<StoredResponse>{};
  const bool same = (*st)->column_text(0) == key.request_hash;
  StoredResponse stored{static_cast<int>((*st)->column_int(1)), (*st)->column_text(2)};
  (*st)->reset();
  if (!same)
    return make_error("idempotency_key_reused",
                      "Idempotency-Key " + key.key + " was already used for a different request");
  return std::optional<StoredResponse>(std::move(stored));
}

Result<void> store_response(store::Connection& db, const IdempotencyKey& key,
                            const StoredResponse& response, std::string_view at) {
  return store::run(db,
                    "INSERT INTO idempotent_requests (device_id, key, request_hash, status, body,"
                    " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    [&](store::Statement& s) {
                      s.bind(1, key.device_id).bind(2, key.key).bind(3, key.request_hash);
                      s.bind(4, std::int64_t{response.status}).bind(5, response.body).bind(6, at);
                    });
}

Result<std::int64_t> prune_responses(store::Connection& db, std::string_view cutoff) {
  auto r = store::run(db, "DELETE FROM idempotent_requests WHERE created_at < ?1",
                      [&](store::Statement& s) { s.bind(1, cutoff); });
  if (!r) return r.error();
  return db.changes();
}

}  // namespace storeedge::api
