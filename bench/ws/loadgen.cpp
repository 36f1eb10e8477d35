// lodestone_loadgen: the load generator of the WebSocket benchmarks and of the soak (issue #7).
//
// One process, two threads, both meant to run on the core the server under test does not use:
//  * the sender pushes canonical NDJSON (quotes and headlines) into the server with
//    `POST /api/v1/ingest` over one keep-alive connection, on a constant-rate schedule. Each
//    headline carries its *intended* send time (CLOCK_MONOTONIC, ns) in its id, "lb-SEQ-NS", so
//    a server stall delays the messages behind it and their latency shows it: no coordinated
//    omission. A headline is posted the moment it is due; quotes due meanwhile ride along, and
//    otherwise go out in batches every --batch-ms.
//  * the receiver holds K WebSocket clients, written against the raw RFC 6455 framing (server
//    frames are unmasked: a two-byte header, the length, the payload) so that a client costs a
//    few hundred bytes and a frame a few instructions. Connecting and the handshake go through an
//    io_context; once open, a client's socket leaves asio for the receiver's own epoll set
//    (level-triggered): one epoll_wait hands over up to 1,024 ready clients, each read once into
//    a 256 KiB buffer, with no handler, re-arm or allocation per read (issue #18: per message the
//    generator should cost the kernel's receive path and little else). For each bench headline it
//    records (receipt time - intended send time) in a log-linear histogram. With --read-interval-us
//    (the fan-out ladder) it reads at most once per interval, so one recv takes many frames.
//
// The same binary serves Lodestone and the peers: they all take the same ingest request and push
// each headline to every client as one text frame. It also samples the server process
// (/proc/PID: CPU time, RSS, open fds, threads) so results are per CPU-second, and reports its own
// CPU use and send lag, which show whether the generator itself was the bottleneck.
//
// --soak adds client churn and periodic samples, and exits 1 when RSS, fds or threads grow past
// the stated tolerance after the warm-up. Every loop is bounded by count and by time.
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "histogram.hpp"
#include "lodestone/net/net.hpp"

namespace lodestone::bench {
namespace {

std::int64_t mono_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
std::int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
void sleep_until_ns(std::int64_t t) {
  timespec ts{};
  ts.tv_sec = t / 1'000'000'000;
  ts.tv_nsec = t % 1'000'000'000;
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

struct Options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string ws_path = "/ws";
  std::string ingest_path = "/api/v1/ingest";
  std::string token;
  int clients = 100;
  int connect_concurrency = 200;
  int per_source = 200;  // clients per source address (127.1.x.y): servers may cap connections per IP
  double connect_timeout_s = 60;
  double quote_rate = 0;   // quotes/s
  double news_rate = 100;  // headlines/s, each one frame to every client
  double warmup_s = 2;
  double duration_s = 10;
  double drain_s = 3;
  double batch_ms = 1.0;
  // Throughput runs: the receiver reads its ready clients at most once per this many µs (0: the
  // moment a frame arrives). Each read then takes what arrived meanwhile, so the generator's cost
  // per message falls (fewer wake-ups and recv calls) while the server under test does the same
  // work; latencies are then late by up to the interval and are not reported as such.
  int read_interval_us = 0;
  int server_pid = 0;
  std::string label;
  std::string json_out;
  std::vector<std::string> symbols;
  // soak
  bool soak = false;
  int churn = 0;  // clients closed and replaced per second
  double sample_every_s = 5;
  double rss_tol_pct = 10;
  double rss_tol_mib = 8;
  int fd_tol = -1;  // -1: churn + 16
  int thread_tol = 0;
  double min_delivery = -1;  // exit 4 when fewer of the window's deliveries arrived (smoke tests)
};

// ---- /proc sampling ------------------------------------------------------------------------

struct ProcSample {
  double cpu_s = 0;
  long rss_kib = 0;
  int threads = 0;
  int fds = 0;
};

double proc_cpu_s(int pid) {
  std::ifstream f(pid ? "/proc/" + std::to_string(pid) + "/stat" : "/proc/self/stat");
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto close = s.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream in(s.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {  // fields 14 and 15: utime, stime
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

ProcSample sample_proc(int pid) {
  ProcSample p;
  if (pid <= 0) return p;
  p.cpu_s = proc_cpu_s(pid);
  std::ifstream st("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(st, line)) {
    if (line.rfind("VmRSS:", 0) == 0) p.rss_kib = std::stol(line.substr(6));
    if (line.rfind("Threads:", 0) == 0) p.threads = std::stoi(line.substr(8));
  }
  if (DIR* d = opendir(("/proc/" + std::to_string(pid) + "/fd").c_str())) {
    for (int i = 0; i < 1'000'000; ++i) {
      const dirent* e = readdir(d);
      if (!e) break;
      if (e->d_name[0] != '.') ++p.fds;
    }
    closedir(d);
  }
  return p;
}

long sockstat_tcp_mem_pages() {
  std::ifstream f("/proc/net/sockstat");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("TCP:", 0) != 0) continue;
    const auto m = line.find(" mem ");
    if (m != std::string::npos) return std::stol(line.substr(m + 5));
  }
  return -1;
}

// ---- the receiving clients ---------------------------------------------------------------

struct Conn {
  explicit Conn(net::io_context& ioc) : sock(ioc) {}
  tcp::socket sock;
  std::string in;  // a partial frame (or the handshake response) carried to the next read
  int fd = -1;     // once open: the socket, released from asio into the receiver's epoll set
  bool handshaken = false;
  bool dead = false;
  bool counted_open = false;
};

struct Shared {
  std::int64_t t0 = 0;         // schedule origin (mono ns)
  std::int64_t win_lo_ns = 0;  // measurement window, mono ns
  std::int64_t win_hi_ns = 0;
  std::uint64_t seq_lo = 0;  // headlines whose intended time falls in the window
  std::uint64_t seq_hi = 0;
  std::atomic<bool> sender_done{false};
  // sender results (written by the sender before sender_done)
  Histogram lag;
  std::uint64_t posts = 0, accepted = 0, rejected = 0, http_errors = 0, lines = 0;
  std::int64_t send_end_ns = 0;
  std::string sender_error;
};

std::uint64_t intended_index_ceil(double rate, double seconds) {
  return rate <= 0 ? 0 : static_cast<std::uint64_t>(std::ceil(rate * seconds - 1e-9));
}

class Receiver {
 public:
  Receiver(const Options& o, Shared& sh)
      : o_(o), sh_(sh), ioc_(1), epoll_(::epoll_create1(EPOLL_CLOEXEC)), events_(1024), rbuf_(256 * 1024), rng_(12345) {
    ep_ = tcp::endpoint(net::ip::make_address(o.host), o.port);
    handshake_ = "GET " + o.ws_path + " HTTP/1.1\r\nHost: " + o.host + ":" + std::to_string(o.port) +
                 "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                 "Sec-WebSocket-Version: 13\r\n" +
                 (o.token.empty() ? std::string() : "Authorization: Bearer " + o.token + "\r\n") + "\r\n";
    if (sh.seq_hi > sh.seq_lo) last_client_.assign(sh.seq_hi - sh.seq_lo, -1);
    per_msg_count_.assign(sh.seq_hi > sh.seq_lo ? sh.seq_hi - sh.seq_lo : 0, 0);
  }

  ~Receiver() {
    for (auto& [address, c] : adopted_) ::close(c->fd);
    ::close(epoll_);
  }
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  // Runs connecting clients (asio) and reads open ones (epoll) for `d`.
  void run_for(std::chrono::milliseconds d) {
    const std::int64_t end = mono_ns() + static_cast<std::int64_t>(d.count()) * 1'000'000;
    for (int guard = 0; guard < 1'000'000; ++guard) {
      if (ioc_.stopped()) ioc_.restart();
      ioc_.poll();
      const std::int64_t now = mono_ns();
      if (now >= end) return;
      // While clients are connecting, come back to asio every millisecond; otherwise sleep in
      // epoll until data or the end.
      const bool connecting = in_progress_ > 0 || to_start_ > 0 || writes_pending_ > 0;
      if (!connecting && o_.read_interval_us > 0 && next_read_ns_ > now) {
        sleep_until_ns(std::min(next_read_ns_, end));
        continue;
      }
      const int wait_ms = connecting ? 1 : static_cast<int>((end - now + 999'999) / 1'000'000);
      const int n = ::epoll_wait(epoll_, events_.data(), static_cast<int>(events_.size()), wait_ms);
      if (n > 0) next_read_ns_ = mono_ns() + std::int64_t{o_.read_interval_us} * 1000;
      for (int i = 0; i < n; ++i) read_open(static_cast<Conn*>(events_[static_cast<std::size_t>(i)].data.ptr));
      closed_.clear();
    }
  }

  // Opens `n` clients, at most connect_concurrency at a time; true when all are open in time.
  bool connect_all(int n) {
    const std::int64_t deadline = mono_ns() + static_cast<std::int64_t>(o_.connect_timeout_s * 1e9);
    to_start_ = n;
    for (int i = 0; i < std::min(n, o_.connect_concurrency); ++i) start_one();
    for (int guard = 0; guard < 1'000'000 && mono_ns() < deadline; ++guard) {
      run_for(std::chrono::milliseconds(20));
      if (to_start_ == 0 && in_progress_ == 0) break;
    }
    return open_ == n;
  }

  void start_one() {
    if (to_start_ <= 0) return;
    --to_start_;
    ++in_progress_;
    auto c = std::make_shared<Conn>(ioc_);
    conns_.push_back(c);
    // Spread the clients over source addresses in 127.1.0.0/16, as clients on many desks would
    // be; the sender keeps 127.0.0.1.
    if (o_.per_source > 0 && ep_.address().is_loopback() && ep_.address().is_v4()) {
      const auto block = static_cast<unsigned>(started_++ / static_cast<std::uint64_t>(o_.per_source));
      const net::ip::address_v4 src((127U << 24) | (1U << 16) | (((block / 250) % 250) << 8) | (block % 250 + 1));
      boost::system::error_code ec;
      c->sock.open(tcp::v4(), ec);
      if (!ec) c->sock.bind(tcp::endpoint(src, 0), ec);
      if (ec) return connect_failed(c);
    }
    c->sock.async_connect(ep_, [this, c](boost::system::error_code ec) {
      if (ec) return connect_failed(c);
      c->sock.set_option(tcp::no_delay(true));
      c->sock.non_blocking(true);
      ++writes_pending_;
      net::async_write(c->sock, net::buffer(handshake_), [this, c](boost::system::error_code ec2, std::size_t) {
        --writes_pending_;
        if (ec2) return connect_failed(c);
        arm_read(c);
      });
    });
  }

  void connect_failed(const std::shared_ptr<Conn>& c) {
    if (c->dead) return;
    c->dead = true;
    ++connect_failures_;
    --in_progress_;
    start_one();
  }

  // Soak: close `n` random open clients (half with a close frame, half abruptly) and open `n`.
  void churn(int n) {
    for (int k = 0; k < n && !conns_.empty(); ++k) {
      const std::size_t i = rng_() % conns_.size();
      auto c = conns_[i];
      if (!c->dead && c->handshaken) {
        if (k % 2 == 0) {
          static const unsigned char close_frame[] = {0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8};  // 1000, mask 0
          send_raw(*c, close_frame, sizeof close_frame);
        }
        mark_dead(c, false);
      }
      conns_[i] = conns_.back();
      conns_.pop_back();
      ++churned_;
    }
    to_start_ += n;
    for (int k = 0; k < n; ++k) start_one();
  }

  void mark_dead(const std::shared_ptr<Conn>& c, bool by_server) { mark_dead(*c, by_server); }
  void mark_dead(Conn& c, bool by_server) {
    if (c.dead) return;
    c.dead = true;
    if (c.counted_open) --open_;
    if (by_server) ++closed_by_server_;
    if (c.fd >= 0) {
      ::close(c.fd);  // leaves the epoll set with it
      c.fd = -1;
      // Not destroyed here: the caller may still be inside c (its frames). Let go after the batch.
      if (auto it = adopted_.find(&c); it != adopted_.end()) {
        closed_.push_back(std::move(it->second));
        adopted_.erase(it);
      }
      return;
    } else {
      boost::system::error_code ec;
      c.sock.close(ec);
    }
  }

  // A few bytes to the server (a close frame, a pong): one non-blocking send; what does not fit
  // is dropped (a benchmark client, not a conforming one).
  void send_raw(Conn& c, const void* data, std::size_t n) {
    if (c.fd >= 0) {
      (void)::send(c.fd, data, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    } else if (c.sock.is_open()) {
      boost::system::error_code ec;
      c.sock.write_some(net::buffer(data, n), ec);
    }
  }

  // The handshake is done: the socket leaves asio for the epoll set. Level-triggered, so what is
  // already in it is reported by the next epoll_wait.
  void adopt(const std::shared_ptr<Conn>& c) {
    boost::system::error_code ec;
    const int fd = c->sock.release(ec);
    if (ec || fd < 0) return mark_dead(c, true);
    c->fd = fd;
    adopted_.emplace(c.get(), c);  // held while in the epoll set (churn may drop it from conns_)
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP;
    ev.data.ptr = c.get();
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) != 0) mark_dead(c, true);
  }

  // An open client is readable: one read (more if it filled the buffer), frames parsed in place.
  void read_open(Conn* c) {
    if (c->dead || c->fd < 0) return;
    for (int i = 0; i < 8; ++i) {
      const auto n = ::recv(c->fd, rbuf_.data(), rbuf_.size(), 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
      if (n <= 0) return mark_dead(*c, true);
      consume_open(*c, rbuf_.data(), static_cast<std::size_t>(n), mono_ns());
      if (c->dead || static_cast<std::size_t>(n) < rbuf_.size()) return;
    }
  }

  void arm_read(const std::shared_ptr<Conn>& c) {
    c->sock.async_wait(tcp::socket::wait_read, [this, c](boost::system::error_code ec) {
      if (ec) {
        if (!c->handshaken && !c->dead) return connect_failed(c);
        return mark_dead(c, true);
      }
      on_readable(c);
    });
  }

  void on_readable(const std::shared_ptr<Conn>& c) {
    if (c->dead) return;
    for (int i = 0; i < 8; ++i) {
      boost::system::error_code ec;
      const std::size_t n = c->sock.read_some(net::buffer(rbuf_), ec);
      if (ec == net::error::would_block || ec == net::error::try_again) break;
      if (ec || n == 0) {
        if (!c->handshaken) return connect_failed(c);
        return mark_dead(c, true);
      }
      consume(c, rbuf_.data(), n, mono_ns());
      if (c->dead) return;
      if (c->handshaken) return adopt(c);
      if (n < rbuf_.size()) break;
    }
    arm_read(c);
  }

  void consume(const std::shared_ptr<Conn>& c, const char* p, std::size_t n, std::int64_t now) {
    if (!c->handshaken) {
      c->in.append(p, n);
      const auto end = c->in.find("\r\n\r\n");
      if (end == std::string::npos) {
        if (c->in.size() > 16384) connect_failed(c);
        return;
      }
      if (c->in.compare(0, 12, "HTTP/1.1 101") != 0) {
        if (handshake_errors_++ < 3) std::fprintf(stderr, "loadgen: handshake refused: %.80s\n", c->in.c_str());
        return connect_failed(c);
      }
      c->handshaken = true;
      c->counted_open = true;
      ++open_;
      --in_progress_;
      start_one();
      c->in.erase(0, end + 4);
      if (c->in.empty()) return;
      std::string rest;
      rest.swap(c->in);
      const std::size_t used = frames(*c, rest.data(), rest.size(), now);
      c->in.assign(rest, used);
      return;
    }
    consume_open(*c, p, n, now);
  }

  void consume_open(Conn& c, const char* p, std::size_t n, std::int64_t now) {
    if (c.in.empty()) {
      const std::size_t used = frames(c, p, n, now);
      if (used < n && !c.dead) c.in.assign(p + used, n - used);
    } else {
      c.in.append(p, n);
      const std::size_t used = frames(c, c.in.data(), c.in.size(), now);
      c.in.erase(0, used);
    }
  }

  // Parses whole frames from [p, p+n); returns the bytes consumed.
  std::size_t frames(Conn& c, const char* p, std::size_t n, std::int64_t now) {
    std::size_t off = 0;
    for (std::size_t guard = 0; guard < 1'000'000; ++guard) {
      if (n - off < 2) break;
      const auto* u = reinterpret_cast<const unsigned char*>(p + off);
      const unsigned opcode = u[0] & 0x0f;
      std::uint64_t len = u[1] & 0x7f;
      std::size_t hdr = 2;
      if (len == 126) {
        if (n - off < 4) break;
        len = (std::uint64_t{u[2]} << 8) | u[3];
        hdr = 4;
      } else if (len == 127) {
        if (n - off < 10) break;
        len = 0;
        for (int i = 0; i < 8; ++i) len = (len << 8) | u[2 + i];
        hdr = 10;
      }
      if (u[1] & 0x80) hdr += 4;  // a masked server frame is a protocol error; skip the key anyway
      if (n - off < hdr + len) break;
      const std::string_view payload(p + off + hdr, len);
      off += hdr + len;
      if (opcode == 0x1 || opcode == 0x2 || opcode == 0x0) {
        on_message(payload, now);
      } else if (opcode == 0x9) {  // ping: answer with a masked pong (key 0)
        std::string pong;
        pong.push_back(static_cast<char>(0x8a));
        pong.push_back(static_cast<char>(0x80 | std::min<std::size_t>(payload.size(), 125)));
        pong.append(4, '\0');
        pong.append(payload.substr(0, 125));
        send_raw(c, pong.data(), pong.size());
        ++pings_;
      } else if (opcode == 0x8) {
        mark_dead(c, true);
        return off;
      }
    }
    return off;
  }

  // One frame may carry several messages (Lodestone's `?batch=1` batches); every bench headline
  // in it is one delivery.
  void on_message(std::string_view payload, std::int64_t now) {
    ++frames_total_;
    const bool in_window = now >= sh_.win_lo_ns && now < sh_.win_hi_ns;
    std::size_t at = payload.find("\"lb-");
    if (at == std::string_view::npos) {
      ++other_frames_;
      if (in_window) ++frames_in_window_time_;
      return;
    }
    for (int guard = 0; guard < 100'000 && at != std::string_view::npos; ++guard) {
      if (in_window) ++frames_in_window_time_;
      const char* s = payload.data() + at + 4;
      const char* e = payload.data() + payload.size();
      std::uint64_t seq = 0;
      std::int64_t t = 0;
      while (s < e && *s >= '0' && *s <= '9') seq = seq * 10 + static_cast<std::uint64_t>(*s++ - '0');
      if (s < e && *s == '-') ++s;
      while (s < e && *s >= '0' && *s <= '9') t = t * 10 + (*s++ - '0');
      ++news_frames_;
      if (seq >= sh_.seq_lo && seq < sh_.seq_hi) {
        const std::int64_t lat = now - t;
        hist_.record(lat);
        auto& last = last_client_[seq - sh_.seq_lo];
        last = std::max(last, lat);
        ++per_msg_count_[seq - sh_.seq_lo];
        ++delivered_in_window_;
      }
      at = payload.find("\"lb-", static_cast<std::size_t>(s - payload.data()));
    }
  }

  const Options& o_;
  Shared& sh_;
  net::io_context ioc_;
  int epoll_;
  std::vector<epoll_event> events_;
  int writes_pending_ = 0;                                    // asio writes under way (the handshakes)
  std::int64_t next_read_ns_ = 0;                             // --read-interval-us: the next read, not before
  std::unordered_map<Conn*, std::shared_ptr<Conn>> adopted_;  // the clients in the epoll set
  std::vector<std::shared_ptr<Conn>> closed_;                 // closed during this batch
  tcp::endpoint ep_;
  std::string handshake_;
  std::vector<char> rbuf_;
  std::mt19937_64 rng_;
  std::vector<std::shared_ptr<Conn>> conns_;
  int to_start_ = 0, in_progress_ = 0, open_ = 0;
  std::uint64_t started_ = 0;
  std::uint64_t connect_failures_ = 0, closed_by_server_ = 0, churned_ = 0, pings_ = 0, handshake_errors_ = 0;
  std::uint64_t frames_total_ = 0, frames_in_window_time_ = 0, other_frames_ = 0, news_frames_ = 0;
  std::uint64_t delivered_in_window_ = 0;
  Histogram hist_;
  std::vector<std::int64_t> last_client_;  // per headline in the window: the slowest client's latency
  std::vector<std::uint32_t> per_msg_count_;
};

// ---- the constant-rate sender ------------------------------------------------------------

void append_quote(std::string& out, const Options& o, std::uint64_t i) {
  const auto& sym = o.symbols[i % o.symbols.size()];
  const auto round = i / o.symbols.size();
  static const char* kLast[] = {"9.99", "10.00", "10.01", "10.00"};
  out += R"({"type":"quote","symbol":")";
  out += sym;
  out += R"(","ts":)";
  out += std::to_string(epoch_ms());
  out += R"(,"last":)";
  out += kLast[round % 4];
  out += R"(,"prev_close":10.00,"volume":)";
  out += std::to_string(100 * (round + 1));
  out += "}\n";
}

void append_news(std::string& out, const Options& o, std::uint64_t seq, std::int64_t intended) {
  out += R"({"type":"news","id":"lb-)";
  out += std::to_string(seq);
  out += '-';
  out += std::to_string(intended);
  out += R"(","ts":)";
  out += std::to_string(epoch_ms());
  out += R"(,"source":"bench","title":"bench headline )";
  out += std::to_string(seq);
  out += R"(","symbols":[")";
  out += o.symbols[seq % o.symbols.size()];
  out += "\"]}\n";
}

void run_sender(const Options& o, Shared& sh) {
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  sched_param sp{};
  sp.sched_priority = 1;  // wake ahead of the receiver thread on the shared core (needs privilege)
  (void)pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);

  net::io_context ioc(1);
  tcp::socket sock(ioc);
  boost::system::error_code ec;
  sock.connect(tcp::endpoint(net::ip::make_address(o.host), o.port), ec);
  if (ec) {
    sh.sender_error = "connect: " + ec.message();
    sh.sender_done = true;
    return;
  }
  sock.set_option(tcp::no_delay(true));

  const double total_s = o.warmup_s + o.duration_s;
  const std::uint64_t total_news = intended_index_ceil(o.news_rate, total_s);
  const std::uint64_t total_quotes = intended_index_ceil(o.quote_rate, total_s);
  auto news_at = [&](std::uint64_t i) {
    return sh.t0 + static_cast<std::int64_t>(std::llround(static_cast<double>(i) * 1e9 / o.news_rate));
  };
  auto quote_at = [&](std::uint64_t i) {
    return sh.t0 + static_cast<std::int64_t>(std::llround(static_cast<double>(i) * 1e9 / o.quote_rate));
  };
  auto due = [&](double rate, std::uint64_t total, std::int64_t now) -> std::uint64_t {
    if (rate <= 0 || now < sh.t0) return 0;
    const auto k = static_cast<std::uint64_t>(static_cast<double>(now - sh.t0) * rate / 1e9) + 1;
    return std::min(k, total);
  };
  const auto batch_ns = static_cast<std::int64_t>(o.batch_ms * 1e6);
  const std::string head_prefix = "POST " + o.ingest_path + " HTTP/1.1\r\nHost: " + o.host +
                                  "\r\nContent-Type: application/x-ndjson\r\n" +
                                  (o.token.empty() ? std::string() : "Authorization: Bearer " + o.token + "\r\n");
  std::uint64_t news_i = 0, quote_i = 0;
  std::int64_t last_post = 0;
  std::string body, request;
  // Answers are read without blocking (except to get below `at_least` outstanding) and parsed by
  // hand: status line, Content-Length, the body's "accepted"/"rejected" counts.
  std::string answers;
  std::uint64_t outstanding = 0;
  sock.non_blocking(true);
  auto drain_answers = [&](std::uint64_t keep_at_most) -> bool {
    for (int guard = 0; guard < 1'000'000; ++guard) {
      char buf[16384];
      const std::size_t n = sock.read_some(net::buffer(buf), ec);
      if (ec == net::error::would_block || ec == net::error::try_again) {
        ec.clear();
        if (outstanding <= keep_at_most) return true;
        pollfd pfd{sock.native_handle(), POLLIN, 0};
        if (::poll(&pfd, 1, 1000) <= 0) return true;  // no answer within 1 s: the caller decides
        continue;
      }
      if (ec || n == 0) {
        sh.sender_error = "read: " + (ec ? ec.message() : std::string("closed"));
        return false;
      }
      answers.append(buf, n);
      for (int k = 0; k < 100'000; ++k) {
        const auto end = answers.find("\r\n\r\n");
        if (end == std::string::npos) break;
        std::size_t length = 0;
        const auto cl = answers.find("Content-Length: ");
        const auto cl_lower = answers.find("content-length: ");
        const auto at = cl < end ? cl : cl_lower;
        if (at < end) length = std::strtoull(answers.c_str() + at + 16, nullptr, 10);
        if (answers.size() < end + 4 + length) break;
        const std::string_view b(answers.data() + end + 4, length);
        if (answers.compare(0, 12, "HTTP/1.1 200") != 0) ++sh.http_errors;
        auto number_after = [&](std::string_view key) -> std::uint64_t {
          const auto kpos = b.find(key);
          return kpos == std::string_view::npos ? 0 : std::strtoull(b.data() + kpos + key.size(), nullptr, 10);
        };
        sh.accepted += number_after("\"accepted\":");
        const auto rej = number_after("\"rejected\":");
        if (rej && sh.rejected == 0)
          std::fprintf(stderr, "loadgen: ingest rejected lines: %.*s\n",
                       static_cast<int>(std::min<std::size_t>(b.size(), 300)), b.data());
        sh.rejected += rej;
        answers.erase(0, end + 4 + length);
        --outstanding;
      }
      if (outstanding <= keep_at_most && answers.empty()) return true;
    }
    return true;
  };
  const std::int64_t hard_stop = sh.t0 + static_cast<std::int64_t>((total_s + 30) * 1e9);
  for (std::uint64_t guard = 0; guard < 100'000'000; ++guard) {
    const std::int64_t now = mono_ns();
    if (now > hard_stop) {
      sh.sender_error = "the server did not keep up: stopped 30 s after the schedule ended";
      break;
    }
    const std::uint64_t dn = due(o.news_rate, total_news, now);
    const std::uint64_t dq = due(o.quote_rate, total_quotes, now);
    const bool news_due = dn > news_i;
    const bool quotes_due = dq > quote_i && (now - last_post >= batch_ns || dq >= total_quotes);
    if (!news_due && !quotes_due) {
      if (news_i >= total_news && quote_i >= total_quotes) break;
      std::int64_t next = hard_stop;
      if (news_i < total_news) next = std::min(next, news_at(news_i));
      if (quote_i < total_quotes) next = std::min(next, std::max(quote_at(quote_i), last_post + batch_ns));
      sleep_until_ns(next);
      continue;
    }
    body.clear();
    std::uint64_t lines = 0;
    // Merge by intended time, at most 20 000 lines a request (4 MiB is Lodestone's body limit).
    while ((news_i < dn || quote_i < dq) && lines < 20'000) {
      const bool take_news = news_i < dn && (quote_i >= dq || news_at(news_i) <= quote_at(quote_i));
      if (take_news) {
        const std::int64_t at = news_at(news_i);
        sh.lag.record(now - at);
        append_news(body, o, news_i++, at);
      } else {
        append_quote(body, o, quote_i++);
      }
      ++lines;
    }
    request = head_prefix;
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    request += body;
    last_post = now;
    sock.non_blocking(false);
    net::write(sock, net::buffer(request), ec);
    sock.non_blocking(true);
    if (ec) {
      sh.sender_error = "write: " + ec.message();
      break;
    }
    ++sh.posts;
    sh.lines += lines;
    ++outstanding;
    // Pipelined: the next request does not wait for this answer (an answer held back by the
    // server's Nagle/delayed-ACK interplay must not slow the schedule); at most 256 in flight.
    if (!drain_answers(256)) break;
  }
  // Collect the remaining answers (bounded: 10 s).
  const std::int64_t answers_deadline = mono_ns() + 10'000'000'000;
  for (int guard = 0; guard < 100'000 && outstanding > 0 && mono_ns() < answers_deadline; ++guard) {
    if (!drain_answers(0)) break;
  }
  sh.send_end_ns = mono_ns();
  sh.sender_done = true;
}

// ---- report ----------------------------------------------------------------------------------

std::string lat_json(const Histogram& h) {
  char buf[400];
  std::snprintf(buf, sizeof buf,
                R"({"count":%llu,"min":%llu,"p50":%llu,"p90":%llu,"p99":%llu,"p999":%llu,"p9999":%llu,"max":%llu})",
                static_cast<unsigned long long>(h.count()), static_cast<unsigned long long>(h.min()),
                static_cast<unsigned long long>(h.percentile(0.5)), static_cast<unsigned long long>(h.percentile(0.9)),
                static_cast<unsigned long long>(h.percentile(0.99)),
                static_cast<unsigned long long>(h.percentile(0.999)),
                static_cast<unsigned long long>(h.percentile(0.9999)), static_cast<unsigned long long>(h.max()));
  return buf;
}

std::string json_escape(const std::string& s) {
  std::string o;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') o.push_back('\\');
    if (static_cast<unsigned char>(ch) < 0x20) continue;
    o.push_back(ch);
  }
  return o;
}

int run(Options o) {
  if (o.symbols.empty()) {
    o.symbols = {"159713.SZ", "516150.SH", "516780.SH", "159715.SZ", "600111.SH", "000831.SZ", "002600.SZ",
                 "601600.SH", "002340.SZ", "600010.SH", "600580.SH", "002202.SZ", "600549.SH", "600392.SH",
                 "300748.SZ", "000970.SZ", "600366.SH", "300224.SZ", "600259.SH", "301141.SZ", "688190.SH",
                 "300263.SZ", "000758.SZ", "002645.SZ", "300127.SZ", "301622.SZ"};
  }
  if (o.fd_tol < 0) o.fd_tol = o.churn + 16;
  Shared sh;
  const ProcSample base = sample_proc(o.server_pid);

  // Phase 1: connect, let the server settle, measure idle memory.
  const std::int64_t c0 = mono_ns();
  sh.seq_lo = sh.seq_hi = 0;
  std::unique_ptr<Receiver> rx;
  {
    // The window is only known once connecting is over; the receiver is told below.
    rx = std::make_unique<Receiver>(o, sh);
  }
  const bool all_open = rx->connect_all(o.clients);
  const double connect_s = static_cast<double>(mono_ns() - c0) / 1e9;
  rx->run_for(std::chrono::milliseconds(1000));  // hello frames, settle
  const ProcSample idle = sample_proc(o.server_pid);
  const long tcp_mem_idle = sockstat_tcp_mem_pages();
  std::fprintf(stderr, "loadgen[%s]: %d/%d clients open in %.1f s (%llu failed), server RSS %ld -> %ld KiB\n",
               o.label.c_str(), rx->open_, o.clients, connect_s, static_cast<unsigned long long>(rx->connect_failures_),
               base.rss_kib, idle.rss_kib);

  // Phase 2: the constant-rate schedule.
  sh.t0 = mono_ns() + 100'000'000;
  sh.win_lo_ns = sh.t0 + static_cast<std::int64_t>(o.warmup_s * 1e9);
  sh.win_hi_ns = sh.win_lo_ns + static_cast<std::int64_t>(o.duration_s * 1e9);
  sh.seq_lo = intended_index_ceil(o.news_rate, o.warmup_s);
  sh.seq_hi = intended_index_ceil(o.news_rate, o.warmup_s + o.duration_s);
  rx->last_client_.assign(sh.seq_hi - sh.seq_lo, -1);
  rx->per_msg_count_.assign(sh.seq_hi - sh.seq_lo, 0);

  std::thread sender([&] { run_sender(o, sh); });
  ProcSample srv_lo, srv_hi;
  double self_lo = 0, self_hi = 0;
  bool lo_taken = false, hi_taken = false;
  std::vector<std::string> samples;
  std::vector<ProcSample> soak_samples;
  std::vector<double> soak_times;
  std::int64_t next_sample = sh.t0;
  std::int64_t next_churn = sh.t0 + 1'000'000'000;
  const std::uint64_t expected =
      static_cast<std::uint64_t>(sh.seq_hi - sh.seq_lo) * static_cast<std::uint64_t>(o.clients);
  std::int64_t drain_deadline = 0;
  const std::int64_t abs_deadline = sh.t0 + static_cast<std::int64_t>((o.warmup_s + o.duration_s + 60) * 1e9);
  for (std::uint64_t guard = 0; guard < 100'000'000; ++guard) {
    rx->run_for(std::chrono::milliseconds(5));
    const std::int64_t now = mono_ns();
    if (!lo_taken && now >= sh.win_lo_ns) {
      srv_lo = sample_proc(o.server_pid);
      self_lo = proc_cpu_s(0);
      lo_taken = true;
    }
    if (!hi_taken && now >= sh.win_hi_ns) {
      srv_hi = sample_proc(o.server_pid);
      self_hi = proc_cpu_s(0);
      hi_taken = true;
    }
    if (o.soak && now >= next_sample) {
      const ProcSample p = sample_proc(o.server_pid);
      const double t = static_cast<double>(now - sh.t0) / 1e9;
      soak_samples.push_back(p);
      soak_times.push_back(t);
      char line[200];
      std::snprintf(line, sizeof line, R"({"t":%.1f,"rss_kib":%ld,"fds":%d,"threads":%d,"clients":%d})", t, p.rss_kib,
                    p.fds, p.threads, rx->open_);
      samples.emplace_back(line);
      std::fprintf(stderr, "soak %s\n", line);
      next_sample += static_cast<std::int64_t>(o.sample_every_s * 1e9);
    }
    if (o.churn > 0 && now >= next_churn && now < sh.win_hi_ns) {
      rx->churn(o.churn);
      next_churn += 1'000'000'000;
    }
    if (sh.sender_done && hi_taken) {
      if (drain_deadline == 0) drain_deadline = now + static_cast<std::int64_t>(o.drain_s * 1e9);
      if (rx->delivered_in_window_ >= expected || now >= drain_deadline) break;
    }
    if (now > abs_deadline) break;
  }
  sender.join();
  const ProcSample end = sample_proc(o.server_pid);
  if (!hi_taken) srv_hi = end;

  // Verdicts.
  const double server_cpu = srv_hi.cpu_s - srv_lo.cpu_s;
  const double self_cpu = self_hi - self_lo;
  const double delivered_per_s = static_cast<double>(rx->frames_in_window_time_) / o.duration_s;
  const double window_news = static_cast<double>(sh.seq_hi - sh.seq_lo);
  const double ratio = expected ? static_cast<double>(rx->delivered_in_window_) / static_cast<double>(expected) : 1.0;
  const double offered_lines = (o.news_rate + o.quote_rate) * (o.warmup_s + o.duration_s);
  const double send_ratio = offered_lines > 0 ? static_cast<double>(sh.lines) / offered_lines : 1.0;
  const double loadgen_util = self_cpu / o.duration_s;
  // The generator is the bottleneck when its core is busy (two threads share it) or when it
  // could not post on schedule although the server answered.
  const bool saturated = loadgen_util > 0.90;
  Histogram last;
  for (auto v : rx->last_client_)
    if (v >= 0) last.record(v);

  bool soak_ok = true;
  std::string soak_json;
  if (o.soak) {
    // After the warm-up: the first and last quarter of the samples must agree within tolerance.
    std::vector<std::size_t> after;
    for (std::size_t i = 0; i < soak_times.size(); ++i)
      if (soak_times[i] >= o.warmup_s) after.push_back(i);
    std::string why;
    if (after.size() < 4) {
      soak_ok = false;
      why = "fewer than 4 samples after the warm-up";
    } else {
      const std::size_t q = std::max<std::size_t>(1, after.size() / 4);
      auto median = [&](std::size_t from, std::size_t n, auto field) {
        std::vector<long> v;
        for (std::size_t i = from; i < from + n; ++i) v.push_back(field(soak_samples[after[i]]));
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
      };
      auto rss = [](const ProcSample& p) { return p.rss_kib; };
      auto fds = [](const ProcSample& p) { return static_cast<long>(p.fds); };
      auto thr = [](const ProcSample& p) { return static_cast<long>(p.threads); };
      const long rss_a = median(0, q, rss), rss_b = median(after.size() - q, q, rss);
      const long fd_a = median(0, q, fds), fd_b = median(after.size() - q, q, fds);
      long thr_min = 1 << 30, thr_max = 0;
      for (auto i : after) {
        thr_min = std::min(thr_min, thr(soak_samples[i]));
        thr_max = std::max(thr_max, thr(soak_samples[i]));
      }
      const double rss_limit = std::max(static_cast<double>(rss_a) * o.rss_tol_pct / 100.0, o.rss_tol_mib * 1024.0);
      if (static_cast<double>(rss_b - rss_a) > rss_limit) {
        soak_ok = false;
        why += "RSS grew " + std::to_string(rss_a) + " -> " + std::to_string(rss_b) + " KiB; ";
      }
      if (std::abs(fd_b - fd_a) > o.fd_tol) {
        soak_ok = false;
        why += "open fds moved " + std::to_string(fd_a) + " -> " + std::to_string(fd_b) + "; ";
      }
      if (thr_max - thr_min > o.thread_tol) {
        soak_ok = false;
        why += "threads varied " + std::to_string(thr_min) + ".." + std::to_string(thr_max) + "; ";
      }
      if (rx->open_ < o.clients * 9 / 10) {
        soak_ok = false;
        why += "only " + std::to_string(rx->open_) + " clients open at the end; ";
      }
      char buf[600];
      std::snprintf(
          buf, sizeof buf,
          R"({"ok":%s,"why":"%s","rss_kib_first_quarter":%ld,"rss_kib_last_quarter":%ld,"rss_limit_kib":%.0f,)"
          R"("fds_first_quarter":%ld,"fds_last_quarter":%ld,"fd_tolerance":%d,"threads_min":%ld,"threads_max":%ld,)"
          R"("thread_tolerance":%d,"churned":%llu,"samples":[)",
          soak_ok ? "true" : "false", json_escape(why).c_str(), rss_a, rss_b, rss_limit, fd_a, fd_b, o.fd_tol, thr_min,
          thr_max, o.thread_tol, static_cast<unsigned long long>(rx->churned_));
      soak_json = buf;
      for (std::size_t i = 0; i < samples.size(); ++i) soak_json += (i ? "," : "") + samples[i];
      soak_json += "]}";
      std::fprintf(stderr, "soak: %s %s\n", soak_ok ? "flat" : "NOT FLAT:", why.c_str());
    }
    if (soak_json.empty()) soak_json = R"({"ok":false,"why":")" + json_escape(why) + "\"}";
  }

  std::ostringstream j;
  j.setf(std::ios::fixed);
  j.precision(3);
  j << "{\"label\":\"" << json_escape(o.label) << "\",\"clients\":" << o.clients << ",\"clients_open\":" << rx->open_
    << ",\"connect_failures\":" << rx->connect_failures_ << ",\"connect_s\":" << connect_s
    << ",\"quote_rate\":" << o.quote_rate << ",\"news_rate\":" << o.news_rate << ",\"warmup_s\":" << o.warmup_s
    << ",\"duration_s\":" << o.duration_s << ",\"read_interval_us\":" << o.read_interval_us
    << ",\"server_rss_kib_base\":" << base.rss_kib << ",\"server_rss_kib_idle\":" << idle.rss_kib
    << ",\"server_rss_kib_end\":" << end.rss_kib
    << ",\"idle_kib_per_client\":" << (o.clients ? static_cast<double>(idle.rss_kib - base.rss_kib) / o.clients : 0.0)
    << ",\"kernel_tcp_mem_pages_idle\":" << tcp_mem_idle << ",\"server_threads\":" << end.threads
    << ",\"server_fds_idle\":" << idle.fds << ",\"news_in_window\":" << static_cast<std::uint64_t>(window_news)
    << ",\"expected_deliveries\":" << expected << ",\"delivered_in_window\":" << rx->delivered_in_window_
    << ",\"delivery_ratio\":" << ratio << ",\"frames_total\":" << rx->frames_total_
    << ",\"other_frames\":" << rx->other_frames_ << ",\"delivered_per_s\":" << delivered_per_s
    << ",\"server_cpu_s\":" << server_cpu << ",\"server_cpu_util\":" << server_cpu / o.duration_s
    << ",\"delivered_per_cpu_s\":"
    << (server_cpu > 0 ? static_cast<double>(rx->frames_in_window_time_) / server_cpu : 0.0)
    << ",\"loadgen_cpu_util\":" << loadgen_util << ",\"loadgen_saturated\":" << (saturated ? "true" : "false")
    << ",\"send_ratio\":" << send_ratio << ",\"posts\":" << sh.posts << ",\"ingest_accepted\":" << sh.accepted
    << ",\"ingest_rejected\":" << sh.rejected << ",\"http_errors\":" << sh.http_errors << ",\"sender_error\":\""
    << json_escape(sh.sender_error) << "\",\"closed_by_server\":" << rx->closed_by_server_
    << ",\"pings\":" << rx->pings_ << ",\"latency_ns\":" << lat_json(rx->hist_)
    << ",\"last_client_latency_ns\":" << lat_json(last) << ",\"sender_lag_ns\":" << lat_json(sh.lag);
  if (o.soak) j << ",\"soak\":" << soak_json;
  j << "}";
  const std::string out = j.str();
  if (o.json_out.empty()) {
    std::printf("%s\n", out.c_str());
  } else {
    std::ofstream(o.json_out) << out << "\n";
  }
  std::fprintf(stderr,
               "loadgen[%s]: delivered %.0f/s (ratio %.4f), p50 %.3f ms p99 %.3f ms p99.9 %.3f ms max %.3f ms, "
               "server cpu %.0f%%, loadgen cpu %.0f%%%s%s\n",
               o.label.c_str(), delivered_per_s, ratio, static_cast<double>(rx->hist_.percentile(0.5)) / 1e6,
               static_cast<double>(rx->hist_.percentile(0.99)) / 1e6,
               static_cast<double>(rx->hist_.percentile(0.999)) / 1e6, static_cast<double>(rx->hist_.max()) / 1e6,
               100 * server_cpu / o.duration_s, 100 * loadgen_util, saturated ? " SATURATED" : "",
               sh.sender_error.empty() ? "" : (" sender: " + sh.sender_error).c_str());
  if (!all_open && !o.soak) return 2;
  if (!sh.sender_error.empty()) return 3;
  if (o.soak && !soak_ok) return 1;
  if (o.min_delivery >= 0 && (ratio < o.min_delivery || expected == 0)) {
    std::fprintf(stderr, "loadgen: delivery ratio %.4f is below %.4f\n", ratio, o.min_delivery);
    return 4;
  }
  return 0;
}

}  // namespace
}  // namespace lodestone::bench

int main(int argc, char** argv) {
  lodestone::bench::Options o;
  CLI::App app{"lodestone_loadgen: constant-rate ingest, K raw WebSocket clients, latency and throughput"};
  app.add_option("--host", o.host, "server address (loopback)");
  app.add_option("--port", o.port, "server port")->required();
  app.add_option("--ws-path", o.ws_path);
  app.add_option("--ingest-path", o.ingest_path);
  app.add_option("--token", o.token, "bearer token for ingest");
  app.add_option("--clients", o.clients)->check(CLI::Range(0, 100000));
  app.add_option("--connect-concurrency", o.connect_concurrency)->check(CLI::Range(1, 10000));
  app.add_option("--per-source", o.per_source, "clients per source address, 127.1.x.y (0: the default route)");
  app.add_option("--connect-timeout", o.connect_timeout_s);
  app.add_option("--quote-rate", o.quote_rate, "quotes/s")->check(CLI::Range(0.0, 5e6));
  app.add_option("--news-rate", o.news_rate, "headlines/s")->check(CLI::Range(0.0, 1e6));
  app.add_option("--warmup", o.warmup_s, "seconds before the measurement window")->check(CLI::Range(0.0, 3600.0));
  app.add_option("--duration", o.duration_s, "seconds measured")->check(CLI::Range(0.1, 7200.0));
  app.add_option("--drain", o.drain_s, "seconds to wait for late frames")->check(CLI::Range(0.0, 60.0));
  app.add_option("--batch-ms", o.batch_ms, "quote batching when no headline is due")->check(CLI::Range(0.05, 100.0));
  app.add_option("--read-interval-us", o.read_interval_us,
                 "throughput runs: read ready clients at most once per this many µs (0: at once)")
      ->check(CLI::Range(0, 10'000));
  app.add_option("--server-pid", o.server_pid, "sample this process's CPU, RSS, fds, threads");
  app.add_option("--label", o.label);
  app.add_option("--json", o.json_out, "write the result here (default stdout)");
  app.add_option("--symbol", o.symbols, "quote symbols (default: the universe)");
  app.add_flag("--soak", o.soak, "sample the server and fail when RSS/fds/threads are not flat");
  app.add_option("--churn", o.churn, "clients closed and reopened per second")->check(CLI::Range(0, 10000));
  app.add_option("--sample-every", o.sample_every_s)->check(CLI::Range(0.1, 600.0));
  app.add_option("--rss-tolerance-pct", o.rss_tol_pct);
  app.add_option("--rss-tolerance-mib", o.rss_tol_mib);
  app.add_option("--fd-tolerance", o.fd_tol);
  app.add_option("--thread-tolerance", o.thread_tol);
  app.add_option("--min-delivery", o.min_delivery, "exit 4 when a smaller fraction of the deliveries arrived");
  CLI11_PARSE(app, argc, argv);
  return lodestone::bench::run(o);
}
