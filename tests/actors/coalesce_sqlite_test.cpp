// Coalesced lookups on SQLite, whose coalesced statement tags each row with the first key it
// equals: under a NOCASE or RTRIM collation, and under a numeric affinity that turns "007" and
// "7.0" into 7, keys that SQLite finds equal to one stored value never share an execution, so
// each statement still gets exactly the rows it gets alone.

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "gatherdb/drivers/connection_executor.hpp"

#include "actors_fixture.hpp"

namespace gatherdb::actors_test {

/// A row whose key column is declared by the test (its collation, its affinity).
struct declared_row {
  std::int64_t id = 0;
  std::string k;
};

inline const std::string& declared_table() {
  static const std::string name = test::unique_name("gatherdb_coalesce_declared");
  return name;
}

} // namespace gatherdb::actors_test

template <>
struct gatherdb::model::entity_definition<gatherdb::actors_test::declared_row> {
  static entity_mapping<gatherdb::actors_test::declared_row> define() {
    using row = gatherdb::actors_test::declared_row;
    return entity_mapping<row>{gatherdb::actors_test::declared_table(), "D"}
        .generated_key(&row::id, "id")
        .column(&row::k, "k");
  }
};

using namespace gatherdb;
using namespace gatherdb::actors_test;
using model::col;
using model::select;

namespace {

// KEYINT has INTEGER affinity and KEYTYPE NUMERIC affinity, names that SQLite's ODBC driver
// does not know: it describes the column as text, which the entity's text member can hold.
const std::vector<std::string> declarations = {
    "TEXT COLLATE NOCASE", "TEXT COLLATE RTRIM", "KEYINT", "KEYTYPE", "TEXT", ""};

const std::vector<std::string> stored = {"case", "Case", "trail", "trail  ", "7",
                                         "07",   "7.0",  "x",     "1e1",     "10"};

const std::vector<std::string> looked_up = {
    "CASE", "case", "Case", "cASE", "trail", "trail ", "TRAIL", "7",   "007",  "7.00",
    "+7",   " 7",   "7 ",   "x",    "X",     "x  ",    "10",    "1e1", "10.0", "missing"};

using row_pair = std::pair<std::int64_t, std::string>;

std::vector<row_pair> pairs(const model::frozen_result& r) {
  std::vector<row_pair> out;
  if (!r)
    return out;
  BOOST_REQUIRE_EQUAL(r->columns().size(), 2u);
  r->for_each_row([&](const model::row_ref& row) {
    // A numeric affinity stores "7" as an integer, which the driver then describes as one.
    out.emplace_back(row.int64_at(0), model::to_string(row.at(1)));
  });
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(actors_coalesce_sqlite)

BOOST_DATA_TEST_CASE(keys_sqlite_finds_equal_to_one_value_each_get_the_rows_they_get_alone,
                     boost::unit_test::data::make(declarations), declaration) {
  const auto dsn = test::seeded_suite<suite_tag>::connection_string(backend::sqlite, "declared");
  auto conn = drivers::connection::open(dsn);
  drivers::connection_executor ex{conn};
  ex.execute("DROP TABLE IF EXISTS \"" + declared_table() + "\"", {});
  ex.execute("CREATE TABLE \"" + declared_table() + "\" (id INTEGER PRIMARY KEY AUTOINCREMENT, k " +
                 declaration + ")",
             {});
  for (const auto& k : stored)
    ex.execute("INSERT INTO \"" + declared_table() + "\" (k) VALUES (?)", {model::value{k}});

  auto keys = looked_up;
  keys.insert(keys.end(), looked_up.begin(), looked_up.end());
  std::shuffle(keys.begin(), keys.end(), std::mt19937{11});
  std::vector<model::statement> statements;
  for (const auto& k : keys)
    statements.emplace_back(select<declared_row>().where(col(&declared_row::k) == k));

  actors::settings s;
  s.dsn = dsn;
  s.pool_size = 1;
  actors::client c{s};
  const auto result = c.gather(statements);
  std::size_t coalesced = 0;
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const auto& o = result.outcomes.at(i);
    BOOST_REQUIRE_MESSAGE(o.ok(), o.error.to_string());
    const auto sql = statements[i].compile(model::dialect::sqlite);
    const auto want = pairs(ex.execute(sql.sql, sql.params));
    BOOST_TEST(pairs(o.rows) == want, "'" << keys[i] << "' under '" << declaration
                                          << "': " << pairs(o.rows).size() << " rows, alone "
                                          << want.size());
    coalesced += o.metrics.coalesced > 1 ? 1 : 0;
  }
  // Identical keys still share one execution: the test is not passing by running all alone.
  BOOST_TEST(coalesced >= statements.size() / 2, coalesced << " of " << statements.size());
}

BOOST_AUTO_TEST_SUITE_END()
