// Configuration loading. A table of keys drives parsing, so an unknown key is always an error
// that names it, and docs/configuration.md can be checked against the same table in a test.
#include "core/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace storeedge {
namespace {

using Setter = std::function<std::optional<std::string>(const toml::node&, Config&)>;

struct KeySpec {
  bool reloadable;
  Setter set;
};

std::optional<std::string> set_string(const toml::node& n, std::string& out) {
  auto v = n.value<std::string>();
  if (!n.is_string() || !v) return "must be a string";
  out = *v;
  return std::nullopt;
}

Setter string_key(std::string Config::*field) {
  return [field](const toml::node& n, Config& c) { return set_string(n, c.*field); };
}

template <class Section>
Setter string_key(Section Config::*section, std::string Section::*field) {
  return [=](const toml::node& n, Config& c) { return set_string(n, (c.*section).*field); };
}

template <class Section, class Int>
Setter int_key(Section Config::*section, Int Section::*field, std::int64_t lo, std::int64_t hi) {
  return [=](const toml::node& n, Config& c) -> std::optional<std::string> {
    if (!n.is_integer()) return "must be an integer";
    auto v = *n.value<std::int64_t>();
    if (v < lo || v > hi)
      return "must be between " + std::to_string(lo) + " and " + std::to_string(hi);
    (c.*section).*field = static_cast<Int>(v);
    return std::nullopt;
  };
}

template <class Section>
Setter duration_key(Section Config::*section, Duration Section::*field, Duration lo, Duration hi) {
  return [=](const toml::node& n, Config& c) -> std::optional<std::string> {
    auto s = n.value<std::string>();
    if (!n.is_string() || !s) return "must be a duration string such as \"30s\"";
    auto d = parse_duration(*s);
    if (!d) return "'" + *s + "' is not a duration (use e.g. \"250ms\", \"30s\", \"5m\", \"2h\")";
    if (*d < lo || *d > hi)
      return "must be between " + format_duration(lo) + " and " + format_duration(hi);
    (c.*section).*field = *d;
    return std::nullopt;
  };
}

std::optional<std::string> set_listen(std::string_view text, HttpConfig& http) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return "must be HOST:PORT";
  std::string host(text.substr(0, colon));
  std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  if (ec) return "'" + host + "' is not an IP address";
  unsigned port = 0;
  auto [end, perr] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (perr != std::errc{} || end != port_text.data() + port_text.size() || port > 65535)
    return "'" + std::string(port_text) + "' is not a port (0-65535)";
  http.host = host;
  http.port = static_cast<std::uint16_t>(port);
  return std::nullopt;
}

// A string of 1..max characters for `key` of a [[table]], or why not.
std::optional<std::string> text_value(const std::string& key, const toml::node& n, std::string& out,
                                      std::size_t max) {
  auto v = n.value<std::string>();
  if (!n.is_string() || !v || v->empty() || v->size() > max)
    return key + " must be a string of 1-" + std::to_string(max) + " characters";
  out = *v;
  return std::nullopt;
}

std::optional<std::string> identifier_value(const std::string& key, const toml::node& n,
                                            std::string& out) {
  if (auto e = text_value(key, n, out, 64)) return e;
  if (!is_identifier(out)) return key + " must be 1-64 characters of [A-Za-z0-9._:-]";
  return std::nullopt;
}

// Each table of an array of tables ([[name]]) read into a T by `set_field`, then checked as a
// whole by `check` (which sees the ones before it); errors start with the table's index.
template <class T, class SetField, class Check>
std::optional<std::string> read_tables(const toml::node& n, std::string_view name, std::size_t max,
                                       std::vector<T>& out, SetField set_field, Check check) {
  const auto* list = n.as_array();
  if (!list || (!list->empty() && !list->is_array_of_tables()))
    return "must be an array of tables ([[" + std::string(name) + "]])";
  if (list->size() > max) return "at most " + std::to_string(max) + " tables";
  out.clear();
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string where = "[" + std::to_string(i) + "] ";
    T item;
    for (auto&& [k, v] : *list->get(i)->as_table())
      if (auto e = set_field(std::string(k.str()), v, item)) return where + *e;
    if (auto e = check(item, i, out)) return where + *e;
    out.push_back(std::move(item));
  }
  return std::nullopt;
}

std::optional<std::string> set_binding_field(const std::string& key, const toml::node& n,
                                             ScannerBinding& b) {
  auto text = [&](std::string& out, std::size_t max) { return text_value(key, n, out, max); };
  auto hex16 = [&](std::optional<std::uint16_t>& out) -> std::optional<std::string> {
    auto v = n.value<std::string>();
    unsigned value = 0;
    if (n.is_string() && v && v->size() == 4) {
      auto [end, ec] = std::from_chars(v->data(), v->data() + 4, value, 16);
      if (ec == std::errc{} && end == v->data() + 4) {
        out = static_cast<std::uint16_t>(value);
        return std::nullopt;
      }
    }
    return key + " must be 4 hex digits, e.g. \"0c2e\"";
  };
  if (key == "name" || key == "station")
    return identifier_value(key, n, key == "name" ? b.name : b.station);
  if (key == "transport") {
    if (auto p = text(b.transport, 16)) return p;
    if (b.transport != "hidraw" && b.transport != "usb" && b.transport != "evdev" &&
        b.transport != "serial")
      return "transport must be one of hidraw, usb, evdev, serial";
    return std::nullopt;
  }
  if (key == "vid") return hex16(b.vid);
  if (key == "pid") return hex16(b.pid);
  if (key == "serial") return text(b.serial, 128);
  if (key == "port") return text(b.port, 64);
  if (key == "path") {
    if (auto p = text(b.path, 256)) return p;
    if (b.path.front() != '/') return "path must be absolute";
    return std::nullopt;
  }
  if (key == "baud") {
    auto v = n.value<std::int64_t>();
    static const std::int64_t rates[] = {1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200};
    if (n.is_integer() && v &&
        std::find(std::begin(rates), std::end(rates), *v) != std::end(rates)) {
      b.baud = static_cast<std::uint32_t>(*v);
      return std::nullopt;
    }
    return "baud must be one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200";
  }
  if (key == "framing") {
    if (auto p = text(b.framing, 16)) return p;
    if (b.framing != "cr" && b.framing != "lf" && b.framing != "crlf" && b.framing != "stx_etx")
      return "framing must be one of cr, lf, crlf, stx_etx";
    return std::nullopt;
  }
  if (key == "auto_detach") {
    if (!n.is_boolean()) return "auto_detach must be true or false";
    b.auto_detach = *n.value<bool>();
    return std::nullopt;
  }
  return "unknown key '" + key + "'";
}

// [[devices.scanner]] tables: each one a binding; checked as a whole (a transport and a way to
// find the device), and no two bindings may share a name.
std::optional<std::string> set_scanners(const toml::node& n, Config& c) {
  auto check = [](ScannerBinding& b, std::size_t i,
                  const std::vector<ScannerBinding>& before) -> std::optional<std::string> {
    if (b.station.empty()) return "needs a station";
    if (b.transport.empty()) return "needs a transport (hidraw, usb, evdev or serial)";
    if (!b.vid && b.path.empty()) return "needs vid (with pid) or path to find the device";
    if (b.vid.has_value() != b.pid.has_value()) return "vid and pid go together";
    if (b.transport == "usb" && !b.vid) return "a usb scanner is found by vid and pid";
    if (b.name.empty()) b.name = b.station + "-scanner-" + std::to_string(i + 1);
    for (const auto& other : before)
      if (other.name == b.name) return "the name '" + b.name + "' is used twice";
    return std::nullopt;
  };
  return read_tables(n, "devices.scanner", 256, c.devices.scanners, set_binding_field, check);
}

bool is_purpose(std::string_view p) {
  return p == "bag_label" || p == "shipping_label" || p == "packing_slip" || p == "return_label" ||
         p == "bin_label" || p == "return_slip";
}

std::optional<std::string> set_printer_field(const std::string& key, const toml::node& n,
                                             PrinterConfig& p) {
  auto text = [&](std::string& out, std::size_t max) { return text_value(key, n, out, max); };
  if (key == "name" || key == "station")
    return identifier_value(key, n, key == "name" ? p.name : p.station);
  if (key == "purposes") {
    const auto* list = n.as_array();
    if (!list || list->empty() || list->size() > 6)
      return "purposes must be a list of 1-6 of bag_label, shipping_label, packing_slip, "
             "return_label, bin_label, return_slip";
    p.purposes.clear();
    for (const auto& item : *list) {
      auto v = item.value<std::string>();
      if (!item.is_string() || !v || !is_purpose(*v))
        return "purposes: each one of bag_label, shipping_label, packing_slip, return_label, "
               "bin_label, return_slip";
      p.purposes.push_back(*v);
    }
    return std::nullopt;
  }
  if (key == "backend") {
    if (auto e = text(p.backend, 8)) return e;
    if (p.backend != "cups" && p.backend != "ipp" && p.backend != "raw")
      return "backend must be one of cups, ipp, raw";
    return std::nullopt;
  }
  if (key == "queue") return text(p.queue, 127);
  if (key == "server") return text(p.server, 255);
  if (key == "host") return text(p.host, 255);
  if (key == "media") return text(p.media, 127);
  if (key == "uri") {
    if (auto e = text(p.uri, 1024)) return e;
    auto u = boost::urls::parse_uri(p.uri);
    if (!u || (u->scheme() != "ipp" && u->scheme() != "ipps") || u->host().empty())
      return "uri must be an ipp:// or ipps:// URI with a host";
    return std::nullopt;
  }
  if (key == "port") {
    auto v = n.value<std::int64_t>();
    if (!n.is_integer() || !v || *v < 1 || *v > 65535) return "port must be 1-65535";
    p.port = static_cast<std::uint16_t>(*v);
    return std::nullopt;
  }
  if (key == "format") {
    if (auto e = text(p.format, 8)) return e;
    if (p.format != "zpl" && p.format != "pdf" && p.format != "escpos")
      return "format must be zpl, pdf or escpos";
    return std::nullopt;
  }
  if (key == "dpi") {
    auto v = n.value<std::int64_t>();
    if (!n.is_integer() || !v || (*v != 203 && *v != 300)) return "dpi must be 203 or 300";
    p.dpi = static_cast<int>(*v);
    return std::nullopt;
  }
  if (key == "paper_width_mm") {
    auto v = n.value<std::int64_t>();
    if (!n.is_integer() || !v || (*v != 80 && *v != 58)) return "paper_width_mm must be 80 or 58";
    p.paper_width_mm = static_cast<int>(*v);
    return std::nullopt;
  }
  return "unknown key '" + key + "'";
}

// [[printers.printer]] tables, each checked as a whole: a backend with what it needs, and
// distinct names.
std::optional<std::string> set_printers(const toml::node& n, Config& c) {
  auto check = [](PrinterConfig& p, std::size_t,
                  const std::vector<PrinterConfig>& before) -> std::optional<std::string> {
    if (p.name.empty()) return "needs a name";
    if (p.purposes.empty()) return "needs purposes";
    if (p.backend.empty()) return "needs a backend (cups, ipp or raw)";
    if (p.backend == "cups" && p.queue.empty()) return "a cups printer needs its queue";
    if (p.backend == "ipp" && p.uri.empty()) return "an ipp printer needs its uri";
    if (p.backend == "raw" && p.host.empty()) return "a raw printer needs its host";
    if (p.backend == "raw" && p.format != "zpl" && p.format != "escpos")
      return "a raw printer takes zpl or escpos";
    if (p.format == "escpos" && p.backend == "ipp")
      return "an escpos printer needs the raw backend or a (raw) cups queue; IPP printers take "
             "no ESC/POS";
    // ESC/POS is for receipts: today the return slip, which is never anything else.
    for (const auto& purpose : p.purposes) {
      if (p.format == "escpos" && purpose != "return_slip")
        return "an escpos printer prints return_slip only, not " + purpose;
      if (p.format != "escpos" && purpose == "return_slip")
        return "return_slip needs format = \"escpos\" (a receipt printer)";
    }
    for (const auto& other : before)
      if (other.name == p.name) return "the name '" + p.name + "' is used twice";
    return std::nullopt;
  };
  return read_tables(n, "printers.printer", 64, c.printing.printers, set_printer_field, check);
}

// Whether `s` is valid UTF-8 without control characters; counts its code points into `chars`.
bool printable_utf8(std::string_view s, std::size_t& chars) {
  chars = 0;
  for (std::size_t i = 0; i < s.size(); ++chars) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t n = b < 0x80             ? 1
                          : (b & 0xE0) == 0xC0 ? 2
                          : (b & 0xF0) == 0xE0 ? 3
                          : (b & 0xF8) == 0xF0 ? 4
                                               : 0;
    if (n == 0 || i + n > s.size()) return false;
    char32_t cp = n == 1 ? b : b & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return false;
    i += n;
  }
  return true;
}

// An address of 0 (not configured) to `max_lines` lines of 1-40 characters of printable text.
std::optional<std::string> set_address(const toml::node& n, std::size_t max_lines,
                                       std::vector<std::string>& out) {
  const auto* list = n.as_array();
  const std::string shape = "must be a list of 1-" + std::to_string(max_lines) +
                            " lines of text of 1-40 characters each (or [] for none)";
  if (!list || list->size() > max_lines) return shape;
  std::vector<std::string> lines;
  for (const auto& item : *list) {
    auto v = item.value<std::string>();
    std::size_t chars = 0;
    if (!item.is_string() || !v) return shape;
    if (!printable_utf8(*v, chars))
      return "line " + std::to_string(lines.size() + 1) +
             " must be UTF-8 text without control characters";
    if (chars == 0 || chars > 40)
      return "line " + std::to_string(lines.size() + 1) + " must have 1-40 characters, not " +
             std::to_string(chars);
    lines.push_back(*v);
  }
  out = std::move(lines);
  return std::nullopt;
}

// GS1 Prefixes (the first digits of a company prefix) that are not for SSCCs in the open supply
// chain: restricted circulation (02, 04, 2), coupons (05, 98, 99).
bool restricted_gs1_prefix(std::string_view p) {
  return p.starts_with("02") || p.starts_with("04") || p.starts_with("05") || p.starts_with("2") ||
         p.starts_with("98") || p.starts_with("99");
}

std::optional<std::string> set_gs1_company_prefix(const toml::node& n, Config& c) {
  auto v = n.value<std::string>();
  if (!n.is_string() || !v) return "must be a string of 7-10 digits";
  if (v->empty()) {
    c.shipping.gs1_company_prefix.clear();
    return std::nullopt;
  }
  const bool digits =
      std::all_of(v->begin(), v->end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  if (!digits || v->size() < 7 || v->size() > 10)
    return "must be the store's GS1 Company Prefix: 7-10 digits, not '" + *v + "'";
  if (restricted_gs1_prefix(*v))
    return "'" + *v +
           "' starts with a GS1 Prefix for restricted circulation or coupons (02, 04, 05, 2, "
           "98, 99), not a company prefix";
  c.shipping.gs1_company_prefix = *v;
  return std::nullopt;
}

std::optional<std::string> set_sscc_serial(const toml::node& n, Config& c, bool last) {
  auto v = n.value<std::int64_t>();
  if (!n.is_integer() || !v || *v < 0 || *v > 999'999'999)
    return "must be a whole number from 0 to 999999999";
  if (last)
    c.shipping.sscc_serial_last = *v;
  else
    c.shipping.sscc_serial_first = *v;
  return std::nullopt;
}

const std::map<std::string, KeySpec>& key_table() {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  static const std::map<std::string, KeySpec> table = {
      {"state_dir", {false, string_key(&Config::state_dir)}},
      {"tenant", {false, string_key(&Config::tenant)}},
      {"store", {false, string_key(&Config::store)}},
      {"log.level",
       {true,
        [](const toml::node& n, Config& c) -> std::optional<std::string> {
          auto s = n.value<std::string>();
          if (!n.is_string() || !s || !log::parse_level(*s, c.log_level))
            return "must be one of error, warning, notice, info, debug";
          return std::nullopt;
        }}},
      {"mqtt.uri", {false, string_key(&Config::mqtt_uri)}},
      {"mqtt.tls_ca", {false, string_key(&Config::mqtt, &MqttConfig::tls_ca)}},
      {"mqtt.tls_cert", {false, string_key(&Config::mqtt, &MqttConfig::tls_cert)}},
      {"mqtt.tls_key", {false, string_key(&Config::mqtt, &MqttConfig::tls_key)}},
      {"sync.outbox_retention",
       {false, duration_key(&Config::sync, &SyncConfig::outbox_retention, hours(1),
                            std::chrono::days(3650))}},
      {"sync.outbox_warn_age",
       {true, duration_key(&Config::sync, &SyncConfig::outbox_warn_age, seconds(10),
                           std::chrono::days(365))}},
      {"sync.lookup_timeout",
       {true,
        duration_key(&Config::sync, &SyncConfig::lookup_timeout, milliseconds(100), seconds(120))}},
      {"fulfil.count_approval_variance",
       {true, int_key(&Config::fulfil, &FulfilConfig::count_approval_variance, 0, 100'000)}},
      {"devices.hid_pos_auto",
       {false,
        [](const toml::node& n, Config& c) -> std::optional<std::string> {
          if (!n.is_boolean()) return "must be true or false";
          c.devices.hid_pos_auto = *n.value<bool>();
          return std::nullopt;
        }}},
      {"devices.queue_limit",
       {false, int_key(&Config::devices, &DevicesConfig::queue_limit, 1, 10'000)}},
      {"devices.scanner", {false, set_scanners}},
      {"printers.printer", {false, set_printers}},
      {"returns.dc_address",
       {false,
        [](const toml::node& n, Config& c) { return set_address(n, 5, c.returns.dc_address); }}},
      {"shipping.gs1_company_prefix", {false, set_gs1_company_prefix}},
      {"shipping.sscc_extension_digit",
       {false, int_key(&Config::shipping, &ShippingConfig::sscc_extension_digit, 0, 9)}},
      {"shipping.sscc_serial_first",
       {false, [](const toml::node& n, Config& c) { return set_sscc_serial(n, c, false); }}},
      {"shipping.sscc_serial_last",
       {false, [](const toml::node& n, Config& c) { return set_sscc_serial(n, c, true); }}},
      {"shipping.ship_from",
       {false,
        [](const toml::node& n, Config& c) { return set_address(n, 4, c.shipping.ship_from); }}},
      {"http.listen",
       {false,
        [](const toml::node& n, Config& c) -> std::optional<std::string> {
          auto s = n.value<std::string>();
          if (!n.is_string() || !s) return "must be a string \"HOST:PORT\"";
          return set_listen(*s, c.http);
        }}},
      {"http.tls_cert", {false, string_key(&Config::http, &HttpConfig::tls_cert)}},
      {"http.tls_key", {false, string_key(&Config::http, &HttpConfig::tls_key)}},
      {"http.allow_plain",
       {false,
        [](const toml::node& n, Config& c) -> std::optional<std::string> {
          if (!n.is_boolean()) return "must be true or false";
          c.http.allow_plain = *n.value<bool>();
          return std::nullopt;
        }}},
      {"http.max_connections",
       {false, int_key(&Config::http, &HttpConfig::max_connections, 1, 100'000)}},
      {"http.max_header_bytes",
       {true, int_key(&Config::http, &HttpConfig::max_header_bytes, 1024, 1 << 20)}},
      {"http.max_body_bytes",
       {true, int_key(&Config::http, &HttpConfig::max_body_bytes, 1024, 64 << 20)}},
      {"http.request_timeout",
       {true,
        duration_key(&Config::http, &HttpConfig::request_timeout, milliseconds(100), hours(1))}},
      {"http.idle_timeout",
       {true, duration_key(&Config::http, &HttpConfig::idle_timeout, milliseconds(100), hours(1))}},
      {"http.shutdown_grace",
       {true,
        duration_key(&Config::http, &HttpConfig::shutdown_grace, milliseconds(0), seconds(4))}},
      {"auth.session_ttl",
       {true, duration_key(&Config::auth, &AuthConfig::session_ttl, seconds(60), hours(24))}},
      {"auth.max_failed_signins",
       {true, int_key(&Config::auth, &AuthConfig::max_failed_signins, 1, 1000)}},
      {"auth.lockout",
       {true, duration_key(&Config::auth, &AuthConfig::lockout, seconds(1), hours(24))}},
      {"auth.pin_hash_iterations",
       {false, int_key(&Config::auth, &AuthConfig::pin_hash_iterations, 1000, 10'000'000)}},
      {"database.write_queue_limit",
       {false, int_key(&Config::database, &DatabaseConfig::write_queue_limit, 1, 1'000'000)}},
      {"database.max_group_size",
       {false, int_key(&Config::database, &DatabaseConfig::max_group_size, 1, 100'000)}},
      {"database.busy_timeout",
       {false, duration_key(&Config::database, &DatabaseConfig::busy_timeout, milliseconds(0),
                            seconds(60))}},
  };
  return table;
}

std::optional<Error> apply_table(const toml::table& tbl, const std::string& prefix,
                                 Config& config) {
  for (auto&& [k, node] : tbl) {
    std::string name = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table()) {
      if (auto err = apply_table(*sub, name, config)) return err;
      continue;
    }
    auto it = key_table().find(name);
    if (it == key_table().end())
      return make_error("config_unknown_key", "unknown configuration key '" + name + "'");
    if (auto problem = it->second.set(node, config))
      return make_error("config_bad_value", name + ": " + *problem);
  }
  return std::nullopt;
}

bool is_loopback(const std::string& host) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(host, ec);
  return !ec && a.is_loopback();
}

std::optional<Error> validate(const Config& c) {
  auto bad = [](std::string key, std::string what) {
    return make_error("config_bad_value", key + ": " + what);
  };
  if (!is_identifier(c.tenant)) return bad("tenant", "must be 1-64 characters of [A-Za-z0-9._:-]");
  if (!is_identifier(c.store)) return bad("store", "must be 1-64 characters of [A-Za-z0-9._:-]");
  auto uri = boost::urls::parse_uri(c.mqtt_uri);
  if (!uri) return bad("mqtt.uri", "'" + c.mqtt_uri + "' is not a URI");
  static const char* schemes[] = {"tcp", "ssl", "mqtt", "mqtts", "ws", "wss"};
  bool scheme_ok = false;
  for (const char* s : schemes) scheme_ok |= uri->scheme() == s;
  if (!scheme_ok) return bad("mqtt.uri", "scheme must be tcp, ssl, mqtt, mqtts, ws or wss");
  if (uri->host().empty() || !uri->has_port()) return bad("mqtt.uri", "needs a host and a port");
  const bool tls_uri = uri->scheme() == "ssl" || uri->scheme() == "mqtts" || uri->scheme() == "wss";
  if (c.mqtt.tls_cert.empty() != c.mqtt.tls_key.empty())
    return bad("mqtt.tls_cert", "mqtt.tls_cert and mqtt.tls_key go together");
  if (!tls_uri && !(c.mqtt.tls_ca.empty() && c.mqtt.tls_cert.empty()))
    return bad("mqtt.tls_ca", "TLS files need an ssl://, mqtts:// or wss:// mqtt.uri");
  for (const auto& [key, path] :
       {std::pair{"mqtt.tls_ca", c.mqtt.tls_ca}, std::pair{"mqtt.tls_cert", c.mqtt.tls_cert},
        std::pair{"mqtt.tls_key", c.mqtt.tls_key}}) {
    if (!path.empty() && !std::ifstream(path).good()) return bad(key, "cannot read '" + path + "'");
  }
  if (c.http.tls_cert.empty() != c.http.tls_key.empty())
    return bad("http.tls_cert", "http.tls_cert and http.tls_key go together");
  for (const auto& [key, path] :
       {std::pair{"http.tls_cert", c.http.tls_cert}, std::pair{"http.tls_key", c.http.tls_key}}) {
    if (!path.empty() && !std::ifstream(path).good()) return bad(key, "cannot read '" + path + "'");
  }
  if (c.http.tls_cert.empty() && !c.http.allow_plain && !is_loopback(c.http.host))
    return bad("http.listen",
               "plain HTTP on a non-loopback address needs http.tls_cert and http.tls_key, "
               "or http.allow_plain = true");
  if (!c.shipping.gs1_company_prefix.empty() || c.shipping.sscc_serial_last) {
    // The serial reference fills the SSCC's 16 digits after the extension digit and the prefix.
    const std::size_t digits = 16 - std::max<std::size_t>(c.shipping.gs1_company_prefix.size(), 7);
    std::int64_t capacity = 1;
    for (std::size_t i = 0; i < digits; ++i) capacity *= 10;
    const std::int64_t last = c.shipping.sscc_serial_last.value_or(capacity - 1);
    if (last >= capacity)
      return bad("shipping.sscc_serial_last",
                 "must be below " + std::to_string(capacity) + ": beside a " +
                     std::to_string(16 - digits) +
                     "-digit company prefix the serial reference has " + std::to_string(digits) +
                     " digits");
    if (c.shipping.sscc_serial_first > last)
      return bad("shipping.sscc_serial_first", "must not exceed shipping.sscc_serial_last");
  }
  if (c.database.max_group_size > c.database.write_queue_limit)
    return bad("database.max_group_size", "must not exceed database.write_queue_limit");
  return std::nullopt;
}

std::optional<Error> apply_overrides(const ConfigOverrides& o, Config& c) {
  if (o.state_dir) c.state_dir = *o.state_dir;
  if (o.mqtt_uri) c.mqtt_uri = *o.mqtt_uri;
  if (o.tenant) c.tenant = *o.tenant;
  if (o.store) c.store = *o.store;
  if (o.http_listen) {
    if (auto problem = set_listen(*o.http_listen, c.http))
      return make_error("config_bad_value", "--http-listen: " + *problem);
  }
  if (o.log_level && !log::parse_level(*o.log_level, c.log_level))
    return make_error("config_bad_value",
                      "--log-level: must be one of error, warning, notice, info, debug");
  return std::nullopt;
}

}  // namespace

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = [] {
    std::vector<ConfigKey> out;
    for (const auto& [name, spec] : key_table()) out.push_back({name, spec.reloadable});
    return out;
  }();
  return keys;
}

bool is_identifier(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char ch : s) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == ':' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

Result<Config> parse_config_text(std::string_view toml_text, const ConfigOverrides& overrides) {
  Config config;
  if (!toml_text.empty()) {
    toml::table tbl;
    try {
      tbl = toml::parse(toml_text);
    } catch (const toml::parse_error& e) {
      std::ostringstream where;
      where << "line " << e.source().begin.line << ", column " << e.source().begin.column;
      return make_error("config_syntax", where.str() + ": " + std::string(e.description()));
    }
    if (auto err = apply_table(tbl, "", config)) return *err;
  }
  if (auto err = apply_overrides(overrides, config)) return *err;
  config.mqtt.uri = config.mqtt_uri;
  if (auto err = validate(config)) return *err;
  return config;
}

Result<Config> load_config(const std::string& file, const ConfigOverrides& overrides) {
  std::string text;
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
      return make_error("config_unreadable", "cannot read configuration file '" + file + "'");
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    if (text.size() > (1 << 20))
      return make_error("config_too_large", "configuration file '" + file + "' exceeds 1 MiB");
  }
  auto config = parse_config_text(text, overrides);
  if (!config && !file.empty()) {
    Error e = config.error();  // result::error() returns a copy: build the new error
    e.message = file + ": " + e.message;
    return e;
  }
  return config;
}

std::string resolve_state_dir(const Config& config) {
  if (!config.state_dir.empty()) return config.state_dir;
  if (const char* s = std::getenv("STATE_DIRECTORY"); s && *s) {
    std::string_view v(s);
    return std::string(v.substr(0, v.find(':')));
  }
  return "var";
}

}  // namespace storeedge
