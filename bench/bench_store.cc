#include "bench/bench_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>

#include "bench/bench_support.h"
#include "core/clock.h"
#include "core/config.h"
#include "store/state_dir.h"
#include "sync/contract.h"
#include "sync/down_batch.h"

namespace storeedge::bench {

std::string pad(int n, int width) {
  std::string s = std::to_string(n);
  return std::string(static_cast<std::size_t>(std::max(0, width - static_cast<int>(s.size()))),
                     '0') +
         s;
}

std::string gtin_with_check(const std::string& body) {
  int sum = 0;
  for (std::size_t i = 0; i < body.size(); ++i)
    sum += (body[body.size() - 1 - i] - '0') * (i % 2 == 0 ? 3 : 1);
  return body + std::to_string((10 - sum % 10) % 10);
}

void apply_down_stream(const std::string& state_dir, const std::string& tenant,
                       const std::string& store_id, const std::vector<std::string>& stream,
                       std::size_t batch) {
  Config config;
  config.tenant = tenant;
  config.store = store_id;
  auto db = store::open_store(state_dir, config);
  if (!db) throw Failure("cannot open the store: " + db.error().message);
  batch = std::max<std::size_t>(batch, 1);
  const std::string now = format_rfc3339(std::chrono::system_clock::now());
  for (std::size_t first = 0; first < stream.size(); first += batch) {
    sync::DownBatch b;
    const std::size_t last = std::min(stream.size(), first + batch);
    b.payloads.assign(stream.begin() + static_cast<long>(first),
                      stream.begin() + static_cast<long>(last));
    if (auto r = db->exec("BEGIN IMMEDIATE"); !r) throw Failure(r.error().message);
    if (auto r = sync::apply_down_batch(*db, b, now, store_id); !r)
      throw Failure("applying messages " + std::to_string(first) + "..: " + r.error().message);
    for (std::size_t i = 0; i < b.outcomes.size(); ++i)
      if (b.outcomes[i].disposition != sync::Disposition::applied)
        throw Failure("down message " + std::to_string(first + b.outcome_payload[i]) +
                      " was not applied" +
                      (b.outcomes[i].refusal ? ": " + b.outcomes[i].refusal->message : ""));
    if (b.outcomes.size() != b.payloads.size())
      throw Failure("a control message in a seeded down stream");
    if (auto r = db->exec("COMMIT"); !r) throw Failure(r.error().message);
  }
}

ReadOnlyDatabase open_read_only(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return {nullptr, sqlite3_close};
  }
  return {db, sqlite3_close};
}

long long db_scalar(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  long long v = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

}  // namespace storeedge::bench
