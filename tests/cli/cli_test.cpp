// Runs the `gatherdb` tool as a user would (via popen) and parses what it prints, on SQLite and
// PostgreSQL.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "gatherdb/drivers/connection_string.hpp"

#include "cli/cli_harness.hpp"
#include "support/backends.hpp"

namespace {

using namespace gatherdb::cli_test;
using gatherdb::test::backend;
namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* sentinel = "S3ntinel-cli-pw";

std::string dsn_of(backend b) {
  // SQLite: a busy timeout, as the tool's statements write concurrently.
  return b == backend::sqlite ? gatherdb::test::sqlite_connection_string("cli") + "Timeout=5000;"
                              : gatherdb::test::connection_string(b);
}

std::string dsn_arg(backend b) {
  return "--dsn " + shell_quoted(dsn_of(b));
}

// A statement that runs for seconds unless cancelled.
std::string slow_statement(backend b) {
  if (b == backend::mariadb)
    return "SELECT SLEEP(20)";
  return is_postgres(b) ? "SELECT pg_sleep(20)"
                        : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                          "WHERE x < 2000000000) SELECT count(*) FROM c";
}

// --- parsers of the three formats

using cell = std::optional<std::string>; // nullopt: an unquoted empty CSV field
using record = std::vector<cell>;

// RFC 4180 (CRLF or LF line ends); a blank line separates blocks (statements).
std::vector<std::vector<record>> parse_csv(const std::string& text) {
  std::vector<std::vector<record>> blocks(1);
  record rec;
  std::string field;
  bool quoted = false;
  bool line_empty = true;
  auto end_field = [&] {
    rec.push_back(quoted || !field.empty() ? cell{field} : std::nullopt);
    field.clear();
    quoted = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' && field.empty() && !quoted) {
      quoted = true;
      line_empty = false;
      for (++i; i < text.size(); ++i) {
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            ++i;
          } else {
            break;
          }
        } else {
          field += text[i];
        }
      }
    } else if (c == ',') {
      end_field();
      line_empty = false;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else if (c == '\n') {
      if (line_empty) {
        blocks.emplace_back();
      } else {
        end_field();
        blocks.back().push_back(std::move(rec));
        rec.clear();
      }
      line_empty = true;
    } else {
      field += c;
      line_empty = false;
    }
  }
  BOOST_REQUIRE_MESSAGE(line_empty, "CSV does not end with a line break");
  return blocks;
}

struct table_block {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::string footer;
};

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(' ');
  if (b == std::string::npos)
    return {};
  return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

std::vector<std::string> split_cells(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    auto bar = line.find(" | ", start);
    out.push_back(trim(line.substr(start, bar == std::string::npos ? bar : bar - start)));
    if (bar == std::string::npos)
      return out;
    start = bar + 3;
  }
}

std::vector<table_block> parse_table(const std::string& text) {
  std::vector<table_block> blocks;
  std::vector<std::string> lines;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  std::size_t i = 0;
  while (i < lines.size()) {
    table_block b;
    if (lines[i].rfind('(', 0) == 0) { // no columns, or failed
      b.footer = lines[i++];
    } else {
      b.header = split_cells(lines[i++]);
      BOOST_REQUIRE(i < lines.size());
      BOOST_REQUIRE_MESSAGE(lines[i++].find_first_not_of("-+") == std::string::npos,
                            "no separator line under the header");
      while (i < lines.size() && lines[i].rfind('(', 0) != 0)
        b.rows.push_back(split_cells(lines[i++]));
      BOOST_REQUIRE(i < lines.size());
      b.footer = lines[i++];
    }
    blocks.push_back(std::move(b));
    if (i < lines.size()) {
      BOOST_REQUIRE_MESSAGE(lines[i].empty(), "no blank line between statements");
      ++i;
    }
  }
  return blocks;
}

// --- the data every format must reproduce

struct item {
  long id;
  std::optional<std::string> name;
  std::optional<double> score;
};

const std::vector<item> items{
    {1, "plain", 1.5},
    {2, "semi;colon, comma", -2.25},
    {3, "quote \"double\" and 'single'", std::nullopt},
    {4, std::nullopt, 0},
    {5, "", 100},
    {6, "two\nlines", 7},
};

// A fixture: a table of its own, filled through the tool (stdin for the DDL, --file with
// `;`-separated statements, comments and blank lines for the rows), dropped at the end.
struct filled_table {
  backend b;
  std::string name = gatherdb::test::unique_name("cli_items");

  explicit filled_table(backend be) : b(be) {
    auto created = run(dsn_arg(b), "CREATE TABLE " + name +
                                       " (id INTEGER PRIMARY KEY, name VARCHAR(100), "
                                       "score DOUBLE PRECISION)\n");
    BOOST_REQUIRE_MESSAGE(created.status == 0, created.err);
    std::string script = "-- rows of the suite; with ';' in literals\n\n";
    for (const auto& it : items) {
      std::string name_sql = "NULL";
      if (it.name) {
        name_sql = "'";
        for (char c : *it.name)
          name_sql += c == '\'' ? std::string{"''"} : std::string(1, c);
        name_sql += "'";
      }
      script += "INSERT INTO " + name + " VALUES (" + std::to_string(it.id) + ", " + name_sql +
                ", " + (it.score ? std::to_string(*it.score) : std::string{"NULL"}) + "); -- row " +
                std::to_string(it.id) + "\n\n";
    }
    auto file = write_temp(script);
    auto filled = run(dsn_arg(b) + " --format json --file " + shell_quoted(file.string()));
    BOOST_REQUIRE_MESSAGE(filled.status == 0, filled.err);
    auto j = json::parse(filled.out);
    BOOST_REQUIRE_EQUAL(j.size(), items.size());
  }
  ~filled_table() { run(dsn_arg(b), "DROP TABLE " + name + "\n"); }

  [[nodiscard]] std::string select_all() const {
    return "SELECT id, name, score FROM " + name + " ORDER BY id";
  }
};

std::optional<double> as_number(const std::string& s) {
  if (s.empty() || s == "NULL")
    return std::nullopt;
  return std::stod(s);
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_output)

BOOST_DATA_TEST_CASE(json_has_every_row_and_value, gatherdb::test::all_backends, b) {
  filled_table t{b};
  auto r = run(dsn_arg(b) + " --format json",
               t.select_all() + "\nSELECT count(*) AS n FROM " + t.name + "\n");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  BOOST_TEST(r.err.empty(), r.err);
  auto j = json::parse(r.out);
  BOOST_REQUIRE(j.is_array());
  BOOST_REQUIRE_EQUAL(j.size(), 2U);
  BOOST_TEST(j[0]["statement"] == 1);
  BOOST_TEST(j[0]["status"] == "ok");
  BOOST_TEST(j[0]["columns"] == (json{"id", "name", "score"}));
  const auto& rows = j[0]["rows"];
  BOOST_REQUIRE_EQUAL(rows.size(), items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    BOOST_TEST_CONTEXT("row " << i) {
      BOOST_TEST(rows[i][0].template get<long>() == items[i].id);
      if (items[i].name)
        BOOST_TEST(rows[i][1].template get<std::string>() == *items[i].name);
      else
        BOOST_TEST(rows[i][1].is_null());
      if (items[i].score)
        BOOST_TEST(rows[i][2].template get<double>() == *items[i].score);
      else
        BOOST_TEST(rows[i][2].is_null());
    }
  }
  BOOST_TEST(j[1]["statement"] == 2);
  BOOST_TEST(j[1]["rows"][0][0].template get<long>() == static_cast<long>(items.size()));
}

BOOST_DATA_TEST_CASE(csv_parses_back_with_quoting_and_nulls, gatherdb::test::all_backends, b) {
  filled_table t{b};
  auto r =
      run(dsn_arg(b) + " --format csv", t.select_all() + "\nSELECT count(*) AS n FROM " + t.name +
                                            "\nSELECT name FROM " + t.name + " WHERE id = 4\n");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  BOOST_TEST(r.out.find("\r\n") != std::string::npos, "records end with CRLF");
  auto blocks = parse_csv(r.out);
  BOOST_REQUIRE_EQUAL(blocks.size(), 3U);
  // A one-column NULL is written "" (an empty line would end the block).
  BOOST_TEST((blocks[2] == std::vector<record>{{"name"}, {""}}));
  const auto& rows = blocks[0];
  BOOST_REQUIRE_EQUAL(rows.size(), items.size() + 1);
  BOOST_TEST((rows[0] == record{"id", "name", "score"}));
  for (std::size_t i = 0; i < items.size(); ++i) {
    BOOST_TEST_CONTEXT("row " << i) {
      const auto& rec = rows[i + 1];
      BOOST_REQUIRE_EQUAL(rec.size(), 3U);
      BOOST_TEST(*rec[0] == std::to_string(items[i].id));
      BOOST_TEST((rec[1] == items[i].name)); // NULL is an unquoted empty field, "" quoted
      const auto score = rec[2] ? std::optional<double>{std::stod(*rec[2])} : std::nullopt;
      BOOST_TEST((score == items[i].score));
    }
  }
  BOOST_TEST((blocks[1] == std::vector<record>{{"n"}, {std::to_string(items.size())}}));
}

BOOST_DATA_TEST_CASE(table_is_aligned_with_a_header_and_a_row_count, gatherdb::test::all_backends,
                     b) {
  filled_table t{b};
  auto r = run(dsn_arg(b), t.select_all() + "\nSELECT count(*) AS n FROM " + t.name + "\n");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  auto blocks = parse_table(r.out);
  BOOST_REQUIRE_EQUAL(blocks.size(), 2U);
  BOOST_TEST(blocks[0].header == (std::vector<std::string>{"id", "name", "score"}));
  BOOST_TEST(blocks[0].footer == "(6 rows)");
  BOOST_REQUIRE_EQUAL(blocks[0].rows.size(), items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    BOOST_TEST_CONTEXT("row " << i) {
      const auto& row = blocks[0].rows[i];
      BOOST_REQUIRE_EQUAL(row.size(), 3U);
      BOOST_TEST(row[0] == std::to_string(items[i].id));
      auto name = items[i].name.value_or("NULL");
      if (auto nl = name.find('\n'); nl != std::string::npos)
        name.replace(nl, 1, "\\n");
      BOOST_TEST(row[1] == name);
      BOOST_TEST((as_number(row[2]) == items[i].score));
    }
  }
  // Aligned: every line of the block has its `|` at the same columns.
  std::istringstream in{r.out};
  std::string header;
  std::getline(in, header);
  for (std::string line; std::getline(in, line) && line.rfind('(', 0) != 0;) {
    if (line.find_first_not_of("-+") == std::string::npos)
      continue;
    BOOST_TEST(line.find(" | ") == header.find(" | "), line);
  }
  BOOST_TEST(blocks[1].header == (std::vector<std::string>{"n"}));
  BOOST_TEST(blocks[1].footer == "(1 row)");
}

BOOST_DATA_TEST_CASE(stdin_and_file_give_the_same_output, gatherdb::test::all_backends, b) {
  filled_table t{b};
  const std::string script = "-- two reads\n" + t.select_all() + ";\n\n  SELECT name FROM " +
                             t.name + " WHERE name = 'semi;colon, comma' ;\n";
  auto file = write_temp(script);
  auto from_file = run(dsn_arg(b) + " --format json --file " + shell_quoted(file.string()));
  auto from_stdin = run(dsn_arg(b) + " --format json", script);
  BOOST_REQUIRE_MESSAGE(from_file.status == 0, from_file.err);
  BOOST_REQUIRE_MESSAGE(from_stdin.status == 0, from_stdin.err);
  BOOST_TEST(from_file.out == from_stdin.out);
  auto j = json::parse(from_file.out);
  BOOST_REQUIRE_EQUAL(j.size(), 2U);
  BOOST_TEST(j[1]["rows"] == (json{{"semi;colon, comma"}}));
}

BOOST_DATA_TEST_CASE(a_failing_statement_gives_exit_1_and_its_sqlstate_in_collect_mode,
                     gatherdb::test::all_backends, b) {
  filled_table t{b};
  auto r = run(dsn_arg(b) + " --format json --mode collect",
               "SELECT count(*) FROM " + t.name + "\nSELECT * FROM no_such_table_cli\nSELECT 1\n");
  BOOST_TEST(r.status == 1);
  auto j = json::parse(r.out);
  BOOST_REQUIRE_EQUAL(j.size(), 3U);
  BOOST_TEST(j[0]["status"] == "ok");
  BOOST_TEST(j[1]["status"] == "failed");
  BOOST_TEST(j[1]["error"]["sqlstate"] == gatherdb::test::missing_table_sqlstate(b));
  BOOST_TEST(j[1]["error"]["category"] == "syntax");
  BOOST_TEST(j[1]["error"]["message"].template get<std::string>().find("no_such_table_cli") !=
             std::string::npos);
  BOOST_TEST(j[2]["status"] == "ok");
  BOOST_TEST(j[2]["rows"] == (json{{1}}));
  BOOST_TEST(r.err.find("statement 2 failed") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("SQLSTATE " + gatherdb::test::missing_table_sqlstate(b)) !=
                 std::string::npos,
             r.err);
  // The other formats report it the same way.
  auto csv = run(dsn_arg(b) + " --format csv", "SELECT 1 AS x\nSELECT * FROM no_such_table_cli\n");
  BOOST_TEST(csv.status == 1);
  auto blocks = parse_csv(csv.out);
  BOOST_REQUIRE_EQUAL(blocks.size(), 2U);
  BOOST_REQUIRE_EQUAL(blocks[1].size(), 2U);
  BOOST_TEST(*blocks[1][1][1] == gatherdb::test::missing_table_sqlstate(b));
  auto table = run(dsn_arg(b), "SELECT * FROM no_such_table_cli\n");
  BOOST_TEST(table.status == 1);
  BOOST_TEST(table.out.find("SQLSTATE " + gatherdb::test::missing_table_sqlstate(b)) !=
                 std::string::npos,
             table.out);
}

BOOST_DATA_TEST_CASE(sql_with_a_nul_byte_or_invalid_utf8_is_refused_not_cut_short,
                     gatherdb::test::all_backends, b) {
  filled_table t{b};
  // Sent, the first would run as `SELECT 1` and the second would reach the server as bytes
  // no encoding names.
  const std::string input = "SELECT 1\nSELECT 1" + std::string(1, '\0') + "2\nSELECT '\xC3\x28'\n";
  auto r = run(dsn_arg(b) + " --format json --mode collect", input);
  BOOST_TEST(r.status == 1);
  auto j = json::parse(r.out);
  BOOST_REQUIRE_EQUAL(j.size(), 3U);
  BOOST_TEST(j[0]["status"] == "ok");
  for (std::size_t i : {1U, 2U}) {
    BOOST_TEST(j[i]["status"] == "failed");
    BOOST_TEST(j[i]["error"]["sqlstate"] == "22021");
    BOOST_TEST(j[i]["error"]["category"] == "data");
  }
  BOOST_TEST(j[1]["error"]["message"].template get<std::string>().find("NUL byte at offset 8") !=
             std::string::npos);
}

BOOST_DATA_TEST_CASE(fail_fast_cancels_the_statements_still_running, gatherdb::test::all_backends,
                     b) {
  auto r =
      run(dsn_arg(b) + " --format json --mode fail-fast",
          slow_statement(b) + "\nSELECT * FROM no_such_table_cli\n" + slow_statement(b) + "\n");
  BOOST_TEST(r.status == 1);
  BOOST_TEST(r.seconds < 15.0);
  auto j = json::parse(r.out);
  BOOST_REQUIRE_EQUAL(j.size(), 3U);
  BOOST_TEST(j[0]["status"] == "cancelled");
  BOOST_TEST(j[1]["status"] == "failed");
  BOOST_TEST(j[2]["status"] == "cancelled");
  BOOST_TEST(r.err.find("SQLSTATE " + gatherdb::test::missing_table_sqlstate(b)) !=
                 std::string::npos,
             r.err);
  BOOST_TEST(r.err.find("cancelled after the first failure") != std::string::npos, r.err);
}

BOOST_DATA_TEST_CASE(timeout_cancels_a_slow_statement, gatherdb::test::all_backends, b) {
  // The deadline also bounds "SELECT 1" and its connect, so it leaves room for a loaded machine.
  auto r = run(dsn_arg(b) + " --format json --timeout 1500", slow_statement(b) + "\nSELECT 1\n");
  BOOST_TEST(r.status == 1);
  BOOST_TEST(r.seconds < 15.0);
  auto j = json::parse(r.out);
  BOOST_REQUIRE_EQUAL(j.size(), 2U);
  BOOST_TEST(j[0]["status"] == "cancelled");
  BOOST_TEST(j[1]["status"] == "ok");
}

BOOST_DATA_TEST_CASE(writes_report_rows_affected, gatherdb::test::all_backends, b) {
  filled_table t{b};
  auto r =
      run(dsn_arg(b) + " --format json", "UPDATE " + t.name + " SET score = 1 WHERE id <= 2\n");
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  auto j = json::parse(r.out);
  BOOST_TEST(j[0]["columns"].empty());
  BOOST_TEST(j[0]["rows_affected"] == 2);
  auto table = run(dsn_arg(b), "DELETE FROM " + t.name + " WHERE id = 6\n");
  BOOST_TEST(table.out == "(1 row affected)\n");
}

BOOST_AUTO_TEST_CASE(progress_is_reported_for_a_batch_longer_than_a_second) {
  std::string script;
  for (int i = 0; i < 6; ++i)
    script += "SELECT pg_sleep(0.5)\n";
  auto r = run(dsn_arg(backend::postgresql) + " --pool-size 2 --progress --format csv", script);
  BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
  BOOST_TEST(r.err.find("\r") != std::string::npos, r.err);
  BOOST_TEST(r.err.find("6/6 statements\n") != std::string::npos, r.err);
  auto quiet = run(dsn_arg(backend::postgresql) + " --pool-size 2 --no-progress", script);
  BOOST_TEST(quiet.err.empty(), quiet.err);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cli_usage)

BOOST_AUTO_TEST_CASE(help_lists_every_flag) {
  auto r = run("--help");
  BOOST_TEST(r.status == 0);
  for (const char* flag : {"--dsn", "--route", "--on", "--file", "--format", "--pool-size",
                           "--timeout", "--mode", "--progress", "--log", "--help"})
    BOOST_TEST(r.out.find(flag) != std::string::npos, flag);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2_with_one_line) {
  const auto sqlite = "--dsn " + shell_quoted(dsn_of(backend::sqlite)) + " ";
  for (const std::string& args : std::vector<std::string>{
           "--bogus", sqlite + "--format xml", sqlite + "--pool-size 0",
           sqlite + "--mode sometimes", sqlite + "--timeout", sqlite + "extra",
           sqlite + "--log loud", sqlite + "--file /nonexistent/gatherdb_cli.sql"}) {
    BOOST_TEST_CONTEXT(args) {
      auto r = run(args, "SELECT 1\n");
      BOOST_TEST(r.status == 2);
      BOOST_TEST(r.out.empty());
      BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
    }
  }
  auto no_dsn = run("--format json", "SELECT 1\n");
  BOOST_TEST(no_dsn.status == 2);
  BOOST_TEST(no_dsn.err.find("--dsn") != std::string::npos, no_dsn.err);
}

BOOST_AUTO_TEST_CASE(log_statements_writes_one_line_per_statement_to_stderr) {
  const auto sqlite = "--dsn " + shell_quoted(dsn_of(backend::sqlite)) + " --format json";
  const std::string batch = "SELECT 1 AS x\nSELECT 2 AS y\nSELECT * FROM no_such_table_cli\n";
  const auto count_lines = [](const std::string& err) {
    std::size_t n = 0;
    for (auto at = err.find(" statement gather="); at != std::string::npos;
         at = err.find(" statement gather=", at + 1))
      ++n;
    return n;
  };
  auto logged = run(sqlite + " --log statements", batch);
  BOOST_TEST(logged.status == 1);
  BOOST_TEST(count_lines(logged.err) == 3U, logged.err);
  BOOST_TEST(logged.err.find("sql=\"SELECT 2 AS y\"") != std::string::npos, logged.err);
  BOOST_TEST(logged.err.find("status=failed source=database sqlstate=HY000") != std::string::npos,
             logged.err);
  // The results on stdout are unchanged by the log.
  BOOST_TEST(json::parse(logged.out).size() == 3U);
  auto quiet = run(sqlite + " --log off", batch);
  BOOST_TEST(count_lines(quiet.err) == 0U, quiet.err);
  auto default_off = run(sqlite, batch);
  BOOST_TEST(count_lines(default_off.err) == 0U, default_off.err);
}

BOOST_AUTO_TEST_CASE(an_unreachable_database_exits_2) {
  auto r = run("--dsn 'Driver=SQLite3;Database=/nonexistent/dir/x.db;'", "SELECT 1\n");
  BOOST_TEST(r.status == 2);
  BOOST_TEST(r.err.find("cannot connect") != std::string::npos, r.err);
  auto pg = run("--dsn 'Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=1;Uid=u;'", "SELECT 1");
  BOOST_TEST(pg.status == 2);
  BOOST_TEST(pg.err.find("08001") != std::string::npos, pg.err);
}

BOOST_AUTO_TEST_CASE(no_statements_print_nothing_and_succeed) {
  const auto sqlite = "--dsn " + shell_quoted(dsn_of(backend::sqlite));
  auto r = run(sqlite + " --format json", "\n-- nothing\n");
  BOOST_TEST(r.status == 0);
  BOOST_TEST(json::parse(r.out).empty());
}

BOOST_AUTO_TEST_CASE(passwords_never_appear_in_any_output) {
  const std::string pg_refused =
      std::string{"Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=1;Uid=u;Pwd="} + sentinel +
      ";";
  const std::string sqlite = dsn_of(backend::sqlite) + "Pwd=" + sentinel + ";";
  const std::string batch = "SELECT 1\nSELECT * FROM no_such_table_cli\n";
  std::vector<std::string> cases{
      "--dsn " + shell_quoted(pg_refused),
      "--bogus --dsn " + shell_quoted(pg_refused),
      "--dsn=" + shell_quoted(pg_refused) + " --format xml",
      "--dsn " + shell_quoted(sqlite),
      "--dsn " + shell_quoted(sqlite) + " --format json --mode fail-fast",
      "--dsn " + shell_quoted(sqlite) + " --format csv --progress",
  };
  for (const auto& args : cases) {
    BOOST_TEST_CONTEXT(args) {
      auto r = run(args, batch);
      BOOST_TEST(r.status != 0);
      BOOST_TEST(r.out.find(sentinel) == std::string::npos, r.out);
      BOOST_TEST(r.err.find(sentinel) == std::string::npos, r.err);
    }
  }
  // The real PostgreSQL password neither, when a statement fails there.
  const auto dsn = gatherdb::test::postgres_connection_string();
  const auto password = gatherdb::drivers::find_attribute(dsn, "Pwd");
  auto r = run("--dsn " + shell_quoted(dsn) + " --format json", batch);
  BOOST_TEST(r.status == 1);
  if (password.size() >= 4) {
    BOOST_TEST(r.out.find(password) == std::string::npos);
    BOOST_TEST(r.err.find(password) == std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
