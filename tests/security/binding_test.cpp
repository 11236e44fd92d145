// Values are only ever bound: strings that would break spliced SQL round-trip as plain data
// through the query builder and the raw API, and the table survives them.
#include <cstdint>
#include <string>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/connection_executor.hpp"
#include "gatherdb/model/metadata.hpp"
#include "gatherdb/model/query.hpp"
#include "gatherdb/model/session_state.hpp"

#include "support/backends.hpp"
#include "support/open_connection.hpp"

namespace {

struct note {
  std::int64_t id = 0;
  std::string body;
};

const std::vector<std::string> hostile{
    "'; DROP TABLE security_notes; --",
    "' OR '1'='1",
    "\"); DELETE FROM security_notes; --",
    "\\'; SELECT pg_sleep(5); --",
    "?",
    "$1",
    "%_*",
    "Robert'); DROP TABLE students;--",
    "ü€😀 ' \" ` ;",
    // MariaDB reads a backslash in a string literal as an escape: bound, it is data.
    "C:\\temp\\new\\",
    "\\",
    "\\\\'",
};

} // namespace

template <>
struct gatherdb::model::entity_definition<note> {
  static entity_mapping<note> define() {
    return entity_mapping<note>{"security_notes", "note"}
        .generated_key(&note::id, "id")
        .column(&note::body, "body");
  }
};

using namespace gatherdb;

BOOST_AUTO_TEST_SUITE(security_binding)

BOOST_DATA_TEST_CASE(hostile_strings_round_trip_as_data_and_the_table_survives, test::all_backends,
                     backend) {
  auto conn = test::open_connection(backend);
  drivers::connection_executor exec{conn};
  model::metadata meta;
  meta.add<note>();
  meta.drop_all(exec);
  meta.create_all(exec);

  model::session_state session;
  std::vector<note> notes;
  for (const auto& h : hostile)
    notes.push_back(note{0, h});
  session.add_all(std::move(notes));
  session.commit(exec);

  for (const auto& h : hostile) {
    BOOST_TEST_CONTEXT("value " << h) {
      // Through the query builder...
      auto q =
          model::select<note>().where(model::col(&note::body) == h).compile(conn.sql_dialect());
      BOOST_REQUIRE_EQUAL(q.params.size(), 1U);
      BOOST_TEST(q.params[0] == model::value{h});
      if (h.size() > 2) // "?" and "$1" are in any parameterized SQL
        BOOST_TEST(q.sql.find(h) == std::string::npos, "value spliced into " << q.sql);
      auto rows = exec.execute(q.sql, q.params);
      BOOST_REQUIRE_EQUAL(rows->row_count(), 1U);
      BOOST_TEST(std::string{rows->row(0).text_at(1)} == h);
      // ...and through raw SQL with a bound parameter.
      auto raw = conn.execute("SELECT body FROM security_notes WHERE body = ?", {h});
      BOOST_REQUIRE_EQUAL(raw->row_count(), 1U);
    }
  }
  auto count = conn.execute("SELECT COUNT(*) FROM security_notes");
  BOOST_TEST(count->row(0).at(0) == model::value{static_cast<std::int64_t>(hostile.size())});
  meta.drop_all(exec);
}

BOOST_AUTO_TEST_SUITE_END()
