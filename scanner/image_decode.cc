#include "scanner/image_decode.h"

#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <exception>

#include "scanner/gs1.h"
#include "scanner/gtin.h"

namespace storeedge::scanner {

namespace {

using ZXing::BarcodeFormat;

// The symbologies a store meets on items, cases and its own labels (docs/scanning.md says why
// the others are left out).
constexpr auto kLinear = BarcodeFormat::EAN13 | BarcodeFormat::EAN8 | BarcodeFormat::UPCA |
                         BarcodeFormat::UPCE | BarcodeFormat::Code128 | BarcodeFormat::ITF |
                         BarcodeFormat::DataBar | BarcodeFormat::DataBarExpanded;
constexpr auto kMatrix = BarcodeFormat::QRCode | BarcodeFormat::DataMatrix;

// Fast first: most camera photos of one code decode without trying harder (bench/README.md has
// the figures). EAN/UPC add-ons are not read: the store keys items by their GTIN.
ZXing::DecodeHints fast_hints(ZXing::BarcodeFormats formats, std::size_t max_symbols) {
  ZXing::DecodeHints h;
  h.setFormats(formats)
      .setTryHarder(false)
      .setTryRotate(false)
      .setTryDownscale(true)
      .setBinarizer(ZXing::Binarizer::LocalAverage)
      .setEanAddOnSymbol(ZXing::EanAddOnSymbol::Ignore)
      .setMaxNumberOfSymbols(static_cast<std::uint8_t>(max_symbols));
  return h;
}

ZXing::DecodeHints harder_hints(ZXing::BarcodeFormats formats, std::size_t max_symbols) {
  return fast_hints(formats, max_symbols).setTryHarder(true).setTryRotate(true);
}

ZXing::Results read(const ZXing::ImageView& view, ZXing::BarcodeFormats formats,
                    std::size_t max_symbols) {
  auto results = ZXing::ReadBarcodes(view, fast_hints(formats, max_symbols));
  if (results.empty()) results = ZXing::ReadBarcodes(view, harder_hints(formats, max_symbols));
  return results;
}

}  // namespace

std::string transmission(std::string_view symbology_identifier, std::string_view text,
                         bool databar) {
  std::string out(symbology_identifier);
  if (databar && text.size() == 14 && all_digits(text)) {
    out += "01";  // ZXing 1.4 gives GS1 DataBar's GTIN without its AI
    out += text;
    return out;
  }
  if (symbology_identifier == "]e0" && text.starts_with('(')) {
    // DataBar Expanded comes bracketed; a scanner sends the raw element string. Data that does
    // not parse stays as it is, so make_scan_event reports the GS1 error.
    if (auto elements = parse_gs1_hri(text)) {
      out += to_gs1_element_string(*elements);
      return out;
    }
  }
  out += text;
  return out;
}

std::vector<ScanEvent> decode_barcodes(const GreyImage& image, const DecodeOptions& options) {
  std::vector<ScanEvent> events;
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() !=
          static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height))
    return events;
  const std::size_t max_symbols = std::clamp<std::size_t>(options.max_symbols, 1, 255);
  try {
    const ZXing::ImageView view(image.pixels.data(), image.width, image.height,
                                ZXing::ImageFormat::Lum);
    ZXing::Results results;
    if (max_symbols == 1) {
      results = read(view, kLinear | kMatrix, 1);
    } else {
      results = read(view, kLinear, 1);
      auto matrix = read(view, kMatrix, max_symbols - results.size());
      results.insert(results.end(), matrix.begin(), matrix.end());
    }
    for (const auto& r : results) {
      if (!r.isValid()) continue;
      events.push_back(make_scan_event(
          transmission(r.symbologyIdentifier(), r.text(), r.format() == BarcodeFormat::DataBar)));
    }
  } catch (const std::exception&) {
    // ZXing throws only on allocation failure; what was found so far stands.
  }
  return events;
}

}  // namespace storeedge::scanner
