#pragma once
// GET /api/v1/feeds and POST /api/v1/ingest: the feeds' state rendered, and an NDJSON body of
// canonical events read line by line (feeds::walk_ndjson) and handed to the daemon one event at
// a time. Every line gets its own verdict; a bad one never stops the good ones after it.
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/feeds/feed_status.hpp"
#include "lodestone/web/api.hpp"

namespace lodestone::web {

// {"feeds":[{"name":…,"kind":…,"state":…,"messages":…,"bytes":…,"reconnects":…,
// "last_message_age_ms":…|null,"errors":{reason:n}}]}
std::string feeds_json(const std::vector<feeds::FeedStatus::View>& feeds, Timestamp now);

struct IngestReport {
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  std::vector<std::string> errors;  // "line 3: field 'last': missing", the first 20 only
};
IngestReport ingest_ndjson(Api& api, std::string_view ndjson);
// {"accepted":n,"rejected":n,"errors":[…]}
std::string ingest_json(const IngestReport& report);

}  // namespace lodestone::web
