#include "scanner/gtin.h"

#include <algorithm>

namespace storeedge::scanner {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

char gs1_check_digit(std::string_view body) {
  int sum = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const int d = body[body.size() - 1 - i] - '0';
    sum += (i % 2 == 0) ? 3 * d : d;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

bool gs1_check_digit_valid(std::string_view digits) {
  if (digits.size() < 2 || digits.size() > 18 || !all_digits(digits)) return false;
  return gs1_check_digit(digits.substr(0, digits.size() - 1)) == digits.back();
}

Result<std::string> normalise_gtin(std::string_view digits) {
  const auto n = digits.size();
  if (!all_digits(digits) || (n != 8 && n != 12 && n != 13 && n != 14))
    return make_error("bad_gtin", "a GTIN has 8, 12, 13 or 14 digits");
  if (!gs1_check_digit_valid(digits))
    return make_error("bad_check_digit",
                      "the GTIN's check digit is wrong (expected " +
                          std::string(1, gs1_check_digit(digits.substr(0, n - 1))) + ")");
  return std::string(14 - n, '0') + std::string(digits);
}

Result<std::string> expand_upce(std::string_view digits) {
  if (!all_digits(digits) || digits.size() < 6 || digits.size() > 8)
    return make_error("bad_upce", "a UPC-E code has 6, 7 or 8 digits");
  char number_system = '0';
  std::string_view x = digits;  // the six digits X1…X6 between number system and check digit
  if (digits.size() >= 7) {
    number_system = digits[0];
    x = digits.substr(1, 6);
  }
  if (number_system != '0' && number_system != '1')
    return make_error("bad_upce", "a UPC-E code's number system is 0 or 1");
  // The last of the six digits says where the manufacturer number's zeros were suppressed.
  std::string body(1, number_system);
  const std::string s(x);
  switch (s[5]) {
    case '0':
    case '1':
    case '2':  // manufacturer X1 X2 X6 0 0, item 0 0 X3 X4 X5
      body += s.substr(0, 2) + s[5] + "0000" + s.substr(2, 3);
      break;
    case '3':  // manufacturer X1 X2 X3 0 0, item 0 0 0 X4 X5
      body += s.substr(0, 3) + "00000" + s.substr(3, 2);
      break;
    case '4':  // manufacturer X1 X2 X3 X4 0, item 0 0 0 0 X5
      body += s.substr(0, 4) + "00000" + s[4];
      break;
    default:  // manufacturer X1…X5, item 0 0 0 0 X6 (X6 = 5…9)
      body += s.substr(0, 5) + "0000" + s[5];
      break;
  }
  const char check = gs1_check_digit(body);
  if (digits.size() == 8 && digits[7] != check)
    return make_error("bad_check_digit",
                      "the UPC-E check digit is wrong (expected " + std::string(1, check) + ")");
  return body + check;
}

}  // namespace storeedge::scanner
