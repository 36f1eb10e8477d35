#include "lodestone/core/time.hpp"

#include <cstdio>

namespace lodestone {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public-domain algorithms).
std::int32_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3U : 9U)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

bool read_digits(std::string_view s, std::size_t& i, std::size_t n, int& out) {
  if (i + n > s.size()) return false;
  int v = 0;
  for (std::size_t k = 0; k < n; ++k) {
    char c = s[i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  i += n;
  return true;
}

// `value` (0 <= value < 10^width) as exactly `width` digits, zero-padded, at `out`.
void put_digits(char* out, int value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// Years 0000-9999 take the fast path; any other (a corrupt timestamp) keeps printf's form.
bool four_digit(int year) { return year >= 0 && year <= 9999; }

unsigned days_in_month(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

}  // namespace

Date make_date(int year, unsigned month, unsigned day) { return Date{days_from_civil(year, month, day)}; }

CivilDate civil(Date date) {
  const int z = date.days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2 ? 1 : 0), m, d};
}

unsigned weekday(Date d) {
  const int w = (d.days + 4) % 7;  // 1970-01-01 was a Thursday
  return static_cast<unsigned>(w < 0 ? w + 7 : w);
}

std::string format_date(Date d) {
  const auto c = civil(d);
  if (!four_digit(c.year)) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.year, c.month, c.day);
    return buf;
  }
  std::string out(10, '-');
  put_digits(out.data(), c.year, 4);
  put_digits(out.data() + 5, static_cast<int>(c.month), 2);
  put_digits(out.data() + 8, static_cast<int>(c.day), 2);
  return out;
}

Result<Date> parse_date(std::string_view text) {
  std::size_t i = 0;
  int y = 0;
  int m = 0;
  int d = 0;
  const bool dashed = text.size() == 10;
  bool ok = read_digits(text, i, 4, y);
  if (ok && dashed) ok = text[i++] == '-';
  ok = ok && read_digits(text, i, 2, m);
  if (ok && dashed) ok = text[i++] == '-';
  ok = ok && read_digits(text, i, 2, d) && i == text.size();
  if (!ok || m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > days_in_month(y, static_cast<unsigned>(m)))
    return make_error(ErrorCode::bad_time, "bad date '" + std::string(text.substr(0, 32)) + "': expected YYYY-MM-DD");
  return make_date(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

Date exchange_date(Timestamp t) {
  return Date{static_cast<std::int32_t>(floor_div(t.ms + kExchangeUtcOffsetMs, kMsPerDay))};
}

std::int64_t exchange_ms_of_day(Timestamp t) {
  const std::int64_t local = t.ms + kExchangeUtcOffsetMs;
  return local - floor_div(local, kMsPerDay) * kMsPerDay;
}

Timestamp exchange_time(Date d, int hour, int minute, int second, int ms) {
  const std::int64_t local =
      static_cast<std::int64_t>(d.days) * kMsPerDay + ((hour * 60LL + minute) * 60LL + second) * 1000LL + ms;
  return Timestamp{local - kExchangeUtcOffsetMs};
}

std::string format_timestamp(Timestamp t) {
  const auto c = civil(exchange_date(t));
  const auto mod = static_cast<int>(exchange_ms_of_day(t));
  if (!four_digit(c.year)) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03d+08:00", c.year, c.month, c.day, mod / 3'600'000,
                  mod / 60'000 % 60, mod / 1000 % 60, mod % 1000);
    return buf;
  }
  // Written digit by digit: every quote and headline carries one, and snprintf was a tenth of the
  // daemon's time under a quote stream (bench/ANALYSIS.md, issue #18).
  std::string out = "0000-00-00T00:00:00.000+08:00";
  char* p = out.data();
  put_digits(p, c.year, 4);
  put_digits(p + 5, static_cast<int>(c.month), 2);
  put_digits(p + 8, static_cast<int>(c.day), 2);
  put_digits(p + 11, mod / 3'600'000, 2);
  put_digits(p + 14, mod / 60'000 % 60, 2);
  put_digits(p + 17, mod / 1000 % 60, 2);
  put_digits(p + 20, mod % 1000, 3);
  return out;
}

Result<Timestamp> parse_timestamp(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return make_error(ErrorCode::bad_time,
                      "bad timestamp '" + std::string(text.substr(0, 40)) + "': " + std::string(why));
  };
  if (text.size() < 19) return bad("expected YYYY-MM-DDTHH:MM:SS[.fff][Z|+08:00]");
  auto date = parse_date(text.substr(0, 10));
  if (!date) return bad("bad date");
  if (text[10] != 'T' && text[10] != ' ') return bad("expected 'T' between date and time");
  std::size_t i = 11;
  int hh = 0;
  int mm = 0;
  int ss = 0;
  if (!read_digits(text, i, 2, hh) || text[i++] != ':' || !read_digits(text, i, 2, mm) || text[i++] != ':' ||
      !read_digits(text, i, 2, ss))
    return bad("expected HH:MM:SS");
  if (hh > 23 || mm > 59 || ss > 60) return bad("time out of range");
  int ms = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    int digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (digits < 3) ms = ms * 10 + (text[i] - '0');
      ++digits;
      ++i;
    }
    if (digits == 0) return bad("empty fraction");
    for (; digits < 3; ++digits) ms *= 10;
  }
  std::int64_t offset_ms = kExchangeUtcOffsetMs;
  if (i < text.size()) {
    if (text[i] == 'Z' && i + 1 == text.size()) {
      offset_ms = 0;
    } else if (text[i] == '+' || text[i] == '-') {
      const int sign = text[i] == '-' ? -1 : 1;
      ++i;
      int oh = 0;
      int om = 0;
      if (!read_digits(text, i, 2, oh)) return bad("bad offset");
      if (i < text.size() && text[i] == ':') ++i;
      if (!read_digits(text, i, 2, om) || i != text.size() || oh > 14 || om > 59) return bad("bad offset");
      offset_ms = sign * (oh * 60LL + om) * 60'000;
    } else {
      return bad("unexpected text after the time");
    }
  }
  const std::int64_t local =
      static_cast<std::int64_t>(date->days) * kMsPerDay + ((hh * 60LL + mm) * 60LL + ss) * 1000LL + ms;
  return Timestamp{local - offset_ms};
}

Result<std::int64_t> parse_duration_ms(std::string_view text) {
  std::size_t i = 0;
  std::int64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    n = n * 10 + (text[i] - '0');
    if (n > 1'000'000'000) return make_error(ErrorCode::bad_field, "duration '" + std::string(text) + "' is too long");
    ++i;
  }
  if (i == 0)
    return make_error(ErrorCode::bad_field, "bad duration '" + std::string(text) +
                                                "': expected a number and a unit (250ms, 30s, 15m, 2h, 1d)");
  const auto unit = text.substr(i);
  if (unit == "ms") return n;
  if (unit == "s") return n * 1000;
  if (unit == "m" || unit == "min") return n * kMsPerMinute;
  if (unit == "h") return n * 3'600'000;
  if (unit == "d") return n * kMsPerDay;
  return make_error(ErrorCode::bad_field, "bad duration '" + std::string(text) + "': unit must be ms, s, m, h or d");
}

std::string format_duration(std::int64_t ms) {
  if (ms % kMsPerDay == 0 && ms != 0) return std::to_string(ms / kMsPerDay) + "d";
  if (ms % 3'600'000 == 0 && ms != 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms % kMsPerMinute == 0 && ms != 0) return std::to_string(ms / kMsPerMinute) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace lodestone
