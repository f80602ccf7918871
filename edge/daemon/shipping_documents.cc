#include "daemon/shipping_documents.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "printer/label.h"
#include "printer/label_kinds.h"
#include "printer/label_render.h"

namespace storeedge::daemon {

namespace json = boost::json;
using printer::Document;
using printer::DocumentFormat;

namespace {

std::string field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// `text` broken at spaces into lines of at most `width` characters, counted as code points. A
// word longer than that stays whole, and the label refuses it: an address is never cut.
void wrap_into(const std::string& text, std::size_t width, std::vector<std::string>& out) {
  std::string line;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t space = text.find(' ', pos);
    std::string word =
        text.substr(pos, space == std::string::npos ? std::string::npos : space - pos);
    pos = space == std::string::npos ? text.size() : space + 1;
    if (word.empty()) continue;
    const std::size_t have = printer::utf8_length(line), more = printer::utf8_length(word);
    if (!line.empty() && have + 1 + more <= width) {
      line += " " + word;
      continue;
    }
    if (!line.empty()) out.push_back(std::move(line));
    line = std::move(word);
  }
  if (!line.empty()) out.push_back(std::move(line));
}

DocumentFormat format_of(const PrinterConfig& p) {
  return p.format == "pdf" ? DocumentFormat::pdf : DocumentFormat::zpl;
}

Rendering rendering(printer::Label label, DocumentFormat format, int dpi, std::string media) {
  return [label = std::move(label), format, dpi, media = std::move(media)]() -> Result<Document> {
    auto d = printer::render_document(label, format, dpi);
    if (d && !media.empty()) d->media = media;
    return d;
  };
}

}  // namespace

std::vector<std::string> address_lines(const std::string& ship_to_json, std::size_t width) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(ship_to_json, ec);
  if (ec || !v.is_object()) return out;
  const json::object& o = v.get_object();
  const std::string city =
      field(o, "postcode") + (field(o, "postcode").empty() ? "" : " ") + field(o, "city");
  for (const std::string& part :
       {field(o, "name"), field(o, "company"), field(o, "line1"), field(o, "line2"),
        field(o, "line3"), city, field(o, "region"), field(o, "country")})
    wrap_into(part, width, out);
  return out;
}

Result<Rendering> own_shipping_label(store::Connection& db, const printer::PrintJob& job,
                                     const PrinterConfig& p, const ShippingConfig& shipping) {
  bool found = false;
  std::optional<std::string> sscc, ship_to, carrier, typed_carrier, typed_tracking;
  printer::ShippingLabelInput in;
  auto r = store::each_row(
      db,
      "SELECT a.order_id, a.ship_to, a.carrier, a.service, p.sscc, p.weight_g, p.typed_carrier,"
      " p.typed_tracking FROM packages p JOIN allocations a ON a.allocation_id = p.allocation_id"
      " WHERE p.allocation_id = ?1 AND p.package = ?2",
      [&](store::Statement& s) {
        s.bind(1, job.allocation_id.value_or("")).bind(2, job.package.value_or(""));
      },
      [&](const store::Statement& st) {
        found = true;
        in.order = st.column_text(0);
        ship_to = st.column_optional(1);
        carrier = st.column_optional(2);
        in.service = st.column_optional(3).value_or("");
        sscc = st.column_optional(4);
        in.weight_grams = st.column_is_null(5) ? 0 : static_cast<int>(st.column_int(5));
        typed_carrier = st.column_optional(6);
        typed_tracking = st.column_optional(7);
      });
  if (!r) return r.error();
  const std::string what =
      job.allocation_id.value_or("?") + " package " + job.package.value_or("?");
  if (!found) return make_error("no_data", "no package " + what);
  if (!sscc) {
    if (shipping.gs1_company_prefix.empty())
      return make_error("not_configured",
                        "no label from the OMS for " + what +
                            ", and no GS1 company prefix is configured ([shipping] "
                            "gs1_company_prefix) for the store's own label");
    return make_error("no_data", "package " + what +
                                     " has no SSCC: ask for its shipping label again (POST "
                                     "/api/v1/print-jobs)");
  }
  if (shipping.ship_from.empty())
    return make_error("not_configured",
                      "no ship-from address is configured ([shipping] ship_from) for the store's "
                      "own shipping label");
  in.sscc = *sscc;
  in.ship_from = shipping.ship_from;
  in.ship_to = address_lines(ship_to.value_or(""), 40);
  if (in.ship_to.empty()) return make_error("no_data", "allocation " + what + " has no ship-to");
  in.carrier = typed_carrier.value_or(carrier.value_or(""));
  if (in.carrier.empty()) return make_error("no_data", "no carrier for " + what);
  in.tracking = typed_tracking.value_or("");
  if (in.weight_grams > 999'999 || in.weight_grams < 0) in.weight_grams = 0;
  auto label = printer::make_shipping_label(in);
  if (!label) return label.error();
  return rendering(std::move(*label), format_of(p), p.dpi, p.media);
}

Result<Rendering> packing_slip(store::Connection& db, const printer::PrintJob& job,
                               const PrinterConfig& p) {
  if (p.format != "pdf")
    return make_error("format_mismatch", "a packing slip is an A4 or Letter PDF; printer " +
                                             p.name + " takes " + p.format);
  const std::string id = job.allocation_id.value_or("");
  printer::PackingSlipInput in;
  bool found = false;
  std::optional<std::string> ship_to, customer;
  auto r = store::each_row(
      db, "SELECT order_id, ship_to, customer_name FROM allocations WHERE allocation_id = ?1",
      [&](store::Statement& s) { s.bind(1, id); },
      [&](const store::Statement& st) {
        found = true;
        in.order = st.column_text(0);
        ship_to = st.column_optional(1);
        customer = st.column_optional(2);
      });
  if (!r) return r.error();
  if (!found) return make_error("no_data", "allocation " + id + " is not known");
  in.ship_to = address_lines(ship_to.value_or(""), 60);
  if (in.ship_to.empty() && customer && !customer->empty()) in.ship_to = {*customer};
  if (in.ship_to.empty()) in.ship_to = {"Order " + in.order};
  if (in.ship_to.size() > 6) in.ship_to.resize(6);
  r = store::each_row(
      db,
      "SELECT sku, substitute_sku, description, picked_qty FROM allocation_lines"
      " WHERE allocation_id = ?1 AND picked_qty > 0 ORDER BY length(line), line",
      [&](store::Statement& s) { s.bind(1, id); },
      [&](const store::Statement& st) {
        printer::PackingSlipLine line;
        const auto substitute = st.column_optional(1);
        line.sku = substitute.value_or(st.column_text(0));
        line.description = st.column_text(2);
        if (substitute) line.description = "substitute for " + st.column_text(0);
        if (printer::utf8_length(line.description) > 80) line.description.clear();
        line.qty = static_cast<int>(std::min<std::int64_t>(st.column_int(3), 9999));
        in.lines.push_back(std::move(line));
      });
  if (!r) return r.error();
  if (in.lines.empty())
    return make_error("no_data", "nothing of allocation " + id + " is picked yet");
  in.page = p.media.starts_with("na_letter") || p.media.starts_with("na_legal")
                ? printer::PageSize::letter
                : printer::PageSize::a4;
  auto label = printer::make_packing_slip(in);
  if (!label) return label.error();
  // Office printers are 300 or 600 dpi: the PDF's barcode is drawn on a 300-dpi grid.
  return rendering(std::move(*label), DocumentFormat::pdf, 300, p.media);
}

Result<Rendering> bin_label(store::Connection& db, const printer::PrintJob& job,
                            const PrinterConfig& p) {
  if (!job.location || job.location->empty())
    return make_error("no_data", "the bin_label job names no location");
  bool known = false;
  auto r = store::each_row(
      db,
      "SELECT 1 WHERE EXISTS (SELECT 1 FROM inventory WHERE location = ?1)"
      " OR EXISTS (SELECT 1 FROM catalog_items WHERE location = ?1)",
      [&](store::Statement& s) { s.bind(1, *job.location); },
      [&](const store::Statement&) { known = true; });
  if (!r) return r.error();
  if (!known) return make_error("no_data", "location " + *job.location + " is not known");
  printer::BinLabelInput in;
  in.location = *job.location;
  if (job.sku) {
    bool sku_known = false;
    r = store::each_row(
        db,
        "SELECT (SELECT description FROM catalog_items WHERE sku = ?1),"
        " EXISTS (SELECT 1 FROM catalog_items WHERE sku = ?1)"
        " OR EXISTS (SELECT 1 FROM inventory WHERE sku = ?1)",
        [&](store::Statement& s) { s.bind(1, *job.sku); },
        [&](const store::Statement& st) {
          sku_known = st.column_int(1) != 0;
          in.description = st.column_optional(0);
        });
    if (!r) return r.error();
    if (!sku_known) return make_error("no_data", "SKU " + *job.sku + " is not known");
    in.sku = *job.sku;
    // A catalog description longer than the label's 60 characters is left off, not refused.
    if (in.description && (in.description->empty() || printer::utf8_length(*in.description) > 60))
      in.description.reset();
  }
  auto label = printer::make_bin_label(in);
  if (!label) return label.error();
  return rendering(std::move(*label), format_of(p), p.dpi, p.media);
}

}  // namespace storeedge::daemon
