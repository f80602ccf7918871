// docs/api/openapi.yaml, embedded at build time so the served description is the documented one.
#pragma once

#include <string_view>

namespace storeedge::api {
extern const std::string_view kOpenApiYaml;
}
