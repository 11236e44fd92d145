// How the gatherdb tool cuts its input into statements.
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "statement_splitter.hpp"

using gatherdb::cli::looks_like_read;
using gatherdb::cli::split_statements;
using strings = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(cli_statement_splitter)

BOOST_AUTO_TEST_CASE(one_statement_per_line_without_semicolons) {
  BOOST_TEST(split_statements("SELECT 1\n\n  SELECT 2  \r\n-- a comment\nSELECT 3") ==
             (strings{"SELECT 1", "SELECT 2", "SELECT 3"}));
}

BOOST_AUTO_TEST_CASE(semicolons_split_and_statements_may_span_lines) {
  BOOST_TEST(split_statements("SELECT\n  1;\n\nSELECT 2;;  SELECT 3") ==
             (strings{"SELECT\n  1", "SELECT 2", "SELECT 3"}));
}

BOOST_AUTO_TEST_CASE(semicolons_in_literals_identifiers_and_comments_do_not_split) {
  BOOST_TEST(split_statements("SELECT 'a;b', 'it''s;', \"c;d\" -- x; y\nFROM t;SELECT 2") ==
             (strings{"SELECT 'a;b', 'it''s;', \"c;d\" \nFROM t", "SELECT 2"}));
  // Without a real `;` the input is line-based, also when a literal holds one.
  BOOST_TEST(split_statements("SELECT 'a;b'\n-- c;\nSELECT 2") ==
             (strings{"SELECT 'a;b'", "SELECT 2"}));
}

BOOST_AUTO_TEST_CASE(a_line_break_inside_a_literal_does_not_split) {
  BOOST_TEST(split_statements("INSERT INTO t VALUES ('x\ny')\nSELECT 1") ==
             (strings{"INSERT INTO t VALUES ('x\ny')", "SELECT 1"}));
}

BOOST_AUTO_TEST_CASE(blank_and_comment_only_input_has_no_statements) {
  BOOST_TEST(split_statements("").empty());
  BOOST_TEST(split_statements("\n  \n-- only; a comment\n;\n").empty());
}

BOOST_AUTO_TEST_CASE(an_unterminated_literal_runs_to_the_end) {
  BOOST_TEST(split_statements("SELECT 'abc;\nSELECT 2") == (strings{"SELECT 'abc;\nSELECT 2"}));
}

BOOST_AUTO_TEST_CASE(reads_are_select_and_with) {
  BOOST_TEST(looks_like_read("SELECT 1"));
  BOOST_TEST(looks_like_read("  select 1"));
  BOOST_TEST(looks_like_read("(SELECT 1) UNION (SELECT 2)"));
  BOOST_TEST(looks_like_read("WITH x AS (SELECT 1) SELECT * FROM x"));
  BOOST_TEST(!looks_like_read("INSERT INTO t SELECT 1"));
  BOOST_TEST(!looks_like_read("SELECTED"));
  BOOST_TEST(!looks_like_read("UPDATE t SET a = 1"));
  BOOST_TEST(!looks_like_read(""));
}

BOOST_AUTO_TEST_CASE(a_with_statement_whose_cte_writes_is_not_a_read) {
  BOOST_TEST(!looks_like_read("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d"));
  BOOST_TEST(!looks_like_read("WITH u AS (UPDATE t SET a = a + 1 RETURNING a) SELECT a FROM u"));
  BOOST_TEST(!looks_like_read("WITH i AS (INSERT INTO t (a) VALUES (1) RETURNING id) SELECT id "
                              "FROM i"));
  BOOST_TEST(!looks_like_read("with m as (merge into t using s on t.id = s.id when matched then "
                              "delete returning t.*) select * from m"));
  BOOST_TEST(
      !looks_like_read("With\n  d As (\n    Delete From t Returning *\n  )\nSelect * From d"));
  // The CTEs read, the statement they prefix writes (PostgreSQL, SQLite, MySQL).
  BOOST_TEST(!looks_like_read("WITH x AS (SELECT 1 AS a) INSERT INTO t SELECT a FROM x"));
  BOOST_TEST(!looks_like_read("WITH x AS (SELECT 1 AS a) UPDATE t SET a = (SELECT a FROM x)"));
  BOOST_TEST(
      !looks_like_read("WITH x AS (SELECT 1 AS a) DELETE FROM t WHERE a IN (SELECT a FROM x)"));
  BOOST_TEST(!looks_like_read("WITH x AS (SELECT 1 AS a) REPLACE INTO t SELECT a FROM x"));
  // Reading CTEs are reads.
  BOOST_TEST(looks_like_read("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                             "WHERE x < 5) SELECT count(*) FROM c"));
  BOOST_TEST(looks_like_read("WITH a AS (SELECT 1), b AS (SELECT 2) SELECT * FROM a, b"));
}

BOOST_AUTO_TEST_CASE(a_select_that_locks_creates_or_has_side_effects_is_not_a_read) {
  BOOST_TEST(!looks_like_read("SELECT * FROM t FOR UPDATE"));
  BOOST_TEST(!looks_like_read("SELECT * FROM t FOR NO KEY UPDATE SKIP LOCKED"));
  BOOST_TEST(!looks_like_read("SELECT * FROM t FOR SHARE"));
  BOOST_TEST(!looks_like_read("SELECT * FROM t FOR KEY SHARE"));
  BOOST_TEST(!looks_like_read("SELECT * FROM t LOCK IN SHARE MODE"));
  BOOST_TEST(!looks_like_read("SELECT * INTO t2 FROM t"));
  BOOST_TEST(!looks_like_read("SELECT nextval('s')"));
  BOOST_TEST(!looks_like_read("SELECT setval('s', 5)"));
  BOOST_TEST(!looks_like_read("SELECT pg_advisory_lock(1)"));
  BOOST_TEST(!looks_like_read("select PG_TERMINATE_BACKEND(42)"));
  BOOST_TEST(!looks_like_read("SELECT 1delete"));
  // `share` is only a lock after FOR or KEY.
  BOOST_TEST(looks_like_read("SELECT share FROM portfolio"));
}

BOOST_AUTO_TEST_CASE(a_keyword_inside_a_literal_identifier_or_comment_is_not_a_keyword) {
  BOOST_TEST(looks_like_read("SELECT 'delete' FROM t"));
  BOOST_TEST(looks_like_read("SELECT 'it''s an UPDATE; really' AS note"));
  BOOST_TEST(looks_like_read("SELECT \"delete\", \"a\"\"update\" FROM t"));
  BOOST_TEST(looks_like_read("SELECT `insert` FROM t"));
  BOOST_TEST(looks_like_read("SELECT 1 -- then delete everything\n"));
  BOOST_TEST(looks_like_read("-- update first?\nSELECT 1"));
  BOOST_TEST(looks_like_read("/* insert */ SELECT /* update */ 1 /* delete */"));
  BOOST_TEST(looks_like_read("WITH x AS (SELECT 'INSERT INTO t' AS s) SELECT s FROM x"));
  BOOST_TEST(looks_like_read("SELECT $$ delete from t $$, $q$ it's an update $q$, $1"));
  BOOST_TEST(looks_like_read("SELECT deleted_at, updated, insert_count, into_x FROM t"));
  BOOST_TEST(looks_like_read("SELECT 1;"));
  BOOST_TEST(looks_like_read("SELECT 1; -- done\n"));
  // A keyword outside the quotes still counts.
  BOOST_TEST(!looks_like_read("SELECT 'a' FROM t; DELETE FROM t"));
  BOOST_TEST(!looks_like_read("SELECT \"x\" FROM (DELETE FROM t RETURNING 1) d"));
  BOOST_TEST(!looks_like_read("/* select */ DELETE FROM t"));
  BOOST_TEST(!looks_like_read("'SELECT 1'"));
}

BOOST_AUTO_TEST_CASE(text_whose_extent_is_unsure_is_not_a_read) {
  // Several statements.
  BOOST_TEST(!looks_like_read("SELECT 1; SELECT 2"));
  // Unterminated literals, identifiers and comments.
  BOOST_TEST(!looks_like_read("SELECT 'abc"));
  BOOST_TEST(!looks_like_read("SELECT \"abc"));
  BOOST_TEST(!looks_like_read("SELECT 1 /* abc"));
  BOOST_TEST(!looks_like_read("SELECT $$ abc"));
  // A backslash before a quote ends the literal in some dialects, not in others.
  BOOST_TEST(!looks_like_read("SELECT 'a\\' , 1 FROM t WHERE x = ' DELETE FROM t --'"));
  BOOST_TEST(!looks_like_read("SELECT E'it\\'s' AS x"));
  // Block comments nest in PostgreSQL only.
  BOOST_TEST(!looks_like_read("SELECT /* a /* b */ 1 */ 2"));
}

BOOST_AUTO_TEST_CASE(route_lines_route_the_statements_after_them) {
  const auto routed = gatherdb::cli::split_routed_statements(
      "SELECT 1\n\\route eu\nSELECT 2\nSELECT 3\n  \\route   us  \r\nSELECT 4; SELECT 5;\n");
  strings routes;
  strings sql;
  for (const auto& r : routed) {
    routes.push_back(r.route);
    sql.push_back(r.sql);
  }
  BOOST_TEST(sql == (strings{"SELECT 1", "SELECT 2", "SELECT 3", "SELECT 4", "SELECT 5"}),
             boost::test_tools::per_element());
  BOOST_TEST(routes == (strings{"", "eu", "eu", "us", "us"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_route_line_needs_exactly_one_name) {
  // Not directives: they stay statements (and fail as SQL).
  const auto routed = gatherdb::cli::split_routed_statements("\\route\n\\route a b\nSELECT 1\n");
  BOOST_TEST_REQUIRE(routed.size() == 3u);
  BOOST_TEST(routed[0].sql == "\\route");
  BOOST_TEST(routed[1].sql == "\\route a b");
  BOOST_TEST(routed[2].route.empty());
}

BOOST_AUTO_TEST_SUITE_END()
