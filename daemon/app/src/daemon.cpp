#include "lodestone/app/daemon.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <optional>
#include <thread>
#include <variant>
#include <vector>

#include "lodestone/app/access_link.hpp"
#include "lodestone/app/calendar_service.hpp"
#include "lodestone/app/feed_health.hpp"
#include "lodestone/app/feed_lag.hpp"
#include "lodestone/app/ingest_checks.hpp"
#include "lodestone/app/metrics.hpp"
#include "lodestone/app/notify_link.hpp"
#include "lodestone/app/redis_link.hpp"
#include "lodestone/app/rules_service.hpp"
#include "lodestone/app/shutdown.hpp"
#include "lodestone/app/stop_signals.hpp"
#include "lodestone/app/universe.hpp"
#include "lodestone/bus/alert_store.hpp"
#include "lodestone/bus/news_log.hpp"
#include "lodestone/bus/pipeline.hpp"
#include "lodestone/feeds/canonical.hpp"
#include "lodestone/feeds/feed.hpp"
#include "lodestone/feeds/feed_config.hpp"
#include "lodestone/feeds/make_feed.hpp"
#include "lodestone/feeds/replay_feed.hpp"
#include "lodestone/web/broadcast.hpp"
#include "lodestone/web/server.hpp"

#ifndef LODESTONE_VERSION
#define LODESTONE_VERSION "0.0.0"
#endif

namespace lodestone::app {
namespace {

// Shutdown's deadlines: the pipeline gets kDrainDeadline to evaluate what was accepted before the
// signal, Redis redis.shutdown_flush (plus kStepDeadline) for the writes still buffered, clients
// kCloseDeadline to answer their close frames; the quick steps kStepDeadline each.
constexpr std::chrono::milliseconds kStepDeadline{500};
constexpr std::chrono::milliseconds kDrainDeadline{3000};
constexpr std::chrono::milliseconds kCloseDeadline{1000};
// Messages already with a service get this long to be answered (and settled, so a restart does
// not send them again); a service that hangs longer is asked again after the restart.
constexpr std::chrono::milliseconds kNotifyDrain{3000};

// A replay without live feeds keeps event time: the rules run on the events' clock, and what is
// posted to ingest is checked at its own time.
bool keeps_event_time(const Config& c) { return c.tape.has_value() && c.feeds.empty(); }

// The web server reads "now" from the daemon's clock too.
web::ServerOptions with_clock(web::ServerOptions options, const Clock& clock) {
  options.clock = std::cref(clock);
  return options;
}

// Every alert the pipeline publishes is counted and offered to the notification routes.
class PublishedAlerts final : public bus::PipelineObserver {
 public:
  explicit PublishedAlerts(Metrics& metrics) : metrics_(metrics) {}
  void set_notify(NotifyLink* notify) { notify_ = notify; }  // before the pipeline starts
  void evaluated(Evaluation what, std::chrono::nanoseconds took) override { metrics_.evaluated(what, took); }
  void published(const Alert& alert) override {
    metrics_.published(alert);
    if (notify_) notify_->publish(alert);
  }

 private:
  Metrics& metrics_;
  NotifyLink* notify_ = nullptr;
};

// Everything one running daemon holds, in construction order.
struct Runtime final : web::Api {
  Runtime(const Config& c, const Clock& clk, InstrumentRegistry reg,
          const std::optional<lodestone::redis::Endpoint>& redis_endpoint)
      : config(c),
        clock(clk),
        calendar(c.calendar),
        registry(std::move(reg)),
        ioc(c.threads),
        board(registry),
        memory_alerts(c.alert_retention),
        redis(redis_endpoint ? std::make_unique<RedisLink>(ioc.get_executor(), c, *redis_endpoint, clock) : nullptr),
        alerts(redis ? redis->alerts() : static_cast<bus::AlertStore&>(memory_alerts)),
        news(c.news_retention),
        metrics(LODESTONE_VERSION, c.server.instance),
        server(ioc, with_clock(c.server, clk), board, *this),
        broadcast(board, server.hub()),
        pipeline(ioc.get_executor(), clock, registry, broadcast, alerts, news, c.max_pending_events) {
    if (redis) redis->attach(registry, broadcast, server.hub(), news, pipeline, metrics.registry());
    if (c.notify.enabled()) {
      notify = std::make_unique<NotifyLink>(
          ioc.get_executor(), c, clock, redis ? redis->outbox(c.notify.claim_timeout) : nullptr, metrics.registry(),
          server.hub(), [this](Alert a) { pipeline.raise(std::move(a)); },
          [this]() -> web::RulesControl* { return rules_service.get(); });
      published.set_notify(notify.get());
    }
    pipeline.set_observer(&published);
  }

  // web::Api
  std::vector<feeds::FeedStatus::View> feeds() override {
    std::vector<feeds::FeedStatus::View> out;
    out.reserve(feed_statuses.size());
    for (const auto& status : feed_statuses) out.push_back(status->view());
    return out;
  }

  bus::AlertRange alerts_after(std::uint64_t after, std::size_t limit) override { return alerts.after(after, limit); }
  std::uint64_t last_alert_seq() override { return alerts.last_seq(); }
  std::string news_json(std::size_t limit) override { return news.json(limit); }

  // Ingest is counted like a feed: messages and lag for what the bus takes, errors by code. Its
  // quotes pass the feeds' sanity checks first (app/ingest_checks.hpp).
  Status ingest(const feeds::CanonicalEvent& event, std::size_t bytes) override {
    // One reading per line: the checks, the bus's checks and the lag all date it alike.
    const Timestamp received = clock.now();
    std::optional<ErrorCode> flag;
    if (const auto* quote = std::get_if<Quote>(&event)) {
      IngestVerdict v = ingest_checks.check(*quote, received);
      for (const auto& line : v.log) spdlog::warn("feed ingest: {}", line);
      if (!v.status) {
        ingest_status->on_error(v.status.error().code);
        return v.status;
      }
      flag = v.flag;
    }
    Status st = std::visit([&](const auto& e) { return pipeline.accept(e, received); }, event);
    if (!st) {
      ingest_status->on_error(st.error().code);
      return st;
    }
    if (flag) ingest_status->on_error(*flag);  // taken, and counted as a feed counts it
    ingest_status->on_message(bytes, received);
    ingest_lag.Observe(lag_seconds(received.ms, std::visit([](const auto& e) { return e.ts; }, event)));
    return st;
  }
  void ingest_unreadable(const Error& error) override { ingest_status->on_error(error.code); }

  bool ready(std::string& why) override {
    if (!listening.load()) {
      why = "not listening yet";
      return false;
    }
    if (redis) why = redis->degraded_reason();
    return why.empty();
  }

  // Not a reason to take the daemon out of rotation: every instance shares the calendar, and the
  // exchanges publish next year's closures only days before it starts.
  std::string readiness_warning() override {
    std::string warning =
        calendar_warning(calendar_horizon(TradingCalendar::shanghai(), clock.now()), calendar.source());
    if (notify) {
      // A broken receiver is an operator's job, not a reason to stop serving the board.
      if (auto broken = notify->broken_receivers(); !broken.empty()) warning += (warning.empty() ? "" : "; ") + broken;
    }
    if (redis) {
      if (auto sentinels = redis->readiness_warning(); !sentinels.empty())
        warning += (warning.empty() ? "" : "; ") + sentinels;
    }
    return warning;
  }

  std::string metrics_text() override {
    if (access) access->update_metrics();
    if (redis) redis->update_metrics();
    if (notify) notify->update_metrics();
    MetricsInputs in;
    in.feeds = feeds();
    in.pipeline = pipeline.counters();
    in.pipeline_pending = pipeline.pending();
    in.ws_clients = server.hub().clients();
    in.http_connections = server.connections();
    in.ws_messages_sent = server.hub().messages_sent();
    in.ws_slow_closed = server.hub().slow_clients_closed();
    if (rules_service) in.rules = rules_service->rule_counters();
    in.ws_queue = server.hub().queue_depth();
    in.web = &server.stats();
    in.now_ms = clock.now().ms;
    in.calendar_days_known = TradingCalendar::shanghai().days_known_from(exchange_date(clock.now()));
    in.calendar_reload_errors = calendar.reload_errors();
    return metrics.render(in);
  }

  web::RulesControl* rules() override { return rules_service.get(); }

  std::vector<bus::StoredAlert> alert_notifications(std::string_view alert_key) override {
    return alerts.find(alert_key);
  }
  void deliveries(std::string alert_key, std::function<void(web::HttpAnswer)> reply) override {
    if (!notify) return web::Api::deliveries(std::move(alert_key), std::move(reply));
    notify->deliveries(alert_key, std::move(reply));
  }
  std::string notify_status() override { return notify ? notify->status_json() : web::Api::notify_status(); }
  auth::AccessControl* access_control() override { return access ? &access->control() : nullptr; }

  const Config& config;
  const Clock& clock;
  CalendarService calendar;
  InstrumentRegistry registry;
  net::io_context ioc;
  web::Board board;
  bus::MemoryAlertStore memory_alerts;
  std::unique_ptr<RedisLink> redis;  // with a Redis URL: alerts and state shared through Redis
  bus::AlertStore& alerts;
  bus::NewsLog news;
  Metrics metrics;
  PublishedAlerts published{metrics};
  web::Server server;
  web::Broadcast broadcast;
  bus::Pipeline pipeline;
  std::vector<std::shared_ptr<feeds::FeedStatus>> feed_statuses;
  std::shared_ptr<feeds::FeedStatus> ingest_status = std::make_shared<feeds::FeedStatus>("ingest", "http");
  IngestChecks ingest_checks{registry, *ingest_status, keeps_event_time(config)};
  std::vector<std::shared_ptr<feeds::ReplayFeed>> replays;
  prometheus::Histogram& ingest_lag = metrics.feed_lag("ingest");
  std::vector<std::unique_ptr<FeedLagSink>> lag_sinks;  // outlive the feeds that write to them
  std::vector<std::shared_ptr<feeds::Feed>> live_feeds;
  std::shared_ptr<RulesService> rules_service;
  std::unique_ptr<NotifyLink> notify;  // with notify.receivers configured
  std::atomic<bool> listening{false};
  std::unique_ptr<AccessLink> access;  // users, tickets, the throttle, the audit log: set before listening
};

// Behind a load balancer the first step of SIGTERM: /readyz answers 503 "draining" while
// every client is still served, for http.drain_delay, so the balancer's health check takes this
// daemon out of rotation before its listener closes (a new client then never meets a refused
// connection). Its WebSockets close later with 1001, after the alerts are flushed, and resume
// on another daemon. Without a delay, only /readyz changes (for the rest of the shutdown).
void add_drain_step(ShutdownSequence& shutdown, web::Server& server) {
  const std::chrono::milliseconds delay(server.options().drain_delay_ms);
  shutdown.add("drain: /readyz says draining for " + std::to_string(delay.count()) + " ms", delay + kStepDeadline,
               [&server, delay](ShutdownSequence::Done done) { server.drain(delay, std::move(done)); });
}

}  // namespace

int serve(const Config& config, const RunOptions& options, const Clock& clock) {
  // Before the first thread (Runtime starts some): every thread inherits the blocked mask.
  block_stop_signals();
  if (::geteuid() == 0)
    spdlog::warn(
        "running as root: Lodestone needs no privileges; run it as an unprivileged user (see "
        "deploy/systemd/lodestone.service, DynamicUser=yes)");
  auto registry = load_universe(config.universe);
  if (!registry) {
    spdlog::critical("{}", registry.error().message);
    return 2;
  }
  std::optional<redis::Endpoint> redis_endpoint;
  if (!config.redis.empty()) {
    auto endpoint = redis::parse_url(config.redis);
    if (!endpoint) {
      spdlog::critical("{}", endpoint.error().message);
      return 2;
    }
    redis_endpoint = *endpoint;
  }
  Runtime rt(config, clock, std::move(*registry), redis_endpoint);
  // Before the rules: the engine's trading time is the calendar's.
  if (auto st = rt.calendar.load(); !st) {
    spdlog::critical("calendar: {}", st.error().message);
    return 2;
  }
  CalendarWatch calendar_watch;
  auto watch_calendar = [&] {
    if (auto warning = calendar_watch.check(TradingCalendar::shanghai(), rt.clock.now(), rt.calendar.source()))
      spdlog::warn("{}", *warning);
  };
  watch_calendar();
  // A replay keeps event time; live feeds run on the wall clock. Without a rules file the
  // service still answers silences and acknowledgements.
  rt.rules_service = std::make_shared<RulesService>(rt.clock, rt.registry, config.rules, keeps_event_time(config));
  rt.rules_service->set_publisher([&rt](std::vector<Alert> resolved) { rt.pipeline.raise(std::move(resolved)); });
  if (auto st = rt.rules_service->load(); !st) {
    spdlog::critical("rules: {}", st.error().message);
    return 2;
  }
  rt.pipeline.set_evaluator(rt.redis ? rt.redis->recorder(rt.rules_service)
                                     : rt.rules_service);  // Redis journals what the rules see
  rt.ingest_status->set_state(feeds::FeedState::Live);
  rt.feed_statuses.push_back(rt.ingest_status);

  // Who may do what (#17): a users file with errors stops the start, as a bad rules file does.
  auto access = AccessLink::create(
      config, rt.clock, rt.ioc.get_executor(),
      rt.redis ? std::optional<redis::ClientOptions>(rt.redis->client_options()) : std::nullopt, rt.metrics.registry());
  if (!access) {
    spdlog::critical("{}", access.error().message);
    return 2;
  }
  rt.access = std::move(*access);

  auto port = rt.server.start();
  if (!port) {
    spdlog::critical("{}", port.error().message);
    return 2;
  }
  rt.listening = true;
  if (!options.port_file.empty()) {
    const std::string tmp = options.port_file + ".tmp";
    std::ofstream(tmp) << *port << "\n";
    std::rename(tmp.c_str(), options.port_file.c_str());  // readers never see a half-written file
  }
  const std::string shown_host =
      config.server.host.find(':') != std::string::npos ? "[" + config.server.host + "]" : config.server.host;
  spdlog::info("lodestone {} serving http://{}:{} ({} instruments)", LODESTONE_VERSION, shown_host, *port,
               rt.registry.size());
  if (config.server.web_root.empty()) spdlog::warn("no web_root configured: the page is not served, the API is");

  if (config.tape) {
    auto status = std::make_shared<feeds::FeedStatus>("replay", "replay");
    rt.feed_statuses.push_back(status);
    feeds::ReplayOptions ro;
    ro.path = config.tape->path;
    ro.speed = config.tape->speed;
    ro.clock = rt.clock;
    ro.loop = config.tape->loop;
    auto feed = std::make_shared<feeds::ReplayFeed>(rt.ioc.get_executor(), ro, rt.pipeline, status);
    rt.replays.push_back(feed);
    spdlog::info("replaying {} at {}x{}", ro.path, ro.speed, ro.loop ? ", looping" : "");
  }

  // The daemon's own timers, its signals and every step of the shutdown run on one strand, one at
  // a time: with several I/O threads a timer the signal handler cancels could otherwise be
  // re-armed, or cancelled again, on another thread at the same moment (ThreadSanitizer saw it).
  auto control = net::make_strand(rt.ioc);

  // Live feeds: time-driven rule transitions (a move left unexplained, resolution at the close).
  net::steady_timer ticker(control);
  std::function<void()> tick = [&] {
    ticker.expires_after(std::chrono::seconds(1));
    ticker.async_wait([&](beast::error_code ec) {
      if (ec) return;
      rt.pipeline.tick(rt.clock.now());
      tick();
    });
  };

  // Feed health: a feed that turns stale or down raises a system alert, resolved on recovery.
  FeedHealth feed_health;
  net::steady_timer health_timer(control);
  std::function<void()> watch_feeds = [&] {
    health_timer.expires_after(std::chrono::seconds(1));
    health_timer.async_wait([&](beast::error_code ec) {
      if (ec) return;
      rt.pipeline.raise(feed_health.check(rt.feeds(), rt.clock.now()));
      watch_calendar();  // once a day, as the daemon's clock turns the date
      watch_feeds();
    });
  };
  watch_feeds();

  if (!config.feeds.empty()) {
    feeds::FeedContext context;
    context.registry = &rt.registry;
    context.clock = rt.clock;
    context.news = std::make_shared<feeds::NewsDesk>(rt.registry);
    for (const auto& fc : config.feeds) {
      auto status = std::make_shared<feeds::FeedStatus>(fc.name, std::string(feeds::to_string(fc.kind)));
      auto& sink = *rt.lag_sinks.emplace_back(std::make_unique<FeedLagSink>(
          rt.pipeline, [lag = &rt.metrics.feed_lag(fc.name)](double seconds) { lag->Observe(seconds); },
          [&clock = rt.clock] { return clock.now().ms; }));
      auto feed = feeds::make_feed(fc, rt.ioc.get_executor(), sink, status, context);
      if (!feed) {
        spdlog::critical("feed {}: {}", fc.name, feed.error().message);
        return 2;
      }
      rt.feed_statuses.push_back(status);
      rt.live_feeds.push_back(*feed);
    }
  }
  // Feeds start once Redis restored the rules' state: replayed events reach the engine first.
  std::function<void()> start_feeds = [&] {
    if (rt.notify) rt.notify->start();
    for (auto& f : rt.replays) f->start();
    for (std::size_t i = 0; i < rt.live_feeds.size(); ++i) {
      rt.live_feeds[i]->start();
      spdlog::info("feed {} ({}) started", config.feeds[i].name, feeds::to_string(config.feeds[i].kind));
    }
    if (!config.rules.empty() && !(config.tape && config.feeds.empty())) tick();
  };
  if (rt.redis) {
    // A refused password is a configuration error: shut down (exit 2) instead of retrying.
    rt.redis->on_fatal([] { ::kill(::getpid(), SIGTERM); });
    rt.redis->start(std::chrono::seconds(10), [&] { net::post(control, start_feeds); });
  } else {
    start_feeds();
  }

  // SIGTERM's order of work (app/shutdown.hpp): each step logged, each bounded, no polling.
  auto shutdown = ShutdownSequence::create(control, rt.clock);
  add_drain_step(*shutdown, rt.server);
  shutdown->add("stop accepting connections", kStepDeadline, [&rt](const ShutdownSequence::Done& done) {
    rt.server.stop_accepting();
    done();
  });
  shutdown->add("stop feeds and timers", kStepDeadline, [&](const ShutdownSequence::Done& done) {
    for (auto& f : rt.replays) f->stop();
    for (auto& f : rt.live_feeds) f->stop();
    ticker.cancel();
    health_timer.cancel();
    done();
  });
  // Events already accepted are evaluated, and their alerts handed to the store, before Redis
  // gets its last chance: the pipeline says done after everything queued before it.
  shutdown->add("drain the pipeline", kDrainDeadline,
                [&rt](ShutdownSequence::Done done) { rt.pipeline.post(std::move(done)); });
  if (rt.notify) {
    // Before Redis's last flush: the ledger writes of the answers that arrive go with it.
    shutdown->add("finish notifications in flight", kNotifyDrain,
                  [&rt](ShutdownSequence::Done done) { rt.notify->stop(std::move(done)); });
  }
  if (rt.redis) {
    const std::chrono::milliseconds flush(config.redis_tuning.shutdown_flush_ms);
    // What does not make it is named in the log by the stores.
    shutdown->add("flush Redis", flush + kStepDeadline,
                  [&rt, flush](ShutdownSequence::Done done) { rt.redis->stop(flush, std::move(done)); });
  }
  // A client that stopped reading never completes its close handshake: the deadline bounds it.
  shutdown->add("close WebSockets with 1001", kCloseDeadline,
                [&rt](ShutdownSequence::Done done) { rt.server.close_clients(std::move(done)); });

  spdlog::info("SIGTERM ends this process within {} ms", shutdown->budget().count());

  StopSignals signals(control);
  std::function<void(beast::error_code, int)> on_signal = [&](beast::error_code ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      // The calendar first: the rules reloaded next already count trading time with it.
      if (auto reloaded = rt.calendar.reload(); !reloaded) {
        spdlog::error("SIGHUP: the calendar file has errors; the running calendar stays:\n{}",
                      reloaded.error().message);
      } else {
        watch_calendar();
      }
      if (rt.rules_service) {
        if (auto reloaded = rt.rules_service->reload(); !reloaded) {
          spdlog::error("SIGHUP: the rules file has errors; the running rules stay:\n{}", reloaded.error().message);
        }
      }
      if (auto reloaded = rt.access->reload(); !reloaded)
        spdlog::error("SIGHUP: the users file has errors; the running users stay:\n{}", reloaded.error().message);
      signals.async_wait(on_signal);
      return;
    }
    spdlog::info("{}: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    shutdown->run([&rt] { rt.ioc.stop(); });
  };
  signals.async_wait(on_signal);

  std::vector<std::thread> threads;
  for (int i = 1; i < config.threads; ++i) threads.emplace_back([&rt] { rt.ioc.run(); });
  rt.ioc.run();
  for (auto& t : threads) t.join();
  if (rt.redis && !rt.redis->fatal_error().empty()) {
    spdlog::critical("stopped: redis refused this daemon: {}", rt.redis->fatal_error());
    return 2;
  }
  spdlog::info("stopped");
  return 0;
}

}  // namespace lodestone::app
