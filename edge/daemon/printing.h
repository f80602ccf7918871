// The daemon's printing: the configured printers with their backends (printer/backends.h), the
// print queue that sends jobs to them, and the printing pool their blocking calls run on.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>

#include "core/blocking_pool.h"
#include "core/config.h"
#include "printer/print_queue.h"

namespace storeedge::daemon {

class Printing {
 public:
  Printing(boost::asio::io_context& ioc, store::WriteQueue& writes, store::Connection& reader,
           const Clock& clock, const Config& config);
  ~Printing();
  void start();
  void stop();
  printer::PrintQueue& queue() { return *queue_; }

 private:
  BlockingPool pool_;
  std::unique_ptr<printer::PrintQueue> queue_;
};

}  // namespace storeedge::daemon
