// Coalesced lookups (settings::max_coalesce): typed selects of one gather that differ only in
// the key of their first equality predicate run as one statement, and each still gets exactly
// the rows it gets alone, under the server's own comparison rules: repeated, missing, case and
// trailing-space variants, quotes, wildcards, backslashes, unicode and long keys; several rows
// per key; mixed shapes; a failing coalesced statement falls back; deadlines and lost
// connections behave as for statements run alone.

#include <algorithm>
#include <cstdint>
#include <future>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "gatherdb/model/metadata.hpp"

#include "actors_fixture.hpp"
#include "support/poll.hpp"

namespace gatherdb::actors_test {

/// A row with a text key that is not unique.
struct keyed_row {
  std::int64_t id = 0;
  std::string k;
  std::int64_t n = 0;
};

inline const std::string& keyed_table() {
  static const std::string name = test::unique_name("gatherdb_coalesce");
  return name;
}

/// The same columns, read through a view that sleeps for every row (PostgreSQL only).
struct slow_row {
  std::int64_t id = 0;
  std::string k;
  std::int64_t n = 0;
};

inline const std::string& slow_view_name() {
  static const std::string name = test::unique_name("gatherdb_coalesce_slow");
  return name;
}

} // namespace gatherdb::actors_test

template <>
struct gatherdb::model::entity_definition<gatherdb::actors_test::slow_row> {
  static entity_mapping<gatherdb::actors_test::slow_row> define() {
    using row = gatherdb::actors_test::slow_row;
    return entity_mapping<row>{gatherdb::actors_test::slow_view_name(), "K"}
        .generated_key(&row::id, "id")
        .column(&row::k, "k")
        .column(&row::n, "n");
  }
};

template <>
struct gatherdb::model::entity_definition<gatherdb::actors_test::keyed_row> {
  static entity_mapping<gatherdb::actors_test::keyed_row> define() {
    using row = gatherdb::actors_test::keyed_row;
    return entity_mapping<row>{gatherdb::actors_test::keyed_table(), "K"}
        .generated_key(&row::id, "id")
        .column(&row::k, "k")
        .column(&row::n, "n");
  }
};

using namespace gatherdb;
using namespace gatherdb::actors_test;
using model::col;
using model::select;
using test::all_backends;

namespace {

// Keys stored in the table; "dup" three times, "Case" in three spellings.
const std::vector<std::string> stored_keys = {"plain",
                                              "Case",
                                              "case",
                                              "CASE",
                                              "trail",
                                              "lead",
                                              " lead",
                                              "quote'd",
                                              "dq\"x",
                                              "100%",
                                              "_und",
                                              "back\\slash",
                                              "back\\\\two",
                                              "ünïcødé 日本 😀",
                                              std::string(300, 'x') + "end",
                                              "",
                                              "dup",
                                              "dup",
                                              "dup"};

// Keys looked up: every stored key and variants that a case- or space-insensitive comparison,
// a LIKE or an unescaped quote would confuse with them.
std::vector<std::string> lookup_keys() {
  auto keys = stored_keys;
  for (const char* k :
       {"Plain", "PLAIN", "trail ", "trail  ", "lead ", "quote''d", "100", "1000", "%", "_",
        "back\\\\slash", "backslash", "missing", "Ünïcødé 日本 😀", "unicode 日本 😀"})
    keys.emplace_back(k);
  keys.push_back(std::string(300, 'x') + "END");
  keys.push_back(std::string(301, 'x') + "end");
  return keys;
}

/// A database holding `stored_keys`, row i with n = i.
class keyed_database {
public:
  explicit keyed_database(backend b)
      : dsn_(test::seeded_suite<suite_tag>::connection_string(b, "coalesce")),
        conn_(drivers::connection::open(b == backend::sqlite ? dsn_ : test::connection_string(b))) {
    drivers::connection_executor ex{conn_};
    md_.add<keyed_row>();
    md_.drop_all(ex);
    md_.create_all(ex);
    model::session_state s;
    std::vector<keyed_row> rows;
    for (std::size_t i = 0; i < stored_keys.size(); ++i)
      rows.push_back(keyed_row{0, stored_keys[i], static_cast<std::int64_t>(i)});
    s.add_all(std::move(rows));
    s.commit(ex);
  }
  ~keyed_database() {
    try {
      drivers::connection_executor ex{conn_};
      md_.drop_all(ex);
    } catch (...) {
      // The table dies with the SQLite file; on a server its name is unique to the process.
    }
  }
  keyed_database(const keyed_database&) = delete;
  keyed_database& operator=(const keyed_database&) = delete;

  [[nodiscard]] const std::string& dsn() const noexcept { return dsn_; }
  [[nodiscard]] drivers::connection& connection() noexcept { return conn_; }

private:
  std::string dsn_;
  drivers::connection conn_;
  model::metadata md_;
};

/// The rows of a frozen result as (id, k, n), in result order.
using row_tuple = std::tuple<std::int64_t, std::string, std::int64_t>;
std::vector<row_tuple> tuples(const model::frozen_result& r) {
  std::vector<row_tuple> out;
  if (!r)
    return out;
  const auto id = r->find_column("id");
  const auto k = r->find_column("k");
  const auto n = r->find_column("n");
  BOOST_REQUIRE(id != model::frozen_result_data::npos && k != model::frozen_result_data::npos);
  BOOST_REQUIRE_EQUAL(r->columns().size(), 3u); // no statement index leaks into a result
  r->for_each_row([&](const model::row_ref& row) {
    out.emplace_back(row.int64_at(id), std::string{row.text_at(k)}, row.int64_at(n));
  });
  return out;
}

/// Each statement run alone on one connection, as the reference.
std::vector<std::vector<row_tuple>> alone(const std::string& dsn,
                                          const std::vector<model::statement>& statements) {
  auto conn = drivers::connection::open(dsn);
  drivers::connection_executor ex{conn};
  std::vector<std::vector<row_tuple>> out;
  for (const auto& st : statements) {
    auto sql = st.compile(conn.sql_dialect());
    out.push_back(tuples(ex.execute(sql.sql, sql.params)));
  }
  return out;
}

/// Checks each outcome against the statement run alone: the same rows, in the same order when
/// `ordered`, as a multiset otherwise (no ORDER BY: the order is the server's to choose).
void check_equals_alone(const actors::gather_result& result,
                        const std::vector<std::vector<row_tuple>>& reference, bool ordered) {
  BOOST_REQUIRE_EQUAL(result.outcomes.size(), reference.size());
  for (std::size_t i = 0; i < reference.size(); ++i) {
    const auto& o = result.outcomes[i];
    BOOST_REQUIRE_MESSAGE(o.ok(), "statement " << i << ": " << o.error.to_string());
    auto got = tuples(o.rows);
    auto want = reference[i];
    if (!ordered) {
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
    }
    BOOST_TEST(got == want,
               "statement " << i << " got " << got.size() << " rows, alone " << want.size());
  }
}

std::size_t coalesced(const actors::gather_result& r) {
  return static_cast<std::size_t>(std::count_if(r.outcomes.begin(), r.outcomes.end(),
                                                [](auto& o) { return o.metrics.coalesced > 1; }));
}

std::vector<model::statement> lookups(unsigned seed, bool ordered) {
  auto keys = lookup_keys();
  auto twice = keys;
  twice.insert(twice.end(), keys.begin(), keys.end()); // every key repeated in the gather
  std::shuffle(twice.begin(), twice.end(), std::mt19937{seed});
  std::vector<model::statement> out;
  for (const auto& k : twice) {
    auto q = select<keyed_row>().where(col(&keyed_row::k) == k);
    out.emplace_back(ordered ? q.order_by(col(&keyed_row::id).desc()) : q);
  }
  return out;
}

actors::settings settings_for(const std::string& dsn, std::size_t pool_size = 2) {
  actors::settings s;
  s.dsn = dsn;
  s.pool_size = pool_size;
  return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(actors_coalesce)

BOOST_DATA_TEST_CASE(coalesced_lookups_get_exactly_the_rows_each_gets_alone, all_backends,
                     backend) {
  keyed_database db{backend};
  client c{settings_for(db.dsn())};
  const auto statements = lookups(3, false);
  const auto result = c.gather(statements);
  check_equals_alone(result, alone(db.dsn(), statements), false);
  BOOST_TEST(coalesced(result) >= statements.size() / 2,
             coalesced(result) << " of " << statements.size() << " statements coalesced");
  for (const auto& o : result.outcomes)
    BOOST_TEST(o.metrics.coalesced <= c.config().max_coalesce);
}

BOOST_DATA_TEST_CASE(coalesced_lookups_keep_each_statements_order_by, all_backends, backend) {
  keyed_database db{backend};
  client c{settings_for(db.dsn(), 1)};
  const auto statements = lookups(5, true);
  const auto result = c.gather(statements);
  check_equals_alone(result, alone(db.dsn(), statements), true);
  BOOST_TEST(coalesced(result) >= statements.size() / 2);
}

BOOST_DATA_TEST_CASE(a_gather_of_mixed_shapes_coalesces_each_shape_apart, all_backends, backend) {
  keyed_database db{backend};
  client c{settings_for(db.dsn(), 1)}; // one connection: every shape shares its chunks
  std::vector<model::statement> statements;
  // Keys no collation confuses: SQLite keeps case and trailing-space variants of one key in
  // separate coalesced statements, which would leave a variant of a shape alone.
  const std::vector<std::string> keys = {"plain", "trail", "lead", "quote'd",
                                         "dq\"x", "100%",  "_und", "dup"};
  for (int i = 0; i < 40; ++i) {
    const auto& k = keys[static_cast<std::size_t>(i) % keys.size()];
    switch (i % 5) {
    case 0: // the key alone
      statements.emplace_back(select<keyed_row>().where(col(&keyed_row::k) == k));
      break;
    case 1: // another key column
      statements.emplace_back(select<keyed_row>().where(col(&keyed_row::id) == i % 7 + 1));
      break;
    case 2: // a further predicate that is the same for every statement of the shape
      statements.emplace_back(
          select<keyed_row>().where(col(&keyed_row::k) == k).where(col(&keyed_row::n) > 2));
      break;
    case 3: // a further predicate that differs: a shape of its own per value
      statements.emplace_back(select<keyed_row>()
                                  .where(col(&keyed_row::k) == k && col(&keyed_row::n) < i)
                                  .order_by(col(&keyed_row::n)));
      break;
    default: // LIMIT: never coalesced
      statements.emplace_back(select<keyed_row>().where(col(&keyed_row::k) == k).limit(1));
      break;
    }
  }
  // The one connection runs a slow statement until all 40 wait in the pool, so that the chunks
  // it takes next hold every shape, however fast the sessions place them.
  test::slow_statements slow{backend, db.dsn()};
  auto blocker =
      std::async(std::launch::async, [&, s = slow.until_released()] { return c.gather({s}); });
  BOOST_REQUIRE(test::poll_until([&] { return c.stats().busy == 1; }));
  auto gathered = std::async(std::launch::async, [&] { return c.gather(statements); });
  BOOST_REQUIRE(test::poll_until([&] { return c.stats().queued == statements.size(); }));
  slow.release();
  BOOST_TEST(blocker.get().outcomes.at(0).ok());
  const auto result = gathered.get();
  check_equals_alone(result, alone(db.dsn(), statements), false);
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const auto& m = result.outcomes[i].metrics;
    if (i % 5 == 4)
      BOOST_TEST(m.coalesced == 1u, "a LIMIT statement was coalesced: " << i);
    if (i % 5 == 0 || i % 5 == 1 || i % 5 == 2)
      BOOST_TEST(m.coalesced > 1u, "statement " << i << " ran alone");
  }
}

BOOST_DATA_TEST_CASE(a_null_key_runs_alone_and_matches_nothing, all_backends, backend) {
  keyed_database db{backend};
  client c{settings_for(db.dsn(), 1)};
  std::vector<model::statement> statements;
  for (const auto* k : {"plain", "dup", "case"})
    statements.emplace_back(select<keyed_row>().where(col(&keyed_row::k) == std::string{k}));
  statements.emplace_back(select<keyed_row>().where(
      col(&keyed_row::k).compare(model::condition_node::op::eq, model::value{})));
  const auto result = c.gather(statements);
  check_equals_alone(result, alone(db.dsn(), statements), false);
  BOOST_TEST(result.outcomes[3].rows->row_count() == 0u);
  BOOST_TEST(result.outcomes[3].metrics.coalesced == 1u);
  BOOST_TEST(result.outcomes[0].metrics.coalesced == 3u);
}

BOOST_DATA_TEST_CASE(max_coalesce_of_one_turns_coalescing_off, all_backends, backend) {
  keyed_database db{backend};
  auto s = settings_for(db.dsn(), 1);
  s.max_coalesce = 1;
  client c{s};
  const auto statements = lookups(7, false);
  const auto result = c.gather(statements);
  check_equals_alone(result, alone(db.dsn(), statements), false);
  BOOST_TEST(coalesced(result) == 0u);
}

// A view over the keyed table, mapped by `slow_row` (PostgreSQL only). `sleeping` sleeps
// `seconds_per_row` for every row it reads, so that a lookup on it runs for as long as a test
// needs, whatever this machine's speed; `failing_at` divides by zero in the rows of one key.
class slow_view {
public:
  static slow_view sleeping(drivers::connection& conn, double seconds_per_row) {
    return slow_view{conn, "SELECT t.id, t.k, t.n FROM " + keyed_table() +
                               " t CROSS JOIN LATERAL (SELECT pg_sleep(" +
                               std::to_string(seconds_per_row) + ")) s"};
  }
  static slow_view failing_at(drivers::connection& conn, const std::string& key) {
    return slow_view{conn, "SELECT id, k, n / (CASE WHEN k = '" + key +
                               "' THEN 0 ELSE 1 END) AS n FROM " + keyed_table()};
  }
  slow_view(slow_view&& other) noexcept : conn_(other.conn_) { other.conn_ = nullptr; }
  ~slow_view() {
    if (conn_ == nullptr)
      return;
    try {
      conn_->execute("DROP VIEW IF EXISTS " + slow_view_name(), {});
    } catch (...) {
      // The view's name is unique to the process.
    }
  }
  slow_view(const slow_view&) = delete;
  slow_view& operator=(const slow_view&) = delete;
  slow_view& operator=(slow_view&&) = delete;

private:
  slow_view(drivers::connection& conn, const std::string& select) : conn_(&conn) {
    conn_->execute("CREATE VIEW " + slow_view_name() + " AS " + select, {});
  }

  drivers::connection* conn_;
};

std::vector<model::statement> slow_lookups() {
  std::vector<model::statement> out;
  for (const auto* k : {"plain", "dup", "case", "missing"})
    out.emplace_back(select<slow_row>().where(col(&slow_row::k) == std::string{k}));
  return out;
}

// A coalesced lookup that fails in the server (here: a division by zero in the rows of "dup",
// SQLSTATE 22012) runs each lookup alone: each gets its own result or error. A key the driver
// refuses (invalid UTF-8) never joins a coalesced lookup and fails alone.
BOOST_AUTO_TEST_CASE(a_failing_coalesced_lookup_runs_each_statement_alone) {
  keyed_database db{backend::postgresql};
  auto view = slow_view::failing_at(db.connection(), "dup");
  client c{settings_for(db.dsn(), 1)};
  std::vector<model::statement> statements;
  for (const auto* k : {"plain", "dup", "bad\xff", "case", "missing"})
    statements.emplace_back(select<slow_row>().where(col(&slow_row::k) == std::string{k}));
  const auto result = c.gather(statements, test::collect());
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const auto& o = result.outcomes[i];
    BOOST_TEST(o.metrics.coalesced == 1u, "statement " << i << " was not run again alone");
    // It ran alone because the coalesced lookup failed, not because none formed; the key the
    // driver refuses never joined one.
    BOOST_TEST(o.metrics.fell_back == (i != 2), "statement " << i);
    if (i == 1) {
      BOOST_TEST(o.status == actors::outcome_status::failed);
      BOOST_TEST(o.error.info.sqlstate == "22012", o.error.to_string());
    } else if (i == 2) {
      BOOST_TEST(o.status == actors::outcome_status::failed);
      BOOST_TEST(o.error.info.sqlstate == "22021", o.error.to_string());
      BOOST_TEST(o.error.info.category == drivers::error_category::data);
    } else {
      BOOST_TEST(o.ok(), "statement " << i << ": " << o.error.to_string());
    }
  }
  BOOST_TEST(result.outcomes[0].rows->row_count() == 1u);
  BOOST_TEST(result.outcomes[3].rows->row_count() == 1u);
  BOOST_TEST(result.outcomes[4].rows->row_count() == 0u);
}

BOOST_AUTO_TEST_CASE(a_deadline_cancels_a_coalesced_lookup_as_a_whole) {
  keyed_database db{backend::postgresql};
  auto view = slow_view::sleeping(db.connection(), 0.5); // every lookup reads ~20 rows: ~10 s
  client c{settings_for(db.dsn(), 1)};
  const auto statements = slow_lookups();
  const auto result = c.gather(statements, test::collect(std::chrono::milliseconds{300}));
  for (const auto& o : result.outcomes) {
    BOOST_TEST(o.status == actors::outcome_status::cancelled, o.error.to_string());
    BOOST_TEST(o.error.info.category == drivers::error_category::timeout);
    BOOST_TEST(o.metrics.coalesced == statements.size());
  }
}

BOOST_AUTO_TEST_CASE(
    a_coalesced_lookup_whose_connection_is_killed_is_retried_statement_by_statement) {
  keyed_database db{backend::postgresql};
  auto view = slow_view::sleeping(db.connection(),
                                  0.05); // ~1 s per lookup: time to see it, even under load
  // Connected before the gather starts: a connect on a loaded machine can take longer than
  // the lookup.
  test::pg_monitor<suite_tag> monitor{"coalesce"};
  client c{settings_for(db.dsn(), 1)};
  const auto statements = slow_lookups();
  auto running =
      std::async(std::launch::async, [&] { return c.gather(statements, test::collect()); });
  std::int64_t killed = 0;
  const auto until = test::clock_type::now() + std::chrono::seconds{60};
  while (killed == 0 && test::clock_type::now() < until &&
         running.wait_for(std::chrono::milliseconds{2}) == std::future_status::timeout)
    killed = monitor.terminate_one_running("gatherdb_k");
  const auto result = running.get();
  BOOST_REQUIRE_MESSAGE(killed == 1, "the coalesced lookup ended before it could be killed");
  std::vector<model::statement> on_table;
  for (const auto* k : {"plain", "dup", "case", "missing"})
    on_table.emplace_back(select<keyed_row>().where(col(&keyed_row::k) == std::string{k}));
  check_equals_alone(result, alone(db.dsn(), on_table), false);
  for (const auto& o : result.outcomes) {
    BOOST_TEST(o.metrics.attempts == 2u);
    BOOST_TEST(o.metrics.coalesced == 1u);
  }
}

BOOST_AUTO_TEST_SUITE_END()
