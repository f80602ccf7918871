// What a scanned or typed code stands for when the store looks for an item: the GTIN-14s it
// can mean (EAN-13, UPC-A, UPC-E, EAN-8, GTIN-14, with or without leading zeros, or a GS1
// element string carrying AI (01)), and its text, which may be a SKU. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace storeedge::fulfil {

struct ItemCode {
  // GTIN-14s the code can mean, check digits verified. Usually one; an 8-digit code can be an
  // EAN-8 or a UPC-E, so both readings are kept and the allocation's lines decide.
  std::vector<std::string> gtins;
  std::string text;  // the code without its AIM prefix and surrounding blanks (a SKU, maybe)
};

// Fails with "invalid_barcode" for empty input, control characters other than GS (FNC1), or
// more than 512 bytes.
[[nodiscard]] Result<ItemCode> parse_item_code(std::string_view scanned);

// 1-14 digits with a valid check digit → the GTIN-14 (left-padded with zeros). Longer inputs
// are accepted when the extra leading digits are zeros (typed codes). Check digits and UPC-E
// come from scanner/gtin.h.
std::optional<std::string> to_gtin14(std::string_view digits);

}  // namespace storeedge::fulfil
