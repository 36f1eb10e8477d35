#include "lodestone/redis/stream_channel.hpp"

#include <spdlog/spdlog.h>

namespace lodestone::redis {
namespace {

std::shared_ptr<Client> connection(net::any_io_executor executor, const StreamChannelOptions& o, const Clock& clock,
                                   bool writer) {
  auto client = o.client;
  client.name = o.name + (writer ? "-writer" : "-reader");
  client.check_persistence = writer && o.check_persistence;
  return Client::create(std::move(executor), std::move(client), clock);
}

Client::Callback as_entries(StreamChannel::Entries callback) {
  return [cb = std::move(callback)](Result<Reply> r) {
    cb(r ? parse_stream_entries(*r) : Result<std::vector<StreamEntry>>(r.error()));
  };
}

}  // namespace

std::string backlog(std::size_t n, std::string_view what, std::size_t max, std::uint64_t dropped,
                    std::string_view then) {
  std::string out = "; " + std::to_string(n) + " " + std::string(what) + " buffered of at most " + std::to_string(max);
  if (dropped) out += ", " + std::to_string(dropped) + " dropped";
  return out + "; " + std::string(then);
}

StreamChannelOptions StreamChannelOptions::store(std::string stream, const std::string& instance,
                                                 const std::string& role, const ClientOptions& client,
                                                 std::chrono::milliseconds block, std::chrono::milliseconds retry,
                                                 bool check_persistence) {
  StreamChannelOptions o;
  o.stream = std::move(stream);
  o.name = "lodestone-" + instance + "-" + role;
  o.check_persistence = check_persistence;
  o.block = block;
  o.retry = retry;
  o.client = client;
  return o;
}

std::shared_ptr<StreamChannel> StreamChannel::create(net::any_io_executor executor, StreamChannelOptions options,
                                                     const Clock& clock) {
  return std::shared_ptr<StreamChannel>(new StreamChannel(std::move(executor), std::move(options), clock));
}

StreamChannel::StreamChannel(net::any_io_executor executor, StreamChannelOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      writer_(connection(executor, options_, clock, true)),
      reader_(connection(executor, options_, clock, false)),
      read_timer_(reader_->strand()),
      drain_timer_(writer_->strand()) {}

StreamChannel::~StreamChannel() = default;

void StreamChannel::User::link_down(const std::string& why) { (void)why; }

void StreamChannel::start(std::weak_ptr<User> user) {
  user_ = std::move(user);
  {
    std::lock_guard lock(mutex_);
    started_ = true;
  }
  std::weak_ptr<StreamChannel> weak = weak_from_this();
  for (const bool writer : {true, false}) {
    auto& client = writer ? writer_ : reader_;
    client->on_connected([weak, writer] {
      if (auto s = weak.lock()) s->link(writer, true, "");
    });
    auto down = [weak, writer](const std::string& why) {
      if (auto s = weak.lock()) s->link(writer, false, why);
    };
    client->on_disconnected(down);
    client->on_connect_failed(down);
  }
  writer_->start();
  reader_->start();
}

void StreamChannel::link(bool writer, bool up, const std::string& why) {
  {
    std::lock_guard lock(mutex_);
    (writer ? writer_link_ : reader_link_) = up ? Link::Up : Link::Down;
    if (!up) last_error_ = why;
  }
  if (writer && !up) progress();  // a drain waiting for this writer ends
  auto user = user_.lock();
  if (!user) return;
  if (!up) {
    user->link_down(why);
  } else if (writer) {
    user->writer_up();
  } else {
    resume();
  }
}

void StreamChannel::write(std::vector<std::string> args, Client::Callback callback,
                          std::chrono::milliseconds extra_timeout) {
  writer_->command(std::move(args), std::move(callback), extra_timeout);
}

void StreamChannel::reverse_range(const std::string& before, std::size_t count, Entries callback) {
  reader_->command({"XREVRANGE", options_.stream, before, "-", "COUNT", std::to_string(count)},
                   as_entries(std::move(callback)));
}

void StreamChannel::range(const std::string& from, const std::string& until, std::size_t count, Entries callback) {
  reader_->command({"XRANGE", options_.stream, from, until, "COUNT", std::to_string(count)},
                   as_entries(std::move(callback)));
}

void StreamChannel::reader_command(std::vector<std::string> args, Client::Callback callback) {
  reader_->command(std::move(args), std::move(callback));
}

void StreamChannel::resume() {
  {
    std::lock_guard lock(mutex_);
    if (halted_ || reading_ || reader_link_ != Link::Up) return;
    reading_ = true;
  }
  if (auto user = user_.lock(); user && user->read_step()) return;
  std::lock_guard lock(mutex_);
  reading_ = false;  // nothing to read now
}

void StreamChannel::resume_soon() {
  net::post(reader_->strand(), [w = weak_from_this()] {
    if (auto s = w.lock()) s->resume();
  });
}

void StreamChannel::read_later() {
  {
    std::lock_guard lock(mutex_);
    reading_ = false;
  }
  net::post(reader_->strand(), [w = weak_from_this()] {
    auto s = w.lock();
    if (!s) return;
    s->read_timer_.expires_after(s->options_.retry);
    s->read_timer_.async_wait([w](const boost::system::error_code& ec) {
      if (auto self = w.lock(); self && !ec) self->resume();
    });
  });
}

void StreamChannel::set_position(std::string id) {
  std::lock_guard lock(mutex_);
  position_ = std::move(id);
}

std::string StreamChannel::position() const {
  std::lock_guard lock(mutex_);
  return position_;
}

void StreamChannel::follow(std::function<void(const std::vector<StreamEntry>&)> batch) {
  net::post(reader_->strand(), [w = weak_from_this(), batch = std::move(batch)]() mutable {
    if (auto s = w.lock()) s->read_next(std::move(batch));
  });
}

void StreamChannel::read_next(std::function<void(const std::vector<StreamEntry>&)> batch) {
  std::string from;
  {
    std::lock_guard lock(mutex_);
    if (halted_) {
      reading_ = false;
      return;
    }
    from = position_;
  }
  reader_->command(
      {"XREAD", "COUNT", std::to_string(options_.page), "BLOCK", std::to_string(options_.block.count()), "STREAMS",
       options_.stream, from},
      [w = weak_from_this(), batch = std::move(batch)](Result<Reply> r) mutable {
        auto s = w.lock();
        if (!s) return;
        {
          std::lock_guard lock(s->mutex_);
          if (s->halted_) {  // an answer to a read sent before the halt: nobody wants it now
            s->reading_ = false;
            return;
          }
        }
        auto entries = r ? parse_xread(*r, s->options_.stream) : Result<std::vector<StreamEntry>>(r.error());
        if (!entries) {
          spdlog::debug("redis: following {}: {}", s->options_.stream, entries.error().message);
          s->read_later();
          return;
        }
        if (!entries->empty()) s->set_position(entries->back().id);
        batch(*entries);
        s->read_next(std::move(batch));
      },
      options_.block);
}

void StreamChannel::drain(std::weak_ptr<User> user, std::chrono::milliseconds deadline, std::function<void()> then) {
  net::post(writer_->strand(), [w = weak_from_this(), user = std::move(user), deadline, then = std::move(then)] {
    auto s = w.lock();
    if (!s || s->draining_) return;
    s->draining_ = true;
    s->drain_user_ = user;
    s->drained_then_ = then;
    s->drain_timer_.expires_after(deadline);
    s->drain_timer_.async_wait([w](const boost::system::error_code& ec) {
      if (auto s2 = w.lock(); s2 && !ec) s2->finish_drain();
    });
    s->check_drain();
  });
}

void StreamChannel::progress() {
  net::post(writer_->strand(), [w = weak_from_this()] {
    if (auto s = w.lock()) s->check_drain();
  });
}

void StreamChannel::check_drain() {
  if (!draining_) return;
  auto user = drain_user_.lock();
  bool done = !user;
  {
    std::lock_guard lock(mutex_);
    // A writer still connecting for the first time (Unknown) is waited for, up to the deadline:
    // what was written right after start must not be given up before it had a chance.
    done = done || halted_ || !started_ || writer_link_ == Link::Down;
  }
  if (done || user->drained()) finish_drain();
}

void StreamChannel::finish_drain() {
  if (!draining_) return;
  draining_ = false;
  drain_timer_.cancel();
  if (auto user = drain_user_.lock()) user->halt();
  // `then` runs on the reader's strand: a batch the reader was handing out when the channel
  // halted has finished by then, and none follows it, so the caller may free what batches reach.
  if (auto then = std::move(drained_then_)) net::post(reader_->strand(), std::move(then));
}

void StreamChannel::halt() {
  {
    std::lock_guard lock(mutex_);
    if (halted_) return;
    halted_ = true;
  }
  net::post(writer_->strand(), [w = weak_from_this()] {
    if (auto s = w.lock()) s->drain_timer_.cancel();
  });
  net::post(reader_->strand(), [w = weak_from_this()] {
    if (auto s = w.lock()) s->read_timer_.cancel();
  });
  writer_->stop();
  reader_->stop();
}

bool StreamChannel::halted() const {
  std::lock_guard lock(mutex_);
  return halted_;
}

Link StreamChannel::writer_link() const {
  std::lock_guard lock(mutex_);
  return writer_link_;
}

Link StreamChannel::reader_link() const {
  std::lock_guard lock(mutex_);
  return reader_link_;
}

std::string StreamChannel::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

}  // namespace lodestone::redis
