// Print jobs people ask for, end to end: the real storeedged with a raw port-9100 label printer
// (a ByteSink) and a driverless ippeveprinter for A4/Letter, the test as the OMS over mosquitto.
// A ship-from-store package whose carrier label the OMS could not make gets the store's own GS1
// logistic label with an SSCC from the store's counter; asked for again (with the tracking number
// typed meanwhile) it prints the same SSCC, once per request even when the request is retried;
// packing slips (PDF) and bin/shelf labels print on demand; unknown allocations, packages and
// locations are refused before any job is made.
#include <fstream>

#include "integration/fulfil_api_fixture.h"
#include "integration/printers_fixture.h"

namespace storeedge::testing {
namespace {

namespace json = boost::json;

// GS1's example company prefix; the store's first serial is 0, so its first SSCC is
// 0 0614141 000000000 and the check digit 5.
const std::string kFirstSscc = "006141410000000005";

class PrintJobsApiTest : public FulfilApiTest {
 protected:
  std::vector<std::string> store_args() override {
    sink_ = std::make_unique<ByteSink>();
    office_ = std::make_unique<IppPrinter>();
    std::ofstream(dir_.file("storeedged.toml"))
        << "[shipping]\ngs1_company_prefix = \"0614141\"\n"
           "ship_from = [\"Store 042\", \"Markt 1\", \"3011 Rotterdam\"]\n\n"
           "[[printers.printer]]\nname = \"pack-zebra\"\n"
           "purposes = [\"shipping_label\", \"bin_label\"]\nbackend = \"raw\"\n"
           "host = \"127.0.0.1\"\nport = "
        << sink_->port()
        << "\nformat = \"zpl\"\ndpi = 203\n\n"
           "[[printers.printer]]\nname = \"office\"\npurposes = [\"packing_slip\"]\n"
           "backend = \"ipp\"\nuri = \""
        << office_->uri() << "\"\nformat = \"pdf\"\nmedia = \"na_letter_8.5x11in\"\n";
    return {"--config", dir_.file("storeedged.toml")};
  }

  HttpResult request(const std::string& method, const std::string& target,
                     const std::string& body) {
    return send_as(session_, method, target, body);
  }

  // A-77813 picked and packed into P1, its label asked of the OMS.
  void pack_one_package() {
    const std::string a = "/api/v1/allocations/A-77813";
    ASSERT_EQ(post(a + "/picks", R"({"code":"SKU-1001","qty":2})").status, 200);
    ASSERT_EQ(post(a + "/picks", R"({"code":"SKU-3003"})").status, 200);
    ASSERT_EQ(post(a + "/complete-pick", "{}").status, 200);
    ASSERT_EQ(post(a + "/packages", "").status, 200);
    ASSERT_EQ(post(a + "/packages/P1/items", R"({"code":"5901234123457","qty":2})").status, 200);
    ASSERT_EQ(post(a + "/packages/P1/items", R"({"code":"SKU-3003"})").status, 200);
    ASSERT_EQ(
        request("PATCH", a + "/packages/P1", R"({"weight_g":1450,"dims_mm":[300,200,150]})").status,
        200);
    auto packed = post(a + "/pack", "");
    ASSERT_EQ(packed.status, 200) << packed.body;
  }

  // The job `id` once `pred` holds for it (the queue works in the background).
  json::object job_when(std::int64_t id, const std::function<bool(const json::object&)>& pred) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    json::object last;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = get("/api/v1/print-jobs");
      const auto body = r.status == 200 ? r.json() : json::value();
      if (body.is_object())
        for (const auto& item : body.at("items").as_array())
          if (item.at("id").as_int64() == id) {
            last = item.as_object();
            if (pred(last)) return last;
          }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "job " << id << " did not get there; last: " << json::serialize(last);
    return last;
  }

  static bool done(const json::object& j) { return j.at("state") == "done"; }

  // The documents the label printer received: the raw backend's reachability checks are
  // connections without bytes.
  std::vector<std::string> labels() const {
    std::vector<std::string> out;
    for (auto& bytes : sink_->jobs())
      if (!bytes.empty()) out.push_back(std::move(bytes));
    return out;
  }
  bool wait_for_labels(std::size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (labels().size() < count && std::chrono::steady_clock::now() < deadline)
      sink_->wait_for_jobs(sink_->jobs().size() + 1, std::chrono::milliseconds(200));
    return labels().size() >= count;
  }

  std::unique_ptr<ByteSink> sink_;
  std::unique_ptr<IppPrinter> office_;
};

TEST_F(PrintJobsApiTest, AFailedOmsLabelPrintsOurOwnGs1LabelAndItCanBeAskedForAgain) {
  pack_one_package();
  auto failed = example("down.label.failed.json");
  failed["body"].as_object()["allocation"] = "A-77813";
  failed["body"].as_object()["package"] = "P1";
  SyncTest::send(failed, 8);
  ASSERT_TRUE(wait_for_labels(1));
  const std::string first = labels().at(0);
  EXPECT_NE(first.find("^FD>;>800" + kFirstSscc + "^FS"), std::string::npos) << first;
  EXPECT_NE(first.find("(00) " + kFirstSscc), std::string::npos) << first;
  for (const char* text : {"Grace Hopper", "Store 042", "DHL", "W1009914"})
    EXPECT_NE(first.find(text), std::string::npos) << text;
  auto listing = get("/api/v1/print-jobs").json();
  ASSERT_EQ(listing.at("items").as_array().size(), 1u) << json::serialize(listing);
  auto listed = listing.at("items").at(0).as_object();
  EXPECT_EQ(listed.at("kind"), "shipping_label");
  EXPECT_EQ(listed.at("package"), "P1");
  EXPECT_TRUE(listed.at("requested_by").is_null());

  // The carrier's number typed from its own label, then the label asked for again; the request
  // is retried with the same key and prints once.
  ASSERT_EQ(
      request("PUT", "/api/v1/allocations/A-77813/packages/P1/tracking", R"({"tracking":"JD0002"})")
          .status,
      200);
  const std::string again = R"({"kind":"shipping_label","allocation":"A-77813","package":"P1"})";
  auto asked = post("/api/v1/print-jobs", again, "label-p1");
  ASSERT_EQ(asked.status, 201) << asked.body;
  auto retried = post("/api/v1/print-jobs", again, "label-p1");
  EXPECT_EQ(retried.body, asked.body);
  const auto job = asked.json().at("job").as_object();
  EXPECT_EQ(job.at("kind"), "shipping_label");
  EXPECT_TRUE(job.at("station").is_null());  // the handheld stands at no station
  job_when(job.at("id").as_int64(), done);
  ASSERT_TRUE(wait_for_labels(2));
  const std::string second = labels().at(1);
  EXPECT_NE(second.find("^FD>;>800" + kFirstSscc + "^FS"), std::string::npos) << second;
  EXPECT_NE(second.find("JD0002"), std::string::npos) << second;

  // A bin label and a shelf label.
  auto shelf = post("/api/v1/print-jobs", R"({"kind":"bin_label","location":"A-03-2",)"
                                          R"("sku":"SKU-1001"})");
  ASSERT_EQ(shelf.status, 201) << shelf.body;
  job_when(shelf.json().at("job").at("id").as_int64(), done);
  ASSERT_TRUE(wait_for_labels(3));
  EXPECT_NE(labels().at(2).find("^FDA-03-2^FS"), std::string::npos) << labels().at(2);
  EXPECT_NE(labels().at(2).find("SKU-1001"), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // nothing more may come
  EXPECT_EQ(labels().size(), 3u);

  // Audited, with what was asked for as the target.
  auto audit = get("/api/v1/audit");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find("shipping_label A-77813/P1"), std::string::npos) << audit.body;
  EXPECT_NE(audit.body.find("bin_label A-03-2/SKU-1001"), std::string::npos) << audit.body;
}

TEST_F(PrintJobsApiTest, APackingSlipPrintsAsAPdfOnTheOfficePrinter) {
  pack_one_package();
  auto slip = post("/api/v1/print-jobs", R"({"kind":"packing_slip","allocation":"A-77813"})");
  ASSERT_EQ(slip.status, 201) << slip.body;
  auto job = job_when(slip.json().at("job").at("id").as_int64(), done);
  EXPECT_EQ(job.at("printer"), "office");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (office_->spooled_files().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto files = office_->spooled_files();
  ASSERT_EQ(files.size(), 1u) << office_->log();
  const std::string pdf = read_file(files.front());
  EXPECT_TRUE(pdf.starts_with("%PDF-"));
  EXPECT_NE(pdf.find("/MediaBox [ 0 0 612 792 ]"), std::string::npos);  // Letter, as configured
}

TEST_F(PrintJobsApiTest, UnknownThingsAreRefusedBeforeAJobIsMade) {
  pack_one_package();
  auto expect = [&](const std::string& body, int status, const std::string& code,
                    const std::string& words) {
    auto r = post("/api/v1/print-jobs", body);
    EXPECT_EQ(r.status, status) << body << " → " << r.body;
    EXPECT_EQ(error_code(r), code) << r.body;
    EXPECT_NE(r.body.find(words), std::string::npos) << r.body;
  };
  expect(R"({"kind":"packing_slip","allocation":"A-0"})", 404, "not_found", "A-0 is not known");
  expect(R"({"kind":"shipping_label","allocation":"A-77813","package":"P9"})", 404, "not_found",
         "has no package P9");
  expect(R"({"kind":"bin_label","location":"Z-99"})", 404, "not_found", "Z-99 is not known");
  expect(R"({"kind":"bin_label","location":"A-03-2","sku":"SKU-0"})", 404, "not_found",
         "SKU-0 is not known");
  expect(R"({"kind":"bin_label","location":"A 03"})", 400, "invalid_request", "location");
  expect(R"({"kind":"bag_label","allocation":"A-77812"})", 400, "invalid_request", "kind must");
  expect(R"({"kind":"shipping_label","allocation":"A-77813"})", 400, "invalid_request", "package");
  EXPECT_TRUE(get("/api/v1/print-jobs").json().at("items").as_array().empty());
}

}  // namespace
}  // namespace storeedge::testing
