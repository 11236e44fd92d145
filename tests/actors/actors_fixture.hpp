#pragma once
// Shared by the actors suites: the seeded database of tests/support under the suite family
// name "actors" (table actors_item_<pid>, application names gatherdb_actors_<what>_<pid>),
// and the sequential reference (one session, one connection).
//
// Thread-safety: `seeded_database` and `pg_monitor` are used from one thread at a time; the
// entity mapping is immutable.

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "gatherdb/actors/client.hpp"
#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/connection_executor.hpp"
#include "gatherdb/model/session_state.hpp"
#include "gatherdb/model/statement.hpp"

#include "support/backends.hpp"
#include "support/gather_options.hpp"
#include "support/pg_monitor.hpp"
#include "support/print_log_values.hpp"
#include "support/seeded_database.hpp"
#include "support/slow_statements.hpp"

namespace gatherdb::actors_test {

/// The actors suites' family name in table, application and SQLite file names.
struct suite_tag {
  static constexpr std::string_view name = "actors";
};
using suite = test::seeded_suite<suite_tag>;

/// The entity of every actors suite, like the seed's `A`.
using item = suite::item;
using seeded_database = test::seeded_database<suite_tag>;
using pg_monitor = test::pg_monitor<suite_tag>;

using test::backend;
using test::clock_type;
using test::collect;
using test::long_statement;
using test::millis;
using test::seeded_rows;
using test::slow_statements;
using namespace std::chrono_literals;

/// `select(A).where(A.data == "a_<k>")`.
inline model::statement select_data(int k) {
  return suite::select_data(k);
}

/// `n` statements selecting random rows (seeded, so reproducible), with duplicates.
inline std::vector<model::statement> random_selects(std::size_t n, unsigned seed) {
  return suite::random_selects(n, seed);
}

/// The reference: every statement in order in ONE session on ONE connection.
struct sequential_run {
  model::session_state session;
  std::vector<model::merged_result> results;
};

inline sequential_run run_sequentially(const std::string& dsn,
                                       const std::vector<model::statement>& statements) {
  sequential_run out;
  auto conn = drivers::connection::open(dsn);
  drivers::connection_executor ex{conn};
  for (const auto& st : statements) {
    auto sql = st.compile(conn.sql_dialect());
    auto rows = ex.execute(sql.sql, sql.params);
    out.results.push_back(out.session.merge(st, rows));
  }
  return out;
}

/// Checks that `got` equals the sequential run of the same statements: same repr per statement
/// and the same identity structure (two statements share an object exactly when they do in
/// the sequential session).
inline void check_equals_sequential(const actors::gather_result& got, const sequential_run& want) {
  BOOST_REQUIRE_EQUAL(got.outcomes.size(), want.results.size());
  std::map<const item*, const item*> got_to_want;
  for (std::size_t i = 0; i < got.outcomes.size(); ++i) {
    const auto& o = got.outcomes[i];
    BOOST_TEST_CONTEXT("statement " << i) {
      BOOST_REQUIRE_MESSAGE(o.ok(), "outcome not ok: " << o.error.to_string());
      BOOST_TEST(o.result.repr() == want.results[i].repr());
      const auto objs = o.result.all<item>();
      const auto ref = want.results[i].all<item>();
      BOOST_REQUIRE_EQUAL(objs.size(), ref.size());
      for (std::size_t r = 0; r < objs.size(); ++r) {
        auto [it, inserted] = got_to_want.emplace(objs[r], ref[r]);
        BOOST_TEST(it->second == ref[r], "one gathered object stands for two session objects");
      }
    }
  }
  // The map is injective the other way round too: distinct rows, distinct objects.
  std::map<const item*, const item*> want_to_got;
  for (auto [g, w] : got_to_want) {
    auto [it, inserted] = want_to_got.emplace(w, g);
    BOOST_TEST(inserted, "two gathered objects stand for one session object");
  }
  BOOST_TEST(got.repr().size() > 2u);
}

} // namespace gatherdb::actors_test
