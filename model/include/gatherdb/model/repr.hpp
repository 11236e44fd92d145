#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gatherdb/model/value.hpp"

namespace gatherdb::model {

// Python's repr() rules, so that gatherdb prints what the SQLAlchemy example prints. Every
// function appends to `out` so that a whole result list is built in one string. All are
// thread-safe (pure functions).

/// Appends Python's repr of a str holding the UTF-8 text `s`: single quotes unless `s` contains
/// ' and no "; escapes \\, the quote, \n \r \t, other control characters as \xNN; printable
/// non-ASCII characters are kept as they are. Bytes that are not valid UTF-8 become \xNN.
void append_repr_str(std::string& out, std::string_view s);

/// Appends Python's repr of a bytes object: b'...' with \xNN for non-printable bytes.
void append_repr_bytes(std::string& out, std::string_view raw);

/// Appends Python's repr of a float: shortest round-trip digits, "1.0", "0.1", "1e+16",
/// "1e-05", "inf", "nan".
void append_repr_float(std::string& out, double x);

/// Appends Python's repr of an int.
void append_repr_int(std::string& out, std::int64_t x);

/// Appends "True" or "False".
inline void append_repr_bool(std::string& out, bool x) {
  out += x ? "True" : "False";
}

/// Appends Python's repr of a `datetime.date`, `datetime.time`, naive `datetime.datetime` and
/// UTC `datetime.datetime`: datetime.date(2024, 2, 29), datetime.time(12, 0),
/// datetime.datetime(2024, 2, 29, 12, 0, 0, 5, tzinfo=datetime.timezone.utc).
void append_repr_date(std::string& out, date d);
void append_repr_time(std::string& out, time_of_day t);
void append_repr_timestamp(std::string& out, timestamp t);
void append_repr_timestamptz(std::string& out, timestamptz t);

/// Appends Decimal('1.50') and UUID('...') (Python's decimal and uuid modules). Like Python,
/// a decimal whose adjusted exponent is below -6 is written in exponent form: Decimal('1E-7').
void append_repr_decimal(std::string& out, const decimal& d);
void append_repr_uuid(std::string& out, const uuid& u);

/// Appends Python's repr of a cell: None, True, 42, 0.5, 'text', b'bytes', the forms above;
/// JSON as the str of its text.
void append_repr(std::string& out, const value& v);

/// Python's repr of a str; see `append_repr_str`.
[[nodiscard]] std::string repr_str(std::string_view s);

/// Python's repr of a float; see `append_repr_float`.
[[nodiscard]] std::string repr_float(double x);

/// Python's repr of a cell; see `append_repr`.
[[nodiscard]] std::string repr_value(const value& v);

} // namespace gatherdb::model
