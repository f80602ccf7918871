// storeedge-e2e-oms: plays the central OMS for the browser tests. It waits for the store's birth
// message, sends the contract's example snapshot (as the integration fixture does) and then the
// extra down messages given as files, with the epoch and sequence numbers filled in, and exits 0
// once the store has acknowledged all of them (1 on a timeout or a bad file). With --resume SEQ
// it plays the same OMS later on: no snapshot, the files numbered on from SEQ + 1. It prints the
// last sequence number sent.
#include <mqtt/client.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

const char* const kUsage =
    "usage: storeedge-e2e-oms --broker URI --tenant ID --store ID --examples DIR [--resume SEQ]"
    " [FILE...]\n";

json::object read_object(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str()).as_object();
}

// Waits for a message on `topic` whose JSON payload satisfies `pred`.
bool wait_for(mqtt::client& c, const std::string& topic,
              const std::function<bool(const json::object&)>& pred, std::chrono::seconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    mqtt::const_message_ptr msg;
    if (!c.try_consume_message_for(&msg, std::chrono::milliseconds(100)) || !msg) continue;
    if (msg->get_topic() != topic) continue;
    boost::system::error_code ec;
    auto v = json::parse(msg->get_payload_str(), ec);
    if (!ec && v.is_object() && pred(v.as_object())) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::string broker, tenant = "demo", store, examples;
  std::vector<std::string> extra;
  std::int64_t resume = 0;  // the last seq the store has had; 0: start with the snapshot
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    try {
      if (a == "--broker")
        broker = value();
      else if (a == "--tenant")
        tenant = value();
      else if (a == "--store")
        store = value();
      else if (a == "--examples")
        examples = value();
      else if (a == "--resume")
        resume = std::stoll(value());
      else if (a.rfind("--", 0) == 0)
        throw std::invalid_argument("unknown option " + a);
      else
        extra.push_back(a);
    } catch (const std::exception& e) {
      std::cerr << "storeedge-e2e-oms: " << e.what() << "\n" << kUsage;
      return 2;
    }
  }
  if (broker.empty() || store.empty() || examples.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string base = "oms/v1/" + tenant + "/stores/" + store;
  try {
    mqtt::client oms(broker, "e2e-oms", nullptr);
    oms.connect(mqtt::connect_options_builder().clean_session(true).finalize());
    oms.subscribe(base + "/up", 1);
    oms.subscribe(base + "/status", 1);  // the birth message is retained
    if (!wait_for(
            oms, base + "/status", [](const auto& m) { return m.at("state") == "online"; },
            std::chrono::seconds(20))) {
      std::cerr << "storeedge-e2e-oms: the store did not come online\n";
      return 1;
    }
    std::int64_t seq = resume;
    auto send = [&](json::object m) {
      m["epoch"] = "oms-e1";
      m["seq"] = ++seq;
      m["store"] = store;
      oms.publish(mqtt::make_message(base + "/down", json::serialize(m), 1, false));
    };
    if (resume == 0) {
      const char* files[] = {"down.snapshot.begin.json",         "down.store.config.json",
                             "down.catalog.items.json",          "down.allocation.created.json",
                             "down.allocation.created-sfs.json", "down.returnable_orders.json"};
      for (const char* f : files) send(read_object(examples + "/" + f));
      auto end = read_object(examples + "/down.snapshot.end.json");
      end["body"].as_object()["snapshot"] =
          read_object(examples + "/" + files[0])["body"].as_object()["snapshot"];
      end["body"].as_object()["counts"] = {
          {"allocations", 2}, {"catalog_items", 2}, {"returnable_orders", 1}};
      send(end);
    }
    for (const auto& f : extra) send(read_object(f));
    const std::int64_t last = seq;
    const bool acked = wait_for(
        oms, base + "/up",
        [last](const auto& m) {
          return m.at("type") == "ack" && m.at("body").at("through").as_int64() >= last;
        },
        std::chrono::seconds(20));
    oms.disconnect();
    if (!acked) {
      std::cerr << "storeedge-e2e-oms: the store did not acknowledge through seq " << last << "\n";
      return 1;
    }
    std::cout << "storeedge-e2e-oms: the store applied through seq " << last << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "storeedge-e2e-oms: " << e.what() << "\n";
    return 1;
  }
}
