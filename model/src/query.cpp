#include "gatherdb/model/query.hpp"

#include <stdexcept>

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

} // namespace

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
  } else if (s.offset && d != dialect::postgresql) {
    // SQLite and MariaDB accept OFFSET only after a LIMIT; -1 / 2^64-1 mean "no limit".
    out.sql += d == dialect::mariadb ? " LIMIT 18446744073709551615" : " LIMIT -1";
  }
  if (s.offset) {
    out.sql += " OFFSET ?";
    out.params.emplace_back(static_cast<std::int64_t>(*s.offset));
  }
}

} // namespace gatherdb::model
