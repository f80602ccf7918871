// The request and response types the HTTP layer hands to the application, and the JSON error
// body every error uses: {"error": {"code": "...", "message": "..."}}.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace storeedge::http {

namespace bhttp = boost::beast::http;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;
using Status = bhttp::status;

Response json_response(Status status, const boost::json::value& body);
Response error_response(Status status, std::string_view code, std::string_view message);
Response text_response(Status status, std::string body, std::string_view content_type);

}  // namespace storeedge::http
