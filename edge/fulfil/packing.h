// Ship-from-store after picking: scanning picked units into packages with weight and
// dimensions (allocation.packed, then label.request per package), typing a tracking number
// when no label came, and shipping (allocation.shipped). Runs inside the caller's transaction.
#pragma once

#include <array>

#include "fulfil/work.h"

namespace storeedge::fulfil {

struct PackageLine {
  std::string line, sku;
  std::int64_t qty = 0;
};

struct Package {
  std::string package;  // "P1", "P2", … per allocation
  std::optional<std::int64_t> weight_g;
  std::optional<std::array<std::int64_t, 3>> dims_mm;  // length, width, height
  std::vector<PackageLine> lines;
  std::string label_state;  // none, requested, created, failed
  std::optional<std::string> label_error;
  std::optional<std::string> carrier, tracking;  // from the label, else as typed by staff
  std::optional<std::string> tracking_source;    // "label" or "typed"
  std::int64_t units() const;
};

[[nodiscard]] Result<std::vector<Package>> load_packages(Connection& db, const std::string& id);

// Opens the next package ("P<n>"); picked → packing.
[[nodiscard]] Result<Package> open_package(Connection& db, const std::string& id,
                                           std::string_view at);

struct PackOutcome {
  std::string package, line, sku;
  std::int64_t qty = 0;            // moved by this scan (negative when removed)
  std::int64_t package_units = 0;  // now in the package
  std::int64_t units_to_pack = 0;  // picked units of the allocation not yet in a package
};
// Moves `qty` picked units of the item `code` names into (or, with `remove`, out of) the
// package. Errors: wrong_item, too_many, not_found, illegal_state, wrong_kind.
[[nodiscard]] Result<PackOutcome> pack_item(Connection& db, const std::string& id,
                                            const std::string& package, const std::string& code,
                                            std::int64_t qty, bool remove, std::string_view at);

// Records a package's weight (grams) and outer dimensions (millimetres).
[[nodiscard]] Result<Package> size_package(Connection& db, const std::string& id,
                                           const std::string& package, std::int64_t weight_g,
                                           const std::array<std::int64_t, 3>& dims_mm);

// packing → packed: every picked unit is in a package and every package has its weight and
// dimensions (empty packages are dropped). Reports allocation.packed and a label.request per
// package. Errors: pack_incomplete.
[[nodiscard]] Result<Allocation> finish_packing(Connection& db, const std::string& id,
                                                std::string_view at);

// Staff type the tracking number when no label came (label.failed, or the OMS is offline).
// The carrier defaults to the allocation's. Errors: label_exists (a label already gave one).
[[nodiscard]] Result<Package> type_tracking(Connection& db, const std::string& id,
                                            const std::string& package,
                                            std::optional<std::string> carrier,
                                            const std::string& tracking);

// packed → shipped (allocation.shipped). Errors: no_tracking.
[[nodiscard]] Result<Allocation> ship(Connection& db, const std::string& id, const Actor& who,
                                      std::string_view at);

}  // namespace storeedge::fulfil
