#include "printer/print_queue.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>

#include "core/log.h"
#include "core/metrics.h"

namespace storeedge::printer {

namespace asio = boost::asio;
using asio::use_awaitable;

struct PrintQueue::Worker {
  Worker(asio::io_context& ioc, Printer p) : printer(std::move(p)), wake(ioc) {}
  Printer printer;
  asio::steady_timer wake;
  std::string status = "not contacted yet";  // "ready", or why the printer cannot print
  std::string checked_at;
  std::chrono::steady_clock::time_point next_check{};  // an idle printer's status is re-read then
  std::deque<std::string> cancels;                     // printer job ids to cancel at the printer
  bool prints(const std::string& kind) const {
    const auto& p = printer.config.purposes;
    return std::find(p.begin(), p.end(), kind) != p.end();
  }
};

namespace {

// Errors that mean "not now": the job waits and is tried again.
bool is_transient(const std::string& code) {
  return code == "printer_offline" || code == "printer_not_accepting" ||
         code == "printer_stopped" || code == "printer_error" || code == "busy" ||
         code == "media_not_ready";  // someone can load the right media
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

PrintQueue::PrintQueue(asio::io_context& ioc, store::WriteQueue& writes, store::Connection& reader,
                       BlockingPool& pool, const Clock& clock, std::vector<Printer> printers,
                       Renderer render, PrintQueueOptions options)
    : ioc_(ioc),
      writes_(writes),
      reader_(reader),
      pool_(pool),
      clock_(clock),
      render_(std::move(render)),
      options_(options) {
  for (auto& p : printers) workers_.push_back(std::make_unique<Worker>(ioc, std::move(p)));
}

PrintQueue::~PrintQueue() {
  stop();
}

void PrintQueue::start() {
  const std::string at = now();
  writes_.submit(
      [at](store::Connection& db) -> Result<void> {
        auto n = mark_interrupted_print_jobs(db, at);
        if (!n) return n.error();
        if (*n > 0)
          log::warning("printing: " + std::to_string(*n) +
                       " job(s) were being sent when the daemon stopped; they are listed as "
                       "unknown for a person to reprint or cancel");
        return retry_waiting_print_jobs(db, at);
      },
      [](Result<void> r) {
        if (!r) log::error("printing: cannot recover the print queue: " + r.error().message);
      });
  for (auto& w : workers_) {
    Worker* worker = w.get();
    asio::co_spawn(
        ioc_, [this, worker] { return run(*worker); }, asio::detached);
  }
  park_unprintable_kinds();
}

void PrintQueue::stop() {
  stopped_ = true;
  for (auto& w : workers_) w->wake.cancel();
}

void PrintQueue::wake() {
  for (auto& w : workers_) w->wake.cancel();
}

void PrintQueue::cancel_at_printer(const PrintJob& job) {
  if (!job.printer || !job.printer_job || job.printer_job->empty()) return;
  for (auto& w : workers_)
    if (w->printer.config.name == *job.printer) {
      w->cancels.push_back(*job.printer_job);
      w->wake.cancel();
    }
}

// A job goes to a printer that prints its kind; when the job has a station and a printer for its
// kind stands there, to that one; once a printer has tried it, it stays with that printer.
bool PrintQueue::takes(const Worker& w, const PrintJob& job) const {
  if (!w.prints(job.kind)) return false;
  if (job.printer) return *job.printer == w.printer.config.name;
  if (!job.station) return true;
  if (w.printer.config.station == *job.station) return true;
  for (const auto& other : workers_)
    if (other->prints(job.kind) && other->printer.config.station == *job.station) return false;
  return true;
}

std::string PrintQueue::later(std::int64_t attempts) const {
  const auto shift = std::min<std::int64_t>(std::max<std::int64_t>(attempts - 1, 0), 10);
  const auto wait = std::min(options_.retry_max, options_.retry_min * (std::int64_t{1} << shift));
  return format_rfc3339(clock_.now() + wait);
}

template <class T>
asio::awaitable<std::optional<T>> PrintQueue::on_pool(std::function<T()> fn) {
  auto r = co_await pool_.async_run<T>(ioc_.get_executor(), std::move(fn), use_awaitable);
  co_return r;
}

asio::awaitable<Result<void>> PrintQueue::commit(
    std::function<Result<void>(store::Connection&)> fn) {
  store::WriteQueue::Change change = std::move(fn);
  auto r = co_await writes_.async_write(ioc_.get_executor(), std::move(change), use_awaitable);
  co_return r;
}

asio::awaitable<void> PrintQueue::run(Worker& w) {
  while (!stopped_) {
    while (!w.cancels.empty() && !stopped_) {
      std::function<Result<void>()> cancel = [backend = w.printer.backend.get(),
                                              id = w.cancels.front()] {
        return backend->cancel(id);
      };
      w.cancels.pop_front();
      auto r = co_await on_pool<Result<void>>(std::move(cancel));
      if (r && !*r)
        log::warning("printing: " + w.printer.config.name +
                     ": cancel failed: " + r->error().message);
    }
    co_await send_due(w);
    co_await follow_sent(w);
    if (stopped_) break;
    co_await check_idle(w);
    w.wake.expires_after(options_.poll);
    co_await w.wake.async_wait(asio::as_tuple(use_awaitable));
  }
}

asio::awaitable<void> PrintQueue::send_due(Worker& w) {
  auto due = due_print_jobs(reader_, now(), 64);
  if (!due) {
    log::warning("printing: cannot read the print queue: " + due.error().message);
    co_return;
  }
  for (auto& job : *due) {
    if (stopped_) co_return;
    if (!takes(w, job)) continue;
    if (!co_await send(w, std::move(job))) co_return;  // the printer cannot take more now
  }
}

// Returns false when the printer cannot take jobs now (the rest wait for the next round).
asio::awaitable<bool> PrintQueue::send(Worker& w, PrintJob job) {
  const std::string id = std::to_string(job.id);
  auto prepared = render_(reader_, job, w.printer.config);
  if (!prepared) {
    JobUpdate failed{"failed",     w.printer.config.name,
                     std::nullopt, prepared.error().code + ": " + prepared.error().message,
                     std::nullopt, false,
                     true};
    // Named, not a temporary in the co_await: GCC 12 mis-copies such temporaries.
    std::function<Result<void>(store::Connection&)> change1 = [&, failed](store::Connection& db) {
      return update_print_job(db, job.id, job.state, failed, now());
    };
    auto c = co_await commit(std::move(change1));
    if (c) ++failed_;
    co_return true;
  }
  // Committed before the printer is asked: a crash from here on leaves the job "sending", and
  // the next start lists it as unknown instead of sending it again on a guess.
  JobUpdate sending{
      "sending", w.printer.config.name, std::nullopt, std::nullopt, std::nullopt, true, false};
  // Named, not a temporary in the co_await: GCC 12 mis-copies such temporaries.
  std::function<Result<void>(store::Connection&)> change2 = [&, sending](store::Connection& db) {
    return update_print_job(db, job.id, job.state, sending, now());
  };
  auto claimed = co_await commit(std::move(change2));
  if (!claimed) co_return true;  // cancelled or taken meanwhile

  std::function<Result<std::string>()> submit = [backend = w.printer.backend.get(),
                                                 render = std::move(*prepared),
                                                 id]() -> Result<std::string> {
    auto caps = backend->capabilities();
    if (!caps) return caps.error();
    if (!caps->accepting)
      return make_error(
          "printer_not_accepting",
          "the printer is not accepting jobs" + (caps->state_reasons.empty()
                                                     ? std::string()
                                                     : " (" + joined(caps->state_reasons) + ")"));
    if (caps->state == "stopped")
      return make_error("printer_stopped",
                        "the printer is stopped (" + joined(caps->state_reasons) + ")");
    auto document = render();
    if (!document) return document.error();
    if (std::find(caps->formats.begin(), caps->formats.end(), document->format) ==
        caps->formats.end())
      return make_error("format_unsupported",
                        "the printer does not take " + std::string(format_name(document->format)));
    // Media and resolution, where the printer reports them: a label on the wrong stock or at the
    // wrong size is garbage, not a print.
    if (auto fits = check_fits(*caps, *document); !fits) return fits.error();
    return backend->submit(*document, "storeedge-job-" + id);
  };
  auto result = co_await on_pool<Result<std::string>>(std::move(submit));
  w.checked_at = now();
  w.next_check = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  JobUpdate next;
  bool ok = true;
  if (!result) {
    next = {"waiting", std::nullopt, std::nullopt, "the printing pool is busy",
            later(1),  false,        false};
    ok = false;
  } else if (*result) {
    ++sent_;
    w.status = "ready";
    if ((*result)->empty()) {  // a raw printer: the whole document was taken
      next = {"done", std::nullopt, std::nullopt, std::nullopt, std::nullopt, false, true};
      ++completed_;
    } else {
      next = {"sent", std::nullopt, **result, std::nullopt, std::nullopt, false, false};
    }
  } else if (result->error().code == "printer_timeout") {
    // The bytes went out but the printer never confirmed: it may have printed. A person decides.
    ++failed_;
    next = {"unknown",    std::nullopt,
            std::nullopt, result->error().message + "; look at the printer, then reprint or cancel",
            std::nullopt, false,
            false};
  } else if (is_transient(result->error().code)) {
    ++retries_;
    w.status = result->error().message;
    next = {"waiting", std::nullopt, std::nullopt, result->error().message, later(job.attempts + 1),
            false,     false};
    ok = false;
  } else {
    ++failed_;
    next = {"failed",     std::nullopt,
            std::nullopt, result->error().code + ": " + result->error().message,
            std::nullopt, false,
            true};
  }
  // Named, not a temporary in the co_await: GCC 12 mis-copies such temporaries.
  std::function<Result<void>(store::Connection&)> change3 = [&, next](store::Connection& db) {
    return update_print_job(db, job.id, "sending", next, now());
  };
  auto c = co_await commit(std::move(change3));
  if (!c && next.state == "sent") {
    // Cancelled by a person while it was being sent: cancel it at the printer too.
    w.cancels.push_back(*next.printer_job);
  } else if (!c) {
    log::warning("printing: job " + id + ": " + c.error().message);
  }
  co_return ok;
}

// Every 30 s without a job, the printer's status is read again, so the listing shows a printer
// that came back (or went away) before a job finds out.
asio::awaitable<void> PrintQueue::check_idle(Worker& w) {
  const auto at = std::chrono::steady_clock::now();
  if (at < w.next_check) co_return;
  w.next_check = at + std::chrono::seconds(30);
  std::function<Result<PrinterCapabilities>()> ask = [backend = w.printer.backend.get()] {
    return backend->capabilities();
  };
  auto caps = co_await on_pool<Result<PrinterCapabilities>>(std::move(ask));
  if (!caps) co_return;
  w.checked_at = now();
  if (!*caps)
    w.status = caps->error().message;
  else if (!(*caps)->accepting)
    w.status = "not accepting jobs";
  else if ((*caps)->state == "stopped")
    w.status = "stopped (" + joined((*caps)->state_reasons) + ")";
  else
    w.status = "ready";
}

asio::awaitable<void> PrintQueue::follow_sent(Worker& w) {
  auto sent = sent_print_jobs(reader_, 64);
  if (!sent) co_return;
  for (auto& job : *sent) {
    if (stopped_) co_return;
    if (!job.printer || *job.printer != w.printer.config.name || !job.printer_job) continue;
    std::function<Result<JobStatus>()> ask =
        [backend = w.printer.backend.get(), id = *job.printer_job] { return backend->status(id); };
    auto status = co_await on_pool<Result<JobStatus>>(std::move(ask));
    if (!status) co_return;
    w.checked_at = now();
    if (!*status && status->error().code == "job_not_found") {
      // The printer (or CUPS, restarted without its history) forgot the job: whether it printed
      // is not known any more.
      JobUpdate lost{"unknown",
                     std::nullopt,
                     std::nullopt,
                     "the printer no longer knows job " + *job.printer_job +
                         "; look at the printer, then reprint or cancel",
                     std::nullopt,
                     false,
                     false};
      std::function<Result<void>(store::Connection&)> forget = [&, lost](store::Connection& db) {
        return update_print_job(db, job.id, "sent", lost, now());
      };
      co_await commit(std::move(forget));
      continue;
    }
    if (!*status) {
      w.status = status->error().message;
      co_return;  // the printer (server) is unreachable: ask again next round
    }
    w.status = "ready";
    const JobStatus& s = **status;
    const std::string words =
        s.message.empty() ? joined(s.reasons)
                          : s.message + (s.reasons.empty() ? "" : " (" + joined(s.reasons) + ")");
    JobUpdate next;
    if (s.state == JobState::completed) {
      next = {"done", std::nullopt, std::nullopt, std::nullopt, std::nullopt, false, true};
      ++completed_;
    } else if (s.state == JobState::aborted) {
      next = {"failed",     std::nullopt, std::nullopt, "the printer aborted the job: " + words,
              std::nullopt, false,        true};
      ++failed_;
    } else if (s.state == JobState::cancelled) {
      next = {"cancelled",  std::nullopt, std::nullopt, "cancelled at the printer",
              std::nullopt, false,        true};
    } else {
      // Still at the printer (pending, held, processing, stopped): keep it; show why it waits.
      const std::string reason =
          std::string(job_state_name(s.state)) + (words.empty() ? "" : ": " + words);
      if (job.reason && *job.reason == reason) continue;
      next = {"sent", std::nullopt, std::nullopt, reason, std::nullopt, false, false};
    }
    // Named, not a temporary in the co_await: GCC 12 mis-copies such temporaries.
    std::function<Result<void>(store::Connection&)> change4 = [&, next](store::Connection& db) {
      return update_print_job(db, job.id, "sent", next, now());
    };
    co_await commit(std::move(change4));
  }
}

// Jobs of a kind no printer prints wait, saying so (a restart with such a printer sends them).
void PrintQueue::park_unprintable_kinds() {
  std::vector<std::string> kinds;
  for (const auto& w : workers_)
    for (const auto& p : w->printer.config.purposes) kinds.push_back(p);
  const std::string at = now(), until = format_rfc3339(clock_.now() + std::chrono::hours(24 * 365));
  writes_.submit(
      [kinds, at, until](store::Connection& db) -> Result<void> {
        auto due = due_print_jobs(db, at, 10'000);
        if (!due) return due.error();
        for (const auto& job : *due) {
          if (std::find(kinds.begin(), kinds.end(), job.kind) != kinds.end()) continue;
          JobUpdate u{
              "waiting",    std::nullopt,
              std::nullopt, "no printer for " + job.kind + " is configured ([[printers.printer]])",
              until,        false,
              false};
          if (auto r = update_print_job(db, job.id, job.state, u, at); !r) return r;
        }
        return {};
      },
      [](Result<void> r) {
        if (!r) log::warning("printing: " + r.error().message);
      });
}

boost::json::array PrintQueue::printers_json() const {
  boost::json::array out;
  for (const auto& w : workers_) {
    boost::json::array purposes;
    for (const auto& p : w->printer.config.purposes) purposes.push_back(boost::json::value(p));
    out.push_back(boost::json::object{
        {"name", w->printer.config.name},
        {"station", w->printer.config.station.empty()
                        ? boost::json::value(nullptr)
                        : boost::json::value(w->printer.config.station)},
        {"purposes", std::move(purposes)},
        {"backend", w->printer.backend->describe()},
        {"format", w->printer.config.format},
        {"status", w->status},
        {"checked_at",
         w->checked_at.empty() ? boost::json::value(nullptr) : boost::json::value(w->checked_at)}});
  }
  return out;
}

void PrintQueue::append_metrics(std::string& out) const {
  using metrics::append_header;
  using metrics::append_sample;
  append_header(out, "storeedge_print_jobs_sent_total", "counter", "Print jobs a printer took.");
  append_sample(out, "storeedge_print_jobs_sent_total", "", static_cast<double>(sent_));
  append_header(out, "storeedge_print_jobs_completed_total", "counter", "Print jobs completed.");
  append_sample(out, "storeedge_print_jobs_completed_total", "", static_cast<double>(completed_));
  append_header(out, "storeedge_print_jobs_failed_total", "counter",
                "Print jobs failed (aborted by the printer, not renderable, format refused).");
  append_sample(out, "storeedge_print_jobs_failed_total", "", static_cast<double>(failed_));
  append_header(out, "storeedge_print_job_retries_total", "counter",
                "Times a printer could not take a job and it waited.");
  append_sample(out, "storeedge_print_job_retries_total", "", static_cast<double>(retries_));
}

}  // namespace storeedge::printer
