#include "fulfil/packing.h"

#include <algorithm>
#include <map>

#include "fulfil/item_match.h"
#include "sync/outbox.h"

namespace storeedge::fulfil {

namespace json = boost::json;
using store::each_row;
using store::run;

namespace {

Result<Allocation> load_ship_from_store(Connection& db, const std::string& id) {
  auto a = load_allocation(db, id);
  if (!a) return a;
  if (a->kind != "ship_from_store")
    return domain_error("wrong_kind", "allocation " + id + " is " + a->kind +
                                          ", not ship-from-store: stage it for pickup instead");
  if (a->state == "cancelled")
    return domain_error("allocation_cancelled", "allocation " + id + " was cancelled by the OMS");
  return a;
}

Result<void> require_state(const Allocation& a, std::initializer_list<std::string_view> states,
                           std::string_view doing) {
  if (std::find(states.begin(), states.end(), a.state) != states.end()) return {};
  return domain_error("illegal_state",
                      "allocation " + a.id + " is " + a.state + "; cannot " + std::string(doing));
}

Result<Package*> find_package(std::vector<Package>& packages, const std::string& id,
                              const std::string& package) {
  for (Package& p : packages)
    if (p.package == package) return &p;
  return domain_error("not_found", "allocation " + id + " has no package " + package);
}

// Units of each line already in a package.
std::map<std::string, std::int64_t> packed_per_line(const std::vector<Package>& packages) {
  std::map<std::string, std::int64_t> packed;
  for (const Package& p : packages)
    for (const PackageLine& l : p.lines) packed[l.line] += l.qty;
  return packed;
}

std::int64_t units_to_pack(const Allocation& a, const std::vector<Package>& packages) {
  auto packed = packed_per_line(packages);
  std::int64_t n = 0;
  for (const Line& l : a.lines) n += l.picked - packed[l.line];
  return n;
}

Result<void> check_printable(std::string_view key, const std::string& v) {
  bool ok = !v.empty() && v.size() <= 64;
  for (unsigned char c : v) ok = ok && c >= 0x20 && c <= 0x7e;
  if (!ok) return domain_error("invalid_request", std::string(key) + ": 1-64 printable characters");
  return {};
}

}  // namespace

std::int64_t Package::units() const {
  std::int64_t n = 0;
  for (const PackageLine& l : lines) n += l.qty;
  return n;
}

Result<std::vector<Package>> load_packages(Connection& db, const std::string& id) {
  std::vector<Package> packages;
  auto r = each_row(
      db,
      "SELECT p.package, p.weight_g, p.length_mm, p.width_mm, p.height_mm,"
      " p.label_requested_at IS NOT NULL, l.tracking, l.carrier, l.failure_code,"
      " l.failure_reason, p.typed_carrier, p.typed_tracking FROM packages p"
      " LEFT JOIN labels l ON l.allocation_id = p.allocation_id AND l.package = p.package"
      " WHERE p.allocation_id = ?1 ORDER BY length(p.package), p.package",
      [&](store::Statement& s) { s.bind(1, id); },
      [&](const store::Statement& s) {
        Package p;
        p.package = s.column_text(0);
        if (!s.column_is_null(1)) p.weight_g = s.column_int(1);
        if (!s.column_is_null(2))
          p.dims_mm = std::array{s.column_int(2), s.column_int(3), s.column_int(4)};
        const bool requested = s.column_int(5) != 0;
        const bool failed = !s.column_is_null(8);
        const bool created = !failed && !s.column_is_null(6);
        p.label_state = created ? "created" : failed ? "failed" : requested ? "requested" : "none";
        if (failed) p.label_error = s.column_text(8) + ": " + s.column_text(9);
        if (created) {
          p.tracking = s.column_optional(6);
          p.carrier = s.column_optional(7);
          p.tracking_source = "label";
        } else {
          p.carrier = s.column_optional(10);
          p.tracking = s.column_optional(11);
          if (p.tracking) p.tracking_source = "typed";
        }
        packages.push_back(std::move(p));
      });
  if (!r) return r.error();
  std::map<std::string, Package*> by_name;
  for (Package& p : packages) by_name[p.package] = &p;
  r = each_row(
      db,
      "SELECT pl.package, pl.line, coalesce(al.substitute_sku, al.sku), pl.qty"
      " FROM package_lines pl JOIN allocation_lines al ON al.allocation_id = pl.allocation_id"
      " AND al.line = pl.line WHERE pl.allocation_id = ?1 AND pl.qty > 0"
      " ORDER BY length(pl.line), pl.line",
      [&](store::Statement& s) { s.bind(1, id); },
      [&](const store::Statement& s) {
        auto it = by_name.find(s.column_text(0));
        if (it != by_name.end())
          it->second->lines.push_back({s.column_text(1), s.column_text(2), s.column_int(3)});
      });
  if (!r) return r.error();
  return packages;
}

Result<Package> open_package(Connection& db, const std::string& id, std::string_view at) {
  auto a = load_ship_from_store(db, id);
  if (!a) return a.error();
  if (auto ok = require_state(*a, {"picked", "packing"}, "open a package"); !ok) return ok.error();
  auto packages = load_packages(db, id);
  if (!packages) return packages.error();
  if (packages->size() >= 99)
    return domain_error("too_many", "allocation " + id + " already has 99 packages");
  Package p;
  p.package = "P" + std::to_string(packages->size() + 1);
  p.label_state = "none";
  auto r = run(db, "INSERT INTO packages (allocation_id, package, created_at) VALUES (?1, ?2, ?3)",
               [&](store::Statement& s) { s.bind(1, id).bind(2, p.package).bind(3, at); });
  if (!r) return r.error();
  r = run(db, "UPDATE allocations SET state = 'packing', updated_at = ?2 WHERE allocation_id = ?1",
          [&](store::Statement& s) { s.bind(1, id).bind(2, at); });
  if (!r) return r.error();
  return p;
}

Result<PackOutcome> pack_item(Connection& db, const std::string& id, const std::string& package,
                              const std::string& code_text, std::int64_t qty, bool remove,
                              std::string_view) {
  if (qty < 1 || qty > 9999) return domain_error("invalid_request", "qty: 1 to 9999");
  auto code = parse_item_code(code_text);
  if (!code) return code.error();
  auto a = load_ship_from_store(db, id);
  if (!a) return a.error();
  if (auto ok = require_state(*a, {"packing"}, "pack; open a package first"); !ok)
    return ok.error();
  auto packages = load_packages(db, id);
  if (!packages) return packages.error();
  auto target = find_package(*packages, id, package);
  if (!target) return target.error();
  auto packed = packed_per_line(*packages);
  const Line* matched = nullptr;
  bool named = false;
  for (const Line& l : a->lines) {
    const bool names = code_names(*code, l.sku, l.gtins) ||
                       (l.substitute_sku && same_text(code->text, *l.substitute_sku));
    if (!names || l.picked == 0) continue;
    named = true;
    const std::int64_t in_package = [&] {
      for (const PackageLine& pl : (*target)->lines)
        if (pl.line == l.line) return pl.qty;
      return std::int64_t{0};
    }();
    if (remove ? in_package >= qty : l.picked - packed[l.line] >= qty) {
      matched = &l;
      break;
    }
  }
  if (!matched) {
    if (!named)
      return domain_error("wrong_item", code->text + " was not picked for allocation " + id);
    return domain_error("too_many", remove ? "package " + package + " does not hold " +
                                                 std::to_string(qty) + " unit(s) of this item"
                                           : "fewer than " + std::to_string(qty) +
                                                 " picked unit(s) of this item are left to pack");
  }
  const std::int64_t delta = remove ? -qty : qty;
  auto r = remove ? run(db,
                        "UPDATE package_lines SET qty = qty - ?4 WHERE allocation_id = ?1 AND"
                        " package = ?2 AND line = ?3",
                        [&](store::Statement& s) {
                          s.bind(1, id).bind(2, package).bind(3, matched->line).bind(4, qty);
                        })
                  : run(db,
                        "INSERT INTO package_lines (allocation_id, package, line, qty)"
                        " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (allocation_id, package, line)"
                        " DO UPDATE SET qty = qty + ?4",
                        [&](store::Statement& s) {
                          s.bind(1, id).bind(2, package).bind(3, matched->line).bind(4, qty);
                        });
  if (!r) return r.error();
  std::int64_t package_units = (*target)->units() + delta;
  return PackOutcome{package, matched->line, matched->substitute_sku.value_or(matched->sku),
                     delta,   package_units, units_to_pack(*a, *packages) - delta};
}

Result<Package> size_package(Connection& db, const std::string& id, const std::string& package,
                             std::int64_t weight_g, const std::array<std::int64_t, 3>& dims_mm) {
  if (weight_g < 1 || weight_g > 70'000)
    return domain_error("invalid_request", "weight_g: 1 to 70000 grams");
  for (std::int64_t d : dims_mm)
    if (d < 1 || d > 3'000)
      return domain_error("invalid_request", "dims_mm: three lengths of 1 to 3000 millimetres");
  auto a = load_ship_from_store(db, id);
  if (!a) return a.error();
  if (auto ok = require_state(*a, {"packing"}, "change a package"); !ok) return ok.error();
  auto packages = load_packages(db, id);
  if (!packages) return packages.error();
  auto target = find_package(*packages, id, package);
  if (!target) return target.error();
  auto r = run(db,
               "UPDATE packages SET weight_g = ?3, length_mm = ?4, width_mm = ?5, height_mm = ?6"
               " WHERE allocation_id = ?1 AND package = ?2",
               [&](store::Statement& s) {
                 s.bind(1, id).bind(2, package).bind(3, weight_g);
                 s.bind(4, dims_mm[0]).bind(5, dims_mm[1]).bind(6, dims_mm[2]);
               });
  if (!r) return r.error();
  (*target)->weight_g = weight_g;
  (*target)->dims_mm = dims_mm;
  return **target;
}

Result<Allocation> finish_packing(Connection& db, const std::string& id, std::string_view at) {
  auto a = load_ship_from_store(db, id);
  if (!a) return a;
  if (auto ok = require_state(*a, {"packing"}, "finish packing"); !ok) return ok.error();
  auto packages = load_packages(db, id);
  if (!packages) return packages.error();
  if (const std::int64_t left = units_to_pack(*a, *packages); left != 0)
    return domain_error("pack_incomplete",
                        std::to_string(left) + " picked unit(s) are not in a package yet");
  json::array reported;
  for (const Package& p : *packages) {
    if (p.units() == 0) {
      auto r = run(db, "DELETE FROM packages WHERE allocation_id = ?1 AND package = ?2",
                   [&](store::Statement& s) { s.bind(1, id).bind(2, p.package); });
      if (!r) return r.error();
      continue;
    }
    if (!p.weight_g || !p.dims_mm)
      return domain_error("pack_incomplete",
                          "package " + p.package + " needs its weight and dimensions");
    json::array lines;
    for (const PackageLine& l : p.lines) lines.push_back({{"line", l.line}, {"qty", l.qty}});
    reported.push_back({{"package", p.package},
                        {"weight_g", *p.weight_g},
                        {"dims_mm", json::array{(*p.dims_mm)[0], (*p.dims_mm)[1], (*p.dims_mm)[2]}},
                        {"lines", std::move(lines)}});
  }
  if (reported.empty()) return domain_error("pack_incomplete", "nothing is packed");
  auto r = run(db,
               "UPDATE allocations SET state = 'packed', packed_at = ?2, updated_at = ?2"
               " WHERE allocation_id = ?1",
               [&](store::Statement& s) { s.bind(1, id).bind(2, at); });
  if (!r) return r.error();
  auto seq =
      sync::enqueue(db, "allocation.packed", {{"allocation", id}, {"packages", reported}}, at);
  if (!seq) return seq.error();
  for (const auto& p : reported) {
    const json::string& name = p.as_object().at("package").as_string();
    seq = sync::enqueue(db, "label.request", {{"allocation", id}, {"package", name}}, at);
    if (!seq) return seq.error();
    r = run(
        db, "UPDATE packages SET label_requested_at = ?3 WHERE allocation_id = ?1 AND package = ?2",
        [&](store::Statement& s) { s.bind(1, id).bind(2, std::string_view(name)).bind(3, at); });
    if (!r) return r.error();
  }
  a->state = "packed";
  return a;
}

Result<Package> type_tracking(Connection& db, const std::string& id, const std::string& package,
                              std::optional<std::string> carrier, const std::string& tracking) {
  auto a = load_ship_from_store(db, id);
  if (!a) return a.error();
  if (auto ok = require_state(*a, {"packed"}, "record a tracking number; finish packing first");
      !ok)
    return ok.error();
  if (!carrier) {
    auto st = db.prepare("SELECT carrier FROM allocations WHERE allocation_id = ?1");
    if (!st) return st.error();
    (*st)->bind(1, id);
    auto row = (*st)->step();
    if (!row) return row.error();
    if (*row) carrier = (*st)->column_optional(0);
    (*st)->reset();
    if (!carrier)
      return domain_error("invalid_request", "carrier: the allocation names none; give one");
  }
  if (auto ok = check_printable("carrier", *carrier); !ok) return ok.error();
  if (auto ok = check_printable("tracking", tracking); !ok) return ok.error();
  auto packages = load_packages(db, id);
  if (!packages) return packages.error();
  auto target = find_package(*packages, id, package);
  if (!target) return target.error();
  if ((*target)->label_state == "created")
    return domain_error("label_exists", "package " + package + " has a label with tracking " +
                                            (*target)->tracking.value_or("") + " from the OMS");
  auto r = run(db,
               "UPDATE packages SET typed_carrier = ?3, typed_tracking = ?4"
               " WHERE allocation_id = ?1 AND package = ?2",
               [&](store::Statement& s) {
                 s.bind(1, id).bind(2, package).bind(3, *carrier).bind(4, tracking);
               });
  if (!r) return r.error();
  (*target)->carrier = carrier;
  (*target)->tracking = tracking;
  (*target)->tracking_source = "typed";
  return **target;
}

Result<Allocation> ship(Connection& db, const std::string& id, const Actor&, std::string_view at) {
  auto a = load_ship_from_store(db, id);
  if (!a) return a;
  if (a->state == "shipped")
    return domain_error("illegal_state", "allocation " + id + " is shipped");
  if (auto ok = require_state(*a, {"packed"}, "ship; finish packing first"); !ok) return ok.error();
  auto packages = load_packages(db, id);
  if (!packages) return packages.error();
  json::array reported;
  for (const Package& p : *packages) {
    if (!p.tracking || !p.carrier)
      return domain_error("no_tracking", "package " + p.package +
                                             " has no tracking number: wait for its label or type"
                                             " the number from the carrier's label");
    reported.push_back(
        {{"package", p.package}, {"carrier", *p.carrier}, {"tracking", *p.tracking}});
  }
  auto r = run(db, "UPDATE allocation_lines SET handed_qty = picked_qty WHERE allocation_id = ?1",
               [&](store::Statement& s) { s.bind(1, id); });
  if (!r) return r.error();
  r = run(db,
          "UPDATE allocations SET state = 'shipped', closed_at = ?2, updated_at = ?2"
          " WHERE allocation_id = ?1",
          [&](store::Statement& s) { s.bind(1, id).bind(2, at); });
  if (!r) return r.error();
  auto seq = sync::enqueue(db, "allocation.shipped",
                           {{"allocation", id}, {"packages", std::move(reported)}}, at);
  if (!seq) return seq.error();
  a->state = "shipped";
  return a;
}

}  // namespace storeedge::fulfil
