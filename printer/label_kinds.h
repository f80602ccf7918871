// The labels a store prints, built from plain input structs into the label model (label.h): the
// BOPIS bag label, our GS1 logistic shipping label (or the OMS's own label passed through), the
// packing slip, the return label for goods going back to the DC, bin and shelf labels. Inputs come
// from our database; each builder checks them (lengths, character sets, check digits) and that
// every barcode fits. Pure; thread-safe. Layouts and decisions: docs/printing.md, "Labels".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "printer/document.h"
#include "printer/label.h"

namespace storeedge::printer {

// 4x4 in. Code 128 and QR Code of the order number.
struct BagLabelInput {
  std::string order;             // identifier, ≤ 24
  std::string allocation;        // identifier, ≤ 32
  std::string customer_name;     // text, ≤ 48
  std::string staging_location;  // identifier, ≤ 12
  int bag = 1;                   // 1 ≤ bag ≤ bags ≤ 99
  int bags = 1;
  std::string store;  // text, ≤ 40
};

// 4x6 in GS1 logistic label: the SSCC in GS1-128 (00), and a GS1 DataMatrix of (00), (3303)
// gross weight when known and (400) the order; the carrier's tracking number in Code 128.
struct ShippingLabelInput {
  std::string sscc;                    // 18 digits, check digit verified
  std::vector<std::string> ship_to;    // 1-6 lines of text, ≤ 40 each
  std::vector<std::string> ship_from;  // 1-4 lines of text, ≤ 40 each
  std::string carrier;                 // text, ≤ 24
  std::string service;                 // text, ≤ 32; may be empty
  std::string tracking;                // identifier, ≤ 34; empty: no tracking barcode
  int weight_grams = 0;                // 0: unknown (not printed); at most 999 999
  std::string order;                   // identifier, ≤ 24
};

enum class PageSize { a4, letter };

struct PackingSlipLine {
  std::string sku;          // identifier, ≤ 32
  std::string description;  // text, ≤ 80; may be empty
  int qty = 1;              // 1-9999
};

// A4 or Letter, PDF/PNG only; as many pages as the lines need (at most 1000 lines).
struct PackingSlipInput {
  std::string order;                   // identifier, ≤ 24
  std::vector<PackingSlipLine> lines;  // 1-1000
  std::vector<std::string> ship_to;    // 1-6 lines of text, ≤ 60 each
  PageSize page = PageSize::a4;
};

struct ReturnItem {
  std::string sku;          // identifier, ≤ 32
  std::string description;  // text, ≤ 40; may be empty
  int qty = 1;              // 1-9999
};

// 4x6 in. Code 128 of the return id; a Data Matrix "RETURN_ID|SKU*QTY|SKU*QTY…" of the contents.
struct ReturnLabelInput {
  std::string return_id;           // identifier, ≤ 24
  std::string from_store;          // text, ≤ 40
  std::vector<std::string> to_dc;  // 1-5 lines of text, ≤ 40 each
  std::string reason;              // text, ≤ 60; may be empty
  std::vector<ReturnItem> items;   // 1-20
};

// 4x2 in. Code 128 of the location; with a SKU (a shelf label), its description and a Code 128 of
// the SKU too.
struct BinLabelInput {
  std::string location;                    // identifier, ≤ 16
  std::optional<std::string> sku;          // identifier, ≤ 24
  std::optional<std::string> description;  // text, ≤ 60
};

// Errors of every builder: "invalid_label_input" (a field's length, characters, range, or the
// SSCC's check digit), "label_overflow" (a barcode does not fit the label at 203 and 300 dpi),
// "bad_barcode_data".
[[nodiscard]] Result<Label> make_bag_label(const BagLabelInput& input);
[[nodiscard]] Result<Label> make_shipping_label(const ShippingLabelInput& input);
[[nodiscard]] Result<Label> make_packing_slip(const PackingSlipInput& input);
[[nodiscard]] Result<Label> make_return_label(const ReturnLabelInput& input);
[[nodiscard]] Result<Label> make_bin_label(const BinLabelInput& input);

// The OMS's own shipping label (ZPL or PDF), passed to the printer unchanged. Errors:
// "format_mismatch" (the printer takes `printer_format`, the OMS sent `oms_format`),
// "format_unsupported" (not ZPL or PDF), "bad_document" (the bytes are not what `oms_format`
// says: ZPL has a ^XA … ^XZ format, PDF starts with %PDF-), "document_too_large" (over 16 MiB).
[[nodiscard]] Result<Document> pass_through_label(std::string bytes, DocumentFormat oms_format,
                                                  DocumentFormat printer_format, std::string media);

}  // namespace storeedge::printer
