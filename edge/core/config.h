// The daemon's configuration: embedded defaults, then a TOML file, then command-line flags.
// Every key is listed in config_keys() and documented in docs/configuration.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/duration.h"
#include "core/error.h"
#include "core/log.h"

namespace storeedge {

struct HttpConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string tls_cert;  // PEM chain; with tls_key, the listener speaks HTTPS only
  std::string tls_key;
  bool allow_plain = false;  // plain HTTP on a non-loopback address
  std::uint32_t max_connections = 512;
  std::uint32_t max_header_bytes = 8 * 1024;
  std::uint32_t max_body_bytes = 1024 * 1024;
  Duration request_timeout = std::chrono::seconds(30);
  Duration idle_timeout = std::chrono::seconds(60);
  Duration shutdown_grace = std::chrono::seconds(3);
};

struct AuthConfig {
  Duration session_ttl = std::chrono::hours(2);
  std::uint32_t max_failed_signins = 5;
  Duration lockout = std::chrono::minutes(5);
  std::uint32_t pin_hash_iterations = 50'000;
};

struct MqttConfig {
  std::string uri = "tcp://127.0.0.1:1883";
  std::string tls_ca;    // PEM CA bundle that signs the broker's certificate (ssl:// and mqtts://)
  std::string tls_cert;  // the store's client certificate (PEM)
  std::string tls_key;   // its private key (PEM)
};

struct SyncConfig {
  Duration outbox_retention = std::chrono::days(30);  // acknowledged rows kept for audit
  Duration outbox_warn_age = std::chrono::hours(1);   // oldest unacknowledged fact → warning
  Duration lookup_timeout = std::chrono::seconds(5);  // order.lookup answer from the OMS
};

struct FulfilConfig {
  // A cycle count whose variance for any SKU is larger than this (in units, either way) waits
  // for a lead's approval unless a lead counted.
  std::int64_t count_approval_variance = 5;
};

// A scanner the store has bound to a station ("pack-station-2"), matched against what is plugged
// in: every field that is set must match. See docs/devices.md.
struct ScannerBinding {
  std::string name;       // how the listing names it, e.g. "pack2-scanner" (an identifier)
  std::string station;    // identifier of the station; scans go to who is signed in there
  std::string transport;  // hidraw | usb | evdev | serial
  std::optional<std::uint16_t> vid, pid;  // USB vendor and product id
  std::string serial;                     // USB serial number
  std::string port;                       // USB port path, e.g. "1-1.2"
  std::string path;            // device node, e.g. /dev/ttyACM0 or a /dev/serial/by-id link
  std::uint32_t baud = 9600;   // serial
  std::string framing = "cr";  // serial: cr | lf | crlf | stx_etx
  bool auto_detach = true;     // usb: detach the kernel's driver to claim the interface
};

struct DevicesConfig {
  // Open every USB HID POS scanner found through hidraw, bound or not (unbound ones are listed
  // and their scans recorded, but not routed to anyone).
  bool hid_pos_auto = true;
  std::uint32_t queue_limit = 64;  // data events per device not yet delivered (back-pressure)
  std::vector<ScannerBinding> scanners;
};

// A printer the print queue sends to ([[printers.printer]]): what it prints (its purposes),
// where it stands, and how to reach it. See docs/printing.md.
struct PrinterConfig {
  std::string name;     // identifier, e.g. "desk-zebra"
  std::string station;  // where it stands; "" = anywhere
  // bag_label | shipping_label | packing_slip | return_label | bin_label | return_slip
  std::vector<std::string> purposes;
  std::string backend;         // cups | ipp | raw
  std::string queue;           // cups: the queue's name
  std::string server;          // cups: "host:port"; "" = the local cupsd
  std::string uri;             // ipp: ipp://host:port/ipp/print
  std::string host;            // raw: the printer's address
  std::uint16_t port = 9100;   // raw
  std::string format = "zpl";  // zpl | pdf: what labels are rendered as; escpos: receipts
  int dpi = 203;               // zpl: 203 or 300
  std::string media;           // the printer's media name; "" = its default
  int paper_width_mm = 80;     // escpos: 80 (48 columns) or 58 (32 columns)
};

struct PrintingConfig {
  std::vector<PrinterConfig> printers;
};

// POS returns ([returns]). See docs/printing.md, "Return label".
struct ReturnsConfig {
  // Where goods going back to the distribution centre are sent: 1-5 lines of text of at most
  // 40 characters each, printed on return labels; empty = not configured (labels fail saying so).
  std::vector<std::string> dc_address;
};

// Ship-from-store parcels ([shipping]): what the store's own GS1 logistic label needs when the OMS
// sends no carrier label. See docs/printing.md, "Our own shipping label".
struct ShippingConfig {
  // The store's GS1 Company Prefix, 7-10 digits; "" = not configured (no SSCCs are assigned and
  // the store's own shipping labels fail saying so).
  std::string gs1_company_prefix;
  int sscc_extension_digit = 0;  // 0-9, the SSCC's first digit
  // The serial references this store may use, inclusive; the last defaults to the largest that
  // fits beside the prefix (10^(16 - prefix digits) - 1). Stores sharing a prefix get disjoint
  // ranges.
  std::int64_t sscc_serial_first = 0;
  std::optional<std::int64_t> sscc_serial_last;
  // The ship-from address on the label: 0 (not configured) to 4 lines of 1-40 characters.
  std::vector<std::string> ship_from;
};

struct DatabaseConfig {
  std::uint32_t write_queue_limit = 10'000;
  std::uint32_t max_group_size = 1'000;
  Duration busy_timeout = std::chrono::seconds(5);
};

struct Config {
  std::string state_dir;  // empty = $STATE_DIRECTORY or ./var
  std::string tenant = "demo";
  std::string store = "S001";
  std::string mqtt_uri = "tcp://127.0.0.1:1883";
  MqttConfig mqtt;  // uri mirrors mqtt_uri; TLS files
  SyncConfig sync;
  FulfilConfig fulfil;
  DevicesConfig devices;
  PrintingConfig printing;
  ReturnsConfig returns;
  ShippingConfig shipping;
  log::Level log_level = log::Level::info;
  HttpConfig http;
  AuthConfig auth;
  DatabaseConfig database;
};

// What the command line may override; unset fields leave the file's value.
struct ConfigOverrides {
  std::optional<std::string> state_dir, http_listen, mqtt_uri, tenant, store, log_level;
};

struct ConfigKey {
  std::string name;  // dotted TOML path, e.g. "http.listen"
  bool reloadable;   // applied on SIGHUP without a restart
};
const std::vector<ConfigKey>& config_keys();

// Loads defaults, then `file` (if non-empty), then `overrides`, and validates the result.
// Errors name the key and the problem. Does not touch the filesystem beyond reading `file`.
[[nodiscard]] Result<Config> load_config(const std::string& file, const ConfigOverrides& overrides);

// Parses TOML text as a configuration file (exposed for tests and the fuzz target).
[[nodiscard]] Result<Config> parse_config_text(std::string_view toml_text,
                                               const ConfigOverrides& overrides);

// Resolves state_dir: configured value, else the first entry of $STATE_DIRECTORY, else "./var".
std::string resolve_state_dir(const Config& config);

// Identifiers of the OMS contract: 1-64 characters of [A-Za-z0-9._:-].
bool is_identifier(std::string_view s);

}  // namespace storeedge
