#include "printer/label_kinds.h"

#include <cstdio>

#include "printer/barcode.h"
#include "printer/layout.h"

namespace storeedge::printer {

namespace {

constexpr double kMargin = 4;

// Checks 1..max_lines lines of text, each of at most max_chars.
std::optional<Error> check_lines(std::string_view field, const std::vector<std::string>& lines,
                                 std::size_t max_lines, std::size_t max_chars) {
  if (lines.empty() || lines.size() > max_lines)
    return invalid_input(field, "must have 1 to " + std::to_string(max_lines) + " lines");
  for (const auto& line : lines)
    if (auto e = check_text(field, line, max_chars)) return e;
  return std::nullopt;
}

// The first error of a list of checks, in order.
std::optional<Error> first_error(std::initializer_list<std::optional<Error>> checks) {
  for (const auto& c : checks)
    if (c) return c;
  return std::nullopt;
}

// "1.250 kg"
std::string kilograms(int grams) {
  char text[32];
  std::snprintf(text, sizeof text, "%d.%03d kg", grams / 1000, grams % 1000);
  return text;
}

std::string padded_grams(int grams) {
  char text[8];
  std::snprintf(text, sizeof text, "%06d", grams);
  return text;
}

// A label format starts ^XA and ends ^XZ; tilde commands (~DG, ~SD, …) may come before it.
bool looks_like_zpl(std::string_view bytes) {
  const auto start = bytes.find("^XA");
  const auto end = bytes.rfind("^XZ");
  return start != std::string_view::npos && end != std::string_view::npos && end > start;
}

}  // namespace

Result<Label> make_bag_label(const BagLabelInput& in) {
  if (auto e = first_error({check_identifier("order", in.order, 24),
                            check_identifier("allocation", in.allocation, 32),
                            check_text("customer_name", in.customer_name, 48),
                            check_identifier("staging_location", in.staging_location, 12),
                            check_text("store", in.store, 40)}))
    return *e;
  if (in.bag < 1 || in.bags < in.bag || in.bags > 99)
    return invalid_input("bag", "must be 1 <= bag <= bags <= 99");
  Label label = label_stock("bag", 4, 4, "oe_4x4-label_4x4in");
  const double w = label.width_mm;
  PageLayout p(label.pages.front(), w, label.height_mm);
  const double inner = w - 2 * kMargin;
  p.text(kMargin, 3, 62, 3.5, in.store);
  p.text(66, 3, w - kMargin - 66, 4, "PICKUP", true, Align::right);
  p.rule(kMargin, 9, inner);
  p.caption(kMargin, 10.5, "ORDER");
  p.text(kMargin, 13.5, inner, 7, in.order, true);
  p.text(kMargin, 22, inner, 5.5, in.customer_name);
  p.outline(kMargin, 30, 68, 22, 0.7);
  p.caption(kMargin + 2, 32, "STAGING");
  p.text(kMargin + 2, 36.5, 64, 11, in.staging_location, true);
  auto qr = p.barcode_right(Symbology::qr_code, in.order, {}, 30, {0.75, 0.5}, 0, 72, w - kMargin,
                            53, "the order's QR Code");
  if (!qr) return qr.error();
  p.text(kMargin, 55, 60, 7, "BAG " + std::to_string(in.bag) + " OF " + std::to_string(in.bags),
         true);
  p.text(64, 57, w - kMargin - 64, 3, "ALLOC " + in.allocation, false, Align::right);
  auto code = p.barcode_centred(Symbology::code128, in.order, {}, 66, {0.375, 0.254}, 20, kMargin,
                                w - kMargin, 87, "the order's Code 128");
  if (!code) return code.error();
  p.text(kMargin, 88.5, inner, 3.5, in.order, false, Align::center);
  return label;
}

Result<Label> make_shipping_label(const ShippingLabelInput& in) {
  if (!sscc_valid(in.sscc))
    return invalid_input("sscc", "must be 18 digits with a valid GS1 check digit");
  if (auto e = first_error(
          {check_lines("ship_to", in.ship_to, 6, 40), check_lines("ship_from", in.ship_from, 4, 40),
           check_text("carrier", in.carrier, 24), check_text("service", in.service, 32, false),
           in.tracking.empty() ? std::nullopt : check_identifier("tracking", in.tracking, 34),
           check_identifier("order", in.order, 24)}))
    return *e;
  if (in.weight_grams < 0 || in.weight_grams > 999'999)
    return invalid_input("weight_grams", "must be 0 (unknown) to 999999");
  Label label = label_stock("shipping", 4, 6, "oe_4x6-label_4x6in");
  const double w = label.width_mm;
  const double inner = w - 2 * kMargin;
  PageLayout p(label.pages.front(), w, label.height_mm);
  // Carrier section: from, carrier and service, ship to, tracking.
  p.caption(kMargin, 3, "FROM");
  for (std::size_t i = 0; i < in.ship_from.size(); ++i)
    p.text(kMargin, 6 + 3.8 * static_cast<double>(i), 55, 3.2, in.ship_from[i]);
  p.text(60, 3, w - kMargin - 60, 6, in.carrier, true, Align::right);
  if (!in.service.empty()) p.text(60, 10.5, w - kMargin - 60, 3.5, in.service, false, Align::right);
  p.rule(kMargin, 22, inner);
  p.caption(kMargin, 23.5, "SHIP TO");
  for (std::size_t i = 0; i < in.ship_to.size(); ++i)
    p.text(kMargin, 26.5 + 4.8 * static_cast<double>(i), inner, i == 0 ? 4.5 : 4.2, in.ship_to[i],
           i == 0);
  p.rule(kMargin, 56, inner);
  if (!in.tracking.empty()) {
    p.caption(kMargin, 57.5, "TRACKING");
    auto tracking = p.barcode_centred(Symbology::code128, in.tracking, {}, 61, {0.254}, 11, kMargin,
                                      w - kMargin, 72.5, "the tracking number");
    if (!tracking) return tracking.error();
    p.text(kMargin, 73, inner, 3, in.tracking, false, Align::center);
  }
  p.rule(kMargin, 78, inner);
  // Middle section: the data in text, and the GS1 DataMatrix.
  p.caption(kMargin, 79.5, "ORDER");
  p.text(kMargin, 82.5, 60, 4.5, in.order, true);
  p.caption(kMargin, 88.5, "GROSS WEIGHT");
  p.text(kMargin, 91.5, 60, 4, in.weight_grams > 0 ? kilograms(in.weight_grams) : "-");
  p.caption(kMargin, 97, "SSCC");
  p.text(kMargin, 100, 60, 4, in.sscc);
  std::vector<Gs1Field> matrix_fields{{"00", in.sscc}};
  if (in.weight_grams > 0) matrix_fields.push_back({"3303", padded_grams(in.weight_grams)});
  matrix_fields.push_back({"400", in.order});
  auto matrix = p.barcode_right(Symbology::gs1_data_matrix, "", std::move(matrix_fields), 80, {0.5},
                                0, 66, w - kMargin, 105, "the GS1 DataMatrix");
  if (!matrix) return matrix.error();
  p.rule(kMargin, 106, inner);
  // Bottom section: the SSCC in GS1-128 with its human-readable interpretation.
  p.caption(kMargin, 107.5, "SSCC");
  auto sscc = p.barcode_centred(Symbology::gs1_128, "", {{"00", in.sscc}}, 111, {0.495}, 32,
                                kMargin, w - kMargin, 143.5, "the SSCC's GS1-128");
  if (!sscc) return sscc.error();
  p.text(kMargin, 144.5, inner, 4, "(00) " + in.sscc, true, Align::center);
  return label;
}

Result<Label> make_return_label(const ReturnLabelInput& in) {
  if (auto e = first_error({check_identifier("return_id", in.return_id, 24),
                            check_text("from_store", in.from_store, 40),
                            check_lines("to_dc", in.to_dc, 5, 40),
                            check_text("reason", in.reason, 60, false)}))
    return *e;
  if (in.items.empty() || in.items.size() > 20)
    return invalid_input("items", "must have 1 to 20 items");
  std::string contents = in.return_id;
  for (const auto& item : in.items) {
    if (auto e = first_error({check_identifier("items.sku", item.sku, 32),
                              check_text("items.description", item.description, 40, false)}))
      return *e;
    if (item.qty < 1 || item.qty > 9999) return invalid_input("items.qty", "must be 1 to 9999");
    contents += "|" + item.sku + "*" + std::to_string(item.qty);
  }
  Label label = label_stock("return", 4, 6, "oe_4x6-label_4x6in");
  const double w = label.width_mm;
  const double inner = w - 2 * kMargin;
  PageLayout p(label.pages.front(), w, label.height_mm);
  p.text(kMargin, 3, inner, 7, "RETURN TO DC", true);
  p.caption(kMargin, 12, "FROM");
  p.text(kMargin, 15, inner, 4, in.from_store);
  p.caption(kMargin, 21, "TO");
  for (std::size_t i = 0; i < in.to_dc.size(); ++i)
    p.text(kMargin, 24 + 5.2 * static_cast<double>(i), inner, i == 0 ? 4.5 : 4.2, in.to_dc[i],
           i == 0);
  p.rule(kMargin, 51, inner);
  p.caption(kMargin, 52.5, "RETURN");
  p.text(kMargin, 55.5, inner, 8, in.return_id, true);
  auto code = p.barcode_centred(Symbology::code128, in.return_id, {}, 65, {0.375, 0.254}, 15,
                                kMargin, w - kMargin, 81, "the return's Code 128");
  if (!code) return code.error();
  if (!in.reason.empty()) {
    p.caption(kMargin, 82.5, "REASON");
    p.text(kMargin, 85.5, inner, 4, in.reason);
  }
  p.rule(kMargin, 92, inner);
  p.caption(kMargin, 93.5, "ITEMS (" + std::to_string(in.items.size()) + ")");
  constexpr std::size_t kListed = 9;
  const std::size_t listed = in.items.size() <= kListed ? in.items.size() : kListed - 1;
  for (std::size_t i = 0; i < listed; ++i) {
    const auto& item = in.items[i];
    std::string line = std::to_string(item.qty) + " x " + item.sku;
    if (!item.description.empty()) line += " " + item.description;
    p.text(kMargin, 97 + 4.3 * static_cast<double>(i), 54, 3.3, std::move(line));
  }
  if (listed < in.items.size())
    p.text(kMargin, 97 + 4.3 * static_cast<double>(listed), 54, 3.3,
           "+ " + std::to_string(in.items.size() - listed) + " more (in the Data Matrix)");
  auto matrix =
      p.barcode_right(Symbology::data_matrix, std::move(contents), {}, 96, {0.5, 0.375, 0.254}, 0,
                      58, w - kMargin, 148, "the contents' Data Matrix");
  if (!matrix) return matrix.error();
  return label;
}

Result<Label> make_bin_label(const BinLabelInput& in) {
  if (auto e = first_error(
          {check_identifier("location", in.location, 16),
           in.sku ? check_identifier("sku", *in.sku, 24) : std::nullopt,
           in.description ? check_text("description", *in.description, 60, false) : std::nullopt}))
    return *e;
  if (in.description && !in.sku) return invalid_input("description", "needs a sku");
  Label label = label_stock("bin", 4, 2, "oe_4x2-label_4x2in");
  const double w = label.width_mm;
  const double inner = w - 2 * kMargin;
  PageLayout p(label.pages.front(), w, label.height_mm);
  if (!in.sku) {
    p.text(kMargin, 3, inner, 14, in.location, true, Align::center);
    auto code = p.barcode_centred(Symbology::code128, in.location, {}, 21, {0.5, 0.375, 0.254}, 22,
                                  kMargin, w - kMargin, 46, "the location's Code 128");
    if (!code) return code.error();
    return label;
  }
  p.text(kMargin, 2, inner, 9, in.location, true, Align::center);
  auto location = p.barcode_centred(Symbology::code128, in.location, {}, 13, {0.375, 0.254}, 11,
                                    kMargin, w - kMargin, 24.5, "the location's Code 128");
  if (!location) return location.error();
  p.text(kMargin, 26, 60, 3.5, in.description.value_or(""));
  p.text(66, 26, w - kMargin - 66, 3.2, "SKU " + *in.sku, true, Align::right);
  auto sku = p.barcode_centred(Symbology::code128, *in.sku, {}, 31, {0.375, 0.254}, 12, kMargin,
                               w - kMargin, 47, "the SKU's Code 128");
  if (!sku) return sku.error();
  return label;
}

Result<Document> pass_through_label(std::string bytes, DocumentFormat oms_format,
                                    DocumentFormat printer_format, std::string media) {
  constexpr std::size_t kMaxBytes = 16u << 20;
  if (oms_format != DocumentFormat::zpl && oms_format != DocumentFormat::pdf)
    return make_error("format_unsupported", "the OMS's label must be ZPL or PDF, not " +
                                                std::string(format_name(oms_format)));
  if (oms_format != printer_format)
    return make_error("format_mismatch", "the OMS sent " + std::string(format_name(oms_format)) +
                                             "; the printer takes " +
                                             std::string(format_name(printer_format)));
  if (bytes.size() > kMaxBytes)
    return make_error("document_too_large", "the OMS's label is larger than 16 MiB");
  const bool looks_right =
      oms_format == DocumentFormat::pdf ? bytes.starts_with("%PDF-") : looks_like_zpl(bytes);
  if (!looks_right)
    return make_error("bad_document",
                      "the OMS's label is not " + std::string(format_name(oms_format)));
  return Document{oms_format, std::move(bytes), std::move(media), 1, 0};
}

}  // namespace storeedge::printer
