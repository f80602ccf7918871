// The body of POST /api/v1/returns, checked field by field into pos::ReturnRequest, and the
// checks of the identifiers and lookup values the returns routes take. Pure; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

#include "core/error.h"
#include "pos/returns.h"

namespace storeedge::api {

// The contract's identifier: 1-64 of [A-Za-z0-9._:-].
bool is_identifier(std::string_view v);
// A lookup value as a POS sends it (order number, receipt barcode, email hash): 1-128
// printable ASCII characters.
bool is_lookup_value(std::string_view v);

// "invalid_request" naming the field when the body is not a return request.
[[nodiscard]] Result<pos::ReturnRequest> parse_return_request(const boost::json::object& body);

}  // namespace storeedge::api
