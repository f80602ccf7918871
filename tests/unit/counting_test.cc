// Cycle counts on real SQLite: variances posted at once within the limit, held for a lead
// above it, approved or rejected by someone else, blind counts of a whole bin.
#include "fulfil/counting.h"

#include "fulfil/work.h"
#include "fulfil_fixture.h"

namespace storeedge::fulfil {
namespace {

using test::kAda;
using test::kNow;
namespace json = boost::json;

const Actor kLee{"lee", std::string("hh2")};

class CountingTest : public test::FulfilTest {
 protected:
  Result<Count> submit(const std::vector<CountedItem>& items, bool lead = false,
                       const std::string& bin = "A-03-2") {
    return tx([&](store::Connection& db) {
      return submit_count(db, bin, items, 5, lead, lead ? kLee : kAda, kNow);
    });
  }
  Result<Count> decide(std::int64_t id, bool approve, const Actor& who) {
    return tx([&](store::Connection& db) { return decide_count(db, id, approve, who, kNow); });
  }
  std::int64_t on_hand(const std::string& sku, const std::string& bin = "A-03-2") {
    return count("SELECT on_hand FROM inventory WHERE sku = '" + sku + "' AND location = '" + bin +
                 "'");
  }
};

TEST_F(CountingTest, SmallVariancePostsAtOnce) {
  auto c = submit({{"5901234123457", 2}, {"SKU-1001", 1}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->state, "posted");
  ASSERT_EQ(c->lines.size(), 1u);
  EXPECT_EQ(c->lines[0].counted, 3);
  EXPECT_EQ(c->lines[0].variance(), 3);
  EXPECT_EQ(on_hand("SKU-1001"), 3);
  EXPECT_EQ(json::serialize(facts().back().at("body")),
            R"({"sku":"SKU-1001","delta":3,"reason":"count","ref":"count-1","location":"A-03-2"})");
}

TEST_F(CountingTest, LargeVarianceWaitsForAnotherLeadAndRejectPostsNothing) {
  auto c = submit({{"SKU-1001", 9}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state, "awaiting_approval");
  EXPECT_EQ(count("SELECT count(*) FROM inventory"), 0);
  const auto before = facts().size();
  auto own = decide(c->id, true, kAda);
  ASSERT_FALSE(own);
  EXPECT_EQ(own.error().code, "not_allowed_for_role");
  auto approved = decide(c->id, true, kLee);
  ASSERT_TRUE(approved) << approved.error().message;
  EXPECT_EQ(approved->state, "posted");
  EXPECT_EQ(approved->decided_by, "lee");
  EXPECT_EQ(on_hand("SKU-1001"), 9);
  EXPECT_EQ(facts().size(), before + 1);
  auto twice = decide(c->id, true, kLee);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, "illegal_state");

  auto recount = submit({{"SKU-1001", 1}});  // 8 fewer than the books
  ASSERT_TRUE(recount);
  EXPECT_EQ(recount->state, "awaiting_approval");
  auto rejected = decide(recount->id, false, kLee);
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->state, "rejected");
  EXPECT_EQ(on_hand("SKU-1001"), 9);
  EXPECT_EQ(facts().size(), before + 1);
}

TEST_F(CountingTest, ALeadPostsAnyVarianceAndTheWholeBinIsCounted) {
  ASSERT_TRUE(submit({{"SKU-1001", 4}, {"SKU-3003", 2}}));
  // A blind recount that finds no towels: SKU-3003 counts as zero though it was not scanned.
  auto c = submit({{"SKU-1001", 40}}, true);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state, "posted");
  ASSERT_EQ(c->lines.size(), 2u);
  EXPECT_EQ(c->lines[1].sku, "SKU-3003");
  EXPECT_EQ(c->lines[1].variance(), -2);
  EXPECT_EQ(on_hand("SKU-1001"), 40);
  EXPECT_EQ(on_hand("SKU-3003"), 0);
}

TEST_F(CountingTest, ACountClearsTheCountDueMarkAndBadInputChangesNothing) {
  ASSERT_TRUE(tx([&](store::Connection& db) {
    return reject(db, "A-77812", {{"1", 2, "not_found"}}, kAda, kNow);
  }));
  EXPECT_EQ(count("SELECT count_due FROM inventory WHERE sku = 'SKU-1001'"), 1);
  auto unknown = submit({{"SKU-9999", 1}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "unknown_item");
  EXPECT_EQ(count("SELECT count(*) FROM counts"), 0);
  ASSERT_TRUE(submit({{"SKU-1001", 2}}));
  EXPECT_EQ(count("SELECT count_due FROM inventory WHERE sku = 'SKU-1001'"), 0);
}

}  // namespace
}  // namespace storeedge::fulfil
