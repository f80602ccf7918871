// The print queue's worker against a scripted printer (a PrinterBackend whose answers the test
// sets), on real SQLite files and a real io_context: a job waits while the printer is offline and
// is sent once when it is back, an aborted job is failed, a cancel reaches the printer, jobs a
// stopped daemon left "sending" become unknown (never sent again on a guess), a reprint is a new
// job, and a kind no printer prints waits saying so. The real backends (cupsd, ippeveprinter,
// raw 9100) have their own integration tests.
#include "printer/print_queue.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <future>
#include <mutex>

#include "store/state_dir.h"
#include "support/harness.h"

namespace storeedge::printer {
namespace {

using storeedge::testing::TempDir;

// What the test's printer answers; read and written under a mutex (the pool's thread calls it).
struct Script {
  std::mutex m;
  bool online = true;
  bool accepting = true;
  JobState state_after_submit = JobState::completed;
  std::vector<std::string> media, media_ready;  // what the printer reports; empty: nothing
  std::vector<int> resolutions_dpi;
  std::vector<std::string> submitted;  // documents' bytes
  std::vector<std::string> cancelled;
  int next_id = 100;
};

class ScriptedPrinter final : public PrinterBackend {
 public:
  explicit ScriptedPrinter(Script& s) : s_(s) {}
  Result<PrinterCapabilities> capabilities() override {
    std::lock_guard lock(s_.m);
    if (!s_.online) return make_error("printer_offline", "cannot connect to the printer");
    PrinterCapabilities c;
    c.formats = {DocumentFormat::zpl};
    c.accepting = s_.accepting;
    c.media = s_.media;
    c.media_ready = s_.media_ready;
    c.resolutions_dpi = s_.resolutions_dpi;
    return c;
  }
  Result<std::string> submit(const Document& d, const std::string&) override {
    std::lock_guard lock(s_.m);
    if (!s_.online) return make_error("printer_offline", "cannot connect to the printer");
    s_.submitted.push_back(d.bytes);
    return std::to_string(s_.next_id++);
  }
  Result<JobStatus> status(const std::string&) override {
    std::lock_guard lock(s_.m);
    if (!s_.online) return make_error("printer_offline", "cannot connect to the printer");
    JobStatus st;
    st.state = s_.state_after_submit;
    if (st.state == JobState::aborted) st.message = "the head is open";
    return st;
  }
  Result<void> cancel(const std::string& id) override {
    std::lock_guard lock(s_.m);
    s_.cancelled.push_back(id);
    return {};
  }
  std::string describe() const override { return "scripted"; }

 private:
  Script& s_;
};

class PrintQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto w = store::open_store(dir_.path(), config_);
    ASSERT_TRUE(w) << w.error().message;
    writes_ = std::make_unique<store::WriteQueue>(std::move(*w), store::WriteQueueOptions{100, 10});
    auto r = store::open_reader(dir_.path(), config_);
    ASSERT_TRUE(r);
    reader_ = std::make_unique<store::Connection>(std::move(*r));
  }
  void TearDown() override {
    if (queue_) queue_->stop();
    ioc_.run_for(std::chrono::milliseconds(50));
    queue_.reset();
    pool_.stop();
    writes_->stop();
  }

  void start(std::vector<std::string> purposes = {"bag_label"}, bool second_printer = false) {
    Printer p;
    p.config.name = "desk-zebra";
    p.config.station = "pickup-desk";
    p.config.purposes = purposes;
    p.config.backend = "raw";
    p.backend = std::make_unique<ScriptedPrinter>(script_);
    std::vector<Printer> printers;
    printers.push_back(std::move(p));
    if (second_printer) {
      Printer back;
      back.config.name = "back-zebra";
      back.config.station = "backroom";
      back.config.purposes = purposes;
      back.config.backend = "raw";
      back.backend = std::make_unique<ScriptedPrinter>(script_);
      printers.push_back(std::move(back));
    }
    Renderer render = [](store::Connection&, const PrintJob& job,
                         const PrinterConfig&) -> Result<std::function<Result<Document>()>> {
      if (job.allocation_id && *job.allocation_id == "BROKEN")
        return make_error("no_data", "allocation BROKEN is not known");
      return std::function<Result<Document>()>([id = job.id] {
        return Result<Document>(Document{DocumentFormat::zpl,
                                         "^XA^FDjob " + std::to_string(id) + "^FS^XZ",
                                         "oe_4x4-label_4x4in", 1, 203});
      });
    };
    PrintQueueOptions o;
    o.poll = std::chrono::milliseconds(5);
    o.retry_min = std::chrono::milliseconds(20);
    o.retry_max = std::chrono::milliseconds(40);
    queue_ = std::make_unique<PrintQueue>(ioc_, *writes_, *reader_, pool_, clock_,
                                          std::move(printers), render, o);
    queue_->start();
  }

  std::int64_t add_job(const std::string& kind, const std::string& allocation = "A-1",
                       const std::string& state = "pending",
                       std::optional<std::string> station = std::nullopt) {
    std::int64_t id = 0;
    std::promise<void> done;
    writes_->submit(
        [&](store::Connection& db) -> Result<void> {
          auto st = db.prepare(
              "INSERT INTO print_jobs (kind, allocation_id, state, created_at, station) VALUES"
              " (?1, ?2, ?3, '2026-01-01T00:00:00.000Z', ?4)");
          if (!st) return st.error();
          (*st)->bind(1, kind).bind(2, allocation).bind(3, state).bind_optional(4, station);
          auto r = (*st)->run();
          id = sqlite3_last_insert_rowid(db.handle());
          return r;
        },
        [&](Result<void>) { done.set_value(); });
    done.get_future().wait();
    return id;
  }

  PrintJob job(std::int64_t id) {
    auto j = find_print_job(*reader_, id);
    EXPECT_TRUE(j && *j);
    return j && *j ? **j : PrintJob{};
  }

  void run_until(const std::function<bool()>& done) {
    for (int i = 0; i < 4000 && !done(); ++i) ioc_.run_one_for(std::chrono::milliseconds(5));
    ASSERT_TRUE(done());
  }

  std::size_t submitted() {
    std::lock_guard lock(script_.m);
    return script_.submitted.size();
  }

  TempDir dir_;
  Config config_;
  SimulatedClock clock_;
  boost::asio::io_context ioc_;
  BlockingPool pool_{1, 8};
  std::unique_ptr<store::WriteQueue> writes_;
  std::unique_ptr<store::Connection> reader_;
  Script script_;
  std::unique_ptr<PrintQueue> queue_;
};

TEST_F(PrintQueueTest, AJobIsSentOnceAndFollowedToCompletion) {
  const auto id = add_job("bag_label");
  start();
  run_until([&] { return job(id).state == "done"; });
  EXPECT_EQ(submitted(), 1u);
  EXPECT_EQ(job(id).printer, "desk-zebra");
  EXPECT_EQ(job(id).printer_job, "100");
  EXPECT_EQ(job(id).attempts, 1);
  EXPECT_TRUE(job(id).done_at);
  for (int i = 0; i < 50; ++i) ioc_.run_one_for(std::chrono::milliseconds(2));
  EXPECT_EQ(submitted(), 1u);  // never again
}

TEST_F(PrintQueueTest, AnOfflinePrinterMakesTheJobWaitAndItIsSentWhenBack) {
  {
    std::lock_guard lock(script_.m);
    script_.online = false;
  }
  const auto id = add_job("bag_label");
  start();
  run_until([&] { return job(id).state == "waiting"; });
  EXPECT_NE(job(id).reason->find("cannot connect"), std::string::npos);
  clock_.advance(std::chrono::seconds(1));  // past next_attempt_at: tried again, still offline
  run_until([&] { return job(id).attempts >= 2 && job(id).state == "waiting"; });
  {
    std::lock_guard lock(script_.m);
    script_.online = true;
  }
  clock_.advance(std::chrono::seconds(1));
  run_until([&] { return job(id).state == "done"; });
  EXPECT_EQ(submitted(), 1u);
}

TEST_F(PrintQueueTest, AZplLabelForAnotherResolutionFailsAndIsNotSent) {
  {
    std::lock_guard lock(script_.m);
    script_.resolutions_dpi = {300};
  }
  const auto id = add_job("bag_label");
  start();
  run_until([&] { return job(id).state == "failed"; });
  EXPECT_NE(job(id).reason->find("resolution_unsupported: the document is made for 203 dpi; the "
                                 "printer prints at 300 dpi"),
            std::string::npos)
      << *job(id).reason;
  EXPECT_EQ(submitted(), 0u);
}

TEST_F(PrintQueueTest, MediaThePrinterLacksFailsAndMediaNotLoadedWaits) {
  {
    std::lock_guard lock(script_.m);
    script_.media = {"oe_4x6-label_4x6in", "oe_4x4-label_4x4in"};
    script_.media_ready = {"oe_4x6-label_4x6in"};
    script_.resolutions_dpi = {203};
  }
  const auto id = add_job("bag_label");
  start();
  run_until([&] { return job(id).state == "waiting"; });
  EXPECT_NE(job(id).reason->find("load oe_4x4-label_4x4in in the printer"), std::string::npos)
      << *job(id).reason;
  EXPECT_EQ(submitted(), 0u);
  {
    std::lock_guard lock(script_.m);
    script_.media_ready = {"oe_4x4-label_4x4in"};  // someone loaded the 4x4 roll
  }
  clock_.advance(std::chrono::seconds(3));
  run_until([&] { return job(id).state == "done"; });
  EXPECT_EQ(submitted(), 1u);

  {
    std::lock_guard lock(script_.m);
    script_.media = {"na_letter_8.5x11in"};
    script_.media_ready.clear();
  }
  const auto other = add_job("bag_label");
  queue_->wake();
  run_until([&] { return job(other).state == "failed"; });
  EXPECT_NE(job(other).reason->find("media_unsupported: the printer has no media "
                                    "oe_4x4-label_4x4in"),
            std::string::npos)
      << *job(other).reason;
  EXPECT_EQ(submitted(), 1u);
}

TEST_F(PrintQueueTest, AnAbortedJobIsFailedWithThePrintersWords) {
  {
    std::lock_guard lock(script_.m);
    script_.state_after_submit = JobState::aborted;
  }
  const auto id = add_job("bag_label");
  start();
  run_until([&] { return job(id).state == "failed"; });
  EXPECT_NE(job(id).reason->find("the head is open"), std::string::npos);
}

TEST_F(PrintQueueTest, ACancelledSentJobIsCancelledAtThePrinter) {
  {
    std::lock_guard lock(script_.m);
    script_.state_after_submit = JobState::processing;
  }
  const auto id = add_job("bag_label");
  start();
  run_until([&] { return job(id).state == "sent"; });
  PrintJob was;
  std::promise<void> done;
  writes_->submit(
      [&](store::Connection& db) -> Result<void> {
        auto r = cancel_print_job(db, id, "2026-01-01T00:00:01.000Z");
        if (!r) return r.error();
        was = *r;
        return {};
      },
      [&](Result<void> r) {
        EXPECT_TRUE(r);
        done.set_value();
      });
  done.get_future().wait();
  queue_->cancel_at_printer(was);
  run_until([&] {
    std::lock_guard lock(script_.m);
    return !script_.cancelled.empty();
  });
  EXPECT_EQ(script_.cancelled.front(), "100");
  EXPECT_EQ(job(id).state, "cancelled");
}

TEST_F(PrintQueueTest, JobsLeftSendingByAStoppedDaemonBecomeUnknownAndAreNotSent) {
  const auto interrupted = add_job("bag_label", "A-1", "sending");
  const auto fresh = add_job("bag_label", "A-2");
  start();
  run_until([&] { return job(fresh).state == "done"; });
  EXPECT_EQ(job(interrupted).state, "unknown");
  EXPECT_NE(job(interrupted).reason->find("reprint or cancel"), std::string::npos);
  EXPECT_EQ(submitted(), 1u);
}

TEST_F(PrintQueueTest, AReprintIsANewJobAndARenderingFailureFailsTheJob) {
  const auto broken = add_job("bag_label", "BROKEN");
  const auto id = add_job("bag_label");
  start();
  run_until([&] { return job(id).state == "done" && job(broken).state == "failed"; });
  EXPECT_NE(job(broken).reason->find("no_data"), std::string::npos);
  std::int64_t again = 0;
  std::promise<void> done;
  writes_->submit(
      [&](store::Connection& db) -> Result<void> {
        auto r = reprint_print_job(db, id, "user:m1", "2026-01-01T00:00:02.000Z");
        if (!r) return r.error();
        again = *r;
        return {};
      },
      [&](Result<void>) { done.set_value(); });
  done.get_future().wait();
  queue_->wake();
  run_until([&] { return job(again).state == "done"; });
  EXPECT_EQ(job(again).reprint_of, id);
  EXPECT_EQ(job(again).requested_by, "user:m1");
  EXPECT_EQ(submitted(), 2u);
}

TEST_F(PrintQueueTest, AJobGoesToThePrinterAtItsStation) {
  const auto back = add_job("bag_label", "A-1", "pending", "backroom");
  const auto desk = add_job("bag_label", "A-2", "pending", "pickup-desk");
  const auto elsewhere = add_job("bag_label", "A-3", "pending", "pack-station-9");
  start({"bag_label"}, true);
  run_until([&] {
    return job(back).state == "done" && job(desk).state == "done" && job(elsewhere).state == "done";
  });
  EXPECT_EQ(job(back).printer, "back-zebra");
  EXPECT_EQ(job(desk).printer, "desk-zebra");
  EXPECT_TRUE(job(elsewhere).printer);  // no printer there: any that prints bag labels
  EXPECT_EQ(submitted(), 3u);
}

TEST_F(PrintQueueTest, AKindNoPrinterPrintsWaitsSayingSo) {
  const auto id = add_job("shipping_label");
  start({"bag_label"});
  run_until([&] { return job(id).state == "waiting"; });
  EXPECT_NE(job(id).reason->find("no printer for shipping_label"), std::string::npos);
  EXPECT_EQ(submitted(), 0u);
}

}  // namespace
}  // namespace storeedge::printer
