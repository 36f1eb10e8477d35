#pragma once
// The master's address, from Redis Sentinel: an EndpointSource every connection of the daemon
// shares (ClientOptions::source).
//
// - Asking: SENTINEL get-master-addr-by-name <master>, of each Sentinel in the configured order
//   until one answers, on one standing connection per Sentinel (AUTH with the Sentinels'
//   password when set). A client asks before each connection attempt; after a failure it asks
//   afresh (`stale`), otherwise the address known is handed out without a round trip.
// - Checking: what the answer names is only trusted once ROLE says "master" there (the client's
//   handshake), so a stale answer never leads to writing on a replica.
// - Following: one more connection per Sentinel subscribes to +switch-master. When the master
//   moves (that message, or an answer naming another address) every watching client leaves the
//   old master and connects to the new one at once.
// - Health: a failover needs a majority of the Sentinels to agree. While fewer are reachable the
//   daemon keeps writing to the master it has, and degraded_reason() says that nobody would
//   promote a replica if that master failed now.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lodestone/core/clock.hpp"
#include "lodestone/net/net.hpp"
#include "lodestone/redis/client.hpp"
#include "lodestone/redis/endpoint_source.hpp"

namespace lodestone::redis {

struct SentinelOptions {
  // sentinels, master and sentinel_password say whom to ask; user, password and db are the
  // master's and go into every answer.
  Endpoint endpoint;
  std::string name = "lodestone";  // connections "<name>-sentinel-<i>" and "<name>-sentinel-<i>-events"
  std::chrono::milliseconds command_timeout{1000};
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{2000};
  // A Sentinel refused the password: a configuration error, not an outage (ClientOptions::on_fatal).
  std::function<void(const std::string& why)> on_fatal;
};

struct SentinelStats {
  struct One {
    std::string address;     // host:port
    std::optional<bool> up;  // unknown until its first connection attempt ended
    std::string last_error;
  };
  std::vector<One> sentinels;
  std::string master;                 // host:port known now; "" until a Sentinel named it
  std::uint64_t failovers = 0;        // times the master moved while this daemon ran
  std::uint64_t switch_messages = 0;  // +switch-master messages for this master
};

class Sentinel final : public EndpointSource, public std::enable_shared_from_this<Sentinel> {
 public:
  // `clock` (command deadlines) must outlive the object.
  static std::shared_ptr<Sentinel> create(net::any_io_executor executor, SentinelOptions options, const Clock& clock);
  ~Sentinel() override;
  Sentinel(const Sentinel&) = delete;
  Sentinel& operator=(const Sentinel&) = delete;

  void start();  // connects to every Sentinel
  void stop();   // closes those connections; a locate() still waiting gets an error

  void locate(bool stale, Found found) override;
  void watch(std::weak_ptr<Client> client) override;

  // "" while a majority of the Sentinels is reachable; else which are not and what that means.
  [[nodiscard]] std::string degraded_reason() const;
  [[nodiscard]] SentinelStats stats() const;

 private:
  Sentinel(net::any_io_executor executor, SentinelOptions options, const Clock& clock);
  void ask(std::size_t i, std::string errors);
  void kick();                         // ask for those waiting, unless an answer is on its way
  [[nodiscard]] bool settled() const;  // some Sentinel connection was made or failed
  void answered(const Result<HostPort>& master);
  void learn(const HostPort& master, const std::string& how);
  void message(std::size_t i, const Reply& reply);
  [[nodiscard]] Endpoint endpoint_of(const HostPort& master) const;
  [[nodiscard]] ClientOptions client_options(std::size_t i) const;

  SentinelOptions options_;
  net::any_io_executor executor_;
  const Clock& clock_;
  std::vector<std::shared_ptr<Client>> queries_;  // one per Sentinel, in the configured order
  std::vector<std::shared_ptr<Client>> events_;   // one per Sentinel, subscribed to +switch-master

  mutable std::mutex mutex_;
  std::optional<HostPort> master_;
  bool asking_ = false;
  bool stopped_ = false;
  std::vector<Found> waiting_;
  std::vector<std::weak_ptr<Client>> watchers_;
  std::uint64_t failovers_ = 0;
  std::uint64_t switch_messages_ = 0;
};

}  // namespace lodestone::redis
