#include "lodestone/feeds/make_feed.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>

#include "http_poller.hpp"
#include "lodestone/feeds/csv_events.hpp"
#include "lodestone/feeds/eastmoney.hpp"
#include "lodestone/feeds/news_xml.hpp"
#include "lodestone/feeds/replay_feed.hpp"
#include "lodestone/feeds/sina.hpp"
#include "lodestone/feeds/tencent.hpp"
#include "ws_json_feed.hpp"

namespace lodestone::feeds {
namespace {

using detail::BodyHandler;
using detail::Delivery;

Charset pick_charset(const std::optional<Charset>& configured, std::string_view content_type, Charset fallback) {
  return configured ? *configured : charset_from_content_type(content_type, fallback);
}

// Sina and Tencent: GBK text unless the server says otherwise.
class TextQuotes : public BodyHandler {
 public:
  using Parse = void (*)(std::string_view, QuoteBatch&);
  TextQuotes(Parse parse, std::optional<Charset> charset) : parse_(parse), charset_(charset) {}
  void handle(std::string_view body, std::string_view content_type, Delivery& d) override {
    const Decoded text = to_utf8(body, pick_charset(charset_, content_type, Charset::Gb18030));
    if (text.invalid > 0)
      d.problem(ErrorCode::bad_encoding, std::to_string(text.invalid) + " bytes not valid in the charset", {});
    batch_.clear();
    parse_(text.text, batch_);
    d.quotes(batch_);
  }

 private:
  Parse parse_;
  std::optional<Charset> charset_;
  QuoteBatch batch_;
};

class EastmoneyQuotes : public BodyHandler {
 public:
  explicit EastmoneyQuotes(EastmoneyScaling scaling) : parser_(scaling) {}
  void handle(std::string_view body, std::string_view, Delivery& d) override {
    batch_.clear();
    parser_.parse(body, batch_);  // UTF-8 JSON; simdjson rejects invalid UTF-8 itself
    d.quotes(batch_);
  }

 private:
  EastmoneyParser parser_;
  QuoteBatch batch_;
};

class XmlNews : public BodyHandler {
 public:
  XmlNews(std::string source, std::optional<Charset> charset) : source_(std::move(source)), charset_(charset) {}
  void handle(std::string_view body, std::string_view content_type, Delivery& d) override {
    // The XML declaration names the encoding the document was written in; it wins over the header.
    const Charset fallback = charset_from_content_type(content_type, Charset::Utf8);
    const Decoded text = to_utf8(body, charset_ ? *charset_ : xml_declared_charset(body, fallback));
    if (text.invalid > 0)
      d.problem(ErrorCode::bad_encoding, std::to_string(text.invalid) + " bytes not valid in the charset", {});
    HeadlineBatch batch;
    parse_news_xml(text.text, source_, batch);
    d.headlines(batch);
  }

 private:
  std::string source_;
  std::optional<Charset> charset_;
};

class JsonNews : public BodyHandler {
 public:
  JsonNews(std::unique_ptr<JsonNewsParser> parser, std::optional<Charset> charset)
      : parser_(std::move(parser)), charset_(charset) {}
  void handle(std::string_view body, std::string_view content_type, Delivery& d) override {
    const Decoded text = to_utf8(body, pick_charset(charset_, content_type, Charset::Utf8));
    if (text.invalid > 0)
      d.problem(ErrorCode::bad_encoding, std::to_string(text.invalid) + " bytes not valid in the charset", {});
    HeadlineBatch batch;
    parser_->parse(text.text, batch);
    d.headlines(batch);
  }

 private:
  std::unique_ptr<JsonNewsParser> parser_;
  std::optional<Charset> charset_;
};

// The tape replay behind the same interface as the live feeds.
class Replay : public Feed {
 public:
  explicit Replay(std::shared_ptr<ReplayFeed> feed) : feed_(std::move(feed)) {}
  void start() override { feed_->start(); }
  void stop() override { feed_->stop(); }

 private:
  std::shared_ptr<ReplayFeed> feed_;
};

std::vector<std::string> codes_for(const FeedConfig& c) {
  std::vector<std::string> codes;
  for (const auto& s : c.symbols) {
    switch (c.kind) {
      case FeedKind::Sina:
      case FeedKind::Tencent:
        codes.push_back(s.sina_code());
        break;
      case FeedKind::Eastmoney:
        codes.push_back(s.eastmoney_secid());
        break;
      default:
        codes.push_back(s.str());
        break;
    }
  }
  return codes;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

}  // namespace

Result<std::shared_ptr<Feed>> make_feed(const FeedConfig& config, net::any_io_executor executor, EventSink& sink,
                                        std::shared_ptr<FeedStatus> status, FeedContext context) {
  if (config.kind == FeedKind::Replay) {
    ReplayOptions options;
    options.name = config.name;
    options.path = config.url;
    // A CSV tape is converted once to canonical NDJSON, which the replay reads and paces.
    if (std::filesystem::path(config.url).extension() == ".csv") {
      const auto ndjson = std::filesystem::temp_directory_path() /
                          ("lodestone-" + std::to_string(::getpid()) + "-" + config.name + ".ndjson");
      std::vector<std::string> skipped;
      auto events = convert_csv_tape(config.url, ndjson.string(), skipped);
      if (!events) return make_error(events.error().code, "feed '" + config.name + "': " + events.error().message);
      for (std::size_t i = 0; i < skipped.size(); ++i) {
        status->on_error(ErrorCode::bad_event);
        if (i < 10) spdlog::warn("feed {}: {}: {}", config.name, config.url, skipped[i]);
      }
      spdlog::info("feed {}: {} events from CSV tape {}", config.name, *events, config.url);
      options.path = ndjson.string();
    }
    options.speed = config.replay_speed;
    options.loop = config.replay_loop;
    options.clock = context.clock;
    return std::shared_ptr<Feed>(
        std::make_shared<Replay>(std::make_shared<ReplayFeed>(executor, options, sink, std::move(status))));
  }
  auto url = parse_url(config.url);
  if (!url) return make_error(url.error().code, "feed '" + config.name + "': " + url.error().message);
  if (!config.ca_file.empty()) {
    net::ssl::context probe(net::ssl::context::tls_client);
    beast::error_code ec;
    probe.load_verify_file(config.ca_file, ec);
    if (ec)
      return make_error(ErrorCode::bad_config,
                        "feed '" + config.name + "': ca_file " + config.ca_file + ": " + ec.message());
  }
  const auto codes = codes_for(config);
  if (config.kind == FeedKind::WsJson) {
    auto parser = JsonQuoteParser::create(config.quote_mapping);
    if (!parser) return make_error(parser.error().code, "feed '" + config.name + "': " + parser.error().message);
    std::string subscribe = config.subscribe;
    if (auto at = subscribe.find("{symbols}"); at != std::string::npos) subscribe.replace(at, 9, join(codes));
    auto target = url->target;
    if (auto at = target.find("{symbols}"); at != std::string::npos) target.replace(at, 9, join(codes));
    url->target = target;
    return std::shared_ptr<Feed>(std::make_shared<detail::WsJsonFeed>(config, *url, std::move(subscribe),
                                                                      std::move(parser).value(), executor, sink,
                                                                      std::move(status), std::move(context)));
  }
  std::unique_ptr<BodyHandler> handler;
  switch (config.kind) {
    case FeedKind::Sina:
      handler = std::make_unique<TextQuotes>(&parse_sina, config.charset);
      break;
    case FeedKind::Tencent:
      handler = std::make_unique<TextQuotes>(&parse_tencent, config.charset);
      break;
    case FeedKind::Eastmoney:
      handler = std::make_unique<EastmoneyQuotes>(eastmoney_scaling_for_url(config.url));
      break;
    case FeedKind::Rss:
      handler = std::make_unique<XmlNews>(config.source, config.charset);
      break;
    case FeedKind::JsonNews: {
      auto parser = JsonNewsParser::create(config.news_mapping);
      if (!parser) return make_error(parser.error().code, "feed '" + config.name + "': " + parser.error().message);
      handler = std::make_unique<JsonNews>(std::move(parser).value(), config.charset);
      break;
    }
    default:
      return make_error(ErrorCode::bad_config, "feed '" + config.name + "': unsupported kind");
  }
  // Sina answers 403 "Kinsoku jikou desu!" without a Referer; Eastmoney expects one too.
  auto headers = config.headers;
  if (config.kind == FeedKind::Sina) headers.try_emplace("Referer", "https://finance.sina.com.cn/");
  if (config.kind == FeedKind::Eastmoney) headers.try_emplace("Referer", "https://quote.eastmoney.com/");
  auto targets = detail::split_targets(url->target, codes, config.max_url_length);
  if (targets.size() > 1) {
    spdlog::info("feed {}: {} symbols in {} requests per poll (URL limit {})", config.name, codes.size(),
                 targets.size(), config.max_url_length);
  }
  return std::shared_ptr<Feed>(std::make_shared<detail::HttpPoller>(config, *url, std::move(targets),
                                                                    std::move(headers), std::move(handler), executor,
                                                                    sink, std::move(status), std::move(context)));
}

}  // namespace lodestone::feeds
