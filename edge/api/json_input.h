// Reading JSON request bodies: parse with a depth bound and pick typed fields, each failure an
// "invalid_request" error that names the field.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "http/message.h"

namespace storeedge::api {

// The body as a JSON object; requires Content-Type application/json.
[[nodiscard]] Result<boost::json::object> parse_json_object(const http::Request& req);

[[nodiscard]] Result<std::optional<std::string>> optional_string(const boost::json::object& o,
                                                                 std::string_view key);
[[nodiscard]] Result<std::string> required_string(const boost::json::object& o,
                                                  std::string_view key);
[[nodiscard]] Result<std::optional<bool>> optional_bool(const boost::json::object& o,
                                                        std::string_view key);

// An integer from `min` to `max`; absent or null = nullopt.
[[nodiscard]] Result<std::optional<std::int64_t>> optional_int(const boost::json::object& o,
                                                               std::string_view key,
                                                               std::int64_t min, std::int64_t max);
// An array of objects, absent or null = empty.
[[nodiscard]] Result<std::vector<boost::json::object>> optional_objects(
    const boost::json::object& o, std::string_view key, std::size_t max_items);

}  // namespace storeedge::api
