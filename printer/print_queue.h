// The print queue's worker: sends due jobs to their printers and follows them to completion. One
// coroutine per configured printer takes the jobs of the kinds it prints, one at a time and in
// order: render, check the printer's capabilities, submit, then poll the printer's job state. A
// printer that is offline, out of media, paused or not accepting makes the job wait and retry
// with backoff; an aborted job is failed and visible; nothing is sent twice unless a person asks
// for a reprint (every state change commits before the next step). Loop thread; printer calls
// run on the printing pool.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/array.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/blocking_pool.h"
#include "core/clock.h"
#include "core/config.h"
#include "printer/backend.h"
#include "printer/print_jobs.h"
#include "store/write_queue.h"

namespace storeedge::printer {

// Makes the document of a job for a printer: reads what it needs on the loop (the reader
// connection) and returns the rendering to run on the pool. Errors fail the job ("no_data").
using Renderer = std::function<Result<std::function<Result<Document>()>>(
    store::Connection& reader, const PrintJob& job, const PrinterConfig& printer)>;

struct Printer {
  PrinterConfig config;
  std::unique_ptr<PrinterBackend> backend;
};

struct PrintQueueOptions {
  std::chrono::milliseconds poll{500};         // due jobs and job states are looked at this often
  std::chrono::milliseconds retry_min{2'000};  // first wait after a printer could not take a job
  std::chrono::milliseconds retry_max{60'000};
};

class PrintQueue {
 public:
  PrintQueue(boost::asio::io_context& ioc, store::WriteQueue& writes, store::Connection& reader,
             BlockingPool& pool, const Clock& clock, std::vector<Printer> printers, Renderer render,
             PrintQueueOptions options = {});
  ~PrintQueue();

  // Marks jobs a stopped daemon left in sending as unknown, then starts the printers' workers.
  void start();
  void stop();
  // A job was committed: look now instead of at the next poll.
  void wake();
  // Cancels a job at its printer (after the row was cancelled); completes on the loop.
  void cancel_at_printer(const PrintJob& job);

  boost::json::array printers_json() const;
  void append_metrics(std::string& out) const;

 private:
  struct Worker;
  boost::asio::awaitable<void> run(Worker& w);
  boost::asio::awaitable<void> send_due(Worker& w);
  boost::asio::awaitable<void> follow_sent(Worker& w);
  boost::asio::awaitable<void> check_idle(Worker& w);
  boost::asio::awaitable<bool> send(Worker& w, PrintJob job);
  boost::asio::awaitable<Result<void>> commit(std::function<Result<void>(store::Connection&)> fn);
  template <class T>
  boost::asio::awaitable<std::optional<T>> on_pool(std::function<T()> fn);
  std::string now() const { return format_rfc3339(clock_.now()); }
  std::string later(std::int64_t attempts) const;
  bool takes(const Worker& w, const PrintJob& job) const;
  void park_unprintable_kinds();

  boost::asio::io_context& ioc_;
  store::WriteQueue& writes_;
  store::Connection& reader_;
  BlockingPool& pool_;
  const Clock& clock_;
  Renderer render_;
  PrintQueueOptions options_;
  std::vector<std::unique_ptr<Worker>> workers_;
  bool stopped_ = false;
  std::uint64_t sent_ = 0, completed_ = 0, failed_ = 0, retries_ = 0;
};

}  // namespace storeedge::printer
