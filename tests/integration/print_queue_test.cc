// The print queue end to end: the real storeedged with a printer configured as a raw queue on a
// real cupsd, whose device is a TCP "printer" that keeps what it receives. Staging a pickup
// prints its bag label (ZPL with the order, the customer and the staging location); with the
// printer unplugged the job waits at CUPS and prints when it is back; a reprint prints it again,
// once, even when the request is retried; a cancel of a finished job is refused; and
// storeedgectl lists the jobs. The print queue's other rules are unit-tested against a scripted
// printer (tests/unit/print_queue_test.cc), the backends against cupsd and ippeveprinter
// (printer_backends_test).
#include <fstream>

#include "integration/fulfil_api_fixture.h"
#include "integration/printers_fixture.h"

namespace storeedge::testing {
namespace {

namespace json = boost::json;

class PrintQueueApiTest : public FulfilApiTest {
 protected:
  std::vector<std::string> store_args() override {
    sink_ = std::make_unique<ByteSink>();
    sink_port_ = sink_->port();
    cups_.add_raw_queue("desk-zebra", "socket://127.0.0.1:" + std::to_string(sink_port_));
    std::ofstream(dir_.file("storeedged.toml"))
        << "[[printers.printer]]\nname = \"desk-zebra\"\nstation = \"pickup-desk\"\n"
           "purposes = [\"bag_label\"]\nbackend = \"cups\"\nqueue = \"desk-zebra\"\n"
           "server = \""
        << cups_.server() << "\"\nformat = \"zpl\"\ndpi = 203\n";
    return {"--config", dir_.file("storeedged.toml")};
  }

  void stage_a_pickup() {
    const std::string picks = "/api/v1/allocations/A-77812/picks";
    ASSERT_EQ(post(picks, R"({"code":"SKU-1001","qty":2})").status, 200);
    ASSERT_EQ(post(picks, R"({"code":"SKU-3003"})").status, 200);
    ASSERT_EQ(post("/api/v1/allocations/A-77812/complete-pick", "{}").status, 200);
    auto staged = post("/api/v1/allocations/A-77812/stage", R"({"location":"PICKUP-3"})");
    ASSERT_EQ(staged.status, 200) << staged.body;
  }

  // The newest job once `pred` holds for it (the queue works in the background).
  json::object job_when(const std::function<bool(const json::object&)>& pred,
                        std::chrono::seconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    json::object last;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = get("/api/v1/print-jobs");
      if (r.status == 200) {
        const auto body = r.json();
        const auto& items = body.at("items").as_array();
        if (!items.empty()) {
          last = items.front().as_object();
          if (pred(last)) return last;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "the print job did not get there; last: " << json::serialize(last) << "\n"
                  << cups_.log();
    return last;
  }

  CupsServer cups_;
  std::unique_ptr<ByteSink> sink_;
  int sink_port_ = 0;
};

bool state_is(const json::object& j, const char* state) {
  return j.at("state") == state;
}

TEST_F(PrintQueueApiTest, StagingPrintsTheBagLabelOnceAndAReprintPrintsItAgain) {
  stage_a_pickup();
  auto job = job_when([](const json::object& j) { return state_is(j, "done"); });
  EXPECT_EQ(job.at("kind"), "bag_label");
  EXPECT_EQ(job.at("allocation"), "A-77812");
  EXPECT_EQ(job.at("printer"), "desk-zebra");
  ASSERT_TRUE(sink_->wait_for_jobs(1, std::chrono::seconds(10)));
  const std::string zpl = sink_->jobs().at(0);
  EXPECT_EQ(zpl.rfind("^XA", 0), 0u) << zpl;
  EXPECT_NE(zpl.find("PICKUP-3"), std::string::npos) << zpl;
  EXPECT_NE(zpl.find("W1009913"), std::string::npos) << zpl;  // the order, from the snapshot

  // A reprint, whose answer the handheld loses and asks again with the same key.
  const std::string target =
      "/api/v1/print-jobs/" + std::to_string(job.at("id").as_int64()) + "/reprint";
  auto reprint = post(target, "{}", "reprint-1");
  ASSERT_EQ(reprint.status, 201) << reprint.body;
  auto again = post(target, "{}", "reprint-1");
  EXPECT_EQ(again.body, reprint.body);
  auto second = job_when([&](const json::object& j) {
    return state_is(j, "done") && j.at("reprint_of") == job.at("id");
  });
  EXPECT_EQ(second.at("requested_by"), "user:m1");
  ASSERT_TRUE(sink_->wait_for_jobs(2, std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // nothing more may come
  EXPECT_EQ(sink_->jobs().size(), 2u);
  EXPECT_EQ(sink_->jobs().at(1), zpl);

  auto cancel =
      post("/api/v1/print-jobs/" + std::to_string(job.at("id").as_int64()) + "/cancel", "{}");
  EXPECT_EQ(cancel.status, 409);
  EXPECT_EQ(error_code(cancel), "already_done");

  auto [code, listed] = ctl({"--store", "S042", "print-jobs"});
  ASSERT_EQ(code, 0) << listed;
  EXPECT_NE(listed.find("bag_label\tA-77812\tdone\tdesk-zebra"), std::string::npos) << listed;
  // An operator's reprint from the command line is audited like every storeedgectl change.
  const std::string first = std::to_string(job.at("id").as_int64());
  auto [rc, out] = ctl({"--store", "S042", "print-jobs", "reprint", "--id", first});
  ASSERT_EQ(rc, 0) << out;
  auto [arc, audit] = ctl({"--store", "S042", "audit"});
  ASSERT_EQ(arc, 0) << audit;
  EXPECT_NE(audit.find("ctl print-jobs reprint\t" + first + "\tok"), std::string::npos) << audit;
  job_when([&](const json::object& j) {
    return state_is(j, "done") && j.at("requested_by").is_string() &&
           j.at("requested_by").as_string().starts_with("operator:");
  });
  EXPECT_EQ(sink_->jobs().size(), 3u);
  auto metrics = HttpClient(port_).get("/metrics");
  EXPECT_NE(metrics.body.find("storeedge_print_jobs_completed_total 3"), std::string::npos)
      << metrics.body;
}

TEST_F(PrintQueueApiTest, WithThePrinterUnpluggedTheJobWaitsAndPrintsWhenItIsBack) {
  sink_.reset();  // the printer is off
  stage_a_pickup();
  auto waiting = job_when(
      [](const json::object& j) { return state_is(j, "sent") && !j.at("reason").is_null(); });
  EXPECT_NE(std::string(waiting.at("reason").as_string()).find("processing"), std::string::npos);
  sink_ = std::make_unique<ByteSink>(sink_port_);  // plugged in again, same address
  // CUPS's socket backend retries after 5 s (then 10, up to 30): the job completes then.
  auto done =
      job_when([](const json::object& j) { return state_is(j, "done"); }, std::chrono::seconds(40));
  EXPECT_EQ(done.at("id"), waiting.at("id"));
  ASSERT_TRUE(sink_->wait_for_jobs(1, std::chrono::seconds(5)));
  EXPECT_NE(sink_->jobs().at(0).find("PICKUP-3"), std::string::npos);
}

}  // namespace
}  // namespace storeedge::testing
