#pragma once
// Shared by the nodes suites: the seeded database of tests/support under the suite family
// name "nodes" (table nodes_item_<pid>, application names gatherdb_nodes_<what>_<pid>), client
// settings for a route served by nodes, and the sequential reference (one session, one
// connection) that a gather through nodes must equal.
//
// Thread-safety: used from one thread at a time.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "gatherdb/actors/client.hpp"
#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/connection_executor.hpp"

#include "nodes/node_process.hpp"
#include "support/backends.hpp"
#include "support/gather_options.hpp"
#include "support/pg_monitor.hpp"
#include "support/poll.hpp"
#include "support/print_log_values.hpp"
#include "support/seeded_database.hpp"

namespace gatherdb::nodes_test {

struct suite_tag {
  static constexpr std::string_view name = "nodes";
};
using suite = test::seeded_suite<suite_tag>;
using item = suite::item;
using seeded_database = test::seeded_database<suite_tag>;
using pg_monitor = test::pg_monitor<suite_tag>;
using test::backend;
using test::collect;
using test::poll_until;

/// Client settings whose route `default` is served by `nodes` ("host:port").
inline actors::settings node_settings(std::vector<std::string> nodes, std::size_t pool_size = 2) {
  actors::settings s;
  s.nodes = std::move(nodes);
  s.pool_size = pool_size;
  return s;
}

/// Waits until every lane of the client's node route has attached (each lane is one
/// "connection" of the pool), so that chunks spread over the nodes from the first one.
inline bool wait_attached(const actors::client& c, std::size_t lanes) {
  return poll_until([&] { return c.stats().connections >= lanes; });
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

/// `got` equals the sequential run: the same repr per statement and the same identity
/// structure (two statements share an object exactly when they do in the sequential session).
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
  std::map<const item*, const item*> want_to_got;
  for (auto [g, w] : got_to_want) {
    auto [it, inserted] = want_to_got.emplace(w, g);
    BOOST_TEST(inserted, "two gathered objects stand for one session object");
  }
}

} // namespace gatherdb::nodes_test
