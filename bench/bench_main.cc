#include "bench/bench_main.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <system_error>
#include <thread>

#include "bench/bench_support.h"

namespace storeedge::bench {

namespace fs = std::filesystem;

bool read_options(
    int argc, char** argv,
    const std::function<bool(const std::string& name, const std::string& value)>& set) {
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (name == "--help" || i + 1 >= argc) return false;
    const std::string value = argv[++i];
    try {
      if (!set(name, value)) return false;
    } catch (const std::exception&) {
      return false;
    }
  }
  return true;
}

int storeedged_bench_main(const char* bench, const char* usage, std::string& storeedged,
                          std::string& storeedgectl, const std::function<int()>& run) {
  std::error_code ec;
  const fs::path here = fs::canonical("/proc/self/exe", ec).parent_path();
  if (storeedged.empty()) storeedged = (here / ".." / "edge" / "storeedged").lexically_normal();
  if (storeedgectl.empty())
    storeedgectl = (here / ".." / "edge" / "storeedgectl").lexically_normal();
  for (const auto& exe : {storeedged, storeedgectl}) {
    if (access(exe.c_str(), X_OK) != 0) {
      std::fprintf(stderr, "%s: %s is not executable; build first, or pass its path\n%s", bench,
                   exe.c_str(), usage);
      return 2;
    }
  }
  install_signal_handlers();
  std::printf("%s: storeedged %s, SQLite %s, %u CPUs online\n", bench, storeedged.c_str(),
              sqlite3_libversion(), std::thread::hardware_concurrency());
  std::fflush(stdout);
  try {
    return run();
  } catch (const std::exception& e) {
    std::printf("FAILED: %s\n", e.what());
    return interrupted() ? 130 : 1;
  }
}

}  // namespace storeedge::bench
