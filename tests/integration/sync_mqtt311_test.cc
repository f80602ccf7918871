// Black-box: against a broker that speaks only MQTT 3.1.1, the store's MQTT 5 connect is refused,
// it falls back to 3.1.1, syncs over it, and keeps its session across a kill -9.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>

#include "integration/sync_fixture.h"

namespace storeedge::testing {
namespace {

// Emulates a 3.1.1-only broker in front of the real mosquitto: a CONNECT with protocol level 5
// gets the 3.1.1 refusal (CONNACK return code 1, "unacceptable protocol version", MQTT 3.1.1
// §3.2.2.3) and the connection closes; a level-4 connection is relayed to mosquitto byte for
// byte. One thread per connection; every wait also watches a stop pipe.
class Mqtt311Front {
 public:
  explicit Mqtt311Front(int upstream_port) : upstream_port_(upstream_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = loopback(0);
    socklen_t len = sizeof addr;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
        ::pipe2(stop_, O_CLOEXEC) != 0)
      throw std::runtime_error(std::string("3.1.1 front: ") + std::strerror(errno));
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~Mqtt311Front() {
    ::close(stop_[1]);  // every poll sees POLLHUP on the read end
    acceptor_.join();
    for (auto& t : connections_) t.join();  // only the acceptor added to them
    ::close(stop_[0]);
    ::close(listener_);
  }
  int port() const { return port_; }
  int refused_v5() const { return refused_v5_; }
  int relayed_v311() const { return relayed_v311_; }

 private:
  static sockaddr_in loopback(int port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
  }
  // Waits until `fd` is readable; false once stopping or after `timeout_ms` (-1: no deadline).
  bool readable(int fd, int timeout_ms = 10'000) const {
    pollfd fds[] = {{fd, POLLIN, 0}, {stop_[0], POLLIN, 0}};
    return ::poll(fds, 2, timeout_ms) > 0 && fds[1].revents == 0;
  }
  bool read_exact(int fd, unsigned char* out, size_t n) const {
    for (size_t got = 0; got < n;) {
      if (!readable(fd)) return false;
      const ssize_t r = ::read(fd, out + got, n - got);
      if (r <= 0) return false;
      got += static_cast<size_t>(r);
    }
    return true;
  }
  static bool write_all(int fd, const unsigned char* data, size_t n) {
    for (size_t sent = 0; sent < n;) {
      const ssize_t w = ::send(fd, data + sent, n - sent, MSG_NOSIGNAL);
      if (w <= 0) return false;
      sent += static_cast<size_t>(w);
    }
    return true;
  }
  void accept_loop() {
    while (readable(listener_, -1)) {
      const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) connections_.emplace_back([this, client] { serve(client); });
    }
  }
  // Reads the CONNECT (packet type, remaining-length varint, then the protocol name and level),
  // and refuses it or relays the connection.
  void serve(int client) {
    std::vector<unsigned char> connect(1);
    size_t remaining = 0;
    bool ok = read_exact(client, connect.data(), 1) && connect[0] == 0x10;
    for (int shift = 0; ok && shift <= 21; shift += 7) {
      unsigned char byte = 0;
      ok = read_exact(client, &byte, 1);
      connect.push_back(byte);
      remaining |= static_cast<size_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) break;
    }
    const size_t header = connect.size();
    ok = ok && !(connect.back() & 0x80) && remaining >= 7 && remaining <= 64 * 1024;
    if (ok) connect.resize(header + remaining);
    ok = ok && read_exact(client, connect.data() + header, remaining) &&
         std::memcmp(connect.data() + header, "\0\4MQTT", 6) == 0;
    const unsigned char level = ok ? connect[header + 6] : 0;
    if (level == 5) {
      ++refused_v5_;  // counted first: the client may be back before this thread runs on
      const unsigned char refusal[] = {0x20, 0x02, 0x00, 0x01};
      write_all(client, refusal, sizeof refusal);
    } else if (level == 4) {
      relay(client, connect);
    }
    ::close(client);
  }
  void relay(int client, const std::vector<unsigned char>& connect) {
    const int broker = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = loopback(upstream_port_);
    if (broker < 0 || ::connect(broker, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        !write_all(broker, connect.data(), connect.size())) {
      if (broker >= 0) ::close(broker);
      return;
    }
    ++relayed_v311_;
    unsigned char buf[16 * 1024];
    for (;;) {
      // No deadline here: a quiet MQTT connection is normal; keep-alives and stop end it.
      pollfd fds[] = {{client, POLLIN, 0}, {broker, POLLIN, 0}, {stop_[0], POLLIN, 0}};
      if (::poll(fds, 3, -1) <= 0 || fds[2].revents != 0) break;
      const int from = fds[0].revents ? client : broker;
      const ssize_t r = ::read(from, buf, sizeof buf);
      if (r <= 0 || !write_all(from == client ? broker : client, buf, static_cast<size_t>(r)))
        break;
    }
    ::close(broker);
  }

  int upstream_port_;
  int port_ = 0;
  int listener_ = -1;
  int stop_[2] = {-1, -1};
  std::thread acceptor_;
  std::vector<std::thread> connections_;
  std::atomic<int> refused_v5_{0};
  std::atomic<int> relayed_v311_{0};
};

class SyncMqtt311Test : public SyncTest {
 protected:
  void SetUp() override {
    SyncTest::SetUp();
    front_ = std::make_unique<Mqtt311Front>(broker_port_);
  }
  // The store, pointed at the front: a later --mqtt-uri overrides the fixture's.
  std::optional<boost::json::object> start_store_behind_front() {
    return start_store({"--mqtt-uri", "tcp://127.0.0.1:" + std::to_string(front_->port())});
  }
  // How often `needle` occurs in the daemon's log (restarts append to it).
  int logged(const std::string& needle) const {
    const std::string log = daemon_->log();
    int n = 0;
    for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) ++n;
    return n;
  }
  std::unique_ptr<Mqtt311Front> front_;  // destroyed (stopped and joined) with the test
};

TEST_F(SyncMqtt311Test, FallsBackToMqtt311AndSyncsOverIt) {
  ASSERT_TRUE(start_store_behind_front());
  EXPECT_GE(front_->refused_v5(), 1);
  EXPECT_GE(front_->relayed_v311(), 1);
  EXPECT_GE(logged("falling back to 3.1.1"), 1) << daemon_->log();
  EXPECT_GE(logged("(MQTT 3.1.1)"), 1) << daemon_->log();
  // No Receive Maximum in 3.1.1: the outbox's window falls back to 16.
  EXPECT_NE(HttpClient(port_).get("/metrics").body.find("\nstoreedge_sync_up_window 16\n"),
            std::string::npos);
  send_snapshot();
  ASSERT_TRUE(wait_up("ack", through(7)));

  // kill -9; a message sent meanwhile waits in the store's 3.1.1 session (clean session off).
  const int refused = front_->refused_v5();
  const int relayed = front_->relayed_v311();
  const int fallbacks = logged("falling back to 3.1.1");
  const int connects = logged("(MQTT 3.1.1)");
  daemon_->signal(SIGKILL);
  daemon_->wait(std::chrono::seconds(5));
  send(example("down.allocation.amended.json"), 8);
  ASSERT_TRUE(start_store_behind_front());
  EXPECT_GT(front_->refused_v5(), refused);  // a new process tries MQTT 5 first again
  EXPECT_GT(front_->relayed_v311(), relayed);
  EXPECT_GT(logged("falling back to 3.1.1"), fallbacks) << daemon_->log();
  EXPECT_GT(logged("(MQTT 3.1.1)"), connects) << daemon_->log();
  ASSERT_TRUE(wait_up("ack", through(8)));
}

}  // namespace
}  // namespace storeedge::testing
