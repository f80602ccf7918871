// Configuration: defaults, file, flags, validation messages, and that the docs list every key.
#include "core/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/duration.h"
#include "daemon/options.h"

namespace storeedge {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Duration, ParsesUnitsAndRejectsJunk) {
  EXPECT_EQ(parse_duration("250ms"), Duration(250));
  EXPECT_EQ(parse_duration("30s"), Duration(30'000));
  EXPECT_EQ(parse_duration("5m"), Duration(300'000));
  EXPECT_EQ(parse_duration("2h"), Duration(7'200'000));
  EXPECT_EQ(parse_duration("7d"), Duration(604'800'000));
  for (const char* bad : {"", "s", "10", "10x", "-1s", "1.5s", " 1s", "1s ", "99999999999999999d"})
    EXPECT_FALSE(parse_duration(bad)) << bad;
  EXPECT_EQ(format_duration(Duration(7'200'000)), "2h");
  EXPECT_EQ(format_duration(Duration(1500)), "1500ms");
}

TEST(Config, DefaultsAreTheEmbeddedDemo) {
  auto c = parse_config_text("", {});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->http.host, "127.0.0.1");
  EXPECT_EQ(c->http.port, 8080);
  EXPECT_EQ(c->mqtt_uri, "tcp://127.0.0.1:1883");
  EXPECT_EQ(c->tenant, "demo");
  EXPECT_EQ(c->store, "S001");
}

TEST(Config, FileThenFlags) {
  ConfigOverrides o;
  o.store = "S777";
  o.http_listen = "[::1]:9000";
  auto c = parse_config_text(
      "tenant = \"acme\"\nstore = \"S042\"\n[http]\nlisten = \"127.0.0.1:8181\"\n"
      "request_timeout = \"5s\"\n[auth]\nsession_ttl = \"8h\"\n",
      o);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->tenant, "acme");
  EXPECT_EQ(c->store, "S777");
  EXPECT_EQ(c->http.host, "::1");
  EXPECT_EQ(c->http.port, 9000);
  EXPECT_EQ(c->http.request_timeout, std::chrono::seconds(5));
  EXPECT_EQ(c->auth.session_ttl, std::chrono::hours(8));
}

TEST(Config, ErrorsNameTheKey) {
  struct Case {
    const char* toml;
    const char* names;
  } cases[] = {
      {"bogus = 1", "'bogus'"},
      {"[http]\nlisten_port = 1", "http.listen_port"},
      {"[nope]\nx = 1", "nope.x"},
      {"[http]\nmax_body_bytes = \"big\"", "http.max_body_bytes"},
      {"[http]\nmax_body_bytes = 1", "http.max_body_bytes"},
      {"[http]\nlisten = \"10.0.0.1:80\"", "http.listen"},
      {"[http]\nlisten = \"nohost\"", "http.listen"},
      {"[http]\ntls_cert = \"/nonexistent.pem\"", "http.tls_cert"},
      {"[auth]\nsession_ttl = \"forever\"", "auth.session_ttl"},
      {"[log]\nlevel = \"loud\"", "log.level"},
      {"tenant = \"has space\"", "tenant"},
      {"[mqtt]\nuri = \"http://x:1\"", "mqtt.uri"},
      {"[mqtt]\nuri = \"tcp://host\"", "mqtt.uri"},
      {"= broken", "line 1"},
      {"[mqtt]\ntls_ca = \"/nonexistent.pem\"\nuri = \"ssl://h:8883\"", "mqtt.tls_ca"},
      {"[mqtt]\ntls_cert = \"" STOREEDGE_SOURCE_DIR "/README.md\"\nuri = \"ssl://h:8883\"",
       "mqtt.tls_cert"},
      {"[mqtt]\ntls_ca = \"" STOREEDGE_SOURCE_DIR "/README.md\"", "need an ssl://"},
      {"[sync]\noutbox_retention = \"5m\"", "sync.outbox_retention"},
  };
  for (const auto& c : cases) {
    auto r = parse_config_text(c.toml, {});
    ASSERT_FALSE(r) << c.toml;
    EXPECT_NE(r.error().message.find(c.names), std::string::npos)
        << c.toml << " -> " << r.error().message;
  }
}

TEST(Config, PlainHttpOffLoopbackNeedsTlsOrExplicitConsent) {
  EXPECT_FALSE(parse_config_text("[http]\nlisten = \"0.0.0.0:8080\"", {}));
  EXPECT_TRUE(parse_config_text("[http]\nlisten = \"0.0.0.0:8080\"\nallow_plain = true", {}));
}

TEST(Options, FlagsAndErrors) {
  auto o =
      daemon::parse_options({"--state-dir", "/x", "--http-listen=127.0.0.1:1", "--check-config"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->overrides.state_dir, "/x");
  EXPECT_EQ(o->overrides.http_listen, "127.0.0.1:1");
  EXPECT_TRUE(o->check_config);
  EXPECT_FALSE(daemon::parse_options({"--state-dir"}));
  EXPECT_FALSE(daemon::parse_options({"--frobnicate"}));
  EXPECT_FALSE(daemon::parse_options({"--check-config=yes"}));
}

// Every key the code accepts is documented, and the commented example file is valid.
TEST(Config, DocsAndExampleCoverEveryKey) {
  const std::string docs = slurp(STOREEDGE_SOURCE_DIR "/docs/configuration.md");
  const std::string example = slurp(STOREEDGE_SOURCE_DIR "/docs/storeedged.example.toml");
  ASSERT_FALSE(docs.empty());
  ASSERT_FALSE(example.empty());
  for (const auto& key : config_keys()) {
    EXPECT_NE(docs.find("`" + key.name + "`"), std::string::npos) << key.name << " not in docs";
    const std::string leaf = key.name.substr(key.name.rfind('.') + 1);
    EXPECT_NE(example.find(leaf + " ="), std::string::npos) << key.name << " not in example";
  }
  auto parsed = parse_config_text(example, {});
  EXPECT_TRUE(parsed) << parsed.error().message;
}

}  // namespace
}  // namespace storeedge

namespace storeedge {
namespace {

TEST(Config, ReadsScannerBindings) {
  auto c = parse_config_text(R"(
[[devices.scanner]]
name = "pack2"
station = "pack-station-2"
transport = "hidraw"
vid = "0c2e"
pid = "0B61"
port = "1-1.2"

[[devices.scanner]]
station = "pickup-desk"
transport = "serial"
path = "/dev/ttyACM0"
baud = 115200
framing = "stx_etx"
)",
                             {});
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_EQ(c->devices.scanners.size(), 2u);
  const auto& a = c->devices.scanners[0];
  EXPECT_EQ(a.name, "pack2");
  EXPECT_EQ(a.vid, 0x0c2e);
  EXPECT_EQ(a.pid, 0x0b61);
  EXPECT_EQ(a.port, "1-1.2");
  const auto& b = c->devices.scanners[1];
  EXPECT_EQ(b.name, "pickup-desk-scanner-2");
  EXPECT_EQ(b.baud, 115200u);
  EXPECT_EQ(b.framing, "stx_etx");
}

TEST(Config, RefusesBadScannerBindings) {
  const std::pair<const char*, const char*> cases[] = {
      {"[[devices.scanner]]\ntransport = \"serial\"\npath = \"/dev/x\"", "needs a station"},
      {"[[devices.scanner]]\nstation = \"s\"\npath = \"/dev/x\"", "needs a transport"},
      {"[[devices.scanner]]\nstation = \"s\"\ntransport = \"serial\"", "needs vid"},
      {"[[devices.scanner]]\nstation = \"s\"\ntransport = \"usb\"\npath = \"/dev/x\"",
       "vid and pid"},
      {"[[devices.scanner]]\nstation = \"s\"\ntransport = \"hidraw\"\nvid = \"0c2e\"",
       "go together"},
      {"[[devices.scanner]]\nstation = \"s\"\ntransport = \"x\"\npath = \"/dev/x\"",
       "transport must"},
      {"[[devices.scanner]]\nstation = \"s s\"\ntransport = \"serial\"\npath = \"/dev/x\"",
       "station"},
      {"[[devices.scanner]]\nstation = \"s\"\ntransport = \"serial\"\npath = \"/dev/x\"\nbaud = "
       "1234",
       "baud"},
      {"[[devices.scanner]]\nstation = \"s\"\ntransport = \"hidraw\"\nvid = \"xyz1\"\npid = "
       "\"0001\"",
       "hex"},
      {"[[devices.scanner]]\nstation = \"s\"\ntransport = \"serial\"\npath = \"dev/x\"",
       "absolute"},
      {"[[devices.scanner]]\nstation = \"s\"\ntransport = \"serial\"\npath = \"/dev/x\"\ncolour = "
       "1",
       "unknown key"},
      {"[[devices.scanner]]\nname = \"a\"\nstation = \"s\"\ntransport = \"serial\"\npath = \"/x\"\n"
       "[[devices.scanner]]\nname = \"a\"\nstation = \"s\"\ntransport = \"serial\"\npath = \"/y\"",
       "twice"},
      {"[devices]\nscanner = 3", "array of tables"},
  };
  for (const auto& [text, expected] : cases) {
    auto c = parse_config_text(text, {});
    ASSERT_FALSE(c) << text;
    EXPECT_EQ(c.error().code, "config_bad_value") << text;
    EXPECT_NE(c.error().message.find(expected), std::string::npos) << c.error().message;
  }
}

// Receipt printers (format = "escpos") and the DC's address for return labels.
TEST(Config, ReadsReceiptPrintersAndTheDcAddress) {
  auto c = parse_config_text(R"(
[returns]
dc_address = ["Central DC Returns", "Industrieweg 12", "3045 AB Rotterdam"]

[[printers.printer]]
name = "till-receipt"
station = "till-1"
purposes = ["return_slip"]
backend = "raw"
host = "10.0.0.9"
format = "escpos"
paper_width_mm = 58

[[printers.printer]]
name = "till-receipt-2"
purposes = ["return_slip"]
backend = "cups"
queue = "receipt2"
format = "escpos"

[[printers.printer]]
name = "back-zebra"
purposes = ["return_label", "bin_label"]
backend = "raw"
host = "10.0.0.7"
)",
                             {});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(
      c->returns.dc_address,
      (std::vector<std::string>{"Central DC Returns", "Industrieweg 12", "3045 AB Rotterdam"}));
  ASSERT_EQ(c->printing.printers.size(), 3u);
  EXPECT_EQ(c->printing.printers[0].format, "escpos");
  EXPECT_EQ(c->printing.printers[0].paper_width_mm, 58);
  EXPECT_EQ(c->printing.printers[1].paper_width_mm, 80);  // the default
  EXPECT_TRUE(parse_config_text("[returns]\ndc_address = []", {}));
  EXPECT_TRUE(parse_config_text("[returns]\ndc_address = [\"Zentrallager Süd, Straße 4\"]", {}));
  auto defaults = parse_config_text("", {});
  ASSERT_TRUE(defaults);
  EXPECT_TRUE(defaults->returns.dc_address.empty());
}

TEST(Config, ShippingNumbersOwnLabelsWithinTheStoresRange) {
  auto c = parse_config_text(R"(
[shipping]
gs1_company_prefix = "0614141"
sscc_extension_digit = 3
sscc_serial_first = 1000
sscc_serial_last = 999999999
ship_from = ["Store 042", "Markt 1", "3011 Rotterdam"]
)",
                             {});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->shipping.gs1_company_prefix, "0614141");
  EXPECT_EQ(c->shipping.sscc_extension_digit, 3);
  EXPECT_EQ(c->shipping.sscc_serial_first, 1000);
  EXPECT_EQ(c->shipping.sscc_serial_last, 999999999);
  EXPECT_EQ(c->shipping.ship_from.size(), 3u);
  EXPECT_TRUE(parse_config_text("[shipping]\ngs1_company_prefix = \"0614141234\"", {}));
  auto defaults = parse_config_text("", {});
  ASSERT_TRUE(defaults);
  EXPECT_TRUE(defaults->shipping.gs1_company_prefix.empty());
  EXPECT_FALSE(defaults->shipping.sscc_serial_last);
  const std::pair<std::string, const char*> cases[] = {
      {"[shipping]\ngs1_company_prefix = \"061414\"", "7-10 digits"},
      {"[shipping]\ngs1_company_prefix = \"06141412345\"", "7-10 digits"},
      {"[shipping]\ngs1_company_prefix = \"06141A1\"", "7-10 digits"},
      {"[shipping]\ngs1_company_prefix = 614141", "7-10 digits"},
      {"[shipping]\ngs1_company_prefix = \"2012345\"", "restricted circulation"},
      {"[shipping]\ngs1_company_prefix = \"0412345\"", "restricted circulation"},
      {"[shipping]\ngs1_company_prefix = \"9912345\"", "coupons"},
      {"[shipping]\nsscc_extension_digit = 10", "sscc_extension_digit"},
      {"[shipping]\ngs1_company_prefix = \"0614141234\"\nsscc_serial_last = 1000000",
       "must be below 1000000"},
      {"[shipping]\ngs1_company_prefix = \"0614141\"\nsscc_serial_first = 5\n"
       "sscc_serial_last = 4",
       "must not exceed shipping.sscc_serial_last"},
      {"[shipping]\nsscc_serial_first = -1", "0 to 999999999"},
      {"[shipping]\nship_from = [\"1\", \"2\", \"3\", \"4\", \"5\"]", "1-4 lines"},
      {"[shipping]\nship_from = [\"" + std::string(41, 'x') + "\"]", "line 1 must have 1-40"},
  };
  for (const auto& [text, expected] : cases) {
    auto bad = parse_config_text(text, {});
    ASSERT_FALSE(bad) << text;
    EXPECT_EQ(bad.error().code, "config_bad_value") << text;
    EXPECT_NE(bad.error().message.find(expected), std::string::npos) << bad.error().message;
  }
}

TEST(Config, RefusesBadReceiptPrintersAndDcAddresses) {
  const std::string raw_escpos =
      "[[printers.printer]]\nname = \"r\"\nbackend = \"raw\"\nhost = \"h\"\nformat = \"escpos\"\n";
  const std::pair<std::string, const char*> cases[] = {
      {raw_escpos + "purposes = [\"return_label\"]", "prints return_slip only"},
      {raw_escpos + "purposes = [\"return_slip\"]\npaper_width_mm = 76", "80 or 58"},
      {"[[printers.printer]]\nname = \"r\"\nbackend = \"ipp\"\nuri = \"ipp://h/ipp/print\"\n"
       "format = \"escpos\"\npurposes = [\"return_slip\"]",
       "IPP printers take no ESC/POS"},
      {"[[printers.printer]]\nname = \"z\"\nbackend = \"raw\"\nhost = \"h\"\n"
       "purposes = [\"return_slip\"]",
       "return_slip needs format = \"escpos\""},
      {"[[printers.printer]]\nname = \"z\"\nbackend = \"raw\"\nhost = \"h\"\nformat = \"pdf\"\n"
       "purposes = [\"bag_label\"]",
       "a raw printer takes zpl or escpos"},
      {"[[printers.printer]]\nname = \"z\"\nbackend = \"raw\"\nhost = \"h\"\nformat = \"tiff\"\n"
       "purposes = [\"bag_label\"]",
       "format must be zpl, pdf or escpos"},
      {"[returns]\ndc_address = \"Central DC\"", "returns.dc_address: must be a list"},
      {"[returns]\ndc_address = [\"1\", \"2\", \"3\", \"4\", \"5\", \"6\"]", "1-5 lines"},
      {"[returns]\ndc_address = [\"" + std::string(41, 'x') + "\"]", "line 1 must have 1-40"},
      {"[returns]\ndc_address = [\"ok\", \"\"]", "line 2 must have 1-40"},
      {"[returns]\ndc_address = [\"tab\\there\"]", "without control characters"},
      {"[returns]\ndc_address = [\"esc\\u001b@\"]", "without control characters"},
      {"[returns]\ndc_address = [1]", "must be a list"},
  };
  for (const auto& [text, expected] : cases) {
    auto c = parse_config_text(text, {});
    ASSERT_FALSE(c) << text;
    EXPECT_EQ(c.error().code, "config_bad_value") << text;
    EXPECT_NE(c.error().message.find(expected), std::string::npos) << c.error().message;
  }
  // 40 characters, not bytes: "ß" is two bytes.
  EXPECT_TRUE(parse_config_text("[returns]\ndc_address = [\"" + std::string(39, 'x') + "ß\"]", {}));
}

}  // namespace
}  // namespace storeedge
