#pragma once
// One Redis stream as both stores use it (the alert stream and the event journal): a writer
// connection that appends, a reader connection that reads pages and then follows the stream,
// and the lifecycle around them.
//
// Contract:
// - Two connections (`<name>-writer`, `<name>-reader`), each with its own strand; a store's
//   writes never wait behind the reader's XREAD BLOCK.
// - The store using the channel implements StreamChannel::User; the channel holds it weakly
//   (the store owns the channel).
// - Link state per connection: Unknown until the first connect succeeds or fails, then Up or
//   Down. User::writer_up runs when the writer (re)connects (write what waits), User::link_down
//   when either connection is lost or cannot connect.
// - One reader command at a time. When the reader is up and nothing is being read,
//   User::read_step runs (on the reader strand): the store's next step, which issues exactly one
//   of reverse_range / range / reader_command / follow and returns true, or returns false when
//   there is nothing to read yet (resume_soon() asks again). A step that fails calls
//   read_later(): `retry` later (or at the next reconnect) User::read_step runs again.
// - follow() reads from position() with XREAD BLOCK and keeps following, updating the position
//   to the last entry of each batch before handing the batch over, until halt(); on an error it
//   pauses (read_later) and User::read_step resumes it.
// - drain(user, deadline): waits until User::drained(), the writer is known to be down (or was
//   never started), or the deadline passes, then runs User::halt once, on the writer strand.
//   Nothing polls: the store calls progress() after each write Redis answered, the channel when
//   its writer goes down, and an Asio timer (monotonic time) ends the wait at the deadline.
// - halt(): no more reads or writes; both connections close. Idempotent.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lodestone/core/clock.hpp"
#include "lodestone/core/result.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/redis/client.hpp"
#include "lodestone/redis/stream.hpp"

namespace lodestone::redis {

struct StreamChannelOptions {
  std::string stream;                     // the stream's key
  std::string name;                       // connection name prefix: "<name>-writer", "<name>-reader"
  bool check_persistence = false;         // run the persistence probe on the writer
  std::size_t page = 500;                 // entries per XRANGE / XREVRANGE / XREAD
  std::chrono::milliseconds block{5000};  // XREAD BLOCK; a hung server is noticed after this plus the timeout
  std::chrono::milliseconds retry{500};   // the pause after a failed read
  ClientOptions client;                   // endpoint, timeouts, backoff (the name is set per connection)

  // A store's channel: connections named "lodestone-<instance>-<role>-writer" and "-reader".
  static StreamChannelOptions store(std::string stream, const std::string& instance, const std::string& role,
                                    const ClientOptions& client, std::chrono::milliseconds block,
                                    std::chrono::milliseconds retry, bool check_persistence);
};

enum class Link : std::uint8_t { Unknown, Up, Down };

// A store's backlog for /readyz: "; <n> <what> buffered of at most <max>[, <dropped> dropped]; <then>".
std::string backlog(std::size_t n, std::string_view what, std::size_t max, std::uint64_t dropped,
                    std::string_view then);

class StreamChannel : public std::enable_shared_from_this<StreamChannel> {
 public:
  using Entries = std::function<void(Result<std::vector<StreamEntry>>)>;
  // What a store implements.
  class User {
   public:
    virtual ~User() = default;
    virtual void writer_up() = 0;                    // writer strand: write what waits
    virtual bool read_step() = 0;                    // reader strand: the next read; false: none now
    virtual void link_down(const std::string& why);  // either strand; does nothing by default
    [[nodiscard]] virtual bool drained() const = 0;  // nothing waits to be written
    virtual void halt() = 0;                         // the end of drain(): stop for good
  };

  static std::shared_ptr<StreamChannel> create(net::any_io_executor executor, StreamChannelOptions options,
                                               const Clock& clock);
  ~StreamChannel();
  StreamChannel(const StreamChannel&) = delete;
  StreamChannel& operator=(const StreamChannel&) = delete;

  // Connects both connections; `user` hears about them.
  void start(std::weak_ptr<User> user);

  // Writes (the writer connection): `args` as one command, e.g. a script that appends a batch.
  // `extra_timeout` extends the deadline of a command that waits on purpose (WAIT).
  void write(std::vector<std::string> args, Client::Callback callback, std::chrono::milliseconds extra_timeout = {});

  // Reads (the reader connection), one at a time, from Handlers::read.
  // XREVRANGE stream before - COUNT count: newest first; "+" is the end, "(id" excludes id.
  void reverse_range(const std::string& before, std::size_t count, Entries callback);
  // XRANGE stream from until COUNT count: oldest first.
  void range(const std::string& from, const std::string& until, std::size_t count, Entries callback);
  // Any other command on the reader (a hash read alongside the stream).
  void reader_command(std::vector<std::string> args, Client::Callback callback);
  // Follows the stream from position(): `batch` gets each XREAD's entries (none are skipped),
  // on the reader strand, until halt().
  void follow(std::function<void(const std::vector<StreamEntry>&)> batch);
  // A read step failed: read again `retry` later (or at the reader's next connect).
  void read_later();
  // Something to read now (any thread): runs Handlers::read unless a read is in flight.
  void resume_soon();

  // Where follow() reads from: "$" (new entries only) until set.
  void set_position(std::string id);
  [[nodiscard]] std::string position() const;

  // `then` runs after User::halt (on the writer strand).
  void drain(std::weak_ptr<User> user, std::chrono::milliseconds deadline, std::function<void()> then = {});
  // A write was answered (any thread): a drain in progress checks User::drained() again.
  void progress();
  void halt();

  [[nodiscard]] bool halted() const;
  [[nodiscard]] Link writer_link() const;
  [[nodiscard]] Link reader_link() const;
  // Where the writer is connected or trying to (Client::where), for messages.
  [[nodiscard]] std::string where() const { return writer_->where(); }
  // Why a connection went down last ("" while none has).
  [[nodiscard]] std::string last_error() const;
  [[nodiscard]] ClientStats writer_stats() const { return writer_->stats(); }
  [[nodiscard]] ClientStats reader_stats() const { return reader_->stats(); }
  // Both, for a store's stats: {writer, reader}.
  [[nodiscard]] std::pair<ClientStats, ClientStats> stats() const { return {writer_->stats(), reader_->stats()}; }
  [[nodiscard]] net::strand<net::any_io_executor>& writer_strand() { return writer_->strand(); }
  [[nodiscard]] net::strand<net::any_io_executor>& reader_strand() { return reader_->strand(); }
  [[nodiscard]] const StreamChannelOptions& options() const { return options_; }
  [[nodiscard]] const Clock& clock() const { return clock_; }

 private:
  StreamChannel(net::any_io_executor executor, StreamChannelOptions options, const Clock& clock);
  void link(bool writer, bool up, const std::string& why);
  void resume();
  void read_next(std::function<void(const std::vector<StreamEntry>&)> batch);
  void check_drain();   // writer strand
  void finish_drain();  // writer strand

  StreamChannelOptions options_;
  const Clock& clock_;
  std::shared_ptr<Client> writer_;
  std::shared_ptr<Client> reader_;
  net::steady_timer read_timer_;        // reader strand
  net::steady_timer drain_timer_;       // writer strand: the drain's deadline
  std::weak_ptr<User> drain_user_;      // writer strand
  std::function<void()> drained_then_;  // writer strand
  bool draining_ = false;               // writer strand
  std::weak_ptr<User> user_;

  mutable std::mutex mutex_;
  Link writer_link_ = Link::Unknown;
  Link reader_link_ = Link::Unknown;
  bool reading_ = false;  // a read step is in flight (or following)
  bool halted_ = false;
  bool started_ = false;
  std::string position_ = "$";
  std::string last_error_;
};

}  // namespace lodestone::redis
