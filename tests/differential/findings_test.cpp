// One test per finding of known_findings.hpp (F1 to F9), each the smallest reproduction of a
// difference between gatherdb's answer and the database's own that the differential suites
// found. F2 to F9 were fixed and their tests guard against their return; F1 is a limit of
// SQLite's ODBC driver, documented in docs/types.md, and its test says what it is. A test whose
// backend this run does not test passes without checking anything (GATHERDB_BACKENDS).

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "gatherdb/actors/client.hpp"
#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/error.hpp"
#include "gatherdb/model/decimal.hpp"
#include "gatherdb/model/json_text.hpp"
#include "gatherdb/model/query.hpp"

#include "differential_table.hpp"
#include "lookup_modes.hpp"
#include "support/backends.hpp"
#include "support/gather_options.hpp"
#include "support/open_connection.hpp"
#include "support/scoped_table.hpp"

namespace gatherdb::differential {
namespace {

template <class T>
generated<T> values(std::vector<T> vs) {
  generated<T> g;
  for (auto& v : vs)
    g.stored.push_back(sample<T>{std::move(v), {}, "finding", {}, 0});
  return g;
}

using id_list = std::vector<std::int64_t>;

template <class E>
id_list ids_of(const actors::outcome& o) {
  id_list out;
  if (o.ok())
    for (const auto* e : o.result.template all<E>())
      out.push_back(e->id);
  return out;
}

// Stores `stored` (ids 1..n) and checks that each key's coalesced lookup finds what the same
// lookup finds alone: what coalescing promises (README, "Coalesced lookups").
template <class T, class Decl = decl<>>
void coalesced_lookups_find_what_single_runs_find(backend b, std::vector<T> stored,
                                                  const std::vector<T>& keys) {
  using entity = diff_row<T, Decl>;
  differential_table<T, Decl> t{b, values(std::move(stored))};
  t.write_through_gatherdb();
  std::vector<model::statement> statements;
  for (const auto& k : keys)
    statements.emplace_back(
        model::select<entity>().where(key_equals(&entity::v, k)).order_by(model::col(&entity::id)));
  client alone{settings_for(b, lookup_mode::single)};
  gatherdb::client together{settings_for(b, lookup_mode::coalesced)};
  const auto want = alone.gather(statements, test::collect());
  const auto got = together.gather(statements, test::collect());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    // Whether the key shared a coalesced statement is the library's choice (it may run such a
    // key alone); the rows are what it promises.
    BOOST_TEST_CONTEXT("key " << show(keys[i]) << ", coalesced "
                              << got.outcomes[i].metrics.coalesced) {
      BOOST_TEST(got.outcomes[i].ok() == want.outcomes[i].ok());
      BOOST_TEST(ids_of<entity>(got.outcomes[i]) == ids_of<entity>(want.outcomes[i]),
                 boost::test_tools::per_element());
    }
  }
}

} // namespace
} // namespace gatherdb::differential

using namespace gatherdb::differential;
namespace drivers = gatherdb::drivers;
namespace model = gatherdb::model;
using gatherdb::test::enabled;

BOOST_AUTO_TEST_SUITE(differential_findings)

// LIMIT F1: SQLite doubles read back with 15 significant digits. The database holds the exact
// value (its own `=` finds it), but the SQLite ODBC driver hands a REAL cell over as SQLite's
// 15-digit text, so DBL_MAX reads as +infinity and 0.1 + 0.2 as 0.3 (docs/types.md). Should a
// driver ever return every digit, this fails: then the limit and its explanation go.
BOOST_AUTO_TEST_CASE(f1_sqlite_doubles_read_back_with_15_significant_digits) {
  if (!enabled(backend::sqlite))
    return;
  const std::vector<double> vs = {std::numeric_limits<double>::max(), 0.1 + 0.2,
                                  std::numeric_limits<double>::min()};
  differential_table<double> t{backend::sqlite, values(vs)};
  t.write_through_gatherdb();
  const auto exact = t.connection().execute(
      "SELECT id FROM " + t.name() +
      " WHERE v IN (1.7976931348623157e308, 0.30000000000000004, 2.2250738585072014e-308)");
  BOOST_TEST(exact->row_count() == vs.size()); // stored exactly
  const auto rows = t.connection().execute("SELECT v FROM " + t.name() + " ORDER BY id");
  BOOST_TEST(std::isinf(rows->row(0).float64_at(0)));
  BOOST_TEST(rows->row(1).float64_at(0) == 0.3);
  for (std::size_t i = 1; i < vs.size(); ++i) {
    const auto got = rows->row(i).float64_at(0);
    BOOST_TEST(got != vs[i], "read " << show(got) << " exactly");
    BOOST_TEST(std::fabs(got - vs[i]) <= 1e-14 * std::fabs(vs[i]), "read " << show(got));
  }
}

// FIXED F2: SQLite turns a NaN parameter into NULL. A NOT NULL column refuses it as a
// constraint error (HY000, native 19), a nullable one stores NULL without a word; it should be
// refused as `data` (22003), as on MariaDB, whose DOUBLE has no NaN either.
BOOST_AUTO_TEST_CASE(f2_sqlite_refuses_nan_as_a_data_error) {
  if (!enabled(backend::sqlite))
    return;
  auto conn = gatherdb::test::open_connection(backend::sqlite);
  gatherdb::test::scoped_table table{conn, "gdb_diff_nan", "v REAL"};
  try {
    (void)conn.execute("INSERT INTO " + table.name() + " (v) VALUES (?)",
                       {model::value{std::numeric_limits<double>::quiet_NaN()}});
    const auto r = conn.execute("SELECT v IS NULL FROM " + table.name());
    BOOST_ERROR("NaN was accepted and stored as "
                << (r->row(0).int64_at(0) != 0 ? "NULL" : "a value"));
  } catch (const drivers::database_error& e) {
    BOOST_TEST(drivers::to_string(e.category()) == "data", e.what());
  }
}

// FIXED F3: MariaDB rounds a decimal with more than 10 fraction digits written to an
// undeclared decimal member (DECIMAL(38, 10)) instead of refusing it: 0.00000000001 reads back
// as 0.0000000000. A declared numeric(p, s) column is checked before sending (22003); the
// default column of each dialect is not.
BOOST_AUTO_TEST_CASE(f3_mariadb_refuses_decimals_its_default_column_would_round) {
  if (!enabled(backend::mariadb))
    return;
  const std::vector<model::decimal> vs = {
      model::decimal::parse("0.00000000001"),
      model::decimal::parse("-0.99999999999999999999999999999999999999")};
  differential_table<model::decimal> t{backend::mariadb, values(vs)};
  t.write_through_gatherdb();
  const auto rows = t.connection().execute("SELECT id, CAST(v AS CHAR) FROM " + t.name());
  for (std::size_t i = 0; i < vs.size(); ++i)
    BOOST_TEST(t.write_refusal(i).has_value(), show(vs[i]) << " was stored");
  rows->for_each_row([](const model::row_ref& r) {
    BOOST_TEST_MESSAGE("F3: row " << r.int64_at(0) << " holds " << r.text_at(1));
  });
}

// FIXED F4: MariaDB's coalesced lookups hold their keys in a derived table whose DOUBLE
// column turns +-infinity into +-DBL_MAX and NaN into 0: such a key finds those rows, alone
// it finds none.
BOOST_AUTO_TEST_CASE(f4_mariadb_coalesced_infinite_keys_find_what_they_find_alone) {
  if (!enabled(backend::mariadb))
    return;
  using lim = std::numeric_limits<double>;
  coalesced_lookups_find_what_single_runs_find<double>(
      backend::mariadb, {lim::max(), lim::lowest(), 0.0, 1.0},
      {lim::infinity(), -lim::infinity(), lim::quiet_NaN(), 1.0});
}

// FIXED F5: MariaDB's coalesced lookups compare bytes keys as text: X'20' finds X'' (a
// PAD SPACE collation), and every byte from 0x80 finds X'3F' ('?', what the conversion to
// utf8mb4 leaves of it).
BOOST_AUTO_TEST_CASE(f5_mariadb_coalesced_bytes_keys_compare_as_bytes) {
  if (!enabled(backend::mariadb))
    return;
  const std::vector<model::bytes> vs = {
      {}, {std::byte{0x20}}, {std::byte{0x3F}}, {std::byte{0x80}}, {std::byte{0xFF}}};
  coalesced_lookups_find_what_single_runs_find<model::bytes>(backend::mariadb, vs, vs);
}

// FIXED F6: MariaDB's coalesced lookups compare decimal keys as doubles:
// 9223372036854775807 also finds 9223372036854775808, 1.0000000000000000000000000000000000001
// finds 1.
BOOST_AUTO_TEST_CASE(f6_mariadb_coalesced_decimal_keys_compare_exactly) {
  if (!enabled(backend::mariadb))
    return;
  const std::vector<model::decimal> vs = {model::decimal::parse("9223372036854775807"),
                                          model::decimal::parse("9223372036854775808"),
                                          model::decimal::parse("1")};
  auto keys = vs;
  keys.push_back(model::decimal::parse("1.0000000000000000000000000000000000001"));
  coalesced_lookups_find_what_single_runs_find<model::decimal>(backend::mariadb, vs, keys);
}

// FIXED F7: MariaDB's coalesced lookups find nothing for text keys of 64 KiB or more when
// the statement's keys add up to about a megabyte (alone each finds its row), and such a
// statement takes seconds.
BOOST_AUTO_TEST_CASE(f7_mariadb_coalesced_long_text_keys_find_their_rows) {
  if (!enabled(backend::mariadb))
    return;
  // The first 49 text values of seed 20240229 that may be sent (the first coalesced group of
  // the generic suite's lookups): two keys of 64 KiB and one of 1 MiB among them. Smaller sets
  // of these keys stop failing once their parameters add up to much less.
  const auto g = generate<std::string>(20240229);
  std::vector<std::string> stored;
  std::vector<std::string> keys;
  for (const auto& s : g.stored) {
    if (!s.refused_with.empty())
      continue;
    stored.push_back(s.value);
    if (keys.size() < 49)
      keys.push_back(s.value);
  }
  coalesced_lookups_find_what_single_runs_find<std::string>(backend::mariadb, stored, keys);
}

// FIXED F8: through PgBouncer, lookups of a JSON document of exactly five characters
// ("false", "[1,2]") failed now and then with 26000 "unnamed prepared statement does not
// exist". psqlODBC takes a VARCHAR parameter declared with size 5 for a possible boolean
// (BoolsAsChar) and asks the server for its type in two round trips, Parse then Describe,
// which a transaction pooler may send to two server connections. Four connections running
// such lookups at once interleave their round trips on PgBouncer's server connections.
BOOST_AUTO_TEST_CASE(f8_pgbouncer_lookups_of_five_character_json_documents_run) {
  if (!enabled(backend::pgbouncer))
    return;
  using entity = diff_row<model::json_text>;
  differential_table<model::json_text> t{
      backend::pgbouncer, values(std::vector<model::json_text>{model::json_text::parse("false"),
                                                               model::json_text::parse("[1,2]")})};
  t.write_through_gatherdb();
  std::vector<model::statement> statements;
  for (int k = 0; k < 2000; ++k)
    statements.emplace_back(model::select<entity>().where(
        key_equals(&entity::v, model::json_text::parse(k % 2 == 0 ? "false" : "[1,2]"))));
  auto s = settings_for(backend::pgbouncer, lookup_mode::single);
  s.pool_size = 4;
  gatherdb::client c{s};
  const auto result = c.gather(statements, gatherdb::test::collect());
  std::size_t failed = 0;
  for (std::size_t i = 0; i < result.outcomes.size(); ++i) {
    const auto& o = result.outcomes[i];
    if (o.ok() && o.result.size() == 1u)
      continue;
    if (++failed <= 3)
      BOOST_ERROR("statement " << i << ": "
                               << (o.ok() ? std::to_string(o.result.size()) + " rows"
                                          : o.error.to_string()));
  }
  BOOST_TEST(failed == 0u);
}

// FIXED F9, NOT RUN unless GATHERDB_DIFFERENTIAL_CRASH_MARIADB=1: it CRASHES the MariaDB
// server (10.11.19: signal 11, a call through a null pointer; mysqld_safe restarts it), which
// fails everything else using that server meanwhile. Run it against a disposable server only.
// Coalesced, the two lookups below are one statement whose second key is a parameter of
// 1048578 bytes of "a\u00e9\u65e5"; each alone runs, and so do keys of 1 MiB or of ASCII.
// (Not Boost's disabled(): --run_test=differential_findings, as ctest runs it, enables that.)
BOOST_AUTO_TEST_CASE(f9_mariadb_survives_a_coalesced_lookup_of_a_long_key) {
  const char* allowed = std::getenv("GATHERDB_DIFFERENTIAL_CRASH_MARIADB");
  if (!enabled(backend::mariadb) || allowed == nullptr || std::string{allowed} != "1") {
    BOOST_TEST_MESSAGE("F9 not run: it crashes the MariaDB server");
    return;
  }
  std::string long_key;
  while (long_key.size() < (1u << 20))
    long_key += "a\xC3\xA9\xE6\x97\xA5";
  coalesced_lookups_find_what_single_runs_find<std::string>(backend::mariadb, {"short", long_key},
                                                            {"short", long_key});
}

BOOST_AUTO_TEST_SUITE_END()
