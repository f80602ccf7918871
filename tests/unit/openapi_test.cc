// docs/api/openapi.yaml (as embedded in the daemon) against Api::routes(): every route the API
// serves is documented with its method, every documented operation is a route, and each
// operation states the access it needs: `security` for open, device and session routes, and for
// a session route the sentence "Minimum role: `<role>`" (with the `override` scheme and a 403
// when the role is above associate). There is no YAML library in the project: a line scan of
// the `paths:` section (path keys indented two spaces, methods four) reads the file's layout,
// and the scanner reports any line in that section it does not understand.
#include "api/openapi.h"

#include <gtest/gtest.h>

#include <boost/beast/http/verb.hpp>
#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/api.h"
#include "auth/identity.h"

namespace storeedge::api {
namespace {

using boost::beast::http::verb;

constexpr std::string_view kFile = "docs/api/openapi.yaml";

struct Operation {
  std::string path;    // as documented, e.g. /api/v1/allocations/{id}
  std::string method;  // lower case, as OpenAPI spells it: get, post, ...
  int line = 0;        // of the method key, 1-based
  std::string text;    // the operation's lines, trimmed and joined by single spaces
};

struct Scan {
  std::vector<Operation> operations;
  std::vector<std::string> problems;  // lines of `paths:` the scanner could not read
};

bool is_http_method(std::string_view key) {
  static const std::set<std::string_view> kMethods = {"get",     "put",  "post",  "delete",
                                                      "options", "head", "patch", "trace"};
  return kMethods.contains(key);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string method_name(verb v) {
  return lower(std::string(boost::beast::http::to_string(v)));
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Appends `line` to `text` with every run of spaces made one, so a sentence wrapped across
// lines of a block scalar reads as one.
void append_collapsed(std::string& text, std::string_view line) {
  for (char c : line) {
    if (c == ' ' && (text.empty() || text.back() == ' ')) continue;
    text += c;
  }
  if (!text.empty() && text.back() != ' ') text += ' ';
}

// A mapping key on its own line: `key:` (the key may be quoted); nullopt when the line is not
// one (`key: value` on the same line counts as not one).
std::optional<std::string> bare_key(std::string_view content) {
  while (!content.empty() && content.back() == ' ') content.remove_suffix(1);
  if (content.size() < 2 || content.back() != ':') return std::nullopt;
  content.remove_suffix(1);
  if (content.size() >= 2 && (content.front() == '"' || content.front() == '\'') &&
      content.back() == content.front())
    content = content.substr(1, content.size() - 2);
  if (content.find(": ") != std::string_view::npos) return std::nullopt;
  return std::string(content);
}

// The operations under the top-level `paths:` key. Path keys are indented by two spaces and
// methods by four; deeper lines belong to the operation above them. Other keys at four spaces
// (a path's `parameters`, `summary`, ...) are not operations; their lines are skipped.
Scan scan_paths(std::string_view yaml) {
  Scan scan;
  bool in_paths = false, seen_paths = false;
  std::string path;
  std::set<std::string> paths_seen, operations_seen;
  std::optional<std::size_t> current;  // index into scan.operations
  int number = 0;
  auto problem = [&](const std::string& what) {
    scan.problems.push_back(std::string(kFile) + ":" + std::to_string(number) + ": " + what);
  };
  for (std::size_t start = 0; start < yaml.size();) {
    std::size_t end = yaml.find('\n', start);
    if (end == std::string_view::npos) end = yaml.size();
    std::string_view line = yaml.substr(start, end - start);
    start = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos) continue;  // blank
    const std::string_view content = line.substr(indent);
    if (indent == 0) {
      if (content.front() == '#') continue;
      if (in_paths) break;  // the next top-level key ends `paths:`
      in_paths = content.starts_with("paths:");
      if (in_paths && content != "paths:") problem("`paths:` must be a block mapping");
      seen_paths = seen_paths || in_paths;
      continue;
    }
    if (!in_paths) continue;
    if (content.front() == '\t') {
      problem("a tab in the indentation");
      continue;
    }
    if (indent == 2) {
      current.reset();
      if (content.front() == '#') continue;
      auto key = bare_key(content);
      if (!key || !key->starts_with('/')) {
        problem("expected a path key such as `  /api/v1/...:`, found `" + std::string(content) +
                "`");
        path.clear();
        continue;
      }
      if (!paths_seen.insert(*key).second) problem("path " + *key + " is documented twice");
      path = *key;
      continue;
    }
    if (indent == 4) {
      current.reset();
      if (content.front() == '#') continue;
      auto key = bare_key(content);
      const std::string name(content.substr(0, content.find(':')));
      if (!is_http_method(name)) continue;  // a path-level field, not an operation
      if (!key) {
        problem("expected the operation `" + name + ":` on a line of its own");
        continue;
      }
      if (path.empty()) {
        problem("operation `" + name + "` outside a path");
        continue;
      }
      if (!operations_seen.insert(name + " " + path).second)
        problem(upper(name) + " " + path + " is documented twice");
      scan.operations.push_back({path, name, number, {}});
      current = scan.operations.size() - 1;
      continue;
    }
    if (indent < 6) {  // 1, 3 or 5 spaces
      problem("unexpected indentation of " + std::to_string(indent) + " spaces");
      continue;
    }
    if (current) append_collapsed(scan.operations[*current].text, content);
  }
  if (!seen_paths) scan.problems.push_back(std::string(kFile) + ": no top-level `paths:` key");
  return scan;
}

const Operation* find_operation(const std::vector<Operation>& operations, const Api::Route& r) {
  const std::string method = method_name(r.method);
  for (const Operation& op : operations)
    if (op.path == r.pattern && op.method == method) return &op;
  return nullptr;
}

// Routes the document does not describe, one message each.
std::vector<std::string> undocumented_routes(const std::vector<Api::Route>& routes,
                                             const std::vector<Operation>& operations) {
  std::vector<std::string> out;
  for (const Api::Route& r : routes)
    if (!find_operation(operations, r))
      out.push_back("route " + upper(method_name(r.method)) + " " + r.pattern +
                    " (Api::routes()) is not documented in " + std::string(kFile) + ": add `  " +
                    r.pattern + ":` with `    " + method_name(r.method) + ":` under `paths:`");
  return out;
}

// Documented operations that no route serves (stale documentation), one message each.
std::vector<std::string> stale_operations(const std::vector<Api::Route>& routes,
                                          const std::vector<Operation>& operations) {
  std::vector<std::string> out;
  for (const Operation& op : operations) {
    bool served = false;
    for (const Api::Route& r : routes)
      served = served || (r.pattern == op.path && method_name(r.method) == op.method);
    if (!served)
      out.push_back(std::string(kFile) + ":" + std::to_string(op.line) + " documents " +
                    upper(op.method) + " " + op.path + ", which Api::routes() does not serve");
  }
  return out;
}

bool mentions(const Operation& op, std::string_view what) {
  return op.text.find(what) != std::string::npos;
}

std::string minimum_role_sentence(auth::Role role) {
  return "Minimum role: `" + std::string(auth::role_name(role)) + "`";
}

// What the operation's documentation says about access that the route disagrees with.
std::vector<std::string> access_problems(const Api::Route& r, const Operation& op) {
  std::vector<std::string> out;
  const std::string name = upper(op.method) + " " + op.path + " (" + std::string(kFile) + ":" +
                           std::to_string(op.line) + ")";
  const bool states_a_role = mentions(op, "Minimum role:");
  switch (r.access) {
    case Api::Access::open:
      if (!mentions(op, "security: []"))
        out.push_back(name + " needs no credentials: its security must be `[]`");
      if (states_a_role) out.push_back(name + " has no minimum role but states one");
      break;
    case Api::Access::device:
      if (!mentions(op, "- deviceToken: []") || mentions(op, "session: []"))
        out.push_back(name +
                      " needs a device token and no session: its security must be "
                      "`- deviceToken: []` alone");
      if (states_a_role) out.push_back(name + " has no minimum role but states one");
      break;
    case Api::Access::session: {
      if (!mentions(op, "- deviceToken: [] session: []"))
        out.push_back(name +
                      " needs a session: its security must list `deviceToken` and `session`");
      const std::string sentence = minimum_role_sentence(r.min_role);
      if (!mentions(op, sentence))
        out.push_back(name + " must state its minimum role in its description: \"" + sentence +
                      "\"");
      for (auth::Role other : {auth::Role::associate, auth::Role::lead, auth::Role::manager})
        if (other != r.min_role && mentions(op, minimum_role_sentence(other)))
          out.push_back(name + " states \"" + minimum_role_sentence(other) +
                        "\", but the route's minimum role is " +
                        std::string(auth::role_name(r.min_role)));
      if (r.min_role > auth::Role::associate) {
        if (!mentions(op, "override: []"))
          out.push_back(name + " needs a role above associate: its security must offer the " +
                        "`override` scheme (a manager override)");
        if (!mentions(op, "\"403\":"))
          out.push_back(name + " needs a role above associate: it must document its 403");
      }
      break;
    }
  }
  return out;
}

TEST(OpenApi, ScannerReadsEveryLineOfPaths) {
  const Scan scan = scan_paths(kOpenApiYaml);
  for (const std::string& p : scan.problems) ADD_FAILURE() << p;
  EXPECT_FALSE(scan.operations.empty()) << "no operations found under `paths:` in " << kFile;
}

TEST(OpenApi, EveryRouteIsDocumented) {
  const Scan scan = scan_paths(kOpenApiYaml);
  for (const std::string& m : undocumented_routes(Api::routes(), scan.operations))
    ADD_FAILURE() << m;
}

TEST(OpenApi, EveryDocumentedOperationIsARoute) {
  const Scan scan = scan_paths(kOpenApiYaml);
  for (const std::string& m : stale_operations(Api::routes(), scan.operations)) ADD_FAILURE() << m;
}

TEST(OpenApi, OperationsStateTheirAccessAndMinimumRole) {
  const Scan scan = scan_paths(kOpenApiYaml);
  for (const Api::Route& r : Api::routes())
    if (const Operation* op = find_operation(scan.operations, r))
      for (const std::string& m : access_problems(r, *op)) ADD_FAILURE() << m;
}

// The checks themselves, on a small document: they must notice a route that is missing, an
// operation that is stale, and a role that is not stated, and must not read keys nested inside
// a description or outside `paths:`.
TEST(OpenApi, ChecksCatchMissingStaleAndRolelessOperations) {
  constexpr std::string_view kYaml = R"(openapi: 3.0.3
paths:
  # a comment
  /api/v1/things:
    parameters:
      - {name: q, in: query}
    get:
      description: |
        Minimum role:
        `associate`. Not operations:
          /api/v1/nested:
            delete:
      security:
        - deviceToken: []
          session: []

  "/api/v1/things/{id}":
    post:
      description: Nothing about roles.
      security:
        - deviceToken: []
          session: []
  /api/v1/gone:
    put:
      summary: stale
components:
  /api/v1/later:
    get:
      summary: not a path
)";
  const Scan scan = scan_paths(kYaml);
  EXPECT_TRUE(scan.problems.empty()) << scan.problems.front();
  ASSERT_EQ(scan.operations.size(), 3u);
  EXPECT_EQ(scan.operations[0].path, "/api/v1/things");
  EXPECT_EQ(scan.operations[0].method, "get");
  EXPECT_EQ(scan.operations[0].line, 7);
  EXPECT_EQ(scan.operations[1].path, "/api/v1/things/{id}");

  const std::vector<Api::Route> routes = {
      {verb::get, "/api/v1/things", Api::Access::session, auth::Role::associate, nullptr},
      {verb::delete_, "/api/v1/things", Api::Access::session, auth::Role::associate, nullptr},
      {verb::post, "/api/v1/things/{id}", Api::Access::session, auth::Role::lead, nullptr},
  };
  const auto missing = undocumented_routes(routes, scan.operations);
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_NE(missing[0].find("DELETE /api/v1/things "), std::string::npos) << missing[0];

  const auto stale = stale_operations(routes, scan.operations);
  ASSERT_EQ(stale.size(), 1u);
  EXPECT_NE(stale[0].find("PUT /api/v1/gone"), std::string::npos) << stale[0];

  EXPECT_TRUE(access_problems(routes[0], scan.operations[0]).empty());
  const auto roleless = access_problems(routes[2], scan.operations[1]);
  ASSERT_EQ(roleless.size(), 3u);  // no sentence, no override scheme, no 403
  EXPECT_NE(roleless[0].find("Minimum role: `lead`"), std::string::npos) << roleless[0];
}

TEST(OpenApi, ScannerReportsWhatItCannotRead) {
  const Scan scan = scan_paths("paths:\n  api/v1/no-slash:\n    get:\n   odd: 3\n");
  EXPECT_EQ(scan.problems.size(), 3u);  // the key, the operation outside a path, the indentation
  EXPECT_FALSE(scan_paths("openapi: 3.0.3\n").problems.empty());
}

}  // namespace
}  // namespace storeedge::api
