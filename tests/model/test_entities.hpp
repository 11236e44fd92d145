#pragma once

// Entities, frozen-result builders and a fake executor shared by the model tests.

#include <cstdint>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "gatherdb/model/entity.hpp"
#include "gatherdb/model/errors.hpp"
#include "gatherdb/model/executor.hpp"
#include "gatherdb/model/frozen_result.hpp"
#include "gatherdb/model/row_chunk.hpp"

namespace model_test {

/// The SQLAlchemy example's entity.
struct A {
  std::int64_t id = 0;
  std::string data;
};

/// An entity with a version column and nullable members.
struct V {
  std::int64_t id = 0;
  std::int64_t version = 0;
  std::string name;
  std::optional<double> score;
  std::optional<std::string> note;
};

/// Every supported member type, with a text primary key assigned by the application.
struct T {
  std::string code;
  bool flag = false;
  int small = 0;
  double real = 0.0;
  gatherdb::model::bytes blob;
  std::optional<std::int64_t> maybe;
};

} // namespace model_test

template <>
struct gatherdb::model::entity_definition<model_test::A> {
  static entity_mapping<model_test::A> define() {
    return entity_mapping<model_test::A>{"a", "A"}
        .generated_key(&model_test::A::id, "id")
        .repr_as("id_")
        .column(&model_test::A::data, "data");
  }
};

template <>
struct gatherdb::model::entity_definition<model_test::V> {
  static entity_mapping<model_test::V> define() {
    return entity_mapping<model_test::V>{"v", "V"}
        .generated_key(&model_test::V::id, "id")
        .version(&model_test::V::version, "version")
        .column(&model_test::V::name, "name")
        .column(&model_test::V::score, "score")
        .column(&model_test::V::note, "note");
  }
};

template <>
struct gatherdb::model::entity_definition<model_test::T> {
  static entity_mapping<model_test::T> define() {
    return entity_mapping<model_test::T>{"t", "T"}
        .primary_key(&model_test::T::code, "code")
        .column(&model_test::T::flag, "flag")
        .column(&model_test::T::small, "small")
        .column(&model_test::T::real, "real")
        .column(&model_test::T::blob, "blob")
        .column(&model_test::T::maybe, "maybe");
  }
};

namespace model_test {

using gatherdb::model::column_info;
using gatherdb::model::frozen_result;
using gatherdb::model::row_chunk;
using gatherdb::model::value;
using gatherdb::model::value_type;

/// A frozen result with columns "id", "data" holding (id, data) rows, split into chunks of
/// `chunk_rows`.
inline frozen_result a_rows(const std::vector<std::pair<std::int64_t, std::string>>& rows,
                            std::size_t chunk_rows = 4096) {
  std::vector<column_info> cols{{"id", value_type::int64, 0, false},
                                {"data", value_type::text, 0, false}};
  std::vector<row_chunk> chunks;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i % chunk_rows == 0)
      chunks.emplace_back(cols);
    chunks.back().column(0).push_int64(rows[i].first);
    chunks.back().column(1).push_text(rows[i].second);
    chunks.back().finish_row();
  }
  return gatherdb::model::freeze(std::move(cols), std::move(chunks));
}

/// A frozen result from cells (`value`s, NULL allowed) with the given column metadata.
inline frozen_result cells(std::vector<column_info> cols,
                           const std::vector<std::vector<value>>& rows) {
  row_chunk chunk{cols};
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      auto& store = chunk.column(c);
      const auto& v = row[c];
      if (v.is_null())
        store.push_null();
      else if (auto b = v.get_if<bool>())
        store.push_bool(*b);
      else if (auto i = v.get_if<std::int64_t>())
        store.push_int64(*i);
      else if (auto d = v.get_if<double>())
        store.push_float64(*d);
      else if (auto s = v.get_if<std::string>())
        store.push_text(*s);
      else if (auto by = v.get_if<gatherdb::model::bytes>())
        store.push_text(std::string_view{reinterpret_cast<const char*>(by->data()), by->size()});
    }
    chunk.finish_row();
  }
  std::vector<row_chunk> chunks;
  chunks.push_back(std::move(chunk));
  return gatherdb::model::freeze(std::move(cols), std::move(chunks));
}

/// A test double of the executor: records statements, hands out generated keys 1, 2, ...
/// like SQLite or PostgreSQL would, and throws on the Nth INSERT when asked to.
class fake_executor : public gatherdb::model::executor {
public:
  explicit fake_executor(gatherdb::model::dialect d) : dialect_(d) {}

  gatherdb::model::dialect sql_dialect() const override { return dialect_; }

  frozen_result execute(std::string_view sql, const std::vector<value>& params) override {
    log.push_back(std::string{sql});
    params_log.push_back(params);
    const bool insert = sql.rfind("INSERT", 0) == 0;
    if (insert && ++inserts == fail_on_insert)
      throw std::runtime_error("UNIQUE constraint failed: a.data");
    if (sql.rfind("UPDATE", 0) == 0)
      return gatherdb::model::freeze(std::vector<gatherdb::model::column_info>{}, {},
                                     update_rows_affected);
    if (insert && sql.find("RETURNING") != std::string_view::npos)
      return key_result(++last_key);
    if (insert)
      ++last_key;
    if (sql == "SELECT last_insert_rowid()" || sql == "SELECT LAST_INSERT_ID()")
      return key_result(last_key);
    return gatherdb::model::freeze(std::vector<gatherdb::model::column_info>{}, {},
                                   insert ? 1 : -1);
  }

  void begin() override { log.emplace_back("BEGIN"); }
  void commit() override {
    if (fail_commit)
      throw std::runtime_error("could not serialize access");
    log.emplace_back("COMMIT");
  }
  void rollback() noexcept override { log.emplace_back("ROLLBACK"); }

  std::vector<std::string> log;
  std::vector<std::vector<value>> params_log;
  int inserts = 0;
  int fail_on_insert = 0; // 1-based; 0 = never
  bool fail_commit = false;
  std::int64_t last_key = 0;
  std::int64_t update_rows_affected = 1;

private:
  static frozen_result key_result(std::int64_t key) {
    std::vector<column_info> cols{{"id", value_type::int64, 0, false}};
    row_chunk chunk{cols};
    chunk.column(0).push_int64(key);
    chunk.finish_row();
    std::vector<row_chunk> chunks;
    chunks.push_back(std::move(chunk));
    return gatherdb::model::freeze(std::move(cols), std::move(chunks));
  }

  gatherdb::model::dialect dialect_;
};

} // namespace model_test

namespace gatherdb::model {
// Boost.Test prints values of these types in failed assertions.
inline std::ostream& boost_test_print_type(std::ostream& os, dialect d) {
  return os << to_string(d);
}
inline std::ostream& boost_test_print_type(std::ostream& os, merge_error_kind k) {
  return os << to_string(k);
}
} // namespace gatherdb::model
