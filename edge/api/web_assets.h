// The handheld web app's files (web/), compiled into the daemon by edge/api/embed_web.cmake so
// that the binary serves the app that matches its API, with nothing to install beside it.
#pragma once

#include <string_view>

namespace storeedge::api {

struct WebAsset {
  std::string_view name;          // "index.html", "app.js", ...
  std::string_view content_type;  // for the Content-Type header
  std::string_view etag;          // quoted, from the file's SHA-256
  std::string_view body;
};

// The file called `name` (no directories), or nullptr.
const WebAsset* find_web_asset(std::string_view name);

}  // namespace storeedge::api
