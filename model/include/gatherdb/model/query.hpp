#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "gatherdb/model/coalesced_shape.hpp"
#include "gatherdb/model/compiled_sql.hpp"
#include "gatherdb/model/dialect.hpp"
#include "gatherdb/model/entity.hpp"
#include "gatherdb/model/table_schema.hpp"
#include "gatherdb/model/value.hpp"

namespace gatherdb::model {

class statement;

/// One node of a WHERE expression tree, independent of the entity type; built by the typed
/// operators below, rendered by `compile_select_into`.
/// Thread-safety: immutable once built; shared between query copies by `shared_ptr<const>`.
struct condition_node {
  enum class kind : std::uint8_t {
    compare,
    in,
    is_null,
    is_not_null,
    logical_and,
    logical_or,
    logical_not
  };
  enum class op : std::uint8_t { eq, ne, lt, le, gt, ge };

  kind what = kind::compare;
  op comparison = op::eq;
  /// Column index in the entity's `table_schema::columns` (compare, in, is_null).
  std::size_t column = 0;
  /// The compared value (compare) or the list (in).
  std::vector<value> values;
  std::shared_ptr<const condition_node> lhs;
  std::shared_ptr<const condition_node> rhs;
};

/// A boolean SQL condition on entity `E`. Combine with `&&`, `||`, `!`.
/// Thread-safety: immutable; cheap to copy.
template <class E>
class condition {
public:
  explicit condition(std::shared_ptr<const condition_node> node) noexcept
      : node_(std::move(node)) {}

  [[nodiscard]] const std::shared_ptr<const condition_node>& node() const noexcept { return node_; }

  friend condition operator&&(const condition& x, const condition& y) {
    return logical(condition_node::kind::logical_and, x, y);
  }
  friend condition operator||(const condition& x, const condition& y) {
    return logical(condition_node::kind::logical_or, x, y);
  }
  friend condition operator!(const condition& x) {
    auto n = std::make_shared<condition_node>();
    n->what = condition_node::kind::logical_not;
    n->lhs = x.node_;
    return condition{std::move(n)};
  }

private:
  static condition logical(condition_node::kind k, const condition& x, const condition& y) {
    auto n = std::make_shared<condition_node>();
    n->what = k;
    n->lhs = x.node_;
    n->rhs = y.node_;
    return condition{std::move(n)};
  }

  std::shared_ptr<const condition_node> node_;
};

namespace detail {

template <class T>
struct strip_optional {
  using type = T;
};
template <class T>
struct strip_optional<std::optional<T>> {
  using type = T;
};

template <class T>
inline constexpr bool is_text_operand_v =
    std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view> ||
    std::is_same_v<T, const char*> || std::is_same_v<T, char*>;

template <class T>
inline constexpr bool is_integer_operand_v =
    std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>;

/// The value types compared only with an operand of their own type.
template <class T>
inline constexpr bool is_value_class_v =
    std::is_same_v<T, date> || std::is_same_v<T, time_of_day> || std::is_same_v<T, timestamp> ||
    std::is_same_v<T, timestamptz> || std::is_same_v<T, decimal> || std::is_same_v<T, uuid> ||
    std::is_same_v<T, json_text>;

/// Whether a member of type `M` may be compared with an operand of type `U`: the operand must
/// have the member's SQL type (text with text, integers with integers, ...).
template <class M, class U>
constexpr bool comparable() {
  using B = typename strip_optional<M>::type;
  using V = std::decay_t<U>;
  if constexpr (std::is_same_v<B, std::string>)
    return is_text_operand_v<V>;
  else if constexpr (std::is_same_v<B, bool>)
    return std::is_same_v<V, bool>;
  else if constexpr (std::is_same_v<B, double>)
    return std::is_arithmetic_v<V> && !std::is_same_v<V, bool> && !std::is_same_v<V, char>;
  else if constexpr (std::is_same_v<B, bytes>)
    return std::is_same_v<V, bytes>;
  else if constexpr (std::is_integral_v<B>)
    return is_integer_operand_v<V>;
  else if constexpr (is_value_class_v<B>)
    return std::is_same_v<V, B>;
  else
    return false;
}

template <class M, class U>
inline constexpr bool comparable_v = comparable<M, U>();

template <class U>
value to_operand(U&& x) {
  using V = std::decay_t<U>;
  if constexpr (std::is_same_v<V, std::string_view>)
    return value{std::string{x}};
  else if constexpr (std::is_integral_v<V> && std::is_unsigned_v<V> && sizeof(V) >= 8)
    return detail::member_traits<V>::to_value(x); // refuses what a BIGINT cannot hold
  else if constexpr (std::is_integral_v<V> && !std::is_same_v<V, bool>)
    return value{static_cast<std::int64_t>(x)};
  else if constexpr (std::is_floating_point_v<V>)
    return value{static_cast<double>(x)};
  else
    return value{std::forward<U>(x)};
}

} // namespace detail

/// One ORDER BY term.
/// Thread-safety: value type.
template <class E>
struct order_term {
  std::size_t column = 0;
  bool descending = false;
};

/// A typed reference to the column mapping member `T E::*`, made by `col()`. Comparisons only
/// accept operands of the member's SQL type: `col(&A::id) == "x"` does not compile.
/// Thread-safety: value type.
template <class E, class T>
class column_ref {
public:
  explicit column_ref(std::size_t index) noexcept : index_(index) {}

  /// Index of the column in `mapping_of<E>().schema().columns`.
  [[nodiscard]] std::size_t index() const noexcept { return index_; }

  /// `column IN (?, ...)`; an empty list renders as `1 = 0` (always false, still valid SQL).
  [[nodiscard]] condition<E>
  in(std::initializer_list<typename detail::strip_optional<T>::type> xs) const {
    return in_values(std::vector<value>(xs.begin(), xs.end()));
  }

  /// `column IN (?, ...)` from a vector of operands of the member's SQL type.
  template <class U, std::enable_if_t<detail::comparable_v<T, U>, int> = 0>
  [[nodiscard]] condition<E> in(const std::vector<U>& xs) const {
    std::vector<value> vs;
    vs.reserve(xs.size());
    for (const auto& x : xs)
      vs.push_back(detail::to_operand(x));
    return in_values(std::move(vs));
  }

  /// `column IS NULL`.
  [[nodiscard]] condition<E> is_null() const { return null_test(condition_node::kind::is_null); }

  /// `column IS NOT NULL`.
  [[nodiscard]] condition<E> is_not_null() const {
    return null_test(condition_node::kind::is_not_null);
  }

  /// Ascending order (the default when a column is passed to `order_by`).
  [[nodiscard]] order_term<E> asc() const noexcept { return {index_, false}; }
  /// Descending order.
  [[nodiscard]] order_term<E> desc() const noexcept { return {index_, true}; }

  /// `column <op> ?`; used by the comparison operators.
  template <class U>
  [[nodiscard]] condition<E> compare(condition_node::op op, U&& operand) const {
    auto n = std::make_shared<condition_node>();
    n->what = condition_node::kind::compare;
    n->comparison = op;
    n->column = index_;
    n->values.push_back(detail::to_operand(std::forward<U>(operand)));
    return condition<E>{std::move(n)};
  }

private:
  condition<E> in_values(std::vector<value> vs) const {
    auto n = std::make_shared<condition_node>();
    n->what = condition_node::kind::in;
    n->column = index_;
    n->values = std::move(vs);
    return condition<E>{std::move(n)};
  }

  condition<E> null_test(condition_node::kind k) const {
    auto n = std::make_shared<condition_node>();
    n->what = k;
    n->column = index_;
    return condition<E>{std::move(n)};
  }

  std::size_t index_;
};

/// A typed column reference: `col(&A::data)`. Throws `std::invalid_argument` when the member
/// is not mapped. Thread-safe.
template <class E, class T>
[[nodiscard]] column_ref<E, T> col(T E::*member) {
  return column_ref<E, T>{mapping_of<E>().index_of(member)};
}

#define GATHERDB_COLUMN_COMPARISON(sym, op_name)                                                   \
  template <class E, class T, class U, std::enable_if_t<detail::comparable_v<T, U>, int> = 0>      \
  [[nodiscard]] condition<E> operator sym(const column_ref<E, T>& c, U&& operand) {                \
    return c.compare(condition_node::op::op_name, std::forward<U>(operand));                       \
  }

/// Comparisons of a column with an operand of the member's SQL type.
GATHERDB_COLUMN_COMPARISON(==, eq)
GATHERDB_COLUMN_COMPARISON(!=, ne)
GATHERDB_COLUMN_COMPARISON(<, lt)
GATHERDB_COLUMN_COMPARISON(<=, le)
GATHERDB_COLUMN_COMPARISON(>, gt)
GATHERDB_COLUMN_COMPARISON(>=, ge)

#undef GATHERDB_COLUMN_COMPARISON

/// The entity-independent parts of a SELECT.
/// Thread-safety: value type.
struct select_spec {
  std::shared_ptr<const condition_node> where;
  std::vector<std::pair<std::size_t, bool>> order; // column index, descending
  std::optional<std::uint64_t> limit;
  std::optional<std::uint64_t> offset;
};

/// `select_head_sql(t, d)` for every dialect, indexed by `dialect`: rendered once per entity,
/// because quoting the select list was a third of compiling a one-condition SELECT.
using select_heads = std::array<std::string, dialect_count>;

/// The heads of `t` in every dialect. Thread-safe.
[[nodiscard]] select_heads make_select_heads(const table_schema& t);

/// Renders `SELECT <all mapped columns> FROM t [WHERE ...] [ORDER BY ...] [LIMIT ?] [OFFSET ?]`
/// into `out`, replacing its contents and keeping its capacity; `heads` are `t`'s
/// (`make_select_heads(t)`). Thread-safe.
void compile_select_into(const table_schema& t, const select_heads& heads, const select_spec& s,
                         dialect d, compiled_sql& out);

/// Whether statements with spec `s` that differ only in the value bound to their first
/// equality predicate can run as one coalesced lookup (`compile_coalesced_select_into`): the
/// WHERE's leftmost conjunct is `column = ?` and there is no LIMIT or OFFSET, which one
/// execution for several keys could not keep per statement. Thread-safe.
[[nodiscard]] bool coalescible(const select_spec& s) noexcept;

/// Whether `key` may share a coalesced lookup in dialect `d`: its list of keys must compare
/// with the column exactly as the key alone does. MariaDB's UNION ALL of keys holds a double's
/// infinities, bytes and decimals in columns that compare otherwise, and long text keys find
/// nothing there; those run alone. Thread-safe.
[[nodiscard]] bool coalescible_key(const value& key, dialect d) noexcept;

/// Renders into `out` (replacing it) the coalesced form of a coalescible `s` for one lookup per
/// key of `keys` (the values its first equality predicate compares with; `s`'s own is ignored):
/// `s`'s select list after a leading lookup index column, its table joined with a derived table
/// of `(index, key)` rows on that predicate, the rest of its WHERE, and its ORDER BY after the
/// index. The server compares the keys as it would alone (no client equality is assumed), and
/// the rows of lookup `i` come back together, tagged with `i`. On SQLite the table is read once
/// instead, filtered by `IN (keys)`, and a `CASE` tags each row with the first key it equals:
/// no two keys there may equal one stored value (`detail::coalesced_key_class`). Thread-safe.
void compile_coalesced_select_into(const table_schema& t, const select_spec& s, dialect d,
                                   const std::vector<const value*>& keys, compiled_sql& out);

/// The coalesced form of a coalescible `s` in dialect `d` without its keys:
/// `render_coalesced(make_coalesced_shape(t, s, d), keys, out)` is
/// `compile_coalesced_select_into(t, s, d, keys, out)`. Throws `std::logic_error` unless
/// `coalescible(s)`. Thread-safe.
[[nodiscard]] coalesced_shape make_coalesced_shape(const table_schema& t, const select_spec& s,
                                                   dialect d);

/// `SELECT` of every mapped column of `E`, like SQLAlchemy's `select(A)`. Builder methods
/// return a new query and leave this one unchanged.
/// Thread-safety: immutable value type; cheap to copy (the WHERE tree is shared).
template <class E>
class select_query {
public:
  select_query() = default;

  /// Adds a condition; several `where` calls are joined with AND.
  [[nodiscard]] select_query where(const condition<E>& c) const {
    auto q = *this;
    q.spec_.where = spec_.where ? (condition<E>{spec_.where} && c).node() : c.node();
    return q;
  }

  /// Adds an ascending ORDER BY term.
  template <class T>
  [[nodiscard]] select_query order_by(const column_ref<E, T>& c) const {
    return order_by(c.asc());
  }

  /// Adds an ORDER BY term.
  [[nodiscard]] select_query order_by(order_term<E> t) const {
    auto q = *this;
    q.spec_.order.emplace_back(t.column, t.descending);
    return q;
  }

  /// LIMIT n (bound as a parameter).
  [[nodiscard]] select_query limit(std::uint64_t n) const {
    auto q = *this;
    q.spec_.limit = n;
    return q;
  }

  /// OFFSET n (bound as a parameter).
  [[nodiscard]] select_query offset(std::uint64_t n) const {
    auto q = *this;
    q.spec_.offset = n;
    return q;
  }

  /// SQL and parameters for dialect `d`.
  [[nodiscard]] compiled_sql compile(dialect d) const {
    compiled_sql out;
    compile_into(d, out);
    return out;
  }

  /// `compile(d)` into `out` (see `compile_select_into`).
  void compile_into(dialect d, compiled_sql& out) const {
    const auto& schema = mapping_of<E>().schema();
    static const select_heads heads = make_select_heads(schema);
    compile_select_into(schema, heads, spec_, d, out);
  }

  /// `compile_coalesced_select_into` for this query.
  void compile_coalesced_into(dialect d, const std::vector<const value*>& keys,
                              compiled_sql& out) const {
    compile_coalesced_select_into(mapping_of<E>().schema(), spec_, d, keys, out);
  }

  /// `make_coalesced_shape` for this query.
  [[nodiscard]] coalesced_shape coalesced_form(dialect d) const {
    return make_coalesced_shape(mapping_of<E>().schema(), spec_, d);
  }

  [[nodiscard]] const select_spec& spec() const noexcept { return spec_; }

  /// This query as a statement on route `route` (see `statement::on`; include statement.hpp).
  [[nodiscard]] statement on(std::string route) const;
  /// This query as a statement on every route (see `statement::on_all_routes`).
  [[nodiscard]] statement on_all_routes() const;

private:
  select_spec spec_;
};

/// `select<A>()`: every mapped column of `A`. Thread-safe.
template <class E>
[[nodiscard]] select_query<E> select() {
  static_assert(is_entity_v<E>, "gatherdb: select<E>() needs an entity_definition<E>");
  return select_query<E>{};
}

} // namespace gatherdb::model
