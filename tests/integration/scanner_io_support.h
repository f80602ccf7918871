// Test helper for the scanner transports: run one next_event() on an io_context with a deadline
// (the watchdog releases the source, so a hang fails as "released" instead of blocking ctest).
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <exception>
#include <optional>

#include "scanner/source.h"

namespace storeedge::scanner::testing {

inline Result<ScanEvent> next_scan(ScanSource& source, boost::asio::io_context& io,
                                   std::chrono::seconds deadline = std::chrono::seconds(20)) {
  std::optional<Result<ScanEvent>> out;
  boost::asio::co_spawn(io, source.next_event(), [&out](std::exception_ptr e, Result<ScanEvent> r) {
    if (e) std::rethrow_exception(e);
    out.emplace(std::move(r));
  });
  boost::asio::steady_timer watchdog(io, deadline);
  watchdog.async_wait([&source](boost::system::error_code ec) {
    if (!ec) source.release();
  });
  io.restart();
  while (!out && io.run_one()) {
  }
  watchdog.cancel();
  io.poll();
  if (!out) return make_error("test_error", "next_event never completed");
  return std::move(*out);
}

}  // namespace storeedge::scanner::testing
