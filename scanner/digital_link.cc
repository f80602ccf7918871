#include "scanner/digital_link.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <string>

#include "scanner/gtin.h"

namespace storeedge::scanner {

namespace {

struct PrimaryKey {
  std::string_view ai;
  std::vector<std::string_view> qualifiers;  // in the order a path must have them
};

// From the GS1 Digital Link standard's table of primary keys and their key qualifiers,
// restricted to the AIs of our table (gs1.cc).
const std::vector<PrimaryKey>& primary_keys() {
  static const std::vector<PrimaryKey> keys = {
      {"01", {"22", "10", "21"}},
      {"8006", {"22", "10", "21"}},
      {"414", {"254"}},
      {"00", {}},
      {"253", {}},
      {"255", {}},
      {"401", {}},
      {"402", {}},
      {"8003", {}},
      {"8004", {}},
      {"417", {}},
      {"8018", {}},
  };
  return keys;
}

const PrimaryKey* primary_key(std::string_view ai) {
  for (const auto& k : primary_keys())
    if (k.ai == ai) return &k;
  return nullptr;
}

bool is_key_or_qualifier(std::string_view ai) {
  for (const auto& k : primary_keys())
    if (k.ai == ai || std::find(k.qualifiers.begin(), k.qualifiers.end(), ai) != k.qualifiers.end())
      return true;
  return false;
}

Error not_digital_link(std::string why) {
  return make_error("not_digital_link", "not a GS1 Digital Link: " + std::move(why));
}

Result<Gs1Element> element(std::string_view ai, std::string_view value) {
  // A Digital Link may shorten the GTIN to 8, 12 or 13 digits.
  if (ai == "01" && value.size() != 14 && all_digits(value)) {
    auto gtin = normalise_gtin(value);
    if (!gtin) {
      const bool bad_check = gtin.error().code == "bad_check_digit";
      return make_error(bad_check ? "gs1_bad_check_digit" : "gs1_bad_length",
                        "(01) " + gtin.error().message);
    }
    return make_gs1_element(ai, *gtin);
  }
  return make_gs1_element(ai, value);
}

bool is_gs1_tail(const std::vector<std::string>& segments, std::size_t at) {
  const PrimaryKey* key = primary_key(segments[at]);
  if (!key || (segments.size() - at) % 2 != 0) return false;
  std::size_t next_qualifier = 0;
  for (std::size_t i = at + 2; i < segments.size(); i += 2) {
    auto q = std::find(key->qualifiers.begin() + static_cast<std::ptrdiff_t>(next_qualifier),
                       key->qualifiers.end(), segments[i]);
    if (q == key->qualifiers.end()) return false;
    next_qualifier = static_cast<std::size_t>(q - key->qualifiers.begin()) + 1;
  }
  auto value = element(segments[at], segments[at + 1]);
  return value || value.error().code == "gs1_bad_check_digit";
}

}  // namespace

Result<std::vector<Gs1Element>> parse_digital_link(std::string_view uri) {
  if (uri.size() > 2048) return not_digital_link("longer than 2048 bytes");
  auto parsed = boost::urls::parse_uri(uri);
  if (!parsed) return not_digital_link("not a URI");
  const boost::urls::url_view& u = *parsed;
  if (u.scheme_id() != boost::urls::scheme::http && u.scheme_id() != boost::urls::scheme::https)
    return not_digital_link("not an http or https URI");
  if (u.encoded_host().empty()) return not_digital_link("no host");

  std::vector<std::string> segments;
  for (auto s : u.segments()) segments.push_back(std::string(s));         // percent-decoded
  if (!segments.empty() && segments.back().empty()) segments.pop_back();  // trailing "/"

  // The GS1 part is the path's tail: a primary key and its value, then qualifier/value pairs
  // in the key's order; segments before it are the domain's own prefix. A tail that does not
  // have that shape, or whose key value is not of the key's form (wrong length or characters;
  // a wrong check digit still counts as meant to be a key), is some other link:
  // "/blog/2024/01/15" is not a GTIN.
  std::size_t at = 0;
  for (; at < segments.size(); ++at) {
    if (is_gs1_tail(segments, at)) break;
  }
  if (at == segments.size()) return not_digital_link("no GS1 primary key path in the URI");

  std::vector<Gs1Element> out;
  for (std::size_t i = at; i < segments.size(); i += 2) {
    auto e = element(segments[i], segments[i + 1]);
    if (!e) return e.error();
    out.push_back(std::move(*e));
  }

  for (auto param : u.params()) {  // percent-decoded
    const std::string name(param.key);
    if (!all_digits(name)) continue;  // not an AI: linkType, context, …
    if (!find_gs1_ai(name))
      return make_error("gs1_unknown_ai", "unknown GS1 application identifier (" + name + ")");
    if (is_key_or_qualifier(name))
      return make_error("digital_link_syntax",
                        "(" + name + ") is a key or key qualifier; it belongs in the path");
    auto e = make_gs1_element(name, param.has_value ? std::string_view(param.value) : "");
    if (!e) return e.error();
    const bool repeated = std::any_of(out.begin(), out.end(),
                                      [&](const Gs1Element& seen) { return seen.ai == e->ai; });
    if (repeated) {
      const bool same = std::any_of(out.begin(), out.end(), [&](const Gs1Element& seen) {
        return seen.ai == e->ai && seen.value == e->value;
      });
      if (same) continue;
      return make_error("gs1_duplicate_ai", "(" + name + ") appears twice with different values");
    }
    out.push_back(std::move(*e));
  }
  return out;
}

}  // namespace storeedge::scanner
