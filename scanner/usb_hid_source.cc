#include "scanner/usb_hid_source.h"

#include <libusb.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace storeedge::scanner {

namespace {

namespace asio = boost::asio;

constexpr std::uint8_t kHidClass = 0x03;
constexpr std::uint8_t kHidDescriptorType = 0x21;
constexpr std::uint8_t kReportDescriptorType = 0x22;
constexpr std::uint8_t kHidSetReport = 0x09;
// bmRequestType: host-to-device, class, interface; device-to-host, standard, interface.
constexpr std::uint8_t kSetReportRequestType = 0x21;
constexpr std::uint8_t kGetInterfaceDescriptorRequestType = 0x81;

Error usb_error(int code, const std::string& what) {
  const std::string message = what + ": " + libusb_error_name(code);
  switch (code) {
    case LIBUSB_ERROR_NO_DEVICE:
    case LIBUSB_ERROR_NOT_FOUND:
      return make_error("device_gone", message);
    case LIBUSB_ERROR_BUSY:
      return make_error("device_busy", message);
    default:
      return make_error("device_io", message);
  }
}

// A finished interrupt transfer, as the event thread hands it to the loop.
struct Completion {
  int status = LIBUSB_TRANSFER_ERROR;
  std::vector<std::uint8_t> bytes;
};

using CompletionChannel = asio::experimental::channel<void(boost::system::error_code, Completion)>;

// Loop-side state that outlives the source while a posted completion or a suspended
// next_event() may still look at it.
struct Inbox {
  explicit Inbox(const asio::any_io_executor& ex) : channel(ex, 1) {}
  CompletionChannel channel;
  bool released = false;
};

struct Candidate {
  int interface_number = -1;
  std::uint8_t in_endpoint = 0;
  std::uint16_t in_packet = 0;
  std::size_t report_descriptor_bytes = kMaxReportDescriptorBytes;
};

std::vector<Candidate> hid_interfaces(const libusb_config_descriptor& config,
                                      std::optional<int> wanted) {
  std::vector<Candidate> out;
  for (int i = 0; i < config.bNumInterfaces; ++i) {
    const libusb_interface& itf = config.interface[i];
    if (itf.num_altsetting < 1) continue;
    const libusb_interface_descriptor& alt = itf.altsetting[0];
    if (alt.bInterfaceClass != kHidClass) continue;
    if (wanted && alt.bInterfaceNumber != *wanted) continue;
    Candidate c;
    c.interface_number = alt.bInterfaceNumber;
    for (int e = 0; e < alt.bNumEndpoints; ++e) {
      const libusb_endpoint_descriptor& ep = alt.endpoint[e];
      if ((ep.bmAttributes & 0x03) == LIBUSB_TRANSFER_TYPE_INTERRUPT &&
          (ep.bEndpointAddress & LIBUSB_ENDPOINT_IN) && c.in_endpoint == 0) {
        c.in_endpoint = ep.bEndpointAddress;
        c.in_packet = ep.wMaxPacketSize;
      }
    }
    // The HID class descriptor names the report descriptor's length.
    for (int k = 0; k + 9 <= alt.extra_length; k += std::max<int>(alt.extra[k], 1)) {
      if (alt.extra[k + 1] == kHidDescriptorType && alt.extra[k] >= 9 &&
          alt.extra[k + 6] == kReportDescriptorType) {
        const std::size_t n = alt.extra[k + 7] | (alt.extra[k + 8] << 8);
        if (n > 0 && n <= kMaxReportDescriptorBytes) c.report_descriptor_bytes = n;
        break;
      }
    }
    if (c.in_endpoint != 0) out.push_back(c);
  }
  return out;
}

class UsbHidSource final : public ScanSource {
 public:
  UsbHidSource(asio::any_io_executor ex, UsbHidOptions options)
      : ex_(ex), options_(std::move(options)), inbox_(std::make_shared<Inbox>(ex)) {}
  ~UsbHidSource() override { release(); }

  Result<void> open() override {
    if (handle_) return {};
    // A fresh inbox per session: a completion of the last session still on its way to the loop
    // goes to the old one and is dropped there.
    if (inbox_->released) inbox_ = std::make_shared<Inbox>(ex_);
    if (int r = libusb_init(&ctx_); r < 0) {
      ctx_ = nullptr;
      return usb_error(r, "libusb_init");
    }
    auto opened = open_device();
    if (opened) opened = choose_interface();
    if (!opened) close_all();
    return opened;
  }

  Result<void> claim() override {
    if (!handle_) return make_error("device_io", "claim before open");
    if (claimed_) return {};
    libusb_set_auto_detach_kernel_driver(handle_, options_.auto_detach ? 1 : 0);
    if (int r = libusb_claim_interface(handle_, chosen_.interface_number); r < 0)
      return usb_error(r, "claim interface " + std::to_string(chosen_.interface_number));
    claimed_ = true;
    transfer_ = libusb_alloc_transfer(0);
    if (!transfer_) return make_error("device_io", "cannot allocate a transfer");
    buffer_.assign(std::max<std::size_t>(
                       {chosen_.in_packet, descriptor_.max_input_report_bytes, std::size_t{1}}),
                   0);
    stop_ = false;
    events_ = std::thread([this] { handle_events(); });
    return {};
  }

  Result<void> enable() override {
    if (!claimed_) return make_error("device_io", "enable before claim");
    if (!should_send_enable(options_.hid_pos, descriptor_)) return {};
    std::vector<std::uint8_t> report = options_.hid_pos.enable_report;
    const std::uint16_t type =
        options_.hid_pos.enable_kind == EnableReportKind::feature ? 0x03 : 0x02;
    const int r = libusb_control_transfer(handle_, kSetReportRequestType, kHidSetReport,
                                          static_cast<std::uint16_t>((type << 8) | report.front()),
                                          static_cast<std::uint16_t>(chosen_.interface_number),
                                          report.data(), static_cast<std::uint16_t>(report.size()),
                                          static_cast<unsigned>(options_.control_timeout.count()));
    if (r < 0) return usb_error(r, "enable report");
    return {};
  }

  asio::awaitable<Result<ScanEvent>> next_event() override {
    const std::shared_ptr<Inbox> inbox = inbox_;  // `this` may be gone once released
    for (;;) {
      if (inbox->released || !claimed_) co_return make_error("released", "released");
      if (auto submitted = submit(); !submitted) co_return gone_or(submitted.error());
      auto [ec, done] = co_await inbox->channel.async_receive(asio::as_tuple(asio::use_awaitable));
      if (inbox->released || ec)
        co_return make_error("released", "released while waiting for a scan");
      switch (done.status) {
        case LIBUSB_TRANSFER_COMPLETED:
          if (auto ev = assembler_->feed(done.bytes)) co_return std::move(*ev);
          continue;
        case LIBUSB_TRANSFER_NO_DEVICE:
          co_return gone("the device was unplugged");
        case LIBUSB_TRANSFER_CANCELLED:
          co_return make_error("released", "the transfer was cancelled");
        case LIBUSB_TRANSFER_TIMED_OUT:
          continue;
        default:
          co_return make_error(
              "device_io", std::string("interrupt transfer: ") + libusb_error_name(done.status));
      }
    }
  }

  void release() override {
    inbox_->released = true;
    if (transfer_) {
      std::unique_lock lock(mutex_);
      if (in_flight_ && libusb_cancel_transfer(transfer_) == 0) {
        // Bounded: if the cancellation never completes, closing the handle below makes the
        // kernel kill the URB, after which the transfer may be freed.
        cancelled_.wait_for(lock, options_.cancel_timeout, [this] { return !in_flight_; });
      }
    }
    if (events_.joinable()) {
      stop_ = true;
      libusb_interrupt_event_handler(ctx_);
      events_.join();
    }
    inbox_->channel.cancel();
    close_all();
  }

  std::string describe() const override {
    std::string out = "usb " + place();
    if (chosen_.interface_number >= 0)
      out += ", interface " + std::to_string(chosen_.interface_number) + ", report " +
             std::to_string(descriptor_.scanned_data.report_id);
    return out;
  }

 private:
  std::string place() const {
    if (options_.port_path) {
      std::string s = std::to_string(options_.port_path->bus) + "-";
      for (std::size_t i = 0; i < options_.port_path->ports.size(); ++i)
        s += (i ? "." : "") + std::to_string(options_.port_path->ports[i]);
      return s;
    }
    return "bus " + std::to_string(options_.bus) + " address " +
           (options_.address ? std::to_string(*options_.address) : std::string("?"));
  }

  bool matches(libusb_device* dev) const {
    if (options_.port_path) {
      std::uint8_t ports[8];
      const int n = libusb_get_port_numbers(dev, ports, sizeof ports);
      return libusb_get_bus_number(dev) == options_.port_path->bus && n > 0 &&
             std::vector<std::uint8_t>(ports, ports + n) == options_.port_path->ports;
    }
    return libusb_get_bus_number(dev) == options_.bus && options_.address &&
           libusb_get_device_address(dev) == *options_.address;
  }

  Result<void> open_device() {
    libusb_device** list = nullptr;
    const ssize_t n = libusb_get_device_list(ctx_, &list);
    if (n < 0) return usb_error(static_cast<int>(n), "list USB devices");
    libusb_device* found = nullptr;
    for (ssize_t i = 0; i < n && !found; ++i)
      if (matches(list[i])) found = list[i];
    Result<void> result;
    if (!found) {
      result = make_error("device_gone", "no USB device at " + place());
    } else {
      libusb_device_descriptor dd{};
      libusb_get_device_descriptor(found, &dd);
      char ids[16];
      std::snprintf(ids, sizeof ids, "%04x:%04x", dd.idVendor, dd.idProduct);
      ids_ = ids;
      if ((options_.vendor_id && dd.idVendor != *options_.vendor_id) ||
          (options_.product_id && dd.idProduct != *options_.product_id)) {
        result = make_error("device_gone",
                            "found " + ids_ + " at " + place() + ", not the configured device");
      } else if (int r = libusb_open(found, &handle_); r < 0) {
        handle_ = nullptr;
        result = usb_error(r, "open " + ids_ + " at " + place());
      }
    }
    libusb_free_device_list(list, 1);
    return result;
  }

  // Reads the report descriptor of each HID interface (under a short claim: the kernel refuses
  // class requests to an interface its driver holds) and keeps the first HID POS one.
  Result<void> choose_interface() {
    libusb_config_descriptor* config = nullptr;
    if (int r = libusb_get_active_config_descriptor(libusb_get_device(handle_), &config); r < 0)
      return usb_error(r, "configuration descriptor");
    const auto candidates = hid_interfaces(*config, options_.interface_number);
    libusb_free_config_descriptor(config);
    Error last = make_error("not_a_scanner", ids_ + " has no HID interface with an IN endpoint");
    libusb_set_auto_detach_kernel_driver(handle_, options_.auto_detach ? 1 : 0);
    for (const Candidate& c : candidates) {
      auto descriptor = read_report_descriptor(c);
      if (!descriptor) {
        if (descriptor.error().code != "not_a_scanner") return descriptor.error();
        last = descriptor.error();
        continue;
      }
      chosen_ = c;
      descriptor_ = std::move(*descriptor);
      assembler_.emplace(descriptor_.scanned_data);
      return {};
    }
    return last;
  }

  Result<HidPosDescriptor> read_report_descriptor(const Candidate& c) {
    if (int r = libusb_claim_interface(handle_, c.interface_number); r < 0)
      return usb_error(r, "claim interface " + std::to_string(c.interface_number));
    std::vector<std::uint8_t> bytes(c.report_descriptor_bytes);
    const int r = libusb_control_transfer(handle_, kGetInterfaceDescriptorRequestType,
                                          LIBUSB_REQUEST_GET_DESCRIPTOR, kReportDescriptorType << 8,
                                          static_cast<std::uint16_t>(c.interface_number),
                                          bytes.data(), static_cast<std::uint16_t>(bytes.size()),
                                          static_cast<unsigned>(options_.control_timeout.count()));
    libusb_release_interface(handle_, c.interface_number);
    if (r < 0)
      return usb_error(r, "report descriptor of interface " + std::to_string(c.interface_number));
    bytes.resize(static_cast<std::size_t>(r));
    return find_hid_pos(bytes);
  }

  Result<void> submit() {
    std::lock_guard lock(mutex_);
    if (in_flight_) return {};
    libusb_fill_interrupt_transfer(transfer_, handle_, chosen_.in_endpoint, buffer_.data(),
                                   static_cast<int>(buffer_.size()), &UsbHidSource::on_transfer,
                                   this, 0);
    if (int r = libusb_submit_transfer(transfer_); r < 0)
      return usb_error(r, "submit interrupt transfer");
    in_flight_ = true;
    return {};
  }

  // On the event thread. Posts the result to the loop; the source outlives this call because
  // release() joins the event thread before anything is freed. The transfer is marked free
  // before the post: the loop resubmits it as soon as it sees the completion.
  static void LIBUSB_CALL on_transfer(libusb_transfer* t) {
    auto* self = static_cast<UsbHidSource*>(t->user_data);
    Completion done{t->status, std::vector<std::uint8_t>(t->buffer, t->buffer + t->actual_length)};
    {
      std::lock_guard lock(self->mutex_);
      self->in_flight_ = false;
    }
    self->cancelled_.notify_all();
    std::weak_ptr<Inbox> inbox = self->inbox_;
    asio::post(self->ex_, [inbox, done = std::move(done)]() mutable {
      if (auto in = inbox.lock(); in && !in->released)
        in->channel.try_send(boost::system::error_code{}, std::move(done));
    });
  }

  void handle_events() {
    while (!stop_) {
      timeval tv{1, 0};  // libusb_interrupt_event_handler wakes it sooner
      libusb_handle_events_timeout_completed(ctx_, &tv, nullptr);
    }
  }

  Error gone(const std::string& why) {
    const std::size_t dropped = assembler_ ? assembler_->drop_partial() : 0;
    std::string message = ids_ + " at " + place() + ": " + why;
    if (dropped > 0)
      message += "; dropped a scan in progress of " + std::to_string(dropped) + " bytes";
    return make_error("device_gone", message);
  }

  Error gone_or(const Error& e) { return e.code == "device_gone" ? gone(e.message) : e; }

  void close_all() {
    if (claimed_) {
      libusb_release_interface(handle_, chosen_.interface_number);  // re-attaches if detached
      claimed_ = false;
    }
    if (handle_) {
      libusb_close(handle_);
      handle_ = nullptr;
    }
    if (transfer_) {
      libusb_free_transfer(transfer_);
      transfer_ = nullptr;
      in_flight_ = false;
    }
    if (ctx_) {
      libusb_exit(ctx_);
      ctx_ = nullptr;
    }
  }

  asio::any_io_executor ex_;
  UsbHidOptions options_;
  std::shared_ptr<Inbox> inbox_;
  libusb_context* ctx_ = nullptr;
  libusb_device_handle* handle_ = nullptr;
  std::string ids_ = "USB device";
  Candidate chosen_;
  HidPosDescriptor descriptor_;
  std::optional<HidPosAssembler> assembler_;
  bool claimed_ = false;
  libusb_transfer* transfer_ = nullptr;
  std::vector<std::uint8_t> buffer_;
  std::mutex mutex_;  // in_flight_, between the loop and the event thread
  std::condition_variable cancelled_;
  bool in_flight_ = false;
  std::thread events_;
  std::atomic<bool> stop_ = false;
};

}  // namespace

Result<UsbPortPath> parse_usb_port_path(std::string_view text) {
  auto bad = [&] {
    return make_error("bad_port_path", "not a USB port path: " + std::string(text));
  };
  UsbPortPath out;
  const auto dash = text.find('-');
  if (dash == std::string_view::npos || dash == 0) return bad();
  auto number = [](std::string_view s, int max) -> std::optional<std::uint8_t> {
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v < 1 || v > max) return std::nullopt;
    return static_cast<std::uint8_t>(v);
  };
  auto bus = number(text.substr(0, dash), 255);
  if (!bus) return bad();
  out.bus = *bus;
  std::string_view rest = text.substr(dash + 1);
  while (true) {
    const auto dot = rest.find('.');
    auto port = number(rest.substr(0, dot), 255);
    if (!port || out.ports.size() >= 7) return bad();
    out.ports.push_back(*port);
    if (dot == std::string_view::npos) break;
    rest = rest.substr(dot + 1);
  }
  return out;
}

std::unique_ptr<ScanSource> make_usb_hid_source(boost::asio::any_io_executor ex,
                                                UsbHidOptions options) {
  return std::make_unique<UsbHidSource>(std::move(ex), std::move(options));
}

}  // namespace storeedge::scanner
