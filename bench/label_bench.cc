// label_bench: a BOPIS bag label rendered to ZPL and to PDF many times, each against a baseline
// measured in the same run — for ZPL, snprintf of the same fields into a fixed ZPL template; for
// PDF, a cairo PDF of the same text without barcodes. Prints median and p99 per render and the
// ratios to the baselines; the targets are ZPL ≤ 0.2 ms and PDF ≤ 5 ms per bag label.
#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "printer/label_kinds.h"
#include "printer/label_render.h"

namespace {

using namespace storeedge::printer;
using Clock = std::chrono::steady_clock;

struct Figures {
  double median_us = 0;
  double p99_us = 0;
};

// Runs `render` `runs` times after a short warm-up; each run's time in microseconds.
Figures measure(int runs, const std::function<std::size_t()>& render) {
  std::size_t bytes = 0;
  for (int i = 0; i < std::max(10, runs / 20); ++i) bytes += render();
  std::vector<double> times;
  times.reserve(static_cast<std::size_t>(runs));
  for (int i = 0; i < runs; ++i) {
    const auto start = Clock::now();
    bytes += render();
    times.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  if (bytes == 0) std::abort();  // every render produced something, and the work is not elided
  std::sort(times.begin(), times.end());
  return {times[times.size() / 2], times[std::min(times.size() - 1, times.size() * 99 / 100)]};
}

const BagLabelInput kBag{"ORD-2024-000123",          "AL-88412", "Jane Doe", "S-04", 1, 2,
                         "StoreEdge Demo Store 0042"};

// The same fields in a fixed ZPL template: the least a ZPL bag label can cost.
std::size_t baseline_zpl() {
  char out[1024];
  const int n = std::snprintf(
      out, sizeof out,
      "^XA^CI28^PW812^LL812^FO32,24^A0N,28,28^FD%s^FS^FO527,24^A0N,32,32^FDPICKUP^FS"
      "^FO32,108^A0N,56,56^FD%s^FS^FO32,176^A0N,44,44^FD%s^FS^FO48,292^A0N,88,88^FD%s^FS"
      "^FO32,440^A0N,56,56^FDBAG %d OF %d^FS^FO511,456^A0N,24,24^FDALLOC %s^FS"
      "^FO652,240^BQN,2,6^FDMA,%s^FS^FO139,527^BY3^BCN,160,N,N,N,N^FD%s^FS^XZ",
      kBag.store.c_str(), kBag.order.c_str(), kBag.customer_name.c_str(),
      kBag.staging_location.c_str(), kBag.bag, kBag.bags, kBag.allocation.c_str(),
      kBag.order.c_str(), kBag.order.c_str());
  return static_cast<std::size_t>(n);
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// The bag label's text alone, as a cairo PDF: what the PDF costs without barcodes and layout.
std::size_t baseline_pdf() {
  std::string out;
  const double side = 4 * 72.0;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(append, &out, side, side);
  cairo_t* cr = cairo_create(surface);
  const std::string bag = "BAG 1 OF 2";
  const std::string alloc = "ALLOC " + kBag.allocation;
  struct Line {
    const std::string* text;
    double x, y, size;
    bool bold;
  };
  const Line lines[] = {{&kBag.store, 11, 18, 10, false},
                        {&kBag.order, 11, 55, 20, true},
                        {&kBag.customer_name, 11, 77, 15, false},
                        {&kBag.staging_location, 17, 135, 31, true},
                        {&bag, 11, 175, 20, true},
                        {&alloc, 181, 175, 8, false},
                        {&kBag.order, 98, 262, 10, false}};
  for (const Line& l : lines) {
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                           l.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, l.size);
    cairo_move_to(cr, l.x, l.y);
    cairo_show_text(cr, l.text->c_str());
  }
  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  return out.size();
}

void report(const char* name, const Figures& f, const Figures& baseline, double target_ms) {
  std::printf("%-28s median %8.1f us  p99 %8.1f us  ratio to baseline %5.1fx  target %.1f ms: %s\n",
              name, f.median_us, f.p99_us, f.median_us / baseline.median_us, target_ms,
              f.median_us <= target_ms * 1000 ? "met" : "MISSED");
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(100, std::atoi(argv[1])) : 2000;
  auto label = make_bag_label(kBag);
  if (!label) {
    std::fprintf(stderr, "label_bench: %s\n", label.error().message.c_str());
    return 1;
  }
  const auto zpl_size = [&]() -> std::size_t {
    auto r = render_zpl(*label, 203);
    return r ? r->size() : 0;
  };
  const auto pdf_size = [&]() -> std::size_t {
    auto r = render_pdf(*label);
    return r ? r->size() : 0;
  };
  if (zpl_size() == 0 || pdf_size() == 0) {
    std::fprintf(stderr, "label_bench: rendering failed\n");
    return 1;
  }
  std::printf("label_bench: bag label (4x4 in, Code 128 + QR Code), %d runs per figure\n", runs);
  const Figures zpl_baseline = measure(runs, baseline_zpl);
  const Figures zpl = measure(runs, zpl_size);
  const Figures zpl_built = measure(runs, [&]() -> std::size_t {
    auto built = make_bag_label(kBag);
    auto r = built ? render_zpl(*built, 203) : storeedge::Result<std::string>(built.error());
    return r ? r->size() : 0;
  });
  const int pdf_runs = std::max(50, runs / 10);
  const Figures pdf_baseline = measure(pdf_runs, baseline_pdf);
  const Figures pdf = measure(pdf_runs, pdf_size);
  std::printf("%-28s median %8.1f us  p99 %8.1f us\n", "baseline: snprintf ZPL",
              zpl_baseline.median_us, zpl_baseline.p99_us);
  report("render_zpl (203 dpi)", zpl, zpl_baseline, 0.2);
  report("make_bag_label + render_zpl", zpl_built, zpl_baseline, 0.2);
  std::printf("%-28s median %8.1f us  p99 %8.1f us\n", "baseline: cairo text-only PDF",
              pdf_baseline.median_us, pdf_baseline.p99_us);
  report("render_pdf", pdf, pdf_baseline, 5);
  return 0;
}
