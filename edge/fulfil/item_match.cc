#include "fulfil/item_match.h"

#include <algorithm>
#include <cctype>

#include "fulfil/work.h"

namespace storeedge::fulfil {

bool same_text(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool code_names(const ItemCode& code, const std::string& sku,
                const std::vector<std::string>& gtins) {
  if (same_text(code.text, sku)) return true;
  for (const std::string& g : gtins) {
    auto g14 = to_gtin14(g);
    if (g14 && std::find(code.gtins.begin(), code.gtins.end(), *g14) != code.gtins.end())
      return true;
  }
  return false;
}

Result<std::optional<std::string>> catalog_sku(store::Connection& db, const ItemCode& code) {
  auto by_sku = db.prepare("SELECT sku FROM catalog_items WHERE sku = ?1 COLLATE NOCASE");
  if (!by_sku) return by_sku.error();
  (*by_sku)->bind(1, code.text);
  auto row = (*by_sku)->step();
  if (!row) return row.error();
  if (*row) {
    std::string sku = (*by_sku)->column_text(0);
    (*by_sku)->reset();
    return std::optional(sku);
  }
  auto by_gtin = db.prepare("SELECT sku FROM catalog_gtins WHERE gtin = ?1");
  if (!by_gtin) return by_gtin.error();
  for (const std::string& g : code.gtins) {
    // The catalog keeps GTINs as the OMS sent them: GTIN-14, or without leading zeros.
    const auto significant = g.find_first_not_of('0');
    for (const std::string& form :
         {g, g.substr(1), significant == std::string::npos ? g : g.substr(significant)}) {
      (*by_gtin)->bind(1, form);
      auto r = (*by_gtin)->step();
      if (!r) return r.error();
      if (*r) {
        std::string sku = (*by_gtin)->column_text(0);
        (*by_gtin)->reset();
        return std::optional(sku);
      }
      (*by_gtin)->reset();
    }
  }
  return std::optional<std::string>();
}

Result<std::string> known_sku(store::Connection& db, std::string_view text) {
  auto code = parse_item_code(text);
  if (!code) return code.error();
  auto sku = catalog_sku(db, *code);
  if (!sku) return sku.error();
  if (!*sku) return domain_error("unknown_item", code->text + " is not in the store's catalog");
  return **sku;
}

}  // namespace storeedge::fulfil
