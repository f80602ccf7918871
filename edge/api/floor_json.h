// Pieces shared by the floor's routes (fulfil, packing, put-back, inventory, batches): the JSON
// shapes of an allocation, a line and a pick, and the checks of path and query values.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <string>

#include "core/error.h"
#include "fulfil/packing.h"
#include "fulfil/picking.h"
#include "http/message.h"

namespace storeedge::api {

boost::json::object line_json(const fulfil::Line& l);
boost::json::object work_json(const fulfil::Allocation& a);
boost::json::object pick_json(const fulfil::PickOutcome& p);
boost::json::object package_json(const fulfil::Package& p);
boost::json::array packages_json(const std::vector<fulfil::Package>& packages);

// A body value naming a thing on the floor (bin, line, bay): 1-64 printable ASCII characters.
[[nodiscard]] Result<std::string> floor_name(const boost::json::object& body, std::string_view key);

// The body as a JSON object; an empty body is an empty object.
[[nodiscard]] Result<boost::json::object> body_of(const http::Request& req);

// An integer query parameter from `min` to `max`; absent = `fallback`.
[[nodiscard]] Result<int> int_param(const std::map<std::string, std::string>& q,
                                    const std::string& key, int fallback, int min, int max);

// A numeric path segment (a pick, count, put-back or batch id): not_found when it is not one.
[[nodiscard]] Result<std::int64_t> id_param(const std::string& segment, std::string_view what);

}  // namespace storeedge::api
