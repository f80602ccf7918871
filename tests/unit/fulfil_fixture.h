// The floor's domain on real SQLite, with allocations arriving through the down-stream
// applier as they do in production: catalog SKU-1001 (at A-03-2) and SKU-3003 (at C-11-1), the
// BOPIS allocation A-77812 (line 1: 2 × SKU-1001, line 2: 1 × SKU-3003, pickup code 482913) and
// the ship-from-store A-77813 (the same lines, carrier DHL).
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "fulfil/picking.h"
#include "store/state_dir.h"
#include "support/contract_examples.h"
#include "support/harness.h"
#include "sync/contract.h"
#include "sync/down_applier.h"
#include "sync/outbox.h"
#include "unit/store_helpers.h"

namespace storeedge::fulfil::test {

namespace json = boost::json;
inline constexpr std::string_view kNow = "2026-11-24T10:00:00.000Z";
inline const Actor kAda{"ada", std::string("hh1")};

inline json::object example(const std::string& file) {
  return storeedge::testing::contract_example(file);
}

class FulfilTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(storeedge::testing::open_test_store(dir_.path(), db_));
    down("down.snapshot.begin.json");
    down("down.catalog.items.json");
    down("down.allocation.created.json");
    down("down.allocation.created-sfs.json");
  }
  void down(const std::string& file, json::object patch = {}) {
    auto m = example(file);
    for (auto& [k, v] : patch) m["body"].as_object()[k] = v;
    auto out =
        storeedge::testing::apply_down_message(*db_, std::move(m), "oms-e1", ++down_seq_, kNow);
    ASSERT_TRUE(out) << out.error().message;
  }
  // Runs `fn` in a transaction that commits only when it succeeds, as the API does.
  template <class F>
  auto tx(F fn) {
    EXPECT_TRUE(db_->exec("BEGIN IMMEDIATE"));
    auto r = fn(*db_);
    EXPECT_TRUE(db_->exec(r ? "COMMIT" : "ROLLBACK"));
    return r;
  }
  Result<PickOutcome> pick(const std::string& code, std::int64_t qty = 1,
                           const std::string& id = "A-77812") {
    return tx([&](store::Connection& db) { return fulfil::pick(db, id, code, qty, kAda, kNow); });
  }
  std::int64_t count(const std::string& sql) {
    auto st = db_->prepare(sql);
    auto row = (*st)->step();
    std::int64_t n = row && *row ? (*st)->column_int(0) : -1;
    (*st)->reset();
    return n;
  }
  // The up facts written so far, in order.
  std::vector<json::object> facts() {
    auto rows = sync::pending(*db_, 1, 10'000);
    std::vector<json::object> out;
    for (const auto& r : *rows) out.push_back(json::parse(r.payload).as_object());
    return out;
  }
  std::vector<std::string> fact_types() {
    std::vector<std::string> out;
    for (const auto& f : facts()) out.emplace_back(f.at("type").as_string());
    return out;
  }
  Allocation load(const std::string& id = "A-77812") {
    auto a = load_allocation(*db_, id);
    EXPECT_TRUE(a);
    return *a;
  }

  storeedge::testing::TempDir dir_;
  std::unique_ptr<store::Connection> db_;
  std::int64_t down_seq_ = 0;
};

}  // namespace storeedge::fulfil::test
