#include "result_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "gatherdb/drivers/error.hpp"
#include "gatherdb/model/detail/backend_text.hpp"
#include "gatherdb/model/frozen_result.hpp"
#include "gatherdb/model/value.hpp"

namespace gatherdb::cli {
namespace {

using json = nlohmann::ordered_json;

using actors::outcome;
using actors::outcome_status;

bool has_columns(const outcome& o) {
  return o.rows && !o.rows->columns().empty();
}

std::int64_t rows_affected(const outcome& o) {
  return o.rows ? o.rows->rows_affected() : -1;
}

// Display width of UTF-8 text: code points, not bytes.
std::size_t display_width(std::string_view s) noexcept {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Control characters would break the alignment: show them escaped.
std::string table_cell(const model::value& v) {
  auto text = cell_text(v);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      out += c;
    }
  }
  return out;
}

bool is_numeric(model::value_type t) noexcept {
  return t == model::value_type::int64 || t == model::value_type::float64 ||
         t == model::value_type::decimal;
}

void pad(std::ostream& out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    out << ' ';
}

std::string failure_summary(std::size_t number, const outcome& o) {
  std::string s =
      "(statement " + std::to_string(number) + ' ' + std::string{actors::to_string(o.status)};
  const auto& info = o.error.info;
  if (o.status == outcome_status::failed) {
    s += ": ";
    s += drivers::to_string(info.category);
    if (!info.sqlstate.empty())
      s += ", SQLSTATE " + info.sqlstate;
  }
  return s + ')';
}

void write_table(std::ostream& out, const std::vector<outcome>& outcomes) {
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const auto& o = outcomes[i];
    if (i > 0)
      out << '\n';
    if (!o.ok()) {
      out << failure_summary(i + 1, o) << '\n';
      continue;
    }
    if (!has_columns(o)) {
      const auto n = rows_affected(o);
      if (n >= 0)
        out << '(' << n << (n == 1 ? " row" : " rows") << " affected)\n";
      else
        out << "(ok)\n";
      continue;
    }
    const auto& columns = o.rows->columns();
    std::vector<std::vector<std::string>> cells;
    cells.reserve(o.rows->row_count());
    std::vector<std::size_t> width(columns.size());
    for (std::size_t c = 0; c < columns.size(); ++c)
      width[c] = display_width(columns[c].name);
    o.rows->for_each_row([&](const model::row_ref& row) {
      auto& line = cells.emplace_back();
      line.reserve(columns.size());
      for (std::size_t c = 0; c < columns.size(); ++c) {
        line.push_back(table_cell(row.at(c)));
        width[c] = std::max(width[c], display_width(line.back()));
      }
    });
    auto write_line = [&](auto text_of, bool header) {
      for (std::size_t c = 0; c < columns.size(); ++c) {
        const std::string& text = text_of(c);
        const auto gap = width[c] - display_width(text);
        out << (c == 0 ? " " : " | ");
        const bool right = !header && is_numeric(columns[c].type);
        if (right)
          pad(out, gap);
        out << text;
        if (!right && c + 1 < columns.size())
          pad(out, gap);
      }
      out << '\n';
    };
    write_line([&](std::size_t c) -> const std::string& { return columns[c].name; }, true);
    for (std::size_t c = 0; c < columns.size(); ++c)
      out << (c == 0 ? "" : "+") << std::string(width[c] + 2, '-');
    out << '\n';
    for (const auto& line : cells)
      write_line([&](std::size_t c) -> const std::string& { return line[c]; }, false);
    const auto n = o.rows->row_count();
    out << '(' << n << (n == 1 ? " row)" : " rows)") << '\n';
  }
}

std::string dump(const json& j) {
  // Text cells are not checked for UTF-8: replace what is invalid instead of throwing.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A JSON document's text without the whitespace between its tokens. The text is valid JSON (a
// json_text is validated when made), so it is copied rather than parsed: parsing would turn
// numbers into doubles and lose digits (or fail on 1e400), and the copy stays on one line.
void append_compact_json(std::string& out, std::string_view document) {
  bool in_string = false;
  bool escaped = false;
  for (char c : document) {
    if (in_string) {
      out += c;
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      out += c;
      in_string = c == '"';
    }
  }
}

// Numbers only when JSON readers keep them exact (int64 as written, doubles as doubles);
// decimals, dates, times and UUIDs are strings in their text forms, JSON cells the document.
void append_json_cell(std::string& out, const model::value& v) {
  switch (v.type()) {
  case model::value_type::null:
    out += "null";
    return;
  case model::value_type::boolean:
    out += v.get<bool>() ? "true" : "false";
    return;
  case model::value_type::int64:
    out += std::to_string(v.get<std::int64_t>());
    return;
  case model::value_type::float64:
    out += dump(json(v.get<double>())); // NaN and infinities are written as null
    return;
  case model::value_type::json:
    append_compact_json(out, v.get<model::json_text>().text());
    return;
  case model::value_type::text:
  case model::value_type::bytes:
  case model::value_type::date:
  case model::value_type::time_of_day:
  case model::value_type::timestamp:
  case model::value_type::timestamptz:
  case model::value_type::decimal:
  case model::value_type::uuid:
    out += dump(json(cell_text(v)));
    return;
  }
}

json json_error(const actors::statement_error& e) {
  return {{"sqlstate", e.info.sqlstate},
          {"native_code", e.info.native_code},
          {"category", drivers::to_string(e.info.category)},
          {"source", actors::to_string(e.source)},
          {"message", e.info.message}};
}

void write_json(std::ostream& out, const std::vector<outcome>& outcomes) {
  // One document; one statement per line keeps large outputs readable and diffable. The line
  // is written as text, not built as a json object, so that JSON cells go in verbatim.
  out << '[';
  std::string line;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const auto& o = outcomes[i];
    line = "{\"statement\":" + std::to_string(i + 1) +
           ",\"status\":" + dump(json(actors::to_string(o.status)));
    if (o.ok()) {
      auto columns = json::array();
      if (o.rows)
        for (const auto& c : o.rows->columns())
          columns.push_back(c.name);
      line += ",\"columns\":" + dump(columns) + ",\"rows\":[";
      if (o.rows) {
        bool first_row = true;
        o.rows->for_each_row([&](const model::row_ref& row) {
          line += first_row ? "[" : ",[";
          first_row = false;
          for (std::size_t c = 0; c < row.size(); ++c) {
            if (c > 0)
              line += ',';
            append_json_cell(line, row.at(c));
          }
          line += ']';
        });
      }
      line += ']';
      if (rows_affected(o) >= 0)
        line += ",\"rows_affected\":" + std::to_string(rows_affected(o));
    } else {
      line += ",\"error\":" + dump(json_error(o.error));
    }
    line += '}';
    out << (i == 0 ? "\n" : ",\n") << line;
  }
  out << "\n]\n";
}

void csv_field(std::ostream& out, std::string_view s, bool quote_empty) {
  const bool quote =
      s.find_first_of(",\"\r\n") != std::string_view::npos || (quote_empty && s.empty());
  if (!quote) {
    out << s;
    return;
  }
  out << '"';
  for (char c : s) {
    if (c == '"')
      out << '"';
    out << c;
  }
  out << '"';
}

template <class Fields>
void csv_record(std::ostream& out, const Fields& fields) {
  bool first = true;
  for (const auto& f : fields) {
    if (!first)
      out << ',';
    first = false;
    csv_field(out, f, true);
  }
  out << "\r\n";
}

void write_csv(std::ostream& out, const std::vector<outcome>& outcomes) {
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const auto& o = outcomes[i];
    if (i > 0)
      out << "\r\n";
    if (!o.ok()) {
      const auto& info = o.error.info;
      csv_record(out, std::vector<std::string>{"status", "sqlstate", "native_code", "category",
                                               "message"});
      csv_record(out, std::vector<std::string>{std::string{actors::to_string(o.status)},
                                               info.sqlstate, std::to_string(info.native_code),
                                               std::string{drivers::to_string(info.category)},
                                               info.message});
      continue;
    }
    if (!has_columns(o)) {
      out << "rows_affected\r\n" << rows_affected(o) << "\r\n";
      continue;
    }
    std::vector<std::string> header;
    for (const auto& c : o.rows->columns())
      header.push_back(c.name);
    csv_record(out, header);
    o.rows->for_each_row([&](const model::row_ref& row) {
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (c > 0)
          out << ',';
        if (!row.is_null(c))
          csv_field(out, cell_text(row.at(c)), true);
        else if (row.size() == 1)
          out << "\"\""; // an empty line would read as the end of the statement's block
        // else NULL: an empty, unquoted field
      }
      out << "\r\n";
    });
  }
}

} // namespace

std::optional<output_format> parse_output_format(std::string_view name) noexcept {
  if (name == "table")
    return output_format::table;
  if (name == "json")
    return output_format::json;
  if (name == "csv")
    return output_format::csv;
  return std::nullopt;
}

std::string cell_text(const model::value& v) {
  switch (v.type()) {
  case model::value_type::null:
    return "NULL";
  case model::value_type::boolean:
    return v.get<bool>() ? "true" : "false";
  case model::value_type::int64:
    return std::to_string(v.get<std::int64_t>());
  case model::value_type::float64: {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v.get<double>());
    return ec == std::errc{} ? std::string(buf, end) : std::string{"NaN"};
  }
  case model::value_type::text:
    return v.get<std::string>();
  case model::value_type::bytes: {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\\x";
    for (auto b : v.get<model::bytes>()) {
      const auto x = static_cast<unsigned>(b);
      out += hex[x >> 4];
      out += hex[x & 15];
    }
    return out;
  }
  case model::value_type::date:
    return model::detail::format_date(v.get<model::date>());
  case model::value_type::time_of_day:
    return model::detail::format_time(v.get<model::time_of_day>());
  case model::value_type::timestamp:
    return model::detail::format_timestamp(v.get<model::timestamp>());
  case model::value_type::timestamptz:
    return model::detail::format_timestamptz(v.get<model::timestamptz>());
  case model::value_type::decimal:
    return v.get<model::decimal>().to_string();
  case model::value_type::uuid:
    return v.get<model::uuid>().to_string();
  case model::value_type::json:
    return v.get<model::json_text>().text();
  }
  return {};
}

void write_results(std::ostream& out, output_format format,
                   const std::vector<actors::outcome>& outcomes) {
  switch (format) {
  case output_format::table:
    write_table(out, outcomes);
    break;
  case output_format::json:
    write_json(out, outcomes);
    break;
  case output_format::csv:
    write_csv(out, outcomes);
    break;
  }
}

} // namespace gatherdb::cli
