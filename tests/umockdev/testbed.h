// An in-process umockdev testbed: emulated sysfs, udev and device nodes for this process and the
// programs it starts (they inherit $UMOCKDEV_DIR). The process must run with libumockdev-preload
// (umockdev-wrapper); see tests/umockdev/CMakeLists.txt. Test thread only.
#pragma once

#include <gtest/gtest.h>
#include <umockdev.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace storeedge::testing {

class Testbed {
 public:
  Testbed() : bed_(umockdev_testbed_new()) {
    gchar* root = umockdev_testbed_get_root_dir(bed_);
    scratch_ = std::filesystem::path(root) / "test-files";
    g_free(root);
    std::filesystem::create_directories(scratch_);
  }
  ~Testbed() { g_object_unref(bed_); }  // removes its temp dir, with scratch_
  Testbed(const Testbed&) = delete;
  Testbed& operator=(const Testbed&) = delete;

  UMockdevTestbed* get() { return bed_; }

  void add_from_file(const std::string& path) {
    GError* error = nullptr;
    ASSERT_TRUE(umockdev_testbed_add_from_file(bed_, path.c_str(), &error))
        << (error ? error->message : "");
  }

  std::string write_file(const std::string& name, const std::string& text) {
    const auto path = scratch_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }

  void load_ioctl(const std::string& dev, const std::string& file) {
    GError* error = nullptr;
    ASSERT_TRUE(umockdev_testbed_load_ioctl(bed_, dev.c_str(), file.c_str(), &error))
        << (error ? error->message : "");
  }

  // A uevent ("add", "remove", "change") as udev would send it, built from the device's sysfs
  // directory: a removal must be sent before remove_device().
  void uevent(const std::string& syspath, const char* action) {
    umockdev_testbed_uevent(bed_, syspath.c_str(), action);
  }

  // Removes the device and its children from sysfs and /dev (sends no uevent).
  void remove_device(const std::string& syspath) {
    umockdev_testbed_remove_device(bed_, syspath.c_str());
  }

  // The other end of an emulated device node: what is written there, the node's reader reads.
  int device_fd(const std::string& devnode) {
    return umockdev_testbed_get_dev_fd(bed_, devnode.c_str());
  }

  void load_script(const std::string& dev, const std::string& file) {
    GError* error = nullptr;
    ASSERT_TRUE(umockdev_testbed_load_script(bed_, dev.c_str(), file.c_str(), &error))
        << (error ? error->message : "");
  }

 private:
  UMockdevTestbed* bed_;
  std::filesystem::path scratch_;
};

}  // namespace storeedge::testing
