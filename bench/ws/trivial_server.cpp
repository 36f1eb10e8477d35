// lodestone_trivial_server: the cheapest server the load generator can measure (issue #18). It
// speaks just enough of the benchmark's contract (bench/README.md, "One contract for every
// server") to be driven like Lodestone and the peers: `POST /api/v1/ingest` with NDJSON, and a
// WebSocket upgrade on any other GET. Each ingested line that is a headline ("type":"news") goes
// to every WebSocket client as one text frame whose payload is the line itself; the frames of one
// request go to each client in one send (as Lodestone sends what one turn of its loop queued);
// quotes are counted and dropped. No rules, no history, no limits, no parsing
// beyond finding the lines: what it costs per delivery is a send, so what the load generator
// measures against it is the load generator's own ceiling (and the kernel's loopback floor).
//
// One thread, epoll, non-blocking sockets; a client whose socket is full gets its frames queued
// and sent when it drains. Not a WebSocket implementation: it does not check the handshake's key
// or answer pings. Synthetic benchmark use only, loopback only.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

volatile sig_atomic_t stopping = 0;

struct Conn {
  int fd = -1;
  bool websocket = false;
  std::string in;
  std::string out;  // bytes a full socket did not take yet
};

class TrivialServer {
 public:
  explicit TrivialServer(int listen_fd) : listen_(listen_fd), epoll_(::epoll_create1(EPOLL_CLOEXEC)) {
    add(listen_, EPOLLIN);
  }

  void run() {
    std::vector<epoll_event> events(1024);
    std::vector<char> buffer(1 << 20);
    while (!stopping) {
      const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 200);
      for (int i = 0; i < n; ++i) {
        const int fd = events[static_cast<std::size_t>(i)].data.fd;
        if (fd == listen_) {
          accept_all();
          continue;
        }
        auto it = conns_.find(fd);
        if (it == conns_.end()) continue;
        if (events[static_cast<std::size_t>(i)].events & EPOLLOUT) flush(it->second);
        if (events[static_cast<std::size_t>(i)].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) readable(fd, buffer);
      }
    }
  }

 private:
  void add(int fd, std::uint32_t what) {
    epoll_event ev{};
    ev.events = what;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
  }
  void watch_output(Conn& c, bool on) {
    epoll_event ev{};
    ev.events = EPOLLIN | (on ? EPOLLOUT : 0U);
    ev.data.fd = c.fd;
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  void accept_all() {
    for (int guard = 0; guard < 4096; ++guard) {
      const int fd = ::accept4(listen_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      conns_[fd].fd = fd;
      add(fd, EPOLLIN);
    }
  }

  void drop(int fd) {
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    auto it = conns_.find(fd);
    if (it != conns_.end() && it->second.websocket) {
      for (std::size_t i = 0; i < clients_.size(); ++i) {
        if (clients_[i] == fd) {
          clients_[i] = clients_.back();
          clients_.pop_back();
          break;
        }
      }
    }
    conns_.erase(fd);
  }

  void readable(int fd, std::vector<char>& buffer) {
    for (int guard = 0; guard < 64; ++guard) {
      const auto n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return drop(fd);
      if (n < 0) return;
      auto& c = conns_[fd];
      if (c.websocket) continue;  // what clients send (pongs, a close) is read and ignored
      c.in.append(buffer.data(), static_cast<std::size_t>(n));
      if (!requests(c)) return;
      if (static_cast<std::size_t>(n) < buffer.size()) return;
    }
  }

  // Answers every whole request in c.in; false when the connection was dropped.
  bool requests(Conn& c) {
    for (int guard = 0; guard < 100'000; ++guard) {
      const auto end = c.in.find("\r\n\r\n");
      if (end == std::string::npos) return true;
      const std::string_view head(c.in.data(), end);
      if (head.starts_with("GET ")) {
        static const std::string upgraded =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
        c.in.clear();
        c.websocket = true;
        clients_.push_back(c.fd);
        send_to(c, upgraded);
        return true;
      }
      std::size_t length = 0;
      for (const std::string_view key : {"Content-Length: ", "content-length: "}) {
        const auto at = head.find(key);
        if (at != std::string_view::npos) length = std::strtoull(head.data() + at + key.size(), nullptr, 10);
      }
      if (c.in.size() < end + 4 + length) return true;
      const std::string_view body(c.in.data() + end + 4, length);
      std::size_t lines = 0;
      frames_.clear();
      for (std::size_t at = 0; at < body.size();) {
        auto nl = body.find('\n', at);
        if (nl == std::string_view::npos) nl = body.size();
        const auto line = body.substr(at, nl - at);
        if (!line.empty()) {
          ++lines;
          if (line.find(R"("type":"news")") != std::string_view::npos) append_frame(line);
        }
        at = nl + 1;
      }
      if (!frames_.empty())
        for (const int fd : clients_) send_to(conns_[fd], frames_);
      const std::string answer_body = R"({"accepted":)" + std::to_string(lines) + R"(,"rejected":0})";
      const std::string answer =
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(answer_body.size()) +
          "\r\n\r\n" + answer_body;
      c.in.erase(0, end + 4 + length);
      send_to(c, answer);
    }
    return true;
  }

  // A server's text frame (RFC 6455 5.2) with `payload` (a line, well under 64 KiB).
  void append_frame(std::string_view payload) {
    frames_.push_back(static_cast<char>(0x81));
    if (payload.size() < 126) {
      frames_.push_back(static_cast<char>(payload.size()));
    } else {
      frames_.push_back(static_cast<char>(126));
      frames_.push_back(static_cast<char>((payload.size() >> 8) & 0xff));
      frames_.push_back(static_cast<char>(payload.size() & 0xff));
    }
    frames_.append(payload);
  }

  void send_to(Conn& c, std::string_view bytes) {
    if (!c.out.empty()) {
      c.out.append(bytes);
      return;
    }
    const auto n = ::send(c.fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    const std::size_t sent = n > 0 ? static_cast<std::size_t>(n) : 0;
    if (sent < bytes.size()) {
      c.out.assign(bytes.substr(sent));
      watch_output(c, true);
    }
  }

  void flush(Conn& c) {
    if (c.out.empty()) return;
    const auto n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) c.out.erase(0, static_cast<std::size_t>(n));
    if (c.out.empty()) watch_output(c, false);
  }

  int listen_;
  int epoll_;
  std::unordered_map<int, Conn> conns_;
  std::vector<int> clients_;
  std::string frames_;  // the headlines of the request being answered, framed
};

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  std::string port_file;
  CLI::App app{"lodestone_trivial_server: ingest headlines, send each to every WebSocket client; nothing else"};
  app.add_option("--listen", listen, "HOST:PORT (loopback)");
  app.add_option("--port-file", port_file, "write the bound port here");
  std::string token;
  app.add_option("--token", token, "accepted and ignored (ingest is not checked)");
  CLI11_PARSE(app, argc, argv);

  const auto colon = listen.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(listen.substr(colon + 1))));
  if (::inet_pton(AF_INET, listen.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
    std::fprintf(stderr, "trivial_server: bad address %s\n", listen.c_str());
    return 2;
  }
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 4096) != 0) {
    std::fprintf(stderr, "trivial_server: cannot listen on %s: %s\n", listen.c_str(), std::strerror(errno));
    return 2;
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (!port_file.empty()) std::ofstream(port_file) << ntohs(addr.sin_port) << "\n";
  std::signal(SIGTERM, [](int) { stopping = 1; });
  std::signal(SIGINT, [](int) { stopping = 1; });
  TrivialServer(fd).run();
  return 0;
}
