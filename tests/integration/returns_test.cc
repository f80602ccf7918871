// Black-box: POS returns (BORIS) through the real daemon, with the test as the OMS over a real
// mosquitto. Eligibility and overrides over HTTP, terminals racing for the last unit, retried
// requests, return.received exactly once and never counted twice against the OMS's documents,
// order.lookup at the OMS, offline returns with their limit and the lead's review, and what
// each disposition does to stock and the print queue.
#include <barrier>
#include <future>

#include "integration/returns_fixture.h"
#include "sync/contract.h"

namespace storeedge::testing {
namespace {

// Return ids of 201 responses.
std::string return_id(const HttpResult& r) {
  auto j = r.json();
  if (!j.is_object() || !j.as_object().contains("return")) return "<no return: " + r.body + ">";
  return std::string(j.at("return").at("return").as_string());
}

json::array strings(std::initializer_list<const char*> v) {
  json::array a;
  for (const char* s : v) a.emplace_back(s);
  return a;
}

TEST_F(ReturnsTest, EligibilityMatrixOverridesAndWrongPins) {
  send_orders({order_doc("W-MATRIX", {{"1", "SKU-1001", 2, 0, 1199, true, date_from_today(10)},
                                      {"2", "SKU-3003", 1, 0, 599, true, date_from_today(-5)},
                                      {"3", "SKU-1001", 1, 0, 1199, false, date_from_today(10)},
                                      {"4", "SKU-3003", 3, 1, 599, true, date_from_today(10)},
                                      {"5", "SKU-1001", 2, 2, 1199, true, date_from_today(10)}})});
  Terminal assoc = terminal("pos1", "a1", "1111");
  Terminal manager = terminal("pos2", "m2", "2345");

  // By receipt, by customer and by both at once: the replica's document, the OMS not asked.
  for (const char* q :
       {"receipt=RCPT-W-MATRIX", "email_hash=hash-W-MATRIX", "order=W-MATRIX&receipt=W-MATRIX",
        "receipt=W-MATRIX&email_hash=hash-W-MATRIX"}) {
    auto found = lookup(assoc, q);
    ASSERT_EQ(found.status, 200) << q << ": " << found.body;
    EXPECT_EQ(found.json().at("oms"), "not_asked") << q;
    ASSERT_EQ(found.json().at("orders").as_array().size(), 1u) << q << ": " << found.body;
    EXPECT_EQ(found.json().at("orders").at(0).at("order"), "W-MATRIX") << q;
  }
  auto r = lookup(assoc, "order=W-MATRIX");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j.at("oms"), "not_asked");  // the replica has it
  EXPECT_EQ(j.at("online"), true);
  EXPECT_EQ(j.at("timezone"), "Europe/Amsterdam");
  const std::string today(j.at("today").as_string());
  EXPECT_TRUE(today == date_from_today(0) || today == date_from_today(1) ||
              today == date_from_today(-1))
      << today;
  EXPECT_EQ(j.at("offline_limit"), (json::object{{"amount", 20000}, {"currency", "EUR"}}));
  ASSERT_EQ(j.at("orders").as_array().size(), 1u);
  const auto& order = j.at("orders").at(0);
  EXPECT_EQ(order.at("source"), "replica");
  struct Expect {
    std::int64_t returned, left;
    json::array breaches;
    bool eligible;
  };
  const std::map<std::string, Expect> expected = {{"1", {0, 2, {}, true}},
                                                  {"2", {0, 1, strings({"out_of_window"}), false}},
                                                  {"3", {0, 1, strings({"not_returnable"}), false}},
                                                  {"4", {1, 2, {}, true}},
                                                  {"5", {2, 0, {}, false}}};
  ASSERT_EQ(order.at("lines").as_array().size(), expected.size());
  for (const auto& l : order.at("lines").as_array()) {
    const std::string line(l.at("line").as_string());
    const Expect& e = expected.at(line);
    EXPECT_EQ(l.at("returned"), e.returned) << "line " << line;
    EXPECT_EQ(l.at("returnable_qty"), e.left) << "line " << line;
    EXPECT_EQ(l.at("breaches"), e.breaches) << "line " << line;
    EXPECT_EQ(l.at("eligible"), e.eligible) << "line " << line;
  }

  // In window: taken. Partly returned at the OMS: only what is left.
  r = take_return(assoc, one_line("W-MATRIX", "1"), "m-1");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("return").at("breaches"), json::array{});
  EXPECT_EQ(r.json().at("return").at("override_by"), nullptr);
  EXPECT_EQ(r.json().at("return").at("refund").at("amount"), 1199);
  r = take_return(assoc, one_line("W-MATRIX", "4", 3), "m-4a");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(error_code(r), "quantity_exceeded");
  r = take_return(assoc, one_line("W-MATRIX", "4", 2), "m-4b");
  EXPECT_EQ(r.status, 201) << r.body;
  // Fully returned at the OMS: nothing left, and no override changes that.
  r = take_return(assoc, one_line("W-MATRIX", "5"), "m-5",
                  {{"StoreEdge-Override", "user:m1:1234"}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(error_code(r), "quantity_exceeded");

  // Policy breaches need a manager.
  for (const char* line : {"2", "3"}) {
    r = take_return(assoc, one_line("W-MATRIX", line), std::string("m-plain-") + line);
    EXPECT_EQ(r.status, 403) << line << ": " << r.body;
    EXPECT_EQ(error_code(r), "override_required") << line;
  }
  // A wrong PIN in the override header is refused and takes nothing.
  r = take_return(assoc, one_line("W-MATRIX", "2"), "m-2-pin",
                  {{"StoreEdge-Override", "user:m1:9999"}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(error_code(r), "forbidden");
  // An associate cannot override themselves.
  auto self_override = one_line("W-MATRIX", "3");
  self_override["override"] = true;
  r = take_return(assoc, self_override, "m-3-self");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(error_code(r), "not_allowed_for_role");
  // Neither can another associate's credentials.
  r = take_return(assoc, one_line("W-MATRIX", "2"), "m-2-assoc",
                  {{"StoreEdge-Override", "user:a1:1111"}});
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(left_of(assoc, "W-MATRIX", "2"), 1);
  EXPECT_EQ(left_of(assoc, "W-MATRIX", "3"), 1);

  // A manager's credentials on the associate's request.
  auto with_reason = one_line("W-MATRIX", "2");
  with_reason["override_reason"] = "customer was abroad";
  r = take_return(assoc, with_reason, "m-2-ok", {{"StoreEdge-Override", "user:m1:1234"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("return").at("override_by"), "m1");
  EXPECT_EQ(r.json().at("return").at("override_reason"), "customer was abroad");
  EXPECT_EQ(r.json().at("return").at("breaches"), strings({"line 2: out_of_window"}));
  // A signed-in manager says so.
  self_override = one_line("W-MATRIX", "3");
  self_override["override"] = true;
  r = take_return(manager, self_override, "m-3-mgr");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("return").at("override_by"), "m2");
  EXPECT_EQ(r.json().at("return").at("breaches"), strings({"line 3: not_returnable"}));

  // An order nobody knows: 404 without an override; with one, taken by item at the catalogue's
  // price.
  json::object unknown{{"order", "W-NOWHERE"},
                       {"lines", json::array{{{"code", "05901234123457"},
                                              {"qty", 1},
                                              {"reason", "defective"},
                                              {"condition", "defective"},
                                              {"disposition", "return_to_dc"}}}}};
  r = take_return(assoc, unknown, "m-unknown");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(error_code(r), "order_not_found");
  r = take_return(assoc, unknown, "m-unknown-ok", {{"StoreEdge-Override", "user:m1:1234"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("return").at("source"), "not_found");
  EXPECT_EQ(r.json().at("return").at("refund").at("amount"), 1299);

  const std::map<std::string, std::pair<std::int64_t, std::int64_t>> after = {
      {"1", {1, 1}}, {"2", {1, 0}}, {"3", {1, 0}}, {"4", {3, 0}}, {"5", {2, 0}}};
  for (const auto& [line, want] : after) {
    auto l = looked_up_line(assoc, "W-MATRIX", line);
    EXPECT_EQ(l.at("returned"), want.first) << "line " << line;
    EXPECT_EQ(l.at("returnable_qty"), want.second) << "line " << line;
  }

  // Only a POS terminal takes returns.
  auto [code, out] = ctl({"--store", "S042", "devices", "enrol", "--id", "hh1", "--kind",
                          "handheld", "--name", "Handheld"});
  ASSERT_EQ(code, 0) << out;
  Terminal handheld{
      "hh1", out.substr(out.rfind("dev_"), out.find('\n', out.rfind("dev_")) - out.rfind("dev_")),
      "", "a1"};
  HttpClient c(port_);
  handheld.session = sign_in(c, handheld.token, R"({"user":"a1","pin":"1111"})");
  r = take_return(handheld, one_line("W-MATRIX", "1"), "hh-1");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(error_code(r), "wrong_device");
  EXPECT_EQ(lookup(handheld, "order=W-MATRIX").status, 403);
}

TEST_F(ReturnsTest, SixteenTerminalsRaceForTheLastUnit) {
  send_orders({order_doc("W-RACE", {{"1", "SKU-1001", 3, 2}}),
               order_doc("W-MARK", {{"1", "SKU-3003", 1}})});
  constexpr int kTerminals = 16;
  std::vector<Terminal> tills;
  for (int i = 0; i < kTerminals; ++i)
    tills.push_back(terminal("pos" + std::to_string(i + 1), "a1", "1111"));
  ASSERT_FALSE(HasFailure());
  ASSERT_EQ(left_of(tills[0], "W-RACE", "1"), 1);

  std::barrier start(kTerminals);
  std::vector<std::future<HttpResult>> answers;
  const std::string body = json::serialize(one_line("W-RACE", "1"));
  for (int i = 0; i < kTerminals; ++i)
    answers.push_back(std::async(std::launch::async, [&, i] {
      const Terminal& t = tills[static_cast<std::size_t>(i)];
      auto h = auth_headers(t.token, t.session);
      h["Idempotency-Key"] = "race-" + std::to_string(i);
      HttpClient c(port_);  // connected before the start, so the requests leave together
      start.arrive_and_wait();
      return c.post_json("/api/v1/returns", body, h);
    }));
  int created = 0, exceeded = 0;
  std::string winner;
  for (auto& a : answers) {
    HttpResult r = a.get();
    if (r.status == 201) {
      ++created;
      winner = return_id(r);
    } else if (r.status == 422 && error_code(r) == "quantity_exceeded") {
      ++exceeded;
    } else {
      ADD_FAILURE() << r.status << ": " << r.body;
    }
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(exceeded, kTerminals - 1);
  EXPECT_EQ(left_of(tills[0], "W-RACE", "1"), 0);

  // The OMS has everything up to a later return once it has that return's fact.
  auto mark = take_return(tills[1], one_line("W-MARK", "1"), "mark");
  ASSERT_EQ(mark.status, 201) << mark.body;
  ASSERT_TRUE(fact_of("return.received", "return", return_id(mark)));
  EXPECT_EQ(seqs_of("return.received", "order", "W-RACE").size(), 1u);
  EXPECT_EQ(seqs_of("return.received", "return", winner).size(), 1u);
}

TEST_F(ReturnsTest, RetriedRequestsReplayTheReturnAndReportItOnce) {
  send_orders(
      {order_doc("W-RETRY", {{"1", "SKU-1001", 3}}), order_doc("W-MARK", {{"1", "SKU-3003", 1}})});
  Terminal till = terminal("pos1", "a1", "1111");
  auto body = one_line("W-RETRY", "1");
  body["slip"] = true;
  auto first = take_return(till, body, "retry-key");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.headers.count("idempotency-replayed"), 0u);
  const std::string id = return_id(first);

  // The answer was lost: the terminal sends the same request again, also several at once.
  std::vector<std::future<HttpResult>> again;
  for (int i = 0; i < 4; ++i)
    again.push_back(
        std::async(std::launch::async, [&] { return take_return(till, body, "retry-key"); }));
  for (auto& a : again) {
    HttpResult r = a.get();
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(return_id(r), id);
    EXPECT_EQ(r.headers["idempotency-replayed"], "true");
    EXPECT_EQ(r.body, first.body);
  }
  // The same key for another request is refused.
  auto other = body;
  other["lines"].as_array()[0].as_object()["qty"] = 2;
  auto reused = take_return(till, other, "retry-key");
  EXPECT_EQ(reused.status, 422) << reused.body;
  EXPECT_EQ(error_code(reused), "idempotency_key_reused");
  // A key is required at all.
  auto keyless = call(port_, till, "POST", "/api/v1/returns", json::serialize(body));
  EXPECT_EQ(keyless.status, 400) << keyless.body;

  EXPECT_EQ(left_of(till, "W-RETRY", "1"), 2);
  Terminal lead = terminal("pos2", "l1", "3333");
  auto listed = call(port_, lead, "GET", "/api/v1/returns?order=W-RETRY");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.json().at("items").as_array().size(), 1u) << listed.body;
  // One slip printed, not one per retry.
  auto jobs = call(port_, lead, "GET", "/api/v1/print-jobs");
  int slips = 0;
  const auto listed_jobs = jobs.json();
  for (const auto& job : listed_jobs.at("items").as_array())
    slips += job.at("kind") == "return_slip";
  EXPECT_EQ(slips, 1) << jobs.body;

  auto mark = take_return(till, one_line("W-MARK", "1"), "mark");
  ASSERT_EQ(mark.status, 201) << mark.body;
  ASSERT_TRUE(fact_of("return.received", "return", return_id(mark)));
  EXPECT_EQ(seqs_of("return.received", "return", id).size(), 1u);
  EXPECT_EQ(seqs_of("return.received", "order", "W-RETRY").size(), 1u);
}

TEST_F(ReturnsTest, TheOmsGetsEachReturnOnceAndItsDocumentsNeverCountOneTwice) {
  send_orders({order_doc("W-E2E", {{"1", "SKU-1001", 4}})});
  Terminal till = terminal("pos1", "a1", "1111");
  HttpClient c(port_);
  const std::int64_t on_hand_before =
      call(port_, till, "GET", "/api/v1/inventory/SKU-1001").json().at("on_hand").as_int64();

  auto r = take_return(till, one_line("W-E2E", "1"), "e2e-1");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string first = return_id(r);
  auto received = fact_of("return.received", "return", first);
  ASSERT_TRUE(received);
  // The message as the OMS's codec sees it, and the body the contract describes.
  auto parsed = sync::parse_message(json::serialize(*received), sync::Direction::up, "S042");
  ASSERT_TRUE(parsed) << parsed.error().message;
  json::object want{{"return", first},
                    {"order", "W-E2E"},
                    {"lines", json::array{{{"line", "1"},
                                           {"sku", "SKU-1001"},
                                           {"qty", 1},
                                           {"reason", "changed_mind"},
                                           {"condition", "new"},
                                           {"disposition", "restock"},
                                           {"refund", 1199}}}},
                    {"refund",
                     {{"amount", 1199},
                      {"currency", "EUR"},
                      {"tenders", json::array{{{"tender", "T1"}, {"amount", 1199}}}}}},
                    {"by", "a1"},
                    {"offline", false}};
  EXPECT_EQ(parsed->body, want);
  auto adjusted = fact_of("inventory.adjusted", "ref", first);
  ASSERT_TRUE(adjusted);
  EXPECT_TRUE(sync::parse_message(json::serialize(*adjusted), sync::Direction::up, "S042"));
  EXPECT_EQ(adjusted->at("body"), (json::object{{"sku", "SKU-1001"},
                                                {"delta", 1},
                                                {"reason", "return_restock"},
                                                {"ref", first},
                                                {"location", "A-03-2"}}));
  EXPECT_EQ(call(port_, till, "GET", "/api/v1/inventory/SKU-1001").json().at("on_hand"),
            on_hand_before + 1);
  const std::int64_t first_seq = received->at("seq").as_int64();
  EXPECT_EQ(left_of(till, "W-E2E", "1"), 3);

  // Document before ack: the OMS sends a document it made before it processed the return
  // (returned_qty 0), then acknowledges. The return counts once, from the store's own record.
  send_orders({order_doc("W-E2E", {{"1", "SKU-1001", 4, 0}})});
  EXPECT_EQ(left_of(till, "W-E2E", "1"), 3);
  const std::int64_t through = std::max(first_seq, adjusted->at("seq").as_int64());
  ack_up(through);
  ASSERT_TRUE(store_saw_ack(through)) << sync_status();
  EXPECT_EQ(left_of(till, "W-E2E", "1"), 3);
  // Ack then document: the document counts the return; the store no longer adds its own.
  send_orders({order_doc("W-E2E", {{"1", "SKU-1001", 4, 1}})});
  EXPECT_EQ(left_of(till, "W-E2E", "1"), 3);
  EXPECT_EQ(looked_up_line(till, "W-E2E", "1").at("returned"), 1);

  // A second return, acknowledged in the same batch as the next document (ack first, as the
  // OMS processed it before making the document): counted once again.
  r = take_return(till, one_line("W-E2E", "1"), "e2e-2");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string second = return_id(r);
  received = fact_of("return.received", "return", second);
  ASSERT_TRUE(received);
  auto adjusted2 = fact_of("inventory.adjusted", "ref", second);
  ASSERT_TRUE(adjusted2);
  EXPECT_EQ(left_of(till, "W-E2E", "1"), 2);
  ack_up(std::max(received->at("seq").as_int64(), adjusted2->at("seq").as_int64()));
  send_orders({order_doc("W-E2E", {{"1", "SKU-1001", 4, 2}})});
  EXPECT_EQ(left_of(till, "W-E2E", "1"), 2);
  // The refund continues on the tender where the first stopped; two units are left, not more.
  r = take_return(till, one_line("W-E2E", "1", 3), "e2e-3");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(error_code(r), "quantity_exceeded");
  // A manager's credentials on a return that breaches nothing authorise nothing: neither the
  // record nor the OMS's fact names an override.
  r = take_return(till, one_line("W-E2E", "1", 2), "e2e-4",
                  {{"StoreEdge-Override", "user:m1:1234"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("return").at("refund").at("tenders").at(0).at("amount"), 2398);
  EXPECT_EQ(r.json().at("return").at("override_by"), nullptr);
  EXPECT_EQ(left_of(till, "W-E2E", "1"), 0);

  // Each return reached the OMS exactly once.
  auto last = fact_of("return.received", "return", return_id(r));
  ASSERT_TRUE(last);
  EXPECT_FALSE(last->at("body").as_object().contains("override_by")) << json::serialize(*last);
  for (const std::string& id : {first, second, return_id(r)})
    EXPECT_EQ(seqs_of("return.received", "return", id).size(), 1u) << id;
  std::set<std::string> ids;
  for (const auto& m : ups_)
    if (m.at("type") == "return.received") ids.emplace(m.at("id").as_string());
  EXPECT_EQ(ids.size(), 3u);
}

TEST_F(ReturnsTest, OrderLookupAtTheOmsAndOfflineFallback) {
  Terminal till = terminal("pos1", "a1", "1111");
  // Not in the replica: the store asks the OMS and keeps its answer.
  auto pending = std::async(std::launch::async, [&] { return lookup(till, "receipt=RCPT-W-OMS"); });
  auto ask = pump([](const json::object& m) { return m.at("type") == "order.lookup"; });
  ASSERT_TRUE(ask);
  EXPECT_EQ(ask->at("body").at("query"), (json::object{{"receipt", "RCPT-W-OMS"}}));
  auto result = example("down.order.lookup.result.json");
  result["body"].as_object()["request"] = ask->at("body").at("request");
  result["body"].as_object()["orders"] =
      json::array{order_doc("W-OMS", {{"1", "SKU-1001", 2, 1}, {"2", "SKU-3003", 1}})};
  send_raw(json::serialize(result));
  auto r = pending.get();
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = r.json();
  EXPECT_EQ(j.at("oms"), "answered");
  ASSERT_EQ(j.at("orders").as_array().size(), 1u) << r.body;
  EXPECT_EQ(j.at("orders").at(0).at("source"), "oms");
  EXPECT_EQ(j.at("orders").at(0).at("lines").at(0).at("returnable_qty"), 1);

  // The return works against the OMS's document.
  r = take_return(till, one_line("W-OMS", "1"), "oms-1");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("return").at("source"), "oms");
  r = take_return(till, one_line("W-OMS", "1"), "oms-2");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(error_code(r), "quantity_exceeded");
  // Asked again: the store's copy answers, with the return counted.
  r = lookup(till, "order=W-OMS");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("oms"), "not_asked");
  EXPECT_EQ(left_of(till, "W-OMS", "1"), 0);

  // The OMS does not answer in time.
  r = lookup(till, "order=W-SILENT");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("oms"), "timeout");
  EXPECT_TRUE(r.json().at("orders").as_array().empty());

  // Offline: nothing is asked; what the store holds still answers.
  broker_->signal(SIGKILL);
  broker_->wait(std::chrono::seconds(5));
  for (int i = 0; i < 200; ++i) {  // until the store notices the link is gone
    r = lookup(till, "order=W-ELSEWHERE");
    if (r.json().at("oms") == "offline") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_EQ(r.json().at("oms"), "offline") << r.body;
  EXPECT_EQ(r.json().at("online"), false);
  EXPECT_TRUE(r.json().at("orders").as_array().empty());
  r = lookup(till, "receipt=RCPT-W-OMS");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json().at("orders").as_array().size(), 1u) << r.body;
  EXPECT_EQ(r.json().at("orders").at(0).at("order"), "W-OMS");
  EXPECT_EQ(left_of(till, "W-OMS", "2"), 1);
  r = lookup(till, "order=W1009912");  // the replica
  ASSERT_EQ(r.json().at("orders").as_array().size(), 1u) << r.body;
  r = take_return(till, one_line("W-OMS", "2", 1, "damaged", "damaged"), "oms-offline");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json().at("return").at("offline"), true);
}

TEST_F(ReturnsTest, OfflineReturnsAreLimitedQueuedAndReviewed) {
  send_orders({order_doc("W-OFF", {{"1", "SKU-1001", 3}, {"2", "SKU-3003", 1, 0, 25000}})});
  Terminal till = terminal("pos1", "a1", "1111");
  Terminal lead = terminal("pos2", "l1", "3333");
  auto online = take_return(till, one_line("W-OFF", "1"), "off-online");
  ASSERT_EQ(online.status, 201) << online.body;

  broker_->signal(SIGKILL);
  broker_->wait(std::chrono::seconds(5));
  HttpResult r;
  for (int i = 0; i < 200; ++i) {
    r = lookup(till, "order=W-OFF");
    if (r.json().at("online") == false) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_EQ(r.json().at("online"), false) << r.body;

  // Under the limit of 200.00 EUR: taken, offline, for review.
  std::vector<std::string> offline_ids;
  for (const char* key : {"off-1", "off-2"}) {
    r = take_return(till, one_line("W-OFF", "1"), key);
    ASSERT_EQ(r.status, 201) << r.body;
    const auto answer = r.json();
    const auto& ret = answer.at("return");
    EXPECT_EQ(ret.at("offline"), true);
    EXPECT_EQ(ret.at("review").at("state"), "pending");
    offline_ids.push_back(return_id(r));
  }
  // Over it: refused, nothing recorded.
  r = take_return(till, one_line("W-OFF", "2"), "off-big");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(error_code(r), "offline_limit_exceeded");
  EXPECT_EQ(left_of(till, "W-OFF", "2"), 1);
  EXPECT_EQ(left_of(till, "W-OFF", "1"), 0);

  // The broker comes back: the offline returns reach the OMS, marked offline.
  start_broker();
  oms_ = std::make_unique<mqtt::client>("tcp://127.0.0.1:" + std::to_string(broker_port_),
                                        "oms-test-2", nullptr);
  oms_->connect(mqtt::connect_options_builder().clean_session(true).finalize());
  subscribe();
  for (const std::string& id : offline_ids) {
    auto received = pump(fact("return.received", "return", id), std::chrono::seconds(45));
    ASSERT_TRUE(received) << id;
    EXPECT_EQ(received->at("body").at("offline"), true) << id;
  }
  // The online return may be sent again after the reconnect (it was never acknowledged); it is
  // not offline either way.
  for (const auto& m : ups_) {
    if (fact("return.received", "return", return_id(online))(m)) {
      EXPECT_EQ(m.at("body").at("offline"), false);
    }
  }

  // The lead reviews.
  auto listed = call(port_, lead, "GET", "/api/v1/returns?review=pending");
  ASSERT_EQ(listed.status, 200) << listed.body;
  std::set<std::string> pending;
  const auto listed_json = listed.json();
  for (const auto& item : listed_json.at("items").as_array())
    pending.emplace(item.at("return").as_string());
  EXPECT_EQ(pending, std::set<std::string>(offline_ids.begin(), offline_ids.end()));
  auto offline_listed = call(port_, lead, "GET", "/api/v1/returns?offline=true");
  EXPECT_EQ(offline_listed.json().at("items").as_array().size(), 2u) << offline_listed.body;
  EXPECT_EQ(call(port_, till, "GET", "/api/v1/returns?review=pending").status, 403);

  const std::string review = "/api/v1/returns/";
  r = call(port_, lead, "POST", review + offline_ids[0] + "/review", R"({"decision":"approve"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("return").at("review").at("state"), "approved");
  EXPECT_EQ(r.json().at("return").at("review").at("by"), "l1");
  r = call(port_, lead, "POST", review + offline_ids[1] + "/review", R"({"decision":"flag"})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(error_code(r), "invalid_request");
  r = call(port_, lead, "POST", review + offline_ids[1] + "/review",
           R"({"decision":"flag","note":"receipt looked altered"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("return").at("review").at("state"), "flagged");
  EXPECT_EQ(r.json().at("return").at("review").at("note"), "receipt looked altered");
  for (const std::string& id : offline_ids) {
    r = call(port_, lead, "POST", review + id + "/review", R"({"decision":"approve"})");
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(error_code(r), "already_reviewed");
  }
  r = call(port_, lead, "POST", review + return_id(online) + "/review",
           R"({"decision":"approve"})");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(error_code(r), "not_offline");
  r = call(port_, till, "POST", review + offline_ids[0] + "/review", R"({"decision":"approve"})");
  EXPECT_EQ(r.status, 403) << r.body;  // an associate does not review
  listed = call(port_, lead, "GET", "/api/v1/returns?review=pending");
  EXPECT_TRUE(listed.json().at("items").as_array().empty()) << listed.body;
  r = call(port_, till, "GET", "/api/v1/returns/" + offline_ids[1]);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("return").at("review").at("state"), "flagged");
}

TEST_F(ReturnsTest, DispositionsMoveStockAndQueueLabels) {
  send_orders({order_doc("W-DISP", {{"1", "SKU-1001", 5}, {"2", "SKU-3003", 5}})});
  Terminal till = terminal("pos1", "a1", "1111");
  auto stock = [&](const std::string& sku) {
    return call(port_, till, "GET", "/api/v1/inventory/" + sku).json().as_object();
  };
  auto jobs = [&](const std::string& kind) {
    std::set<std::int64_t> ids;
    auto r = call(port_, till, "GET", "/api/v1/print-jobs");
    EXPECT_EQ(r.status, 200) << r.body;
    const auto listed_jobs = r.json();
    for (const auto& job : listed_jobs.at("items").as_array())
      if (job.at("kind").as_string() == kind) ids.insert(job.at("id").as_int64());
    return ids;
  };
  const auto mug0 = stock("SKU-1001"), towel0 = stock("SKU-3003");

  // Restock: back on the shelf at the item's home bin.
  auto r = take_return(till, one_line("W-DISP", "1", 2), "d-restock");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(stock("SKU-1001").at("on_hand"), mug0.at("on_hand").as_int64() + 2);
  EXPECT_EQ(stock("SKU-1001").at("damaged"), mug0.at("damaged"));
  // A used item is not restocked.
  r = take_return(till, one_line("W-DISP", "1", 1, "restock", "used"), "d-mismatch");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(error_code(r), "disposition_mismatch");
  // Damaged: damaged stock, not sellable.
  r = take_return(till, one_line("W-DISP", "2", 2, "damaged", "damaged"), "d-damaged");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(stock("SKU-3003").at("damaged"), towel0.at("damaged").as_int64() + 2);
  EXPECT_EQ(stock("SKU-3003").at("on_hand"), towel0.at("on_hand"));
  EXPECT_TRUE(jobs("return_label").empty());
  // Back to the DC: no stock moves, a return label is queued.
  r = take_return(till, one_line("W-DISP", "2", 1, "return_to_dc", "defective"), "d-dc");
  ASSERT_EQ(r.status, 201) << r.body;
  const auto made = r.json().at("return").at("print_jobs").as_array();
  ASSERT_EQ(made.size(), 1u) << r.body;
  EXPECT_EQ(jobs("return_label"), std::set<std::int64_t>{made.at(0).as_int64()});
  EXPECT_EQ(stock("SKU-3003").at("damaged"), towel0.at("damaged").as_int64() + 2);
  EXPECT_EQ(stock("SKU-3003").at("on_hand"), towel0.at("on_hand"));
  // Into a named bin.
  auto into_bin = one_line("W-DISP", "1", 1);
  into_bin["lines"].as_array()[0].as_object()["location"] = "R-01-1";
  r = take_return(till, into_bin, "d-bin");
  ASSERT_EQ(r.status, 201) << r.body;
  bool found = false;
  const auto mug = stock("SKU-1001");
  for (const auto& bin : mug.at("locations").as_array())
    found = found || (bin.at("location").as_string() == "R-01-1" && bin.at("on_hand") == 1);
  EXPECT_TRUE(found) << json::serialize(stock("SKU-1001"));
  EXPECT_EQ(stock("SKU-1001").at("on_hand"), mug0.at("on_hand").as_int64() + 3);
}

}  // namespace
}  // namespace storeedge::testing
