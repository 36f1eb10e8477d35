// What a broadcast costs per delivery (issue #18): one message broadcast to K WebSocket sessions
// as the server makes them, over real loopback TCP, in one io_context on this thread (the
// benchmark configuration: one I/O thread). Reported per delivery: the time (the server's work
// and the kernel's loopback send, which on loopback includes the receiving side's TCP work) and
// the heap allocations, counted by an interposed allocator (tests/web/counting_alloc.cpp); the
// steady state must allocate nothing per delivery.
//   BM_Fanout/K          one message per broadcast, each broadcast written before the next
//   BM_FanoutBurst/K/B   B messages broadcast one by one in one turn, then written (a client
//                        that is behind)
//   BM_FanoutTogether/K/B  the same B broadcast together, as the pipeline sends a turn's messages
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>

#include "counting_alloc.hpp"
#include "fanout_rig.hpp"

namespace {

using lodestone::test::AllocationCount;
using lodestone::web::FanoutRig;
using namespace std::chrono_literals;

bool room_for(std::size_t clients) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return false;
  const rlim_t need = 2 * clients + 64;
  if (lim.rlim_cur >= need) return true;
  if (lim.rlim_max < need) return false;
  lim.rlim_cur = need;
  return ::setrlimit(RLIMIT_NOFILE, &lim) == 0;
}

// This thread's CPU time so far, in user space and in the kernel (on loopback the kernel part
// includes the receiving side's TCP work, done in the sender's context).
struct CpuTime {
  double user_ns = 0, sys_ns = 0;
};
CpuTime cpu_now() {
  rusage u{};
  ::getrusage(RUSAGE_THREAD, &u);
  auto ns = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_usec) * 1e3; };
  return {ns(u.ru_utime), ns(u.ru_stime)};
}

// Client sockets are read out every this many messages (outside the timing): a few KiB per
// client, far below any socket buffer, so no write ever waits for the reader.
constexpr std::size_t kDrainEvery = 32;

void run(benchmark::State& state, std::size_t clients, std::size_t burst, bool together = false) {
  if (!room_for(clients)) {
    state.SkipWithError("not enough file descriptors");
    return;
  }
  FanoutRig rig(clients);
  if (!rig.open(60s)) {
    state.SkipWithError("the clients did not open");
    return;
  }
  rig.prepare(64, 200);
  std::uint64_t sent = rig.sent();
  std::size_t next = 0;
  auto round = [&] {
    if (together) {
      rig.broadcast_together(0, burst);
    } else {
      for (std::size_t b = 0; b < burst; ++b) rig.broadcast(next++);
    }
    sent += clients * burst;
    return rig.run_until_sent(sent, 30s);
  };
  for (int i = 0; i < 64; ++i) {  // warm-up: queues, buffers and handler memory reach their size
    if (!round()) {
      state.SkipWithError("warm-up: not every message was written");
      return;
    }
    (void)rig.drain();
  }
  std::uint64_t allocations = 0;
  std::uint64_t rounds = 0;
  const CpuTime cpu_before = cpu_now();
  AllocationCount::start();
  for (auto _ : state) {
    if (!round()) {
      state.SkipWithError("not every message was written");
      break;
    }
    if (++rounds * burst % kDrainEvery < burst) {
      AllocationCount::stop();
      allocations += AllocationCount::count();
      state.PauseTiming();
      (void)rig.drain();
      state.ResumeTiming();
      AllocationCount::start();
    }
  }
  AllocationCount::stop();
  allocations += AllocationCount::count();
  const CpuTime cpu_after = cpu_now();
  const double deliveries = static_cast<double>(rounds * burst * clients);
  // The server's own work per delivery is the user-space part (the clients' reads, outside the
  // timing, add a little of their own to it; the kernel's sends are the system part).
  state.counters["user_ns_per_delivery"] = deliveries > 0 ? (cpu_after.user_ns - cpu_before.user_ns) / deliveries : 0;
  state.counters["sys_ns_per_delivery"] = deliveries > 0 ? (cpu_after.sys_ns - cpu_before.sys_ns) / deliveries : 0;
  state.SetItemsProcessed(static_cast<std::int64_t>(deliveries));
  state.counters["allocs_per_delivery"] = deliveries > 0 ? static_cast<double>(allocations) / deliveries : 0;
  state.counters["allocs_per_broadcast"] =
      rounds > 0 ? static_cast<double>(allocations) / static_cast<double>(rounds * burst) : 0;
  state.counters["ns_per_delivery"] =
      benchmark::Counter(deliveries, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  if (!AllocationCount::available()) state.SetLabel("allocations not counted in this build");
}

void BM_Fanout(benchmark::State& state) { run(state, static_cast<std::size_t>(state.range(0)), 1); }
void BM_FanoutBurst(benchmark::State& state) {
  run(state, static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)));
}

// The same burst broadcast together (web::Hub's burst, as a pipeline turn sends its headlines
// and the alerts they fire): each client takes all of them, then writes once.
void BM_FanoutTogether(benchmark::State& state) {
  run(state, static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)), true);
}

BENCHMARK(BM_Fanout)->Arg(1)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(BM_FanoutBurst)
    ->Args({100, 16})
    ->Args({100, 256})
    ->Args({1000, 16})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_FanoutTogether)
    ->Args({1000, 1})
    ->Args({1000, 4})
    ->Args({100, 16})
    ->Args({1000, 16})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
