// Barcode symbols for labels: ZXing-cpp's writer encodes Code 128 (GS1-128 with FNC1), QR Code
// and Data Matrix; libzint encodes GS1 Data Matrix, which ZXing 1.4 cannot write. Also the GS1
// element strings and check digits the label kinds need. Pure; thread-safe; no exceptions out.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "printer/label.h"

namespace storeedge::printer {

// The most bytes of payload (or of GS1 element string) a label barcode may carry.
inline constexpr std::size_t kMaxBarcodeData = 600;

// The GS1 mod-10 check digit of `body` (all digits): weights 3, 1, 3, … from the right.
char gs1_check_digit(std::string_view body);
// 18 digits whose last is the check digit of the 17 before it.
bool sscc_valid(std::string_view sscc);

// AIs whose value has a predefined length (00-04, 11-20, 31-36, 41): no FNC1 follows them.
bool gs1_predefined_length(std::string_view ai);
// Checks AIs (2-4 digits), values (1-90 characters of GS1's character set 82, the predefined
// length where the AI has one) and that there is at least one field. Error: "bad_barcode_data".
std::optional<Error> check_gs1_fields(const std::vector<Gs1Field>& fields);
// The raw element string a scanner transmits after ]C1 or ]d2: GS (0x1D) after every
// variable-length field but the last.
std::string gs1_element_string(const std::vector<Gs1Field>& fields);
// The bracketed human-readable form, "(00)123456789012345675(400)ORD-1".
std::string gs1_hri(const std::vector<Gs1Field>& fields);

// Encodes `data` (code128, qr_code, data_matrix: printable ASCII) or `gs1` (gs1_128,
// gs1_data_matrix). Errors: "bad_barcode_data" (empty, too long, a character or a GS1 field the
// symbology cannot carry, or the encoder refused it).
[[nodiscard]] Result<ModuleMatrix> encode_symbol(Symbology symbology, std::string_view data,
                                                 const std::vector<Gs1Field>& gs1);

// A barcode element at (x, y) with its modules encoded; errors as encode_symbol.
[[nodiscard]] Result<BarcodeElement> make_barcode(Symbology symbology, std::string data,
                                                  std::vector<Gs1Field> gs1, double x_mm,
                                                  double y_mm, double module_mm, double height_mm);

// The symbol's size in mm where its modules round widest: at 203 or 300 dpi (layout uses it).
double symbol_width_mm(const BarcodeElement& barcode);
double symbol_height_mm(const BarcodeElement& barcode);

}  // namespace storeedge::printer
