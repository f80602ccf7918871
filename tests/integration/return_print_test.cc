// A POS return's documents through the real storeedged to real TCP "printers" on port-9100-style
// listeners (ByteSink): a receipt printer (format escpos, 58 mm) and a ZPL label printer. The
// return and its jobs are written into the store's database with plain SQL and add_print_job,
// as the returns code writes them, before the daemon starts; the daemon picks the pending jobs
// up and the test checks the bytes that arrive: the ESC/POS slip (initialisation, code page, the
// refund, the Code 128 of the return id, the cut) and the return-to-DC label. A slip for a
// return that is not there fails, visibly, without reaching a printer.
#include <fstream>

#include "core/config.h"
#include "integration/daemon_fixture.h"
#include "integration/printers_fixture.h"
#include "printer/print_jobs.h"
#include "store/state_dir.h"
#include "support/return_rows.h"

namespace storeedge::testing {
namespace {

using namespace std::string_literals;

class ReturnPrintTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    std::ofstream(dir_.file("storeedged.toml"))
        << "[returns]\ndc_address = [\"Central DC Returns\", \"Industrieweg 12\"]\n\n"
           "[[printers.printer]]\nname = \"till-receipt\"\nstation = \"till-1\"\n"
           "purposes = [\"return_slip\"]\nbackend = \"raw\"\nhost = \"127.0.0.1\"\nport = "
        << receipts_.port()
        << "\nformat = \"escpos\"\npaper_width_mm = 58\n\n"
           "[[printers.printer]]\nname = \"back-zebra\"\npurposes = [\"return_label\"]\n"
           "backend = \"raw\"\nhost = \"127.0.0.1\"\nport = "
        << labels_.port() << "\nformat = \"zpl\"\n";
  }

  // Writes the sample return and its jobs into the state directory's database (created and
  // migrated by open_store, as the daemon would), as the returns code does in its transaction.
  void record_return_with_jobs() {
    Config config;  // the daemon's defaults: the same tenant and store stamp
    auto db = store::open_store(dir_.file("state"), config);
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE(db->exec("BEGIN IMMEDIATE"));
    auto inserted = db->exec(kSampleReturnSql);
    ASSERT_TRUE(inserted) << inserted.error().message;
    const std::string at = "2026-11-23T12:00:01.000Z";
    for (const auto& [kind, id] :
         {std::pair{"return_slip", kSampleReturnId}, std::pair{"return_label", kSampleReturnId},
          std::pair{"return_slip", "R-GONE-1"}}) {
      auto job = printer::add_print_job(*db,
                                        printer::NewPrintJob{kind, std::nullopt, std::nullopt, id,
                                                             "till-1", std::nullopt, std::nullopt},
                                        at);
      ASSERT_TRUE(job) << job.error().message;
    }
    ASSERT_TRUE(db->exec("COMMIT"));
  }

  // storeedgectl's listing once every job has left pending (the daemon works in the background).
  std::string jobs_when_settled() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::string out;
    while (std::chrono::steady_clock::now() < deadline) {
      auto [code, listed] = ctl({"print-jobs"});
      out = listed;
      if (code == 0 && listed.find("\tpending\t") == std::string::npos &&
          listed.find("\tsending\t") == std::string::npos)
        return out;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "the jobs did not settle:\n" << out;
    return out;
  }

  ByteSink receipts_;
  ByteSink labels_;
};

// The documents a printer received: the raw backend's capability checks are connections without
// bytes.
std::vector<std::string> documents(const ByteSink& sink) {
  std::vector<std::string> out;
  for (auto& bytes : sink.jobs())
    if (!bytes.empty()) out.push_back(std::move(bytes));
  return out;
}

// The first document `sink` receives within `timeout`, or "".
std::string first_document(ByteSink& sink, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (std::size_t seen = 1;; ++seen) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !sink.wait_for_jobs(seen, left)) return {};
    const auto jobs = sink.jobs();
    if (!jobs.at(seen - 1).empty()) return jobs.at(seen - 1);
  }
}

std::string visible(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    }
  }
  return out;
}

TEST_F(ReturnPrintTest, TheSlipAndTheLabelReachTheirPrinters) {
  record_return_with_jobs();
  start({"--config", dir_.file("storeedged.toml")});

  const std::string slip = first_document(receipts_, std::chrono::seconds(15));
  ASSERT_FALSE(slip.empty()) << "no slip reached the receipt printer";
  // ESC @, then the code page (ESC t 16, Windows-1252) before any text.
  EXPECT_EQ(slip.rfind("\x1b@\x1bt\x10"s, 0), 0u) << visible(slip);
  EXPECT_NE(slip.find("\x1d!\x11RETURN\n"), std::string::npos) << visible(slip);
  EXPECT_NE(slip.find("OFFLINE - TO BE REVIEWED"), std::string::npos);
  EXPECT_NE(slip.find("Approved by" + std::string(32 - 11 - 12, ' ') + "Olga Manager\n"),
            std::string::npos)
      << visible(slip);
  EXPECT_NE(slip.find("Blue mug\n  2 x SKU-1001         23.98 EUR\n"), std::string::npos)
      << visible(slip);
  EXPECT_NE(slip.find("REFUND                 28.97 EUR\n"), std::string::npos) << visible(slip);
  EXPECT_NE(slip.find("card ****4242          28.97 EUR\n"), std::string::npos) << visible(slip);
  // GS k 73: Code 128 of R-S042-0001 (code set B, then C for 00 01) with 2-dot modules on 58 mm.
  EXPECT_NE(slip.find("\x1dw\x02\x1dH\x02\x1d"
                      "f\x00\x1dkI\x0d{BR-S042-{C\x00\x01"s),
            std::string::npos)
      << visible(slip);
  EXPECT_EQ(slip.substr(slip.size() - 4), "\x1dVB\x03") << visible(slip);

  const std::string zpl = first_document(labels_, std::chrono::seconds(15));
  ASSERT_FALSE(zpl.empty()) << "no label reached the label printer";
  EXPECT_EQ(zpl.rfind("^XA", 0), 0u) << zpl;
  EXPECT_NE(zpl.find("RETURN TO DC"), std::string::npos) << zpl;
  EXPECT_NE(zpl.find("^FDIndustrieweg 12^FS"), std::string::npos) << zpl;
  EXPECT_NE(zpl.find("R-S042-0001|SKU-3003*1|SKU-2002*1"), std::string::npos) << zpl;

  const std::string listed = jobs_when_settled();
  EXPECT_NE(listed.find("\treturn_slip\tR-S042-0001\tdone\ttill-receipt\t"), std::string::npos)
      << listed;
  EXPECT_NE(listed.find("\treturn_label\tR-S042-0001\tdone\tback-zebra\t"), std::string::npos)
      << listed;
  EXPECT_NE(listed.find("\treturn_slip\tR-GONE-1\tfailed\ttill-receipt\t"), std::string::npos)
      << listed;
  EXPECT_NE(listed.find("no_data: return R-GONE-1 is not known"), std::string::npos) << listed;
  // The failed slip never reached the printer: one document, the good slip.
  EXPECT_EQ(documents(receipts_).size(), 1u);
  EXPECT_EQ(documents(labels_).size(), 1u);
  EXPECT_EQ(stop(), 0);
}

}  // namespace
}  // namespace storeedge::testing
