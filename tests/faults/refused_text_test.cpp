// Text a backend cannot hold exactly is refused before it is sent, with a `data` error
// (SQLSTATE 22021) of its own statement, on every path: a session commit, a raw INSERT, a
// single select, batched reads and coalesced lookups. PostgreSQL's text cannot hold a NUL byte
// and SQLite's and MariaDB's drivers end the value there: sent, it would be stored truncated or
// match the wrong row. Invalid UTF-8 is refused the same way on every backend.

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "gatherdb/drivers/connection_executor.hpp"

#include "faults_fixture.hpp"

using namespace gatherdb;
using namespace gatherdb::faults_test;
using test::all_backends;

namespace {

const std::vector<std::string>& refused_texts() {
  static const std::vector<std::string> texts{
      std::string("a_5\0zzz", 7), // matched `a_5` when sent
      std::string("\0", 1),       // nothing but a NUL
      "a_5\xC3\x28",              // a truncated two-byte sequence
      "a_\xED\xA0\x80",           // a UTF-16 surrogate, encoded as UTF-8
      "a_\xC0\xAF",               // an overlong '/'
      "a_\xF4\x90\x80\x80",       // above U+10FFFF
  };
  return texts;
}

model::statement select_text(const std::string& text) {
  return model::select<item>().where(model::col(&item::data) == text);
}

void check_refused(const actors::outcome& o, const std::string& what, int parameter = 1) {
  BOOST_TEST_CONTEXT(what) {
    BOOST_TEST(o.status == actors::outcome_status::failed);
    BOOST_TEST(o.error.source == actors::error_source::database);
    BOOST_TEST(o.error.info.category == drivers::error_category::data, o.error.to_string());
    BOOST_TEST(o.error.info.sqlstate == "22021");
    BOOST_TEST(o.error.info.message.find("text parameter " + std::to_string(parameter)) !=
                   std::string::npos,
               o.error.info.message);
  }
}

std::int64_t count_rows(drivers::connection& conn, const std::string& where) {
  return conn.execute("SELECT COUNT(*) FROM " + item_table() + " WHERE " + where)
      ->row(0)
      .int64_at(0);
}

/// 40 lookups of `a_1`..`a_40` with a refused key at every tenth place, so that batches and
/// coalesced lookups hold it among good keys.
std::vector<model::statement> lookups_with_refused_keys(std::vector<std::size_t>& refused_at) {
  std::vector<model::statement> out;
  for (int k = 1; k <= 40; ++k) {
    if (k % 10 == 5) {
      refused_at.push_back(out.size());
      out.push_back(select_text(refused_texts()[(k / 10) % refused_texts().size()]));
    }
    out.push_back(select_data(k));
  }
  return out;
}

void check_lookups(const actors::gather_result& r, const std::vector<std::size_t>& refused_at) {
  std::size_t good = 0;
  for (std::size_t i = 0; i < r.outcomes.size(); ++i) {
    const auto& o = r.outcomes[i];
    if (std::find(refused_at.begin(), refused_at.end(), i) != refused_at.end()) {
      check_refused(o, "statement " + std::to_string(i));
      continue;
    }
    ++good;
    BOOST_REQUIRE_MESSAGE(o.ok(), o.error.to_string());
    BOOST_REQUIRE_EQUAL(o.result.size(), 1u);
    BOOST_TEST(o.result.get<item>(0).data == "a_" + std::to_string(good));
  }
  BOOST_TEST(good == 40u);
}

} // namespace

BOOST_AUTO_TEST_SUITE(faults_refused_text)

BOOST_DATA_TEST_CASE(a_select_by_refused_text_fails_alone_and_never_matches_a_row, all_backends,
                     backend) {
  seeded_database db{backend, "refusedsel"};
  client c{db.settings(2)};
  for (const auto& text : refused_texts()) {
    const auto r = c.gather({select_data(5), select_text(text), select_data(6)}, collect());
    check_refused(r.outcomes.at(1), model::to_string(model::value{text}));
    BOOST_TEST(r.outcomes.at(1).metrics.attempts <= 1u); // refused, never retried
    BOOST_TEST(r.outcomes.at(0).ok());
    BOOST_TEST(r.outcomes.at(2).ok());
  }
}

BOOST_DATA_TEST_CASE(refused_keys_among_coalesced_lookups_fail_alone, all_backends, backend) {
  seeded_database db{backend, "refusedco"};
  client c{db.settings(2)};
  std::vector<std::size_t> refused_at;
  const auto statements = lookups_with_refused_keys(refused_at);
  const auto r = c.gather(statements, collect());
  check_lookups(r, refused_at);
  const auto coalesced = std::count_if(r.outcomes.begin(), r.outcomes.end(),
                                       [](const auto& o) { return o.metrics.coalesced > 1; });
  BOOST_TEST(coalesced > 0, "no lookup was coalesced: the test missed its path");
}

BOOST_DATA_TEST_CASE(refused_keys_among_batched_reads_fail_alone, all_backends, backend) {
  seeded_database db{backend, "refusedba"};
  auto cfg = db.settings(2);
  cfg.max_coalesce = 1; // batched reads where the driver batches, single runs elsewhere
  client c{cfg};
  std::vector<std::size_t> refused_at;
  const auto r = c.gather(lookups_with_refused_keys(refused_at), collect());
  check_lookups(r, refused_at);
  if (is_postgres(backend)) {
    const auto batched = std::count_if(r.outcomes.begin(), r.outcomes.end(),
                                       [](const auto& o) { return o.metrics.batched > 1; });
    BOOST_TEST(batched > 0, "no read was batched: the test missed its path");
  }
}

BOOST_DATA_TEST_CASE(a_refused_insert_stores_nothing_and_leaves_the_session_pending, all_backends,
                     backend) {
  seeded_database db{backend, "refusedins"};
  auto conn = drivers::connection::open(db.dsn());
  for (const auto& text : refused_texts()) {
    BOOST_TEST_CONTEXT(model::to_string(model::value{text})) {
      // The unit of work: the flush fails, rolls back and keeps the object pending.
      model::session_state s;
      s.add(item{1000, text});
      drivers::connection_executor ex{conn};
      BOOST_CHECK_THROW(s.commit(ex), model::flush_error);
      BOOST_TEST(s.pending_count() == 1u);
      // A raw INSERT through a gather: refused as its own statement.
      client c{db.settings(1)};
      const auto r = c.gather(
          {model::statement::raw("INSERT INTO " + item_table() + " (id, data) VALUES (?, ?)",
                                 {model::value{1001}, model::value{text}})},
          collect());
      check_refused(r.outcomes.at(0), "raw insert", 2);
      BOOST_TEST(r.outcomes.at(0).metrics.attempts <= 1u);
      BOOST_TEST(count_rows(conn, "id >= 1000") == 0);
    }
  }
}

BOOST_DATA_TEST_CASE(text_the_database_holds_exactly_still_round_trips, all_backends, backend) {
  seeded_database db{backend, "acceptedtext"};
  auto conn = drivers::connection::open(db.dsn());
  // Edges that are well-formed: U+10FFFF, U+FFFF, the last code point before the surrogates,
  // a combining accent, a right-to-left mark and an emoji.
  const std::vector<std::string> texts{"\xF4\x8F\xBF\xBF",
                                       "\xEF\xBF\xBF",
                                       "\xED\x9F\xBF",
                                       "e\xCC\x81",
                                       "\xE2\x80\x8F"
                                       "abc",
                                       "\xF0\x9F\x98\x80"};
  model::session_state s;
  for (std::size_t i = 0; i < texts.size(); ++i)
    s.add(item{static_cast<std::int64_t>(2000 + i), texts[i]});
  drivers::connection_executor ex{conn};
  s.commit(ex);
  client c{db.settings(2)};
  std::vector<model::statement> statements;
  for (const auto& t : texts)
    statements.push_back(select_text(t));
  const auto r = c.gather(statements, collect());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const auto& o = r.outcomes.at(i);
    BOOST_REQUIRE_MESSAGE(o.ok(), o.error.to_string());
    // A collation may call other rows equal too (MariaDB's utf8mb4_general_ci weighs all
    // supplementary characters alike); the row itself is among them, byte for byte.
    const auto rows = o.result.all<item>();
    const auto own = std::find_if(rows.begin(), rows.end(), [&](const item* x) {
      return x->id == static_cast<std::int64_t>(2000 + i);
    });
    BOOST_REQUIRE(own != rows.end());
    BOOST_TEST((*own)->data == texts[i]);
  }
}

BOOST_AUTO_TEST_SUITE_END()
