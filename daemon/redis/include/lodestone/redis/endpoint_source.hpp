#pragma once
// Where a client connects when that can change: with Sentinel, the master's address is asked of
// the Sentinels before each connection attempt, and a client connected to an old master is told
// to leave it when the master moves. A client without a source connects to its fixed endpoint.
#include <functional>
#include <memory>

#include "lodestone/core/result.hpp"
#include "lodestone/redis/url.hpp"

namespace lodestone::redis {

class Client;

class EndpointSource {
 public:
  using Found = std::function<void(Result<Endpoint>)>;
  virtual ~EndpointSource() = default;

  // Where to connect now; `found` runs once, from any thread, never inside this call. `stale`:
  // the last answer did not work (the connection failed or ended, the server was a replica or
  // answered READONLY / LOADING), so ask afresh instead of handing out the address known.
  virtual void locate(bool stale, Found found) = 0;
  // `client` is told (Client::master_moved) whenever the master changes; held weakly.
  virtual void watch(std::weak_ptr<Client> client) = 0;
};

}  // namespace lodestone::redis
