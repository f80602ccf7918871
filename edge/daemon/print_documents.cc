#include "daemon/print_documents.h"

#include <openssl/evp.h>

#include "daemon/return_documents.h"
#include "daemon/shipping_documents.h"
#include "printer/label_kinds.h"
#include "printer/label_render.h"

namespace storeedge::daemon {

namespace {

using printer::Document;
using printer::DocumentFormat;

Result<std::string> from_base64(const std::string& text) {
  if (text.size() % 4 != 0) return make_error("no_data", "the OMS's label is not base64");
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return make_error("no_data", "the OMS's label is not base64");
  std::size_t len = static_cast<std::size_t>(n);
  for (auto it = text.rbegin(); it != text.rend() && *it == '=' && len > 0; ++it) --len;
  out.resize(len);
  return out;
}

DocumentFormat format_of(const PrinterConfig& p) {
  return p.format == "pdf" ? DocumentFormat::pdf : DocumentFormat::zpl;
}

Result<Rendering> bag_label(store::Connection& db, const printer::PrintJob& job,
                            const PrinterConfig& p, const std::string& store_name) {
  printer::BagLabelInput in;
  bool found = false;
  auto r = store::each_row(
      db,
      "SELECT order_id, COALESCE(customer_name, ''), COALESCE(staging_location, '')"
      " FROM allocations WHERE allocation_id = ?1",
      [&](store::Statement& s) { s.bind(1, job.allocation_id.value_or("")); },
      [&](const store::Statement& st) {
        found = true;
        in.order = st.column_text(0);
        in.customer_name = st.column_text(1);
        in.staging_location = st.column_text(2);
      });
  if (!r) return r.error();
  if (!found)
    return make_error("no_data", "allocation " + job.allocation_id.value_or("?") + " is not known");
  in.allocation = *job.allocation_id;
  in.store = store_name;
  // One bag per staged allocation: the floor does not count bags (yet).
  in.bag = 1;
  in.bags = 1;
  auto label = printer::make_bag_label(in);
  if (!label) return label.error();
  return Rendering([label = std::move(*label), format = format_of(p), dpi = p.dpi,
                    media = p.media]() -> Result<Document> {
    auto d = printer::render_document(label, format, dpi);
    if (d && !media.empty()) d->media = media;
    return d;
  });
}

// The OMS's label when one arrived (its carrier knows it), the store's own GS1 label otherwise.
Result<Rendering> shipping_label(store::Connection& db, const printer::PrintJob& job,
                                 const PrinterConfig& p, const ShippingConfig& shipping) {
  std::optional<std::string> format, data;
  bool found = false;
  auto r = store::each_row(
      db, "SELECT format, data FROM labels WHERE allocation_id = ?1 AND package = ?2",
      [&](store::Statement& s) {
        s.bind(1, job.allocation_id.value_or("")).bind(2, job.package.value_or(""));
      },
      [&](const store::Statement& st) {
        found = true;
        format = st.column_optional(0);
        data = st.column_optional(1);
      });
  if (!r) return r.error();
  if (!found || !format || !data) return own_shipping_label(db, job, p, shipping);
  auto bytes = from_base64(*data);
  if (!bytes) return bytes.error();
  const DocumentFormat oms = *format == "pdf" ? DocumentFormat::pdf : DocumentFormat::zpl;
  auto doc = printer::pass_through_label(std::move(*bytes), oms, format_of(p), p.media);
  if (!doc) return doc.error();
  return Rendering([doc = std::move(*doc)]() -> Result<Document> { return doc; });
}

}  // namespace

printer::Renderer make_job_renderer(std::string store_name, std::vector<std::string> dc_address,
                                    ShippingConfig shipping) {
  return [store_name, dc_address, shipping](store::Connection& db, const printer::PrintJob& job,
                                            const PrinterConfig& p) -> Result<Rendering> {
    if (p.format == "escpos" && job.kind != "return_slip")
      return make_error(
          "format_mismatch",
          "printer " + p.name + " is an escpos receipt printer; it prints no " + job.kind);
    if (job.kind == "bag_label") return bag_label(db, job, p, store_name);
    if (job.kind == "shipping_label") return shipping_label(db, job, p, shipping);
    if (job.kind == "packing_slip") return packing_slip(db, job, p);
    if (job.kind == "bin_label") return bin_label(db, job, p);
    if (job.kind == "return_label") return return_label(db, job, p, store_name, dc_address);
    if (job.kind == "return_slip") return return_slip(db, job, p, store_name);
    return make_error("no_data", "the store makes no " + job.kind + " jobs from its rows yet");
  };
}

}  // namespace storeedge::daemon
