// What each print job prints, from the store's rows: a bag label from the allocation (order,
// customer, staging location), a shipping label from the OMS's label (its ZPL or PDF passed
// through). Read on the loop; the rendering is returned to run on the printing pool.
#pragma once

#include <string>

#include "printer/print_queue.h"

namespace storeedge::daemon {

// A printer::Renderer for the store `store_name`. Errors (the job fails with them): "no_data"
// (the allocation or label is gone, or the kind is not made from the store's rows yet), the
// label builders' "invalid_label_input", the pass-through's "format_mismatch".
printer::Renderer make_job_renderer(std::string store_name);

}  // namespace storeedge::daemon
