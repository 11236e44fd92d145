#include "gatherdb/model/frozen_result_codec.hpp"

#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "gatherdb/model/detail/byte_codec.hpp"
#include "gatherdb/model/value_error.hpp"

namespace gatherdb::model {

namespace {

constexpr std::string_view magic = "GDBF";
// Still 1 after the date, time, timestamp, decimal, UUID and JSON types were added: they are
// encoded as their column stores hold them (an int64, or length-prefixed characters), so the
// six original types' bytes did not change, and a decoder that predates a type refuses its tag
// as an unknown column type instead of misreading it.
constexpr std::uint8_t format_version = 1;

using writer = detail::byte_writer;

class reader : public detail::byte_reader {
public:
  explicit reader(std::string_view in) : byte_reader(in, "frozen result encoding") {}
};

[[noreturn]] void bad_cell(value_type t, const std::string& column, std::size_t row,
                           std::string_view what) {
  throw codec_error("frozen result encoding has " + std::string{what} + " in " +
                    std::string{to_string(t)} + " column \"" + column + "\", row " +
                    std::to_string(row) + " of its chunk");
}

// A decoded cell must be a value of its column's type: readers build values from cells
// (`column_store::at`) and would otherwise throw `value_error`, or print nonsense, long after
// the input was accepted. The ranges are the types' own (years 1 to 9999, a day's micros).
void check_int64_cell(value_type t, std::int64_t x, const std::string& column, std::size_t row) {
  bool ok = true;
  switch (t) {
  case value_type::date:
    ok = x >= date::min_days && x <= date::max_days;
    break;
  case value_type::time_of_day:
    ok = x >= 0 && x < detail::micros_per_day;
    break;
  case value_type::timestamp:
  case value_type::timestamptz:
    ok = x >= timestamp::min_micros && x <= timestamp::max_micros;
    break;
  default: // booleans and integers: any int64
    break;
  }
  if (!ok)
    bad_cell(t, column, row, "a value out of range (" + std::to_string(x) + ")");
}

// Text and bytes may hold anything; a UUID is 16 bytes, a decimal its canonical text (the one
// its `decimal` would print, so that equal values stay byte-equal) and JSON one valid document.
void check_chars_cell(value_type t, std::string_view x, const std::string& column,
                      std::size_t row) {
  try {
    if (t == value_type::uuid && x.size() != 16)
      bad_cell(t, column, row, std::to_string(x.size()) + " bytes, not 16,");
    if (t == value_type::decimal && decimal::parse(x).to_string() != x)
      bad_cell(t, column, row, "a decimal that is not in canonical form");
    if (t == value_type::json)
      (void)json_text::parse(x);
  } catch (const value_error& e) {
    bad_cell(t, column, row, std::string{"malformed text ("} + e.what() + ")");
  }
}

} // namespace

std::string encode_frozen_result(const frozen_result_data& result) {
  writer w;
  w.bytes(magic.data(), magic.size());
  w.number<std::uint8_t>(format_version);
  w.number<std::uint32_t>(static_cast<std::uint32_t>(result.columns().size()));
  for (const auto& c : result.columns()) {
    w.text(c.name);
    w.number<std::uint8_t>(static_cast<std::uint8_t>(c.type));
    w.number<std::int16_t>(c.sql_type);
    w.number<std::uint8_t>(c.nullable ? 1 : 0);
  }
  w.number<std::int64_t>(result.rows_affected());
  w.number<std::uint32_t>(static_cast<std::uint32_t>(result.chunks().size()));
  for (const auto& chunk : result.chunks()) {
    const auto rows = chunk.row_count();
    w.number<std::uint32_t>(static_cast<std::uint32_t>(rows));
    for (std::size_t c = 0; c < chunk.column_count(); ++c) {
      const auto s = chunk.column(c);
      // A slice's store may hold NULLs only outside its rows: encode as a fresh result would.
      bool nulls = false;
      for (std::size_t r = 0; s.has_nulls() && !nulls && r < rows; ++r)
        nulls = s.is_null(r);
      w.number<std::uint8_t>(nulls ? 1 : 0);
      if (nulls)
        for (std::size_t r = 0; r < rows; ++r)
          w.number<std::uint8_t>(s.is_null(r) ? 1 : 0);
      for (std::size_t r = 0; r < rows; ++r) {
        if (stored_as_int64(s.type()))
          w.number<std::int64_t>(s.int64_at(r));
        else if (s.type() == value_type::float64)
          w.number<double>(s.float64_at(r));
        else if (stored_as_chars(s.type()))
          w.text(s.text_at(r));
        // else a NULL-typed column: its cells are all NULL and take no bytes
      }
    }
  }
  return w.take();
}

frozen_result decode_frozen_result(std::string_view bytes) {
  reader r{bytes};
  if (r.bytes(magic.size()) != magic)
    throw codec_error("not a frozen result encoding (bad magic)");
  if (auto v = r.number<std::uint8_t>(); v != format_version)
    throw codec_error("unsupported frozen result encoding version " + std::to_string(v));
  std::vector<column_info> columns(r.count(8));
  for (auto& c : columns) {
    c.name = r.text();
    auto t = r.number<std::uint8_t>();
    if (t > static_cast<std::uint8_t>(last_value_type))
      throw codec_error("frozen result encoding has an unknown column type");
    c.type = static_cast<value_type>(t);
    c.sql_type = r.number<std::int16_t>();
    c.nullable = r.flag();
  }
  const auto rows_affected = r.number<std::int64_t>();
  std::vector<row_chunk> chunks(r.count(4));
  for (auto& chunk : chunks) {
    chunk = row_chunk{columns};
    const auto rows = static_cast<std::size_t>(r.number<std::uint32_t>());
    if (columns.empty() && rows > 0)
      throw codec_error("frozen result encoding has rows but no columns");
    for (std::size_t c = 0; c < columns.size(); ++c) {
      auto& s = chunk.column(c);
      const bool has_nulls = r.flag();
      // Every row costs at least one byte (its null flag, or its value) in a well-formed input.
      if (rows > r.remaining())
        throw codec_error("frozen result encoding declares more rows than it holds");
      std::vector<bool> nulls(has_nulls ? rows : 0, false);
      for (std::size_t i = 0; i < nulls.size(); ++i)
        nulls[i] = r.flag();
      const auto type = columns[c].type;
      for (std::size_t i = 0; i < rows; ++i) {
        const bool null = has_nulls && nulls[i];
        // The bytes under a NULL are read (they are there) but neither checked nor kept.
        if (stored_as_int64(type)) {
          auto x = r.number<std::int64_t>();
          if (null) {
            s.push_null();
          } else {
            check_int64_cell(type, x, columns[c].name, i);
            s.push_int64(x);
          }
        } else if (type == value_type::float64) {
          auto x = r.number<double>();
          null ? s.push_null() : s.push_float64(x);
        } else if (stored_as_chars(type)) {
          auto x = r.bytes(r.number<std::uint32_t>());
          if (null) {
            s.push_null();
          } else {
            check_chars_cell(type, x, columns[c].name, i);
            s.push_text(x);
          }
        } else {
          s.push_null();
        }
      }
    }
    for (std::size_t i = 0; i < rows; ++i)
      chunk.finish_row();
  }
  if (r.remaining() != 0)
    throw codec_error("frozen result encoding has trailing bytes");
  return freeze(std::move(columns), std::move(chunks), rows_affected);
}

} // namespace gatherdb::model
