// Whether each line of an order may be returned today, and how many units are left
// (docs/returns.md, "Eligibility"): quantity left = ordered − returned, where returned is what
// the OMS reports plus this store's returns the OMS's document does not count yet. Policy
// breaches (a manager may override them) are named, never silently allowed. Reads on the
// caller's connection; inside a write transaction the answer holds until it commits, which is
// what keeps two terminals from both returning the last unit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pos/order_document.h"

namespace storeedge::pos {

// Breach codes.
inline constexpr std::string_view kNotReturnable = "not_returnable";
inline constexpr std::string_view kOutOfWindow = "out_of_window";
inline constexpr std::string_view kOrderNotFound = "order_not_found";

struct LineEligibility {
  std::string line;
  std::int64_t returned = 0;  // OMS-reported plus this store's, not yet in the document
  std::int64_t left = 0;      // units that may still be returned
  std::vector<std::string> breaches;
};

struct OrderEligibility {
  std::vector<LineEligibility> lines;  // in the document's order
  std::int64_t refunded = 0;           // value of every unit returned so far (for the tender split)
  const LineEligibility* find(std::string_view line) const;
};

// `today` is the store's local date (YYYY-MM-DD); a line is in the window through its
// return_by date.
[[nodiscard]] Result<OrderEligibility> assess_order(Connection& db, const OrderDocument& doc,
                                                    std::string_view today);

}  // namespace storeedge::pos
