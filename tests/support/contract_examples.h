// The OMS contract's example messages (../shared/oms-contract/examples), parsed: the test
// target defines STOREEDGE_CONTRACT_EXAMPLES as that directory.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <fstream>
#include <sstream>
#include <string>

namespace storeedge::testing {

// The example `file` (e.g. "down.allocation.created.json") as a JSON object.
inline boost::json::object contract_example(const std::string& file) {
  std::ifstream in(std::string(STOREEDGE_CONTRACT_EXAMPLES) + "/" + file);
  std::ostringstream ss;
  ss << in.rdbuf();
  return boost::json::parse(ss.str()).as_object();
}

}  // namespace storeedge::testing
