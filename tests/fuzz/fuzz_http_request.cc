// Fuzz target: an HTTP request as the API sees it — Beast's parser with the server's limits,
// then our own parsing of the target, the routes, the JSON body and the override header.
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/url/parse.hpp>
#include <cstddef>
#include <cstdint>

#include "api/json_input.h"
#include "api/request_parsing.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace bhttp = boost::beast::http;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(8 * 1024);
  parser.body_limit(1024 * 1024);
  parser.eager(true);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_done()) return 0;
  const auto& req = parser.get();
  if (auto url = boost::urls::parse_origin_form(req.target())) {
    for (const char* pattern : {"/healthz", "/api/v1/users/{id}", "/api/v1/allocations/{id}"}) {
      std::vector<std::string> params;
      if (storeedge::api::match_route(pattern, url->segments(), params))
        for (const auto& p : params)
          if (p.empty()) __builtin_trap();
    }
    for (auto param : url->params()) (void)param.value.size();
  }
  if (auto body = storeedge::api::parse_json_object(req)) {
    for (const char* key : {"user", "badge", "pin", "id", "name", "role", "kind"})
      (void)storeedge::api::optional_string(*body, key);
    (void)storeedge::api::optional_bool(*body, "active");
  }
  (void)storeedge::api::parse_override(req["StoreEdge-Override"]);
  return 0;
}
