// The oracle for dates, times of day, timestamps and timestamptz values. PostgreSQL prints
// fraction digits without trailing zeros and a timestamptz in UTC (the session's zone) with
// "+00"; MariaDB's TIME(6) and DATETIME(6) print six digits, and a timestamptz is its UTC wall
// time; SQLite returns the text it was given, so a row written by an odd-row literal renders
// as that literal ('T' between date and time, fewer fraction digits, an offset).

#include <string>

#include "gatherdb/model/date.hpp"
#include "gatherdb/model/time_of_day.hpp"
#include "gatherdb/model/timestamp.hpp"
#include "gatherdb/model/timestamptz.hpp"

#include "civil.hpp"
#include "sql_oracle.hpp"

namespace gatherdb::differential {

using test::is_postgres;

namespace {

std::string cast_to_text(backend b, std::string_view column) {
  return std::string{"CAST("} + std::string{column} +
         (b == backend::mariadb ? " AS CHAR)" : " AS TEXT)");
}

std::string rendered(const model::value& v) {
  return model::to_string(v);
}

// SQLite's text for a row written by a literal: the literal without its quotes.
std::string unquoted(const std::string& literal) {
  return literal.substr(1, literal.size() - 2);
}

} // namespace

// --- date

std::string type_name(const model::date*, column_decl) {
  return "date";
}
std::optional<std::string> write_literal(const sample<model::date>& s, backend b, std::size_t) {
  return b == backend::sqlite ? quoted(s.canonical, b) : "DATE '" + s.canonical + "'";
}
std::optional<std::string> key_literal(const sample<model::date>& s, backend b) {
  return write_literal(s, b, 0);
}
std::optional<model::date> held(const sample<model::date>& s, backend, column_decl) {
  return s.value;
}
std::string text_expression(const model::date*, backend b, std::string_view column) {
  return b == backend::sqlite ? std::string{column} : cast_to_text(b, column);
}
bool text_agrees(const sample<model::date>& s, std::string_view got, backend, writer, std::size_t,
                 column_decl, std::string& want) {
  want = s.canonical;
  return got == want;
}
bool same(const model::date& a, const model::date& b) {
  return a == b;
}
std::string show(const model::date& v) {
  return rendered(v);
}

// --- time of day

std::string type_name(const model::time_of_day*, column_decl) {
  return "time";
}
std::optional<std::string> write_literal(const sample<model::time_of_day>& s, backend b,
                                         std::size_t row) {
  if (b != backend::sqlite)
    return "TIME '" + s.canonical + "'";
  return quoted(row % 2 == 1 ? iso_time(s.value.micros_since_midnight(), fraction_style::trimmed)
                             : s.canonical,
                b);
}
std::optional<std::string> key_literal(const sample<model::time_of_day>& s, backend b) {
  return write_literal(s, b, 0);
}
std::optional<model::time_of_day> held(const sample<model::time_of_day>& s, backend, column_decl) {
  return s.value;
}
std::string text_expression(const model::time_of_day*, backend b, std::string_view column) {
  return b == backend::sqlite ? std::string{column} : cast_to_text(b, column);
}
bool text_agrees(const sample<model::time_of_day>& s, std::string_view got, backend b, writer w,
                 std::size_t row, column_decl, std::string& want) {
  if (is_postgres(b))
    want = iso_time(s.value.micros_since_midnight(), fraction_style::trimmed);
  else if (b == backend::sqlite && w == writer::literal)
    want = unquoted(*write_literal(s, b, row));
  else
    want = s.canonical;
  return got == want;
}
bool same(const model::time_of_day& a, const model::time_of_day& b) {
  return a == b;
}
std::string show(const model::time_of_day& v) {
  return rendered(v);
}

// --- timestamp

std::string type_name(const model::timestamp*, column_decl) {
  return "timestamp";
}
std::optional<std::string> write_literal(const sample<model::timestamp>& s, backend b,
                                         std::size_t row) {
  if (b != backend::sqlite)
    return "TIMESTAMP '" + s.canonical + "'";
  return quoted(row % 2 == 1
                    ? iso_timestamp(s.value.micros_since_epoch(), fraction_style::trimmed, 'T')
                    : s.canonical,
                b);
}
std::optional<std::string> key_literal(const sample<model::timestamp>& s, backend b) {
  return write_literal(s, b, 0);
}
std::optional<model::timestamp> held(const sample<model::timestamp>& s, backend, column_decl) {
  return s.value;
}
std::string text_expression(const model::timestamp*, backend b, std::string_view column) {
  return b == backend::sqlite ? std::string{column} : cast_to_text(b, column);
}
bool text_agrees(const sample<model::timestamp>& s, std::string_view got, backend b, writer w,
                 std::size_t row, column_decl, std::string& want) {
  if (is_postgres(b))
    want = iso_timestamp(s.value.micros_since_epoch(), fraction_style::trimmed);
  else if (b == backend::sqlite && w == writer::literal)
    want = unquoted(*write_literal(s, b, row));
  else
    want = s.canonical;
  return got == want;
}
bool same(const model::timestamp& a, const model::timestamp& b) {
  return a == b;
}
std::string show(const model::timestamp& v) {
  return rendered(v);
}

// --- timestamptz

namespace {

// The instant as local time at the sample's offset, with that offset: what odd-row literals
// write ("Z" for a zero offset).
std::string with_offset(const sample<model::timestamptz>& s) {
  const auto local = s.value.micros_since_epoch() + s.offset_seconds * micros_per_second;
  return iso_timestamp(local, fraction_style::six) +
         (s.offset_seconds == 0 ? std::string{"Z"} : iso_offset(s.offset_seconds));
}

} // namespace

std::string type_name(const model::timestamptz*, column_decl) {
  return "timestamptz";
}
std::optional<std::string> write_literal(const sample<model::timestamptz>& s, backend b,
                                         std::size_t row) {
  if (b == backend::mariadb) // DATETIME(6) holds the UTC wall time; it takes no offset
    return "TIMESTAMP '" + s.canonical + "'";
  const auto text = row % 2 == 1 ? with_offset(s) : s.canonical + "+00:00";
  return is_postgres(b) ? "TIMESTAMPTZ '" + text + "'" : quoted(text, b);
}
std::optional<std::string> key_literal(const sample<model::timestamptz>& s, backend b) {
  return write_literal(s, b, 0);
}
std::optional<model::timestamptz> held(const sample<model::timestamptz>& s, backend, column_decl) {
  return s.value;
}
std::string text_expression(const model::timestamptz*, backend b, std::string_view column) {
  return b == backend::sqlite ? std::string{column} : cast_to_text(b, column);
}
bool text_agrees(const sample<model::timestamptz>& s, std::string_view got, backend b, writer w,
                 std::size_t row, column_decl, std::string& want) {
  if (is_postgres(b))
    want = iso_timestamp(s.value.micros_since_epoch(), fraction_style::trimmed) + "+00";
  else if (b == backend::sqlite)
    want = w == writer::literal ? unquoted(*write_literal(s, b, row)) : s.canonical + "+00:00";
  else
    want = s.canonical;
  return got == want;
}
bool same(const model::timestamptz& a, const model::timestamptz& b) {
  return a == b;
}
std::string show(const model::timestamptz& v) {
  return rendered(v);
}

} // namespace gatherdb::differential
