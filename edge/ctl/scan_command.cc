#include "ctl/scan_command.h"

#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>

#include "scanner/decode_isolated.h"
#include "scanner/scan_json.h"

namespace storeedge::ctl {

namespace {

// Larger than any photo a phone takes; the pixel limit (scanner/image.h) is the real bound.
constexpr std::uintmax_t kMaxFileBytes = 64 << 20;

Result<std::string> read_image_file(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return make_error("unreadable", "cannot read the file: " + ec.message());
  if (size > kMaxFileBytes) return make_error("image_too_large", "the file is larger than 64 MiB");
  std::ifstream in(path, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(size)))
    return make_error("unreadable", "cannot read the file");
  return bytes;
}

void print_error(std::ostream& out, const std::string& file, const Error& e) {
  out << boost::json::serialize(boost::json::object{
             {"file", scanner::valid_utf8(file)},
             {"error", boost::json::object{{"code", e.code}, {"message", e.message}}}})
      << "\n";
}

}  // namespace

int run_scan_decode(const std::vector<std::string>& files, std::ostream& out) {
  // Every symbol in the image, as far as ZXing 1.4 allows (scanner/image_decode.h).
  scanner::IsolatedDecode options;
  options.decode.max_symbols = 16;
  int status = 0;
  for (const std::string& file : files) {
    auto bytes = read_image_file(file);
    auto scans = bytes ? scanner::load_and_decode_isolated(*bytes, options)
                       : Result<std::vector<scanner::ScanEvent>>(bytes.error());
    if (scans && scans->empty()) scans = make_error("no_barcode", "no barcode found in the image");
    if (!scans) {
      print_error(out, file, scans.error());
      status = 1;
      continue;
    }
    for (const auto& scan : *scans) {
      auto o = scanner::scan_json(scan);
      o["file"] = scanner::valid_utf8(file);
      out << boost::json::serialize(o) << "\n";
    }
  }
  out.flush();
  return status;
}

}  // namespace storeedge::ctl
