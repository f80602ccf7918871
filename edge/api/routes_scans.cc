// Barcodes in a photo from a handheld's camera: the image is loaded and decoded in a child
// process (scanner/decode_isolated.h) run from the blocking pool, never on the loop.
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/json/array.hpp>

#include "api/api.h"
#include "scanner/decode_isolated.h"
#include "scanner/scan_json.h"

namespace storeedge::api {

using http::Status;

namespace {

// The media type without parameters and blanks, as sent.
std::string_view media_type(const Request& req) {
  std::string_view ct = req[http::bhttp::field::content_type];
  ct = ct.substr(0, ct.find(';'));
  while (!ct.empty() && (ct.back() == ' ' || ct.back() == '\t')) ct.remove_suffix(1);
  while (!ct.empty() && (ct.front() == ' ' || ct.front() == '\t')) ct.remove_prefix(1);
  return ct;
}

}  // namespace

// The Content-Type only says the client means an image; the format is taken from the data's
// magic bytes (a JPEG labelled image/png is read as the JPEG it is).
awaitable<Response> Api::post_scan_image(Call& call) {
  const std::string_view type = media_type(call.req);
  if (!boost::beast::iequals(type, "image/jpeg") && !boost::beast::iequals(type, "image/png"))
    co_return error(
        make_error("unsupported_media_type", "the body must be an image/jpeg or image/png photo"));
  using Decoded = Result<std::vector<scanner::ScanEvent>>;
  // The camera fallback counts the first code found: one symbol, the fastest search.
  std::function<Decoded()> job = [image = call.req.body()] {
    return scanner::load_and_decode_isolated(image, scanner::IsolatedDecode{});
  };
  auto decoded = co_await deps_.pool.async_run<Decoded>(deps_.ioc.get_executor(), std::move(job),
                                                        boost::asio::use_awaitable);
  if (!decoded) co_return error(make_error("overloaded", "too many images at once; retry"));
  if (!*decoded) co_return error(decoded->error());
  boost::json::array codes;
  for (const auto& scan : **decoded) codes.push_back(scanner::scan_json(scan));
  co_return http::json_response(Status::ok, {{"codes", std::move(codes)}});
}

}  // namespace storeedge::api
