#include "pos/returns.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <set>

#include "fulfil/inventory.h"
#include "fulfil/item_match.h"
#include "fulfil/work.h"
#include "pos/eligibility.h"
#include "pos/policy.h"
#include "printer/print_jobs.h"
#include "printer/return_slip.h"
#include "sync/outbox.h"

namespace storeedge::pos {

namespace json = boost::json;
using fulfil::domain_error;

namespace {

constexpr std::string_view kReasons[] = {
    "changed_mind",     "wrong_size", "defective",    "damaged",
    "not_as_described", "wrong_item", "arrived_late", "other"};
constexpr std::string_view kConditions[] = {"new", "opened", "used", "damaged", "defective"};
constexpr std::string_view kDispositions[] = {"restock", "damaged", "return_to_dc"};

template <std::size_t N>
bool one_of(const std::string_view (&set)[N], std::string_view s) {
  for (auto v : set)
    if (v == s) return true;
  return false;
}

// The next return number of this database: R-{store}-0001, R-{store}-0002, …
Result<std::string> next_return_id(Connection& db, const std::string& store) {
  std::int64_t n = 1;
  auto r = store::each_row(
      db, "SELECT CAST(value AS INTEGER) + 1 FROM store_meta WHERE key = 'return_number'", {},
      [&](const store::Statement& s) { n = s.column_int(0); });
  if (!r) return r.error();
  r = store::run(db,
                 "INSERT INTO store_meta (key, value) VALUES ('return_number', ?1)"
                 " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                 [&](store::Statement& s) { s.bind(1, std::to_string(n)); });
  if (!r) return r.error();
  char digits[24];
  std::snprintf(digits, sizeof digits, "%04lld", static_cast<long long>(n));
  return "R-" + store + "-" + digits;
}

Result<std::int64_t> unit_price_of(Connection& db, const std::string& sku, std::string& currency,
                                   std::string& description, bool& returnable) {
  std::optional<std::int64_t> price;
  auto r = store::each_row(
      db, "SELECT unit_price, currency, description, returnable FROM catalog_items WHERE sku = ?1",
      [&](store::Statement& s) { s.bind(1, sku); },
      [&](const store::Statement& s) {
        price = s.column_int(0);
        currency = s.column_text(1);
        description = s.column_text(2);
        returnable = s.column_int(3) != 0;
      });
  if (!r) return r.error();
  if (!price) return domain_error("unknown_item", sku + " is not in the store's catalogue");
  return *price;
}

// The request's lines checked against the order: what each returns and refunds, and the
// policy breaches among them.
struct Assessed {
  std::vector<ReturnedLine> lines;
  std::vector<std::string> breaches;
  std::int64_t refund = 0;
  std::int64_t refunded_before = 0;
  std::string currency, source;
  std::vector<Tender> tenders;
};

Result<void> check_line_request(const ReturnLineRequest& l) {
  if (l.qty < 1 || l.qty > 9999) return domain_error("invalid_request", "qty: 1 to 9999");
  if (!is_return_reason(l.reason))
    return domain_error("invalid_request", "reason: unknown code " + l.reason);
  if (!is_condition(l.condition))
    return domain_error("invalid_request", "condition: unknown code " + l.condition);
  if (!is_disposition(l.disposition))
    return domain_error("invalid_request", "disposition: unknown code " + l.disposition);
  // Only goods as good as new go back on the shelf.
  if (l.disposition == "restock" && l.condition != "new" && l.condition != "opened")
    return domain_error("disposition_mismatch", "a " + l.condition +
                                                    " item cannot be restocked; choose damaged or "
                                                    "return_to_dc");
  return {};
}

Result<Assessed> assess_known(Connection& db, const OrderDocument& doc, const ReturnRequest& req,
                              std::string_view today) {
  auto eligibility = assess_order(db, doc, today);
  if (!eligibility) return eligibility.error();
  Assessed a;
  a.currency = doc.currency;
  a.source = std::string(source_name(doc.source));
  a.tenders = doc.tenders;
  a.refunded_before = eligibility->refunded;
  std::set<std::string> seen;
  for (const ReturnLineRequest& l : req.lines) {
    if (auto r = check_line_request(l); !r) return r.error();
    const OrderLine* line = doc.find_line(l.line);
    const LineEligibility* e = eligibility->find(l.line);
    if (!line || !e)
      return domain_error("unknown_line", "order " + doc.order + " has no line " + l.line);
    if (!seen.insert(l.line).second)
      return domain_error("invalid_request", "line " + l.line + " is given twice");
    if (l.code) {
      auto code = fulfil::parse_item_code(*l.code);
      if (!code) return code.error();
      if (!fulfil::code_names(*code, line->sku, line->gtins))
        return domain_error(
            "wrong_item", *l.code + " is not the item of line " + l.line + " (" + line->sku + ")");
    }
    if (l.qty > e->left)
      return domain_error("quantity_exceeded", "line " + l.line + ": " + std::to_string(e->left) +
                                                   " unit(s) left to return (" +
                                                   std::to_string(line->qty) + " bought, " +
                                                   std::to_string(e->returned) + " returned)");
    for (const std::string& b : e->breaches) a.breaches.push_back("line " + l.line + ": " + b);
    ReturnedLine out{l.line,    line->sku,       line->description,
                     l.qty,     line->unit_paid, line->unit_paid * l.qty,
                     l.reason,  l.condition,     l.disposition,
                     l.location};
    a.refund += out.refund;
    a.lines.push_back(std::move(out));
  }
  return a;
}

// An order neither the store nor the OMS knows (only with a manager's override): each line
// names its item, refunded at the catalogue's price; the OMS, which knows the payments if
// anyone does, refunds to tenders of its choosing.
Result<Assessed> assess_unknown(Connection& db, const ReturnRequest& req) {
  Assessed a;
  a.source = "not_found";
  a.breaches.emplace_back(kOrderNotFound);
  std::set<std::string> seen;
  int n = 0;
  for (const ReturnLineRequest& l : req.lines) {
    if (auto r = check_line_request(l); !r) return r.error();
    if (!l.code)
      return domain_error("invalid_request",
                          "lines[].code: the item (SKU or GTIN) is needed when the order is "
                          "not found");
    auto sku = fulfil::known_sku(db, *l.code);
    if (!sku) return sku.error();
    if (!seen.insert(*sku).second) return domain_error("invalid_request", *sku + " is given twice");
    std::string currency, description;
    bool returnable = true;
    auto price = unit_price_of(db, *sku, currency, description, returnable);
    if (!price) return price.error();
    if (!a.currency.empty() && currency != a.currency)
      return domain_error("invalid_request", "the items are priced in different currencies");
    a.currency = currency;
    const std::string line = l.line.empty() ? "u" + std::to_string(++n) : l.line;
    if (!returnable) a.breaches.push_back("line " + line + ": " + std::string(kNotReturnable));
    ReturnedLine out{line,           *sku,     description, l.qty,         *price,
                     *price * l.qty, l.reason, l.condition, l.disposition, l.location};
    a.refund += out.refund;
    a.lines.push_back(std::move(out));
  }
  return a;
}

std::string breaches_text(const std::vector<std::string>& breaches) {
  std::string s;
  for (const auto& b : breaches) s += (s.empty() ? "" : "; ") + b;
  return s;
}

Result<void> check_offline_limit(const ReturnPolicy& policy, const Assessed& a) {
  if (!policy.offline_limit)
    return domain_error("offline_limit_exceeded",
                        "the OMS has set no offline return limit for this store, so no return "
                        "is taken while it is unreachable");
  const Money& limit = *policy.offline_limit;
  if (limit.currency != a.currency)
    return domain_error("offline_limit_exceeded",
                        "the offline return limit is in " + limit.currency + ", this order in " +
                            a.currency + "; take the return when the OMS is reachable");
  if (a.refund > limit.amount)
    return domain_error("offline_limit_exceeded",
                        "a refund of " + printer::format_money(a.refund, a.currency) +
                            " is over the offline limit of " +
                            printer::format_money(limit.amount, limit.currency) +
                            "; take the return when the OMS is reachable");
  return {};
}

json::object received_body(const std::string& id, const ReturnRequest& req, const Assessed& a,
                           const std::vector<TenderShare>& shares, const ReturnContext& ctx) {
  json::array lines;
  for (const ReturnedLine& l : a.lines)
    lines.push_back({{"line", l.line},
                     {"sku", l.sku},
                     {"qty", l.qty},
                     {"reason", l.reason},
                     {"condition", l.condition},
                     {"disposition", l.disposition},
                     {"refund", l.refund}});
  json::array tenders;
  for (const TenderShare& t : shares)
    tenders.push_back({{"tender", t.tender}, {"amount", t.amount}});
  json::object body{
      {"return", id},
      {"order", req.order},
      {"lines", std::move(lines)},
      {"refund", {{"amount", a.refund}, {"currency", a.currency}, {"tenders", std::move(tenders)}}},
      {"by", ctx.user_id},
      {"offline", !ctx.online}};
  // Only a return that needed the override names it, as its record does: a manager's
  // credentials on a request without a breach authorised nothing.
  if (ctx.override_by && !a.breaches.empty()) body["override_by"] = *ctx.override_by;
  return body;
}

Result<void> dispose(Connection& db, const ReturnedLine& l, const std::string& return_id,
                     std::string_view at) {
  if (l.disposition == "return_to_dc") return {};
  std::string location;
  if (l.location) {
    location = *l.location;
  } else {
    auto home = fulfil::home_location(db, l.sku);
    if (!home) return home.error();
    location = *home;
  }
  if (l.disposition == "damaged") return fulfil::receive_damaged(db, l.sku, location, l.qty, at);
  return fulfil::adjust_stock(db, {l.sku, location, l.qty, "return_restock", return_id}, at);
}

std::vector<std::string> string_array(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& s : v.get_array())
    if (s.is_string()) out.emplace_back(s.get_string());
  return out;
}

std::vector<TenderShare> tender_array(const std::string& text) {
  std::vector<TenderShare> out;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& t : v.get_array()) {
    if (!t.is_object()) continue;
    const auto& o = t.get_object();
    auto str = [&](const char* k) {
      const auto* x = o.if_contains(k);
      return x && x->is_string() ? std::string(x->get_string()) : std::string();
    };
    const auto* amount = o.if_contains("amount");
    out.push_back({str("tender"), str("method"), str("last4"),
                   amount && amount->is_int64() ? amount->get_int64() : 0});
  }
  return out;
}

constexpr std::string_view kReturnColumns =
    "return_id, order_id, source, currency, created_at, user_id, refund, tenders, breaches,"
    " override_by, override_reason, device_id, station, offline, up_seq, review, reviewed_by,"
    " reviewed_at, review_note FROM returns";

ReturnRecord read_return(const store::Statement& s) {
  ReturnRecord r;
  r.return_id = s.column_text(0);
  r.order = s.column_text(1);
  r.source = s.column_text(2);
  r.currency = s.column_text(3);
  r.created_at = s.column_text(4);
  r.user_id = s.column_text(5);
  r.refund = s.column_int(6);
  r.tenders = tender_array(s.column_text(7));
  r.breaches = string_array(s.column_text(8));
  r.override_by = s.column_optional(9);
  r.override_reason = s.column_optional(10);
  r.device_id = s.column_optional(11);
  r.station = s.column_optional(12);
  r.offline = s.column_int(13) != 0;
  r.up_seq = s.column_int(14);
  r.review = s.column_optional(15);
  r.reviewed_by = s.column_optional(16);
  r.reviewed_at = s.column_optional(17);
  r.review_note = s.column_optional(18);
  return r;
}

Result<void> insert_return(Connection& db, const ReturnRecord& rec) {
  json::array tenders, breaches;
  for (const TenderShare& t : rec.tenders) {
    json::object o{{"tender", t.tender}, {"method", t.method}, {"amount", t.amount}};
    if (!t.last4.empty()) o["last4"] = t.last4;
    tenders.push_back(std::move(o));
  }
  for (const std::string& b : rec.breaches) breaches.emplace_back(b);
  auto r = store::run(
      db,
      "INSERT INTO returns (return_id, order_id, source, currency, refund, tenders, breaches,"
      " user_id, override_by, override_reason, offline, device_id, station, up_seq, created_at,"
      " review) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
      [&](store::Statement& s) {
        s.bind(1, rec.return_id).bind(2, rec.order).bind(3, rec.source).bind(4, rec.currency);
        s.bind(5, rec.refund).bind(6, json::serialize(tenders)).bind(7, json::serialize(breaches));
        s.bind(8, rec.user_id).bind_optional(9, rec.override_by);
        s.bind_optional(10, rec.override_reason).bind(11, std::int64_t{rec.offline ? 1 : 0});
        s.bind_optional(12, rec.device_id).bind_optional(13, rec.station).bind(14, rec.up_seq);
        s.bind(15, rec.created_at).bind_optional(16, rec.review);
      });
  if (!r) return r;
  for (const ReturnedLine& l : rec.lines) {
    r = store::run(db,
                   "INSERT INTO return_lines (return_id, line, order_id, sku, description, qty,"
                   " unit_refund, refund, reason, condition, disposition, location)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                   [&](store::Statement& s) {
                     s.bind(1, rec.return_id).bind(2, l.line).bind(3, rec.order).bind(4, l.sku);
                     s.bind(5, l.description).bind(6, l.qty).bind(7, l.unit_refund);
                     s.bind(8, l.refund).bind(9, l.reason).bind(10, l.condition);
                     s.bind(11, l.disposition).bind_optional(12, l.location);
                   });
    if (!r) return r;
  }
  return {};
}

}  // namespace

bool is_return_reason(std::string_view s) {
  return one_of(kReasons, s);
}
bool is_condition(std::string_view s) {
  return one_of(kConditions, s);
}
bool is_disposition(std::string_view s) {
  return one_of(kDispositions, s);
}

Result<ReturnRecord> record_return(Connection& db, const ReturnRequest& req,
                                   const ReturnContext& ctx, std::string_view at) {
  if (req.lines.empty() || req.lines.size() > 100)
    return domain_error("invalid_request", "lines: 1 to 100");
  auto policy = load_policy(db);
  if (!policy) return policy.error();
  auto today = local_date(at, policy->timezone);
  if (!today) return today.error();
  auto doc = load_order(db, req.order);
  if (!doc) return doc.error();
  if (!*doc && !ctx.override_by)
    return domain_error("order_not_found",
                        "order " + req.order + " is not known here" +
                            (ctx.online ? " or at the OMS" : "") +
                            "; a manager can override to take the return by item");
  auto assessed = *doc ? assess_known(db, **doc, req, *today) : assess_unknown(db, req);
  if (!assessed) return assessed.error();
  if (!assessed->breaches.empty() && !ctx.override_by)
    return domain_error("override_required",
                        "a manager override is needed: " + breaches_text(assessed->breaches));
  if (!ctx.online)
    if (auto r = check_offline_limit(*policy, *assessed); !r) return r.error();

  ReturnRecord rec;
  auto id = next_return_id(db, ctx.store);
  if (!id) return id.error();
  rec.return_id = *id;
  rec.order = req.order;
  rec.source = assessed->source;
  rec.currency = assessed->currency;
  rec.created_at = std::string(at);
  rec.user_id = ctx.user_id;
  rec.refund = assessed->refund;
  rec.tenders = split_refund(assessed->tenders, assessed->refunded_before, assessed->refund);
  rec.breaches = assessed->breaches;
  if (!rec.breaches.empty()) {
    rec.override_by = ctx.override_by;
    rec.override_reason = req.override_reason;
  }
  rec.device_id = ctx.device_id;
  rec.station = ctx.station;
  rec.offline = !ctx.online;
  if (rec.offline) rec.review = "pending";
  rec.lines = assessed->lines;

  auto seq = sync::enqueue(db, "return.received",
                           received_body(rec.return_id, req, *assessed, rec.tenders, ctx), at);
  if (!seq) return seq.error();
  rec.up_seq = *seq;
  if (auto r = insert_return(db, rec); !r) return r.error();
  bool to_dc = false;
  for (const ReturnedLine& l : rec.lines) {
    if (auto r = dispose(db, l, rec.return_id, at); !r) return r.error();
    to_dc = to_dc || l.disposition == "return_to_dc";
  }
  for (const char* kind : {"return_label", "return_slip"}) {
    if (std::string_view(kind) == "return_label" ? !to_dc : !req.slip) continue;
    printer::NewPrintJob print;
    print.kind = kind;
    print.return_id = rec.return_id;
    print.station = ctx.station;
    auto job = printer::add_print_job(db, print, at);
    if (!job) return job.error();
    rec.print_jobs.push_back(*job);
  }
  return rec;
}

namespace {

// A return's lines and print jobs.
Result<void> load_details(Connection& db, ReturnRecord& rec) {
  // return_lines is WITHOUT ROWID (there is no rowid to order by: "no such column", a 500 on
  // every read of a return); the order's lines come in their natural order, "2" before "10".
  auto r = store::each_row(
      db,
      "SELECT line, sku, description, qty, unit_refund, refund, reason, condition, disposition,"
      " location FROM return_lines WHERE return_id = ?1 ORDER BY length(line), line",
      [&](store::Statement& s) { s.bind(1, rec.return_id); },
      [&](const store::Statement& s) {
        rec.lines.push_back({s.column_text(0), s.column_text(1), s.column_text(2), s.column_int(3),
                             s.column_int(4), s.column_int(5), s.column_text(6), s.column_text(7),
                             s.column_text(8), s.column_optional(9)});
      });
  if (!r) return r;
  return store::each_row(
      db, "SELECT job_id FROM print_jobs WHERE return_id = ?1 ORDER BY job_id",
      [&](store::Statement& s) { s.bind(1, rec.return_id); },
      [&](const store::Statement& s) { rec.print_jobs.push_back(s.column_int(0)); });
}

}  // namespace

Result<std::optional<ReturnRecord>> load_return(Connection& db, const std::string& return_id) {
  std::optional<ReturnRecord> rec;
  auto r = store::each_row(
      db, "SELECT " + std::string(kReturnColumns) + " WHERE return_id = ?1",
      [&](store::Statement& s) { s.bind(1, return_id); },
      [&](const store::Statement& s) { rec = read_return(s); });
  if (!r) return r.error();
  if (!rec) return rec;
  if (auto d = load_details(db, *rec); !d) return d.error();
  return rec;
}

Result<std::vector<ReturnRecord>> list_returns(Connection& db, const ReturnFilter& f,
                                               std::int64_t limit, std::int64_t offset) {
  // Only the given filters become terms, so that SQLite can use returns_to_review or
  // returns_by_order ("?1 IS NULL OR review = ?1" would hide both behind a scan by time).
  std::string where = "1";
  if (f.review) where += " AND review = ?1";
  if (f.order) where += " AND order_id = ?2";
  if (f.offline) where += " AND offline = ?3";
  std::vector<ReturnRecord> out;
  auto r = store::each_row(
      db,
      "SELECT " + std::string(kReturnColumns) + " WHERE " + where +
          " ORDER BY created_at DESC, return_id DESC LIMIT ?4 OFFSET ?5",
      [&](store::Statement& s) {
        if (f.review) s.bind(1, *f.review);
        if (f.order) s.bind(2, *f.order);
        if (f.offline) s.bind(3, std::int64_t{*f.offline ? 1 : 0});
        s.bind(4, limit).bind(5, offset);
      },
      [&](const store::Statement& s) { out.push_back(read_return(s)); });
  if (!r) return r.error();
  for (ReturnRecord& rec : out)
    if (auto d = load_details(db, rec); !d) return d.error();
  return out;
}

Result<ReturnRecord> review_return(Connection& db, const std::string& return_id,
                                   std::string_view decision,
                                   const std::optional<std::string>& note, const std::string& by,
                                   std::string_view at) {
  if (decision != "approve" && decision != "flag")
    return domain_error("invalid_request", "decision: approve or flag");
  if (decision == "flag" && (!note || note->empty()))
    return domain_error("invalid_request", "note: say why the return is flagged");
  auto rec = load_return(db, return_id);
  if (!rec) return rec.error();
  if (!*rec) return domain_error("not_found", "return " + return_id + " is not known");
  if (!(*rec)->offline)
    return domain_error("not_offline", "return " + return_id +
                                           " was taken online; only "
                                           "offline returns are reviewed");
  if ((*rec)->review != "pending")
    return domain_error("already_reviewed", "return " + return_id + " was already " +
                                                (*rec)->review.value_or("?") + " by " +
                                                (*rec)->reviewed_by.value_or("?"));
  const std::string state = decision == "approve" ? "approved" : "flagged";
  auto r = store::run(db,
                      "UPDATE returns SET review = ?2, reviewed_by = ?3, reviewed_at = ?4,"
                      " review_note = ?5 WHERE return_id = ?1",
                      [&](store::Statement& s) {
                        s.bind(1, return_id).bind(2, state).bind(3, by).bind(4, at);
                        s.bind_optional(5, note);
                      });
  if (!r) return r.error();
  (*rec)->review = state;
  (*rec)->reviewed_by = by;
  (*rec)->reviewed_at = std::string(at);
  (*rec)->review_note = note;
  return std::move(**rec);
}

}  // namespace storeedge::pos
