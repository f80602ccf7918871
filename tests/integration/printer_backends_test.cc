// The printer backends against real components: a cupsd with a raw queue to a capturing TCP
// listener, a driverless ippeveprinter, and a raw port-9100 listener.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "integration/printers_fixture.h"
#include "printer/backends.h"

namespace storeedge::printer {
namespace {

using namespace std::chrono_literals;
using testing::ByteSink;
using testing::CupsServer;
using testing::IppPrinter;

// Bytes a filter would mangle: NUL, 8-bit, CR LF, a tilde command.
const std::string kZpl =
    std::string("^XA^FO50,50^A0N,40,40^FDStoreEdge \xc3\xa9\x01\x00\xff^FS\r\n") +
    std::string(1, '\0') + "~JA^XZ\r\n";

// A one-page PDF (74 x 52 points, one line of text) with a correct cross-reference table.
std::string small_pdf() {
  std::vector<std::string> objects = {
      "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 74 52] /Contents 4 0 R "
      "/Resources << /Font << /F1 5 0 R >> >> >>",
      "<< /Length 41 >>\nstream\nBT /F1 12 Tf 4 20 Td (PICK-42) Tj ET\nendstream",
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"};
  std::string pdf = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (auto offset : offsets) {
    char line[32];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", offset);
    pdf += line;
  }
  pdf += "trailer\n<< /Size " + std::to_string(objects.size() + 1) +
         " /Root 1 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

Document document(DocumentFormat format, std::string bytes) {
  Document doc;
  doc.format = format;
  doc.bytes = std::move(bytes);
  return doc;
}

// Polls status() until `done` holds or `timeout` passes (CUPS and IPP printers announce job
// changes only to subscribers; the backends poll, and so does this). Returns the last status.
template <class Done>
Result<JobStatus> wait_for(PrinterBackend& backend, const std::string& job_id, Done done,
                           std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto status = backend.status(job_id);
    if (!status || done(*status) || std::chrono::steady_clock::now() > deadline) return status;
    std::this_thread::sleep_for(20ms);
  }
}

Result<JobStatus> wait_for_final(PrinterBackend& backend, const std::string& job_id,
                                 std::chrono::milliseconds timeout = 30s) {
  return wait_for(
      backend, job_id, [](const JobStatus& s) { return is_final(s.state); }, timeout);
}

bool lists(const std::vector<DocumentFormat>& formats, DocumentFormat f) {
  return std::find(formats.begin(), formats.end(), f) != formats.end();
}

std::string socket_uri(int port) {
  return "socket://127.0.0.1:" + std::to_string(port);
}

// CUPS -----------------------------------------------------------------------------------------

TEST(CupsBackend, RawZplJobArrivesByteForByteAndCompletes) {
  CupsServer cups;
  ByteSink printer;
  cups.add_raw_queue("zebra1", socket_uri(printer.port()));
  auto backend = make_cups_backend("zebra1", cups.server());
  EXPECT_EQ(backend->describe(), "cups zebra1 at " + cups.server());

  auto caps = backend->capabilities();
  ASSERT_TRUE(caps) << caps.error().message;
  EXPECT_EQ(caps->formats, std::vector<DocumentFormat>{DocumentFormat::zpl});
  EXPECT_TRUE(caps->accepting);
  EXPECT_EQ(caps->state, "idle");

  auto job = backend->submit(document(DocumentFormat::zpl, kZpl), "pick 42");
  ASSERT_TRUE(job) << job.error().message;
  EXPECT_FALSE(job->empty());
  ASSERT_TRUE(printer.wait_for_jobs(1, 30s)) << cups.log();
  EXPECT_EQ(printer.jobs().front(), kZpl);
  auto status = wait_for_final(*backend, *job);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->state, JobState::completed) << status->message;

  // A raw queue feeds a ZPL printer: a PDF is refused before anything is sent.
  auto pdf = backend->submit(document(DocumentFormat::pdf, small_pdf()), "pdf");
  ASSERT_FALSE(pdf);
  EXPECT_EQ(pdf.error().code, "format_unsupported");
  EXPECT_EQ(printer.jobs().size(), 1u);
}

TEST(CupsBackend, JobWaitsForAnOfflinePrinterAndCompletesWhenItIsBack) {
  CupsServer cups;
  const int port = testing::free_port();
  cups.add_raw_queue("zebra1", socket_uri(port));
  auto backend = make_cups_backend("zebra1", cups.server());

  auto job = backend->submit(document(DocumentFormat::zpl, kZpl), "while offline");
  ASSERT_TRUE(job) << job.error().message;
  // CUPS's socket backend cannot connect and says so in the job's message; the job waits.
  auto waiting = wait_for(
      *backend, *job, [](const JobStatus& s) { return !s.message.empty(); }, 30s);
  ASSERT_TRUE(waiting) << waiting.error().message;
  EXPECT_TRUE(waiting->state == JobState::processing || waiting->state == JobState::pending)
      << job_state_name(waiting->state);
  EXPECT_FALSE(waiting->message.empty());
  auto caps = backend->capabilities();
  ASSERT_TRUE(caps);
  EXPECT_TRUE(caps->accepting);
  EXPECT_EQ(caps->state, "processing");
  std::string reasons;
  for (const auto& r : waiting->reasons) reasons += " " + r;
  for (const auto& r : caps->state_reasons) reasons += " printer:" + r;
  std::printf("waiting job: %s '%s'%s\n", std::string(job_state_name(waiting->state)).c_str(),
              waiting->message.c_str(), reasons.c_str());

  ByteSink printer(port);
  const auto back = std::chrono::steady_clock::now();
  ASSERT_TRUE(printer.wait_for_jobs(1, 60s)) << cups.log();
  EXPECT_EQ(printer.jobs().front(), kZpl);
  auto status = wait_for_final(*backend, *job);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->state, JobState::completed) << status->message;
  std::printf("printer back -> job delivered: %lld ms (socket backend retry delay)\n",
              static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - back)
                                         .count()));
}

TEST(CupsBackend, RejectingOrDisabledQueueIsNotAccepting) {
  CupsServer cups;
  ByteSink printer;
  cups.add_raw_queue("zebra1", socket_uri(printer.port()));
  auto backend = make_cups_backend("zebra1", cups.server());

  cups.reject("zebra1");
  auto caps = backend->capabilities();
  ASSERT_TRUE(caps) << caps.error().message;
  EXPECT_FALSE(caps->accepting);
  auto refused = backend->submit(document(DocumentFormat::zpl, kZpl), "rejected");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "printer_not_accepting");

  cups.enable("zebra1");
  cups.disable("zebra1");
  caps = backend->capabilities();
  ASSERT_TRUE(caps);
  EXPECT_EQ(caps->state, "stopped");
  EXPECT_FALSE(caps->state_reasons.empty());  // "paused"
  refused = backend->submit(document(DocumentFormat::zpl, kZpl), "disabled");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "printer_not_accepting");
  EXPECT_NE(refused.error().message.find("stopped"), std::string::npos);

  cups.enable("zebra1");
  auto job = backend->submit(document(DocumentFormat::zpl, kZpl), "enabled again");
  ASSERT_TRUE(job) << job.error().message;
  ASSERT_TRUE(printer.wait_for_jobs(1, 30s)) << cups.log();
  EXPECT_EQ(printer.jobs().size(), 1u);
}

TEST(CupsBackend, CancelEndsAWaitingJob) {
  CupsServer cups;
  const int port = testing::free_port();  // nobody listens: the job stays in processing
  cups.add_raw_queue("zebra1", socket_uri(port));
  auto backend = make_cups_backend("zebra1", cups.server());

  auto job = backend->submit(document(DocumentFormat::zpl, kZpl), "to cancel");
  ASSERT_TRUE(job) << job.error().message;
  auto cancelled = backend->cancel(*job);
  ASSERT_TRUE(cancelled) << cancelled.error().message;
  auto status = wait_for_final(*backend, *job);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->state, JobState::cancelled);

  auto again = backend->cancel(*job);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "printer_error");
  auto unknown = backend->status("4711");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "job_not_found");
  EXPECT_EQ(backend->status("x").error().code, "job_not_found");
}

TEST(CupsBackend, CupsdNotRunningIsOffline) {
  CupsServer cups;
  ByteSink printer;
  cups.add_raw_queue("zebra1", socket_uri(printer.port()));
  auto backend = make_cups_backend("zebra1", cups.server(), 2s);
  ASSERT_TRUE(backend->capabilities());

  cups.stop();
  auto caps = backend->capabilities();
  ASSERT_FALSE(caps);
  EXPECT_EQ(caps.error().code, "printer_offline") << caps.error().message;
  auto job = backend->submit(document(DocumentFormat::zpl, kZpl), "nobody home");
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().code, "printer_offline");
  auto status = backend->status("1");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, "printer_offline");
  EXPECT_EQ(printer.connections(), 0u);
}

TEST(CupsBackend, UnknownQueueIsAPrinterError) {
  CupsServer cups;
  auto backend = make_cups_backend("nosuchqueue", cups.server());
  auto caps = backend->capabilities();
  ASSERT_FALSE(caps);
  EXPECT_EQ(caps.error().code, "printer_error") << caps.error().message;
  auto bad_name = make_cups_backend("no/such", cups.server())->capabilities();
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().code, "printer_error");
  auto bad_server = make_cups_backend("zebra1", "127.0.0.1:http")->capabilities();
  ASSERT_FALSE(bad_server);
  EXPECT_EQ(bad_server.error().code, "printer_error");
}

// IPP Everywhere --------------------------------------------------------------------------------

TEST(IppBackend, CapabilitiesListTheFormats) {
  IppPrinter::Options options;
  options.formats = "application/pdf,image/pwg-raster,application/vnd.zebra-zpl";
  IppPrinter printer(options);
  auto backend = make_ipp_backend(printer.uri());
  EXPECT_EQ(backend->describe(), "ipp " + printer.uri());
  auto caps = backend->capabilities();
  ASSERT_TRUE(caps) << caps.error().message << printer.log();
  EXPECT_TRUE(lists(caps->formats, DocumentFormat::pdf));
  EXPECT_TRUE(lists(caps->formats, DocumentFormat::pwg_raster));
  EXPECT_TRUE(lists(caps->formats, DocumentFormat::zpl));
  EXPECT_FALSE(lists(caps->formats, DocumentFormat::png));
  EXPECT_FALSE(caps->media.empty());
  EXPECT_FALSE(caps->resolutions_dpi.empty());
  EXPECT_TRUE(caps->accepting);
  EXPECT_EQ(caps->state, "idle");
}

TEST(IppBackend, PdfJobCompletesAndLandsInTheSpool) {
  IppPrinter printer;
  auto backend = make_ipp_backend(printer.uri());
  const std::string pdf = small_pdf();
  auto job = backend->submit(document(DocumentFormat::pdf, pdf), "pick list");
  ASSERT_TRUE(job) << job.error().message << printer.log();
  auto status = wait_for_final(*backend, *job);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->state, JobState::completed) << status->message << printer.log();
  auto files = printer.spooled_files();
  ASSERT_EQ(files.size(), 1u) << printer.log();
  EXPECT_EQ(testing::read_file(files.front()), pdf);
}

TEST(IppBackend, JobOnAFailingPrinterAborts) {
  IppPrinter::Options options;
  options.command = STOREEDGE_FALSE;
  IppPrinter printer(options);
  auto backend = make_ipp_backend(printer.uri());
  auto job = backend->submit(document(DocumentFormat::pdf, small_pdf()), "doomed");
  ASSERT_TRUE(job) << job.error().message << printer.log();
  auto status = wait_for_final(*backend, *job);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->state, JobState::aborted) << printer.log();
  EXPECT_FALSE(status->reasons.empty());
}

TEST(IppBackend, UnsupportedFormatIsRefused) {
  IppPrinter::Options options;
  options.formats = "application/pdf";
  IppPrinter printer(options);
  auto backend = make_ipp_backend(printer.uri());
  for (auto format : {DocumentFormat::zpl, DocumentFormat::pwg_raster, DocumentFormat::png}) {
    auto job = backend->submit(document(format, "not sent"), "wrong format");
    ASSERT_FALSE(job) << format_name(format);
    EXPECT_EQ(job.error().code, "format_unsupported") << job.error().message;
  }
  EXPECT_TRUE(printer.spooled_files().empty());
}

// A label printer that says what it is: 203 dpi, 4x6 and 4x4 in labels, the 4x6 roll loaded.
IppPrinter::Options label_printer() {
  IppPrinter::Options options;
  options.formats = "application/vnd.zebra-zpl,application/pdf";
  options.attributes = {"ATTR keyword media-supported oe_4x6-label_4x6in,oe_4x4-label_4x4in",
                        "ATTR keyword media-ready oe_4x6-label_4x6in",
                        "ATTR resolution printer-resolution-supported 203dpi"};
  return options;
}

Document label(int dpi, std::string media) {
  Document doc = document(DocumentFormat::zpl, kZpl);
  doc.dpi = dpi;
  doc.media = std::move(media);
  return doc;
}

TEST(IppBackend, MediaAndResolutionAreReadAndCheckedBeforeAJobIsSent) {
  IppPrinter printer(label_printer());
  auto backend = make_ipp_backend(printer.uri());
  auto caps = backend->capabilities();
  ASSERT_TRUE(caps) << caps.error().message << printer.log();
  EXPECT_EQ(caps->media, (std::vector<std::string>{"oe_4x6-label_4x6in", "oe_4x4-label_4x4in"}));
  EXPECT_EQ(caps->media_ready, std::vector<std::string>{"oe_4x6-label_4x6in"});
  EXPECT_EQ(caps->resolutions_dpi, std::vector<int>{203});

  // A label rendered for a 300-dpi printer would print one and a half times too large.
  auto wrong_dpi = backend->submit(label(300, "oe_4x6-label_4x6in"), "300 dpi");
  ASSERT_FALSE(wrong_dpi);
  EXPECT_EQ(wrong_dpi.error().code, "resolution_unsupported") << wrong_dpi.error().message;
  EXPECT_NE(wrong_dpi.error().message.find("made for 300 dpi; the printer prints at 203 dpi"),
            std::string::npos)
      << wrong_dpi.error().message;
  auto wrong_media = backend->submit(label(203, "na_letter_8.5x11in"), "letter");
  ASSERT_FALSE(wrong_media);
  EXPECT_EQ(wrong_media.error().code, "media_unsupported") << wrong_media.error().message;
  auto not_loaded = backend->submit(label(203, "oe_4x4-label_4x4in"), "4x4");
  ASSERT_FALSE(not_loaded);
  EXPECT_EQ(not_loaded.error().code, "media_not_ready") << not_loaded.error().message;
  EXPECT_TRUE(printer.spooled_files().empty());

  auto job = backend->submit(label(203, "oe_4x6-label_4x6in"), "fits");
  ASSERT_TRUE(job) << job.error().message << printer.log();
  auto status = wait_for_final(*backend, *job);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->state, JobState::completed) << status->message << printer.log();
  auto files = printer.spooled_files();
  ASSERT_EQ(files.size(), 1u) << printer.log();
  EXPECT_EQ(testing::read_file(files.front()), kZpl);
}

TEST(CupsBackend, ARawQueueReportsNoMediaOrResolutionAndIsNotCheckedForThem) {
  // CUPS lists defaults for a raw queue that say nothing about the printer behind it, and a
  // printer on a raw port cannot be asked: a ZPL label goes through whatever its dpi and media.
  CupsServer cups;
  ByteSink printer;
  cups.add_raw_queue("zebra1", socket_uri(printer.port()));
  auto backend = make_cups_backend("zebra1", cups.server());
  auto caps = backend->capabilities();
  ASSERT_TRUE(caps) << caps.error().message;
  EXPECT_TRUE(caps->media.empty());
  EXPECT_TRUE(caps->media_ready.empty());
  EXPECT_TRUE(caps->resolutions_dpi.empty());
  auto job = backend->submit(label(300, "oe_4x6-label_4x6in"), "300 dpi");
  ASSERT_TRUE(job) << job.error().message;
  ASSERT_TRUE(printer.wait_for_jobs(1, 30s)) << cups.log();
  EXPECT_EQ(printer.jobs().front(), kZpl);
}

TEST(IppBackend, NoPrinterIsOffline) {
  auto backend = make_ipp_backend(
      "ipp://localhost:" + std::to_string(testing::free_port()) + "/ipp/print", 2s);
  auto caps = backend->capabilities();
  ASSERT_FALSE(caps);
  EXPECT_EQ(caps.error().code, "printer_offline") << caps.error().message;
  auto job = backend->submit(document(DocumentFormat::pdf, small_pdf()), "nobody home");
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().code, "printer_offline");
  EXPECT_EQ(make_ipp_backend("http://x/")->capabilities().error().code, "printer_error");
}

// Raw TCP 9100 -----------------------------------------------------------------------------------

TEST(RawBackend, ListenerGetsTheBytes) {
  ByteSink printer;
  auto backend = make_raw_backend("127.0.0.1", static_cast<std::uint16_t>(printer.port()));
  EXPECT_EQ(backend->describe(), "raw 127.0.0.1:" + std::to_string(printer.port()));
  auto caps = backend->capabilities();
  ASSERT_TRUE(caps) << caps.error().message;
  EXPECT_EQ(caps->formats, std::vector<DocumentFormat>{DocumentFormat::zpl});
  // A port cannot tell its media or resolution: nothing to check them against.
  EXPECT_TRUE(caps->media.empty());
  EXPECT_TRUE(caps->resolutions_dpi.empty());

  auto job = backend->submit(document(DocumentFormat::zpl, kZpl), "label");
  ASSERT_TRUE(job) << job.error().message;
  EXPECT_EQ(*job, "");
  auto status = backend->status(*job);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->state, JobState::completed);

  Document twice = document(DocumentFormat::zpl, kZpl);
  twice.copies = 2;
  ASSERT_TRUE(backend->submit(twice, "two"));
  ASSERT_TRUE(printer.wait_for_jobs(3, 10s));
  const auto jobs = printer.jobs();
  EXPECT_EQ(jobs[0], "");  // capabilities() connects and closes
  EXPECT_EQ(jobs[1], kZpl);
  EXPECT_EQ(jobs[2], kZpl + kZpl);

  auto pdf = backend->submit(document(DocumentFormat::pdf, small_pdf()), "pdf");
  ASSERT_FALSE(pdf);
  EXPECT_EQ(pdf.error().code, "format_unsupported");
  auto empty = backend->submit(document(DocumentFormat::zpl, ""), "empty");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, "invalid_document");
  EXPECT_EQ(printer.jobs().size(), 3u);
}

// ESC/POS with the bytes a filter would mangle: ESC @, ESC t 16, a Windows-1252 é, NUL, a cut.
const std::string kEscpos = std::string(
                                "\x1b@\x1bt\x10"
                                "Caf\xe9\n\x1dkI\x04{C") +
                            std::string(1, '\0') + "\x01\x1dVB\x03";

TEST(RawBackend, AReceiptPrinterTakesEscposOnly) {
  ByteSink printer;
  auto backend = make_raw_backend("127.0.0.1", static_cast<std::uint16_t>(printer.port()), 10s,
                                  DocumentFormat::escpos);
  auto caps = backend->capabilities();
  ASSERT_TRUE(caps) << caps.error().message;
  EXPECT_EQ(caps->formats, std::vector<DocumentFormat>{DocumentFormat::escpos});
  ASSERT_TRUE(backend->submit(document(DocumentFormat::escpos, kEscpos), "slip"));
  auto zpl = backend->submit(document(DocumentFormat::zpl, kZpl), "label");
  ASSERT_FALSE(zpl);
  EXPECT_EQ(zpl.error().code, "format_unsupported");
  ASSERT_TRUE(printer.wait_for_jobs(2, 10s));
  EXPECT_EQ(printer.jobs().at(1), kEscpos);
  EXPECT_EQ(printer.jobs().size(), 2u);
}

TEST(CupsBackend, ARawQueueForAReceiptPrinterPassesEscposThrough) {
  CupsServer cups;
  ByteSink printer;
  cups.add_raw_queue("receipt1", socket_uri(printer.port()));
  auto backend = make_cups_backend("receipt1", cups.server(), 10s, DocumentFormat::escpos);
  auto caps = backend->capabilities();
  ASSERT_TRUE(caps) << caps.error().message;
  EXPECT_EQ(caps->formats, std::vector<DocumentFormat>{DocumentFormat::escpos});
  auto job = backend->submit(document(DocumentFormat::escpos, kEscpos), "slip");
  ASSERT_TRUE(job) << job.error().message;
  ASSERT_TRUE(printer.wait_for_jobs(1, 30s)) << cups.log();
  EXPECT_EQ(printer.jobs().front(), kEscpos);
  auto status = wait_for_final(*backend, *job);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->state, JobState::completed) << status->message;
}

TEST(RawBackend, NobodyListeningIsOffline) {
  auto backend = make_raw_backend("127.0.0.1", static_cast<std::uint16_t>(testing::free_port()));
  auto caps = backend->capabilities();
  ASSERT_FALSE(caps);
  EXPECT_EQ(caps.error().code, "printer_offline");
  auto job = backend->submit(document(DocumentFormat::zpl, kZpl), "label");
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().code, "printer_offline") << job.error().message;
}

TEST(RawBackend, PrinterThatNeverClosesTimesOut) {
  ByteSink printer(0, /*hold_open=*/true);
  auto backend = make_raw_backend("127.0.0.1", static_cast<std::uint16_t>(printer.port()), 300ms);
  const auto start = std::chrono::steady_clock::now();
  auto job = backend->submit(document(DocumentFormat::zpl, kZpl), "label");
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(job);
  EXPECT_EQ(job.error().code, "printer_timeout") << job.error().message;
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 5s);
  ASSERT_TRUE(printer.wait_for_jobs(1, 5s));
  EXPECT_EQ(printer.jobs().front(), kZpl);  // sent in full: it may well have printed
}

}  // namespace
}  // namespace storeedge::printer
