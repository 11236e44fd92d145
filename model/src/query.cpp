#include "gatherdb/model/query.hpp"

#include <charconv>
#include <iterator>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "gatherdb/model/detail/dialect_rules.hpp"

namespace gatherdb::model {

namespace {

struct renderer {
  const table_schema& t;
  dialect d;
  compiled_sql& out;

  void column(std::size_t i) {
    if (i >= t.columns.size())
      throw std::logic_error("gatherdb: condition on a column outside the table");
    append_quoted_identifier(out.sql, d, t.table);
    out.sql += '.';
    append_quoted_identifier(out.sql, d, t.columns[i].name);
  }

  static std::string_view symbol(condition_node::op op) {
    switch (op) {
    case condition_node::op::eq:
      return " = ?";
    case condition_node::op::ne:
      return " <> ?";
    case condition_node::op::lt:
      return " < ?";
    case condition_node::op::le:
      return " <= ?";
    case condition_node::op::gt:
      return " > ?";
    case condition_node::op::ge:
      return " >= ?";
    }
    return " = ?";
  }

  // AND binds tighter than OR, so only an OR below an AND (or anything below NOT) needs
  // parentheses; the rest stays flat and readable.
  void child(const condition_node& n, condition_node::kind parent) {
    const bool wrap = (parent == condition_node::kind::logical_and &&
                       n.what == condition_node::kind::logical_or) ||
                      (parent == condition_node::kind::logical_not &&
                       (n.what == condition_node::kind::logical_and ||
                        n.what == condition_node::kind::logical_or));
    if (wrap)
      out.sql += '(';
    render(n);
    if (wrap)
      out.sql += ')';
  }

  void render(const condition_node& n) {
    switch (n.what) {
    case condition_node::kind::compare:
      column(n.column);
      out.sql += symbol(n.comparison);
      out.params.push_back(n.values.at(0));
      return;
    case condition_node::kind::in:
      if (n.values.empty()) {
        out.sql += "1 = 0";
        return;
      }
      column(n.column);
      out.sql += " IN (";
      for (std::size_t i = 0; i < n.values.size(); ++i) {
        out.sql += i == 0 ? "?" : ", ?";
        out.params.push_back(n.values[i]);
      }
      out.sql += ')';
      return;
    case condition_node::kind::is_null:
      column(n.column);
      out.sql += " IS NULL";
      return;
    case condition_node::kind::is_not_null:
      column(n.column);
      out.sql += " IS NOT NULL";
      return;
    case condition_node::kind::logical_and:
    case condition_node::kind::logical_or:
      child(*n.lhs, n.what);
      out.sql += n.what == condition_node::kind::logical_and ? " AND " : " OR ";
      child(*n.rhs, n.what);
      return;
    case condition_node::kind::logical_not:
      out.sql += "NOT ";
      if (n.lhs->what == condition_node::kind::compare || n.lhs->what == condition_node::kind::in ||
          n.lhs->what == condition_node::kind::logical_not) {
        out.sql += '(';
        render(*n.lhs);
        out.sql += ')';
      } else {
        child(*n.lhs, n.what);
      }
      return;
    }
  }
};

// The conjuncts of a WHERE tree's top-level AND chain, left to right: the order its
// parameters are bound in.
void conjuncts(const condition_node& n, std::vector<const condition_node*>& out) {
  if (n.what == condition_node::kind::logical_and) {
    conjuncts(*n.lhs, out);
    conjuncts(*n.rhs, out);
  } else {
    out.push_back(&n);
  }
}

const condition_node& leftmost_conjunct(const condition_node& n) noexcept {
  const auto* p = &n;
  while (p->what == condition_node::kind::logical_and)
    p = p->lhs.get();
  return *p;
}

// Names no mapped table is expected to use: the derived table of a coalesced lookup.
constexpr std::string_view lookup_table = "gatherdb_k";
constexpr std::string_view lookup_index = "gatherdb_i";
constexpr std::string_view lookup_key = "gatherdb_v";

void append_lookup_column(std::string& sql, dialect d, std::string_view column) {
  append_quoted_identifier(sql, d, lookup_table);
  sql += '.';
  append_quoted_identifier(sql, d, column);
}

// A key parameter typed as the key column's values are on PostgreSQL; text stays untyped
// (unknown resolves to the column's own text type).
std::string_view key_placeholder(value_type type) noexcept {
  switch (type) {
  case value_type::boolean:
    return "CAST(? AS BOOLEAN)";
  case value_type::int64:
    return "CAST(? AS BIGINT)";
  case value_type::float64:
    return "CAST(? AS DOUBLE PRECISION)";
  case value_type::bytes:
    return "CAST(? AS BYTEA)";
  case value_type::date:
    return "CAST(? AS DATE)";
  case value_type::time_of_day:
    return "CAST(? AS TIME)";
  case value_type::timestamp:
    return "CAST(? AS TIMESTAMP)";
  case value_type::timestamptz:
    return "CAST(? AS TIMESTAMPTZ)";
  case value_type::decimal:
    return "CAST(? AS NUMERIC)";
  case value_type::uuid:
    return "CAST(? AS UUID)";
  case value_type::json:
    return "CAST(? AS JSONB)";
  case value_type::null:
  case value_type::text:
    break;
  }
  return "?";
}

} // namespace

bool coalescible_key(const value& key, dialect d) noexcept {
  const auto& r = detail::rules_of(d);
  if ((r.coalesced_key_types & (1u << static_cast<unsigned>(key.type()))) == 0)
    return false;
  const auto* text = key.get_if<std::string>();
  return text == nullptr || r.coalesced_text_key_limit == 0 ||
         text->size() <= r.coalesced_text_key_limit;
}

bool coalescible(const select_spec& s) noexcept {
  if (!s.where || s.limit || s.offset)
    return false;
  const auto& key = leftmost_conjunct(*s.where);
  return key.what == condition_node::kind::compare && key.comparison == condition_node::op::eq;
}

coalesced_shape make_coalesced_shape(const table_schema& t, const select_spec& s, dialect d) {
  if (!coalescible(s))
    throw std::logic_error("gatherdb: coalesced form of a select that cannot be coalesced");
  std::vector<const condition_node*> terms;
  conjuncts(*s.where, terms);
  const auto key_column = terms.front()->column;
  coalesced_shape shape;
  // The renderer appends to `buf`; each piece of the shape is cut off it as it ends.
  compiled_sql buf;
  buf.sql.reserve(256);
  renderer r{t, d, buf};
  auto cut = [&buf](std::string& piece) {
    piece = std::move(buf.sql);
    buf.sql.clear();
  };
  // ", <select list> FROM <table>", after the lookup index column.
  auto append_rows_from = [&] {
    buf.sql += ", ";
    append_select_list(buf.sql, t, d);
    buf.sql += " FROM ";
    append_quoted_identifier(buf.sql, d, t.table);
  };
  const auto form = detail::rules_of(d).coalesced;
  const char* joiner = " WHERE ";
  if (form == detail::coalesced_form::case_in) {
    // Each row is tagged with the first key it equals, compared as the statement alone
    // compares; the IN list lets only rows that equal a key reach the CASE.
    r.column(key_column);
    std::string column;
    cut(column);
    buf.sql = "SELECT CASE WHEN " + column + " = ? THEN ";
    cut(shape.head);
    shape.next_row = " WHEN " + column + " = ? THEN ";
    shape.index_literal = true;
    buf.sql = " END AS ";
    append_quoted_identifier(buf.sql, d, lookup_index);
    append_rows_from();
    buf.sql += joiner;
    buf.sql += column;
    buf.sql += " IN (";
    shape.key_list = true;
    joiner = " AND ";
    cut(shape.middle);
    buf.sql += ')';
  } else {
    buf.sql = "SELECT ";
    append_lookup_column(buf.sql, d, lookup_index);
    append_rows_from();
    // The first index is cast: a driver may send an integer parameter untyped, and the rows
    // must come back in numeric order of their lookup. A VALUES list plans in a fraction of
    // the time of a UNION ALL on PostgreSQL; MariaDB names a VALUES list's columns after its
    // first row.
    if (form == detail::coalesced_form::values_join) {
      // PostgreSQL types a VALUES column after its first row: an untyped key would be text.
      buf.sql += " JOIN (VALUES (CAST(? AS INTEGER), ";
      buf.sql += key_placeholder(t.columns.at(key_column).type);
      buf.sql += ')';
      cut(shape.head);
      shape.next_row = ", (?, ?)";
      buf.sql += ") ";
      append_quoted_identifier(buf.sql, d, lookup_table);
      buf.sql += " (";
      append_quoted_identifier(buf.sql, d, lookup_index);
      buf.sql += ", ";
      append_quoted_identifier(buf.sql, d, lookup_key);
      buf.sql += ')';
    } else {
      buf.sql += " JOIN (SELECT CAST(? AS INTEGER) AS ";
      append_quoted_identifier(buf.sql, d, lookup_index);
      buf.sql += ", ? AS ";
      append_quoted_identifier(buf.sql, d, lookup_key);
      cut(shape.head);
      shape.next_row = " UNION ALL SELECT ?, ?";
      buf.sql += ") ";
      append_quoted_identifier(buf.sql, d, lookup_table);
    }
    buf.sql += " ON ";
    r.column(key_column);
    buf.sql += " = ";
    append_lookup_column(buf.sql, d, lookup_key);
    cut(shape.middle);
  }
  for (std::size_t i = 1; i < terms.size(); ++i) {
    buf.sql += joiner;
    joiner = " AND ";
    r.child(*terms[i], condition_node::kind::logical_and);
  }
  buf.sql += " ORDER BY ";
  if (form == detail::coalesced_form::case_in)
    append_quoted_identifier(buf.sql, d, lookup_index);
  else
    append_lookup_column(buf.sql, d, lookup_index);
  for (const auto& [column, descending] : s.order) {
    buf.sql += ", ";
    r.column(column);
    if (descending)
      buf.sql += " DESC";
  }
  cut(shape.tail);
  shape.tail_params = std::move(buf.params);
  return shape;
}

void render_coalesced(const coalesced_shape& s, const std::vector<const value*>& keys,
                      compiled_sql& out) {
  if (keys.empty())
    throw std::logic_error("gatherdb: a coalesced lookup needs a key");
  const auto n = keys.size();
  out.params.clear();
  out.params.reserve((s.key_list ? 2 : 1) * n + (s.index_literal ? 0 : n) + s.tail_params.size());
  out.sql.clear();
  out.sql.reserve(s.head.size() + (s.next_row.size() + 4) * n + s.middle.size() + 3 * n +
                  s.tail.size());
  out.sql += s.head;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0)
      out.sql += s.next_row;
    if (s.index_literal) {
      // The lookup's own index, not a value of the caller's: the SQL text depends only on n.
      char digits[24];
      const auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), i);
      out.sql.append(digits, end);
    } else {
      out.params.emplace_back(static_cast<std::int64_t>(i));
    }
    out.params.push_back(*keys[i]);
  }
  out.sql += s.middle;
  if (s.key_list) {
    for (std::size_t i = 0; i < n; ++i) {
      out.sql += i == 0 ? "?" : ", ?";
      out.params.push_back(*keys[i]);
    }
  }
  out.sql += s.tail;
  out.params.insert(out.params.end(), s.tail_params.begin(), s.tail_params.end());
}

void compile_coalesced_select_into(const table_schema& t, const select_spec& s, dialect d,
                                   const std::vector<const value*>& keys, compiled_sql& out) {
  if (!coalescible(s) || keys.empty())
    throw std::logic_error("gatherdb: coalesced form of a select that cannot be coalesced");
  render_coalesced(make_coalesced_shape(t, s, d), keys, out);
}

select_heads make_select_heads(const table_schema& t) {
  select_heads heads;
  for (std::size_t d = 0; d < heads.size(); ++d)
    heads[d] = select_head_sql(t, static_cast<dialect>(d));
  return heads;
}

void compile_select_into(const table_schema& t, const select_heads& heads, const select_spec& s,
                         dialect d, compiled_sql& out) {
  out.params.clear();
  // Compiled for every execution: one allocation for the usual statement, not one per growth
  // (none when `out` is reused).
  out.sql.reserve(160);
  out.sql = heads[static_cast<std::size_t>(d)];
  renderer r{t, d, out};
  if (s.where) {
    out.sql += " WHERE ";
    r.render(*s.where);
  }
  if (!s.order.empty()) {
    out.sql += " ORDER BY ";
    for (std::size_t i = 0; i < s.order.size(); ++i) {
      if (i > 0)
        out.sql += ", ";
      r.column(s.order[i].first);
      if (s.order[i].second)
        out.sql += " DESC";
    }
  }
  if (s.limit) {
    out.sql += " LIMIT ?";
    out.params.emplace_back(static_cast<std::int64_t>(*s.limit));
  } else if (s.offset) {
    // SQLite and MariaDB accept OFFSET only after a LIMIT.
    out.sql += detail::rules_of(d).limit_all;
  }
  if (s.offset) {
    out.sql += " OFFSET ?";
    out.params.emplace_back(static_cast<std::int64_t>(*s.offset));
  }
}

} // namespace gatherdb::model
