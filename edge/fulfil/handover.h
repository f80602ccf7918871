// BOPIS and curbside after picking: staging (allocation.ready, and a bag label to print),
// the customer's arrival at a curbside bay, and the handover with its verification
// (allocation.handed_over). Units the customer does not take become put-back work.
#pragma once

#include "fulfil/work.h"

namespace storeedge::fulfil {

// picked → ready at `location` (allocation.ready); staging again only moves it.
[[nodiscard]] Result<Allocation> stage(Connection& db, const std::string& id,
                                       const std::string& location, const Actor& who,
                                       std::string_view at);

// A curbside customer has arrived at `bay` (local only; the OMS is not told).
[[nodiscard]] Result<Allocation> mark_arrived(Connection& db, const std::string& id,
                                              const std::string& bay, const Actor& who,
                                              std::string_view at);

struct Verification {
  std::string method;               // pickup_code, id_document, other
  std::optional<std::string> code;  // the pickup code the customer gave (method pickup_code)
  std::optional<std::string> note;  // required for "other"
};
struct HandedLine {
  std::string line;
  std::int64_t qty = 0;
};
// ready → handed_over. `lines` empty = every picked unit; fewer units = a partial handover,
// and the rest become put-back work. Errors: wrong_pickup_code, too_many, illegal_state, ...
[[nodiscard]] Result<Allocation> hand_over(Connection& db, const std::string& id,
                                           const Verification& verification,
                                           const std::vector<HandedLine>& lines, const Actor& who,
                                           std::string_view at);

}  // namespace storeedge::fulfil
