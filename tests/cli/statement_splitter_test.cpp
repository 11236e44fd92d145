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

BOOST_AUTO_TEST_SUITE_END()
