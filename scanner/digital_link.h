// GS1 Digital Link URIs (as QR codes carry them): "https://id.gs1.org/01/09506000134352/10/ABC
// ?17=250101", or the same path under any domain and path prefix, read into GS1 elements.
// Pure function; thread-safe; no exceptions.
#pragma once

#include <string_view>
#include <vector>

#include "core/error.h"
#include "scanner/gs1.h"

namespace storeedge::scanner {

// The path holds one primary key (01, 8006, 414, 00, 253, 255, 401, 402, 8003, 8004, 417, 8018)
// and that key's qualifiers in their order (for 01 and 8006: 22, 10, 21; for 414: 254); the
// query holds data attributes by their AI ("17=250101"). Segments and parameters are
// percent-decoded; a GTIN in the path may be 8, 12, 13 or 14 digits and comes out as GTIN-14.
// Query parameters whose names are not digits (e.g. "linkType") are ignored. The elements come
// out key first, then qualifiers, then attributes in query order.
// Fails with "not_digital_link" when `uri` is not an http(s) URI whose path ends with a primary
// key, a value of the key's form and qualifier pairs in order (so it may be any other link);
// "digital_link_syntax" for a key or key qualifier in the query; and the errors of
// make_gs1_element (a wrong check digit, a bad date, …).
[[nodiscard]] Result<std::vector<Gs1Element>> parse_digital_link(std::string_view uri);

}  // namespace storeedge::scanner
