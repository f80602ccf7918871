// What the unit tests on a real store share: store S042's database opened as the daemon opens
// it, and one OMS down message applied in its own transaction, as the sync engine applies it.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "core/config.h"
#include "store/database.h"
#include "store/state_dir.h"
#include "sync/contract.h"
#include "sync/down_applier.h"

namespace storeedge::testing {

// Opens (creating and migrating) store S042's database in `dir` into `db`; `vfs` names a SQLite
// VFS (empty: the default). Call inside ASSERT_NO_FATAL_FAILURE.
inline void open_test_store(const std::string& dir, std::unique_ptr<store::Connection>& db,
                            const std::string& vfs = "") {
  db.reset();
  Config config;
  config.store = "S042";
  auto opened = store::open_store(dir, config, vfs);
  ASSERT_TRUE(opened) << opened.error().message;
  db = std::make_unique<store::Connection>(std::move(*opened));
}

// `m` (a contract example, say) with `epoch` and `seq` set, validated and applied in a
// transaction of its own; on an error nothing of it stays.
inline Result<sync::Outcome> apply_down_message(store::Connection& db, boost::json::object m,
                                                std::string_view epoch, std::int64_t seq,
                                                std::string_view now,
                                                const sync::DownHooks& hooks = {}) {
  m["epoch"] = epoch;
  m["seq"] = seq;
  const std::string payload = boost::json::serialize(m);
  auto parsed = sync::parse_message(payload, sync::Direction::down, "S042");
  if (!parsed) return parsed.error();
  if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return r.error();
  auto out = sync::apply_down(db, *parsed, payload, now, hooks);
  if (auto r = db.exec(out ? "COMMIT" : "ROLLBACK"); !r) return r.error();
  return out;
}

}  // namespace storeedge::testing
