#include "parse_util.hpp"

#include <array>
#include <limits>

namespace lodestone::feeds::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::optional<int> digits(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  return s;
}

Result<Price> parse_decimal(std::string_view text) {
  const std::size_t e = text.find_first_of("eE");
  if (e == std::string_view::npos) return Price::parse(text);
  std::string_view mantissa = text.substr(0, e);
  std::string_view exp_text = text.substr(e + 1);
  bool exp_negative = false;
  if (!exp_text.empty() && (exp_text[0] == '+' || exp_text[0] == '-')) {
    exp_negative = exp_text[0] == '-';
    exp_text.remove_prefix(1);
  }
  auto exp = digits(exp_text);
  if (!exp || *exp > 30)
    return make_error(ErrorCode::bad_price, "number '" + std::string(text.substr(0, 32)) + "' out of range");
  const int shift = exp_negative ? -*exp : *exp;
  std::string sign;
  if (!mantissa.empty() && (mantissa[0] == '-' || mantissa[0] == '+')) {
    if (mantissa[0] == '-') sign = "-";
    mantissa.remove_prefix(1);
  }
  const std::size_t dot = mantissa.find('.');
  std::string whole(mantissa.substr(0, dot));
  std::string frac(dot == std::string_view::npos ? std::string_view{} : mantissa.substr(dot + 1));
  if (whole.empty() && frac.empty())
    return make_error(ErrorCode::bad_price, "number '" + std::string(text.substr(0, 32)) + "' has no digits");
  std::string all = whole + frac;
  long point = static_cast<long>(whole.size()) + shift;  // digits before the decimal point
  if (point <= 0) {
    all.insert(0, static_cast<std::size_t>(-point) + 1, '0');
    point = 1;
  }
  if (static_cast<std::size_t>(point) > all.size()) all.append(static_cast<std::size_t>(point) - all.size(), '0');
  std::string plain = sign + all.substr(0, static_cast<std::size_t>(point));
  if (static_cast<std::size_t>(point) < all.size()) plain += "." + all.substr(static_cast<std::size_t>(point));
  return Price::parse(plain);
}

Result<std::int64_t> parse_count(std::string_view text) {
  // The common case, plain digits, without the decimal machinery.
  if (!text.empty() && text.size() <= 18) {
    std::int64_t v = 0;
    bool plain = true;
    for (char c : text) {
      if (!is_digit(c)) {
        plain = false;
        break;
      }
      v = v * 10 + (c - '0');
    }
    if (plain) return v;
  }
  auto p = parse_decimal(text);
  if (!p) return p.error();
  if (p->units() % Price::kScale != 0)
    return make_error(ErrorCode::bad_volume, "count '" + std::string(text.substr(0, 32)) + "' is not whole");
  return p->units() / Price::kScale;
}

std::optional<std::int64_t> parse_hms(std::string_view text) {
  if (text.size() != 8 || text[2] != ':' || text[5] != ':') return std::nullopt;
  auto h = digits(text.substr(0, 2));
  auto m = digits(text.substr(3, 2));
  auto s = digits(text.substr(6, 2));
  if (!h || !m || !s || *h > 23 || *m > 59 || *s > 60) return std::nullopt;
  return ((*h * 60LL + *m) * 60 + *s) * 1000;
}

std::optional<Timestamp> parse_compact_datetime(std::string_view text) {
  if (text.size() != 14) return std::nullopt;
  auto y = digits(text.substr(0, 4));
  auto mo = digits(text.substr(4, 2));
  auto d = digits(text.substr(6, 2));
  auto h = digits(text.substr(8, 2));
  auto mi = digits(text.substr(10, 2));
  auto s = digits(text.substr(12, 2));
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
  return exchange_time(make_date(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d)), *h, *mi, *s);
}

std::optional<Timestamp> epoch_auto(std::int64_t value) {
  constexpr std::int64_t kSecondsUpTo = 100'000'000'000;  // year 5138 in seconds, 1973 in ms
  if (value <= 0) return std::nullopt;
  if (value < kSecondsUpTo) return Timestamp{value * 1000};
  if (value > std::numeric_limits<std::int64_t>::max() / 2) return std::nullopt;
  return Timestamp{value};
}

Result<Timestamp> parse_rfc822(std::string_view text) {
  // [Day, ]DD Mon YYYY HH:MM[:SS] (+HHMM|GMT|UT|Z|EST…)
  text = trim(text);
  auto fail = [&] {
    return make_error(ErrorCode::bad_time, "not an RFC 822 date: '" + std::string(text.substr(0, 40)) + "'");
  };
  if (const auto comma = text.find(','); comma != std::string_view::npos) text = trim(text.substr(comma + 1));
  std::array<std::string_view, 5> part{};
  std::size_t n = 0;
  while (!text.empty() && n < part.size()) {
    const std::size_t sp = text.find(' ');
    part[n++] = text.substr(0, sp);
    text = sp == std::string_view::npos ? std::string_view{} : trim(text.substr(sp + 1));
  }
  if (n < 4) return fail();
  auto day = digits(part[0]);
  static constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  unsigned month = 0;
  for (unsigned i = 0; i < kMonths.size(); ++i)
    if (part[1].substr(0, 3) == kMonths[i]) month = i + 1;
  auto year = digits(part[2]);
  if (!day || month == 0 || !year) return fail();
  if (*year < 100) *year += 2000;
  std::string_view hms = part[3];
  int h = 0;
  int mi = 0;
  int s = 0;
  if (hms.size() == 5 && hms[2] == ':') {
    auto hh = digits(hms.substr(0, 2));
    auto mm = digits(hms.substr(3, 2));
    if (!hh || !mm) return fail();
    h = *hh;
    mi = *mm;
  } else if (auto ms = parse_hms(hms)) {
    h = static_cast<int>(*ms / 3'600'000);
    mi = static_cast<int>(*ms / 60'000 % 60);
    s = static_cast<int>(*ms / 1000 % 60);
  } else {
    return fail();
  }
  std::int64_t offset_min = 0;
  const std::string_view zone = n > 4 ? part[4] : std::string_view{"GMT"};
  if (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-')) {
    auto hh = digits(zone.substr(1, 2));
    auto mm = digits(zone.substr(3, 2));
    if (!hh || !mm) return fail();
    offset_min = (std::int64_t{*hh} * 60 + *mm) * (zone[0] == '-' ? -1 : 1);
  } else if (zone == "GMT" || zone == "UT" || zone == "UTC" || zone == "Z") {
    offset_min = 0;
  } else if (zone == "CST") {
    offset_min = std::int64_t{8} * 60;  // Chinese sources mean China Standard Time, not US Central
  } else if (zone == "EST" || zone == "EDT" || zone == "PST" || zone == "PDT" || zone == "MST" || zone == "MDT") {
    static constexpr std::array<std::pair<std::string_view, int>, 6> kUs{
        {{"EST", -5}, {"EDT", -4}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}}};
    for (const auto& [name, hours] : kUs)
      if (zone == name) offset_min = std::int64_t{hours} * 60;
  } else {
    return fail();
  }
  const Date date = make_date(*year, month, static_cast<unsigned>(*day));
  const std::int64_t local_ms = static_cast<std::int64_t>(date.days) * kMsPerDay + ((h * 60LL + mi) * 60 + s) * 1000;
  return Timestamp{local_ms - offset_min * kMsPerMinute};
}

Result<Timestamp> parse_any_time(std::string_view text) {
  text = trim(text);
  if (text.empty()) return make_error(ErrorCode::bad_time, "empty time");
  bool all_digits = true;
  for (char c : text) all_digits = all_digits && is_digit(c);
  if (all_digits) {
    if (text.size() == 14) {
      if (auto t = parse_compact_datetime(text)) return *t;
    }
    if (text.size() <= 16) {
      std::int64_t v = 0;
      for (char c : text) v = v * 10 + (c - '0');
      if (auto t = epoch_auto(v)) return *t;
    }
    return make_error(ErrorCode::bad_time,
                      "time '" + std::string(text.substr(0, 32)) + "' is not an epoch or YYYYMMDDHHMMSS");
  }
  if (is_digit(text[0]) && text.size() >= 10 && text[4] == '-') return parse_timestamp(text);
  return parse_rfc822(text);
}

Problem make_problem(ErrorCode code, std::string detail, std::string_view sample) {
  return Problem{code, std::move(detail), bounded_sample(sample)};
}

std::string source_name(std::string_view text) {
  // No A-share short name is longer than a few characters.
  constexpr std::size_t kMaxNameBytes = 64;
  if (text.size() > kMaxNameBytes || text.empty() || text == "-" || text == "null") return {};
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return {};
  }
  return std::string(text);
}

}  // namespace lodestone::feeds::detail

namespace lodestone::feeds {

ErrorCode detail::canonical_field_code(std::string_view field) {
  if (field == "type") return ErrorCode::bad_event;
  if (field == "ts") return ErrorCode::bad_time;
  if (field == "symbol" || field == "symbols") return ErrorCode::bad_symbol;
  if (field == "volume") return ErrorCode::bad_volume;
  if (field == "last" || field == "prev_close" || field == "open" || field == "high" || field == "low" ||
      field == "bid" || field == "ask" || field == "turnover")
    return ErrorCode::bad_price;
  return ErrorCode::bad_field;
}

std::string bounded_sample(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "…";
}

}  // namespace lodestone::feeds
