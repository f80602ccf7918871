// The daemon's job renderer (edge/daemon/print_documents.h) for a ship-from-store parcel and a
// shelf, on a real database opened with open_store and rows inserted as the sync and the floor
// store them: the OMS's label preferred when it arrived, else the store's own GS1 logistic label
// (its SSCC in ^BC, the ship-to, ship-from, carrier and typed tracking), the packing slip of what
// was picked on A4 or Letter, bin and shelf labels, and each clear failure.
#include "daemon/shipping_documents.h"

#include <gtest/gtest.h>

#include "daemon/print_documents.h"
#include "printer/sscc.h"
#include "store/state_dir.h"
#include "support/harness.h"
#include "unit/store_helpers.h"

namespace storeedge::daemon {
namespace {

using storeedge::testing::TempDir;

constexpr const char* kRows = R"sql(
INSERT INTO allocations (allocation_id, order_id, kind, state, customer_name, ship_to, carrier,
  service, created_at, updated_at)
VALUES ('A-77813', 'W1009914', 'ship_from_store', 'packed', 'Ada Byron',
  '{"name":"Grace Hopper","line1":"1 Harbour St","city":"Rotterdam","postcode":"3011","country":"NL"}',
  'DHL', 'parcel', 'x', 'x');
INSERT INTO allocation_lines (allocation_id, line, sku, description, qty, unit_price, currency,
  picked_qty, substitute_sku)
VALUES ('A-77813', '1', 'SKU-1001', 'Blue mug', 2, 1299, 'EUR', 2, NULL),
       ('A-77813', '2', 'SKU-3003', 'Tea towel', 1, 599, 'EUR', 1, 'SKU-3004'),
       ('A-77813', '10', 'SKU-5005', 'Not picked', 1, 599, 'EUR', 0, NULL);
INSERT INTO packages (allocation_id, package, weight_g, created_at) VALUES
  ('A-77813', 'P1', 1450, 'x'), ('A-77813', 'P2', NULL, 'x');
INSERT INTO inventory (sku, location, on_hand, updated_at) VALUES ('SKU-1001', 'A-03-2', 5, 'x');
INSERT INTO catalog_items (sku, description, unit_price, currency, returnable, location, updated_at)
VALUES ('SKU-1001', 'Blue mug 300 ml', 1299, 'EUR', 1, 'A-03-2', 'x');
)sql";

const std::vector<std::string> kFrom = {"Store 042", "Markt 1", "3011 Rotterdam"};

class ShippingDocumentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(storeedge::testing::open_test_store(dir_.path(), db_));
    ASSERT_TRUE(db_->exec(kRows));
    shipping_.gs1_company_prefix = "0614141";
    shipping_.ship_from = kFrom;
  }

  static PrinterConfig printer(const std::string& format, const std::string& media = "") {
    PrinterConfig p;
    p.name = format == "pdf" ? "office-laser" : "pack-zebra";
    p.backend = "raw";
    p.format = format;
    p.media = media;
    return p;
  }

  static printer::PrintJob job(const std::string& kind) {
    printer::PrintJob j;
    j.id = 9;
    j.kind = kind;
    j.state = "pending";
    return j;
  }

  static printer::PrintJob label_job(const std::string& package) {
    auto j = job("shipping_label");
    j.allocation_id = "A-77813";
    j.package = package;
    return j;
  }

  Result<printer::Document> render(const printer::PrintJob& j, const PrinterConfig& p) {
    auto renderer = make_job_renderer("S042", {}, shipping_);
    auto prepared = renderer(*db_, j, p);
    if (!prepared) return prepared.error();
    return (*prepared)();
  }

  std::string assign(const std::string& package) {
    auto sscc = printer::package_sscc(*db_, shipping_, "A-77813", package);
    EXPECT_TRUE(sscc) << sscc.error().message;
    return sscc ? *sscc : "";
  }

  static void expect_error(const Result<printer::Document>& r, const std::string& code,
                           const std::string& words) {
    ASSERT_FALSE(r) << "rendered instead of failing with " << code;
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
  }

  TempDir dir_;
  std::unique_ptr<store::Connection> db_;
  ShippingConfig shipping_;
};

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST_F(ShippingDocumentsTest, OurOwnLabelCarriesTheSsccAddressesAndTypedTracking) {
  const std::string sscc = assign("P1");
  ASSERT_EQ(sscc, "006141410000000005");
  ASSERT_TRUE(db_->exec("UPDATE packages SET typed_tracking = 'JD0002' WHERE package = 'P1'"));
  auto doc = render(label_job("P1"), printer("zpl"));
  ASSERT_TRUE(doc) << doc.error().code << ": " << doc.error().message;
  EXPECT_EQ(doc->format, printer::DocumentFormat::zpl);
  EXPECT_EQ(doc->dpi, 203);
  EXPECT_EQ(doc->media, "oe_4x6-label_4x6in");
  const std::string& zpl = doc->bytes;
  EXPECT_TRUE(contains(zpl, "^FD>;>800" + sscc + "^FS")) << zpl;  // (00) in GS1-128
  EXPECT_TRUE(contains(zpl, "(00) " + sscc)) << zpl;
  for (const char* text : {"Grace Hopper", "1 Harbour St", "3011 Rotterdam", "NL", "Store 042",
                           "Markt 1", "DHL", "parcel", "JD0002", "W1009914"})
    EXPECT_TRUE(contains(zpl, text)) << text << " not in " << zpl;
  // (3303) the gross weight in kg with three decimals, in the GS1 DataMatrix.
  EXPECT_TRUE(contains(zpl, "3303001450")) << zpl;

  auto pdf = render(label_job("P1"), printer("pdf"));
  ASSERT_TRUE(pdf) << pdf.error().message;
  EXPECT_TRUE(pdf->bytes.starts_with("%PDF-"));
  EXPECT_EQ(pdf->dpi, 0);
}

TEST_F(ShippingDocumentsTest, TheOmsLabelIsPreferredWhenItArrived) {
  assign("P1");
  // "^XA^FDOMS^FS^XZ" in base64.
  ASSERT_TRUE(db_->exec(
      "INSERT INTO labels (allocation_id, package, carrier, tracking, format, data, received_at)"
      " VALUES ('A-77813', 'P1', 'DHL', 'JD01', 'zpl', 'XlhBXkZET01TXkZTXlha', 'x')"));
  auto doc = render(label_job("P1"), printer("zpl"));
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->bytes, "^XA^FDOMS^FS^XZ");
  // A failed label (no data) leaves our own.
  ASSERT_TRUE(db_->exec("UPDATE labels SET format = NULL, data = NULL, failure_code = 'x'"));
  auto own = render(label_job("P1"), printer("zpl"));
  ASSERT_TRUE(own) << own.error().message;
  EXPECT_TRUE(contains(own->bytes, "(00) 0061414100"));
}

TEST_F(ShippingDocumentsTest, OurOwnLabelFailsClearly) {
  ShippingConfig unconfigured;
  unconfigured.ship_from = kFrom;
  shipping_ = unconfigured;
  expect_error(render(label_job("P2"), printer("zpl")), "not_configured", "gs1_company_prefix");
  shipping_.gs1_company_prefix = "0614141";
  expect_error(render(label_job("P2"), printer("zpl")), "no_data", "has no SSCC");
  assign("P2");
  shipping_.ship_from.clear();
  expect_error(render(label_job("P2"), printer("zpl")), "not_configured", "ship_from");
  shipping_.ship_from = kFrom;
  expect_error(render(label_job("P9"), printer("zpl")), "no_data", "no package A-77813 package P9");
  ASSERT_TRUE(
      db_->exec("UPDATE allocations SET ship_to = '{\"name\":\"" + std::string(45, 'x') + "\"}'"));
  expect_error(render(label_job("P2"), printer("zpl")), "invalid_label_input", "ship_to");
}

TEST_F(ShippingDocumentsTest, AddressesWrapAtSpaces) {
  EXPECT_EQ(address_lines(R"({"name":"Grace Brewster Murray Hopper of the United States Navy",)"
                          R"("line1":"1 Harbour St","line2":"","country":"NL"})",
                          40),
            (std::vector<std::string>{"Grace Brewster Murray Hopper of the", "United States Navy",
                                      "1 Harbour St", "NL"}));
  EXPECT_TRUE(address_lines("not json", 40).empty());
  EXPECT_TRUE(address_lines("[1]", 40).empty());
}

TEST_F(ShippingDocumentsTest, ThePackingSlipListsWhatWasPicked) {
  auto j = job("packing_slip");
  j.allocation_id = "A-77813";
  auto a4 = render(j, printer("pdf"));
  ASSERT_TRUE(a4) << a4.error().code << ": " << a4.error().message;
  EXPECT_TRUE(a4->bytes.starts_with("%PDF-"));
  EXPECT_EQ(a4->media, "iso_a4_210x297mm");
  auto letter = render(j, printer("pdf", "na_letter_8.5x11in"));
  ASSERT_TRUE(letter) << letter.error().message;
  EXPECT_EQ(letter->media, "na_letter_8.5x11in");
  EXPECT_NE(letter->bytes, a4->bytes);
  expect_error(render(j, printer("zpl")), "format_mismatch", "A4 or Letter PDF");
  ASSERT_TRUE(db_->exec("UPDATE allocation_lines SET picked_qty = 0"));
  expect_error(render(j, printer("pdf")), "no_data", "nothing of allocation A-77813 is picked");
  j.allocation_id = "A-0";
  expect_error(render(j, printer("pdf")), "no_data", "allocation A-0 is not known");
}

TEST_F(ShippingDocumentsTest, BinAndShelfLabels) {
  auto bin = job("bin_label");
  bin.location = "A-03-2";
  auto doc = render(bin, printer("zpl"));
  ASSERT_TRUE(doc) << doc.error().code << ": " << doc.error().message;
  EXPECT_EQ(doc->media, "oe_4x2-label_4x2in");
  EXPECT_TRUE(contains(doc->bytes, "A-03-2"));
  EXPECT_FALSE(contains(doc->bytes, "SKU-1001"));
  auto shelf = bin;
  shelf.sku = "SKU-1001";
  auto labelled = render(shelf, printer("zpl"));
  ASSERT_TRUE(labelled) << labelled.error().message;
  EXPECT_TRUE(contains(labelled->bytes, "SKU-1001"));
  EXPECT_TRUE(contains(labelled->bytes, "Blue mug 300 ml"));
  shelf.sku = "SKU-0";
  expect_error(render(shelf, printer("zpl")), "no_data", "SKU SKU-0 is not known");
  bin.location = "Z-99";
  expect_error(render(bin, printer("zpl")), "no_data", "location Z-99 is not known");
  bin.location.reset();
  expect_error(render(bin, printer("zpl")), "no_data", "names no location");
}

}  // namespace
}  // namespace storeedge::daemon
