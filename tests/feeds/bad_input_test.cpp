// Bad input, table-driven, through every parser of outside bytes (tests/reliability/README.md
// B3–B10): each row is an input and the one outcome Lodestone promises for it, a reason that
// is counted (the key FeedStatus and /metrics use) or the value that gets through. A quote counts
// as delivered only if the parser yields it AND QuoteSanity lets it pass, as Delivery does.
#include <gtest/gtest.h>

#include <functional>

#include "lodestone/core/validate.hpp"
#include "lodestone/feeds/canonical.hpp"
#include "lodestone/feeds/charset.hpp"
#include "lodestone/feeds/csv_events.hpp"
#include "lodestone/feeds/eastmoney.hpp"
#include "lodestone/feeds/headline_dedup.hpp"
#include "lodestone/feeds/json_mapping.hpp"
#include "lodestone/feeds/news_xml.hpp"
#include "lodestone/feeds/quote_sanity.hpp"
#include "lodestone/feeds/sequence.hpp"
#include "lodestone/feeds/sina.hpp"
#include "lodestone/feeds/tencent.hpp"
#include "lodestone/feeds/text_clean.hpp"
#include "test_util.hpp"

namespace lodestone::feeds {
namespace {

using test::px;
using test::sym;

const Date kDay = make_date(2026, 2, 9);  // a trading Monday
const Timestamp kNow = exchange_time(kDay, 10, 15, 10);

// What one input came to: the quotes that got through, and every reason counted on the way.
struct Outcome {
  std::vector<Quote> delivered;
  std::vector<std::string> reasons;
  bool no_trade = false;
  [[nodiscard]] bool counted(std::string_view reason) const {
    return std::find(reasons.begin(), reasons.end(), reason) != reasons.end();
  }
  [[nodiscard]] std::string describe() const {
    std::string s = std::to_string(delivered.size()) + " delivered";
    for (const auto& q : delivered) s += " [" + q.symbol.str() + " " + q.last.format() + "]";
    s += "; reasons:";
    for (const auto& r : reasons) s += " " + r;
    return s;
  }
};

InstrumentRegistry registry() {
  InstrumentRegistry reg;
  reg.add(instrument_from_code(sym("159713.SZ"), "稀土ETF"));
  reg.add(instrument_from_code(sym("600111.SH"), "北方稀土"));
  return reg;
}

Outcome through_sanity(const QuoteBatch& b, QuoteSanity& sanity, Timestamp now = kNow) {
  Outcome o;
  for (const auto& p : b.problems) o.reasons.emplace_back(p.reason());
  o.no_trade = !b.no_trade.empty();
  for (const auto& q : b.quotes) {
    const auto r = sanity.check(q, now);
    if (r.verdict != Verdict::Accept) o.reasons.emplace_back(r.reason());
    if (r.verdict != Verdict::Reject) o.delivered.push_back(q);
  }
  return o;
}

// ---- the quote sources, each writing 159713.SZ at 2026-02-09 10:15:03 with the given texts ----

struct Fields {
  std::string last = "1.233";
  std::string volume = "98765400";
  std::string bid = "1.232";
  std::string ask = "1.233";
};

using QuoteSource = std::function<QuoteBatch(const Fields&)>;

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

std::string fill(std::string tmpl, const Fields& f) {
  tmpl = replace_all(std::move(tmpl), "{last}", f.last);
  tmpl = replace_all(std::move(tmpl), "{vol}", f.volume);
  tmpl = replace_all(std::move(tmpl), "{bid}", f.bid);
  return replace_all(std::move(tmpl), "{ask}", f.ask);
}

QuoteBatch sina(const Fields& f) {
  QuoteBatch b;
  parse_sina(fill(R"(var hq_str_sz159713="稀土ETF,1.180,1.190,{last},1.240,1.176,{bid},{ask},{vol},120456789.120,)"
                  R"(12000,{bid},8000,1.231,5000,1.230,4000,1.229,3000,1.228,9000,{ask},7000,1.234,6000,1.235,)"
                  R"(5000,1.236,4000,1.237,2026-02-09,10:15:03,00";)",
                  f),
             b);
  return b;
}

QuoteBatch tencent(const Fields& f) {
  QuoteBatch b;
  // Tencent counts lots: the volume text is divided by 100 here so every source means the same shares.
  Fields lots = f;
  if (f.volume == "98765400") lots.volume = "987654";
  parse_tencent(
      fill(R"(v_sz159713="51~稀土ETF~159713~{last}~1.190~1.180~{vol}~500000~487654~{bid}~120~~~~~~~~~{ask}~90~)"
           R"(~~~~~~~~~20260209101503~0.043~3.61~1.240~1.176~1.233/987654/120456789~987654~12045.6789~~~~~~~~~~)"
           R"(1.309~1.071~";)",
           lots),
      b);
  return b;
}

QuoteBatch eastmoney(const Fields& f) {
  QuoteBatch b;
  EastmoneyParser parser(EastmoneyScaling::Decimal);
  Fields lots = f;  // Eastmoney counts lots too
  if (f.volume == "98765400") lots.volume = "987654";
  parser.parse(fill(R"({"rc":0,"data":{"total":1,"diff":[{"f2":{last},"f5":{vol},"f12":"159713","f13":0,)"
                    R"("f18":1.19,"f124":1770603303}]}})",
                    lots),
               b);
  return b;
}

QuoteMapping vendor_mapping() {
  QuoteMapping m;
  m.items = "data";
  m.symbol = "s";
  m.price = "p";
  m.time = "t";
  m.volume = "v";
  m.prev_close = "pc";
  m.bid = "b";
  m.ask = "a";
  m.seq = "seq";
  return m;
}

QuoteBatch vendor(const Fields& f) {
  QuoteBatch b;
  auto parser = JsonQuoteParser::create(vendor_mapping());
  (*parser)->parse(fill(R"({"seq":7,"data":[{"s":"159713.SZ","t":1770603303000,"p":{last},"v":{vol},"pc":1.19,)"
                        R"("b":{bid},"a":{ask}}]})",
                        f),
                   kNow, b);
  return b;
}

QuoteBatch canonical(const Fields& f) {
  QuoteBatch b;
  CanonicalParser parser;
  auto e = parser.parse(fill(R"({"type":"quote","symbol":"159713.SZ","ts":"2026-02-09T10:15:03+08:00","last":{last},)"
                             R"("prev_close":1.19,"volume":{vol},"bid":{bid},"ask":{ask}})",
                             f));
  if (!e) {
    b.problems.push_back(Problem{e.error().code, e.error().message, {}});
  } else {
    b.quotes.push_back(std::get<Quote>(*e));
  }
  return b;
}

QuoteBatch csv(const Fields& f) {
  QuoteBatch b;
  CsvEventParser parser;
  (void)parser.parse_row("type,symbol,ts,last,prev_close,volume,bid,ask");
  auto row = parser.parse_row(fill("quote,159713.SZ,2026-02-09T10:15:03+08:00,{last},1.19,{vol},{bid},{ask}", f));
  if (!row) {
    b.problems.push_back(Problem{ErrorCode::bad_row, row.error().message, {}});
  } else if (*row) {
    b.quotes.push_back(std::get<Quote>(**row));
  }
  return b;
}

struct NamedSource {
  const char* name;
  QuoteSource run;
};

const std::vector<NamedSource>& sources() {
  static const std::vector<NamedSource> all{
      {"sina", sina},        {"tencent", tencent},     {"eastmoney", eastmoney},
      {"vendor-ws", vendor}, {"canonical", canonical}, {"csv", csv},
  };
  return all;
}

TEST(BadInput, TheGoodRowGetsThroughEverySource) {
  // The control: without it every "rejected" below could be a broken template.
  for (const auto& src : sources()) {
    QuoteSanity sanity(nullptr);
    const Outcome o = through_sanity(src.run(Fields{}), sanity);
    ASSERT_EQ(o.delivered.size(), 1U) << src.name << ": " << o.describe();
    EXPECT_EQ(o.delivered[0].last, px("1.233")) << src.name;
    EXPECT_EQ(o.delivered[0].volume, 98765400) << src.name;
    EXPECT_TRUE(o.reasons.empty()) << src.name << ": " << o.describe();
  }
}

// ---- B4: non-finite and absurd numbers never reach the rules as a valid price ----

struct NumberRow {
  const char* token;
  const char* text;       // Sina, Tencent
  const char* json;       // Eastmoney, the vendor WebSocket (JSON; strings are read as decimals)
  const char* canonical;  // JSON numbers only, and 0 is no price
  const char* csv;        // tapes converted at start: a row that does not parse is skipped ("bad_row")
};

// "no_trade": a zero last is the source saying "no trade yet": delivered at the previous close,
// flagged (never as a price of 0). "accept": delivered as 1.234. "-": the row does not apply.
const NumberRow kLastPrices[] = {
    // simdjson On Demand reads a value when asked: a token that cannot start a JSON value (N, I)
    // fails the document; one that starts like a number is handed over as text and refused by
    // the decimal reader. Either way it is refused and counted once.
    {"NaN", "bad_price", "bad_json", "bad_price", "bad_row"},
    {"Infinity", "bad_price", "bad_json", "bad_price", "bad_row"},
    {"-Infinity", "bad_price", "bad_price", "bad_price", "bad_row"},
    {"1e400", "bad_price", "bad_price", "bad_price", "bad_row"},
    {"-1e400", "bad_price", "bad_price", "bad_price", "bad_row"},
    {"1e-400", "bad_price", "bad_price", "bad_price", "bad_row"},
    {"1e-9", "bad_price", "bad_price", "bad_price", "non_positive_price"},  // below a tick, not zero
    {"99999999999999999999", "bad_price", "bad_price", "bad_price", "bad_row"},
    {"-5", "bad_price", "bad_price", "non_positive_price", "non_positive_price"},
    {"-0", "no_trade", "no_trade", "non_positive_price", "non_positive_price"},
    {"0", "no_trade", "no_trade", "non_positive_price", "non_positive_price"},
    {"0x1p3", "bad_price", "bad_price", "bad_price", "bad_row"},
    {"1.2.3", "bad_price", "bad_price", "bad_price", "bad_row"},
    {R"("NaN")", "-", "bad_price", "bad_price", "-"},
    {R"("12.3abc")", "-", "bad_price", "bad_price", "-"},
    {R"("1.234")", "-", "accept", "bad_price", "-"},  // vendors quote numbers as strings; canonical does not
    {"true", "-", "bad_price", "bad_price", "-"},
    {"[1.2]", "-", "bad_price", "bad_price", "-"},
    {"1.234", "accept", "accept", "accept", "accept"},
};

const char* expected_for(const NumberRow& row, std::string_view source) {
  if (source == "sina" || source == "tencent") return row.text;
  if (source == "eastmoney" || source == "vendor-ws") return row.json;
  if (source == "canonical") return row.canonical;
  return row.csv;
}

TEST(BadInput, B4_LastPricesThatAreNotPrices) {
  for (const auto& row : kLastPrices) {
    for (const auto& src : sources()) {
      const std::string_view expected = expected_for(row, src.name);
      if (expected == "-") continue;
      QuoteSanity sanity(nullptr);
      Fields f;
      f.last = row.token;
      const Outcome o = through_sanity(src.run(f), sanity);
      SCOPED_TRACE(std::string(src.name) + " last=" + row.token + ": " + o.describe());
      if (expected == "accept") {
        ASSERT_EQ(o.delivered.size(), 1U);
        EXPECT_EQ(o.delivered[0].last, px("1.234"));
        EXPECT_TRUE(o.reasons.empty());
      } else if (expected == "no_trade") {
        // Delivered at the previous close, flagged, never at the token's value.
        ASSERT_EQ(o.delivered.size(), 1U);
        EXPECT_EQ(o.delivered[0].last, px("1.19"));
        EXPECT_TRUE(o.no_trade);
      } else {
        EXPECT_TRUE(o.delivered.empty());
        EXPECT_TRUE(o.counted(expected)) << "expected reason " << expected;
        EXPECT_EQ(o.reasons.size(), 1U) << "one input, one count";
      }
    }
  }
}

const NumberRow kVolumes[] = {
    {"1.5", "bad_volume", "bad_volume", "bad_volume", "bad_row"},
    {"-5", "bad_volume", "bad_volume", "bad_volume", "bad_row"},
    {"99999999999999999999", "bad_volume", "bad_volume", "bad_volume", "bad_row"},
    {"1e400", "bad_volume", "bad_volume", "bad_volume", "bad_row"},
    {"NaN", "bad_volume", "bad_json", "bad_volume", "bad_row"},
    {R"("12")", "-", "accept", "bad_volume", "-"},
    {"1e2", "accept", "accept", "bad_volume", "accept"},  // a whole number in exponent form; canonical wants digits
};

TEST(BadInput, B4_VolumesThatAreNotWholeShareCounts) {
  for (const auto& row : kVolumes) {
    for (const auto& src : sources()) {
      const std::string_view expected = expected_for(row, src.name);
      if (expected == "-") continue;
      QuoteSanity sanity(nullptr);
      Fields f;
      f.volume = row.token;
      const Outcome o = through_sanity(src.run(f), sanity);
      SCOPED_TRACE(std::string(src.name) + " volume=" + row.token + ": " + o.describe());
      if (expected == "accept") {
        ASSERT_EQ(o.delivered.size(), 1U);
        EXPECT_GT(o.delivered[0].volume.value_or(-1), 0);
      } else {
        EXPECT_TRUE(o.delivered.empty());
        EXPECT_TRUE(o.counted(expected)) << "expected reason " << expected;
        EXPECT_EQ(o.reasons.size(), 1U) << "one input, one count";
      }
    }
  }
}

// ---- B3: truncated, concatenated and trailing garbage ----

TEST(BadInput, B3_TruncatedConcatenatedAndTrailingGarbage) {
  struct Row {
    const char* name;
    std::string text;
    const char* reason;
  };
  const std::string good_json =
      R"({"seq":7,"data":[{"s":"159713.SZ","t":1770603303000,"p":1.233,"v":98765400,"pc":1.19}]})";
  const std::vector<Row> vendor_rows{
      {"truncated", good_json.substr(0, good_json.size() / 2), "bad_json"},
      {"two documents", good_json + good_json, "bad_json"},
      {"trailing garbage", good_json + " xyz", "bad_json"},
      {"a comma too many", R"({"data":[{"s":"159713.SZ","p":1.2,},]})", "bad_json"},
      {"empty", "", "bad_json"},
      {"whitespace", "   \n", "bad_json"},
  };
  for (const auto& row : vendor_rows) {
    QuoteBatch b;
    auto parser = JsonQuoteParser::create(vendor_mapping());
    (*parser)->parse(row.text, kNow, b);
    QuoteSanity sanity(nullptr);
    const Outcome o = through_sanity(b, sanity);
    SCOPED_TRACE(std::string("vendor-ws ") + row.name + ": " + o.describe());
    EXPECT_TRUE(o.delivered.empty());
    EXPECT_TRUE(o.counted(row.reason)) << "expected " << row.reason;
    // A refused message's sequence number is not trusted either.
    EXPECT_FALSE(b.seq.has_value());
  }
  const std::string em =
      R"({"rc":0,"data":{"total":1,"diff":[{"f2":1.233,"f12":"159713","f13":0,"f18":1.19,"f124":1770603303}]}})";
  const std::vector<Row> eastmoney_rows{
      {"truncated", em.substr(0, em.size() / 2), "bad_json"},
      {"two documents", em + em, "bad_json"},
      {"trailing garbage", em + " xyz", "bad_json"},
      {"a comma too many", R"({"rc":0,"data":{"diff":[{"f2":1.2,},]}})", "bad_json"},
      {"empty", "", "bad_json"},
  };
  for (const auto& row : eastmoney_rows) {
    QuoteBatch b;
    EastmoneyParser parser(EastmoneyScaling::Decimal);
    parser.parse(row.text, b);
    SCOPED_TRACE(std::string("eastmoney ") + row.name);
    EXPECT_TRUE(b.quotes.empty());
    ASSERT_EQ(b.problems.size(), 1U);
    EXPECT_EQ(b.problems[0].reason(), row.reason);
  }
  CanonicalParser canonical;
  const std::string line = R"({"type":"quote","symbol":"159713.SZ","ts":1770603303000,"last":1.233})";
  for (const auto& [text, reason] : std::vector<std::pair<std::string, std::string>>{
           {line.substr(0, 30), "bad_json"},
           {line + line, "bad_json"},
           {line + "garbage", "bad_json"},
           {"[" + line + "]", "bad_event"},
           {"GET / HTTP/1.1", "bad_json"},
           {R"("a string")", "bad_event"},
           {R"({"type":"trade","symbol":"159713.SZ"})", "bad_event"},
           {R"({"symbol":"159713.SZ","last":1.2})", "bad_event"},
           {R"({"type":"quote","symbol":"159713.SZ","last":1.2})", "missing_field"},
           {R"({"type":"quote","symbol":"XYZ","ts":1770603303000,"last":1.2})", "bad_symbol"},
           {R"({"type":"quote","symbol":"159713.SZ","ts":"yesterday","last":1.2})", "bad_time"},
           {R"({"type":"news","id":"n1","ts":1770603303000})", "missing_field"},
           {std::string(2000, '[') + std::string(2000, ']'), "bad_event"},
       }) {
    auto e = canonical.parse(text);
    EXPECT_FALSE(e) << text.substr(0, 80);
    EXPECT_EQ(e ? "" : to_string(e.error().code), reason)
        << text.substr(0, 80) << " -> " << (e ? "" : e.error().message);
  }
  EXPECT_TRUE(canonical.parse(line));

  // Text answers: a statement cut short, one without its quotes, and noise between statements.
  const std::string sina_line = R"(var hq_str_sz159713="稀土ETF,1.180,1.190,1.233,1.240,1.176,1.232,1.233,98765400,)"
                                R"(120456789.120,12000,1.232,8000,1.231,5000,1.230,4000,1.229,3000,1.228,9000,1.233,)"
                                R"(7000,1.234,6000,1.235,5000,1.236,4000,1.237,2026-02-09,10:15:03,00";)";
  for (const auto& [text, reason, quotes] : std::vector<std::tuple<std::string, std::string, std::size_t>>{
           {sina_line.substr(0, 60), "truncated", 0},
           {sina_line + "\n" + sina_line.substr(0, 80), "truncated", 1},  // the whole first statement survives
           {sina_line + "\n<html>502 Bad Gateway</html>\n", "bad_line", 1},
           {R"(var hq_str_sz159713="稀土ETF,1.180,1.190,1.233";)", "short_line", 0},
       }) {
    QuoteBatch b;
    parse_sina(text, b);
    EXPECT_EQ(b.quotes.size(), quotes) << text.substr(0, 60);
    ASSERT_FALSE(b.problems.empty()) << text.substr(0, 60);
    EXPECT_EQ(b.problems[0].reason(), reason) << text.substr(0, 60);
  }
  QuoteBatch tb;
  parse_tencent(R"(v_sz159713="51~稀土ETF~159713~1.233~1.190)", tb);
  ASSERT_EQ(tb.problems.size(), 1U);
  EXPECT_EQ(tb.problems[0].reason(), "truncated");

  // XML news cut short inside an item: a cut title ("稀土出口管") would read as a different
  // headline, so the item is refused ("truncated"); cut before any element, the document is bad.
  const std::string rss = R"(<?xml version="1.0"?><rss><channel><title>t</title><item><title>稀土出口管制</title>)"
                          R"(<guid>g1</guid><pubDate>Mon, 09 Feb 2026 10:15:03 +0800</pubDate></item></channel></rss>)";
  {
    HeadlineBatch whole;
    parse_news_xml(rss, "", whole);
    ASSERT_EQ(whole.headlines.size(), 1U) << "the control document parses";
  }
  for (const auto& [text, reason] : std::vector<std::pair<std::string, std::string>>{
           {rss.substr(0, rss.size() - 30), "truncated"},
           {rss.substr(0, rss.find("管制")), "truncated"},
           {rss.substr(0, 20), "bad_xml"},
       }) {
    HeadlineBatch hb;
    parse_news_xml(text, "", hb);
    EXPECT_TRUE(hb.headlines.empty()) << text;
    ASSERT_EQ(hb.problems.size(), 1U) << text;
    EXPECT_EQ(hb.problems[0].reason(), reason) << text;
  }
  // Cut after the item closed: the complete item stands.
  HeadlineBatch after;
  parse_news_xml(rss.substr(0, rss.size() - 8), "", after);
  EXPECT_EQ(after.headlines.size(), 1U);
}

// ---- B5: encodings ----

TEST(BadInput, B5_EncodingsAreTranscodedOrRefusedAndCounted) {
  // GBK bytes where UTF-8 was promised: JSON sources refuse the document (simdjson checks UTF-8).
  const std::string gbk_title = "\xcf\xa1\xcd\xc1";  // 稀土 in GBK
  QuoteBatch b;
  auto parser = JsonQuoteParser::create(vendor_mapping());
  (*parser)->parse(R"({"data":[{"s":"159713.SZ","p":1.233,"name":")" + gbk_title + R"("}]})", kNow, b);
  EXPECT_TRUE(b.quotes.empty());
  ASSERT_EQ(b.problems.size(), 1U);
  EXPECT_EQ(b.problems[0].reason(), "bad_encoding");

  // The canonical format: invalid UTF-8, overlong forms, lone surrogates, NUL and other control
  // characters, and bidirectional overrides are refused by reason; nothing is forwarded.
  CanonicalParser canonical;
  auto news = [](std::string title) {
    return R"({"type":"news","id":"n1","ts":1770603303000,"source":"s","title":")" + title + R"("})";
  };
  for (const auto& [title, reason] : std::vector<std::pair<std::string, std::string>>{
           {gbk_title, "bad_encoding"},
           {"\xc0\xaf", "bad_encoding"},      // overlong '/'
           {"\xed\xa0\x80", "bad_encoding"},  // a surrogate encoded directly
           {"\\ud800", "bad_field"},          // a lone surrogate escape: not a string
           {"a\\u0000b", "bad_text"},         // NUL
           {"a\\u001bb", "bad_text"},         // ESC
           {"a\\u007fb", "bad_text"},         // DEL
           {"\xe2\x80\xae"
            "evil",
            "bad_text"},                     // U+202E RIGHT-TO-LEFT OVERRIDE
           {"\\u2066x\\u2069", "bad_text"},  // isolates
       }) {
    auto e = canonical.parse(news(title));
    EXPECT_FALSE(e) << title;
    EXPECT_EQ(e ? "" : to_string(e.error().code), reason) << title << " -> " << (e ? "accepted" : e.error().message);
  }
  // Tabs, new lines and every printable character stay as written.
  auto ok = canonical.parse(news("稀土\\t出口\\r\\n管制 ％ ✓"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(std::get<Headline>(*ok).title, "稀土\t出口\r\n管制 ％ ✓");

  // Transcoding sources: invalid bytes become U+FFFD and are counted by the feed (make_feed).
  const Decoded d = to_utf8("ok \xff\xfe end", Charset::Utf8);
  EXPECT_EQ(d.invalid, 2U);
  EXPECT_EQ(d.text, "ok \xef\xbf\xbd\xef\xbf\xbd end");
  const Decoded g = to_utf8(gbk_title + "\x81", Charset::Gb18030);  // a lead byte without its trail
  EXPECT_EQ(g.invalid, 1U);
  EXPECT_EQ(g.text.substr(0, 6), "稀土");

  // Vendor news text is cleaned: control characters and bidirectional overrides are dropped.
  EXPECT_EQ(strip_html("a\xe2\x80\xae"
                       "b\x01"
                       "c"),
            "abc");
}

// ---- B6 and D12: order, duplicates, resets ----

Quote q159713(Timestamp ts, std::string_view last, std::int64_t volume) {
  Quote q;
  q.symbol = sym("159713.SZ");
  q.ts = ts;
  q.last = px(last);
  q.prev_close = px("1.190");
  q.volume = volume;
  return q;
}

TEST(BadInput, B6_DuplicatesOutOfOrderAndAVolumeResetThatIsNotAStorm) {
  const auto reg = registry();
  QuoteSanity s(&reg);
  const Timestamp t = exchange_time(kDay, 10, 15);
  auto at = [&](int seconds) { return Timestamp{t.ms + seconds * 1000LL}; };
  struct Row {
    int second;
    const char* last;
    std::int64_t volume;
    const char* reason;  // "" = accepted
  };
  const Row rows[] = {
      {0, "1.233", 1000, ""},
      {0, "1.233", 1000, "duplicate"},  // the same snapshot polled again
      {3, "1.234", 1500, ""},
      {2, "1.232", 1400, "out_of_order"},  // older than what we have
      {3, "1.234", 1500, "duplicate"},
      {4, "1.235", 1200, "out_of_order"},  // the volume went back: one bad snapshot…
      {5, "1.236", 1800, ""},              // …and the source carries on
      // An upstream restart: its cumulative volume counts again from a lower number. The first
      // two are refused; the third in a row agreeing confirms the restart.
      {6, "1.236", 100, "out_of_order"},
      {7, "1.237", 150, "out_of_order"},
      {8, "1.238", 220, "volume_reset"},
      {9, "1.239", 260, ""},
      {9, "1.239", 260, "duplicate"},
  };
  int delivered = 0;
  for (const auto& r : rows) {
    const auto result = s.check(q159713(at(r.second), r.last, r.volume), kNow);
    SCOPED_TRACE(std::to_string(r.second) + "s " + r.last + " " + std::to_string(r.volume));
    EXPECT_EQ(result.reason(), r.reason) << result.detail;
    if (result.verdict != Verdict::Reject) ++delivered;
  }
  EXPECT_EQ(delivered, 5);

  // A thousand quotes after a restart cost at most two rejections, not a thousand.
  QuoteSanity restart(&reg);
  ASSERT_EQ(restart.check(q159713(at(0), "1.233", 5'000'000), kNow).verdict, Verdict::Accept);
  int rejected = 0;
  for (int i = 1; i <= 1000; ++i) {
    const auto r = restart.check(q159713(Timestamp{t.ms + i * 10}, "1.233", 100 + i), kNow);
    if (r.verdict == Verdict::Reject) ++rejected;
  }
  EXPECT_EQ(rejected, 2);

  // Regressions that do not agree (each lower than the one before) never make a reset.
  QuoteSanity noisy(&reg);
  ASSERT_EQ(noisy.check(q159713(at(0), "1.233", 5000), kNow).verdict, Verdict::Accept);
  for (int i = 1; i <= 10; ++i)
    EXPECT_EQ(noisy.check(q159713(at(i), "1.233", 4000 - i * 100), kNow).reason(), "out_of_order") << i;

  // rebase (a reconnect) forgets volumes but not times: a lower count is taken at once, an
  // older snapshot replayed by the new connection is still refused.
  QuoteSanity rebased(&reg);
  ASSERT_EQ(rebased.check(q159713(at(10), "1.233", 5000), kNow).verdict, Verdict::Accept);
  rebased.rebase();
  EXPECT_EQ(rebased.check(q159713(at(5), "1.230", 4000), kNow).reason(), "out_of_order");
  EXPECT_EQ(rebased.check(q159713(at(11), "1.234", 4000), kNow).verdict, Verdict::Accept);
}

TEST(BadInput, B6_MessageSequenceGapsDuplicatesResendsAndRestarts) {
  SequenceTracker t;
  struct Row {
    std::uint64_t seq;
    SequenceKind kind;
    std::uint64_t missing;
  };
  const Row rows[] = {
      {100, SequenceKind::First, 0}, {101, SequenceKind::Next, 0}, {101, SequenceKind::Duplicate, 0},
      {105, SequenceKind::Gap, 3},   {103, SequenceKind::Old, 0},  {106, SequenceKind::Next, 0},
      {1, SequenceKind::Reset, 0},  // the upstream restarted and counts from 1 again
      {2, SequenceKind::Next, 0},    {3, SequenceKind::Next, 0},
  };
  for (const auto& r : rows) {
    const auto v = t.next(r.seq);
    EXPECT_EQ(v.kind, r.kind) << r.seq;
    EXPECT_EQ(v.missing, r.missing) << r.seq;
  }
  // A restart we joined late (its first numbers lost): three in a row below the last number,
  // running forward, are a restart; until then they are old.
  SequenceTracker late;
  late.next(5000);
  EXPECT_EQ(late.next(40).kind, SequenceKind::Old);
  EXPECT_EQ(late.next(41).kind, SequenceKind::Old);
  EXPECT_EQ(late.next(42).kind, SequenceKind::Reset);
  EXPECT_EQ(late.next(43).kind, SequenceKind::Next);
  // Resends in no order stay old, however many.
  SequenceTracker resends;
  resends.next(5000);
  for (std::uint64_t s : {4990, 4980, 4999, 4970, 4960, 4950}) EXPECT_EQ(resends.next(s).kind, SequenceKind::Old) << s;
  // A new connection starts afresh.
  resends.reset();
  EXPECT_EQ(resends.next(7).kind, SequenceKind::First);
}

TEST(BadInput, B6_TheVendorMappingReadsTheSequenceNumber) {
  auto parser = JsonQuoteParser::create(vendor_mapping());
  QuoteBatch b;
  (*parser)->parse(R"({"seq":12345,"data":[{"s":"159713.SZ","p":1.233,"t":1770603303000}]})", kNow, b);
  EXPECT_EQ(b.seq, 12345U);
  for (const std::string bad : {R"("x")", "-1", "1.5", "true", "99999999999999999999"}) {
    QuoteBatch bb;
    (*parser)->parse(R"({"seq":)" + bad + R"(,"data":[{"s":"159713.SZ","p":1.233,"t":1770603303000}]})", kNow, bb);
    EXPECT_FALSE(bb.seq) << bad;
    ASSERT_FALSE(bb.problems.empty()) << bad;
    EXPECT_EQ(bb.problems[0].reason(), "bad_seq") << bad;
  }
}

// ---- B7: timestamps ----

TEST(BadInput, B7_FutureFarPastAndNonMonotonicTimes) {
  const auto reg = registry();
  struct Row {
    const char* name;
    Timestamp ts;
    const char* reason;
  };
  const Row rows[] = {
      {"now", kNow, ""},
      {"inside the skew tolerance (59 s ahead)", Timestamp{kNow.ms + 59'000}, ""},
      {"beyond the skew tolerance (61 s ahead)", Timestamp{kNow.ms + 61'000}, "future_timestamp"},
      {"next year", Timestamp{kNow.ms + 365LL * 86'400'000}, "future_timestamp"},
      {"last Friday's close on Monday morning", exchange_time(make_date(2026, 2, 6), 15, 0), "stale"},
      {"1970", Timestamp{1000}, "stale"},
      {"negative epoch", Timestamp{-86'400'000}, "stale"},
  };
  for (const auto& r : rows) {
    QuoteSanity s(&reg);
    const auto result = s.check(q159713(r.ts, "1.233", 1000), kNow);
    EXPECT_EQ(result.reason(), r.reason) << r.name << ": " << result.detail;
  }
  // Non-monotonic: once 10:15:03 is in, 10:15:02 is refused, 10:15:03 with a new volume is not.
  QuoteSanity s(&reg);
  const Timestamp t = exchange_time(kDay, 10, 15, 3);
  ASSERT_EQ(s.check(q159713(t, "1.233", 1000), kNow).verdict, Verdict::Accept);
  EXPECT_EQ(s.check(q159713(Timestamp{t.ms - 1000}, "1.232", 1100), kNow).reason(), "out_of_order");
  EXPECT_EQ(s.check(q159713(t, "1.234", 1100), kNow).verdict, Verdict::Accept);

  // Times the parsers cannot read are refused before any check.
  for (const std::string t_text : {"\"2026-02-30 10:15:03\"", "\"9999-99-99\"", "-1", "\"\"", "1e300"}) {
    QuoteBatch b;
    auto parser = JsonQuoteParser::create(vendor_mapping());
    (*parser)->parse(R"({"data":[{"s":"159713.SZ","p":1.233,"t":)" + t_text + "}]}", kNow, b);
    EXPECT_TRUE(b.quotes.empty()) << t_text;
    ASSERT_EQ(b.problems.size(), 1U) << t_text;
    EXPECT_EQ(b.problems[0].reason(), "bad_time") << t_text;
  }
}

// ---- B8: the book ----

TEST(BadInput, B8_CrossedLockedAndWideBooksAndUnknownSymbols) {
  const auto reg = registry();
  const Timestamp continuous = exchange_time(kDay, 10, 15);
  const Timestamp opening_auction = exchange_time(kDay, 9, 20);
  const Timestamp closing_auction = exchange_time(kDay, 14, 58);
  struct Row {
    const char* name;
    Timestamp ts;
    const char* bid;
    const char* ask;
    const char* reason;
    bool delivered;
  };
  const Row rows[] = {
      {"normal", continuous, "1.232", "1.233", "", true},
      {"crossed in continuous trading", continuous, "1.234", "1.233", "crossed_book", false},
      {"locked in continuous trading", continuous, "1.233", "1.233", "locked_book", true},
      {"wide: 16 % of the mid", continuous, "1.100", "1.290", "wide_spread", true},
      {"crossed in the opening auction", opening_auction, "1.234", "1.233", "", true},
      {"locked in the closing auction", closing_auction, "1.233", "1.233", "", true},
  };
  for (const auto& r : rows) {
    QuoteSanity s(&reg);
    Quote q = q159713(r.ts, "1.233", 1000);
    q.bid = px(r.bid);
    q.ask = px(r.ask);
    const auto result = s.check(q, r.ts);
    EXPECT_EQ(result.reason(), r.reason) << r.name;
    EXPECT_EQ(result.verdict != Verdict::Reject, r.delivered) << r.name;
  }
  // The same through a parser: Sina's crossed snapshot never reaches the sink.
  QuoteSanity s(&reg);
  Fields crossed;
  crossed.bid = "1.240";
  crossed.ask = "1.230";
  const Outcome o = through_sanity(sina(crossed), s, exchange_time(kDay, 10, 15, 5));
  EXPECT_TRUE(o.delivered.empty()) << o.describe();
  EXPECT_TRUE(o.counted("crossed_book")) << o.describe();
  // An instrument missing from the reference data is flagged, delivered (the board shows it).
  QuoteSanity unknown(&reg);
  Quote other = q159713(continuous, "40.00", 1000);
  other.symbol = sym("600392.SH");
  other.prev_close.reset();
  EXPECT_EQ(unknown.check(other, continuous).reason(), "unknown_symbol");
}

// ---- B9: big and deep documents ----

TEST(BadInput, B9_TenMegabytesDeepNestingAndAMillionKeysAreBounded) {
  auto parser = JsonQuoteParser::create(vendor_mapping());
  // 10 MB of one string value: parsed (the transports cap messages at 1 MB / 8 MB before this).
  {
    QuoteBatch b;
    const std::string big =
        R"({"data":[{"s":"159713.SZ","p":1.233,"t":1770603303000,"pad":")" + std::string(10 << 20, 'x') + R"("}]})";
    (*parser)->parse(big, kNow, b);
    EXPECT_EQ(b.quotes.size(), 1U) << (b.problems.empty()
                                           ? ""
                                           : std::string(b.problems[0].reason()) + " " + b.problems[0].detail);
  }
  // Nesting far past simdjson's depth limit (1024) is skipped over, never recursed into: the
  // scanner descends only along the mapped paths. An item that is not an object is one problem.
  {
    QuoteBatch b;
    (*parser)->parse(R"({"data":)" + std::string(5000, '[') + std::string(5000, ']') + "}", kNow, b);
    EXPECT_TRUE(b.quotes.empty());
    ASSERT_EQ(b.problems.size(), 1U);
    EXPECT_EQ(b.problems[0].reason(), "bad_item");
    QuoteBatch root;
    (*parser)->parse(std::string(5000, '{') + std::string(5000, '}'), kNow, root);
    EXPECT_TRUE(root.quotes.empty());
    EXPECT_FALSE(root.problems.empty());
  }
  // A million keys in one item: read, the mapped ones found, nothing kept per key.
  {
    std::string many = R"({"data":[{)";
    many.reserve(16 << 20);
    for (int i = 0; i < 1'000'000; ++i) many += "\"k" + std::to_string(i) + "\":1,";
    many += R"("s":"159713.SZ","p":1.233,"t":1770603303000}]})";
    QuoteBatch b;
    const auto start = std::chrono::steady_clock::now();
    (*parser)->parse(many, kNow, b);
    EXPECT_EQ(b.quotes.size(), 1U) << (b.problems.empty()
                                           ? ""
                                           : std::string(b.problems[0].reason()) + " " + b.problems[0].detail);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  }
  // Sina: a 10 MB statement with a million fields is one short, bounded problem.
  {
    QuoteBatch b;
    std::string huge = "var hq_str_sz159713=\"" + std::string(10 << 20, ',') + "\";";
    parse_sina(huge, b);
    ASSERT_EQ(b.problems.size(), 1U);
    EXPECT_LE(b.problems[0].sample.size(), 200U);  // the sample in the log stays one line
  }
  // The canonical parser refuses deep nesting too.
  CanonicalParser canonical;
  auto deep = canonical.parse(R"({"type":"quote","x":)" + std::string(3000, '[') + std::string(3000, ']') + "}");
  ASSERT_FALSE(deep);
  EXPECT_EQ(deep.error().code, ErrorCode::missing_field);  // the deep value is skipped, never recursed into
}

// ---- B10: format strings and protocol text in headlines ----

TEST(BadInput, B10_FormatAndProtocolTextStaysOneVerbatimField) {
  const std::string evil = "%s%s%n %x {} {0} $(rm -rf /) \\r\\n*3\\r\\n$3\\r\\nDEL\\r\\n$3\\r\\nfoo";
  const std::string evil_plain = "%s%s%n %x {} {0} $(rm -rf /) \r\n*3\r\n$3\r\nDEL\r\n$3\r\nfoo";
  CanonicalParser canonical;
  auto e = canonical.parse(R"({"type":"news","id":"n1","ts":1770603303000,"source":"s","title":")" + evil + R"("})");
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(std::get<Headline>(*e).title, evil_plain);
  // Through vendor news the text is plain text: HTML stripped, whitespace collapsed, the rest verbatim.
  auto parser = JsonNewsParser::create(*builtin_news_mapping("cls-telegraph"));
  HeadlineBatch b;
  (*parser)->parse(R"({"data":{"roll_data":[{"id":1,"title":")" + evil + R"(","content":"c","ctime":1770603303}]}})",
                   b);
  ASSERT_EQ(b.headlines.size(), 1U);
  EXPECT_EQ(b.headlines[0].title, "%s%s%n %x {} {0} $(rm -rf /) *3 $3 DEL $3 foo");
  // The deduper keys on the text and never interprets it.
  HeadlineDeduper dedup;
  EXPECT_TRUE(dedup.admit(b.headlines[0]));
  EXPECT_FALSE(dedup.admit(b.headlines[0]));
}

}  // namespace
}  // namespace lodestone::feeds

namespace lodestone::feeds {
namespace {

// The ingest endpoint and the pipeline count what lodestone::validate refuses by its error code's
// label, the same keys the feeds count theirs by.
TEST(BadInput, PipelineRefusalsMapToTheirReasons) {
  const auto reg = registry();
  ASSERT_TRUE(validate(q159713(kNow, "1.233", 100), reg, kNow)) << "the control quote is valid";
  auto reason = [&](Quote q) {
    const Status st = validate(q, reg, kNow);
    return st ? std::string("accepted") : std::string(to_string(st.error().code));
  };
  Quote unknown = q159713(kNow, "1.233", 100);
  unknown.symbol = sym("600000.SH");
  EXPECT_EQ(reason(unknown), "unknown_symbol");
  EXPECT_EQ(reason(q159713(kNow, "0", 100)), "non_positive_price");
  Quote zero_prev = q159713(kNow, "1.233", 100);
  zero_prev.prev_close = px("0");
  EXPECT_EQ(reason(zero_prev), "non_positive_price");
  EXPECT_EQ(reason(q159713(kNow, "1.233", -1)), "negative_volume");
  EXPECT_EQ(reason(q159713(Timestamp{kNow.ms + 3'600'000}, "1.233", 100)), "future_timestamp");
  EXPECT_EQ(reason(q159713(Timestamp{1000}, "1.233", 100)), "far_past");
  Headline h;
  h.ts = kNow;
  h.title = "t";
  EXPECT_EQ(to_string(validate(h, kNow).error().code), "missing_field");
  EXPECT_EQ(http_status(validate(q159713(Timestamp{1000}, "1.233", 100), reg, kNow).error().code), 422)
      << "well-formed, refused by the checks";
}

}  // namespace
}  // namespace lodestone::feeds
