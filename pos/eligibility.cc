#include "pos/eligibility.h"

#include <map>

namespace storeedge::pos {

const LineEligibility* OrderEligibility::find(std::string_view line) const {
  for (const LineEligibility& l : lines)
    if (l.line == line) return &l;
  return nullptr;
}

Result<OrderEligibility> assess_order(Connection& db, const OrderDocument& doc,
                                      std::string_view today) {
  // This store's returns of the order that the document does not count yet: those whose
  // return.received the OMS had not acknowledged when the document arrived (all of them for a
  // document derived here, whose up_acked is 0).
  std::map<std::string, std::int64_t> here;
  auto r = store::each_row(
      db,
      "SELECT l.line, sum(l.qty) FROM return_lines l JOIN returns r ON r.return_id = l.return_id"
      " WHERE l.order_id = ?1 AND r.up_seq > ?2 GROUP BY l.line",
      [&](store::Statement& s) { s.bind(1, doc.order).bind(2, doc.up_acked); },
      [&](const store::Statement& s) { here[s.column_text(0)] = s.column_int(1); });
  if (!r) return r.error();
  OrderEligibility out;
  for (const OrderLine& l : doc.lines) {
    LineEligibility e;
    e.line = l.line;
    e.returned = l.returned_qty + (here.contains(l.line) ? here[l.line] : 0);
    e.left = std::max<std::int64_t>(l.qty - e.returned, 0);
    if (!l.returnable) e.breaches.emplace_back(kNotReturnable);
    if (!l.return_by.empty() && today > l.return_by) e.breaches.emplace_back(kOutOfWindow);
    out.refunded += std::min(e.returned, l.qty) * l.unit_paid;
    out.lines.push_back(std::move(e));
  }
  return out;
}

}  // namespace storeedge::pos
