// The usbfs side of an emulated HID POS scanner: see usbfs_scanner.h.
#include "umockdev/usbfs_scanner.h"

#include <linux/ioctl.h>
#include <linux/usbdevice_fs.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>

namespace storeedge::testing {

namespace {

constexpr std::uint8_t kInterruptIn = 0x81;
constexpr std::size_t kSetupBytes = 8;

struct Setup {
  std::uint8_t request_type = 0;
  std::uint8_t request = 0;
  std::uint16_t value = 0;
  std::uint16_t index = 0;
  std::uint16_t length = 0;
};

Setup read_setup(const std::uint8_t* b) {
  return {b[0], b[1], static_cast<std::uint16_t>(b[2] | b[3] << 8),
          static_cast<std::uint16_t>(b[4] | b[5] << 8),
          static_cast<std::uint16_t>(b[6] | b[7] << 8)};
}

// The ioctl argument resolved as `len` bytes of the client's memory; nullptr when unreadable.
UMockdevIoctlData* resolve(UMockdevIoctlData* arg, std::size_t offset, std::size_t len) {
  GError* error = nullptr;
  UMockdevIoctlData* data = umockdev_ioctl_data_resolve(arg, offset, len, &error);
  if (error) g_error_free(error);
  return data;
}

}  // namespace

// One URB as submitted: the client's struct and buffer (resolved, so writing them here reaches
// libusb when the reap completes), and how it completes.
struct UsbfsScanner::Urb {
  UMockdevIoctlData* urb = nullptr;
  UMockdevIoctlData* buffer = nullptr;
  int status = 0;
  std::vector<std::uint8_t> payload;  // after the setup packet for a control URB
  int actual = 0;                     // the length usbfs reports (without the setup packet)
  bool control = false;
  ~Urb() {
    if (buffer) g_object_unref(buffer);
    if (urb) g_object_unref(urb);
  }
  usbdevfs_urb* fields() { return reinterpret_cast<usbdevfs_urb*>(urb->data); }
};

UsbfsScanner::UsbfsScanner(Options options) : options_(std::move(options)) {
  state_.kernel_driver_bound = options_.kernel_driver_bound;
}

UsbfsScanner::~UsbfsScanner() {
  if (handler_) {
    g_signal_handler_disconnect(handler_, signal_);
    g_object_unref(handler_);
  }
  std::lock_guard lock(mutex_);
  for (Urb* u : done_) delete u;
  delete interrupt_;
}

bool UsbfsScanner::attach(UMockdevTestbed* bed, const std::string& devnode, std::string& why) {
  handler_ = umockdev_ioctl_base_new();
  signal_ = g_signal_connect(handler_, "handle-ioctl", G_CALLBACK(&UsbfsScanner::on_ioctl), this);
  GError* error = nullptr;
  if (!umockdev_testbed_attach_ioctl(bed, devnode.c_str(), handler_, &error)) {
    why = error ? error->message : "attach_ioctl failed";
    if (error) g_error_free(error);
    return false;
  }
  return true;
}

void UsbfsScanner::queue_report(std::vector<std::uint8_t> report) {
  std::lock_guard lock(mutex_);
  reports_.push_back(std::move(report));
  state_.reports_waiting = reports_.size();
  changed_.notify_all();
}

void UsbfsScanner::unplug() {
  std::lock_guard lock(mutex_);
  unplugged_ = true;
  changed_.notify_all();
}

UsbfsScanner::State UsbfsScanner::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

bool UsbfsScanner::wait_until(const std::function<bool(const State&)>& done,
                              std::chrono::milliseconds deadline) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, deadline, [&] { return done(state_); });
}

gboolean UsbfsScanner::on_ioctl(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer self) {
  auto* scanner = static_cast<UsbfsScanner*>(self);
  std::lock_guard lock(scanner->mutex_);
  const bool handled = scanner->handle(client);
  scanner->changed_.notify_all();
  return handled;
}

bool UsbfsScanner::handle(UMockdevIoctlClient* client) {
  const unsigned long request = umockdev_ioctl_client_get_request(client);
  UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
  if (unplugged_ && request != USBDEVFS_REAPURB && request != USBDEVFS_REAPURBNDELAY &&
      request != USBDEVFS_DISCARDURB) {
    umockdev_ioctl_client_complete(client, -1, ENODEV);
    return true;
  }
  switch (request) {
    case USBDEVFS_GET_CAPABILITIES: {
      UMockdevIoctlData* caps = resolve(arg, 0, sizeof(std::uint32_t));
      if (!caps) return false;
      const std::uint32_t value = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |
                                  USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
                                  USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
      std::memcpy(caps->data, &value, sizeof value);
      umockdev_ioctl_client_complete(client, 0, 0);
      g_object_unref(caps);
      return true;
    }
    case USBDEVFS_CLAIMINTERFACE:
      if (state_.kernel_driver_bound) {
        umockdev_ioctl_client_complete(client, -1, EBUSY);
      } else {
        state_.claimed = true;
        umockdev_ioctl_client_complete(client, 0, 0);
      }
      return true;
    case USBDEVFS_RELEASEINTERFACE:
      state_.claimed = false;
      umockdev_ioctl_client_complete(client, 0, 0);
      return true;
    case USBDEVFS_DISCONNECT_CLAIM: {
      UMockdevIoctlData* dc = resolve(arg, 0, sizeof(usbdevfs_disconnect_claim));
      if (!dc) return false;
      const auto* request_fields = reinterpret_cast<usbdevfs_disconnect_claim*>(dc->data);
      // libusb asks to detach any driver except usbfs: usbhid goes, then usbfs claims.
      if ((request_fields->flags & USBDEVFS_DISCONNECT_CLAIM_EXCEPT_DRIVER) &&
          state_.kernel_driver_bound) {
        state_.kernel_driver_bound = false;
        ++state_.kernel_driver_detaches;
      }
      state_.claimed = !state_.kernel_driver_bound;
      umockdev_ioctl_client_complete(client, state_.claimed ? 0 : -1, state_.claimed ? 0 : EBUSY);
      g_object_unref(dc);
      return true;
    }
    case USBDEVFS_GETDRIVER:
      umockdev_ioctl_client_complete(client, -1, ENODATA);
      return true;
    case USBDEVFS_IOCTL: {
      // USBDEVFS_CONNECT: libusb re-attaches the kernel driver after releasing the interface.
      UMockdevIoctlData* call = resolve(arg, 0, sizeof(usbdevfs_ioctl));
      if (!call) return false;
      const int code = reinterpret_cast<usbdevfs_ioctl*>(call->data)->ioctl_code;
      g_object_unref(call);
      if (code == static_cast<int>(USBDEVFS_CONNECT) && !state_.claimed) {
        state_.kernel_driver_bound = true;
        umockdev_ioctl_client_complete(client, 0, 0);
      } else if (code == static_cast<int>(USBDEVFS_DISCONNECT) && state_.kernel_driver_bound) {
        state_.kernel_driver_bound = false;
        ++state_.kernel_driver_detaches;
        umockdev_ioctl_client_complete(client, 0, 0);
      } else {
        umockdev_ioctl_client_complete(client, -1, ENODATA);
      }
      return true;
    }
    case USBDEVFS_SUBMITURB:
      return submit(client);
    case USBDEVFS_REAPURB:
    case USBDEVFS_REAPURBNDELAY:
      return reap(client);
    case USBDEVFS_DISCARDURB:
      return discard(client);
    default:
      char name[32];
      std::snprintf(name, sizeof name, "ioctl 0x%lx", request);
      state_.unexpected.push_back(name);
      return false;
  }
}

bool UsbfsScanner::submit(UMockdevIoctlClient* client) {
  UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
  auto urb = std::make_unique<Urb>();
  urb->urb = resolve(arg, 0, sizeof(usbdevfs_urb));
  if (!urb->urb) return false;
  const usbdevfs_urb* f = urb->fields();
  if (f->buffer_length < 0) return false;
  urb->buffer =
      resolve(urb->urb, offsetof(usbdevfs_urb, buffer), static_cast<std::size_t>(f->buffer_length));
  if (!urb->buffer) return false;

  if (f->type == USBDEVFS_URB_TYPE_CONTROL && f->endpoint == 0 &&
      static_cast<std::size_t>(f->buffer_length) >= kSetupBytes) {
    urb->control = true;
    answer_control(*urb);
    done_.push_back(urb.release());
  } else if (f->type == USBDEVFS_URB_TYPE_INTERRUPT && f->endpoint == kInterruptIn &&
             state_.claimed && !interrupt_) {
    ++state_.interrupt_submits;
    state_.interrupt_in_flight = true;
    interrupt_ = urb.release();
    complete_interrupt_if_ready();
  } else {
    state_.unexpected.push_back("URB type " + std::to_string(f->type) + " endpoint " +
                                std::to_string(f->endpoint));
    umockdev_ioctl_client_complete(client, -1, EINVAL);
    return true;
  }
  umockdev_ioctl_client_complete(client, 0, 0);
  return true;
}

// The scanner's side of the control transfers the source makes.
void UsbfsScanner::answer_control(Urb& urb) {
  const auto* bytes = urb.buffer->data;
  const Setup setup = read_setup(bytes);
  const std::size_t room = static_cast<std::size_t>(urb.fields()->buffer_length) - kSetupBytes;
  if (setup.request_type == 0x81 && setup.request == 0x06 && setup.value == 0x2200 &&
      setup.index == 0) {  // GET_DESCRIPTOR(Report) of interface 0
    const auto& d = options_.report_descriptor;
    const std::size_t n = std::min<std::size_t>({d.size(), setup.length, room});
    urb.payload.assign(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(n));
    urb.actual = static_cast<int>(n);
  } else if (setup.request_type == 0x21 && setup.request == 0x09 && options_.accept_set_report &&
             setup.length <= room) {  // SET_REPORT
    state_.set_reports.push_back(
        {setup.value, setup.index,
         std::vector<std::uint8_t>(bytes + kSetupBytes, bytes + kSetupBytes + setup.length)});
    urb.actual = setup.length;
  } else {
    urb.status = -EPIPE;  // the device stalls what it does not know
  }
}

void UsbfsScanner::complete_interrupt_if_ready() {
  if (!interrupt_) return;
  if (unplugged_) {
    interrupt_->status = -ENODEV;
  } else if (!reports_.empty()) {
    interrupt_->payload = std::move(reports_.front());
    interrupt_->actual = static_cast<int>(interrupt_->payload.size());
    reports_.pop_front();
    state_.reports_waiting = reports_.size();
  } else {
    return;
  }
  done_.push_back(interrupt_);
  interrupt_ = nullptr;
  state_.interrupt_in_flight = false;
}

bool UsbfsScanner::reap(UMockdevIoctlClient* client) {
  ++state_.reaps;
  complete_interrupt_if_ready();
  if (done_.empty()) {
    umockdev_ioctl_client_complete(client, -1, unplugged_ ? ENODEV : EAGAIN);
    return true;
  }
  std::unique_ptr<Urb> urb(done_.front());
  done_.pop_front();
  usbdevfs_urb* f = urb->fields();
  const std::size_t offset = urb->control ? kSetupBytes : 0;
  const std::size_t room = static_cast<std::size_t>(f->buffer_length) - offset;
  if (!urb->payload.empty())
    std::memcpy(urb->buffer->data + offset, urb->payload.data(),
                std::min(room, urb->payload.size()));
  f->status = urb->status;
  f->actual_length = urb->status == 0 ? std::min(urb->actual, static_cast<int>(room)) : 0;
  UMockdevIoctlData* out = resolve(umockdev_ioctl_client_get_arg(client), 0, sizeof(void*));
  if (!out) return false;
  umockdev_ioctl_data_set_ptr(out, 0, urb->urb);
  umockdev_ioctl_client_complete(client, 0, 0);
  g_object_unref(out);
  return true;
}

bool UsbfsScanner::discard(UMockdevIoctlClient* client) {
  UMockdevIoctlData* arg = umockdev_ioctl_client_get_arg(client);
  const auto address = reinterpret_cast<gulong>(*reinterpret_cast<void**>(arg->data));
  if (interrupt_ && interrupt_->urb->client_addr == address) {
    ++state_.discards;
    interrupt_->status = -ENOENT;
    done_.push_back(interrupt_);
    interrupt_ = nullptr;
    state_.interrupt_in_flight = false;
    umockdev_ioctl_client_complete(client, 0, 0);
  } else {
    umockdev_ioctl_client_complete(client, -1, EINVAL);
  }
  return true;
}

}  // namespace storeedge::testing
