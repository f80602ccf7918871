#include "api/scan_router.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

namespace storeedge::api {

ScanRouter::ScanRouter(boost::asio::any_io_executor ex, std::uint64_t first_seq)
    : ex_(std::move(ex)), next_seq_(first_seq) {}

ScanRouter::Published ScanRouter::publish(const std::string& station, boost::json::object event) {
  Station& s = stations_[station];
  const std::uint64_t seq = next_seq_++;
  event["seq"] = seq;
  s.kept.push_back({seq, boost::json::serialize(event)});
  if (s.kept.size() > kKeptPerStation) s.kept.pop_front();
  ++published_;
  for (Listener* l : s.listeners) l->wake_.cancel();
  return {seq, s.listeners.size()};
}

std::size_t ScanRouter::listeners(const std::string& station) const {
  auto it = stations_.find(station);
  return it == stations_.end() ? 0 : it->second.listeners.size();
}

std::vector<RoutedScan> ScanRouter::after(const std::string& station, std::uint64_t seq) const {
  std::vector<RoutedScan> out;
  auto it = stations_.find(station);
  if (it == stations_.end()) return out;
  for (const auto& scan : it->second.kept)
    if (scan.seq > seq) out.push_back(scan);
  return out;
}

ScanRouter::Listener::Listener(ScanRouter& router, std::string station)
    : router_(router), station_(std::move(station)), wake_(router.ex_) {
  router_.stations_[station_].listeners.push_back(this);
}

ScanRouter::Listener::~Listener() {
  router_.stations_[station_].listeners.remove(this);
}

boost::asio::awaitable<std::vector<RoutedScan>> ScanRouter::Listener::next(
    std::uint64_t after, std::chrono::milliseconds wait) {
  auto scans = router_.after(station_, after);
  if (!scans.empty()) co_return scans;
  wake_.expires_after(wait);
  co_await wake_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  co_return router_.after(station_, after);
}

}  // namespace storeedge::api
