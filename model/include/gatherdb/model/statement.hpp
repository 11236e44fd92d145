#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "gatherdb/model/coalesced_shape.hpp"
#include "gatherdb/model/compiled_sql.hpp"
#include "gatherdb/model/dialect.hpp"
#include "gatherdb/model/frozen_result.hpp"
#include "gatherdb/model/merge_policy.hpp"
#include "gatherdb/model/merged_result.hpp"
#include "gatherdb/model/query.hpp"
#include "gatherdb/model/route.hpp"
#include "gatherdb/model/session_state.hpp"
#include "gatherdb/model/value.hpp"

namespace gatherdb::model {

/// The type-erased unit of work the actors run: it compiles to SQL for a dialect, knows how to
/// merge its frozen result into a session, and names the route it runs on.
///
/// Ownership: immutable, shares its implementation (`shared_ptr<const>`); copies are cheap.
/// Thread-safety: safe to share and use from any number of threads.
class statement {
public:
  /// An empty raw statement (empty SQL); exists so that statements can be default-constructed
  /// by containers and message deserialization.
  statement();

  /// An idempotent read whose rows merge into entities of `E`, e.g. `select<A>().where(...)`.
  template <class E>
  statement(const select_query<E>& q) // NOLINT(google-explicit-constructor): by design
      : impl_(std::make_shared<const select_impl<E>>(q)) {}

  /// Raw SQL with `?` markers; it loads no entities: merging returns the raw rows.
  /// `idempotent` says whether it may be retried after a transient failure.
  [[nodiscard]] static statement raw(std::string sql, std::vector<value> params = {},
                                     bool idempotent = false);

  /// Raw SQL whose rows load entities of `E` (columns matched by label); an idempotent read.
  template <class E>
  [[nodiscard]] static statement raw_entities(std::string sql, std::vector<value> params = {}) {
    return statement{std::make_shared<const raw_entities_impl<E>>(
        compiled_sql{std::move(sql), std::move(params)})};
  }

  /// SQL and parameters for dialect `d` (raw SQL is returned as given).
  [[nodiscard]] compiled_sql compile(dialect d) const {
    compiled_sql out;
    impl_->compile_into(d, out);
    return out;
  }

  /// `compile(d)` into `out`, whose buffers it reuses: an executor that compiles one
  /// statement after another allocates nothing for the SQL once its buffers have grown.
  void compile_into(dialect d, compiled_sql& out) const { impl_->compile_into(d, out); }

  /// True when running it twice has the same effect as once (safe to retry).
  [[nodiscard]] bool idempotent() const noexcept { return impl_->idempotent(); }

  /// True when its rows load entities into the session.
  [[nodiscard]] bool loads_entities() const noexcept { return impl_->loads_entities(); }

  /// True when statements with the same compiled SQL, differing only in the first parameter
  /// (the key of their first equality predicate), may run as one coalesced lookup
  /// (`compile_coalesced_into`): typed selects without LIMIT or OFFSET.
  [[nodiscard]] bool coalescible() const noexcept { return impl_->coalescible(); }

  /// The SQL and parameters of one coalesced lookup per key of `keys` (each the first
  /// parameter of a statement of this one's shape) into `out`; its rows come tagged with their
  /// lookup's index in a leading column, grouped by it (see `compile_coalesced_select_into`).
  /// Throws `std::logic_error` unless `coalescible()`.
  void compile_coalesced_into(dialect d, const std::vector<const value*>& keys,
                              compiled_sql& out) const {
    impl_->compile_coalesced_into(d, keys, out);
  }

  /// The coalesced form of this statement in dialect `d` without its keys (see
  /// `coalesced_shape`), so that another process can coalesce it with others of its shape;
  /// nullopt unless `coalescible()`.
  [[nodiscard]] std::optional<coalesced_shape> coalesced_form(dialect d) const {
    return impl_->coalesced_form(d);
  }

  /// Short text for errors and logs: the SQL for PostgreSQL, never parameter values.
  [[nodiscard]] std::string describe() const;

  /// This statement on the route named `route` (a shard, or a database with replicas) instead
  /// of the one a gather's chooser or `default_route` would give it.
  [[nodiscard]] statement on(std::string route) const {
    statement out{*this};
    out.route_ = std::move(route);
    out.all_routes_ = false;
    return out;
  }

  /// This statement on every route of the client, its rows concatenated in route order into
  /// one outcome (an idempotent read only: a client refuses a fanned-out write).
  [[nodiscard]] statement on_all_routes() const {
    statement out{*this};
    out.route_.clear();
    out.all_routes_ = true;
    return out;
  }

  /// The route `on` named; empty when it named none (a gather's chooser, or `default_route`,
  /// decides).
  [[nodiscard]] const std::string& route() const noexcept { return route_; }

  /// Whether `on_all_routes` fans it out.
  [[nodiscard]] bool on_all_routes_requested() const noexcept { return all_routes_; }

  /// Merges `r` (a frozen result of this statement read through `route`) into `s`; all or
  /// nothing per frozen result (see `session_state::merge`).
  [[nodiscard]] merged_result merge_into(session_state& s, const frozen_result& r, merge_policy p,
                                         std::string_view route = default_route) const {
    return impl_->merge_into(s, r, p, route);
  }

  /// The polymorphic implementation; public so that other statement kinds can be added.
  /// Thread-safety: implementations must be immutable.
  class impl {
  public:
    virtual ~impl() = default;
    /// Replaces the contents of `out` (keeping its capacity) with the SQL and parameters for
    /// dialect `d`.
    virtual void compile_into(dialect d, compiled_sql& out) const = 0;
    [[nodiscard]] virtual bool idempotent() const noexcept = 0;
    [[nodiscard]] virtual bool loads_entities() const noexcept = 0;
    [[nodiscard]] virtual bool coalescible() const noexcept { return false; }
    virtual void compile_coalesced_into(dialect, const std::vector<const value*>&,
                                        compiled_sql&) const {
      throw std::logic_error("gatherdb: this statement cannot be coalesced");
    }
    [[nodiscard]] virtual std::optional<coalesced_shape> coalesced_form(dialect) const {
      return std::nullopt;
    }
    [[nodiscard]] virtual merged_result merge_into(session_state& s, const frozen_result& r,
                                                   merge_policy p,
                                                   std::string_view route) const = 0;
  };

  /// A statement from a custom implementation.
  explicit statement(std::shared_ptr<const impl> i) noexcept : impl_(std::move(i)) {}

private:
  template <class E>
  class select_impl final : public impl {
  public:
    explicit select_impl(select_query<E> q) : query_(std::move(q)) {}
    void compile_into(dialect d, compiled_sql& out) const override { query_.compile_into(d, out); }
    bool idempotent() const noexcept override { return true; }
    bool loads_entities() const noexcept override { return true; }
    bool coalescible() const noexcept override { return coalescible_; }
    void compile_coalesced_into(dialect d, const std::vector<const value*>& keys,
                                compiled_sql& out) const override {
      query_.compile_coalesced_into(d, keys, out);
    }
    std::optional<coalesced_shape> coalesced_form(dialect d) const override {
      if (!coalescible_)
        return std::nullopt;
      return query_.coalesced_form(d);
    }
    merged_result merge_into(session_state& s, const frozen_result& r, merge_policy p,
                             std::string_view route) const override {
      return s.merge<E>(r, p, route);
    }

  private:
    select_query<E> query_;
    bool coalescible_ = model::coalescible(query_.spec());
  };

  template <class E>
  class raw_entities_impl final : public impl {
  public:
    explicit raw_entities_impl(compiled_sql sql) : sql_(std::move(sql)) {}
    void compile_into(dialect, compiled_sql& out) const override { out = sql_; }
    bool idempotent() const noexcept override { return true; }
    bool loads_entities() const noexcept override { return true; }
    merged_result merge_into(session_state& s, const frozen_result& r, merge_policy p,
                             std::string_view route) const override {
      return s.merge<E>(r, p, route);
    }

  private:
    compiled_sql sql_;
  };

  std::shared_ptr<const impl> impl_;
  std::string route_;
  bool all_routes_ = false;
};

template <class E>
statement select_query<E>::on(std::string route) const {
  return statement{*this}.on(std::move(route));
}

template <class E>
statement select_query<E>::on_all_routes() const {
  return statement{*this}.on_all_routes();
}

} // namespace gatherdb::model
