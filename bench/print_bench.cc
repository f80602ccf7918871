// print_bench: a small ZPL label through a CUPS queue, from submit to `completed`. A real cupsd
// in a temp dir with a raw queue whose device is socket:// to a loopback listener that takes the
// bytes (as a port-9100 printer does); each job is submitted with the CUPS backend and its
// status polled until completed, one job at a time (latency, not throughput).
//
// Baseline in the same run: the same bytes straight to the same listener with the raw 9100
// backend (connect, send, half-close, wait for the close). Target: CUPS p99 ≤ 100 ms (issue 6).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "integration/printers_fixture.h"
#include "printer/backends.h"

namespace {

using namespace storeedge;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Latencies {
  std::vector<double> ms;
  double percentile(double p) const {
    std::vector<double> v = ms;
    std::sort(v.begin(), v.end());
    if (v.empty()) return 0;
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
  }
  double max() const { return ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end()); }
};

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what);
}

printer::Document label(int n) {
  printer::Document doc;
  doc.format = printer::DocumentFormat::zpl;
  doc.bytes = "^XA^CI28^FO40,40^A0N,48,48^FDPICK " + std::to_string(n) +
              "^FS^FO40,110^BY3^BCN,120,Y,N,N^FD0400638133393" + std::to_string(n % 10) +
              "^FS^XZ\r\n";
  return doc;
}

// Submit, then poll status every `poll` until completed. Returns {submit ms, completed ms}.
std::pair<double, double> one_cups_job(printer::PrinterBackend& backend, int n,
                                       std::chrono::microseconds poll) {
  const auto t0 = Clock::now();
  auto job = backend.submit(label(n), "bench " + std::to_string(n));
  if (!job) fail("submit: " + job.error().code + ": " + job.error().message);
  const double submitted = ms_since(t0);
  const auto deadline = t0 + 30s;
  while (true) {
    auto status = backend.status(*job);
    if (!status) fail("status: " + status.error().message);
    if (status->state == printer::JobState::completed) break;
    if (printer::is_final(status->state))
      fail("job " + *job + " ended " + std::string(printer::job_state_name(status->state)));
    if (Clock::now() > deadline) fail("job " + *job + " not completed within 30 s");
    std::this_thread::sleep_for(poll);
  }
  return {submitted, ms_since(t0)};
}

void print_row(const char* name, const Latencies& l) {
  std::printf("%-34s p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms\n", name, l.percentile(0.5),
              l.percentile(0.99), l.max());
}

}  // namespace

int main(int argc, char** argv) {
  int jobs = 200;
  int warmup = 10;
  auto poll = std::chrono::microseconds(2000);
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--jobs") && i + 1 < argc) {
      jobs = std::atoi(argv[++i]);
    } else if (!std::strcmp(argv[i], "--poll-us") && i + 1 < argc) {
      poll = std::chrono::microseconds(std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: print_bench [--jobs N (200)] [--poll-us MICROSECONDS (2000)]\n");
      return 2;
    }
  }
  try {
    testing::CupsServer cups;
    testing::ByteSink printer_port;
    cups.add_raw_queue("zebra1", "socket://127.0.0.1:" + std::to_string(printer_port.port()));
    auto cups_backend = printer::make_cups_backend("zebra1", cups.server());
    auto raw_backend =
        printer::make_raw_backend("127.0.0.1", static_cast<std::uint16_t>(printer_port.port()));

    for (int i = 0; i < warmup; ++i) one_cups_job(*cups_backend, i, poll);
    Latencies submit, completed, raw;
    for (int i = 0; i < jobs; ++i) {
      auto [s, c] = one_cups_job(*cups_backend, i, poll);
      submit.ms.push_back(s);
      completed.ms.push_back(c);
    }
    for (int i = 0; i < warmup + jobs; ++i) {
      const auto t0 = Clock::now();
      auto sent = raw_backend->submit(label(i), "raw");
      if (!sent) fail("raw submit: " + sent.error().message);
      if (i >= warmup) raw.ms.push_back(ms_since(t0));
    }
    // What the listener must have got, in order: the CUPS jobs, then the raw ones.
    std::vector<std::string> expected;
    for (int i = 0; i < warmup; ++i) expected.push_back(label(i).bytes);
    for (int i = 0; i < jobs; ++i) expected.push_back(label(i).bytes);
    for (int i = 0; i < warmup + jobs; ++i) expected.push_back(label(i).bytes);
    printer_port.wait_for_jobs(expected.size(), 10s);
    if (printer_port.jobs() != expected)
      fail("the listener did not get every job byte for byte (" +
           std::to_string(printer_port.jobs().size()) + " of " + std::to_string(expected.size()) +
           ")");

    std::printf("print_bench: %d jobs of %zu bytes, one at a time, status polled every %lld us\n",
                jobs, label(0).bytes.size(), static_cast<long long>(poll.count()));
    print_row("cups: submit returned", submit);
    print_row("cups: submit -> completed", completed);
    print_row("baseline raw 9100: sent + closed", raw);
    std::printf("ratio cups/raw: p50 %.1fx, p99 %.1fx\n",
                completed.percentile(0.5) / raw.percentile(0.5),
                completed.percentile(0.99) / raw.percentile(0.99));
    std::printf("target cups p99 <= 100 ms: %s\n",
                completed.percentile(0.99) <= 100 ? "met" : "NOT met");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "print_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
