// The OMS contract codec against the contract's own examples, and every way a message must be
// refused (each refusal's code is what the nack carries).
#include "sync/contract.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace storeedge::sync {
namespace {

namespace json = boost::json;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Contract, EveryExampleParsesValidatesAndRoundTrips) {
  int down = 0, up = 0;
  for (const auto& entry : std::filesystem::directory_iterator(STOREEDGE_CONTRACT_EXAMPLES)) {
    const std::string name = entry.path().filename().string();
    const Direction dir = name.rfind("down.", 0) == 0 ? Direction::down : Direction::up;
    auto m = parse_message(slurp(entry.path()), dir, "S042");
    ASSERT_TRUE(m) << name << ": " << m.error().code << ": " << m.error().message;
    EXPECT_EQ(m->seq.has_value(), is_sequenced(dir, m->type)) << name;
    auto again = parse_message(serialize(*m), dir, "S042");
    ASSERT_TRUE(again) << name;
    EXPECT_EQ(serialize(*again), serialize(*m)) << name;
    (dir == Direction::down ? down : up)++;
  }
  EXPECT_EQ(down, 15);  // one example of each down type, two of allocation.created
  EXPECT_EQ(up, 17);
}

json::object example(const std::string& file) {
  return json::parse(slurp(std::string(STOREEDGE_CONTRACT_EXAMPLES) + "/" + file)).as_object();
}

Error refusal(const json::object& o, Direction d = Direction::down,
              std::string_view store = "S042") {
  auto m = parse_message(json::serialize(o), d, store);
  EXPECT_FALSE(m) << json::serialize(o);
  return m ? Error{} : m.error();
}

TEST(Contract, RefusesBrokenEnvelopes) {
  EXPECT_EQ(parse_message("{not json", Direction::down, "S042").error().code, "bad_json");
  EXPECT_EQ(parse_message("[1]", Direction::down, "S042").error().code, "bad_json");
  EXPECT_EQ(
      parse_message(std::string(kMaxPayloadBytes + 1, ' '), Direction::down, "S042").error().code,
      "too_large");
  auto m = example("down.allocation.created.json");
  EXPECT_EQ(refusal(m, Direction::down, "S001").code, "wrong_store");
  auto v2 = m;
  v2["v"] = 2;
  EXPECT_EQ(refusal(v2).code, "unsupported_version");
  auto unknown = m;
  unknown["type"] = "price.changed";
  EXPECT_EQ(refusal(unknown).code, "unknown_type");
  auto up_type_down = m;
  up_type_down["type"] = "allocation.picked";  // an up type arriving on the down stream
  EXPECT_EQ(refusal(up_type_down).code, "unknown_type");
  auto no_seq = m;
  no_seq.erase("seq");
  EXPECT_EQ(refusal(no_seq).code, "bad_envelope");
  auto zero_seq = m;
  zero_seq["seq"] = 0;
  EXPECT_EQ(refusal(zero_seq).code, "bad_envelope");
  auto ack = example("down.ack.json");
  ack["seq"] = 3;
  EXPECT_EQ(refusal(ack).code, "bad_envelope");
  auto bad_at = m;
  bad_at["at"] = "2026-11-23 12:00:00";
  EXPECT_EQ(refusal(bad_at).code, "bad_envelope");
  auto bad_id = m;
  bad_id["id"] = "has space";
  EXPECT_EQ(refusal(bad_id).code, "bad_envelope");
}

TEST(Contract, RefusesBadBodiesNamingTheField) {
  auto m = example("down.allocation.created.json");
  auto expect_bad = [](json::object o, std::string_view path) {
    Error e = refusal(o);
    EXPECT_EQ(e.code, "bad_body");
    EXPECT_NE(e.message.find(path), std::string::npos) << e.message;
  };
  auto no_lines = m;
  no_lines["body"].as_object()["lines"] = json::array{};
  expect_bad(no_lines, "body.lines");
  auto zero_qty = m;
  zero_qty["body"].as_object()["lines"].as_array()[0].as_object()["qty"] = 0;
  expect_bad(zero_qty, "body.lines[0].qty");
  auto bad_gtin = m;
  bad_gtin["body"].as_object()["lines"].as_array()[0].as_object()["gtins"] =
      json::array{"05901234123458"};  // wrong check digit
  expect_bad(bad_gtin, "body.lines[0].gtins[0]");
  auto dup = m;
  auto& lines = dup["body"].as_object()["lines"].as_array();
  lines[1].as_object()["line"] = lines[0].as_object()["line"];
  expect_bad(dup, "appears twice");
  auto kind = m;
  kind["body"].as_object()["kind"] = "drone";
  expect_bad(kind, "body.kind");
  auto sfs = example("down.allocation.created-sfs.json");
  sfs["body"].as_object()["ship_to"] = nullptr;
  expect_bad(sfs, "body.ship_to");
  auto returned = example("down.returnable_orders.json");
  auto& line = returned["body"]
                   .as_object()["orders"]
                   .as_array()[0]
                   .as_object()["lines"]
                   .as_array()[0]
                   .as_object();
  line["returned_qty"] = line["qty"].as_int64() + 1;
  expect_bad(returned, "returned_qty exceeds qty");
  auto label = example("down.label.created.json");
  label["body"].as_object()["data"] = "not base64!";
  expect_bad(label, "body.data");
  auto missing = example("down.allocation.cancelled.json");
  missing["body"].as_object().erase("allocation");
  expect_bad(missing, "body.allocation: is required");
}

TEST(Contract, IgnoresUnknownFields) {
  auto m = example("down.allocation.created.json");
  m["trace"] = "abc";
  m["body"].as_object()["loyalty_tier"] = "gold";
  m["body"].as_object()["lines"].as_array()[0].as_object()["colour"] = "blue";
  EXPECT_TRUE(parse_message(json::serialize(m), Direction::down, "S042"));
}

TEST(Contract, Timestamps) {
  EXPECT_TRUE(is_rfc3339_utc("2026-11-23T12:00:00Z"));
  EXPECT_TRUE(is_rfc3339_utc("2026-11-23T12:00:00.123Z"));
  for (const char* bad : {"2026-11-23T12:00:00", "2026-11-23T24:00:00Z", "2026-13-01T00:00:00Z",
                          "2026-11-23T12:00:00+01:00", "2026-11-23T12:00:00.Z", ""})
    EXPECT_FALSE(is_rfc3339_utc(bad)) << bad;
}

}  // namespace
}  // namespace storeedge::sync
