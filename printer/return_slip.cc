#include "printer/return_slip.h"

#include <algorithm>
#include <optional>

#include "printer/label.h"

namespace storeedge::printer {

namespace {

Error invalid(std::string_view field, std::string_view why) {
  return make_error("invalid_slip_input", std::string(field) + ": " + std::string(why));
}

// The label checks (label.h) with the slip's error code.
std::optional<Error> text_field(std::string_view field, std::string_view value, std::size_t max,
                                bool required = true) {
  auto e = check_text(field, value, max, required);
  if (e) e->code = "invalid_slip_input";
  return e;
}

std::optional<Error> identifier_field(std::string_view field, std::string_view value,
                                      std::size_t max) {
  auto e = check_identifier(field, value, max);
  if (e) e->code = "invalid_slip_input";
  return e;
}

std::optional<Error> amount_field(std::string_view field, std::int64_t amount) {
  if (amount < 0 || amount > kMaxSlipAmount)
    return invalid(field, "must be 0 to " + std::to_string(kMaxSlipAmount) + " minor units");
  return std::nullopt;
}

bool is_currency(std::string_view c) {
  if (c.size() != 3) return false;
  for (char ch : c)
    if (ch < 'A' || ch > 'Z') return false;
  return true;
}

// ISO 4217 minor units, for the codes that do not have 2.
int decimals(std::string_view currency) {
  static constexpr std::string_view kNone[] = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY",
                                               "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
                                               "VND", "VUV", "XAF", "XOF", "XPF"};
  static constexpr std::string_view kThree[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
  static constexpr std::string_view kFour[] = {"CLF", "UYW"};
  for (auto c : kNone)
    if (c == currency) return 0;
  for (auto c : kThree)
    if (c == currency) return 3;
  for (auto c : kFour)
    if (c == currency) return 4;
  return 2;
}

std::optional<Error> check_line(const ReturnSlipLine& line) {
  if (auto e = text_field("lines.description", line.description, 120, false)) return e;
  if (auto e = identifier_field("lines.sku", line.sku, 32)) return e;
  if (line.qty < 1 || line.qty > 9999) return invalid("lines.qty", "must be 1 to 9999");
  return amount_field("lines.refund", line.refund);
}

std::optional<Error> check_tender(const ReturnSlipTender& t) {
  if (auto e = text_field("tenders.method", t.method, 24)) return e;
  if (!t.last4.empty()) {
    bool digits = t.last4.size() == 4;
    for (char c : t.last4) digits = digits && c >= '0' && c <= '9';
    if (!digits) return invalid("tenders.last4", "must be 4 digits or empty");
  }
  return amount_field("tenders.amount", t.amount);
}

}  // namespace

Result<void> check_return_slip(const ReturnSlipInput& in) {
  for (auto e :
       {text_field("store_name", in.store_name, 48),
        identifier_field("return_id", in.return_id, 24), identifier_field("order", in.order, 24),
        text_field("time", in.time, 32), text_field("associate", in.associate, 48),
        text_field("override_by", in.override_by, 48, false), amount_field("refund", in.refund)})
    if (e) return *e;
  if (!is_currency(in.currency)) return invalid("currency", "must be 3 capital letters (ISO 4217)");
  if (in.lines.empty() || in.lines.size() > 100)
    return invalid("lines", "must have 1 to 100 lines");
  for (const auto& line : in.lines)
    if (auto e = check_line(line)) return *e;
  if (in.tenders.size() > 10) return invalid("tenders", "must have at most 10 tenders");
  std::int64_t paid = 0;
  for (const auto& t : in.tenders) {
    if (auto e = check_tender(t)) return *e;
    paid += t.amount;  // at most 10 × kMaxSlipAmount: no overflow
  }
  if (!in.tenders.empty() && paid != in.refund)
    return invalid("tenders", "add up to " + std::to_string(paid) + ", not the refund's " +
                                  std::to_string(in.refund));
  return {};
}

std::string format_money(std::int64_t minor, std::string_view currency) {
  const int places = decimals(currency);
  std::string digits = std::to_string(minor < 0 ? -minor : minor);
  if (places > 0) {
    if (digits.size() <= static_cast<std::size_t>(places))
      digits.insert(0, static_cast<std::size_t>(places) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<std::size_t>(places), ".");
  }
  return (minor < 0 ? "-" : "") + digits + " " + std::string(currency);
}

Result<Document> render_return_slip(const ReturnSlipInput& in, escpos::Paper paper) {
  if (auto valid = check_return_slip(in); !valid) return valid.error();
  using escpos::Align;
  using escpos::to_code_page;
  escpos::Writer w(paper);
  const auto width = static_cast<std::size_t>(w.columns());
  const auto lines = [&w](const std::vector<std::string>& text) {
    for (const auto& l : text) w.line(l);
  };
  const std::string rule(width, '-');

  w.init().align(Align::center).bold(true).size(false, true);
  lines(escpos::wrap(to_code_page(in.store_name), width));
  w.size(true, true).line("RETURN").size(false, false).bold(false);
  if (in.offline) w.bold(true).line("OFFLINE - TO BE REVIEWED").bold(false);
  w.align(Align::left).line("");
  lines(escpos::two_columns("Return", in.return_id, width));
  lines(escpos::two_columns("Order", in.order, width));
  lines(escpos::two_columns("Date", to_code_page(in.time), width));
  lines(escpos::two_columns("Associate", to_code_page(in.associate), width));
  if (!in.override_by.empty())
    lines(escpos::two_columns("Approved by", to_code_page(in.override_by), width));
  w.line(rule);
  for (const auto& item : in.lines) {
    if (!item.description.empty()) lines(escpos::wrap(to_code_page(item.description), width));
    lines(escpos::two_columns("  " + std::to_string(item.qty) + " x " + item.sku,
                              format_money(item.refund, in.currency), width));
  }
  w.line(rule);
  w.bold(true).size(false, true);
  lines(escpos::two_columns("REFUND", format_money(in.refund, in.currency), width));
  w.size(false, false).bold(false);
  for (const auto& t : in.tenders) {
    std::string how = to_code_page(t.method);  // "gift_card" → "gift card"
    std::replace(how.begin(), how.end(), '_', ' ');
    if (!t.last4.empty()) how += " ****" + t.last4;
    lines(escpos::two_columns(how, format_money(t.amount, in.currency), width));
  }
  w.line("");
  if (auto code = w.code128(in.return_id, 80); !code) return code.error();
  w.line("").line("").line("");
  w.line("X" + std::string(width - 1, '_'));
  w.line("Customer signature");
  w.cut();
  return Document{DocumentFormat::escpos, w.take(), "", 1, 0};
}

}  // namespace storeedge::printer
