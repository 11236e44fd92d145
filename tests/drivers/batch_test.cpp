// drivers::prepared_statement::run_batch: parameter arrays that psqlODBC sends in one round trip,
// one result per parameter set, against real PostgreSQL; SQLite's driver does not qualify.

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/error.hpp"
#include "gatherdb/drivers/prepared_statement.hpp"

#include "support/backends.hpp"
#include "support/open_connection.hpp"

namespace drivers = gatherdb::drivers;
namespace model = gatherdb::model;
using gatherdb::test::backend;
using gatherdb::test::open_connection;

namespace {

using param_sets = std::vector<std::vector<model::value>>;

std::vector<model::frozen_result> run_batch(drivers::prepared_statement& stmt,
                                            const param_sets& sets,
                                            const drivers::run_options& options = {}) {
  std::vector<const std::vector<model::value>*> pointers;
  for (const auto& s : sets)
    pointers.push_back(&s);
  return stmt.run_batch(pointers, options);
}

std::string text_of(const model::frozen_result& r, std::size_t col = 0) {
  std::string out;
  r->for_each_row([&](model::row_ref row) { out = std::string{row.text_at(col)}; });
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(drivers_batch)

BOOST_AUTO_TEST_CASE(run_batch_returns_one_result_per_parameter_set_in_order) {
  auto conn = open_connection(backend::postgresql);
  BOOST_REQUIRE(conn.batches_param_arrays());
  drivers::prepared_statement stmt{conn, "SELECT CAST(? AS BIGINT) * 2 AS twice"};
  param_sets sets;
  for (std::int64_t k = 0; k < 40; ++k)
    sets.push_back({model::value{k}});
  for (int round = 0; round < 3; ++round) { // the statement runs batch after batch
    const auto results = run_batch(stmt, sets);
    BOOST_REQUIRE_EQUAL(results.size(), sets.size());
    for (std::size_t k = 0; k < results.size(); ++k) {
      BOOST_REQUIRE_EQUAL(results[k]->row_count(), 1u);
      BOOST_TEST(results[k]->row(0).int64_at(0) == static_cast<std::int64_t>(2 * k));
      BOOST_TEST(results[k]->columns().at(0).name == "twice");
    }
  }
}

BOOST_AUTO_TEST_CASE(run_batch_is_one_round_trip_and_one_transaction) {
  // statement_timestamp() is when the server received the client's message and
  // transaction_timestamp() when the transaction began: one value for the whole array means
  // one message and one (implicit) transaction; single runs get one each.
  auto conn = open_connection(backend::postgresql);
  const std::string sql = "SELECT CAST(statement_timestamp() AS TEXT), "
                          "CAST(transaction_timestamp() AS TEXT), CAST(? AS BIGINT)";
  drivers::prepared_statement batch{conn, sql};
  param_sets sets;
  for (std::int64_t k = 0; k < 5; ++k)
    sets.push_back({model::value{k}});
  const auto results = run_batch(batch, sets);
  BOOST_REQUIRE_EQUAL(results.size(), 5u);
  for (const auto& r : results) {
    BOOST_TEST(text_of(r, 0) == text_of(results[0], 0));
    BOOST_TEST(text_of(r, 1) == text_of(results[0], 1));
  }
  drivers::prepared_statement single{conn, sql};
  const auto first = single.run({model::value{std::int64_t{1}}});
  const auto second = single.run({model::value{std::int64_t{2}}});
  BOOST_TEST(text_of(first, 1) != text_of(second, 1));
}

BOOST_AUTO_TEST_CASE(run_batch_binds_nulls_booleans_integers_doubles_and_text) {
  auto conn = open_connection(backend::postgresql);
  drivers::prepared_statement stmt{
      conn, "SELECT CAST(? AS TEXT), CAST(CAST(? AS BOOLEAN) AS INTEGER), CAST(? AS BIGINT), "
            "CAST(? AS DOUBLE PRECISION), CAST(? AS TEXT)"};
  const param_sets sets{
      {model::value{}, model::value{true}, model::value{std::int64_t{-7}}, model::value{0.5},
       model::value{std::string{"a_1"}}},
      {model::value{}, model::value{false}, model::value{std::int64_t{1} << 40},
       model::value{-2.25}, model::value{std::string(256, 'x')}},
  };
  const auto results = run_batch(stmt, sets);
  BOOST_REQUIRE_EQUAL(results.size(), 2u);
  const auto a = results[0]->row(0);
  BOOST_TEST(a.is_null(0));
  BOOST_TEST(a.int64_at(1) == 1);
  BOOST_TEST(a.int64_at(2) == -7);
  BOOST_TEST(a.float64_at(3) == 0.5);
  BOOST_TEST(a.text_at(4) == "a_1");
  const auto b = results[1]->row(0);
  BOOST_TEST(b.int64_at(1) == 0);
  BOOST_TEST(b.int64_at(2) == std::int64_t{1} << 40);
  BOOST_TEST(b.float64_at(3) == -2.25);
  BOOST_TEST(b.text_at(4) == std::string(256, 'x'));
}

BOOST_AUTO_TEST_CASE(run_batch_sends_text_as_data_never_as_sql) {
  // psqlODBC renders a batch's parameters as literals: quotes, backslashes and semicolons must
  // come back as the same text, never end the statement.
  auto conn = open_connection(backend::postgresql);
  drivers::prepared_statement stmt{conn, "SELECT CAST(? AS TEXT)"};
  const std::vector<std::string> texts{"x'); SELECT 1; --", "\\'", "it''s", "$$;$$", "é ✓"};
  param_sets sets;
  for (const auto& t : texts)
    sets.push_back({model::value{t}});
  const auto results = run_batch(stmt, sets);
  BOOST_REQUIRE_EQUAL(results.size(), texts.size());
  for (std::size_t k = 0; k < texts.size(); ++k)
    BOOST_TEST(text_of(results[k]) == texts[k]);
}

BOOST_AUTO_TEST_CASE(run_batch_renders_negative_numbers_next_to_operators) {
  // A literal -7 after a minus sign must not become the comment "--7", nor NaN and
  // infinity bare words.
  auto conn = open_connection(backend::postgresql);
  drivers::prepared_statement stmt{conn, "SELECT 10-?, CAST(1.5-? AS DOUBLE PRECISION)"};
  const param_sets sets{
      {model::value{std::int64_t{-7}}, model::value{-2.5}},
      {model::value{std::int64_t{3}}, model::value{1e300}},
      {model::value{std::int64_t{0}}, model::value{std::numeric_limits<double>::infinity()}},
      {model::value{std::int64_t{0}}, model::value{std::numeric_limits<double>::quiet_NaN()}}};
  const auto results = run_batch(stmt, sets);
  BOOST_REQUIRE_EQUAL(results.size(), 4u);
  BOOST_TEST(results[0]->row(0).int64_at(0) == 17);
  BOOST_TEST(results[0]->row(0).float64_at(1) == 4.0);
  BOOST_TEST(results[1]->row(0).int64_at(0) == 7);
  BOOST_TEST(results[2]->row(0).float64_at(1) == -std::numeric_limits<double>::infinity());
  BOOST_TEST(std::isnan(results[3]->row(0).float64_at(1)));
}

BOOST_AUTO_TEST_CASE(a_failing_set_fails_the_batch_with_its_sqlstate) {
  auto conn = open_connection(backend::postgresql);
  drivers::prepared_statement stmt{conn, "SELECT CAST(CAST(? AS TEXT) AS BIGINT)"};
  const param_sets bad{{model::value{std::string{"1"}}},
                       {model::value{std::string{"not a number"}}},
                       {model::value{std::string{"3"}}}};
  try {
    (void)run_batch(stmt, bad);
    BOOST_FAIL("a batch with an invalid value succeeded");
  } catch (const drivers::database_error& e) {
    BOOST_TEST(e.sqlstate() == "22P02");
  }
  // The statement and its connection stay usable.
  const param_sets good{{model::value{std::string{"4"}}}, {model::value{std::string{"5"}}}};
  const auto results = run_batch(stmt, good);
  BOOST_REQUIRE_EQUAL(results.size(), 2u);
  BOOST_TEST(results[1]->row(0).int64_at(0) == 5);
}

BOOST_AUTO_TEST_CASE(a_batch_past_its_deadline_is_cancelled_as_a_timeout) {
  auto conn = open_connection(backend::postgresql);
  drivers::prepared_statement stmt{conn, "SELECT pg_sleep(CAST(? AS DOUBLE PRECISION))"};
  const param_sets sets{{model::value{4.0}}, {model::value{4.0}}, {model::value{4.0}}};
  drivers::run_options options;
  options.deadline = drivers::watchdog::clock::now() + std::chrono::milliseconds{200};
  const auto started = std::chrono::steady_clock::now();
  try {
    (void)run_batch(stmt, sets, options);
    BOOST_FAIL("a 12 s batch outlived its 200 ms deadline");
  } catch (const drivers::database_error& e) {
    BOOST_TEST((e.category() == drivers::error_category::timeout),
               drivers::to_string(e.category()));
  }
  // Relative to the batch the test started (12 s), not to this machine's speed.
  BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::milliseconds{6000}));
}

BOOST_AUTO_TEST_CASE(run_batch_needs_a_driver_with_one_result_per_parameter_set) {
  auto conn = open_connection(backend::sqlite);
  BOOST_TEST(!conn.batches_param_arrays());
  drivers::prepared_statement stmt{conn, "SELECT ?"};
  const param_sets sets{{model::value{std::int64_t{1}}}, {model::value{std::int64_t{2}}}};
  BOOST_CHECK_THROW((void)run_batch(stmt, sets), std::logic_error);
  // Single runs are unaffected.
  BOOST_TEST(stmt.run({model::value{std::int64_t{3}}})->row(0).int64_at(0) == 3);
}

BOOST_AUTO_TEST_CASE(a_statement_runs_batches_or_single_sets_never_both) {
  // psqlODBC sends an array in one round trip only on a statement it has not prepared on the
  // server; a statement that ran alone would quietly make one round trip per set.
  auto conn = open_connection(backend::postgresql);
  const param_sets sets{{model::value{std::int64_t{1}}}, {model::value{std::int64_t{2}}}};
  drivers::prepared_statement single{conn, "SELECT CAST(? AS BIGINT)"};
  (void)single.run({model::value{std::int64_t{1}}});
  BOOST_CHECK_THROW((void)run_batch(single, sets), std::logic_error);
  drivers::prepared_statement batch{conn, "SELECT CAST(? AS BIGINT)"};
  (void)run_batch(batch, sets);
  BOOST_CHECK_THROW((void)batch.run({model::value{std::int64_t{1}}}), std::logic_error);
}

BOOST_AUTO_TEST_CASE(parameter_sets_of_different_shapes_are_not_batchable_together) {
  auto conn = open_connection(backend::postgresql);
  const std::vector<model::value> number{model::value{std::int64_t{1}}};
  const std::vector<model::value> text{model::value{std::string{"1"}}};
  const std::vector<model::value> null{model::value{}};
  BOOST_TEST(drivers::batchable_together(number, number));
  BOOST_TEST(!drivers::batchable_together(number, text));
  BOOST_TEST(!drivers::batchable_together(number, null));
  BOOST_TEST(!drivers::batchable_together(number, {}));
  BOOST_TEST(drivers::batchable(text));
  BOOST_TEST(!drivers::batchable({model::value{std::string(257, 'x')}}));
  BOOST_TEST(!drivers::batchable({model::value{model::bytes{std::byte{1}}}}));
  drivers::prepared_statement stmt{conn, "SELECT CAST(? AS TEXT)"};
  std::vector<const std::vector<model::value>*> mixed{&number, &text};
  BOOST_CHECK_THROW((void)stmt.run_batch(mixed, {}), std::logic_error);
}

BOOST_AUTO_TEST_SUITE_END()
