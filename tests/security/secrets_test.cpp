// A sentinel password must never surface: not in errors, exceptions, outcomes, completed
// connection strings, --dump-config or --long-help.
#include <sstream>
#include <string>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "gatherdb/actors/client.hpp"
#include "gatherdb/actors/config.hpp"
#include "gatherdb/drivers/connection.hpp"
#include "gatherdb/drivers/connection_string.hpp"
#include "gatherdb/drivers/error.hpp"
#include "gatherdb/model/statement.hpp"

#include "support/backends.hpp"

namespace {

using namespace gatherdb;
constexpr const char* sentinel = "S3ntinel-Pw-6b1f9";

// A connection string with the sentinel as password, otherwise like the test DSN of `b`.
std::string with_sentinel(test::backend b, const std::string& extra = {}) {
  std::string out;
  for (auto& attr : drivers::parse_connection_string(test::connection_string(b))) {
    if (drivers::is_secret_key(attr.key))
      continue;
    const bool plain = attr.value.find_first_of(";{} ") == std::string::npos;
    out += attr.key + (plain ? "=" + attr.value + ";" : "={" + attr.value + "};");
  }
  return out + extra + "Pwd=" + sentinel + ";";
}

void require_clean(const std::string& text) {
  BOOST_TEST(text.find(sentinel) == std::string::npos, "password leaked in: " << text);
}

// Captures what CAF prints to std::cout while `f` runs.
template <class F>
std::string captured_stdout(F&& f) {
  std::ostringstream buf;
  auto* old = std::cout.rdbuf(buf.rdbuf());
  try {
    f();
  } catch (...) {
    std::cout.rdbuf(old);
    throw;
  }
  std::cout.rdbuf(old);
  return buf.str();
}

} // namespace

BOOST_AUTO_TEST_SUITE(security_secrets)

BOOST_DATA_TEST_CASE(wrong_password_error_never_shows_the_password, test::server_backends,
                     backend) {
  try {
    auto conn = drivers::connection::open(with_sentinel(backend));
    BOOST_FAIL("connected with a wrong password");
  } catch (const drivers::database_error& e) {
    require_clean(e.what());
    require_clean(e.info().message);
    require_clean(e.info().to_string());
    // psqlODBC: 08001; Connector/ODBC: 28000 (access denied).
    BOOST_TEST((e.sqlstate().substr(0, 2) == "08" || e.sqlstate() == "28000"), e.sqlstate());
    BOOST_TEST(!e.retryable(), e.what());
  }
}

BOOST_DATA_TEST_CASE(unreachable_server_error_never_shows_the_password, test::server_backends,
                     backend) {
  const std::string driver =
      backend == test::backend::mariadb ? "MariaDB Unicode" : "PostgreSQL Unicode";
  const auto dsn =
      "Driver={" + driver + "};Server=127.0.0.1;Port=1;Uid=u;Pwd=" + std::string{sentinel} + ";";
  try {
    auto conn = drivers::connection::open(dsn);
    BOOST_FAIL("connected to port 1");
  } catch (const drivers::database_error& e) {
    require_clean(e.what());
    BOOST_TEST(std::string{e.what()}.find("Pwd=***") != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(gather_outcomes_and_gather_errors_never_show_the_password) {
  actors::settings cfg;
  cfg.dsn = std::string{"Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=1;Uid=u;Password={"} +
            sentinel + "};";
  cfg.login_timeout = std::chrono::milliseconds{1000};
  actors::client client{cfg};
  std::vector<model::statement> batch{model::statement::raw("SELECT 1", {}, true)};
  actors::gather_options collect;
  collect.mode = actors::gather_mode::collect;
  auto result = client.gather(batch, collect);
  BOOST_REQUIRE_EQUAL(result.outcomes.size(), 1U);
  BOOST_TEST(!result.outcomes[0].ok());
  require_clean(result.outcomes[0].error.to_string());
  try {
    (void)client.gather(batch);
    BOOST_FAIL("fail_fast gather against a closed port succeeded");
  } catch (const actors::gather_error& e) {
    require_clean(e.what());
    BOOST_TEST(e.error().info.sqlstate == "08001");
  }
}

BOOST_DATA_TEST_CASE(completed_connection_string_is_redacted, test::server_backends, backend) {
  auto conn = drivers::connection::open(test::connection_string(backend));
  const auto real_password = drivers::find_attribute(test::connection_string(backend), "pwd");
  BOOST_REQUIRE(!real_password.empty());
  BOOST_TEST(conn.redacted_connection_string().find(real_password) == std::string::npos,
             conn.redacted_connection_string());
  BOOST_TEST(conn.redacted_connection_string().find("***") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(dump_config_and_help_never_show_the_password) {
  const std::string dsn_arg =
      std::string{"--gatherdb.dsn=Driver=SQLite3;Database=x.db;PWD="} + sentinel + ";";
  for (const char* flag : {"--dump-config", "--long-help", "--help"}) {
    BOOST_TEST_CONTEXT(flag) {
      actors::config cfg;
      std::vector<std::string> args{dsn_arg, flag};
      auto out = captured_stdout([&] {
        auto err = cfg.parse(args);
        BOOST_TEST(!err);
      });
      BOOST_TEST(cfg.cli_helptext_printed);
      BOOST_TEST(!out.empty());
      require_clean(out);
    }
  }
}

BOOST_AUTO_TEST_CASE(parsed_dsn_keeps_the_password_for_connecting) {
  // Redaction is for output only: the settings handed to the pool still hold the secret.
  actors::config cfg;
  std::vector<std::string> args{std::string{"--gatherdb.dsn=Driver=SQLite3;PWD="} + sentinel};
  BOOST_REQUIRE(!cfg.parse(args));
  BOOST_TEST(cfg.to_settings().dsn.find(sentinel) != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
