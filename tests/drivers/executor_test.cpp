// drivers::connection_executor under the model: DDL from metadata, a unit of work committed
// through real SQLite and PostgreSQL, and the query builder's SQL run for real.

#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/connection_executor.hpp"
#include "gatherdb/model/entity.hpp"
#include "gatherdb/model/errors.hpp"
#include "gatherdb/model/metadata.hpp"
#include "gatherdb/model/query.hpp"
#include "gatherdb/model/session_state.hpp"

#include "support/backends.hpp"
#include "support/open_connection.hpp"

namespace drivers = gatherdb::drivers;
namespace model = gatherdb::model;
using gatherdb::test::all_backends;
using gatherdb::test::backend;
using gatherdb::test::open_connection;

namespace executor_test {

/// The SQLAlchemy example's entity, with a database-generated key.
struct A {
  std::int64_t id = 0;
  std::string data;
};

/// An entity whose key the application assigns, so that a unit of work can collide.
struct K {
  std::int64_t id = 0;
  std::string data;
};

} // namespace executor_test

using executor_test::A;
using executor_test::K;

// Table names unique to this process: suites of other executables share the PostgreSQL database.
template <>
struct gatherdb::model::entity_definition<A> {
  static entity_mapping<A> define() {
    return entity_mapping<A>{gatherdb::test::unique_name("drivers_executor_a"), "A"}
        .generated_key(&A::id, "id")
        .column(&A::data, "data");
  }
};

template <>
struct gatherdb::model::entity_definition<K> {
  static entity_mapping<K> define() {
    return entity_mapping<K>{gatherdb::test::unique_name("drivers_executor_k"), "K"}
        .primary_key(&K::id, "id")
        .column(&K::data, "data");
  }
};

namespace executor_test {

/// Creates the tables now and drops them at scope exit.
class scoped_schema {
public:
  scoped_schema(model::metadata md, model::executor& ex) : md_(std::move(md)), ex_(ex) {
    md_.drop_all(ex_);
    md_.create_all(ex_);
  }
  scoped_schema(const scoped_schema&) = delete;
  scoped_schema& operator=(const scoped_schema&) = delete;
  ~scoped_schema() {
    try {
      md_.drop_all(ex_);
    } catch (...) {
    }
  }

private:
  model::metadata md_;
  model::executor& ex_;
};

std::int64_t count_rows(drivers::connection& conn, const std::string& table) {
  auto r = conn.execute("SELECT count(*) FROM " + table);
  const auto v = r->row(0).at(0);
  if (auto n = v.get_if<std::int64_t>())
    return *n;
  return std::stoll(v.get<std::string>());
}

const std::string& table_of_a() {
  return model::mapping_of<A>().schema().table;
}
const std::string& table_of_k() {
  return model::mapping_of<K>().schema().table;
}

} // namespace executor_test

using namespace executor_test;

BOOST_AUTO_TEST_SUITE(drivers_executor)

BOOST_DATA_TEST_CASE(unit_of_work_assigns_keys_and_reads_back_through_the_query_builder,
                     all_backends, backend) {
  auto conn = open_connection(backend);
  drivers::connection_executor exec{conn};
  const auto dialect =
      backend == gatherdb::test::backend::pgbouncer ? gatherdb::test::backend::postgresql : backend;
  BOOST_TEST(model::to_string(exec.sql_dialect()) == gatherdb::test::to_string(dialect));
  BOOST_TEST(conn.through_proxy() == (backend == gatherdb::test::backend::pgbouncer));
  scoped_schema schema{model::metadata{}.add<A>(), exec};

  model::session_state session;
  std::vector<A> objs;
  for (int i = 0; i < 100; ++i)
    objs.push_back(A{0, "a_" + std::to_string(i)});
  session.add_all(std::move(objs));
  BOOST_TEST(session.pending_count() == 100u);
  session.commit(exec);
  BOOST_TEST(conn.autocommit()); // the unit's transaction is over
  BOOST_TEST(session.pending_count() == 0u);
  BOOST_TEST(session.size<A>() == 100u);
  for (std::int64_t k = 1; k <= 100; ++k) {
    const A* a = session.find<A>(k);
    BOOST_TEST_REQUIRE(a != nullptr, "key " << k);
    BOOST_TEST(a->data == "a_" + std::to_string(k - 1));
  }

  auto q = model::select<A>().order_by(model::col(&A::id)).compile(exec.sql_dialect());
  auto r = exec.execute(q.sql, q.params);
  BOOST_TEST_REQUIRE(r->row_count() == 100u);
  bool equal = true;
  std::int64_t k = 1;
  r->for_each_row([&](model::row_ref row) {
    equal = equal && row.int64_at(0) == k && row.text_at(1) == "a_" + std::to_string(k - 1);
    ++k;
  });
  BOOST_TEST(equal);

  // A filtered, limited query with bound parameters.
  auto q2 = model::select<A>()
                .where(model::col(&A::data) == std::string{"a_41"} || model::col(&A::id) > 98)
                .order_by(model::col(&A::id))
                .limit(10)
                .compile(exec.sql_dialect());
  auto r2 = exec.execute(q2.sql, q2.params);
  BOOST_TEST_REQUIRE(r2->row_count() == 3u);
  BOOST_TEST(r2->row(0).int64_at(0) == 42);
  BOOST_TEST(r2->row(2).int64_at(0) == 100);

  // The rows merge into a fresh session as the same objects.
  model::session_state fresh;
  fresh.merge<A>(r);
  BOOST_TEST(fresh.size<A>() == 100u);
  BOOST_TEST_REQUIRE(fresh.find<A>(7) != nullptr);
  BOOST_TEST(fresh.find<A>(7)->data == "a_6");
}

BOOST_DATA_TEST_CASE(failed_unit_of_work_stores_nothing_and_stays_pending, all_backends, backend) {
  auto conn = open_connection(backend);
  drivers::connection_executor exec{conn};
  scoped_schema schema{model::metadata{}.add<K>(), exec};
  // A row that the unit's 5th object collides with.
  conn.execute("INSERT INTO " + table_of_k() + " (id, data) VALUES (?, ?)", {50, "already"});

  model::session_state session;
  std::vector<K> objs;
  for (std::int64_t id = 46; id <= 55; ++id)
    objs.push_back(K{id, "k_" + std::to_string(id)});
  session.add_all(std::move(objs));
  try {
    session.commit(exec);
    BOOST_FAIL("expected a flush_error");
  } catch (const model::flush_error& e) {
    BOOST_TEST_MESSAGE("flush_error: " << e.what());
    BOOST_TEST(e.failed_index() == 4u);
    BOOST_TEST(!e.is_update());
    BOOST_TEST(e.object_repr().find("50") != std::string::npos, e.object_repr());
    BOOST_TEST(!e.cause().empty());
  }
  BOOST_TEST(conn.autocommit()); // rolled back, back in autocommit
  BOOST_TEST(session.pending_count() == 10u);
  BOOST_TEST(session.size<K>() == 0u);
  BOOST_TEST(count_rows(conn, table_of_k()) == 1); // nothing of the unit was stored

  // Once the conflict is gone the same pending objects commit.
  conn.execute("DELETE FROM " + table_of_k() + " WHERE id = ?", {50});
  session.commit(exec);
  BOOST_TEST(session.pending_count() == 0u);
  BOOST_TEST(session.size<K>() == 10u);
  BOOST_TEST(count_rows(conn, table_of_k()) == 10);
}

BOOST_DATA_TEST_CASE(prepared_statements_are_cached_by_sql, all_backends, backend) {
  auto conn = open_connection(backend);
  drivers::connection_executor exec{conn};
  auto& first = exec.prepared("SELECT ?");
  auto& again = exec.prepared("SELECT ?");
  BOOST_TEST(&first == &again);
  BOOST_TEST(&exec.prepared("SELECT ?, ?") != &first);
  for (int i = 0; i < 3; ++i)
    BOOST_TEST(exec.execute("SELECT ?", {model::value{"x"}})->row(0).at(0) == model::value{"x"});
}

BOOST_AUTO_TEST_SUITE_END()
