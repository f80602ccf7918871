#include "api/request_parsing.h"

#include "auth/secrets.h"

namespace storeedge::api {

bool match_route(std::string_view pattern, const boost::urls::segments_view& path,
                 std::vector<std::string>& params) {
  std::vector<std::string_view> parts;
  // "/" has no segments (Boost.URL gives none for it), not one empty one.
  for (size_t at = 1; pattern.size() > 1 && at <= pattern.size();) {
    size_t next = pattern.find('/', at);
    if (next == std::string_view::npos) next = pattern.size();
    parts.push_back(pattern.substr(at, next - at));
    at = next + 1;
  }
  if (parts.size() != path.size()) return false;
  std::vector<std::string> found;
  auto pi = parts.begin();
  for (auto si = path.begin(); si != path.end(); ++si, ++pi) {
    std::string_view want = *pi;
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if ((*si).empty()) return false;
      found.push_back(*si);
    } else if (want != *si) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

Result<OverrideCredentials> parse_override(std::string_view header) {
  const Error bad = make_error(
      "invalid_request", "StoreEdge-Override: expected user:<id>:<pin> or badge:<code>:<pin>");
  auto first = header.find(':');
  auto last = header.rfind(':');
  if (first == std::string_view::npos || last == first || header.size() > 256) return bad;
  std::string_view kind = header.substr(0, first);
  OverrideCredentials c{kind == "badge", std::string(header.substr(first + 1, last - first - 1)),
                        std::string(header.substr(last + 1))};
  if ((kind != "user" && kind != "badge") || c.who.empty() || !auth::is_valid_pin(c.pin))
    return bad;
  return c;
}

}  // namespace storeedge::api
