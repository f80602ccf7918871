// Pieces shared by the floor's routes (fulfil, packing, put-back, inventory, batches): the JSON
// shapes of an allocation, a line and a pick, and the checks of path and query values.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "fulfil/packing.h"
#include "fulfil/picking.h"
#include "http/message.h"

namespace storeedge::api {

boost::json::object line_json(const fulfil::Line& l);
boost::json::object work_json(const fulfil::Allocation& a);
boost::json::object pick_json(const fulfil::PickOutcome& p);
boost::json::object package_json(const fulfil::Package& p);
boost::json::array packages_json(const std::vector<fulfil::Package>& packages);

// A body value naming a thing on the floor (bin, line, bay): 1-64 printable ASCII characters.
[[nodiscard]] Result<std::string> floor_name(const boost::json::object& body, std::string_view key);

// The body as a JSON object; an empty body is an empty object.
[[nodiscard]] Result<boost::json::object> body_of(const http::Request& req);

// One page of a listing: `limit` rows (1 to `max`, `fallback` when absent) from `offset`, which
// the client passes back as `cursor` (the previous page's `next`).
struct Page {
  int limit = 0, offset = 0;
  std::int64_t fetch() const { return std::int64_t{limit} + 1; }  // one more: is there a next?
};
[[nodiscard]] Result<Page> page_of(const std::map<std::string, std::string>& query, int fallback,
                                   int max);

// {items, next} for `rows` fetched with page.fetch(); `item` makes one row's JSON.
template <class Row, class ToJson>
boost::json::object page_json(const std::vector<Row>& rows, const Page& page, ToJson item) {
  boost::json::array items;
  for (std::size_t i = 0; i < rows.size() && static_cast<int>(i) < page.limit; ++i)
    items.push_back(item(rows[i]));
  boost::json::value next = nullptr;
  if (static_cast<int>(rows.size()) > page.limit) next = std::to_string(page.offset + page.limit);
  return {{"items", std::move(items)}, {"next", next}};
}

// The answer: page_json as a 200 response.
template <class Row, class ToJson>
http::Response page_response(const std::vector<Row>& rows, const Page& page, ToJson item) {
  return http::json_response(http::Status::ok, page_json(rows, page, item));
}

// A numeric path segment (a pick, count, put-back or batch id): not_found when it is not one.
[[nodiscard]] Result<std::int64_t> id_param(const std::string& segment, std::string_view what);

}  // namespace storeedge::api
