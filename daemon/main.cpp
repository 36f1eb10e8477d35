// lodestone: the rare-earth market board and alerting daemon.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "lodestone/app/access_link.hpp"
#include "lodestone/app/calendar_command.hpp"
#include "lodestone/app/calendar_service.hpp"
#include "lodestone/app/config.hpp"
#include "lodestone/app/daemon.hpp"
#include "lodestone/app/notify_test_command.hpp"
#include "lodestone/app/symbol_command.hpp"
#include "lodestone/app/universe.hpp"
#include "lodestone/cli/backtest_command.hpp"
#include "lodestone/cli/progress_line.hpp"
#include "lodestone/cli/user_command.hpp"
#include "lodestone/core/calendar.hpp"
#include "lodestone/core/guarded_main.hpp"
#include "lodestone/core/json_writer.hpp"
#include "lodestone/feeds/canonical.hpp"
#include "lodestone/notify/sender.hpp"
#include "lodestone/rules/backtest.hpp"
#include "lodestone/rules/diagnostic.hpp"
#include "lodestone/rules/parser.hpp"
#include "lodestone/web/tls.hpp"

#ifndef LODESTONE_VERSION
#define LODESTONE_VERSION "0.0.0"
#endif

namespace {

int run(int argc, char** argv) {
  using namespace lodestone;
  CLI::App cli{"Lodestone: real-time rare-earth market board and alerting daemon"};
  cli.require_subcommand(1);

  auto* serve = cli.add_subcommand("serve", "Run the daemon");
  std::string config_path;
  std::string listen;
  std::string tape;
  std::string rules;
  std::string redis;
  std::string log_level;
  std::string port_file;
  std::string web_root;
  double speed = -1;
  bool no_loop = false;
  bool no_tape = false;
  serve->add_option("--config", config_path, "YAML configuration file")->check(CLI::ExistingFile);
  serve->add_option("--listen", listen, "HOST:PORT to serve on (default 127.0.0.1:8080)");
  serve->add_option("--tape", tape, "Replay this NDJSON tape")->check(CLI::ExistingFile);
  serve->add_option("--speed", speed, "Replay speed factor (0 = as fast as possible)")->check(CLI::Range(0.0, 1e6));
  serve->add_flag("--no-loop", no_loop, "Stop at the end of the tape instead of starting over");
  serve->add_flag("--no-tape", no_tape, "Do not replay a tape");
  serve->add_option("--rules", rules, "Rules file");
  serve->add_option("--redis", redis, "Redis URL, redis://host:port/db");
  serve->add_option("--log-level", log_level, "trace, debug, info, warn, error");
  serve->add_option("--port-file", port_file, "Write the bound port to this file once listening");
  serve->add_option("--web-root", web_root, "Directory holding the built page");

  auto* check = cli.add_subcommand("check-config", "Validate a configuration file and the reference data it names");
  std::string check_path;
  check->add_option("file", check_path, "Configuration file")->required();

  auto* check_rules = cli.add_subcommand("check-rules", "Validate a rules file (exit 0, or file:line:column errors)");
  std::string rules_path;
  std::string universe_path = app::default_config().universe;
  check_rules->add_option("file", rules_path, "Rules file")->required();
  check_rules->add_option("--universe", universe_path, "Reference data the rules name");

  const auto backtest = cli::add_backtest_command(cli);

  auto* calendar = cli.add_subcommand("calendar", "Trading or closed, known or not, and the sessions of each date");
  app::CalendarCommand calendar_args;
  calendar->add_option("dates", calendar_args.dates, "YYYY-MM-DD, YYYYMMDD or today")->required();
  calendar->add_option("--calendar", calendar_args.calendar_file, "Calendar file (default: the built-in one)");
  calendar->add_flag("--json", calendar_args.json, "One JSON object per date");

  auto* notify_test = cli.add_subcommand(
      "notify-test", "Send a test message to one receiver of notify.receivers and print the service's answer");
  app::NotifyTestCommand notify_test_args;
  notify_test->add_option("receiver", notify_test_args.receiver, "The receiver's name")->required();
  notify_test->add_option("--config", notify_test_args.config, "YAML configuration file")->check(CLI::ExistingFile);
  cli.add_subcommand("version", "Print the version");
  app::SymbolCommand symbol_command(cli);
  const auto user_command = cli::add_user_command(cli);

  CLI11_PARSE(cli, argc, argv);

  if (symbol_command.chosen()) return symbol_command.run();
  if (user_command.command->parsed())
    return cli::run_user_command(*user_command.args, system_clock(), std::cout, std::cerr);

  if (cli.got_subcommand("version")) {
    std::cout << "lodestone " << LODESTONE_VERSION << "\n";
    return 0;
  }

  if (cli.got_subcommand("notify-test")) {
    notify::CurlSender sender;
    return app::run_notify_test(notify_test_args, system_clock(), sender, std::cout, std::cerr);
  }
  if (cli.got_subcommand("calendar"))
    return app::run_calendar_command(calendar_args, system_clock(), std::cout, std::cerr);

  if (cli.got_subcommand("check-config")) {
    auto config = app::load_config(check_path);
    if (!config) {
      std::cerr << config.error().message << "\n";
      return 1;
    }
    auto universe = app::load_universe(config->universe);
    if (!universe) {
      std::cerr << universe.error().message << "\n";
      return 1;
    }
    if (auto st = app::CalendarService(config->calendar).check(); !st) {
      std::cerr << st.error().message << "\n";
      return 1;
    }
    if (auto st = web::check_tls_files(config->server.tls_cert, config->server.tls_key); !st) {
      std::cerr << check_path << ": " << st.error().message << "\n";
      return 1;
    }
    auto users = app::check_users_file(*config);
    if (!users) {
      std::cerr << users.error().message << "\n";
      return 1;
    }
    for (const auto& w : config->notify.warnings) std::cerr << check_path << ": warning: " << w << "\n";
    std::cout << check_path << ": ok (" << universe->size() << " instruments";
    if (config->notify.enabled())
      std::cout << ", " << config->notify.receivers.size() << " notification receivers, "
                << config->notify.routes.size() << " routes";
    if (!config->users.empty()) std::cout << ", " << *users << " users";
    std::cout << ")\n";
    return 0;
  }

  if (cli.got_subcommand("backtest"))
    return cli::run_backtest(*backtest, std::cout, std::cerr, cli::ProgressLine::stderr_is_terminal());

  if (cli.got_subcommand("check-rules")) {
    auto universe = app::load_universe(universe_path);
    if (!universe) {
      std::cerr << universe.error().message << "\n";
      return 2;
    }
    const std::string& file = rules_path;
    auto diagnostics = rules::check_rules_file(file, *universe);
    if (!diagnostics.empty()) {
      std::cerr << rules::format(diagnostics);
      return 1;
    }
    auto ruleset = rules::load_rules_file(file, *universe);
    if (!ruleset) {
      std::cerr << ruleset.error().message << "\n";
      return 1;
    }
    std::cout << file << ": ok (" << (*ruleset)->rules.size() << " rules)\n";
    return 0;
  }

  auto config = config_path.empty() ? Result<app::Config>(app::default_config()) : app::load_config(config_path);
  if (!config) {
    std::cerr << config.error().message << "\n";
    return 2;
  }
  // Flags override the file for the everyday cases.
  if (!listen.empty()) {
    if (auto st = app::parse_listen(listen, config->server); !st) {
      std::cerr << "--listen: " << st.error().message << "\n";
      return 2;
    }
  }
  if (!tape.empty()) config->tape = app::TapeConfig{tape, 60.0, true};
  if (no_tape) config->tape.reset();
  if (config->tape && speed >= 0) config->tape->speed = speed;
  if (config->tape && no_loop) config->tape->loop = false;
  if (!rules.empty()) config->rules = rules;
  if (!redis.empty()) config->redis = redis;
  if (!log_level.empty()) config->log_level = log_level;
  if (!web_root.empty()) config->server.web_root = web_root;
  // NOLINTNEXTLINE(concurrency-mt-unsafe): start-up, before any thread
  if (const char* token = std::getenv("LODESTONE_API_TOKEN"); token != nullptr && *token != '\0')
    config->server.api_token = token;

  spdlog::set_level(spdlog::level::from_str(config->log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");
  return app::serve(*config, app::RunOptions{port_file});
}

}  // namespace

int main(int argc, char** argv) {
  return lodestone::guarded_main("lodestone", [&] { return run(argc, argv); });
}
