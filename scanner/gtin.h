// GTINs as barcodes carry them: GTIN-8/12/13/14 normalised to the GTIN-14 the store keys items
// by, the GS1 mod-10 check digit, and UPC-E zero suppression undone. Pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace storeedge::scanner {

// True when `s` is non-empty and every character is 0-9.
bool all_digits(std::string_view s);

// The GS1 mod-10 check digit for `body` (the digits before it): weights 3, 1, 3, … from the
// rightmost body digit (GS1 General Specifications, "Standard check digit calculations"). `body`
// must be all digits.
char gs1_check_digit(std::string_view body);

// True when `digits` (2-18 digits) ends with the check digit of the digits before it.
bool gs1_check_digit_valid(std::string_view digits);

// A GTIN-8, GTIN-12, GTIN-13 or GTIN-14 → its GTIN-14 (left-padded with zeros). Fails with
// "bad_gtin" for other lengths or non-digits, "bad_check_digit" for a wrong check digit.
[[nodiscard]] Result<std::string> normalise_gtin(std::string_view digits);

// A UPC-E code → its 12-digit UPC-A (GTIN-12). Accepts 6 digits (number system 0 implied, the
// check digit computed), 7 (number system first) or 8 (number system, six digits, check digit,
// which must match). Only number systems 0 and 1 exist for UPC-E. Fails with "bad_upce" or
// "bad_check_digit".
[[nodiscard]] Result<std::string> expand_upce(std::string_view digits);

}  // namespace storeedge::scanner
