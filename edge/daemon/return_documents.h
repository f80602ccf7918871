// The documents of a POS return, made from its rows (`returns`, `return_lines`, docs/schema.md):
// the return-to-DC label of the lines going back to the distribution centre, and the customer's
// ESC/POS return slip. Read on the loop; the rendering they return runs on the printing pool.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/config.h"
#include "printer/document.h"
#include "printer/print_jobs.h"
#include "store/database.h"

namespace storeedge::daemon {

using Rendering = std::function<Result<printer::Document>()>;

// Errors (the job fails with them): "no_data" (no return id, the return is gone, no line of it
// goes to the DC), "not_configured" (no [returns] dc_address), "format_mismatch" (an escpos
// printer), the label builder's "invalid_label_input" and "label_overflow".
[[nodiscard]] Result<Rendering> return_label(store::Connection& db, const printer::PrintJob& job,
                                             const PrinterConfig& printer,
                                             const std::string& store_name,
                                             const std::vector<std::string>& dc_address);

// Errors: "no_data" (no return id, the return or its lines are gone, its tenders unreadable),
// "format_mismatch" (the printer's format is not escpos), the slip's "invalid_slip_input" and
// "slip_overflow".
[[nodiscard]] Result<Rendering> return_slip(store::Connection& db, const printer::PrintJob& job,
                                            const PrinterConfig& printer,
                                            const std::string& store_name);

}  // namespace storeedge::daemon
