// The central OMS contract, version 1 (../shared/oms-contract): the envelope and the body of
// every message type in both directions, validated against declarative schemas. Pure functions,
// thread-safe. Unknown fields are ignored, as the contract requires for forward compatibility.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace storeedge::sync {

inline constexpr std::size_t kMaxPayloadBytes = 256 * 1024;

enum class Direction { down, up };  // down: OMS → store; up: store → OMS

struct Envelope {
  std::string type;
  std::string id;
  std::string store;
  std::string epoch;
  std::optional<std::int64_t> seq;  // present exactly on sequenced types
  std::string at;
  boost::json::object body;
};

// Whether `type` is a known type of `direction`, and whether it is sequenced (not control).
bool is_known_type(Direction direction, std::string_view type);
bool is_sequenced(Direction direction, std::string_view type);

// Parses and validates a whole message. Error codes are what a nack carries:
// "too_large", "bad_json", "bad_envelope", "unsupported_version", "wrong_store",
// "unknown_type", "bad_body". Messages name the offending field by its JSON path.
// `expected_store` empty = accept any store (the OMS simulator serves many).
// The body is allocated from `storage` (the default heap, or e.g. an arena that outlives the
// envelope).
[[nodiscard]] Result<Envelope> parse_message(std::string_view payload, Direction direction,
                                             std::string_view expected_store,
                                             boost::json::storage_ptr storage = {});

// Validates `body` against the schema of `type` (used before publishing up messages too).
[[nodiscard]] Result<void> validate_body(Direction direction, std::string_view type,
                                         const boost::json::object& body);

// The wire form of an envelope (v = 1).
std::string serialize(const Envelope& e);

// RFC 3339 UTC timestamp with optional fraction: 2026-11-23T12:00:00.123Z
bool is_rfc3339_utc(std::string_view s);

}  // namespace storeedge::sync
