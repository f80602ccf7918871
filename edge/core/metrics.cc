#include "core/metrics.h"

#include <cmath>
#include <cstdio>

namespace storeedge::metrics {

void Histogram::observe(double seconds) {
  size_t i = 0;
  while (i < kLatencyBuckets.size() && seconds > kLatencyBuckets[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(std::llround(seconds * 1e6)),
                        std::memory_order_relaxed);
}

void Histogram::append(std::string& out, std::string_view name, std::string_view labels) const {
  std::uint64_t cumulative = 0;
  std::string series = std::string(name) + "_bucket";
  std::string sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i <= kLatencyBuckets.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    char le[32];
    if (i < kLatencyBuckets.size())
      std::snprintf(le, sizeof le, "%g", kLatencyBuckets[i]);
    else
      std::snprintf(le, sizeof le, "+Inf");
    append_sample(out, series, std::string(labels) + sep + "le=\"" + le + "\"",
                  static_cast<double>(cumulative));
  }
  append_sample(out, std::string(name) + "_sum", labels,
                static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6);
  append_sample(out, std::string(name) + "_count", labels,
                static_cast<double>(count_.load(std::memory_order_relaxed)));
}

void append_header(std::string& out, std::string_view name, std::string_view type,
                   std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void append_sample(std::string& out, std::string_view name, std::string_view labels, double value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, " %.17g\n", value);
  out += buf;
}

std::string escape_label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace storeedge::metrics
