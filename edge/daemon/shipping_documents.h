// What a ship-from-store parcel and a shelf print, made from the store's rows: the store's own
// GS1 logistic label for a package (packages.sscc, the allocation's ship-to, carrier and service,
// the typed tracking number), the packing slip of an allocation, and bin and shelf labels. Read
// on the loop; the rendering they return runs on the printing pool. docs/printing.md.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "daemon/return_documents.h"
#include "printer/print_jobs.h"
#include "store/database.h"

namespace storeedge::daemon {

// The 4x6 in GS1 logistic label of the job's package, in the printer's format (ZPL at its dpi, or
// PDF). Errors: "not_configured" (no [shipping] ship_from, or the package has no SSCC because no
// gs1_company_prefix is configured), "no_data" (the package or its allocation is gone, it has no
// SSCC, no carrier, or no ship-to), "invalid_label_input" (an address that does not fit 6 lines
// of 40 characters, …).
[[nodiscard]] Result<Rendering> own_shipping_label(store::Connection& db,
                                                   const printer::PrintJob& job,
                                                   const PrinterConfig& printer,
                                                   const ShippingConfig& shipping);

// The allocation's packing slip: its ship-to (or, without one, the customer's name) and the units
// picked per line (the substitute's SKU where one was picked), on A4, or Letter when the printer's
// media is a na_letter or na_legal size. PDF only. Errors: "format_mismatch" (a zpl printer),
// "no_data" (the allocation is gone or nothing of it is picked), "invalid_label_input".
[[nodiscard]] Result<Rendering> packing_slip(store::Connection& db, const printer::PrintJob& job,
                                             const PrinterConfig& printer);

// A bin label of the job's location, or with a SKU a shelf label (its catalog description).
// Errors: "no_data" (no location, or a location or SKU the store does not know),
// "invalid_label_input" (a location or SKU the label cannot carry).
[[nodiscard]] Result<Rendering> bin_label(store::Connection& db, const printer::PrintJob& job,
                                          const PrinterConfig& printer);

// Address lines from the OMS's ship_to JSON (name, company, line1-3, postcode and city, region,
// country), each wrapped at spaces to `width` characters. Empty when the JSON is not an object.
std::vector<std::string> address_lines(const std::string& ship_to_json, std::size_t width);

}  // namespace storeedge::daemon
