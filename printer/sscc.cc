#include "printer/sscc.h"

#include <algorithm>
#include <charconv>

#include "store/state_dir.h"

namespace storeedge::printer {

namespace {

constexpr std::string_view kCounterKey = "sscc_next_serial";

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::int64_t serial_last(const ShippingConfig& c) {
  return c.sscc_serial_last.value_or(sscc_serial_capacity(c.gs1_company_prefix) - 1);
}

Result<bool> package_exists(store::Connection& db, const std::string& allocation,
                            const std::string& package, std::optional<std::string>& sscc) {
  bool found = false;
  auto r = store::each_row(
      db, "SELECT sscc FROM packages WHERE allocation_id = ?1 AND package = ?2",
      [&](store::Statement& s) { s.bind(1, allocation).bind(2, package); },
      [&](const store::Statement& st) {
        found = true;
        sscc = st.column_optional(0);
      });
  if (!r) return r.error();
  return found;
}

}  // namespace

char gs1_mod10(std::string_view body) {
  int sum = 0;
  bool three = true;  // the rightmost digit weighs 3
  for (auto it = body.rbegin(); it != body.rend(); ++it, three = !three)
    sum += (*it - '0') * (three ? 3 : 1);
  return static_cast<char>('0' + (10 - sum % 10) % 10);
}

std::int64_t sscc_serial_capacity(std::string_view company_prefix) {
  const std::size_t digits = 16 - std::clamp<std::size_t>(company_prefix.size(), 7, 10);
  std::int64_t capacity = 1;
  for (std::size_t i = 0; i < digits; ++i) capacity *= 10;
  return capacity;
}

Result<std::string> compose_sscc(const ShippingConfig& config, std::int64_t serial) {
  const std::string& prefix = config.gs1_company_prefix;
  if (prefix.empty())
    return make_error("not_configured",
                      "no GS1 company prefix is configured ([shipping] gs1_company_prefix): the "
                      "store cannot number its own shipping labels");
  if (prefix.size() < 7 || prefix.size() > 10 || !all_digits(prefix))
    return make_error("invalid_sscc_input", "the GS1 company prefix must be 7-10 digits");
  if (config.sscc_extension_digit < 0 || config.sscc_extension_digit > 9)
    return make_error("invalid_sscc_input", "the extension digit must be 0-9");
  const std::int64_t capacity = sscc_serial_capacity(prefix);
  if (serial < 0 || serial >= capacity)
    return make_error("invalid_sscc_input", "serial reference " + std::to_string(serial) +
                                                " does not fit beside a " +
                                                std::to_string(prefix.size()) + "-digit prefix");
  std::string reference = std::to_string(serial);
  const std::size_t width = 16 - prefix.size();
  reference.insert(0, width - reference.size(), '0');
  std::string body = std::to_string(config.sscc_extension_digit) + prefix + reference;
  body.push_back(gs1_mod10(body));
  return body;
}

Result<std::string> next_sscc(store::Connection& db, const ShippingConfig& config) {
  if (config.gs1_company_prefix.empty()) return compose_sscc(config, 0).error();
  auto stored = store::read_meta(db, kCounterKey);
  if (!stored) return stored.error();
  const std::int64_t first = config.sscc_serial_first, last = serial_last(config);
  std::int64_t serial = first;
  if (*stored) {
    std::int64_t v = -1;
    const auto& text = **stored;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && end == text.data() + text.size() && v >= first && v <= last)
      serial = v;
  }
  auto sscc = compose_sscc(config, serial);
  if (!sscc) return sscc.error();
  const std::int64_t next = serial >= last ? first : serial + 1;
  auto r = store::run(
      db,
      "INSERT INTO store_meta (key, value) VALUES (?1, ?2)"
      " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      [&](store::Statement& s) { s.bind(1, kCounterKey).bind(2, std::to_string(next)); });
  if (!r) return r.error();
  return sscc;
}

Result<std::string> package_sscc(store::Connection& db, const ShippingConfig& config,
                                 const std::string& allocation, const std::string& package) {
  std::optional<std::string> current;
  auto exists = package_exists(db, allocation, package, current);
  if (!exists) return exists.error();
  if (!*exists)
    return make_error("not_found", "allocation " + allocation + " has no package " + package);
  if (current) return *current;
  auto sscc = next_sscc(db, config);
  if (!sscc) return sscc.error();
  auto r = store::run(
      db, "UPDATE packages SET sscc = ?3 WHERE allocation_id = ?1 AND package = ?2",
      [&](store::Statement& s) { s.bind(1, allocation).bind(2, package).bind(3, *sscc); });
  if (!r) return r.error();
  return sscc;
}

Result<std::int64_t> add_own_shipping_label_job(store::Connection& db, const ShippingConfig& config,
                                                const std::string& allocation,
                                                const std::string& package,
                                                const std::optional<std::string>& station,
                                                std::string_view now) {
  auto sscc = package_sscc(db, config, allocation, package);
  if (!sscc && sscc.error().code != "not_configured") return sscc.error();
  NewPrintJob job;
  job.kind = "shipping_label";
  job.allocation_id = allocation;
  job.package = package;
  job.station = station;
  return add_print_job(db, job, now);
}

Result<std::optional<std::int64_t>> own_label_after_oms_failure(store::Connection& db,
                                                                const ShippingConfig& config,
                                                                const std::string& allocation,
                                                                const std::string& package,
                                                                std::string_view now) {
  std::optional<std::string> sscc;
  auto exists = package_exists(db, allocation, package, sscc);
  if (!exists) return exists.error();
  if (!*exists) return std::optional<std::int64_t>{};
  bool printed = false;
  auto r = store::each_row(
      db,
      "SELECT 1 FROM print_jobs WHERE kind = 'shipping_label' AND allocation_id = ?1"
      " AND package = ?2 LIMIT 1",
      [&](store::Statement& s) { s.bind(1, allocation).bind(2, package); },
      [&](const store::Statement&) { printed = true; });
  if (!r) return r.error();
  if (printed) return std::optional<std::int64_t>{};
  auto job = add_own_shipping_label_job(db, config, allocation, package, std::nullopt, now);
  if (!job) return job.error();
  return std::optional<std::int64_t>{*job};
}

}  // namespace storeedge::printer
