#include "scanner/gs1.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "scanner/gtin.h"

namespace storeedge::scanner {

namespace {

// How a part of a value is checked beyond its character set and length.
enum class Check : std::uint8_t {
  none,
  mod10,        // GS1 check digit over the whole part
  date_day0,    // YYMMDD; DD may be 00 (no day given)
  datetime_hm,  // YYMMDDHHMM
  date_h,       // YYMMDDHH
  mmss,         // optional minutes, or minutes and seconds: 0, 2 or 4 digits
  countries,    // one or more ISO 3166 numeric codes, 3 digits each
};

struct Part {
  bool numeric;  // digits only; otherwise GS1's 82-character set
  std::uint8_t min;
  std::uint8_t max;
  Check check;
};

constexpr Part n(int min, int max, Check c = Check::none) {
  return {true, static_cast<std::uint8_t>(min), static_cast<std::uint8_t>(max), c};
}
constexpr Part x(int min, int max) {
  return {false, static_cast<std::uint8_t>(min), static_cast<std::uint8_t>(max), Check::none};
}

struct Entry {
  Gs1Ai def;
  std::array<Part, 3> parts;
  std::size_t part_count;
};

constexpr bool P = true;   // predefined length: no FNC1 after it
constexpr bool V = false;  // ended by FNC1 (GS) unless last

template <class... Parts>
constexpr Entry ai(std::string_view code, std::string_view title, bool predefined, Parts... p) {
  return {{code, title, false, 0, predefined}, {p...}, sizeof...(p)};
}
// A family "xyzn": the fourth digit n is the number of decimals, 0…max_decimals.
template <class... Parts>
constexpr Entry fam(std::string_view prefix, std::string_view title, int max_decimals,
                    bool predefined, Parts... p) {
  return {{prefix, title, true, max_decimals, predefined}, {p...}, sizeof...(p)};
}

// Written from the GS1 General Specifications, section 3 (the AI definitions) and the figure
// "Element strings with predefined length using GS1 Application Identifiers". Formats: n(min, max)
// digits, x(min, max) characters of the 82-character set. Only the last part of an AI may vary in
// length.
constexpr Entry kTable[] = {
    ai("00", "SSCC", P, n(18, 18, Check::mod10)),
    ai("01", "GTIN", P, n(14, 14, Check::mod10)),
    ai("02", "CONTENT", P, n(14, 14, Check::mod10)),
    ai("03", "MTO GTIN", P, n(14, 14, Check::mod10)),
    ai("10", "BATCH/LOT", V, x(1, 20)),
    ai("11", "PROD DATE", P, n(6, 6, Check::date_day0)),
    ai("12", "DUE DATE", P, n(6, 6, Check::date_day0)),
    ai("13", "PACK DATE", P, n(6, 6, Check::date_day0)),
    ai("15", "BEST BEFORE or BEST BY", P, n(6, 6, Check::date_day0)),
    ai("16", "SELL BY", P, n(6, 6, Check::date_day0)),
    ai("17", "USE BY or EXPIRY", P, n(6, 6, Check::date_day0)),
    ai("20", "VARIANT", P, n(2, 2)),
    ai("21", "SERIAL", V, x(1, 20)),
    ai("22", "CPV", V, x(1, 20)),
    ai("235", "TPX", V, x(1, 28)),
    ai("240", "ADDITIONAL ID", V, x(1, 30)),
    ai("241", "CUST. PART No.", V, x(1, 30)),
    ai("242", "MTO VARIANT", V, n(1, 6)),
    ai("243", "PCN", V, x(1, 20)),
    ai("250", "SECONDARY SERIAL", V, x(1, 30)),
    ai("251", "REF. TO SOURCE", V, x(1, 30)),
    ai("253", "GDTI", V, n(13, 13, Check::mod10), x(0, 17)),
    ai("254", "GLN EXTENSION COMPONENT", V, x(1, 20)),
    ai("255", "GCN", V, n(13, 13, Check::mod10), n(0, 12)),
    ai("30", "VAR. COUNT", V, n(1, 8)),
    fam("310", "NET WEIGHT (kg)", 5, P, n(6, 6)),
    fam("311", "LENGTH (m)", 5, P, n(6, 6)),
    fam("312", "WIDTH (m)", 5, P, n(6, 6)),
    fam("313", "HEIGHT (m)", 5, P, n(6, 6)),
    fam("314", "AREA (m2)", 5, P, n(6, 6)),
    fam("315", "NET VOLUME (l)", 5, P, n(6, 6)),
    fam("316", "NET VOLUME (m3)", 5, P, n(6, 6)),
    fam("320", "NET WEIGHT (lb)", 5, P, n(6, 6)),
    fam("321", "LENGTH (in)", 5, P, n(6, 6)),
    fam("322", "LENGTH (ft)", 5, P, n(6, 6)),
    fam("323", "LENGTH (yd)", 5, P, n(6, 6)),
    fam("324", "WIDTH (in)", 5, P, n(6, 6)),
    fam("325", "WIDTH (ft)", 5, P, n(6, 6)),
    fam("326", "WIDTH (yd)", 5, P, n(6, 6)),
    fam("327", "HEIGHT (in)", 5, P, n(6, 6)),
    fam("328", "HEIGHT (ft)", 5, P, n(6, 6)),
    fam("329", "HEIGHT (yd)", 5, P, n(6, 6)),
    fam("330", "GROSS WEIGHT (kg)", 5, P, n(6, 6)),
    fam("331", "LENGTH (m), log", 5, P, n(6, 6)),
    fam("332", "WIDTH (m), log", 5, P, n(6, 6)),
    fam("333", "HEIGHT (m), log", 5, P, n(6, 6)),
    fam("334", "AREA (m2), log", 5, P, n(6, 6)),
    fam("335", "VOLUME (l), log", 5, P, n(6, 6)),
    fam("336", "VOLUME (m3), log", 5, P, n(6, 6)),
    fam("337", "KG PER m2", 5, P, n(6, 6)),
    fam("340", "GROSS WEIGHT (lb)", 5, P, n(6, 6)),
    fam("341", "LENGTH (in), log", 5, P, n(6, 6)),
    fam("342", "LENGTH (ft), log", 5, P, n(6, 6)),
    fam("343", "LENGTH (yd), log", 5, P, n(6, 6)),
    fam("344", "WIDTH (in), log", 5, P, n(6, 6)),
    fam("345", "WIDTH (ft), log", 5, P, n(6, 6)),
    fam("346", "WIDTH (yd), log", 5, P, n(6, 6)),
    fam("347", "HEIGHT (in), log", 5, P, n(6, 6)),
    fam("348", "HEIGHT (ft), log", 5, P, n(6, 6)),
    fam("349", "HEIGHT (yd), log", 5, P, n(6, 6)),
    fam("350", "AREA (in2)", 5, P, n(6, 6)),
    fam("351", "AREA (ft2)", 5, P, n(6, 6)),
    fam("352", "AREA (yd2)", 5, P, n(6, 6)),
    fam("353", "AREA (in2), log", 5, P, n(6, 6)),
    fam("354", "AREA (ft2), log", 5, P, n(6, 6)),
    fam("355", "AREA (yd2), log", 5, P, n(6, 6)),
    fam("356", "NET WEIGHT (t oz)", 5, P, n(6, 6)),
    fam("357", "NET VOLUME (oz)", 5, P, n(6, 6)),
    fam("360", "NET VOLUME (qt)", 5, P, n(6, 6)),
    fam("361", "NET VOLUME (gal.)", 5, P, n(6, 6)),
    fam("362", "VOLUME (qt), log", 5, P, n(6, 6)),
    fam("363", "VOLUME (gal.), log", 5, P, n(6, 6)),
    fam("364", "VOLUME (in3)", 5, P, n(6, 6)),
    fam("365", "VOLUME (ft3)", 5, P, n(6, 6)),
    fam("366", "VOLUME (yd3)", 5, P, n(6, 6)),
    fam("367", "VOLUME (in3), log", 5, P, n(6, 6)),
    fam("368", "VOLUME (ft3), log", 5, P, n(6, 6)),
    fam("369", "VOLUME (yd3), log", 5, P, n(6, 6)),
    ai("37", "COUNT", V, n(1, 8)),
    fam("390", "AMOUNT", 9, V, n(1, 15)),
    fam("391", "AMOUNT (with ISO currency code)", 9, V, n(3, 3), n(1, 15)),
    fam("392", "PRICE", 9, V, n(1, 15)),
    fam("393", "PRICE (with ISO currency code)", 9, V, n(3, 3), n(1, 15)),
    fam("394", "PRCNT OFF", 3, V, n(4, 4)),
    fam("395", "PRICE/UoM", 5, V, n(6, 6)),
    ai("400", "ORDER NUMBER", V, x(1, 30)),
    ai("401", "GINC", V, x(1, 30)),
    ai("402", "GSIN", V, n(17, 17, Check::mod10)),
    ai("403", "ROUTE", V, x(1, 30)),
    ai("410", "SHIP TO LOC", P, n(13, 13, Check::mod10)),
    ai("411", "BILL TO", P, n(13, 13, Check::mod10)),
    ai("412", "PURCHASE FROM", P, n(13, 13, Check::mod10)),
    ai("413", "SHIP FOR LOC", P, n(13, 13, Check::mod10)),
    ai("414", "LOC No.", P, n(13, 13, Check::mod10)),
    ai("415", "PAY TO", P, n(13, 13, Check::mod10)),
    ai("416", "PROD/SERV LOC", P, n(13, 13, Check::mod10)),
    ai("417", "PARTY", P, n(13, 13, Check::mod10)),
    ai("420", "SHIP TO POST", V, x(1, 20)),
    ai("421", "SHIP TO POST (with ISO country code)", V, n(3, 3, Check::countries), x(1, 9)),
    ai("422", "ORIGIN", V, n(3, 3, Check::countries)),
    ai("423", "COUNTRY - INITIAL PROCESS.", V, n(3, 15, Check::countries)),
    ai("424", "COUNTRY - PROCESS.", V, n(3, 3, Check::countries)),
    ai("425", "COUNTRY - DISASSEMBLY", V, n(3, 15, Check::countries)),
    ai("426", "COUNTRY - FULL PROCESS", V, n(3, 3, Check::countries)),
    ai("7003", "EXPIRY TIME", V, n(10, 10, Check::datetime_hm)),
    ai("7004", "ACTIVE POTENCY", V, n(1, 4)),
    ai("8003", "GRAI", V, n(14, 14, Check::mod10), x(0, 16)),
    ai("8004", "GIAI", V, x(1, 30)),
    ai("8005", "PRICE PER UNIT", V, n(6, 6)),
    ai("8006", "ITIP", V, n(14, 14, Check::mod10), n(2, 2), n(2, 2)),
    ai("8007", "IBAN", V, x(1, 34)),
    ai("8008", "PROD TIME", V, n(8, 8, Check::date_h), n(0, 4, Check::mmss)),
    ai("8018", "GSRN - RECIPIENT", V, n(18, 18, Check::mod10)),
    ai("8020", "REF No.", V, x(1, 25)),
    ai("90", "INTERNAL", V, x(1, 30)),
    ai("91", "INTERNAL", V, x(1, 90)),
    ai("92", "INTERNAL", V, x(1, 90)),
    ai("93", "INTERNAL", V, x(1, 90)),
    ai("94", "INTERNAL", V, x(1, 90)),
    ai("95", "INTERNAL", V, x(1, 90)),
    ai("96", "INTERNAL", V, x(1, 90)),
    ai("97", "INTERNAL", V, x(1, 90)),
    ai("98", "INTERNAL", V, x(1, 90)),
    ai("99", "INTERNAL", V, x(1, 90)),
};

const Entry* find_entry(std::string_view code) {
  if (code.size() < 2 || code.size() > 4 || !all_digits(code)) return nullptr;
  for (const auto& e : kTable) {
    if (e.def.family) {
      if (code.size() == 4 && code.starts_with(e.def.ai) && code[3] - '0' <= e.def.max_decimals)
        return &e;
    } else if (code == e.def.ai) {
      return &e;
    }
  }
  return nullptr;
}

// The AI starting `s`, tried as 2, 3 and 4 digits (GS1's AIs are prefix-free).
const Entry* entry_at_start(std::string_view s, std::size_t& length) {
  for (std::size_t len = 2; len <= 4 && len <= s.size(); ++len)
    if (const Entry* e = find_entry(s.substr(0, len))) {
      length = len;
      return e;
    }
  return nullptr;
}

// GS1 AI encodable character set 82 (GS1 General Specifications).
bool in_cset82(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return true;
  return std::string_view("!\"%&'()*+,-./:;<=>?_").find(c) != std::string_view::npos;
}

int two(std::string_view s, std::size_t at) {
  return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

// YYMMDD. The century comes from GS1's sliding window, which the data alone cannot settle; a
// year divisible by 4 is taken as a leap year (true for every year from 1951 to 2099).
bool valid_date(std::string_view d, bool day_zero_allowed) {
  const int yy = two(d, 0), mm = two(d, 2), dd = two(d, 4);
  if (mm < 1 || mm > 12) return false;
  if (dd == 0) return day_zero_allowed;
  constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (dd > kDays[mm - 1]) return false;
  return !(mm == 2 && dd == 29 && yy % 4 != 0);
}

std::string label(std::string_view ai) {
  return "(" + std::string(ai) + ")";
}

Result<void> check_part(std::string_view ai, const Part& part, std::string_view v) {
  if (part.numeric) {
    if (!v.empty() && !all_digits(v))
      return make_error("gs1_bad_character", label(ai) + " takes digits only");
  } else if (!std::all_of(v.begin(), v.end(), in_cset82)) {
    return make_error("gs1_bad_character",
                      label(ai) + " contains a character outside GS1's character set");
  }
  switch (part.check) {
    case Check::none:
      break;
    case Check::mod10:
      if (!gs1_check_digit_valid(v))
        return make_error("gs1_bad_check_digit", label(ai) + " has a wrong check digit");
      break;
    case Check::date_day0:
      if (!valid_date(v, true))
        return make_error("gs1_bad_date", label(ai) + " is not a valid date (YYMMDD)");
      break;
    case Check::date_h:
      if (!valid_date(v, false) || two(v, 6) > 23)
        return make_error("gs1_bad_date", label(ai) + " is not a valid date and hour (YYMMDDHH)");
      break;
    case Check::datetime_hm:
      if (!valid_date(v, false) || two(v, 6) > 23 || two(v, 8) > 59)
        return make_error("gs1_bad_date", label(ai) + " is not a valid date and time (YYMMDDHHMM)");
      break;
    case Check::mmss:
      if (v.size() % 2 != 0 || (v.size() >= 2 && two(v, 0) > 59) ||
          (v.size() == 4 && two(v, 2) > 59))
        return make_error("gs1_bad_date", label(ai) + " has invalid minutes or seconds");
      break;
    case Check::countries:
      if (v.size() % 3 != 0)
        return make_error("gs1_bad_length", label(ai) + " takes 3-digit country codes");
      break;
  }
  return {};
}

}  // namespace

const Gs1Ai* find_gs1_ai(std::string_view ai) {
  const Entry* e = find_entry(ai);
  return e ? &e->def : nullptr;
}

Result<Gs1Element> make_gs1_element(std::string_view ai, std::string_view value) {
  const Entry* e = find_entry(ai);
  if (!e) return make_error("gs1_unknown_ai", "unknown GS1 application identifier " + label(ai));
  std::size_t min = 0, max = 0;
  for (std::size_t i = 0; i < e->part_count; ++i) {
    min += e->parts[i].min;
    max += e->parts[i].max;
  }
  if (value.size() < std::max<std::size_t>(min, 1) || value.size() > max) {
    const std::string expected =
        min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max);
    return make_error("gs1_bad_length", label(ai) + " takes " + expected + " characters, not " +
                                            std::to_string(value.size()));
  }
  std::string_view rest = value;
  for (std::size_t i = 0; i < e->part_count; ++i) {
    const Part& part = e->parts[i];
    const bool last = i + 1 == e->part_count;
    const std::string_view v = last ? rest : rest.substr(0, part.min);
    if (last && v.size() < part.min)
      return make_error("gs1_bad_length", label(ai) + " is too short");
    if (auto ok = check_part(ai, part, v); !ok) return ok.error();
    rest.remove_prefix(v.size());
  }
  Gs1Element element{std::string(ai), std::string(value), std::nullopt};
  if (e->def.family) element.decimals = ai[3] - '0';
  return element;
}

namespace {

Result<void> add_element(std::vector<Gs1Element>& out, Gs1Element element) {
  for (const auto& seen : out)
    if (seen.ai == element.ai) {
      if (seen.value == element.value) return {};  // a repeat says nothing new
      return make_error("gs1_duplicate_ai",
                        label(element.ai) + " appears twice with different values");
    }
  out.push_back(std::move(element));
  return {};
}

}  // namespace

Result<std::vector<Gs1Element>> parse_gs1_element_string(std::string_view data) {
  if (!data.empty() && data.front() == kGroupSeparator) data.remove_prefix(1);
  if (!data.empty() && data.back() == kGroupSeparator) data.remove_suffix(1);
  if (data.empty()) return make_error("gs1_empty", "the GS1 element string is empty");
  std::vector<Gs1Element> out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    if (data[pos] == kGroupSeparator)
      return make_error("gs1_syntax", "an empty field between two separators");
    std::size_t ai_length = 0;
    const Entry* e = entry_at_start(data.substr(pos), ai_length);
    if (!e)
      return make_error("gs1_unknown_ai", "no known GS1 application identifier at \"" +
                                              std::string(data.substr(pos, 4)) + "\"");
    const std::string_view ai = data.substr(pos, ai_length);
    pos += ai_length;
    std::string_view value;
    if (e->def.predefined_length) {
      std::size_t length = 0;
      for (std::size_t i = 0; i < e->part_count; ++i) length += e->parts[i].max;
      value = data.substr(pos, length);
      const auto gs = value.find(kGroupSeparator);
      if (gs != std::string_view::npos) value = value.substr(0, gs);
      pos += value.size();
      if (pos < data.size() && data[pos] == kGroupSeparator) ++pos;  // superfluous, tolerated
    } else {
      const auto gs = data.find(kGroupSeparator, pos);
      const auto end = gs == std::string_view::npos ? data.size() : gs;
      value = data.substr(pos, end - pos);
      pos = gs == std::string_view::npos ? data.size() : gs + 1;
    }
    auto element = make_gs1_element(ai, value);
    if (!element) {
      Error error = element.error();
      // A value longer than its AI allows usually means the GS after it was left out.
      if (error.code == "gs1_bad_length" && !e->def.predefined_length &&
          value.size() > std::size_t{e->parts[e->part_count - 1].max})
        error.message += "; is the GS separator after it missing?";
      return error;
    }
    if (auto added = add_element(out, std::move(*element)); !added) return added.error();
  }
  return out;
}

namespace {

// At `at`, "(" + 2-4 digits + ")": the AI's length, else 0.
std::size_t bracketed_ai_at(std::string_view s, std::size_t at) {
  if (at >= s.size() || s[at] != '(') return 0;
  const auto close = s.find(')', at + 1);
  if (close == std::string_view::npos) return 0;
  const auto length = close - at - 1;
  return length >= 2 && length <= 4 && all_digits(s.substr(at + 1, length)) ? length : 0;
}

}  // namespace

Result<std::vector<Gs1Element>> parse_gs1_hri(std::string_view text) {
  if (text.empty()) return make_error("gs1_empty", "the GS1 text is empty");
  std::vector<Gs1Element> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto ai_length = bracketed_ai_at(text, pos);
    if (ai_length == 0)
      return make_error("gs1_syntax", "expected an application identifier in brackets, \"(01)\"");
    const auto ai = text.substr(pos + 1, ai_length);
    const auto start = pos + ai_length + 2;
    auto end = start;
    while (end < text.size() && bracketed_ai_at(text, end) == 0) ++end;
    auto element = make_gs1_element(ai, text.substr(start, end - start));
    if (!element) return element.error();
    if (auto added = add_element(out, std::move(*element)); !added) return added.error();
    pos = end;
  }
  return out;
}

std::string to_gs1_hri(const std::vector<Gs1Element>& elements) {
  std::string out;
  for (const auto& e : elements) out += label(e.ai) + e.value;
  return out;
}

std::string to_gs1_element_string(const std::vector<Gs1Element>& elements) {
  std::string out;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    const auto& e = elements[i];
    out += e.ai + e.value;
    const Gs1Ai* def = find_gs1_ai(e.ai);
    if (i + 1 < elements.size() && !(def && def->predefined_length)) out += kGroupSeparator;
  }
  return out;
}

}  // namespace storeedge::scanner
