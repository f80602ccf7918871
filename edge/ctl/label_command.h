// storeedgectl label render: one label of a kind, from built-in sample data with a few fields
// overridden by flags, rendered to ZPL, PDF or PNG — test prints for operators, and for tests.
// Needs no database and no running daemon.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace storeedge::ctl {

// The flags `label render` takes (storeedgectl's check_flags table).
std::vector<std::string> label_render_flags();

// Renders per `flags` (kind, format, dpi, page, out, and the sample overrides) to `out`, or to
// the file named by --out. Returns the exit code: 0 done, 1 the label or its rendering failed
// (the error on `err`), 2 a usage error.
int run_label_render(const std::map<std::string, std::string>& flags, std::ostream& out,
                     std::ostream& err);

}  // namespace storeedge::ctl
