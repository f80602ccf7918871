// The request and response types the HTTP layer hands to the application, and the JSON error
// body every error uses: {"error": {"code": "...", "message": "..."}}.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace storeedge::http {

namespace bhttp = boost::beast::http;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;
using Status = bhttp::status;

// A body written as it is produced (Server-Sent Events). The server sends the response head with
// chunked transfer encoding, then each chunk next() yields, until it yields nullopt, the client
// goes away, or the server shuts down — then the pending next() is cancelled (its waits complete
// with operation_aborted). Runs on the loop.
using BodyStream = std::function<boost::asio::awaitable<std::optional<std::string>>()>;

// What the application answers: a response, and for a streamed body the stream (then the
// response is only the head: status and headers).
struct Reply {
  Response response;
  BodyStream stream;
  Reply(Response r) : response(std::move(r)) {}  // NOLINT: an ordinary response converts
  Reply(Response head, BodyStream s) : response(std::move(head)), stream(std::move(s)) {}
};

Response json_response(Status status, const boost::json::value& body);
Response error_response(Status status, std::string_view code, std::string_view message);
Response text_response(Status status, std::string body, std::string_view content_type);

}  // namespace storeedge::http
