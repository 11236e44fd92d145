#include "gatherdb/model/detail/backend_text.hpp"

#include <cstddef>
#include <cstdint>

#include "gatherdb/model/detail/dialect_rules.hpp"
#include "gatherdb/model/value_error.hpp"

namespace gatherdb::model::detail {

namespace {

value_error bad_text(std::string_view what, std::string_view text) {
  return value_error("22007", "not a " + std::string{what} + ": \"" +
                                  std::string{text.substr(0, 64)} + "\"");
}

// A left-to-right reader of fixed-form text.
class cursor {
public:
  cursor(std::string_view text, std::string_view what) : text_(text), what_(what) {}

  [[nodiscard]] bool done() const noexcept { return at_ == text_.size(); }
  [[nodiscard]] char peek() const noexcept { return done() ? '\0' : text_[at_]; }
  bool accept(char c) noexcept {
    if (peek() != c)
      return false;
    ++at_;
    return true;
  }
  void expect(char c) {
    if (!accept(c))
      throw bad_text(what_, text_);
  }
  bool accept(std::string_view s) noexcept {
    if (text_.substr(at_, s.size()) != s)
      return false;
    at_ += s.size();
    return true;
  }
  // Exactly `n` digits (or, with `at_least`, `n` or more).
  std::int64_t digits(std::size_t n, bool at_least = false) {
    std::int64_t x = 0;
    std::size_t k = 0;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9' && (at_least || k < n) &&
           k < 12) {
      x = x * 10 + (text_[at_] - '0');
      ++at_;
      ++k;
    }
    if (k < n)
      throw bad_text(what_, text_);
    return x;
  }
  // ".f" with 1 to 6 digits, or nothing: microseconds.
  std::int64_t fraction() {
    if (!accept('.'))
      return 0;
    std::int64_t x = 0;
    std::size_t k = 0;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') {
      if (k == 6)
        throw value_error("22007", "more than six fraction digits in \"" +
                                       std::string{text_.substr(0, 64)} + "\"");
      x = x * 10 + (text_[at_] - '0');
      ++at_;
      ++k;
    }
    if (k == 0)
      throw bad_text(what_, text_);
    for (; k < 6; ++k)
      x *= 10;
    return x;
  }
  void finish() {
    if (!done())
      throw bad_text(what_, text_);
  }
  [[nodiscard]] std::string_view text() const noexcept { return text_; }
  [[nodiscard]] std::string_view what() const noexcept { return what_; }

private:
  std::string_view text_;
  std::string_view what_;
  std::size_t at_ = 0;
};

// "YYYY-MM-DD" as written, before any era suffix is applied; `year` becomes astronomical
// (0 is 1 BC) only in `apply_era`.
struct parsed_date {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

parsed_date read_date(cursor& c) {
  const auto y = c.digits(4, true);
  c.expect('-');
  const auto m = static_cast<unsigned>(c.digits(2));
  c.expect('-');
  const auto d = static_cast<unsigned>(c.digits(2));
  return {y, m, d};
}

std::int64_t read_time(cursor& c) {
  const auto h = c.digits(2);
  c.expect(':');
  const auto m = c.digits(2);
  c.expect(':');
  const auto s = c.digits(2);
  const auto f = c.fraction();
  if (h > 23 || m > 59 || s > 59)
    throw value_error("22008", "time of day out of range: \"" + std::string{c.text()} + "\"");
  return ((h * 60 + m) * 60 + s) * 1'000'000 + f;
}

// PostgreSQL's " BC" suffix: year Y BC is astronomical year 1 - Y. There is no year 0 BC, so
// "0000-... BC" is malformed (rather than year 1 AD). The day is checked only now because
// the leap years BC are those of the astronomical year (1 BC was one).
void apply_era(cursor& c, parsed_date& d) {
  if (c.accept(" BC")) {
    if (d.year == 0)
      throw bad_text(c.what(), c.text());
    d.year = 1 - d.year;
  }
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month))
    throw bad_text(c.what(), c.text());
}

std::int64_t local_micros(const parsed_date& d, std::int64_t time) {
  if (d.year < 1 || d.year > 9999)
    throw value_error("22008", "year outside 1 to 9999: \"" + std::to_string(d.year) + "\"");
  return days_from_civil(d.year, d.month, d.day) * micros_per_day + time;
}

// `x` in exactly `width` decimal digits; callers pass values that fit (years 1 to 9999,
// two-digit parts, six-digit microseconds), which is why no snprintf with its truncation
// cases is needed.
void append_digits(std::string& out, std::int64_t x, int width) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + x % 10);
    x /= 10;
  }
  out.append(buf, static_cast<std::size_t>(width));
}

void append_date(std::string& out, date d) {
  const auto ymd = d.ymd();
  append_digits(out, ymd.year, 4);
  out += '-';
  append_digits(out, ymd.month, 2);
  out += '-';
  append_digits(out, ymd.day, 2);
}

void append_time(std::string& out, time_of_day t) {
  append_digits(out, t.hour(), 2);
  out += ':';
  append_digits(out, t.minute(), 2);
  out += ':';
  append_digits(out, t.second(), 2);
  out += '.';
  append_digits(out, t.microsecond(), 6);
}

} // namespace

std::string format_date(date d) {
  std::string out;
  append_date(out, d);
  return out;
}

std::string format_time(time_of_day t) {
  std::string out;
  append_time(out, t);
  return out;
}

std::string format_timestamp(timestamp t) {
  std::string out;
  append_date(out, t.date_part());
  out += ' ';
  append_time(out, t.time_part());
  return out;
}

std::string format_timestamptz(timestamptz t) {
  return format_timestamp(t.utc()) + "+00:00";
}

date parse_date(std::string_view text) {
  cursor c{text, "date"};
  auto d = read_date(c);
  apply_era(c, d);
  c.finish();
  return date::from_days(local_micros(d, 0) / micros_per_day);
}

time_of_day parse_time(std::string_view text) {
  cursor c{text, "time of day"};
  const auto t = read_time(c);
  c.finish();
  return time_of_day::from_micros(t);
}

timestamp parse_timestamp(std::string_view text) {
  cursor c{text, "timestamp"};
  auto d = read_date(c);
  if (!c.accept(' '))
    c.expect('T');
  const auto t = read_time(c);
  apply_era(c, d);
  c.finish();
  return timestamp::from_micros(local_micros(d, t));
}

timestamptz parse_timestamptz(std::string_view text) {
  cursor c{text, "timestamp with time zone"};
  auto d = read_date(c);
  if (!c.accept(' '))
    c.expect('T');
  const auto t = read_time(c);
  std::int64_t offset = 0; // seconds east of UTC
  if (!c.accept('Z') && (c.peek() == '+' || c.peek() == '-')) {
    const bool west = c.peek() == '-';
    c.accept(c.peek());
    const auto h = c.digits(2);
    std::int64_t m = 0;
    std::int64_t s = 0;
    if (c.accept(':')) {
      m = c.digits(2);
      if (c.accept(':'))
        s = c.digits(2);
    } else if (c.peek() >= '0' && c.peek() <= '9') {
      m = c.digits(2);
    }
    if (h > 15 || m > 59 || s > 59)
      throw bad_text(c.what(), text);
    offset = (h * 3600 + m * 60 + s) * (west ? -1 : 1);
  }
  apply_era(c, d);
  c.finish();
  // The local wall time may lie in year 0 (1 BC) or 10000 while the instant does not; an
  // offset is less than a day, so any year further out is out of range (and checking it first
  // keeps the arithmetic below from overflowing).
  if (d.year < 0 || d.year > 10000)
    throw value_error("22008",
                      "year outside 1 to 9999: \"" + std::string{text.substr(0, 64)} + "\"");
  const auto local = days_from_civil(d.year, d.month, d.day) * micros_per_day + t;
  return timestamptz::from_micros(local - offset * 1'000'000);
}

std::string backend_text(const value& v, dialect d) {
  switch (v.type()) {
  case value_type::date:
    return format_date(v.get<date>());
  case value_type::time_of_day:
    return format_time(v.get<time_of_day>());
  case value_type::timestamp:
    return format_timestamp(v.get<timestamp>());
  case value_type::timestamptz:
    // MariaDB's DATETIME has no offset (a literal with one is refused in strict mode): it
    // holds the UTC wall time. Everywhere else the offset travels with the value.
    return rules_of(d).timestamptz_as_utc_wall_time ? format_timestamp(v.get<timestamptz>().utc())
                                                    : format_timestamptz(v.get<timestamptz>());
  case value_type::decimal:
    return v.get<decimal>().to_string();
  case value_type::uuid:
    return v.get<uuid>().to_string();
  case value_type::json:
    return v.get<json_text>().text();
  default:
    break;
  }
  return {};
}

value parse_backend_text(value_type t, std::string_view text, dialect) {
  switch (t) {
  case value_type::date:
    return parse_date(text);
  case value_type::time_of_day:
    return parse_time(text);
  case value_type::timestamp:
    return parse_timestamp(text);
  case value_type::timestamptz:
    return parse_timestamptz(text);
  case value_type::decimal:
    return decimal::parse(text);
  case value_type::uuid:
    return uuid::parse(text);
  case value_type::json:
    return json_text::parse(text);
  default:
    break;
  }
  throw value_error("22P02", "not a type read from text");
}

} // namespace gatherdb::model::detail
