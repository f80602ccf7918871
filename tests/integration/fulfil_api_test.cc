// Black-box: a BOPIS order through the HTTP API of the real daemon, with the test as the OMS
// over a real mosquitto — queue, picks by scan (with a retried request and a reused key), a
// wrong item, completing, staging, the pickup search, a wrong and a right pickup code, and the
// facts arriving at the OMS.
#include "integration/fulfil_api_fixture.h"

namespace storeedge::testing {
namespace {

TEST_F(FulfilApiTest, ABopisOrderFromQueueToHandover) {
  auto queue = get("/api/v1/work");
  ASSERT_EQ(queue.status, 200) << queue.body;
  const auto listing = queue.json();
  const auto& work = listing.at("work").as_array();
  ASSERT_EQ(work.size(), 2u);
  EXPECT_EQ(work[0].at("id"), "A-77812");
  EXPECT_EQ(work[0].at("units"), 3);
  EXPECT_EQ(work[0].at("overdue"), true);  // promised for 2026-11-23 16:00

  const std::string picks = "/api/v1/allocations/A-77812/picks";
  auto first = post(picks, R"({"code":"5901234123457"})", "scan-1");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json().at("pick").at("line"), "1");
  // The handheld lost the answer and sends the same request again: same answer, no second pick.
  auto retry = post(picks, R"({"code":"5901234123457"})", "scan-1");
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(retry.body, first.body);
  EXPECT_EQ(retry.headers["idempotency-replayed"], "true");
  auto reused = post(picks, R"({"code":"SKU-3003"})", "scan-1");
  EXPECT_EQ(reused.status, 422);
  EXPECT_EQ(error_code(reused), "idempotency_key_reused");
  auto wrong = post(picks, R"({"code":"4006381333931"})", "scan-2");
  EXPECT_EQ(wrong.status, 422);
  EXPECT_EQ(error_code(wrong), "wrong_item");
  auto bad = post(picks, R"({"code":7})", "scan-3");
  EXPECT_EQ(bad.status, 400);
  auto alloc = get("/api/v1/allocations/A-77812");
  ASSERT_EQ(alloc.status, 200);

  ASSERT_EQ(post(picks, R"({"code":"SKU-1001"})", "scan-4").status, 200);
  auto last = post(picks, R"({"code":"]E00012345678905"})", "scan-5");
  ASSERT_EQ(last.status, 200) << last.body;
  EXPECT_EQ(last.json().at("allocation").at("units_to_pick"), 0);
  auto picked = post("/api/v1/allocations/A-77812/complete-pick", "{}", "done-1");
  ASSERT_EQ(picked.status, 200) << picked.body;
  EXPECT_EQ(picked.json().at("allocation").at("state"), "picked");
  auto staged = post("/api/v1/allocations/A-77812/stage", R"({"location":"PICKUP-3"})", "st-1");
  ASSERT_EQ(staged.status, 200) << staged.body;

  auto found = get("/api/v1/pickups?q=482913");  // the pickup code the customer shows
  ASSERT_EQ(found.status, 200) << found.body;
  ASSERT_EQ(found.json().at("pickups").as_array().size(), 1u);
  EXPECT_EQ(found.json().at("pickups").at(0).at("staging_location"), "PICKUP-3");
  EXPECT_EQ(get("/api/v1/pickups?q=byron").json().at("pickups").as_array().size(), 1u);

  const std::string handover = "/api/v1/allocations/A-77812/handover";
  auto refused = post(handover, R"({"verification":{"method":"pickup_code","code":"111111"}})");
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(error_code(refused), "wrong_pickup_code");
  auto handed = post(handover, R"({"verification":{"method":"pickup_code","code":"482913"}})");
  ASSERT_EQ(handed.status, 200) << handed.body;
  EXPECT_EQ(handed.json().at("allocation").at("state"), "handed_over");
  EXPECT_EQ(handed.json().at("allocation").at("lines").at(0).at("handed"), 2);  // as it is now
  auto again = post(handover, R"({"verification":{"method":"pickup_code","code":"482913"}})");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(get("/api/v1/work").json().at("work").as_array().size(), 1u);

  // The OMS hears every fact once, in order.
  std::vector<std::string> types;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline &&
         (types.empty() || types.back() != "allocation.handed_over")) {
    auto m = wait_for(kUp, [](const auto& m) { return m.contains("seq"); });
    if (m) types.emplace_back(m->at("type").as_string());
  }
  EXPECT_EQ(types, (std::vector<std::string>{"allocation.accepted", "inventory.adjusted",
                                             "inventory.adjusted", "inventory.adjusted",
                                             "allocation.picked", "allocation.ready",
                                             "allocation.handed_over"}));
}

TEST_F(FulfilApiTest, RoutesNeedASessionAndNameTheirErrors) {
  HttpClient c(port_);
  auto no_session = c.post_json("/api/v1/allocations/A-77812/accept", "{}", auth_headers(token_));
  EXPECT_EQ(no_session.status, 401);
  EXPECT_EQ(post("/api/v1/allocations/A-404/accept", "{}").status, 404);
  auto accepted = post("/api/v1/allocations/A-77812/accept", "");
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(accepted.json().at("allocation").at("state"), "accepted");
  auto early = post("/api/v1/allocations/A-77812/stage", R"({"location":"S-1"})");
  EXPECT_EQ(error_code(early), "pick_incomplete");
  auto sfs = post("/api/v1/allocations/A-77813/arrival", R"({"bay":"3"})");
  EXPECT_EQ(error_code(sfs), "wrong_kind");
  auto rejected =
      post("/api/v1/allocations/A-77813/reject", R"({"lines":[{"line":"1","reason":"damaged"}]})");
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(rejected.json().at("allocation").at("lines").at(0).at("rejected"), 2);
  EXPECT_EQ(post("/api/v1/picks/999/undo", "").status, 404);
  EXPECT_EQ(
      post("/api/v1/allocations/A-77812/picks", R"({"code":"x"})", std::string(129, 'k')).status,
      400);
  EXPECT_EQ(get("/api/v1/work?kind=pallet").status, 400);
  EXPECT_EQ(get("/api/v1/pickups").status, 400);
}

}  // namespace
}  // namespace storeedge::testing
