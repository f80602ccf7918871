// Black-box: backup and restore with the OMS watching. A fact written after the backup is lost
// with the restore; the fact the backup holds but the OMS had not acknowledged comes again in a
// new up epoch from seq 1 with its old id (contract §3), and the store asks the OMS to replay
// the down stream after what the backup had applied.
#include "integration/fulfil_api_fixture.h"

namespace storeedge::testing {
namespace {

namespace json = boost::json;

TEST_F(FulfilApiTest, RestoreStartsANewUpEpochAndAsksForAReplay) {
  const std::vector<std::string> scope = {"--store", "S042"};
  auto with_scope = [&](std::vector<std::string> args) {
    args.insert(args.begin(), scope.begin(), scope.end());
    return ctl(args);
  };
  ASSERT_EQ(post("/api/v1/allocations/A-77812/accept", "").status, 200);
  auto first = wait_up("allocation.accepted");
  ASSERT_TRUE(first);
  const std::string old_epoch(first->at("epoch").as_string());
  const std::string old_id(first->at("id").as_string());

  const std::string backup = dir_.file("backup.db");
  auto [backed, out] = with_scope({"backup", "--to", backup});
  ASSERT_EQ(backed, 0) << out;
  EXPECT_NE(with_scope({"backup", "--to", backup}).first, 0);             // never overwrites
  ASSERT_EQ(post("/api/v1/allocations/A-77813/accept", "").status, 200);  // after the backup

  auto [running, refusal] = with_scope({"restore", "--from", backup});
  EXPECT_NE(running, 0);
  EXPECT_NE(refusal.find("stop it first"), std::string::npos) << refusal;

  daemon_->signal(SIGTERM);
  ASSERT_TRUE(daemon_->wait(std::chrono::seconds(10)));
  auto [restored, report] = with_scope({"restore", "--from", backup});
  ASSERT_EQ(restored, 0) << report;
  EXPECT_NE(report.find("1 fact(s) not yet acknowledged renumbered from seq 1"), std::string::npos)
      << report;

  ASSERT_TRUE(start_store());
  auto resync = wait_up("resync.request");
  ASSERT_TRUE(resync);
  EXPECT_EQ(resync->at("body").at("from"), 8);  // the snapshot's 7 were applied before the backup
  auto again = wait_for(kUp, [](const json::object& m) {
    return m.at("type") == "allocation.accepted" && m.contains("seq");
  });
  ASSERT_TRUE(again);
  EXPECT_NE(again->at("epoch").as_string(), old_epoch);
  EXPECT_EQ(again->at("seq"), 1);
  EXPECT_EQ(again->at("id").as_string(), old_id);
  EXPECT_EQ(again->at("body").at("allocation"), "A-77812");
  // What happened after the backup is gone: A-77813 is open again.
  HttpClient c(port_);
  session_ = sign_in(c, token_, R"({"badge":"BADGE-M1","pin":"1234"})");
  EXPECT_EQ(get("/api/v1/allocations/A-77813").json().at("allocation").at("state"), "open");
}

}  // namespace
}  // namespace storeedge::testing
