// POS returns against the real daemon over a real mosquitto, with the test as the OMS: the
// store holds the contract examples' snapshot (SKU-1001 at A-03-2, SKU-3003 at C-11-1, an
// offline return limit of 200.00 EUR, Europe/Amsterdam), POS terminals enrolled with
// storeedgectl, and associate "a1", lead "l1" and managers "m1", "m2" to sign in on them.
#pragma once

#include <chrono>
#include <cstdio>
#include <set>

#include "integration/sync_fixture.h"

namespace storeedge::testing {

namespace json = boost::json;

// A POS terminal with a signed-in user.
struct Terminal {
  std::string device, token, session, user;
};

// A line of an order document as the OMS sends it (contract §4).
struct DocLine {
  DocLine(std::string line_no, std::string item, std::int64_t ordered = 1,
          std::int64_t returned_qty = 0, std::int64_t paid = 1199, bool may_return = true,
          std::string by = "")
      : line(std::move(line_no)),
        sku(std::move(item)),
        qty(ordered),
        returned(returned_qty),
        unit_paid(paid),
        returnable(may_return),
        return_by(std::move(by)) {}
  std::string line, sku;
  std::int64_t qty, returned, unit_paid;
  bool returnable;
  std::string return_by;  // empty: 20 days from today
};

// The UTC calendar date `offset` days from now (YYYY-MM-DD). The daemon uses the real clock and
// the store's timezone, so tests keep return_by dates days away from the boundary.
inline std::string date_from_today(int offset) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(system_clock::now()) + days(offset)};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

class ReturnsTest : public SyncTest {
 protected:
  void SetUp() override {
    SyncTest::SetUp();
    write_file(dir_.file("storeedged.toml"), "[sync]\nlookup_timeout = \"1500ms\"\n");
    ASSERT_TRUE(start_store({"--config", dir_.file("storeedged.toml")}));
    send_snapshot();
    ASSERT_TRUE(pump(ack_through(7)));
    next_down_ = 8;
    for (auto [id, role, pin] : {std::tuple{"m1", "manager", "1234"},
                                 {"m2", "manager", "2345"},
                                 {"a1", "associate", "1111"},
                                 {"l1", "lead", "3333"}}) {
      auto [code, out] =
          ctl({"--store", "S042", "users", "add", "--id", id, "--name", id, "--role", role},
              std::string(pin) + "\n");
      ASSERT_EQ(code, 0) << out;
    }
  }

  // ---- the OMS side

  // Consumes messages until one satisfies `pred`; every sequenced up message on the way is kept
  // in ups_ (the OMS's record), whatever the predicate.
  std::optional<json::object> pump(const std::function<bool(const json::object&)>& pred,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      mqtt::const_message_ptr msg;
      if (!oms_->try_consume_message_for(&msg, std::chrono::milliseconds(100)) || !msg) continue;
      if (msg->get_topic() != kUp) continue;
      boost::system::error_code ec;
      auto v = json::parse(msg->get_payload_str(), ec);
      if (ec || !v.is_object()) continue;
      const json::object& m = v.as_object();
      if (m.contains("seq")) {
        ups_.push_back(m);
        raw_ups_.push_back(msg->get_payload_str());
        up_epoch_ = std::string(m.at("epoch").as_string());
      }
      if (pred(m)) return m;
    }
    return std::nullopt;
  }
  static std::function<bool(const json::object&)> ack_through(std::int64_t n) {
    return [n](const json::object& m) {
      return m.at("type") == "ack" && m.at("body").at("through").as_int64() == n;
    };
  }
  static std::function<bool(const json::object&)> fact(const std::string& type,
                                                       const std::string& key,
                                                       const std::string& value) {
    return [=](const json::object& m) {
      if (m.at("type").as_string() != type) return false;
      const auto* v = m.at("body").as_object().if_contains(key);
      return v && v->is_string() && v->as_string() == value;
    };
  }
  // A fact the OMS already has, or the next one like it.
  std::optional<json::object> fact_of(const std::string& type, const std::string& key,
                                      const std::string& value) {
    auto pred = fact(type, key, value);
    for (const auto& m : ups_)
      if (pred(m)) return m;
    return pump(pred);
  }
  // Distinct facts (by seq, as the OMS deduplicates) of `type` whose body's `key` is `value`.
  std::set<std::int64_t> seqs_of(const std::string& type, const std::string& key,
                                 const std::string& value) const {
    std::set<std::int64_t> out;
    auto pred = fact(type, key, value);
    for (const auto& m : ups_)
      if (pred(m)) out.insert(m.at("seq").as_int64());
    return out;
  }
  // A sequenced down message with the next seq; waits until the store acknowledged it.
  void send_down(const std::string& type, json::object body) {
    const std::int64_t seq = next_down_++;
    send({{"v", 1},
          {"type", type},
          {"id", "oms-" + type + "-" + std::to_string(seq)},
          {"store", "S042"},
          {"at", "2026-11-24T10:00:00.000Z"},
          {"body", std::move(body)}},
         seq);
    ASSERT_TRUE(pump(ack_through(seq))) << "the store did not acknowledge down seq " << seq;
  }
  void send_orders(json::array orders) { send_down("returnable_orders", {{"orders", orders}}); }
  // The OMS's ack of the store's up stream through `through`.
  void ack_up(std::int64_t through) {
    send_raw(json::serialize(json::object{{"v", 1},
                                          {"type", "ack"},
                                          {"id", "oms-ack-" + std::to_string(through)},
                                          {"store", "S042"},
                                          {"epoch", "oms-e1"},
                                          {"at", "2026-11-24T10:00:00.000Z"},
                                          {"body", {{"epoch", up_epoch_}, {"through", through}}}}));
  }
  std::string sync_status() { return ctl({"--store", "S042", "sync", "status"}).second; }
  // Waits until the store recorded the OMS's ack through `n` (polls storeedgectl).
  bool store_saw_ack(std::int64_t n) {
    const std::string want = "up acked:        " + std::to_string(n) + "\n";
    for (int i = 0; i < 200; ++i) {
      if (sync_status().find(want) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
  }

  static json::object order_doc(const std::string& order, const std::vector<DocLine>& lines) {
    json::array out;
    std::int64_t paid = 0;
    for (const DocLine& l : lines) {
      const char* gtin = l.sku == "SKU-1001" ? "05901234123457" : "00012345678905";
      out.push_back({{"line", l.line},
                     {"sku", l.sku},
                     {"gtins", json::array{gtin}},
                     {"qty", l.qty},
                     {"returned_qty", l.returned},
                     {"unit_paid", l.unit_paid},
                     {"returnable", l.returnable},
                     {"return_by", l.return_by.empty() ? date_from_today(20) : l.return_by}});
      paid += l.qty * l.unit_paid;
    }
    return {
        {"order", order},
        {"channel", "web"},
        {"placed_at", "2026-11-01T09:12:00.000Z"},
        {"currency", "EUR"},
        {"customer", {{"name", "Ada Byron"}, {"email_hash", "hash-" + order}}},
        {"receipt_barcodes", json::array{order, "RCPT-" + order}},
        {"lines", std::move(out)},
        {"tenders",
         json::array{{{"tender", "T1"}, {"method", "card"}, {"last4", "4242"}, {"amount", paid}}}}};
  }

  // ---- the store side

  Terminal terminal(const std::string& device, const std::string& user, const std::string& pin) {
    auto [code, out] = ctl({"--store", "S042", "devices", "enrol", "--id", device, "--kind", "pos",
                            "--name", "Till " + device, "--station", "till-" + device});
    EXPECT_EQ(code, 0) << out;
    const auto at = out.rfind("dev_");
    EXPECT_NE(at, std::string::npos) << out;
    Terminal t{device, out.substr(at, out.find('\n', at) - at), "", user};
    HttpClient c(port_);
    t.session = sign_in(c, t.token, R"({"user":")" + user + R"(","pin":")" + pin + "\"}");
    return t;
  }
  static HttpResult call(int port, const Terminal& t, const std::string& method,
                         const std::string& target, const std::string& body = "",
                         std::map<std::string, std::string> extra = {}) {
    auto h = auth_headers(t.token, t.session);
    h.insert(extra.begin(), extra.end());
    if (!body.empty()) h["Content-Type"] = "application/json";
    HttpClient c(port);
    return c.request(method, target, body, h);
  }
  HttpResult lookup(const Terminal& t, const std::string& query) {
    return call(port_, t, "GET", "/api/v1/returns/orders?" + query);
  }
  HttpResult take_return(const Terminal& t, const json::object& body, const std::string& key,
                         std::map<std::string, std::string> extra = {}) {
    extra["Idempotency-Key"] = key;
    return call(port_, t, "POST", "/api/v1/returns", json::serialize(body), std::move(extra));
  }
  // One line's return request.
  static json::object one_line(const std::string& order, const std::string& line,
                               std::int64_t qty = 1, const std::string& disposition = "restock",
                               const std::string& condition = "new") {
    return {{"order", order},
            {"lines", json::array{{{"line", line},
                                   {"qty", qty},
                                   {"reason", "changed_mind"},
                                   {"condition", condition},
                                   {"disposition", disposition}}}}};
  }
  // The line `line` of the order as GET /api/v1/returns/orders shows it.
  json::object looked_up_line(const Terminal& t, const std::string& order,
                              const std::string& line) {
    auto r = lookup(t, "order=" + order);
    EXPECT_EQ(r.status, 200) << r.body;
    auto j = r.json();
    if (!j.is_object()) return {};
    for (const auto& o : j.at("orders").as_array())
      if (o.at("order").as_string() == order)
        for (const auto& l : o.at("lines").as_array())
          if (l.at("line").as_string() == line) return l.as_object();
    ADD_FAILURE() << "order " << order << " line " << line << " not in " << r.body;
    return {};
  }
  std::int64_t left_of(const Terminal& t, const std::string& order, const std::string& line) {
    auto l = looked_up_line(t, order, line);
    return l.contains("returnable_qty") ? l.at("returnable_qty").as_int64() : -1;
  }

  std::int64_t next_down_ = 8;
  std::string up_epoch_;
  std::vector<json::object> ups_;     // every sequenced up message the OMS received, in order
  std::vector<std::string> raw_ups_;  // their payloads as received
};

}  // namespace storeedge::testing
