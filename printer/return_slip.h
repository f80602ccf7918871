// The customer's slip for a POS return, printed on a receipt printer in ESC/POS: the store, the
// return and its order, when and by whom (and who overrode the policy), whether it was taken
// offline, the items and their refunds, the refund total and how it is paid back, a Code 128 of
// the return id and a signature line. Built from a plain input struct; pure and thread-safe.
// Layout and decisions: docs/printing.md, "Receipts (ESC/POS)".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "printer/document.h"
#include "printer/escpos.h"

namespace storeedge::printer {

struct ReturnSlipLine {
  std::string description;  // text, ≤ 120 (wrapped); may be empty
  std::string sku;          // identifier, ≤ 32
  int qty = 1;              // 1-9999
  std::int64_t refund = 0;  // minor units, 0 to kMaxSlipAmount
};

struct ReturnSlipTender {
  std::string method;       // text, ≤ 24: "card", "cash", "gift_card", …
  std::string last4;        // "" or 4 digits
  std::int64_t amount = 0;  // minor units, 0 to kMaxSlipAmount
};

struct ReturnSlipInput {
  std::string store_name;                 // text, ≤ 48
  std::string return_id;                  // identifier, ≤ 24 (the Code 128)
  std::string order;                      // identifier, ≤ 24
  std::string time;                       // text, ≤ 32, printed as given ("2026-11-23 12:00 UTC")
  std::string associate;                  // text, ≤ 48
  std::string override_by;                // text, ≤ 48; "" = no override
  bool offline = false;                   // taken while the store was offline (to be reviewed)
  std::vector<ReturnSlipLine> lines;      // 1-100
  std::int64_t refund = 0;                // minor units, 0 to kMaxSlipAmount
  std::string currency;                   // ISO 4217 code, 3 capital letters
  std::vector<ReturnSlipTender> tenders;  // 0-10; their amounts add up to `refund`
};

inline constexpr std::int64_t kMaxSlipAmount = 999'999'999'999;

// Checks every field. Error: "invalid_slip_input" naming the field (length, UTF-8, a control
// character, an identifier's characters, a range, tenders that do not add up to the refund).
[[nodiscard]] Result<void> check_return_slip(const ReturnSlipInput& input);

// An amount in minor units with the currency's decimals (ISO 4217: 0 for JPY, KRW, …, 3 for
// BHD, KWD, …, 2 otherwise) and its code: "1234.50 EUR", "1200 JPY". No thousands separators.
std::string format_money(std::int64_t minor, std::string_view currency);

// The slip's ESC/POS bytes for `paper`, as a Document in DocumentFormat::escpos. Errors:
// check_return_slip's, "slip_overflow" (the return id's Code 128 does not fit the paper).
[[nodiscard]] Result<Document> render_return_slip(const ReturnSlipInput& input,
                                                  escpos::Paper paper);

}  // namespace storeedge::printer
