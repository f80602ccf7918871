#include "printer/barcode.h"

#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <zint.h>

#include <algorithm>
#include <exception>
#include <memory>

namespace storeedge::printer {

namespace {

// ZXing's Code 128 writer reads U+00F1 as FNC1; its std::string interface takes UTF-8.
constexpr std::string_view kZxingFnc1 = "\xC3\xB1";
// ZXing's QR Code error correction "level" 4 of 0-8 is ISO/IEC 18004 level M (15 %), the level
// the ZPL renderer asks the printer for too.
constexpr int kQrEccLevelM = 4;
constexpr int kSupportedDpi[] = {203, 300};

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool printable_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

// GS1 General Specifications, figure 7.11-1: the 82 characters of "character set 82".
bool gs1_set82(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!\"%&'()*+,-./:;<=>?_").find(c) != std::string_view::npos;
}

// The value length of an AI with a predefined length, by its first two digits; 0 for others.
std::size_t predefined_value_length(std::string_view ai) {
  if (ai.size() < 2) return 0;
  const int prefix = (ai[0] - '0') * 10 + (ai[1] - '0');
  if (prefix == 0) return ai.size() == 2 ? 18 : 0;
  if (prefix >= 1 && prefix <= 3) return ai.size() == 2 ? 14 : 0;
  if (prefix == 4) return ai.size() == 2 ? 16 : 0;
  if (prefix >= 11 && prefix <= 19) return ai.size() == 2 ? 6 : 0;
  if (prefix == 20) return ai.size() == 2 ? 2 : 0;
  if (prefix >= 31 && prefix <= 36) return ai.size() == 4 ? 6 : 0;
  if (prefix == 41) return ai.size() == 3 ? 13 : 0;
  return 0;
}

Error bad_data(const std::string& why) {
  return make_error("bad_barcode_data", why);
}

ModuleMatrix from_zxing(const ZXing::BitMatrix& bits, bool linear) {
  ModuleMatrix m;
  m.width = bits.width();
  m.height = linear ? 1 : bits.height();
  m.dark.resize(static_cast<std::size_t>(m.width * m.height));
  for (int y = 0; y < m.height; ++y)
    for (int x = 0; x < m.width; ++x)
      m.dark[static_cast<std::size_t>(y * m.width + x)] = bits.get(x, y) ? 1 : 0;
  return m;
}

Result<ModuleMatrix> encode_zxing(ZXing::BarcodeFormat format, const std::string& content,
                                  bool linear) {
  try {
    ZXing::MultiFormatWriter writer(format);
    writer.setMargin(0);
    if (format == ZXing::BarcodeFormat::QRCode) writer.setEccLevel(kQrEccLevelM);
    const ZXing::BitMatrix bits = writer.encode(content, 0, 0);
    if (bits.width() <= 0 || bits.height() <= 0) return bad_data("the encoder produced nothing");
    return from_zxing(bits, linear);
  } catch (const std::exception& e) {
    return bad_data(std::string("the encoder refused the data: ") + e.what());
  }
}

struct ZintDeleter {
  void operator()(zint_symbol* s) const { ZBarcode_Delete(s); }
};

Result<ModuleMatrix> encode_gs1_data_matrix(const std::vector<Gs1Field>& fields) {
  std::string bracketed;
  for (const auto& f : fields) bracketed += "[" + f.ai + "]" + f.value;
  std::unique_ptr<zint_symbol, ZintDeleter> symbol(ZBarcode_Create());
  if (!symbol) return make_error("no_memory", "libzint could not allocate a symbol");
  symbol->symbology = BARCODE_DATAMATRIX;
  symbol->input_mode = GS1_MODE;
  symbol->option_3 = DM_SQUARE;
  const int rc =
      ZBarcode_Encode(symbol.get(), reinterpret_cast<const unsigned char*>(bracketed.data()),
                      static_cast<int>(bracketed.size()));
  if (rc >= ZINT_ERROR) return bad_data(std::string("libzint: ") + symbol->errtxt);
  ModuleMatrix m;
  m.width = symbol->width;
  m.height = symbol->rows;
  m.dark.resize(static_cast<std::size_t>(m.width * m.height));
  // libzint keeps each row's modules as bits, least significant first (its module_is_set).
  for (int y = 0; y < m.height; ++y)
    for (int x = 0; x < m.width; ++x)
      m.dark[static_cast<std::size_t>(y * m.width + x)] =
          (symbol->encoded_data[y][x >> 3] >> (x & 7)) & 1;
  return m;
}

}  // namespace

char gs1_check_digit(std::string_view body) {
  int sum = 0;
  int weight = 3;
  for (auto it = body.rbegin(); it != body.rend(); ++it) {
    sum += (*it - '0') * weight;
    weight = weight == 3 ? 1 : 3;
  }
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

bool sscc_valid(std::string_view sscc) {
  return sscc.size() == 18 && all_digits(sscc) && gs1_check_digit(sscc.substr(0, 17)) == sscc[17];
}

bool gs1_predefined_length(std::string_view ai) {
  return predefined_value_length(ai) != 0;
}

std::optional<Error> check_gs1_fields(const std::vector<Gs1Field>& fields) {
  if (fields.empty()) return bad_data("a GS1 symbol needs at least one element");
  for (const auto& f : fields) {
    if (f.ai.size() < 2 || f.ai.size() > 4 || !all_digits(f.ai))
      return bad_data("AI '" + f.ai + "' is not 2-4 digits");
    if (f.value.empty() || f.value.size() > 90)
      return bad_data("(" + f.ai + ") must have 1-90 characters");
    if (!std::all_of(f.value.begin(), f.value.end(), gs1_set82))
      return bad_data("(" + f.ai + ") has a character outside GS1's set 82");
    const std::size_t fixed = predefined_value_length(f.ai);
    if (fixed != 0 && (f.value.size() != fixed || !all_digits(f.value)))
      return bad_data("(" + f.ai + ") must be " + std::to_string(fixed) + " digits");
  }
  return std::nullopt;
}

std::string gs1_element_string(const std::vector<Gs1Field>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    out += fields[i].ai + fields[i].value;
    if (i + 1 < fields.size() && !gs1_predefined_length(fields[i].ai)) out += '\x1d';
  }
  return out;
}

std::string gs1_hri(const std::vector<Gs1Field>& fields) {
  std::string out;
  for (const auto& f : fields) out += "(" + f.ai + ")" + f.value;
  return out;
}

Result<ModuleMatrix> encode_symbol(Symbology symbology, std::string_view data,
                                   const std::vector<Gs1Field>& gs1) {
  if (is_gs1(symbology)) {
    if (auto bad = check_gs1_fields(gs1)) return *bad;
    if (gs1_element_string(gs1).size() > kMaxBarcodeData) return bad_data("too much GS1 data");
  } else {
    if (data.empty()) return bad_data("no data");
    if (data.size() > kMaxBarcodeData) return bad_data("more than 600 bytes of data");
    if (!printable_ascii(data)) return bad_data("only printable ASCII can be encoded");
  }
  switch (symbology) {
    case Symbology::code128:
      return encode_zxing(ZXing::BarcodeFormat::Code128, std::string(data), true);
    case Symbology::gs1_128: {
      std::string content(kZxingFnc1);
      for (std::size_t i = 0; i < gs1.size(); ++i) {
        content += gs1[i].ai + gs1[i].value;
        if (i + 1 < gs1.size() && !gs1_predefined_length(gs1[i].ai)) content += kZxingFnc1;
      }
      return encode_zxing(ZXing::BarcodeFormat::Code128, content, true);
    }
    case Symbology::qr_code:
      return encode_zxing(ZXing::BarcodeFormat::QRCode, std::string(data), false);
    case Symbology::data_matrix:
      return encode_zxing(ZXing::BarcodeFormat::DataMatrix, std::string(data), false);
    case Symbology::gs1_data_matrix:
      return encode_gs1_data_matrix(gs1);
  }
  return bad_data("unknown symbology");
}

Result<BarcodeElement> make_barcode(Symbology symbology, std::string data,
                                    std::vector<Gs1Field> gs1, double x_mm, double y_mm,
                                    double module_mm, double height_mm) {
  auto modules = encode_symbol(symbology, data, gs1);
  if (!modules) return modules.error();
  BarcodeElement b;
  b.x_mm = x_mm;
  b.y_mm = y_mm;
  b.symbology = symbology;
  b.data = std::move(data);
  b.gs1 = std::move(gs1);
  b.module_mm = module_mm;
  b.height_mm = height_mm;
  b.modules = std::move(*modules);
  return b;
}

double symbol_width_mm(const BarcodeElement& barcode) {
  double widest = 0;
  for (int dpi : kSupportedDpi)
    widest =
        std::max(widest, barcode.modules.width * module_dots(barcode.module_mm, dpi) * 25.4 / dpi);
  return widest;
}

double symbol_height_mm(const BarcodeElement& barcode) {
  if (is_linear(barcode.symbology)) return barcode.height_mm;
  double tallest = 0;
  for (int dpi : kSupportedDpi)
    tallest = std::max(tallest,
                       barcode.modules.height * module_dots(barcode.module_mm, dpi) * 25.4 / dpi);
  return tallest;
}

}  // namespace storeedge::printer
