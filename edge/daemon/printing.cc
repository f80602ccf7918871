#include "daemon/printing.h"

#include "daemon/print_documents.h"
#include "printer/backends.h"

namespace storeedge::daemon {

namespace {

// A raw port or raw CUPS queue passes bytes through: the printer's configured format says which
// language it speaks.
std::unique_ptr<printer::PrinterBackend> make_backend(const PrinterConfig& p) {
  constexpr std::chrono::seconds kTimeout{10};
  const auto raw_language =
      p.format == "escpos" ? printer::DocumentFormat::escpos : printer::DocumentFormat::zpl;
  if (p.backend == "cups")
    return printer::make_cups_backend(p.queue, p.server, kTimeout, raw_language);
  if (p.backend == "ipp") return printer::make_ipp_backend(p.uri);
  return printer::make_raw_backend(p.host, p.port, kTimeout, raw_language);
}

std::vector<printer::Printer> printers_of(const Config& config) {
  std::vector<printer::Printer> out;
  for (const auto& p : config.printing.printers) out.push_back({p, make_backend(p)});
  return out;
}

}  // namespace

// One thread per printer (up to 4): a printer that takes its time to time out keeps only its
// own jobs waiting.
Printing::Printing(boost::asio::io_context& ioc, store::WriteQueue& writes,
                   store::Connection& reader, const Clock& clock, const Config& config)
    : pool_(std::clamp<std::size_t>(config.printing.printers.size(), 1, 4), 64),
      queue_(std::make_unique<printer::PrintQueue>(
          ioc, writes, reader, pool_, clock, printers_of(config),
          make_job_renderer(config.store, config.returns.dc_address, config.shipping))) {}

Printing::~Printing() {
  stop();
  pool_.stop();
}

void Printing::start() {
  queue_->start();
}

void Printing::stop() {
  queue_->stop();
}

}  // namespace storeedge::daemon
