#include "daemon/return_documents.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "pos/policy.h"
#include "printer/label.h"
#include "printer/label_kinds.h"
#include "printer/label_render.h"
#include "printer/return_slip.h"

namespace storeedge::daemon {

namespace {

using printer::Document;
using printer::DocumentFormat;

struct ReturnRow {
  std::string order, currency, tenders, user, user_name, created_at;
  std::optional<std::string> override_by, override_name;
  std::int64_t refund = 0;
  bool offline = false;
};

struct LineRow {
  std::string sku, description, reason, disposition;
  std::int64_t qty = 0, refund = 0;
};

// Courtesy text (descriptions, names) cut to `max` characters, the last one an ellipsis, so a
// long catalog description does not keep a customer's slip from printing. Identifiers are never
// cut: they are checked whole.
std::string shortened(std::string text, std::size_t max) {
  if (printer::utf8_length(text) <= max) return text;
  std::size_t i = 0;
  for (std::size_t chars = 0; chars + 1 < max && i < text.size(); ++chars) {
    char32_t cp = 0;
    const std::size_t n = printer::utf8_sequence(text, i, cp);
    i += n == 0 ? 1 : n;
  }
  return text.substr(0, i) + "\u2026";
}

// "2026-11-23T12:00:00.000Z" → "2026-11-23 13:00 CET" in the store's timezone (store.config);
// anything unreadable as stored.
std::string printed_time(store::Connection& db, const std::string& rfc3339) {
  auto policy = pos::load_policy(db);
  auto text = pos::local_time_text(rfc3339, policy ? policy->timezone : "UTC");
  return text ? *text : rfc3339;
}

Result<std::string> return_id_of(const printer::PrintJob& job) {
  if (!job.return_id || job.return_id->empty())
    return make_error("no_data", "the " + job.kind + " job names no return");
  return *job.return_id;
}

Result<std::optional<ReturnRow>> read_return(store::Connection& db, const std::string& id) {
  std::optional<ReturnRow> out;
  auto r = store::each_row(
      db,
      "SELECT r.order_id, r.currency, r.refund, r.tenders, r.user_id, u.display_name,"
      " r.override_by, o.display_name, r.offline, r.created_at FROM returns r"
      " LEFT JOIN users u ON u.user_id = r.user_id"
      " LEFT JOIN users o ON o.user_id = r.override_by WHERE r.return_id = ?1",
      [&](store::Statement& s) { s.bind(1, id); },
      [&](const store::Statement& st) {
        ReturnRow row;
        row.order = st.column_text(0);
        row.currency = st.column_text(1);
        row.refund = st.column_int(2);
        row.tenders = st.column_text(3);
        row.user = st.column_text(4);
        row.user_name = st.column_optional(5).value_or(row.user);
        row.override_by = st.column_optional(6);
        row.override_name = st.column_optional(7);
        row.offline = st.column_int(8) != 0;
        row.created_at = st.column_text(9);
        out = std::move(row);
      });
  if (!r) return r.error();
  return out;
}

// The return's lines in line order ("2" before "10").
Result<std::vector<LineRow>> read_lines(store::Connection& db, const std::string& id) {
  std::vector<LineRow> lines;
  auto r = store::each_row(
      db,
      "SELECT sku, description, qty, refund, reason, disposition FROM return_lines"
      " WHERE return_id = ?1 ORDER BY CAST(line AS INTEGER), line",
      [&](store::Statement& s) { s.bind(1, id); },
      [&](const store::Statement& st) {
        lines.push_back({st.column_text(0), st.column_text(1), st.column_text(4), st.column_text(5),
                         st.column_int(2), st.column_int(3)});
      });
  if (!r) return r.error();
  return lines;
}

// `tenders` as stored: [{"tender","method","last4"?,"amount"}].
Result<std::vector<printer::ReturnSlipTender>> parse_tenders(const std::string& text,
                                                             const std::string& id) {
  const auto unreadable = [&] {
    return make_error("no_data", "the tenders of return " + id + " are not readable");
  };
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return unreadable();
  std::vector<printer::ReturnSlipTender> out;
  for (const auto& item : v.as_array()) {
    const auto* t = item.if_object();
    if (!t) return unreadable();
    const auto* amount = t->if_contains("amount");
    const auto* method = t->if_contains("method");
    const auto* last4 = t->if_contains("last4");
    if (!amount || !amount->is_int64() || (method && !method->is_string()) ||
        (last4 && !last4->is_string() && !last4->is_null()))
      return unreadable();
    printer::ReturnSlipTender tender;
    tender.method = method ? std::string(method->as_string()) : "refund";
    if (last4 && last4->is_string()) tender.last4 = std::string(last4->as_string());
    tender.amount = amount->as_int64();
    out.push_back(std::move(tender));
  }
  return out;
}

int to_int(std::int64_t v) {
  return static_cast<int>(std::clamp<std::int64_t>(v, -1, 1'000'000));
}

}  // namespace

Result<Rendering> return_label(store::Connection& db, const printer::PrintJob& job,
                               const PrinterConfig& p, const std::string& store_name,
                               const std::vector<std::string>& dc_address) {
  if (p.format == "escpos")
    return make_error("format_mismatch", "a return label is a 4x6 in label; printer " + p.name +
                                             " is an escpos receipt printer");
  auto id = return_id_of(job);
  if (!id) return id.error();
  if (dc_address.empty())
    return make_error("not_configured",
                      "no DC address to send return " + *id + " to: set [returns] dc_address");
  auto ret = read_return(db, *id);
  if (!ret) return ret.error();
  if (!*ret) return make_error("no_data", "return " + *id + " is not known");
  auto lines = read_lines(db, *id);
  if (!lines) return lines.error();

  printer::ReturnLabelInput in;
  in.return_id = *id;
  in.from_store = shortened(store_name, 40);
  in.to_dc = dc_address;
  std::vector<std::string> reasons;
  for (const auto& line : *lines) {
    if (line.disposition != "return_to_dc") continue;
    std::string reason = line.reason;
    std::replace(reason.begin(), reason.end(), '_', ' ');
    if (std::find(reasons.begin(), reasons.end(), reason) == reasons.end())
      reasons.push_back(reason);
    // One item per SKU: the DC receives by SKU.
    auto same = std::find_if(in.items.begin(), in.items.end(),
                             [&](const printer::ReturnItem& i) { return i.sku == line.sku; });
    if (same != in.items.end()) {
      same->qty += to_int(line.qty);
      continue;
    }
    in.items.push_back({line.sku, shortened(line.description, 40), to_int(line.qty)});
  }
  if (in.items.empty())
    return make_error("no_data", "no line of return " + *id + " goes back to the DC");
  for (const auto& r : reasons) in.reason += (in.reason.empty() ? "" : ", ") + r;
  if (printer::utf8_length(in.reason) > 60) in.reason = "several reasons";
  auto label = printer::make_return_label(in);
  if (!label) return label.error();
  const DocumentFormat format = p.format == "pdf" ? DocumentFormat::pdf : DocumentFormat::zpl;
  return Rendering(
      [label = std::move(*label), format, dpi = p.dpi, media = p.media]() -> Result<Document> {
        auto d = printer::render_document(label, format, dpi);
        if (d && !media.empty()) d->media = media;
        return d;
      });
}

Result<Rendering> return_slip(store::Connection& db, const printer::PrintJob& job,
                              const PrinterConfig& p, const std::string& store_name) {
  if (p.format != "escpos")
    return make_error("format_mismatch", "a return slip is an ESC/POS receipt; printer " + p.name +
                                             " takes " + p.format);
  auto id = return_id_of(job);
  if (!id) return id.error();
  auto ret = read_return(db, *id);
  if (!ret) return ret.error();
  if (!*ret) return make_error("no_data", "return " + *id + " is not known");
  const ReturnRow& row = **ret;
  auto lines = read_lines(db, *id);
  if (!lines) return lines.error();
  if (lines->empty()) return make_error("no_data", "return " + *id + " has no lines");
  auto tenders = parse_tenders(row.tenders, *id);
  if (!tenders) return tenders.error();

  printer::ReturnSlipInput in;
  in.store_name = shortened(store_name, 48);
  in.return_id = *id;
  in.order = row.order;
  in.time = printed_time(db, row.created_at);
  in.associate = shortened(row.user_name, 48);
  if (row.override_by) in.override_by = shortened(row.override_name.value_or(*row.override_by), 48);
  in.offline = row.offline;
  for (const auto& line : *lines)
    in.lines.push_back({shortened(line.description, 120), line.sku, to_int(line.qty), line.refund});
  in.refund = row.refund;
  in.currency = row.currency;
  in.tenders = std::move(*tenders);
  // Checked here, on the loop, so that bad data fails the job before the printer is asked.
  if (auto valid = printer::check_return_slip(in); !valid) return valid.error();
  const auto paper =
      p.paper_width_mm == 58 ? printer::escpos::Paper::mm58 : printer::escpos::Paper::mm80;
  return Rendering([in = std::move(in), paper, media = p.media]() -> Result<Document> {
    auto d = printer::render_return_slip(in, paper);
    if (d && !media.empty()) d->media = media;
    return d;
  });
}

}  // namespace storeedge::daemon
