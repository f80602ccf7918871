// Which item a scanned code names: on an allocation's line (by SKU or any of its GTINs) or in
// the store's catalog. Shared by picking, packing, put-back, counting and batch picking.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fulfil/barcode.h"
#include "store/database.h"

namespace storeedge::fulfil {

// Case-insensitive equality (SKUs are compared this way).
bool same_text(std::string_view a, std::string_view b);

// Whether `code` names the item with this SKU and these GTINs (as the OMS sent them).
bool code_names(const ItemCode& code, const std::string& sku,
                const std::vector<std::string>& gtins);

// The catalog SKU a code names (by SKU or GTIN), if the store knows it.
[[nodiscard]] Result<std::optional<std::string>> catalog_sku(store::Connection& db,
                                                             const ItemCode& code);

// Parses `text` and resolves it to a catalog SKU: invalid_barcode or unknown_item otherwise.
[[nodiscard]] Result<std::string> known_sku(store::Connection& db, std::string_view text);

}  // namespace storeedge::fulfil
