// LD_PRELOAD shim that makes FaultVfs the default SQLite VFS inside a real storeedged process,
// so black-box tests can make its disk full or its fsyncs fail. Commands come from the file
// named by $STOREEDGE_FAULT_CONTROL, one per line ("disk_full 1", "disk_full 0",
// "fail_sync N", "fail_write N", "sticky 1", "reset"); after applying a new version of the file
// the shim writes its content to FILE.ack, so a test knows the fault is armed before it acts.
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "support/fault_vfs.h"

namespace {

using storeedge::testing::FaultVfs;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void apply_commands(FaultVfs& vfs, const std::string& commands) {
  std::istringstream lines(commands);
  std::string verb;
  long arg = 0;
  while (lines >> verb) {
    if (verb == "reset") {
      vfs.reset();
      continue;
    }
    lines >> arg;
    if (verb == "disk_full")
      vfs.set_disk_full(arg != 0);
    else if (verb == "fail_sync")
      vfs.fail_nth_sync(static_cast<int>(arg));
    else if (verb == "fail_write")
      vfs.fail_nth_write(static_cast<int>(arg));
    else if (verb == "sticky")
      vfs.set_sticky(arg != 0);
  }
}

struct Shim {
  Shim() {
    const char* control = std::getenv("STOREEDGE_FAULT_CONTROL");
    if (!control) return;
    vfs = std::make_unique<FaultVfs>("storeedge-fault");
    sqlite3_vfs_register(sqlite3_vfs_find("storeedge-fault"), 1);
    path = control;
    poller = std::thread([this] {
      std::string last;
      while (!stop) {
        std::string now = slurp(path);
        if (now != last) {
          apply_commands(*vfs, now);
          last = now;
          std::ofstream(path + ".ack", std::ios::trunc) << now;
        }
        // Test-only polling; 2 ms keeps arming latency well below any test's patience.
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
  }
  ~Shim() {
    stop = true;
    if (poller.joinable()) poller.join();
    // The VFS stays registered: SQLite may still close files at exit.
    (void)vfs.release();
  }
  std::unique_ptr<FaultVfs> vfs;
  std::string path;
  std::atomic<bool> stop{false};
  std::thread poller;
};

Shim shim;

}  // namespace
