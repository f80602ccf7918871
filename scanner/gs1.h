// GS1 element strings: the Application Identifier (AI) table, parsing of the raw form scanners
// send (FNC1 as GS, 0x1D) and of the bracketed human-readable form "(01)…(17)…", and writing
// both back. The table follows the GS1 General Specifications (section 3); see docs/scanning.md.
// Pure functions; thread-safe; no exceptions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace storeedge::scanner {

inline constexpr char kGroupSeparator = '\x1d';  // FNC1 inside a GS1 element string

// One AI with its value, validated against the table.
struct Gs1Element {
  std::string ai;     // "01", "10", "3103", …
  std::string value;  // as encoded, e.g. "000500" for (3103) 0.500 kg
  // For the measure and amount AIs (310n-369n, 390n-395n): n, the number of digits after the
  // implied decimal point.
  std::optional<int> decimals;
  bool operator==(const Gs1Element&) const = default;
};

// The definition of an AI (or of a family such as 310n, where the last digit n is the position
// of the decimal point).
struct Gs1Ai {
  std::string_view ai;     // the AI; for a family, the three digits before n
  std::string_view title;  // the data title, e.g. "BEST BEFORE or BEST BY"
  bool family;             // ai + one digit 0…max_decimals
  int max_decimals;
  // Predefined length (GS1 General Specifications, "Element strings with predefined length
  // using GS1 Application Identifiers", figure 7.8.5-2 in release 25): the field is never
  // ended by FNC1, so the next AI may follow directly. Only 00-04, 11-20, 31-36 and 41 are.
  bool predefined_length;
};

// The AI at the start of `digits` (2, 3 or 4 digits long), if it is in the table.
const Gs1Ai* find_gs1_ai(std::string_view digits);

// Checks one AI's value: character set (numeric, or GS1's 82-character set), lengths of each
// part, check digits (GTIN, SSCC, GLN, GDTI, GCN, GRAI, GSIN, GSRN), dates and times, country
// codes' form. Fails with "gs1_unknown_ai", "gs1_bad_length", "gs1_bad_character",
// "gs1_bad_check_digit" or "gs1_bad_date".
[[nodiscard]] Result<Gs1Element> make_gs1_element(std::string_view ai, std::string_view value);

// Raw element string as a scanner transmits it after ]C1, ]d2, ]Q3 or ]e0 (its symbology
// identifier already removed): AIs and values, variable-length fields ended by GS or by the end
// of the data. A GS right after a predefined-length field, a leading and a trailing GS are
// tolerated. Beyond make_gs1_element's errors, fails with "gs1_empty", "gs1_syntax" (e.g. two
// GS in a row) and "gs1_duplicate_ai" (the same AI twice with different values).
[[nodiscard]] Result<std::vector<Gs1Element>> parse_gs1_element_string(std::string_view data);

// Bracketed human-readable form, "(01)09506000134352(17)250101(10)ABC". A value runs to the next
// "(" that opens two to four digits and ")", so a value cannot itself contain such a sequence.
[[nodiscard]] Result<std::vector<Gs1Element>> parse_gs1_hri(std::string_view text);

// "(01)09506000134352(10)ABC"
std::string to_gs1_hri(const std::vector<Gs1Element>& elements);

// The raw form: GS after every field that does not have a predefined length, except the last.
std::string to_gs1_element_string(const std::vector<Gs1Element>& elements);

}  // namespace storeedge::scanner
