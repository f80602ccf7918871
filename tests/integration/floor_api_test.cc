// Black-box: the floor after picking through the real daemon's HTTP API, with the test as the
// OMS — packing a ship-from-store order into two packages, labels from the OMS or a typed
// tracking number, shipping; an uncollected pickup expiring and going back to the shelf; stock
// figures and a cycle count a lead approves; a batch walk; and every route's role.
#include <atomic>

#include "integration/fulfil_api_fixture.h"

namespace storeedge::testing {
namespace {

namespace json = boost::json;

class FloorApiTest : public FulfilApiTest {
 protected:
  void pick_everything(const std::string& id) {
    const std::string picks = "/api/v1/allocations/" + id + "/picks";
    ASSERT_EQ(post(picks, R"({"code":"SKU-1001","qty":2})").status, 200);
    ASSERT_EQ(post(picks, R"({"code":"SKU-3003"})").status, 200);
    auto done = post("/api/v1/allocations/" + id + "/complete-pick", "{}");
    ASSERT_EQ(done.status, 200) << done.body;
  }
  HttpResult patch(const std::string& target, const std::string& body) {
    return send_as(session_, "PATCH", target, body);
  }
  HttpResult put(const std::string& target, const std::string& body) {
    return send_as(session_, "PUT", target, body);
  }
  // Polls the allocation until `pred` holds (down messages apply asynchronously).
  json::object allocation_when(const std::string& id,
                               const std::function<bool(const json::object&)>& pred) {
    json::object a;
    for (int i = 0; i < 100; ++i) {
      auto r = get("/api/v1/allocations/" + id);
      a = r.json().at("allocation").as_object();
      if (pred(a)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return a;
  }
};

TEST_F(FloorApiTest, ShipFromStorePackedLabelledOrTypedAndShipped) {
  pick_everything("A-77813");
  const std::string a = "/api/v1/allocations/A-77813";
  auto p1 = post(a + "/packages", "", "pkg-1");
  ASSERT_EQ(p1.status, 200) << p1.body;
  EXPECT_EQ(p1.json().at("package").at("package"), "P1");
  auto retried = post(a + "/packages", "", "pkg-1");  // a retry opens no second package
  EXPECT_EQ(retried.body, p1.body);
  ASSERT_EQ(post(a + "/packages", "", "pkg-2").json().at("package").at("package"), "P2");

  auto in = post(a + "/packages/P1/items", R"({"code":"5901234123457","qty":2})");
  ASSERT_EQ(in.status, 200) << in.body;
  EXPECT_EQ(in.json().at("packed").at("units_to_pack"), 1);
  auto wrong = post(a + "/packages/P1/items", R"({"code":"4006381333931"})");
  EXPECT_EQ(wrong.status, 422);
  EXPECT_EQ(error_code(wrong), "wrong_item");
  EXPECT_EQ(post(a + "/packages/P9/items", R"({"code":"SKU-3003"})").status, 404);
  ASSERT_EQ(post(a + "/packages/P2/items", R"({"code":"SKU-3003"})").status, 200);

  auto unsized = post(a + "/pack", "");
  EXPECT_EQ(unsized.status, 422);
  EXPECT_EQ(error_code(unsized), "pack_incomplete");
  EXPECT_EQ(patch(a + "/packages/P1", R"({"weight_g":0,"dims_mm":[1,2,3]})").status, 400);
  EXPECT_EQ(patch(a + "/packages/P1", R"({"weight_g":900,"dims_mm":[1,2]})").status, 400);
  for (const char* p : {"/packages/P1", "/packages/P2"}) {
    auto sized = patch(a + p, R"({"weight_g":1450,"dims_mm":[300,200,150]})");
    ASSERT_EQ(sized.status, 200) << sized.body;
  }
  auto packed = post(a + "/pack", "", "pack-1");
  ASSERT_EQ(packed.status, 200) << packed.body;
  EXPECT_EQ(packed.json().at("allocation").at("state"), "packed");
  EXPECT_EQ(packed.json().at("packages").at(0).at("label_state"), "requested");

  // The OMS answers the label requests: P1 gets a label, P2 fails.
  auto label = example("down.label.created.json");
  send(label, 8);
  auto failed = example("down.label.failed.json");
  failed["body"].as_object()["allocation"] = "A-77813";
  failed["body"].as_object()["package"] = "P2";
  send(failed, 9);
  auto seen = allocation_when("A-77813", [](const json::object& x) {
    return x.at("packages").at(1).at("label_state") == "failed";
  });
  EXPECT_EQ(seen.at("packages").at(0).at("tracking"), "JD014600006281230510");
  EXPECT_EQ(seen.at("packages").at(1).at("label_state"), "failed");

  auto early = post(a + "/ship", "");
  EXPECT_EQ(early.status, 422);
  EXPECT_EQ(error_code(early), "no_tracking");
  EXPECT_EQ(error_code(put(a + "/packages/P1/tracking", R"({"tracking":"X1"})")), "label_exists");
  auto typed = put(a + "/packages/P2/tracking", R"({"tracking":"JD0002"})");
  ASSERT_EQ(typed.status, 200) << typed.body;
  EXPECT_EQ(typed.json().at("package").at("carrier"), "DHL");
  EXPECT_EQ(typed.json().at("package").at("tracking_source"), "typed");
  auto shipped = post(a + "/ship", "", "ship-1");
  ASSERT_EQ(shipped.status, 200) << shipped.body;
  EXPECT_EQ(shipped.json().at("allocation").at("state"), "shipped");
  EXPECT_EQ(post(a + "/ship", "").status, 409);

  auto facts = facts_until("allocation.shipped");
  std::vector<std::string> types;
  for (const auto& f : facts) types.emplace_back(f.at("type").as_string());
  EXPECT_EQ(std::vector(types.end() - 4, types.end()),
            (std::vector<std::string>{"allocation.packed", "label.request", "label.request",
                                      "allocation.shipped"}));
  EXPECT_EQ(json::serialize(facts.back().at("body")),
            R"({"allocation":"A-77813","packages":[)"
            R"({"package":"P1","carrier":"DHL","tracking":"JD014600006281230510"},)"
            R"({"package":"P2","carrier":"DHL","tracking":"JD0002"}]})");
}

TEST_F(FloorApiTest, AnUncollectedPickupExpiresAndIsPutBack) {
  auto config = example("down.store.config.json");
  config["body"].as_object()["pickup_hold_days"] = 0;  // the hold ends as soon as it is staged
  send(config, 8);
  ASSERT_TRUE(wait_up("ack", through(8)));
  pick_everything("A-77812");
  ASSERT_EQ(post("/api/v1/allocations/A-77812/stage", R"({"location":"S-1"})").status, 200);

  auto expired = get("/api/v1/expired");
  ASSERT_EQ(expired.status, 200) << expired.body;
  ASSERT_EQ(expired.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(expired.json().at("items").at(0).at("units"), 3);
  auto gone = post("/api/v1/allocations/A-77812/expire", "", "exp-1");
  ASSERT_EQ(gone.status, 200) << gone.body;
  EXPECT_EQ(gone.json().at("allocation").at("state"), "expired");
  EXPECT_EQ(post("/api/v1/allocations/A-77812/expire", "").status, 409);
  EXPECT_TRUE(get("/api/v1/expired").json().at("items").as_array().empty());

  auto tasks = get("/api/v1/put-backs");
  ASSERT_EQ(tasks.status, 200);
  const auto list = tasks.json();
  ASSERT_EQ(list.at("items").as_array().size(), 2u);
  auto first_page = get("/api/v1/put-backs?limit=1").json();  // listings page by cursor
  EXPECT_EQ(first_page.at("items").as_array().size(), 1u);
  EXPECT_EQ(first_page.at("next"), "1");
  auto last_page = get("/api/v1/put-backs?limit=1&cursor=1").json();
  EXPECT_EQ(last_page.at("items").at(0).at("sku"), list.at("items").at(1).at("sku"));
  EXPECT_TRUE(last_page.at("next").is_null());
  EXPECT_EQ(get("/api/v1/put-backs?limit=0").status, 400);
  const std::string mugs =
      "/api/v1/put-backs/" + std::to_string(list.at("items").at(0).at("id").as_int64()) + "/scans";
  EXPECT_EQ(error_code(post(mugs, R"({"code":"SKU-3003","location":"A-03-2"})")), "wrong_item");
  EXPECT_EQ(post(mugs, R"({"code":"SKU-1001"})").status, 400);  // no bin scanned
  auto back = post(mugs, R"({"code":"SKU-1001","location":"A-03-2","qty":2})", "pb-1");
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(back.json().at("put_back").at("done"), 2);
  EXPECT_EQ(error_code(post(mugs, R"({"code":"SKU-1001","location":"A-03-2"})")), "already_done");
  EXPECT_EQ(get("/api/v1/put-backs").json().at("items").as_array().size(), 1u);
  auto stock = get("/api/v1/inventory/5901234123457");
  ASSERT_EQ(stock.status, 200) << stock.body;
  EXPECT_EQ(stock.json().at("sku"), "SKU-1001");
  EXPECT_EQ(stock.json().at("on_hand"), 0);   // two picked, two put back
  EXPECT_EQ(stock.json().at("reserved"), 2);  // A-77813 still to pick

  auto facts = facts_until("inventory.adjusted");
  while (facts.back().at("body").at("reason") != "put_back") {
    auto more = facts_until("inventory.adjusted");
    ASSERT_FALSE(more.empty());
    facts.insert(facts.end(), more.begin(), more.end());
  }
  bool expired_fact = false;
  for (const auto& f : facts) expired_fact |= f.at("type") == "allocation.expired";
  EXPECT_TRUE(expired_fact);
}

TEST_F(FloorApiTest, ACountAboveTheLimitWaitsForALead) {
  const std::string associate = sign_in_as("a1", "associate", "5555");
  auto count = send_as(associate, "POST", "/api/v1/counts",
                       R"({"location":"A-03-2","items":[{"code":"SKU-1001","qty":12}]})",
                       {{"Idempotency-Key", "count-1"}});
  ASSERT_EQ(count.status, 200) << count.body;
  EXPECT_EQ(count.json().at("state"), "awaiting_approval");
  const std::string id = std::to_string(count.json().at("count").as_int64());
  EXPECT_EQ(send_as(associate, "GET", "/api/v1/counts?state=awaiting_approval", "").status, 403);
  EXPECT_EQ(error_code(send_as(associate, "POST", "/api/v1/counts/" + id + "/approve", "")),
            "not_allowed_for_role");
  auto waiting = get("/api/v1/counts?state=awaiting_approval");
  ASSERT_EQ(waiting.status, 200);
  EXPECT_EQ(waiting.json().at("items").as_array().size(), 1u);
  EXPECT_EQ(get("/api/v1/inventory?location=A-03-2").json().at("items").as_array().size(), 0u);
  auto approved = post("/api/v1/counts/" + id + "/approve", "");
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json().at("state"), "posted");
  auto bin = get("/api/v1/inventory?location=A-03-2").json();
  ASSERT_EQ(bin.at("items").as_array().size(), 1u);
  EXPECT_EQ(bin.at("items").at(0).at("on_hand"), 12);
  EXPECT_EQ(
      error_code(post("/api/v1/counts", R"({"location":"A-03-2","items":[{"code":"NOPE"}]})")),
      "invalid_request");
  EXPECT_EQ(error_code(post("/api/v1/counts",
                            R"({"location":"A-03-2","items":[{"code":"NOPE","qty":1}]})")),
            "unknown_item");
  EXPECT_EQ(get("/api/v1/inventory/NOPE").status, 422);
}

TEST_F(FloorApiTest, ABatchWalkFillsSlots) {
  send(example("down.allocation.created.json"), 8);  // a duplicate: no-op (§6)
  auto second = example("down.allocation.created.json");
  second["body"].as_object()["allocation"] = "A-2";
  second["body"].as_object()["order"] = "W2";
  send(second, 9);
  ASSERT_TRUE(wait_up("ack", through(9)));
  auto batch = post("/api/v1/batches", R"({"allocations":["A-77812","A-2"]})", "b-1");
  ASSERT_EQ(batch.status, 200) << batch.body;
  const auto b = batch.json().at("batch").as_object();
  EXPECT_EQ(b.at("stops").at(0).at("location"), "A-03-2");
  EXPECT_EQ(b.at("stops").at(0).at("to_pick"), 4);
  const std::string base = "/api/v1/batches/" + std::to_string(b.at("id").as_int64());
  EXPECT_EQ(error_code(post("/api/v1/batches", R"({"allocations":["A-2","A-77813"]})")),
            "in_other_batch");
  EXPECT_EQ(post("/api/v1/batches", R"({"allocations":["A-2"]})").status, 400);
  std::vector<std::int64_t> slots;
  for (int i = 0; i < 3; ++i) {
    auto p = post(base + "/picks", R"({"code":"SKU-1001"})", "bp-" + std::to_string(i));
    ASSERT_EQ(p.status, 200) << p.body;
    slots.push_back(p.json().at("slot").as_int64());
  }
  EXPECT_EQ(slots, (std::vector<std::int64_t>{1, 1, 2}));
  EXPECT_EQ(error_code(post(base + "/picks", R"({"code":"4006381333931"})")), "wrong_item");
  auto walk = get(base);
  ASSERT_EQ(walk.status, 200);
  EXPECT_EQ(walk.json().at("batch").at("stops").at(0).at("to_pick"), 1);
  EXPECT_EQ(get("/api/v1/batches/999").status, 404);
  EXPECT_EQ(get("/api/v1/batches").json().at("items").as_array().size(), 1u);
  auto closed = post(base + "/close", "", "close-1");
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json().at("batch").at("state"), "closed");
  EXPECT_TRUE(get("/api/v1/batches").json().at("items").as_array().empty());
  EXPECT_EQ(post(base + "/close", "").status, 409);
}

// Two associates on two handhelds scan the same order at once, eight times each, for the five
// units it needs: exactly five scans are recorded, the rest are told it is already picked.
TEST_F(FloorApiTest, TwoHandheldsRaceOnOneAllocation) {
  auto enrolled = post("/api/v1/devices", R"({"id":"hh2","kind":"handheld","name":"Handheld 2"})");
  ASSERT_EQ(enrolled.status, 201) << enrolled.body;
  const std::string token2(enrolled.json().at("token").as_string());
  sign_in_as("a2", "associate", "7777");
  HttpClient c(port_);
  const std::string session2 = sign_in(c, token2, R"({"user":"a2","pin":"7777"})");
  auto big = example("down.allocation.created.json");
  big["body"].as_object()["allocation"] = "A-RACE";
  big["body"].as_object()["lines"].as_array()[0].as_object()["qty"] = 5;
  big["body"].as_object()["lines"].as_array().erase(
      big["body"].as_object()["lines"].as_array().begin() + 1);
  send(big, 8);
  ASSERT_TRUE(wait_up("ack", through(8)));

  std::atomic<int> ok{0}, already{0}, other{0};
  auto scanner = [&](std::string token, std::string session, std::string device) {
    HttpClient hc(port_);
    for (int i = 0; i < 8; ++i) {
      auto h = auth_headers(token, session);
      h["Idempotency-Key"] = device + "-" + std::to_string(i);
      auto r = hc.post_json("/api/v1/allocations/A-RACE/picks", R"({"code":"SKU-1001"})", h);
      if (r.status == 200)
        ++ok;
      else if (error_code(r) == "already_picked")
        ++already;
      else
        ++other;
    }
  };
  std::thread one(scanner, token_, session_, "hh1"), two(scanner, token2, session2, "hh2");
  one.join();
  two.join();
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(already, 11);
  EXPECT_EQ(other, 0);
  auto a = get("/api/v1/allocations/A-RACE").json();
  EXPECT_EQ(a.at("allocation").at("lines").at(0).at("picked"), 5);
  EXPECT_EQ(a.at("allocation").at("units_to_pick"), 0);
}

// Every session route with each role: associates are refused the lead's and manager's routes
// with not_allowed_for_role (and nothing changes); a lead is refused only the manager's.
TEST_F(FloorApiTest, EveryRouteChecksTheRole) {
  const std::string associate = sign_in_as("a1", "associate", "5555");
  const std::string lead = sign_in_as("l1", "lead", "6666");
  struct RouteCase {
    std::string method, target, body, min_role;
  };
  const std::vector<RouteCase> routes = {
      {"GET", "/api/v1/sessions/current", "", "associate"},
      {"GET", "/api/v1/users", "", "lead"},
      {"POST", "/api/v1/users", R"({"id":"x1","name":"X","role":"associate","pin":"9999"})",
       "manager"},
      {"PATCH", "/api/v1/users/a1", R"({"name":"Ali"})", "manager"},
      {"GET", "/api/v1/devices", "", "manager"},
      {"POST", "/api/v1/devices", R"({"id":"hh9","kind":"handheld","name":"H9"})", "manager"},
      {"DELETE", "/api/v1/devices/hh9", "", "manager"},
      {"GET", "/api/v1/audit", "", "manager"},
      {"GET", "/api/v1/allocations", "", "associate"},
      {"GET", "/api/v1/allocations/A-77812", "", "associate"},
      {"GET", "/api/v1/orders/lookup?order=W1009913", "", "associate"},
      {"GET", "/api/v1/work", "", "associate"},
      {"GET", "/api/v1/pickups?q=482913", "", "associate"},
      {"POST", "/api/v1/allocations/A-77812/accept", "", "associate"},
      {"POST", "/api/v1/allocations/A-77812/reject", R"({"lines":[]})", "associate"},
      {"POST", "/api/v1/allocations/A-77812/picks", R"({"code":"SKU-1001"})", "associate"},
      {"POST", "/api/v1/picks/1/undo", "", "associate"},
      {"POST", "/api/v1/allocations/A-77812/complete-pick", "", "associate"},
      {"POST", "/api/v1/allocations/A-77812/stage", R"({"location":"S-1"})", "associate"},
      {"POST", "/api/v1/allocations/A-77812/arrival", R"({"bay":"1"})", "associate"},
      {"POST", "/api/v1/allocations/A-77812/handover",
       R"({"verification":{"method":"id_document"}})", "associate"},
      {"POST", "/api/v1/allocations/A-77813/packages", "", "associate"},
      {"PATCH", "/api/v1/allocations/A-77813/packages/P1", R"({"weight_g":1,"dims_mm":[1,1,1]})",
       "associate"},
      {"POST", "/api/v1/allocations/A-77813/packages/P1/items", R"({"code":"SKU-1001"})",
       "associate"},
      {"POST", "/api/v1/allocations/A-77813/packages/P1/items/remove", R"({"code":"SKU-1001"})",
       "associate"},
      {"POST", "/api/v1/allocations/A-77813/pack", "", "associate"},
      {"PUT", "/api/v1/allocations/A-77813/packages/P1/tracking", R"({"tracking":"T"})",
       "associate"},
      {"POST", "/api/v1/allocations/A-77813/ship", "", "associate"},
      {"GET", "/api/v1/expired", "", "associate"},
      {"POST", "/api/v1/allocations/A-77812/expire", "", "associate"},
      {"GET", "/api/v1/put-backs", "", "associate"},
      {"POST", "/api/v1/put-backs/1/scans", R"({"code":"SKU-1001","location":"A"})", "associate"},
      {"GET", "/api/v1/inventory", "", "associate"},
      {"GET", "/api/v1/inventory/SKU-1001", "", "associate"},
      {"POST", "/api/v1/counts", R"({"location":"Z-9","items":[]})", "associate"},
      {"GET", "/api/v1/counts", "", "lead"},
      {"POST", "/api/v1/counts/1/approve", "", "lead"},
      {"POST", "/api/v1/counts/1/reject", "", "lead"},
      {"POST", "/api/v1/batches", R"({"allocations":[]})", "associate"},
      {"GET", "/api/v1/batches/1", "", "associate"},
      {"GET", "/api/v1/batches", "", "associate"},
      {"POST", "/api/v1/batches/1/close", "", "associate"},
      {"POST", "/api/v1/batches/1/picks", R"({"code":"SKU-1001"})", "associate"},
  };
  auto rank = [](const std::string& role) {
    return role == "associate" ? 1 : role == "lead" ? 2 : 3;
  };
  const std::vector<std::pair<std::string, std::string>> people = {{"associate", associate},
                                                                   {"lead", lead}};
  for (const auto& [role, session] : people) {
    for (const RouteCase& r : routes) {
      if (rank(role) >= rank(r.min_role)) continue;  // allowed: exercised by the other tests
      auto res = send_as(session, r.method, r.target, r.body);
      EXPECT_EQ(res.status, 403) << role << " " << r.method << " " << r.target << ": " << res.body;
      EXPECT_EQ(error_code(res), "not_allowed_for_role") << r.method << " " << r.target;
    }
  }
  // Allowed routes get past the role check (their answer is theirs: 200, 404, 409, 422 …).
  for (const RouteCase& r : routes) {
    if (r.min_role != "associate" || r.method == "GET") continue;
    auto res = send_as(associate, r.method, r.target, r.body);
    EXPECT_NE(res.status, 403) << r.method << " " << r.target << ": " << res.body;
    EXPECT_NE(res.status, 401) << r.method << " " << r.target << ": " << res.body;
  }
  // A manager's override lets an associate through once; the audit row names both.
  auto with_override =
      send_as(associate, "GET", "/api/v1/counts", "", {{"StoreEdge-Override", "user:m1:1234"}});
  EXPECT_EQ(with_override.status, 200) << with_override.body;
  // Nothing the refused requests named was created.
  EXPECT_EQ(get("/api/v1/users").json().at("users").as_array().size(), 3u);
}

}  // namespace
}  // namespace storeedge::testing
