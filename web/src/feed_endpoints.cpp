#include "feed_endpoints.hpp"

#include "lodestone/core/json_writer.hpp"
#include "lodestone/feeds/ndjson.hpp"

namespace lodestone::web {

std::string feeds_json(const std::vector<feeds::FeedStatus::View>& feeds, Timestamp now) {
  std::string out = R"({"feeds":[)";
  bool first = true;
  for (const auto& v : feeds) {
    if (!first) out.push_back(',');
    first = false;
    out += R"({"name":)";
    append_json_string(out, v.name);
    out += R"(,"kind":)";
    append_json_string(out, v.kind);
    out += R"(,"state":")" + std::string(feeds::to_string(v.state)) + R"(","messages":)" + std::to_string(v.messages) +
           R"(,"bytes":)" + std::to_string(v.bytes) + R"(,"reconnects":)" + std::to_string(v.reconnects) +
           R"(,"last_message_age_ms":)" +
           (v.last_message_ms ? std::to_string(now.ms - v.last_message_ms) : std::string("null")) + R"(,"errors":{)";
    bool first_error = true;
    for (const auto& [reason, n] : v.errors) {
      if (!first_error) out.push_back(',');
      first_error = false;
      append_json_string(out, reason);
      out += ":" + std::to_string(n);
    }
    out += "}}";
  }
  out += "]}";
  return out;
}

IngestReport ingest_ndjson(Api& api, std::string_view ndjson) {
  IngestReport report;
  feeds::CanonicalParser parser;
  auto refuse = [&](const Error& error, std::size_t line) {
    ++report.rejected;
    if (report.errors.size() < 20) report.errors.push_back(feeds::line_message(line, error.message));
  };
  feeds::walk_ndjson(ndjson, parser,
                     {[&](feeds::CanonicalEvent& event, const feeds::NdjsonLine& line) {
                        if (const Status st = api.ingest(event, line.text.size()); !st)
                          return refuse(st.error(), line.number);
                        ++report.accepted;
                      },
                      [&](const Error& error, const feeds::NdjsonLine& line) {
                        api.ingest_unreadable(error);
                        refuse(error, line.number);
                      }});
  return report;
}

std::string ingest_json(const IngestReport& report) {
  std::string body = R"({"accepted":)" + std::to_string(report.accepted) + R"(,"rejected":)" +
                     std::to_string(report.rejected) + R"(,"errors":[)";
  for (std::size_t i = 0; i < report.errors.size(); ++i) {
    if (i) body.push_back(',');
    append_json_string(body, report.errors[i]);
  }
  body += "]}";
  return body;
}

}  // namespace lodestone::web
