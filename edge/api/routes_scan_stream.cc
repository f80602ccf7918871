// GET /api/v1/scans/stream: the live scans of the scanners bound to this device's station, as
// Server-Sent Events, for as long as the session lasts. See docs/devices.md#routing.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "api/api.h"

namespace storeedge::api {

namespace {

constexpr std::chrono::seconds kKeepAlive{15};

struct ScanStream {
  ScanStream(ScanRouter& router, std::string station, std::uint64_t after, std::string session)
      : listener(router, std::move(station)), after(after), session_hash(std::move(session)) {}
  ScanRouter::Listener listener;
  std::uint64_t after;
  std::string session_hash;
  bool greeted = false;
};

std::optional<std::uint64_t> last_event_id(const Request& req) {
  const auto h = req["Last-Event-ID"];
  if (h.empty()) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(h.data(), h.data() + h.size(), v);
  if (ec != std::errc{} || end != h.data() + h.size()) return std::nullopt;
  return v;
}

}  // namespace

awaitable<Response> Api::get_scan_stream(Call& call) {
  if (!deps_.scans)
    co_return error(make_error("unavailable", "this server routes no scanner scans"));
  const auto& station = call.who.device->station;
  if (!station)
    co_return error(make_error("no_station",
                               "this device stands at no station; a manager sets one with "
                               "PATCH /api/v1/devices/{id}"));
  // Without Last-Event-ID only scans from now on; with it, what the stream missed (as far as it
  // is still kept) — a reconnect after a network blip loses nothing.
  const std::uint64_t after = last_event_id(call.req).value_or(deps_.scans->next_seq() - 1);
  auto stream = std::make_shared<ScanStream>(*deps_.scans, *station, after, call.who.session_hash);
  call.stream = [this, stream]() -> awaitable<std::optional<std::string>> {
    if (!stream->greeted) {
      stream->greeted = true;
      boost::json::object hello{{"station", stream->listener.station()}};
      co_return "retry: 2000\nevent: hello\ndata: " + boost::json::serialize(hello) + "\n\n";
    }
    auto scans = co_await stream->listener.next(
        stream->after, std::chrono::duration_cast<std::chrono::milliseconds>(kKeepAlive));
    // The scans are the signed-in associate's: the stream ends with the session.
    auto session = auth::find_session(deps_.reader, stream->session_hash, now());
    if (!session || !*session) co_return std::nullopt;
    if (scans.empty()) co_return std::string(": keep-alive\n\n");
    std::string out;
    for (const auto& scan : scans) {
      out += "id: " + std::to_string(scan.seq) + "\nevent: scan\ndata: " + scan.data + "\n\n";
      stream->after = scan.seq;
    }
    co_return out;
  };
  Response head{http::Status::ok, 11};
  head.set(http::bhttp::field::content_type, "text/event-stream; charset=utf-8");
  head.set(http::bhttp::field::cache_control, "no-store");
  co_return head;
}

}  // namespace storeedge::api
