// The contract's message schemas as data, and one validator that walks them.
#include "sync/contract.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <set>
#include <vector>

#include "core/config.h"

namespace storeedge::sync {
namespace {

namespace json = boost::json;

enum class Kind {
  id,
  text,
  integer,
  boolean,
  timestamp,
  date,
  currency,
  gtin,
  base64,
  choice,
  object,
  objects,
  scalars
};

struct Field;
using Schema = std::vector<Field>;

struct Field {
  Field(std::string_view n, Kind k) : name(n), kind(k) {}
  std::string_view name;
  Kind kind;
  bool required = true;
  bool nullable = false;
  std::int64_t min = INT64_MIN;
  const Schema* schema = nullptr;         // object / objects
  Kind item = Kind::text;                 // scalars
  std::vector<std::string_view> choices;  // choice
  bool non_empty = false;                 // objects / scalars
};

Field id(std::string_view n) {
  return {n, Kind::id};
}
Field text(std::string_view n) {
  return {n, Kind::text};
}
Field integer(std::string_view n, std::int64_t min = INT64_MIN) {
  Field f{n, Kind::integer};
  f.min = min;
  return f;
}
Field boolean(std::string_view n) {
  return {n, Kind::boolean};
}
Field timestamp(std::string_view n) {
  return {n, Kind::timestamp};
}
Field date(std::string_view n) {
  return {n, Kind::date};
}
Field currency(std::string_view n) {
  return {n, Kind::currency};
}
Field base64(std::string_view n) {
  return {n, Kind::base64};
}
Field choice(std::string_view n, std::vector<std::string_view> c) {
  Field f{n, Kind::choice};
  f.choices = std::move(c);
  return f;
}
Field object(std::string_view n, const Schema& s) {
  Field f{n, Kind::object};
  f.schema = &s;
  return f;
}
Field objects(std::string_view n, const Schema& s, bool non_empty = false) {
  Field f{n, Kind::objects};
  f.schema = &s;
  f.non_empty = non_empty;
  return f;
}
Field scalars(std::string_view n, Kind item, bool non_empty = false) {
  Field f{n, Kind::scalars};
  f.item = item;
  f.non_empty = non_empty;
  return f;
}
// Optional, and null counts as absent (the examples send "pickup_person": null).
Field maybe(Field f) {
  f.required = false;
  f.nullable = true;
  return f;
}

constexpr std::size_t kMaxText = 4096;
constexpr std::size_t kMaxItems = 10'000;

bool is_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

// GTIN-8/12/13/14 with a valid mod-10 check digit.
bool is_gtin(std::string_view s) {
  if (!is_digits(s) || (s.size() != 8 && s.size() != 12 && s.size() != 13 && s.size() != 14))
    return false;
  int sum = 0;
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    int d = s[s.size() - 2 - i] - '0';
    sum += (i % 2 == 0) ? 3 * d : d;
  }
  return (10 - sum % 10) % 10 == s.back() - '0';
}

bool is_date(std::string_view s) {
  return s.size() == 10 && is_digits(s.substr(0, 4)) && s[4] == '-' && is_digits(s.substr(5, 2)) &&
         s[7] == '-' && is_digits(s.substr(8, 2)) && s.substr(5, 2) >= "01" &&
         s.substr(5, 2) <= "12" && s.substr(8, 2) >= "01" && s.substr(8, 2) <= "31";
}

bool is_base64(std::string_view s) {
  if (s.empty() || s.size() % 4 != 0) return false;
  std::size_t pad = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c == '=') {
      if (i < s.size() - 2) return false;
      ++pad;
    } else if (pad > 0 || !(alnum || c == '+' || c == '/')) {
      return false;
    }
  }
  return true;
}

Error bad(const std::string& path, std::string_view what) {
  return make_error("bad_body", path + ": " + std::string(what));
}

// Where a value sits in the message ("body.lines[0].sku"), as a chain of frames on the
// validator's stack: the text is built only for an error, not for every field checked.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;  // a field, or the root's name; empty for an array item
  std::size_t index = 0;
  std::string str() const {
    std::string out = parent ? parent->str() : std::string();
    if (key.empty()) return out + "[" + std::to_string(index) + "]";
    if (parent) out += '.';
    return out.append(key);
  }
};

Error bad(const Path& path, std::string_view what) {
  return bad(path.str(), what);
}

std::optional<Error> check_object(const json::object& o, const Schema& s, const Path& path);

std::optional<Error> check_scalar(const json::value& v, Kind kind, const Field& f,
                                  const Path& path) {
  auto str = v.if_string();
  switch (kind) {
    case Kind::id:
      if (!str || !is_identifier(*str))
        return bad(path, "must be 1-64 characters of [A-Za-z0-9._:-]");
      return std::nullopt;
    case Kind::text:
      if (!str || str->size() > kMaxText)
        return bad(path, "must be a string of at most 4096 bytes");
      return std::nullopt;
    case Kind::integer: {
      std::int64_t n = 0;
      if (v.is_int64())
        n = v.get_int64();
      else if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        n = static_cast<std::int64_t>(v.get_uint64());
      else
        return bad(path, "must be an integer");
      if (n < f.min) return bad(path, "must be at least " + std::to_string(f.min));
      return std::nullopt;
    }
    case Kind::boolean:
      if (!v.is_bool()) return bad(path, "must be true or false");
      return std::nullopt;
    case Kind::timestamp:
      if (!str || !is_rfc3339_utc(*str)) return bad(path, "must be an RFC 3339 UTC timestamp");
      return std::nullopt;
    case Kind::date:
      if (!str || !is_date(*str)) return bad(path, "must be a date YYYY-MM-DD");
      return std::nullopt;
    case Kind::currency:
      if (!str || str->size() != 3 ||
          !std::all_of(str->begin(), str->end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        return bad(path, "must be an ISO 4217 code");
      return std::nullopt;
    case Kind::gtin:
      if (!str || !is_gtin(*str))
        return bad(path, "must be a GTIN-8/12/13/14 with a valid check digit");
      return std::nullopt;
    case Kind::base64:
      if (!str || !is_base64(*str)) return bad(path, "must be base64");
      return std::nullopt;
    case Kind::choice:
      if (!str || std::find(f.choices.begin(), f.choices.end(), std::string_view(*str)) ==
                      f.choices.end()) {
        std::string list;
        for (auto c : f.choices) list += (list.empty() ? "" : ", ") + std::string(c);
        return bad(path, "must be one of " + list);
      }
      return std::nullopt;
    default:
      return bad(path, "unexpected value");
  }
}

std::optional<Error> check_field(const json::value& v, const Field& f, const Path& path) {
  switch (f.kind) {
    case Kind::object:
      if (!v.is_object()) return bad(path, "must be an object");
      return check_object(v.get_object(), *f.schema, path);
    case Kind::objects:
    case Kind::scalars: {
      if (!v.is_array()) return bad(path, "must be an array");
      const auto& a = v.get_array();
      if (f.non_empty && a.empty()) return bad(path, "must not be empty");
      if (a.size() > kMaxItems) return bad(path, "has too many items");
      for (std::size_t i = 0; i < a.size(); ++i) {
        const Path at{&path, {}, i};
        if (f.kind == Kind::objects) {
          if (!a[i].is_object()) return bad(at, "must be an object");
          if (auto e = check_object(a[i].get_object(), *f.schema, at)) return e;
        } else if (auto e = check_scalar(a[i], f.item, f, at)) {
          return e;
        }
      }
      return std::nullopt;
    }
    default:
      return check_scalar(v, f.kind, f, path);
  }
}

std::optional<Error> check_object(const json::object& o, const Schema& s, const Path& path) {
  for (const Field& f : s) {
    const Path at{&path, f.name};
    const json::value* v = o.if_contains(f.name);
    if (!v || (v->is_null() && f.nullable)) {
      if (f.required) return bad(at, "is required");
      continue;
    }
    if (auto e = check_field(*v, f, at)) return e;
  }
  return std::nullopt;
}

// Rules one schema cannot say: unique line ids, ship-from-store addressing, returned ≤ ordered.
std::optional<Error> check_unique_lines(const json::object& body, std::string_view key) {
  const json::value* lines = body.if_contains(key);
  if (!lines || !lines->is_array()) return std::nullopt;
  std::set<std::string_view> seen;
  for (const auto& l : lines->get_array()) {
    const auto* line = l.get_object().if_contains("line");
    if (line && line->is_string() && !seen.insert(std::string_view(line->get_string())).second)
      return bad("body." + std::string(key),
                 "line '" + std::string(line->get_string()) + "' appears twice");
  }
  return std::nullopt;
}

std::optional<Error> check_orders(const json::object& body) {
  for (const auto& order : body.at("orders").get_array()) {
    for (const auto& line : order.get_object().at("lines").get_array()) {
      const auto& l = line.get_object();
      if (l.at("returned_qty").to_number<std::int64_t>() > l.at("qty").to_number<std::int64_t>())
        return bad("body.orders[].lines[]", "returned_qty exceeds qty");
    }
  }
  return std::nullopt;
}

struct TypeSpec {
  bool sequenced;
  const Schema* schema;
  std::optional<Error> (*extra)(const json::object&) = nullptr;
};

const std::map<std::string, TypeSpec, std::less<>>& table(Direction d) {
  // Shared pieces.
  static const Schema qty_line = {id("line"), integer("qty", 1)};
  static const Schema customer = {text("name"), maybe(text("pickup_code")),
                                  maybe(text("email_hash")), maybe(text("phone_last4"))};
  static const Schema address = {text("name"),   text("line1"),         maybe(text("line2")),
                                 text("city"),   maybe(text("region")), text("postcode"),
                                 text("country")};
  static const Schema allocation_line = {
      id("line"),          id("sku"),         scalars("gtins", Kind::gtin),
      text("description"), integer("qty", 1), integer("unit_price", 0),
      currency("currency")};
  static const Schema order_customer = {text("name"), maybe(text("email_hash"))};
  static const Schema order_line = {id("line"),
                                    id("sku"),
                                    scalars("gtins", Kind::gtin),
                                    integer("qty", 1),
                                    integer("returned_qty", 0),
                                    integer("unit_paid", 0),
                                    boolean("returnable"),
                                    date("return_by")};
  static const Schema tender = {id("tender"), text("method"), maybe(text("last4")),
                                integer("amount", 0)};
  static const Schema order = {id("order"),
                               text("channel"),
                               timestamp("placed_at"),
                               maybe(timestamp("delivered_at")),
                               currency("currency"),
                               object("customer", order_customer),
                               scalars("receipt_barcodes", Kind::text),
                               objects("lines", order_line, true),
                               objects("tenders", tender)};
  static const Schema money = {integer("amount", 0), currency("currency")};
  static const Schema catalog_item = {id("sku"),
                                      scalars("gtins", Kind::gtin),
                                      text("description"),
                                      integer("unit_price", 0),
                                      currency("currency"),
                                      boolean("returnable"),
                                      maybe(text("location"))};
  static const Schema counts = {integer("allocations", 0), integer("catalog_items", 0),
                                integer("returnable_orders", 0)};
  // Control messages, both directions. A nack for a payload that could not be parsed has no
  // epoch, seq or id to cite, so those three are optional (docs/sync.md).
  static const Schema ack = {id("epoch"), integer("through", 0)};
  static const Schema nack = {maybe(id("epoch")), maybe(integer("seq", 1)), maybe(id("id")),
                              text("code"), text("reason")};
  static const Schema from = {id("epoch"), integer("from", 1)};

  // Down bodies.
  static const Schema snapshot_begin = {id("snapshot")};
  static const Schema snapshot_end = {id("snapshot"), object("counts", counts)};
  static const Schema store_config = {
      maybe(text("timezone")), maybe(integer("pickup_hold_days", 0)),
      maybe(integer("return_window_days", 0)), maybe(object("offline_return_limit", money)),
      maybe(integer("label_printer_dpi", 1))};
  static const Schema catalog = {objects("items", catalog_item)};
  static const Schema created = {id("allocation"),
                                 id("order"),
                                 choice("kind", {"bopis", "curbside", "ship_from_store"}),
                                 maybe(integer("priority")),
                                 maybe(timestamp("promised_by")),
                                 object("customer", customer),
                                 maybe(text("pickup_person")),
                                 maybe(object("ship_to", address)),
                                 maybe(text("carrier")),
                                 maybe(text("service")),
                                 maybe(boolean("substitutions_allowed")),
                                 objects("lines", allocation_line, true)};
  static const Schema amended = {id("allocation"), maybe(text("pickup_person")),
                                 maybe(timestamp("promised_by")), maybe(integer("priority")),
                                 maybe(text("notes"))};
  static const Schema cancelled = {id("allocation"), maybe(objects("lines", qty_line, true)),
                                   text("reason")};
  static const Schema returnable = {objects("orders", order)};
  static const Schema label_created = {id("allocation"), id("package"),
                                       text("carrier"),  text("service"),
                                       text("tracking"), choice("format", {"zpl", "pdf"}),
                                       base64("data")};
  static const Schema label_failed = {id("allocation"), id("package"), text("code"),
                                      text("reason")};
  static const Schema lookup_result = {id("request"), objects("orders", order)};

  // Up bodies.
  static const Schema allocation_only = {id("allocation")};
  static const Schema rejected_line = {
      id("line"), integer("qty", 1),
      choice("reason", {"not_found", "damaged", "mismatch", "other"})};
  static const Schema rejected = {id("allocation"), objects("lines", rejected_line, true)};
  static const Schema picked_line = {id("line"), integer("qty", 0), maybe(id("substitute_sku"))};
  static const Schema picked = {id("allocation"), objects("lines", picked_line, true), id("by")};
  static const Schema ready = {id("allocation"), text("staging_location")};
  static const Schema verification = {choice("method", {"pickup_code", "id_document", "other"}),
                                      maybe(text("note"))};
  static const Schema handed_over = {id("allocation"), objects("lines", qty_line, true),
                                     object("verification", verification), id("by")};
  static const Schema package = {id("package"), integer("weight_g", 0),
                                 scalars("dims_mm", Kind::integer, true),
                                 objects("lines", qty_line, true)};
  static const Schema packed = {id("allocation"), objects("packages", package, true)};
  static const Schema label_request = {id("allocation"), id("package")};
  static const Schema shipment = {id("package"), text("carrier"), text("tracking")};
  static const Schema shipped = {id("allocation"), objects("packages", shipment, true)};
  static const Schema put_back = {id("sku"), integer("qty", 1)};
  static const Schema cancellation_applied = {id("allocation"), objects("lines", qty_line),
                                              objects("put_back", put_back)};
  static const Schema cancellation_refused = {id("allocation"),
                                              choice("reason", {"handed_over", "shipped"})};
  static const Schema return_line = {id("line"),          id("sku"),         integer("qty", 1),
                                     text("reason"),      text("condition"), text("disposition"),
                                     integer("refund", 0)};
  static const Schema tender_amount = {id("tender"), integer("amount", 0)};
  static const Schema refund = {integer("amount", 0), currency("currency"),
                                objects("tenders", tender_amount)};
  static const Schema return_received = {id("return"),
                                         id("order"),
                                         objects("lines", return_line, true),
                                         object("refund", refund),
                                         id("by"),
                                         maybe(id("override_by")),
                                         boolean("offline")};
  static const Schema inventory = {id("sku"), integer("delta"), text("reason"), maybe(text("ref")),
                                   maybe(text("location"))};
  static const Schema query = {maybe(id("order")), maybe(text("receipt")),
                               maybe(text("email_hash"))};
  static const Schema lookup = {id("request"), object("query", query)};

  static const std::map<std::string, TypeSpec, std::less<>> down = {
      {"snapshot.begin", {true, &snapshot_begin}},
      {"snapshot.end", {true, &snapshot_end}},
      {"store.config", {true, &store_config}},
      {"catalog.items", {true, &catalog}},
      {"allocation.created",
       {true, &created,
        [](const json::object& b) -> std::optional<Error> {
          if (b.at("kind") == "ship_from_store")
            for (auto k : {"ship_to", "carrier", "service"})
              if (!b.contains(k) || b.at(k).is_null())
                return bad(std::string("body.") + k, "is required for ship_from_store");
          return check_unique_lines(b, "lines");
        }}},
      {"allocation.amended", {true, &amended}},
      {"allocation.cancelled",
       {true, &cancelled, [](const json::object& b) { return check_unique_lines(b, "lines"); }}},
      {"returnable_orders", {true, &returnable, check_orders}},
      {"label.created", {true, &label_created}},
      {"label.failed", {true, &label_failed}},
      {"ack", {false, &ack}},
      {"nack", {false, &nack}},
      {"replay.request", {false, &from}},
      {"order.lookup.result", {false, &lookup_result, check_orders}},
  };
  static const std::map<std::string, TypeSpec, std::less<>> up = {
      {"allocation.accepted", {true, &allocation_only}},
      {"allocation.rejected", {true, &rejected}},
      {"allocation.picked", {true, &picked}},
      {"allocation.ready", {true, &ready}},
      {"allocation.handed_over", {true, &handed_over}},
      {"allocation.expired", {true, &allocation_only}},
      {"allocation.packed", {true, &packed}},
      {"label.request", {true, &label_request}},
      {"allocation.shipped", {true, &shipped}},
      {"cancellation.applied", {true, &cancellation_applied}},
      {"cancellation.refused", {true, &cancellation_refused}},
      {"return.received", {true, &return_received}},
      {"inventory.adjusted", {true, &inventory}},
      {"ack", {false, &ack}},
      {"nack", {false, &nack}},
      {"resync.request", {false, &from}},
      {"order.lookup", {false, &lookup}},
  };
  return d == Direction::down ? down : up;
}

const TypeSpec* find_type(Direction d, std::string_view type) {
  const auto& t = table(d);
  auto it = t.find(type);
  return it == t.end() ? nullptr : &it->second;
}

}  // namespace

bool is_known_type(Direction d, std::string_view type) {
  return find_type(d, type) != nullptr;
}

bool is_sequenced(Direction d, std::string_view type) {
  const TypeSpec* t = find_type(d, type);
  return t && t->sequenced;
}

bool is_rfc3339_utc(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fraction]Z
  if (s.size() < 20 || !is_date(s.substr(0, 10)) || s[10] != 'T' || s.back() != 'Z') return false;
  auto two = [&](std::size_t at, std::string_view max) {
    auto p = s.substr(at, 2);
    return is_digits(p) && p <= max;
  };
  if (!two(11, "23") || s[13] != ':' || !two(14, "59") || s[16] != ':' || !two(17, "60"))
    return false;
  std::string_view rest = s.substr(19, s.size() - 20);
  if (rest.empty()) return true;
  return rest.size() >= 2 && rest.size() <= 10 && rest[0] == '.' && is_digits(rest.substr(1));
}

Result<void> validate_body(Direction direction, std::string_view type, const json::object& body) {
  const TypeSpec* spec = find_type(direction, type);
  if (!spec) return make_error("unknown_type", "type " + std::string(type) + " is not known");
  if (auto e = check_object(body, *spec->schema, Path{nullptr, "body"})) return *e;
  if (spec->extra)
    if (auto e = spec->extra(body)) return *e;
  return {};
}

Result<Envelope> parse_message(std::string_view payload, Direction direction,
                               std::string_view expected_store, json::storage_ptr storage) {
  if (payload.size() > kMaxPayloadBytes)
    return make_error("too_large",
                      "payload of " + std::to_string(payload.size()) + " bytes exceeds 256 KiB");
  json::parse_options opts;
  opts.max_depth = 32;
  boost::system::error_code ec;
  json::value v = json::parse(payload, ec, std::move(storage), opts);
  if (ec) return make_error("bad_json", "payload is not JSON: " + ec.message());
  if (!v.is_object()) return make_error("bad_json", "payload is not a JSON object");
  json::object& o = v.get_object();
  auto envelope_error = [](std::string what) { return make_error("bad_envelope", what); };

  const json::value* version = o.if_contains("v");
  if (!version || !(version->is_int64() || version->is_uint64()))
    return envelope_error("v: must be an integer");
  if (version->to_number<std::int64_t>() != 1)
    return make_error("unsupported_version", "v: only contract version 1 is known");
  Envelope e{{}, {}, {}, {}, {}, {}, json::object(v.storage())};  // the body below moves, no copy
  for (auto [key, out] :
       {std::pair{"type", &e.type}, std::pair{"id", &e.id}, std::pair{"store", &e.store},
        std::pair{"epoch", &e.epoch}, std::pair{"at", &e.at}}) {
    const json::value* f = o.if_contains(key);
    if (!f || !f->is_string()) return envelope_error(std::string(key) + ": must be a string");
    *out = std::string(f->get_string());
  }
  for (auto [key, value] :
       {std::pair{"id", &e.id}, std::pair{"store", &e.store}, std::pair{"epoch", &e.epoch}})
    if (!is_identifier(*value))
      return envelope_error(std::string(key) + ": must be 1-64 characters of [A-Za-z0-9._:-]");
  if (!is_rfc3339_utc(e.at)) return envelope_error("at: must be an RFC 3339 UTC timestamp");
  if (!expected_store.empty() && e.store != expected_store)
    return make_error("wrong_store",
                      "message for store " + e.store + ", this is " + std::string(expected_store));
  const TypeSpec* spec = find_type(direction, e.type);
  if (!spec) return make_error("unknown_type", "type " + e.type + " is not known");
  const json::value* seq = o.if_contains("seq");
  if (spec->sequenced) {
    if (!seq || !seq->is_int64() || seq->get_int64() < 1)
      return envelope_error("seq: a " + e.type + " message needs a seq of 1 or more");
    e.seq = seq->get_int64();
  } else if (seq && !seq->is_null()) {
    return envelope_error("seq: control message " + e.type + " must not carry a seq");
  }
  json::value* body = o.if_contains("body");
  if (!body || !body->is_object()) return envelope_error("body: must be an object");
  e.body = std::move(body->get_object());
  if (auto r = validate_body(direction, e.type, e.body); !r) return r.error();
  return e;
}

std::string serialize(const Envelope& e) {
  json::object o{{"v", 1}, {"type", e.type}, {"id", e.id}, {"store", e.store}, {"epoch", e.epoch}};
  if (e.seq) o["seq"] = *e.seq;
  o["at"] = e.at;
  o["body"] = e.body;
  return json::serialize(o);
}

}  // namespace storeedge::sync
