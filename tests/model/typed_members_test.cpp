// Mapped members of the date, time, decimal, UUID, JSON and unsigned types: the DDL each
// dialect gets, merges from typed cells and from the text SQLite and MariaDB return, refusals
// of cells that are no value of the member's type (the session unchanged), and values checked
// against their column before a flush sends them.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "gatherdb/model/detail/backend_text.hpp"
#include "gatherdb/model/query.hpp"
#include "gatherdb/model/session_state.hpp"
#include "gatherdb/model/table_schema.hpp"
#include "gatherdb/model/value_error.hpp"

#include "test_entities.hpp"

using namespace gatherdb::model;

namespace model_test {

/// One member of each new type, and nullable and unsigned ones.
struct W {
  std::int64_t id = 0;
  date day;
  time_of_day at;
  timestamp local;
  timestamptz instant;
  decimal price;
  uuid ref;
  json_text doc;
  std::optional<date> maybe_day;
  std::uint64_t count = 0;
};

} // namespace model_test

template <>
struct gatherdb::model::entity_definition<model_test::W> {
  static entity_mapping<model_test::W> define() {
    using model_test::W;
    return entity_mapping<W>{"w", "W"}
        .primary_key(&W::id, "id")
        .column(&W::day, "day")
        .column(&W::at, "at")
        .column(&W::local, "local")
        .column(&W::instant, "instant")
        .column(&W::price, "price")
        .numeric(12, 2)
        .column(&W::ref, "ref")
        .column(&W::doc, "doc")
        .column(&W::maybe_day, "maybe_day")
        .column(&W::count, "count");
  }
};

using model_test::W;

namespace {

frozen_result rows_of(std::vector<column_info> cols, const std::vector<std::vector<value>>& rows) {
  row_chunk chunk{cols};
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      // JSON arrives as text from every backend.
      const auto* doc = row[c].get_if<json_text>();
      chunk.column(c).push(doc != nullptr ? value{doc->text()} : row[c]);
    }
    chunk.finish_row();
  }
  std::vector<row_chunk> chunks;
  chunks.push_back(std::move(chunk));
  return freeze(std::move(cols), std::move(chunks));
}

const std::vector<std::string> w_columns = {"id",    "day", "at",  "local",     "instant",
                                            "price", "ref", "doc", "maybe_day", "count"};

// Columns typed as a backend that has the types reports them (PostgreSQL).
std::vector<column_info> typed_columns() {
  const value_type types[] = {
      value_type::int64,       value_type::date,    value_type::time_of_day, value_type::timestamp,
      value_type::timestamptz, value_type::decimal, value_type::uuid,        value_type::text,
      value_type::date,        value_type::int64};
  std::vector<column_info> cols;
  for (std::size_t i = 0; i < w_columns.size(); ++i)
    cols.push_back({w_columns[i], types[i], 0, true});
  return cols;
}

// Every column but the integers as text, as SQLite returns them.
std::vector<column_info> text_columns() {
  std::vector<column_info> cols;
  for (std::size_t i = 0; i < w_columns.size(); ++i) {
    const bool integer = w_columns[i] == "id" || w_columns[i] == "count";
    cols.push_back({w_columns[i], integer ? value_type::int64 : value_type::text, 0, true});
  }
  return cols;
}

std::vector<value> sample_row(std::int64_t id) {
  return {id,
          date::from_ymd(2024, 2, 29),
          time_of_day::from_hms(23, 59, 59, 999999),
          detail::parse_timestamp("0001-01-01 00:00:00"),
          detail::parse_timestamptz("2024-03-31 02:30:00+02:00"),
          decimal::parse("-1234567890.50"),
          uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
          json_text::parse(R"({"a": [1, 2.5e10, "\u00e9"]})"),
          null,
          std::int64_t{7}};
}

std::vector<value> as_text(const std::vector<value>& row) {
  std::vector<value> out;
  for (const auto& v : row) {
    if (v.is_null() || v.type() == value_type::int64)
      out.push_back(v);
    else if (auto j = v.get_if<json_text>())
      out.emplace_back(j->text());
    else
      out.emplace_back(detail::backend_text(v, dialect::sqlite));
  }
  return out;
}

void check_sample(const W& w, std::int64_t id) {
  const auto row = sample_row(id);
  BOOST_TEST(w.id == id);
  BOOST_TEST(value{w.day} == row[1]);
  BOOST_TEST(value{w.at} == row[2]);
  BOOST_TEST(value{w.local} == row[3]);
  BOOST_TEST(value{w.instant} == row[4]);
  BOOST_TEST(value{w.price} == row[5]);
  BOOST_TEST(value{w.ref} == row[6]);
  BOOST_TEST(value{w.doc} == row[7]);
  BOOST_TEST(!w.maybe_day.has_value());
  BOOST_TEST(w.count == 7u);
}

} // namespace

BOOST_AUTO_TEST_SUITE(model_typed_members)

BOOST_AUTO_TEST_CASE(each_dialect_creates_the_column_type_that_holds_values_exactly) {
  const auto& schema = mapping_of<W>().schema();
  const auto pg = create_table_sql(schema, dialect::postgresql);
  BOOST_TEST(pg.find("\"day\" DATE NOT NULL") != std::string::npos);
  BOOST_TEST(pg.find("\"instant\" TIMESTAMP(6) WITH TIME ZONE NOT NULL") != std::string::npos);
  BOOST_TEST(pg.find("\"price\" NUMERIC(12, 2) NOT NULL") != std::string::npos);
  BOOST_TEST(pg.find("\"ref\" UUID NOT NULL") != std::string::npos);
  BOOST_TEST(pg.find("\"doc\" JSONB NOT NULL") != std::string::npos);
  BOOST_TEST(pg.find("\"maybe_day\" DATE,") != std::string::npos);
  const auto maria = create_table_sql(schema, dialect::mariadb);
  BOOST_TEST(maria.find("`instant` DATETIME(6) NOT NULL") != std::string::npos);
  BOOST_TEST(maria.find("`price` DECIMAL(12, 2) NOT NULL") != std::string::npos);
  BOOST_TEST(maria.find("`doc` JSON NOT NULL") != std::string::npos);
  // SQLite's NUMERIC affinity would turn 1.50 into the double 1.5.
  const auto lite = create_table_sql(schema, dialect::sqlite);
  BOOST_TEST(lite.find("\"price\" TEXT NOT NULL") != std::string::npos);
  BOOST_TEST(lite.find("\"instant\" TIMESTAMPTZ NOT NULL") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(numeric_is_refused_on_a_column_that_is_not_a_decimal) {
  struct X {
    std::int64_t id = 0;
  };
  entity_mapping<X> m{"x", "X"};
  m.primary_key(&X::id, "id");
  BOOST_CHECK_THROW(m.numeric(10, 2), std::logic_error);
}

BOOST_AUTO_TEST_CASE(typed_cells_merge_into_members_of_their_type) {
  session_state s;
  auto m = s.merge<W>(rows_of(typed_columns(), {sample_row(1)}));
  BOOST_REQUIRE_EQUAL(m.size(), 1u);
  check_sample(m.get<W>(0), 1);
}

BOOST_AUTO_TEST_CASE(text_cells_as_sqlite_returns_them_merge_into_the_same_members) {
  session_state s;
  auto m = s.merge<W>(rows_of(text_columns(), {as_text(sample_row(1))}));
  BOOST_REQUIRE_EQUAL(m.size(), 1u);
  check_sample(m.get<W>(0), 1);
}

BOOST_AUTO_TEST_CASE(a_timestamp_cell_merges_into_a_timestamptz_member_as_utc) {
  auto cols = typed_columns();
  cols[4].type = value_type::timestamp; // MariaDB's DATETIME(6)
  auto row = sample_row(1);
  row[4] = std::get<timestamptz>(row[4].data()).utc();
  session_state s;
  auto m = s.merge<W>(rows_of(cols, {row}));
  check_sample(m.get<W>(0), 1);
}

BOOST_AUTO_TEST_CASE(a_text_cell_that_is_no_value_of_the_member_type_fails_the_merge) {
  const std::pair<std::size_t, std::string> bad[] = {{1, "2023-02-29"},
                                                     {1, "0000-00-00"},
                                                     {2, "24:00:00"},
                                                     {3, "yesterday"},
                                                     {4, "2024-01-01 10:00:00+16:00"},
                                                     {5, "NaN"},
                                                     {5, "1e5"},
                                                     {6, "not-a-uuid"},
                                                     {7, "{'single': 'quotes'}"},
                                                     {7, ""}};
  for (const auto& [column, text] : bad) {
    BOOST_TEST_CONTEXT("column " << w_columns[column] << " = '" << text << "'") {
      auto row = as_text(sample_row(1));
      row[column] = text;
      session_state s;
      (void)s.merge<W>(rows_of(text_columns(), {as_text(sample_row(2))}));
      try {
        (void)s.merge<W>(rows_of(text_columns(), {as_text(sample_row(3)), row}));
        BOOST_ERROR("merged");
      } catch (const merge_error& e) {
        BOOST_TEST(e.kind() == merge_error_kind::type_mismatch);
        BOOST_TEST(e.column() == w_columns[column]);
        BOOST_TEST(e.row() == 1u);
      }
      // All or nothing: row 3, which was fine, did not arrive either.
      BOOST_TEST(s.size<W>() == 1u);
      BOOST_TEST(s.find<W>(3) == nullptr);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_negative_cell_fails_the_merge_into_an_unsigned_member) {
  auto row = sample_row(1);
  row[9] = std::int64_t{-1};
  session_state s;
  BOOST_CHECK_EXCEPTION(
      (void)s.merge<W>(rows_of(typed_columns(), {row})), merge_error, [](const merge_error& e) {
        return e.kind() == merge_error_kind::type_mismatch && e.column() == "count";
      });
  BOOST_TEST(s.size<W>() == 0u);
}

BOOST_AUTO_TEST_CASE(an_unsigned_value_above_int64_max_is_refused_before_it_is_sent) {
  W w;
  w.id = 1;
  w.price = decimal::parse("1.00");
  w.count = std::numeric_limits<std::uint64_t>::max();
  BOOST_CHECK_EXCEPTION((void)insert_params(w), value_error,
                        [](const value_error& e) { return e.sqlstate() == "22003"; });
  w.count = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  BOOST_TEST(insert_params(w)[9] == value{std::numeric_limits<std::int64_t>::max()});
}

BOOST_AUTO_TEST_CASE(a_decimal_that_its_numeric_column_would_round_is_refused_before_it_is_sent) {
  const auto& price = mapping_of<W>().schema().columns.at(5);
  for (const char* fits : {"0.01", "-9999999999.99", "1234567890.5", "0"}) {
    BOOST_TEST_CONTEXT(fits) {
      BOOST_CHECK_NO_THROW(check_fits_column(decimal::parse(fits), price, dialect::postgresql));
    }
  }
  for (const char* too_big : {"0.001", "10000000000.00", "12345678901", "-0.125"}) {
    BOOST_TEST_CONTEXT(too_big) {
      BOOST_CHECK_EXCEPTION(check_fits_column(decimal::parse(too_big), price, dialect::sqlite),
                            value_error,
                            [](const value_error& e) { return e.sqlstate() == "22003"; });
    }
  }
}

BOOST_AUTO_TEST_CASE(an_undeclared_decimal_is_checked_against_what_the_dialect_creates) {
  column_schema undeclared;
  undeclared.name = "n";
  undeclared.type = value_type::decimal;
  // MariaDB has no unconstrained DECIMAL: its DECIMAL(38, 10) would round an 11th digit.
  const auto eleven = decimal::parse("0.12345678901");
  BOOST_CHECK_EXCEPTION(check_fits_column(eleven, undeclared, dialect::mariadb), value_error,
                        [](const value_error& e) { return e.sqlstate() == "22003"; });
  BOOST_CHECK_NO_THROW(check_fits_column(decimal::parse("1234567890123456789012345678.1234567890"),
                                         undeclared, dialect::mariadb));
  BOOST_CHECK_NO_THROW(check_fits_column(eleven, undeclared, dialect::postgresql));
  BOOST_CHECK_NO_THROW(check_fits_column(eleven, undeclared, dialect::sqlite));
}

BOOST_AUTO_TEST_CASE(a_flush_refuses_a_decimal_its_column_would_round_and_sends_nothing) {
  model_test::fake_executor ex{dialect::postgresql};
  session_state s;
  W w;
  w.id = 1;
  w.price = decimal::parse("0.001");
  s.add(w);
  BOOST_CHECK_THROW(s.commit(ex), flush_error);
  for (const auto& sql : ex.log)
    BOOST_TEST(sql.rfind("INSERT", 0) != 0, sql);
  BOOST_TEST(s.size<W>() == 0u);
}

BOOST_AUTO_TEST_CASE(members_print_as_python_prints_them) {
  session_state s;
  auto m = s.merge<W>(rows_of(typed_columns(), {sample_row(1)}));
  BOOST_TEST(repr(m.get<W>(0)) ==
             "W(id=1, day=datetime.date(2024, 2, 29), at=datetime.time(23, 59, 59, 999999), "
             "local=datetime.datetime(1, 1, 1, 0, 0), instant=datetime.datetime(2024, 3, 31, 0, "
             "30, tzinfo=datetime.timezone.utc), price=Decimal('-1234567890.50'), "
             "ref=UUID('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), doc='{\"a\": [1, 2.5e10, "
             "\"\\\\u00e9\"]}', maybe_day=None, count=7)");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(model_typed_members_queries)

BOOST_AUTO_TEST_CASE(a_typed_member_is_compared_with_an_operand_of_its_own_type) {
  const auto day = date::from_ymd(2024, 2, 29);
  const auto st = select<W>().where(col(&W::day) == day && col(&W::maybe_day) == day);
  const auto sql = st.compile(dialect::postgresql);
  BOOST_TEST(sql.sql.find("WHERE \"w\".\"day\" = ? AND \"w\".\"maybe_day\" = ?") !=
                 std::string::npos,
             sql.sql);
  BOOST_REQUIRE_EQUAL(sql.params.size(), 2u);
  BOOST_TEST(sql.params[0] == value{day});
}

BOOST_AUTO_TEST_CASE(an_unsigned_operand_above_int64_max_is_refused) {
  BOOST_CHECK_EXCEPTION((void)(col(&W::count) == std::numeric_limits<std::uint64_t>::max()),
                        value_error, [](const value_error& e) { return e.sqlstate() == "22003"; });
  const auto st = select<W>().where(col(&W::count) == std::uint64_t{42});
  BOOST_TEST(st.compile(dialect::sqlite).params.at(0) == value{std::int64_t{42}});
}

BOOST_AUTO_TEST_CASE(coalesced_keys_are_cast_to_the_column_type_on_postgresql) {
  const auto a = uuid::parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  const auto st = select<W>().where(col(&W::ref) == a);
  const value key{a};
  compiled_sql out;
  compile_coalesced_select_into(mapping_of<W>().schema(), st.spec(), dialect::postgresql,
                                {&key, &key}, out);
  BOOST_TEST(out.sql.find("VALUES (CAST(? AS INTEGER), CAST(? AS UUID))") != std::string::npos,
             out.sql);
}

BOOST_AUTO_TEST_SUITE_END()
