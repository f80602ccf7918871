// For the scanner transport tests: the in-process umockdev testbed, script lines and a loop that
// drives a ScanSource. The binary must run with libumockdev-preload (umockdev-wrapper); see
// tests/umockdev/CMakeLists.txt.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "scanner/source.h"
#include "umockdev/testbed.h"

namespace storeedge::testing {

// A umockdev script "r" line: bytes <= 32 and '^' escaped as the script format says.
inline std::string script_read(const std::vector<std::uint8_t>& bytes) {
  std::string line = "r 0 ";
  for (auto b : bytes) {
    if (b == '^') {
      line += "^`";
    } else if (b <= 32) {
      line.push_back('^');
      line.push_back(static_cast<char>(b + 64));
    } else {
      line.push_back(static_cast<char>(b));
    }
  }
  return line + "\n";
}

struct Run {
  Result<void> opened;
  Result<void> claimed;
  Result<void> enabled;
  std::vector<Result<scanner::ScanEvent>> events;  // the last one may be an error
};

// Opens, claims and enables the source (built on `io`), then takes events until `max` or the first
// error; at most `deadline` of loop time (a guard against a hang, not a wait for the device).
inline Run drive(boost::asio::io_context& io, scanner::ScanSource& source, std::size_t max,
                 std::chrono::seconds deadline = std::chrono::seconds(20)) {
  namespace asio = boost::asio;
  Run run;
  bool finished = false;
  asio::steady_timer guard(io, deadline);
  guard.async_wait([&](boost::system::error_code ec) {
    if (!ec && !finished) source.release();
  });
  auto body = [&]() -> asio::awaitable<void> {
    run.opened = source.open();
    if (run.opened) run.claimed = source.claim();
    if (run.opened && run.claimed) run.enabled = source.enable();
    if (run.opened && run.claimed && run.enabled) {
      while (run.events.size() < max) {
        auto ev = co_await source.next_event();
        const bool failed = !ev;
        run.events.push_back(std::move(ev));
        if (failed) break;
      }
    }
    finished = true;
    guard.cancel();
  };
  asio::co_spawn(io, body, asio::detached);
  io.run();
  source.release();
  return run;
}

}  // namespace storeedge::testing
