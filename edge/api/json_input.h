// Reading JSON request bodies: parse with a depth bound and pick typed fields, each failure an
// "invalid_request" error that names the field.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

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

}  // namespace storeedge::api
