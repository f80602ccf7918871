// Pure parsers for pieces of an API request: route patterns against a path, and the manager
// override header. Free functions so they can be unit-tested and fuzzed without a server.
#pragma once

#include <boost/url/segments_view.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace storeedge::api {

// Matches decoded path segments against a pattern such as "/api/v1/users/{id}". On a match,
// `params` receives the {placeholder} values in order (each non-empty).
bool match_route(std::string_view pattern, const boost::urls::segments_view& path,
                 std::vector<std::string>& params);

struct OverrideCredentials {
  bool by_badge = false;  // false: `who` is a user id
  std::string who;
  std::string pin;
};

// "user:<id>:<pin>" or "badge:<barcode>:<pin>"; the barcode may itself contain ':'.
[[nodiscard]] Result<OverrideCredentials> parse_override(std::string_view header);

}  // namespace storeedge::api
