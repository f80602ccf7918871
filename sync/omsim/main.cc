// storeedge-omsim: plays the central OMS against a broker for one store, speaking
// ../shared/oms-contract. It provisions the store with a snapshot once the store is online,
// generates allocations (BOPIS, curbside, ship-from-store), amendments and cancellations at a
// rate, acknowledges the up stream, answers label.request and order.lookup, replays on
// resync.request, and reports every gap or duplicate it sees in the up stream.
#include <mqtt/async_client.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "core/clock.h"
#include "core/config.h"
#include "sync/contract.h"

namespace {

namespace json = boost::json;
using storeedge::sync::Direction;
using storeedge::sync::Envelope;

std::atomic<bool> g_stop{false};

struct Options {
  std::string broker = "tcp://127.0.0.1:1883";
  std::string tenant = "demo";
  std::string store = "S001";
  std::string epoch;
  int snapshot_allocations = 12;
  double rate = 0.5;  // new allocations per second
  long count = 0;     // stop after this many generated allocations (0 = run until stopped)
  unsigned seed = 1;
  bool quiet = false;
  std::string record;  // appends each up fact, once, as a JSON line
};

const char* const kUsage =
    "usage: storeedge-omsim [--broker URI] [--tenant ID] [--store ID] [--epoch ID]\n"
    "                       [--snapshot N] [--rate PER_SECOND] [--count N] [--seed N] [--quiet]\n"
    "                       [--record FILE]\n";

std::string gtin13(int n) {
  std::string body = "590123" + std::to_string(100000 + n);  // 12 digits
  int sum = 0;
  for (int i = 0; i < 12; ++i) sum += (body[11 - i] - '0') * (i % 2 == 0 ? 3 : 1);
  return body + std::to_string((10 - sum % 10) % 10);
}

struct Item {
  std::string sku, gtin, description;
  int price;
};

std::vector<Item> catalog() {
  const char* names[] = {"Blue mug",     "Tea towel",    "Linen napkins (4)", "Oak board",
                         "Glass carafe", "Steel kettle", "Espresso cups (2)", "Wool throw",
                         "Candle, fig",  "Cotton apron", "Ceramic bowl",      "Bread knife"};
  std::vector<Item> items;
  for (int i = 0; i < 12; ++i)
    items.push_back({"SKU-" + std::to_string(1001 + i), gtin13(i), names[i], 399 + 250 * i});
  return items;
}

class Simulator {
 public:
  explicit Simulator(Options o)
      : o_(std::move(o)),
        base_("oms/v1/" + o_.tenant + "/stores/" + o_.store),
        client_(o_.broker, "omsim-" + o_.tenant + "-" + o_.store, nullptr),
        rng_(o_.seed),
        items_(catalog()) {
    if (o_.epoch.empty())
      o_.epoch = "oms-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
  }

  int run() {
    // Paho's thread only queues what arrives; the main loop handles it. Handling it on Paho's
    // thread under our lock deadlocks against a publish from the loop (Paho's own lock).
    client_.set_message_callback([this](mqtt::const_message_ptr m) {
      std::lock_guard lock(inbox_mu_);
      inbox_.push_back(m);
    });
    // A clean session loses its subscriptions when the broker goes away: subscribe again on
    // every automatic reconnect (the store resends what the OMS has not acknowledged).
    client_.set_connected_handler([this](const std::string&) {
      client_.subscribe(base_ + "/up", 1);
      client_.subscribe(base_ + "/status", 1);
    });
    if (!o_.record.empty()) {
      record_.open(o_.record, std::ios::app);
      if (!record_) throw std::runtime_error("cannot open " + o_.record);
    }
    client_
        .connect(mqtt::connect_options_builder()
                     .clean_session(true)
                     .max_inflight(1000)
                     .automatic_reconnect(std::chrono::seconds(1), std::chrono::seconds(10))
                     .finalize())
        ->wait();
    client_.subscribe(base_ + "/up", 1)->wait();
    client_.subscribe(base_ + "/status", 1)->wait();
    say("omsim: " + o_.broker + " store " + o_.store + ", epoch " + o_.epoch +
        "; waiting for the store to come online");
    auto last_ack = std::chrono::steady_clock::now();
    auto next_allocation = std::chrono::steady_clock::now();
    while (!g_stop) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      std::vector<mqtt::const_message_ptr> arrived;
      {
        std::lock_guard lock(inbox_mu_);
        arrived.swap(inbox_);
      }
      for (const auto& m : arrived) handle(*m);
      if (!provisioned_ && store_online_) provision();
      const auto now = std::chrono::steady_clock::now();
      if (now - last_ack >= std::chrono::seconds(1)) {
        send_up_ack();
        last_ack = now;
      }
      if (provisioned_ && o_.rate > 0 && now >= next_allocation &&
          (o_.count == 0 || generated_ < o_.count)) {
        generate();
        next_allocation = now + std::chrono::microseconds(static_cast<long>(1e6 / o_.rate));
      }
    }
    std::cout << "omsim: sent " << sent_.size() << " down messages (store acked " << store_acked_
              << "); received " << up_received_ << " up messages: " << up_next_ - 1 << " facts, "
              << up_duplicates_ << " redelivered (ignored), " << up_gaps_ << " gap(s), "
              << up_conflicts_ << " conflict(s); " << returns_ << " return(s)\n";
    client_.disconnect()->wait();
    return up_conflicts_ == 0 ? 0 : 1;
  }

 private:
  void say(const std::string& line) {
    if (!o_.quiet) std::cout << line << std::endl;
  }
  std::string now() const { return storeedge::format_rfc3339(std::chrono::system_clock::now()); }

  void send(const std::string& type, json::object body) {
    Envelope e{type,           o_.epoch + "-" + std::to_string(sent_.size() + 1), o_.store,
               o_.epoch,       static_cast<std::int64_t>(sent_.size() + 1),       now(),
               std::move(body)};
    sent_.push_back(storeedge::sync::serialize(e));
    client_.publish(mqtt::make_message(base_ + "/down", sent_.back(), 1, false));
  }
  void send_control(const std::string& type, json::object body) {
    Envelope e{type,           o_.epoch + "-c" + std::to_string(++controls_),
               o_.store,       o_.epoch,
               std::nullopt,   now(),
               std::move(body)};
    client_.publish(mqtt::make_message(base_ + "/down", storeedge::sync::serialize(e), 1, false));
  }

  json::object allocation(const std::string& id) {
    static const char* kinds[] = {"bopis", "curbside", "ship_from_store"};
    const std::string kind = kinds[rng_() % 3];
    const int n_lines = 1 + static_cast<int>(rng_() % 5);
    std::set<int> chosen;
    while (static_cast<int>(chosen.size()) < n_lines) chosen.insert(static_cast<int>(rng_() % 12));
    json::array lines;
    int line_no = 0;
    for (int i : chosen) {
      const Item& it = items_[static_cast<size_t>(i)];
      lines.push_back({{"line", std::to_string(++line_no)},
                       {"sku", it.sku},
                       {"gtins", json::array{it.gtin}},
                       {"description", it.description},
                       {"qty", 1 + static_cast<int>(rng_() % 3)},
                       {"unit_price", it.price},
                       {"currency", "EUR"}});
    }
    static const char* names[] = {"Ada Byron",       "Grace Hopper",   "Alan Turing",
                                  "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth",
                                  "Frances Allen"};
    json::object a{{"allocation", id},
                   {"order", "W" + id.substr(2)},
                   {"kind", kind},
                   {"priority", 0},
                   {"promised_by", storeedge::format_rfc3339(std::chrono::system_clock::now() +
                                                             std::chrono::hours(4))},
                   {"customer",
                    {{"name", names[rng_() % 7]},
                     {"pickup_code", std::to_string(100000 + rng_() % 900000)},
                     {"phone_last4", std::to_string(1000 + rng_() % 9000)}}},
                   {"pickup_person", nullptr},
                   {"substitutions_allowed", rng_() % 2 == 0},
                   {"lines", std::move(lines)}};
    if (kind == "ship_from_store") {
      a["ship_to"] = {{"name", "Grace Hopper"},
                      {"line1", "1 Harbour St"},
                      {"city", "Rotterdam"},
                      {"postcode", "3011"},
                      {"country", "NL"}};
      a["carrier"] = "DHL";
      a["service"] = "parcel";
    } else {
      a["ship_to"] = nullptr;
      a["carrier"] = nullptr;
      a["service"] = nullptr;
    }
    return a;
  }

  void provision() {
    const std::string snapshot = "snap-" + o_.epoch;
    send("snapshot.begin", {{"snapshot", snapshot}});
    send("store.config", {{"timezone", "Europe/Amsterdam"},
                          {"pickup_hold_days", 7},
                          {"return_window_days", 30},
                          {"offline_return_limit", {{"amount", 20000}, {"currency", "EUR"}}},
                          {"label_printer_dpi", 203}});
    json::array items;
    for (const Item& it : items_)
      items.push_back({{"sku", it.sku},
                       {"gtins", json::array{it.gtin}},
                       {"description", it.description},
                       {"unit_price", it.price},
                       {"currency", "EUR"},
                       {"returnable", true},
                       {"location", "A-0" + std::to_string(1 + it.price % 9)}});
    send("catalog.items", {{"items", std::move(items)}});
    json::array orders;
    for (int i = 0; i < kSlice; ++i) orders.push_back(order_document(history_id(i), i));
    send("returnable_orders", {{"orders", std::move(orders)}});
    for (int i = 0; i < o_.snapshot_allocations; ++i) {
      const std::string id = "A-" + std::to_string(next_id_++);
      send("allocation.created", allocation(id));
      open_.push_back(id);
    }
    send("snapshot.end", {{"snapshot", snapshot},
                          {"counts",
                           {{"allocations", o_.snapshot_allocations},
                            {"catalog_items", static_cast<int>(items_.size())},
                            {"returnable_orders", 3}}}});
    provisioned_ = true;
    say("omsim: provisioned store " + o_.store + " with " +
        std::to_string(o_.snapshot_allocations) + " open allocations");
  }

  // The OMS's order history: kHistory delivered web orders W91000…; the first three are the
  // store's returnable slice (sent in the snapshot), the rest only answer order.lookup.
  static constexpr int kHistory = 50;
  static constexpr int kSlice = 3;
  static std::string history_id(int n) { return "W9" + std::to_string(1000 + n); }

  json::object order_document(const std::string& id, int n) {
    static const char* const names[] = {"Ada Byron",       "Grace Hopper",   "Alan Turing",
                                        "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth"};
    const Item& it = items_[static_cast<size_t>(n) % items_.size()];
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx", 0x9f86d081884c0000ULL + static_cast<unsigned>(n));
    return {
        {"order", id},
        {"channel", "web"},
        {"placed_at", "2026-11-01T10:00:00.000Z"},
        {"delivered_at", "2026-11-03T10:00:00.000Z"},
        {"currency", "EUR"},
        {"customer", {{"name", names[n % 6]}, {"email_hash", hash}}},
        {"receipt_barcodes", json::array{id, "RCPT-" + id}},
        {"lines", json::array{{{"line", "1"},
                               {"sku", it.sku},
                               {"gtins", json::array{it.gtin}},
                               {"qty", 2},
                               {"returned_qty", returned_qty(id, "1")},
                               {"unit_paid", it.price},
                               {"returnable", true},
                               {"return_by", return_by_}}}},
        {"tenders",
         json::array{
             {{"tender", "T1"}, {"method", "card"}, {"last4", "4242"}, {"amount", 2 * it.price}}}}};
  }

  void generate() {
    const unsigned roll = rng_() % 10;
    if (roll == 0 && !open_.empty()) {
      const std::string id = open_[rng_() % open_.size()];
      send("allocation.amended", {{"allocation", id}, {"pickup_person", "Charles Babbage"}});
      say("omsim: amended " + id);
      return;
    }
    if (roll == 1 && !open_.empty()) {
      const size_t at = rng_() % open_.size();
      const std::string id = open_[at];
      open_.erase(open_.begin() + static_cast<long>(at));
      send("allocation.cancelled", {{"allocation", id}, {"reason", "customer_request"}});
      say("omsim: cancelled " + id);
      return;
    }
    const std::string id = "A-" + std::to_string(next_id_++);
    auto a = allocation(id);
    say("omsim: new " + std::string(a["kind"].as_string()) + " allocation " + id + " (" +
        std::to_string(a["lines"].as_array().size()) + " lines)");
    send("allocation.created", std::move(a));
    open_.push_back(id);
    ++generated_;
  }

  void send_up_ack() {
    if (up_epoch_.empty()) return;
    send_control("ack", {{"epoch", up_epoch_}, {"through", up_next_ - 1}});
    // Orders of the store's returnable slice that a return changed go down again after the ack
    // that covers the return (the order the store relies on, docs/returns.md).
    if (changed_orders_.empty()) return;
    json::array orders;
    for (int i = 0; i < kSlice; ++i)
      if (changed_orders_.contains(history_id(i)))
        orders.push_back(order_document(history_id(i), i));
    changed_orders_.clear();
    if (orders.empty()) return;
    say("omsim: returnable_orders again for " + std::to_string(orders.size()) + " order(s)");
    send("returnable_orders", {{"orders", std::move(orders)}});
  }

  std::int64_t returned_qty(const std::string& order, const std::string& line) const {
    auto it = returned_.find(order + "/" + line);
    return it == returned_.end() ? 0 : it->second;
  }

  // A return the store took: the order's history counts it (order.lookup answers and the next
  // returnable_orders document say so).
  void record_return(const json::object& body) {
    const std::string order(body.at("order").as_string());
    for (const auto& l : body.at("lines").as_array())
      returned_[order + "/" + std::string(l.at("line").as_string())] +=
          l.at("qty").to_number<std::int64_t>();
    changed_orders_.insert(order);
    ++returns_;
    say("omsim: return " + std::string(body.at("return").as_string()) + " of " + order +
        " refunds " + std::to_string(body.at("refund").at("amount").to_number<std::int64_t>()));
  }

  void handle(const mqtt::message& m) {
    if (m.get_topic() == base_ + "/status") {
      boost::system::error_code ec;
      auto v = json::parse(m.get_payload_str(), ec);
      store_online_ =
          !ec && v.is_object() && v.as_object().contains("state") && v.at("state") == "online";
      return;
    }
    auto parsed = storeedge::sync::parse_message(m.get_payload_str(), Direction::up, o_.store);
    if (!parsed) {
      std::cout << "omsim: refused an up message: " << parsed.error().message << std::endl;
      return;
    }
    const Envelope& e = *parsed;
    ++up_received_;
    if (e.seq) {
      if (e.epoch != up_epoch_) {
        if (*e.seq != 1 && !up_epoch_.empty())
          std::cout << "omsim: new up epoch " << e.epoch << " does not start at 1" << std::endl;
        up_epoch_ = e.epoch;
        up_next_ = 1;
        seen_ids_.clear();
        ids_by_seq_.clear();
      }
      if (*e.seq < up_next_ || seen_ids_.contains(e.id)) {
        // Resends are expected after a reconnect and are ignored; two different facts under
        // one seq would be a doubled or lost fact.
        ++up_duplicates_;
        auto known = ids_by_seq_.find(*e.seq);
        if (known != ids_by_seq_.end() && known->second != e.id) {
          ++up_conflicts_;
          std::cout << "omsim: CONFLICT at up seq " << *e.seq << ": " << e.id << " after "
                    << known->second << std::endl;
        }
        return;
      }
      if (*e.seq > up_next_) {
        ++up_gaps_;
        std::cout << "omsim: GAP in the up stream: expected " << up_next_ << ", got " << *e.seq
                  << std::endl;
        send_control("replay.request", {{"epoch", up_epoch_}, {"from", up_next_}});
        return;
      }
      ++up_next_;
      seen_ids_.insert(e.id);
      ids_by_seq_[*e.seq] = e.id;
      if (record_.is_open())
        record_ << json::serialize(json::object{
                       {"seq", *e.seq}, {"id", e.id}, {"type", e.type}, {"body", e.body}})
                << std::endl;
      say("omsim: up " + e.type + " #" + std::to_string(*e.seq) + " " + json::serialize(e.body));
      if (e.type == "label.request") answer_label(e.body);
      if (e.type == "return.received") record_return(e.body);
      return;
    }
    if (e.type == "ack") {
      store_acked_ = e.body.at("through").to_number<std::int64_t>();
    } else if (e.type == "resync.request") {
      const auto from = e.body.at("from").to_number<std::int64_t>();
      say("omsim: replaying from " + std::to_string(from));
      for (auto i = static_cast<size_t>(from - 1); i < sent_.size(); ++i)
        client_.publish(mqtt::make_message(base_ + "/down", sent_[i], 1, false));
    } else if (e.type == "nack") {
      std::cout << "omsim: the store refused " << json::serialize(e.body) << std::endl;
    } else if (e.type == "order.lookup") {
      const json::object& q = e.body.at("query").as_object();
      json::array found;
      // Every field the query gives must match.
      for (int i = 0; i < kHistory; ++i) {
        json::object doc = order_document(history_id(i), i);
        auto field = [&](const char* key) -> const json::string* {
          const auto* v = q.if_contains(key);
          return v && v->is_string() ? &v->get_string() : nullptr;
        };
        bool match = true;
        if (const auto* order = field("order"))
          match = match && *order == doc.at("order").as_string();
        if (const auto* receipt = field("receipt")) {
          bool any = false;
          for (const auto& b : doc.at("receipt_barcodes").as_array()) any = any || b == *receipt;
          match = match && any;
        }
        if (const auto* hash = field("email_hash"))
          match = match && *hash == doc.at("customer").at("email_hash").as_string();
        if (match) found.push_back(std::move(doc));
      }
      send_control("order.lookup.result", {{"request", e.body.at("request")}, {"orders", found}});
    }
  }

  void answer_label(const json::object& body) {
    const std::string tracking = "JD0146" + std::to_string(10000000 + rng_() % 89999999);
    const std::string zpl = "^XA^FO50,50^BCN,100,Y,N,N^FD" + tracking + "^FS^XZ";
    static constexpr char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string data;
    for (size_t i = 0; i < zpl.size(); i += 3) {
      std::uint32_t v = static_cast<unsigned char>(zpl[i]) << 16;
      if (i + 1 < zpl.size()) v |= static_cast<unsigned char>(zpl[i + 1]) << 8;
      if (i + 2 < zpl.size()) v |= static_cast<unsigned char>(zpl[i + 2]);
      data += b64[(v >> 18) & 63];
      data += b64[(v >> 12) & 63];
      data += i + 1 < zpl.size() ? b64[(v >> 6) & 63] : '=';
      data += i + 2 < zpl.size() ? b64[v & 63] : '=';
    }
    send("label.created", {{"allocation", body.at("allocation")},
                           {"package", body.at("package")},
                           {"carrier", "DHL"},
                           {"service", "parcel"},
                           {"tracking", tracking},
                           {"format", "zpl"},
                           {"data", data}});
  }

  Options o_;
  const std::string base_;
  mqtt::async_client client_;
  std::mt19937 rng_;
  std::vector<Item> items_;
  std::mutex inbox_mu_;
  std::vector<mqtt::const_message_ptr> inbox_;
  std::vector<std::string> sent_;  // every sequenced down message, for replays
  std::vector<std::string> open_;
  bool store_online_ = false, provisioned_ = false;
  long next_id_ = 1001, generated_ = 0;
  std::uint64_t controls_ = 0;
  std::string up_epoch_;
  std::int64_t up_next_ = 1, store_acked_ = 0;
  std::set<std::string> seen_ids_;
  std::uint64_t up_received_ = 0, up_gaps_ = 0, up_duplicates_ = 0, up_conflicts_ = 0;
  std::map<std::int64_t, std::string> ids_by_seq_;
  std::ofstream record_;
  // Returns: units returned per "order/line", orders to send down again, and the window's end
  // (30 days from the simulator's start, so the demo's orders stay returnable).
  std::map<std::string, std::int64_t> returned_;
  std::set<std::string> changed_orders_;
  std::uint64_t returns_ = 0;
  std::string return_by_ =
      storeedge::format_rfc3339(std::chrono::system_clock::now() + std::chrono::hours(24 * 30))
          .substr(0, 10);
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "storeedge-omsim: " << a << " needs a value\n" << kUsage;
        std::exit(2);
      }
      return argv[++i];
    };
    try {
      if (a == "--broker")
        o.broker = value();
      else if (a == "--tenant")
        o.tenant = value();
      else if (a == "--store")
        o.store = value();
      else if (a == "--epoch")
        o.epoch = value();
      else if (a == "--snapshot")
        o.snapshot_allocations = std::stoi(value());
      else if (a == "--rate")
        o.rate = std::stod(value());
      else if (a == "--count")
        o.count = std::stol(value());
      else if (a == "--seed")
        o.seed = static_cast<unsigned>(std::stoul(value()));
      else if (a == "--quiet")
        o.quiet = true;
      else if (a == "--record")
        o.record = value();
      else if (a == "--help") {
        std::cout << kUsage;
        return 0;
      } else {
        std::cerr << "storeedge-omsim: unknown option " << a << "\n" << kUsage;
        return 2;
      }
    } catch (const std::exception&) {
      std::cerr << "storeedge-omsim: bad value for " << a << "\n";
      return 2;
    }
  }
  if (!storeedge::is_identifier(o.tenant) || !storeedge::is_identifier(o.store) ||
      o.snapshot_allocations < 0 || o.rate < 0) {
    std::cerr << "storeedge-omsim: invalid tenant, store, snapshot or rate\n";
    return 2;
  }
  std::signal(SIGINT, [](int) { g_stop = true; });
  std::signal(SIGTERM, [](int) { g_stop = true; });
  try {
    Simulator sim(o);
    return sim.run();
  } catch (const mqtt::exception& e) {
    std::cerr << "storeedge-omsim: " << e.what() << "\n";
    return 1;
  }
}
