// Black-box: a working day with the WAN down. The OMS simulator provisions the store with open
// allocations of every kind; the broker dies; associates pick, stage, hand over, pack and ship
// everything through the HTTP API (with a retried request on the way); the broker comes back.
// The simulator must then hold every fact the store wrote, each exactly once, in seq order.
// A customer's return at the POS on the same day reaches the simulator once, and the order's
// document it sends back afterwards counts the return once.
#include "integration/fulfil_api_fixture.h"

namespace storeedge::testing {
namespace {

namespace json = boost::json;

class OfflineFlowTest : public FulfilApiTest {
 protected:
  // The test's own Paho client only watches; storeedge-omsim is the OMS here.
  void SetUp() override {
    SyncTest::SetUp();
    ASSERT_TRUE(start_store());
    omsim_ = std::make_unique<Process>(
        std::vector<std::string>{STOREEDGE_OMSIM_BIN, "--broker",
                                 "tcp://127.0.0.1:" + std::to_string(broker_port_), "--store",
                                 "S042", "--snapshot", "6", "--rate", "0", "--seed", "11",
                                 "--record", dir_.file("oms-received.jsonl")},
        std::vector<std::string>{}, dir_.file("omsim.log"));
    token_ = provision("S042");
    HttpClient c(port_);
    session_ = sign_in(c, token_, R"({"badge":"BADGE-M1","pin":"1234"})");
  }
  void TearDown() override {
    if (omsim_) omsim_->signal(SIGKILL);
    FulfilApiTest::TearDown();
  }
  json::array work() {
    auto r = get("/api/v1/work");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().at("work").as_array();
  }
  std::string sync_status() { return ctl({"--store", "S042", "sync", "status"}).second; }
  // Works one allocation to its end the way the floor would, whatever its kind.
  void work_through(const json::object& item) {
    const std::string id(item.at("id").as_string());
    const std::string kind(item.at("kind").as_string());
    const std::string a = "/api/v1/allocations/" + id;
    auto detail = get(a).json().at("allocation").as_object();
    int n = 0;
    for (const auto& l : detail.at("lines").as_array()) {
      const std::string body = R"({"code":")" + std::string(l.at("sku").as_string()) +
                               R"(","qty":)" + std::to_string(l.at("to_pick").as_int64()) + "}";
      const std::string key = id + "-pick-" + std::to_string(++n);
      auto picked = post(a + "/picks", body, key);
      ASSERT_EQ(picked.status, 200) << picked.body;
      // The Wi-Fi drops the answer; the handheld retries with the same key.
      EXPECT_EQ(post(a + "/picks", body, key).body, picked.body);
    }
    ASSERT_EQ(post(a + "/complete-pick", "{}", id + "-done").status, 200);
    if (kind == "ship_from_store") {
      ASSERT_EQ(post(a + "/packages", "", id + "-pkg").status, 200);
      for (const auto& l : detail.at("lines").as_array()) {
        auto packed = post(a + "/packages/P1/items",
                           R"({"code":")" + std::string(l.at("sku").as_string()) + R"(","qty":)" +
                               std::to_string(l.at("to_pick").as_int64()) + "}");
        ASSERT_EQ(packed.status, 200) << packed.body;
      }
      ASSERT_EQ(send_as(session_, "PATCH", a + "/packages/P1",
                        R"({"weight_g":800,"dims_mm":[250,180,90]})")
                    .status,
                200);
      ASSERT_EQ(post(a + "/pack", "", id + "-pack").status, 200);
      // No label can come while the OMS is unreachable: the packer types the tracking number.
      ASSERT_EQ(send_as(session_, "PUT", a + "/packages/P1/tracking",
                        R"({"tracking":"TYPED-)" + id + R"("})")
                    .status,
                200);
      auto shipped = post(a + "/ship", "", id + "-ship");
      ASSERT_EQ(shipped.status, 200) << shipped.body;
      return;
    }
    ASSERT_EQ(post(a + "/stage", R"({"location":"PICKUP-1"})", id + "-stage").status, 200);
    if (kind == "curbside") {
      ASSERT_EQ(post(a + "/arrival", R"({"bay":"2"})", id + "-arrive").status, 200);
    }
    auto handed = post(a + "/handover", R"({"verification":{"method":"id_document"}})", id + "-h");
    ASSERT_EQ(handed.status, 200) << handed.body;
  }

  // A POS terminal and its signed-in manager: {token, session}.
  std::pair<std::string, std::string> pos_terminal() {
    auto [code, out] = ctl({"--store", "S042", "devices", "enrol", "--id", "till1", "--kind", "pos",
                            "--name", "Till 1"});
    EXPECT_EQ(code, 0) << out;
    const auto at = out.rfind("dev_");
    const std::string token = out.substr(at, out.find('\n', at) - at);
    HttpClient c(port_);
    return {token, sign_in(c, token, R"({"badge":"BADGE-M1","pin":"1234"})")};
  }
  json::object returnable_line(const std::string& token, const std::string& session) {
    HttpClient c(port_);
    auto r = c.get("/api/v1/returns/orders?order=W91000", auth_headers(token, session));
    EXPECT_EQ(r.status, 200) << r.body;
    auto j = r.json();
    return j.at("orders").at(0).at("lines").at(0).as_object();
  }

  std::unique_ptr<Process> omsim_;
};

TEST_F(OfflineFlowTest, EveryFactReachesTheOmsExactlyOnceAfterTheBrokerComesBack) {
  json::array open;
  for (int i = 0; i < 200 && open.size() < 6; ++i) {
    open = work();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(open.size(), 6u) << omsim_->log();
  std::set<std::string> kinds;
  for (const auto& w : open) kinds.emplace(w.at("kind").as_string());
  EXPECT_EQ(kinds.size(), 3u) << "the seed should give every kind";

  const auto [till, till_session] = pos_terminal();
  EXPECT_EQ(returnable_line(till, till_session).at("returnable_qty"), 2);

  broker_->signal(SIGKILL);
  broker_->wait(std::chrono::seconds(5));
  for (const auto& w : open) work_through(w.as_object());
  // A customer brings one unit of W91000 back; the till's first answer is lost and it retries.
  auto h = auth_headers(till, till_session);
  h["Idempotency-Key"] = "till1-return-1";
  const std::string body =
      R"({"order":"W91000","lines":[{"line":"1","qty":1,"reason":"changed_mind",)"
      R"("condition":"new","disposition":"restock"}]})";
  HttpClient pos(port_);
  auto returned = pos.post_json("/api/v1/returns", body, h);
  ASSERT_EQ(returned.status, 201) << returned.body;
  EXPECT_EQ(returned.json().at("return").at("offline"), true);
  EXPECT_EQ(pos.post_json("/api/v1/returns", body, h).body, returned.body);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_TRUE(work().empty());
  const std::string offline = sync_status();
  EXPECT_EQ(offline.find("outbox depth:    0\n"), std::string::npos) << offline;

  start_broker();
  std::string status;
  for (int i = 0; i < 600 && status.find("outbox depth:    0\n") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = sync_status();
  }
  ASSERT_NE(status.find("outbox depth:    0\n"), std::string::npos) << status << omsim_->log();
  // The simulator counted the return and sent W91000 again after its ack; once the store holds
  // that document, the return is counted once: one unit left, not none.
  std::int64_t oms_returned = 0;
  for (int i = 0; i < 100 && oms_returned != 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    HttpClient c(port_);
    auto doc = c.get("/api/v1/orders/lookup?order=W91000", auth_headers(till, till_session));
    if (doc.status == 200)
      oms_returned =
          doc.json().at("orders").at(0).at("lines").at(0).at("returned_qty").to_number<int>();
  }
  ASSERT_EQ(oms_returned, 1) << omsim_->log();
  const json::object line1 = returnable_line(till, till_session);
  EXPECT_EQ(line1.at("returned"), 1);
  EXPECT_EQ(line1.at("returnable_qty"), 1);
  omsim_->signal(SIGTERM);
  EXPECT_EQ(omsim_->wait(std::chrono::seconds(10)), 0) << omsim_->log();

  // The simulator's record: seq 1…N, each once, and as many handovers and shipments as work.
  std::ifstream in(dir_.file("oms-received.jsonl"));
  std::string line;
  std::int64_t expected_seq = 0;
  std::map<std::string, int> types;
  std::set<std::string> ids;
  while (std::getline(in, line)) {
    auto f = json::parse(line).as_object();
    EXPECT_EQ(f.at("seq").as_int64(), ++expected_seq);
    EXPECT_TRUE(ids.insert(std::string(f.at("id").as_string())).second) << line;
    ++types[std::string(f.at("type").as_string())];
  }
  const auto acked = status.find("up acked:        " + std::to_string(expected_seq) + "\n");
  EXPECT_NE(acked, std::string::npos)
      << "the OMS recorded " << expected_seq << " facts; " << status;
  int to_customer = 0;
  for (const auto& w : open) to_customer += w.at("kind") != "ship_from_store";
  EXPECT_EQ(types["allocation.handed_over"], to_customer);
  EXPECT_EQ(types["allocation.shipped"], 6 - to_customer);
  EXPECT_EQ(types["allocation.packed"], 6 - to_customer);
  EXPECT_EQ(types["allocation.picked"], 6);
  EXPECT_EQ(types["allocation.accepted"], 6);
  EXPECT_GE(types["inventory.adjusted"], 6);
  EXPECT_EQ(types["return.received"], 1);
}

}  // namespace
}  // namespace storeedge::testing
