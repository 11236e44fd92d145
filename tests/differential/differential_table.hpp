#pragma once
// The table one type's values live in on one backend, and the two ways rows get there: a
// flush of gatherdb's session_state (ids 1..N) and the oracle's SQL literals (ids from
// `literal_base`), each row holding the value in a NOT NULL column `v` and, except every fifth
// row, in the nullable column `n`. Refusals are recorded per sample with their SQLSTATE and
// category, so that the suites can check that every value either round-trips or is refused
// with a typed `data` error.
//
// Thread-safety: not thread-safe; one table per test case, used from its thread.

#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/connection_executor.hpp"
#include "gatherdb/drivers/error.hpp"
#include "gatherdb/model/entity.hpp"
#include "gatherdb/model/errors.hpp"
#include "gatherdb/model/metadata.hpp"
#include "gatherdb/model/session_state.hpp"
#include "gatherdb/model/table_schema.hpp"
#include "gatherdb/model/value_error.hpp"

#include "sql_oracle.hpp"
#include "support/backends.hpp"
#include "value_generators.hpp"

namespace gatherdb::differential {

/// A decimal column declaration as a type (`entity_mapping::numeric`), 0 and 0: none.
template <unsigned Precision = 0, unsigned Scale = 0>
struct decl {
  static constexpr column_decl value{Precision, Scale};
};

/// One row of a differential table: the value, and its nullable variant.
template <class T, class Decl = decl<>>
struct diff_row {
  std::int64_t id = 0;
  T v{};
  std::optional<T> n;
};

/// The table of `diff_row<T, Decl>` in this process (`gdb_diff_<type>_<pid>_<n>`).
template <class T, class Decl>
[[nodiscard]] const std::string& diff_table_name() {
  static const std::string name = [] {
    std::string type = type_name(static_cast<const T*>(nullptr), Decl::value);
    for (auto& c : type)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
        c = '_';
    return test::unique_name("gdb_diff_" + type);
  }();
  return name;
}

/// Ids of rows written by literals start above this; gatherdb's rows are 1..N.
inline constexpr std::int64_t literal_base = 1'000'000;

/// A typed refusal: where it happened, its SQLSTATE and category ("data", ...).
struct refusal {
  std::string path;
  std::string sqlstate;
  std::string category;
  std::string message;
};

/// The SQLSTATE and category a `flush_error`'s cause names ("[SQLSTATE 22021, native 0, data]").
/// A `value_error` cause names neither: gatherdb's flush_error keeps only its message.
[[nodiscard]] inline refusal refusal_of_flush(const model::flush_error& e) {
  static const std::regex pattern{R"(\[SQLSTATE (\w{5}), native -?\d+, (\w+)\])"};
  std::smatch m;
  const std::string cause = e.cause();
  if (std::regex_search(cause, m, pattern))
    return {"write", m[1], m[2], cause};
  return {"write", "", "unknown", cause};
}

/// Who wrote a row and from which sample; whether its nullable column is NULL.
struct row_origin {
  std::size_t sample = 0;
  writer by = writer::gatherdb;
  bool n_null = false;
};

template <class T, class Decl = decl<>>
class differential_table {
public:
  using entity = diff_row<T, Decl>;

  differential_table(backend b, const generated<T>& g)
      : backend_(b), samples_(g.stored),
        conn_(drivers::connection::open(test::connection_string(b))),
        write_refusals_(samples_.size()) {
    md_.add<entity>();
    drivers::connection_executor ex{conn_};
    md_.drop_all(ex);
    md_.create_all(ex);
  }
  ~differential_table() {
    try {
      drivers::connection_executor ex{conn_};
      md_.drop_all(ex);
    } catch (...) {
      // The name is unique to the process; a failed drop leaves a table nobody reads.
    }
  }
  differential_table(const differential_table&) = delete;
  differential_table& operator=(const differential_table&) = delete;

  [[nodiscard]] backend which() const noexcept { return backend_; }
  [[nodiscard]] const std::string& name() const { return diff_table_name<T, Decl>(); }
  [[nodiscard]] drivers::connection& connection() noexcept { return conn_; }
  [[nodiscard]] const std::vector<sample<T>>& samples() const noexcept { return samples_; }
  [[nodiscard]] const std::map<std::int64_t, row_origin>& rows() const noexcept { return rows_; }
  /// The refusal of sample i on gatherdb's write path, if refused.
  [[nodiscard]] const std::optional<refusal>& write_refusal(std::size_t i) const {
    return write_refusals_.at(i);
  }
  /// Refusals of the literal path (text gatherdb refuses as SQL too), per sample.
  [[nodiscard]] const std::map<std::size_t, refusal>& literal_refusals() const noexcept {
    return literal_refusals_;
  }
  /// Literals the database refused although gatherdb stored the value: mismatches.
  [[nodiscard]] const std::map<std::size_t, refusal>& refused_literals() const noexcept {
    return refused_literals_;
  }
  [[nodiscard]] std::size_t without_literal() const noexcept { return without_literal_; }

  /// Writes every sample through `session_state::add_all` + `commit`: the values the type or
  /// the column check refuses (`value_error`) and the values that must be refused each alone,
  /// the others in commits of 100; a commit that fails loses the object it names and runs
  /// again without it.
  void write_through_gatherdb() {
    drivers::connection_executor ex{conn_};
    std::vector<std::size_t> batch;
    auto flush = [&](std::vector<std::size_t> indexes) {
      while (!indexes.empty()) {
        model::session_state s;
        std::vector<entity> objects;
        for (auto i : indexes)
          objects.push_back(make(i));
        s.add_all(std::move(objects));
        try {
          s.commit(ex);
          for (auto i : indexes)
            record_gatherdb_row(i);
          return;
        } catch (const model::flush_error& e) {
          const auto failed = e.failed_index();
          if (failed >= indexes.size())
            throw; // the transaction itself failed: not a value's refusal
          auto r = refusal_of_flush(e);
          if (const auto& early = write_refusals_[indexes[failed]]; early)
            r = *early; // the value_error found before the flush names its SQLSTATE
          write_refusals_[indexes[failed]] = r;
          indexes.erase(indexes.begin() + static_cast<std::ptrdiff_t>(failed));
        }
      }
    };
    for (std::size_t i = 0; i < samples_.size(); ++i) {
      // The check a flush makes first; it tells the SQLSTATE, which the flush_error's cause
      // does not carry.
      try {
        const auto params = model::insert_params(make(i));
        const auto& columns = model::mapping_of<entity>().schema().columns;
        for (std::size_t c = 0; c < columns.size(); ++c)
          model::check_fits_column(params[c], columns[c], conn_.sql_dialect());
      } catch (const model::value_error& e) {
        write_refusals_[i] = refusal{"write", e.sqlstate(), "data", e.what()};
      }
      if (write_refusals_[i] || !samples_[i].refused_with.empty()) {
        flush({i}); // alone, so that its refusal names it and costs no other value a retry
        continue;
      }
      batch.push_back(i);
      if (batch.size() == 100) {
        flush(batch);
        batch.clear();
      }
    }
    flush(batch);
  }

  /// Writes every sample gatherdb stored once more with the database's own literals, many
  /// rows per INSERT (row by row again after a failure, to name the refused one); the text
  /// gatherdb refuses is sent as SQL too, where it must be refused the same way.
  void write_through_literals() {
    std::vector<std::pair<std::size_t, std::string>> pending; // sample, "(id, v, n)"
    std::size_t sql_size = 0;
    auto insert = [&] {
      if (pending.empty())
        return;
      std::string sql = insert_head();
      for (std::size_t k = 0; k < pending.size(); ++k)
        sql += (k > 0 ? ", " : "") + pending[k].second;
      try {
        (void)conn_.execute(sql);
        for (const auto& p : pending)
          record_literal_row(p.first);
      } catch (const drivers::database_error&) {
        for (const auto& p : pending) {
          try {
            (void)conn_.execute(insert_head() + p.second);
            record_literal_row(p.first);
          } catch (const drivers::database_error& e) {
            refused_literals_[p.first] = refusal_from(e, "literal");
          }
        }
      }
      pending.clear();
      sql_size = 0;
    };
    for (std::size_t i = 0; i < samples_.size(); ++i) {
      const auto& s = samples_[i];
      if (!s.refused_with.empty()) {
        // Text gatherdb refuses as a parameter must be refused as SQL text too.
        if constexpr (std::is_same_v<T, std::string>) {
          try {
            (void)conn_.execute(insert_head() + "(" + std::to_string(literal_base + 1 + i) + ", " +
                                quoted(s.value, backend_) + ", NULL)");
            BOOST_ERROR("SQL text holding " << s.label << " was sent on " << backend_);
          } catch (const drivers::database_error& e) {
            literal_refusals_[i] = refusal_from(e, "literal");
          }
        }
        continue;
      }
      if (write_refusals_[i])
        continue; // only values gatherdb stored are written again
      const auto v = write_literal(s, backend_, i);
      if (!v) {
        ++without_literal_;
        continue;
      }
      const bool n_null = i % 5 == 2;
      auto row = "(" + std::to_string(literal_base + 1 + static_cast<std::int64_t>(i)) + ", " + *v +
                 ", " + (n_null ? std::string{"NULL"} : *v) + ")";
      sql_size += row.size();
      pending.emplace_back(i, std::move(row));
      if (pending.size() == 64 || sql_size > (256u << 10))
        insert();
    }
    insert();
  }

private:
  entity make(std::size_t i) const {
    entity e;
    e.id = static_cast<std::int64_t>(i) + 1;
    e.v = samples_[i].value;
    if (i % 5 != 4)
      e.n = samples_[i].value;
    return e;
  }

  void record_gatherdb_row(std::size_t i) {
    rows_[static_cast<std::int64_t>(i) + 1] = row_origin{i, writer::gatherdb, i % 5 == 4};
  }
  void record_literal_row(std::size_t i) {
    rows_[literal_base + 1 + static_cast<std::int64_t>(i)] =
        row_origin{i, writer::literal, i % 5 == 2};
  }

  std::string insert_head() const { return "INSERT INTO " + name() + " (id, v, n) VALUES "; }

  static refusal refusal_from(const drivers::database_error& e, std::string path) {
    return {std::move(path), e.sqlstate(), std::string{drivers::to_string(e.category())}, e.what()};
  }

  backend backend_;
  std::vector<sample<T>> samples_;
  drivers::connection conn_;
  model::metadata md_;
  std::vector<std::optional<refusal>> write_refusals_;
  std::map<std::size_t, refusal> literal_refusals_;
  std::map<std::size_t, refusal> refused_literals_;
  std::map<std::int64_t, row_origin> rows_;
  std::size_t without_literal_ = 0;
};

} // namespace gatherdb::differential

template <class T, class Decl>
struct gatherdb::model::entity_definition<gatherdb::differential::diff_row<T, Decl>> {
  static entity_mapping<gatherdb::differential::diff_row<T, Decl>> define() {
    using row = gatherdb::differential::diff_row<T, Decl>;
    constexpr auto c = Decl::value;
    entity_mapping<row> m{gatherdb::differential::diff_table_name<T, Decl>(), "R"};
    m.primary_key(&row::id, "id").column(&row::v, "v");
    if constexpr (c.precision != 0)
      m.numeric(c.precision, c.scale);
    m.column(&row::n, "n");
    if constexpr (c.precision != 0)
      m.numeric(c.precision, c.scale);
    return m;
  }
};
