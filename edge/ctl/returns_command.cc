#include "ctl/returns_command.h"

#include <charconv>
#include <iostream>

#include "pos/returns.h"
#include "printer/return_slip.h"

namespace storeedge::ctl {

namespace {

std::string opt(const std::optional<std::string>& s) {
  return s ? *s : "-";
}

int fail(const Error& e) {
  std::cerr << "storeedgectl: " << e.code << ": " << e.message << "\n";
  return 1;
}

void show(const pos::ReturnRecord& r, std::ostream& out) {
  out << "return     " << r.return_id << "\n"
      << "order      " << r.order << " (" << r.source << ")\n"
      << "at         " << r.created_at << " by " << r.user_id << " on " << opt(r.device_id)
      << (r.station ? " at " + *r.station : "") << "\n"
      << "offline    " << (r.offline ? "yes" : "no") << "\n"
      << "refund     " << printer::format_money(r.refund, r.currency) << "\n";
  for (const auto& t : r.tenders)
    out << "  tender   " << t.tender << " " << t.method << (t.last4.empty() ? "" : " *" + t.last4)
        << " " << printer::format_money(t.amount, r.currency) << "\n";
  for (const auto& b : r.breaches) out << "breach     " << b << "\n";
  if (r.override_by)
    out << "override   " << *r.override_by << " (" << opt(r.override_reason) << ")\n";
  if (r.review)
    out << "review     " << *r.review << " " << opt(r.reviewed_by) << " " << opt(r.reviewed_at)
        << " " << opt(r.review_note) << "\n";
  out << "LINE\tSKU\tQTY\tREFUND\tREASON\tCONDITION\tDISPOSITION\tDESCRIPTION\n";
  for (const auto& l : r.lines)
    out << l.line << "\t" << l.sku << "\t" << l.qty << "\t"
        << printer::format_money(l.refund, r.currency) << "\t" << l.reason << "\t" << l.condition
        << "\t" << l.disposition << "\t" << l.description << "\n";
}

}  // namespace

int run_returns(const std::vector<std::string>& words,
                const std::map<std::string, std::string>& flags, store::Connection& db,
                std::ostream& out) {
  const std::string what = words.empty() ? "list" : words.front();
  if (what == "show") {
    auto it = flags.find("id");
    if (it == flags.end()) {
      std::cerr << "storeedgectl: returns show needs --id R-…\n";
      return 2;
    }
    auto r = pos::load_return(db, it->second);
    if (!r) return fail(r.error());
    if (!*r) return fail(make_error("not_found", "return " + it->second + " is not known"));
    show(**r, out);
    return 0;
  }
  if (what != "list") {
    std::cerr << "storeedgectl: returns list | returns show --id R-…\n";
    return 2;
  }
  pos::ReturnFilter filter;
  if (auto it = flags.find("review"); it != flags.end()) {
    if (it->second != "pending" && it->second != "approved" && it->second != "flagged") {
      std::cerr << "storeedgectl: --review must be pending, approved or flagged\n";
      return 2;
    }
    filter.review = it->second;
  }
  if (auto it = flags.find("order"); it != flags.end()) filter.order = it->second;
  std::int64_t limit = 50;
  if (auto it = flags.find("limit"); it != flags.end()) {
    auto [end, ec] =
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), limit);
    if (ec != std::errc{} || end != it->second.data() + it->second.size() || limit < 1 ||
        limit > 100'000) {
      std::cerr << "storeedgectl: --limit must be 1-100000\n";
      return 2;
    }
  }
  auto rows = pos::list_returns(db, filter, limit, 0);
  if (!rows) return fail(rows.error());
  out << "RETURN\tORDER\tAT\tBY\tREFUND\tOFFLINE\tREVIEW\tOVERRIDE\n";
  for (const auto& r : *rows)
    out << r.return_id << "\t" << r.order << "\t" << r.created_at << "\t" << r.user_id << "\t"
        << printer::format_money(r.refund, r.currency) << "\t" << (r.offline ? "yes" : "no") << "\t"
        << opt(r.review) << "\t" << opt(r.override_by) << "\n";
  return 0;
}

}  // namespace storeedge::ctl
