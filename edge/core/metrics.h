// Prometheus text exposition helpers and a lock-free histogram that any thread may observe.
// Components keep their own counters and append them to the /metrics page on request.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace storeedge::metrics {

// Latency buckets in seconds, from 100 µs to 10 s.
inline constexpr std::array<double, 14> kLatencyBuckets = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5, 10};

class Histogram {
 public:
  void observe(double seconds);
  // Appends the _bucket/_sum/_count series; `labels` is "" or `key="v",key2="w"`.
  void append(std::string& out, std::string_view name, std::string_view labels) const;

 private:
  std::array<std::atomic<std::uint64_t>, kLatencyBuckets.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
};

void append_header(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help);
void append_sample(std::string& out, std::string_view name, std::string_view labels, double value);
// Escapes a label value per the exposition format (backslash, quote, newline).
std::string escape_label(std::string_view v);

}  // namespace storeedge::metrics
