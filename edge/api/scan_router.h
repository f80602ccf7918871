// Routes scans from station-bound scanners to the associates signed in at that station: the
// device layer publishes each scan under its station; every live scan stream (one per signed-in
// browser at the station, GET /api/v1/scans/stream) receives it. The last scans of each station
// are kept (bounded) so a stream that reconnects with Last-Event-ID gets what it missed.
// Loop thread only.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <string>
#include <vector>

namespace storeedge::api {

struct RoutedScan {
  std::uint64_t seq = 0;  // increases across the daemon's restarts (it starts from the clock)
  std::string data;       // the event's JSON: {"seq", "at", "scanner", "station", "code", "scan"}
};

class ScanRouter {
 public:
  static constexpr std::size_t kKeptPerStation = 256;

  ScanRouter(boost::asio::any_io_executor ex, std::uint64_t first_seq);

  struct Published {
    std::uint64_t seq;
    std::size_t listeners;  // 0: nobody is signed in at the station to receive it
  };
  // Gives the event its seq, keeps it for the station and wakes the station's streams.
  Published publish(const std::string& station, boost::json::object event);
  std::uint64_t next_seq() const { return next_seq_; }

  // A stream's registration at a station; counted as a listener while it lives.
  class Listener {
   public:
    Listener(ScanRouter& router, std::string station);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;
    // The station's scans with seq > after, waiting up to `wait` for one to come. Empty on
    // timeout; completes early (empty) when cancelled.
    boost::asio::awaitable<std::vector<RoutedScan>> next(std::uint64_t after,
                                                         std::chrono::milliseconds wait);
    const std::string& station() const { return station_; }

   private:
    friend class ScanRouter;
    ScanRouter& router_;
    std::string station_;
    boost::asio::steady_timer wake_;
  };

  std::size_t listeners(const std::string& station) const;
  std::uint64_t published() const { return published_; }

 private:
  struct Station {
    std::deque<RoutedScan> kept;
    std::list<Listener*> listeners;
  };
  std::vector<RoutedScan> after(const std::string& station, std::uint64_t seq) const;

  boost::asio::any_io_executor ex_;
  std::map<std::string, Station> stations_;
  std::uint64_t next_seq_;
  std::uint64_t published_ = 0;
};

}  // namespace storeedge::api
