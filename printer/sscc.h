// The store's SSCCs (Serial Shipping Container Codes) for its own GS1 logistic labels: extension
// digit + GS1 Company Prefix + serial reference from a durable counter + mod-10 check digit, one
// per package, assigned in the transaction that creates the package's shipping label job and
// kept for reprints. Decisions: docs/printing.md, "Our own shipping label".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/error.h"
#include "printer/print_jobs.h"
#include "store/database.h"

namespace storeedge::printer {

// The GS1 mod-10 check digit of `body` (digits only): weights 3, 1, 3, … from the right.
char gs1_mod10(std::string_view body);

// The 18-digit SSCC of `serial` for this configuration. Errors: "not_configured" (no company
// prefix), "invalid_sscc_input" (a prefix that is not 7-10 digits, an extension digit outside
// 0-9, a serial outside 0 … sscc_serial_capacity(prefix) - 1).
[[nodiscard]] Result<std::string> compose_sscc(const ShippingConfig& config, std::int64_t serial);
// How many serial references fit beside a prefix: 10^(16 - its digits) (10^9 for 7 digits).
std::int64_t sscc_serial_capacity(std::string_view company_prefix);

// The next SSCC from the store's counter (store_meta "sscc_next_serial"), which moves on by one
// in the caller's transaction. The counter runs through sscc_serial_first … sscc_serial_last and
// then starts again at the first (GS1 lets an SSCC be used again a year after it shipped: the
// range must hold more than a year of parcels); a counter outside the range (the range was
// changed) starts at its first. Errors: "not_configured", compose_sscc's, the store's.
[[nodiscard]] Result<std::string> next_sscc(store::Connection& db, const ShippingConfig& config);

// The package's SSCC (packages.sscc): the one it has, or else the next one, stored now. Errors:
// "not_found" (no such package), "not_configured" (none yet and no company prefix), next_sscc's.
[[nodiscard]] Result<std::string> package_sscc(store::Connection& db, const ShippingConfig& config,
                                               const std::string& allocation,
                                               const std::string& package);

// A shipping_label job for a package whose carrier label the OMS did not send: the package gets
// its SSCC first (when a company prefix is configured; without one the job is still made, and
// fails in the print queue with "not_configured" so people see why). Returns the job id.
// Errors: "not_found" (no such package), the store's.
[[nodiscard]] Result<std::int64_t> add_own_shipping_label_job(
    store::Connection& db, const ShippingConfig& config, const std::string& allocation,
    const std::string& package, const std::optional<std::string>& station, std::string_view now);

// label.failed from the OMS (sync/down_applier.h's hook): the package's own shipping label job,
// once — not when the package is unknown here (nothing to label) or already has a shipping label
// job (a second failure prints nothing again; people reprint). Returns the new job's id, if any.
[[nodiscard]] Result<std::optional<std::int64_t>> own_label_after_oms_failure(
    store::Connection& db, const ShippingConfig& config, const std::string& allocation,
    const std::string& package, std::string_view now);

}  // namespace storeedge::printer
