// Fuzz target: the JSON a POS sends to take a return (POST /api/v1/returns) and the order
// documents the OMS sends (returnable_orders, order.lookup.result), through their parsers, then
// the refund split of whatever order parsed. Whatever is accepted must keep the parsers'
// promises: bounded quantities and line counts, known codes, a split that never gives a tender
// more than it paid nor more than asked.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/return_request.h"
#include "pos/order_document.h"
#include "pos/policy.h"
#include "pos/refund.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace storeedge;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 32;
  auto v = boost::json::parse(text, ec, {}, opts);
  if (ec || !v.is_object()) {
    (void)pos::local_date(text, "Europe/Amsterdam");
    (void)pos::add_days(text, 30);
    return 0;
  }
  const auto& o = v.get_object();
  if (auto req = api::parse_return_request(o)) {
    if (req->lines.empty() || req->lines.size() > 100 || !api::is_identifier(req->order))
      __builtin_trap();
    for (const auto& l : req->lines)
      if (l.qty < 1 || l.qty > 9999 || (l.line.empty() && !l.code)) __builtin_trap();
  }
  if (auto doc = pos::parse_order_document(o, pos::OrderSource::oms, 0)) {
    if (doc->lines.empty()) __builtin_trap();
    std::int64_t paid = 0;
    for (const auto& t : doc->tenders) paid += t.amount;
    for (std::int64_t already : {std::int64_t{0}, paid / 2}) {
      const std::int64_t asked = paid - already + 1;
      std::int64_t given = 0;
      for (const auto& share : pos::split_refund(doc->tenders, already, asked)) {
        if (share.amount <= 0) __builtin_trap();
        given += share.amount;
      }
      if (given > asked || given > paid) __builtin_trap();
    }
  }
  return 0;
}
