// What each print job prints, from the store's rows: a bag label from the allocation (order,
// customer, staging location), a shipping label from the OMS's label (its ZPL or PDF passed
// through) or else the store's own GS1 logistic label, a packing slip, bin and shelf labels
// (shipping_documents.h), a POS return's return-to-DC label and ESC/POS slip
// (return_documents.h). Read on the loop; the rendering is returned to run on the printing pool.
#pragma once

#include <string>
#include <vector>

#include "printer/print_queue.h"

namespace storeedge::daemon {

// A printer::Renderer for the store `store_name`, whose return labels go to `dc_address` (the
// [returns] dc_address lines; empty = not configured) and whose own shipping labels are made as
// `shipping` says. Errors (the job fails with them): "no_data" (the allocation, label or return
// is gone, or the kind is not made from the store's rows), the label builders'
// "invalid_label_input", "format_mismatch" (the pass-through's; a return label for an escpos
// printer, a slip for one that is not), return_documents.h's and shipping_documents.h's.
printer::Renderer make_job_renderer(std::string store_name, std::vector<std::string> dc_address,
                                    ShippingConfig shipping = {});

}  // namespace storeedge::daemon
