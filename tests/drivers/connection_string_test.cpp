// Connection-string parsing and password redaction (no database).

#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "gatherdb/drivers/connection_string.hpp"

namespace drivers = gatherdb::drivers;

namespace {

std::string render(const std::vector<drivers::connection_attribute>& attrs) {
  std::string out;
  for (const auto& a : attrs)
    out += "[" + a.key + "|" + a.value + "]";
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(drivers_connection_string)

BOOST_AUTO_TEST_CASE(parse_splits_plain_attributes) {
  BOOST_TEST(render(drivers::parse_connection_string("Driver=SQLite3;Database=/tmp/x.db;")) ==
             "[Driver|SQLite3][Database|/tmp/x.db]");
}

BOOST_AUTO_TEST_CASE(parse_unbraces_values_with_semicolons_and_escaped_braces) {
  BOOST_TEST(render(drivers::parse_connection_string(
                 "Driver={PostgreSQL Unicode};Pwd={a;b}}c};Server=h")) ==
             "[Driver|PostgreSQL Unicode][Pwd|a;b}c][Server|h]");
  BOOST_TEST(render(drivers::parse_connection_string("X={}}}}};Y={=;=}")) == "[X|}}][Y|=;=]");
}

BOOST_AUTO_TEST_CASE(parse_trims_spaces_and_accepts_no_trailing_semicolon) {
  BOOST_TEST(render(drivers::parse_connection_string("  Driver = SQLite3 ; Database = x.db ")) ==
             "[Driver|SQLite3][Database|x.db]");
  BOOST_TEST(render(drivers::parse_connection_string("Server=h")) == "[Server|h]");
  BOOST_TEST(render(drivers::parse_connection_string("Driver= {X Y} ;A=1")) == "[Driver|X Y][A|1]");
}

BOOST_AUTO_TEST_CASE(parse_keeps_a_segment_without_equals_as_a_key) {
  BOOST_TEST(render(drivers::parse_connection_string("Trusted;A=1;;")) == "[Trusted|][A|1]");
  BOOST_TEST(drivers::parse_connection_string("").empty());
  BOOST_TEST(drivers::parse_connection_string(";;;").empty());
}

BOOST_AUTO_TEST_CASE(find_attribute_is_case_insensitive) {
  const std::string cs = "DRIVER={PostgreSQL Unicode};server=h;PWD={p;w}";
  BOOST_TEST(drivers::find_attribute(cs, "driver") == "PostgreSQL Unicode");
  BOOST_TEST(drivers::find_attribute(cs, "Driver") == "PostgreSQL Unicode");
  BOOST_TEST(drivers::find_attribute(cs, "SERVER") == "h");
  BOOST_TEST(drivers::find_attribute(cs, "pwd") == "p;w");
  BOOST_TEST(drivers::find_attribute(cs, "port") == "");
  BOOST_TEST(drivers::find_attribute("A=1;a=2", "A") == "1"); // the first one wins
}

BOOST_AUTO_TEST_CASE(is_secret_key_knows_pwd_and_password) {
  BOOST_TEST(drivers::is_secret_key("PWD"));
  BOOST_TEST(drivers::is_secret_key("pwd"));
  BOOST_TEST(drivers::is_secret_key("Password"));
  BOOST_TEST(drivers::is_secret_key(" password "));
  BOOST_TEST(!drivers::is_secret_key("Uid"));
  BOOST_TEST(!drivers::is_secret_key("pwdx"));
}

BOOST_AUTO_TEST_CASE(redact_hides_a_plain_password) {
  BOOST_TEST(drivers::redact("Pwd=secret;") == "Pwd=***;");
  BOOST_TEST(drivers::redact("Uid=u;Pwd=secret;Server=h") == "Uid=u;Pwd=***;Server=h");
  BOOST_TEST(drivers::redact("Uid=u;PWD=secret") == "Uid=u;PWD=***");
  BOOST_TEST(drivers::redact("Uid=u;Pwd = secret;x=1") == "Uid=u;Pwd=***;x=1");
}

BOOST_AUTO_TEST_CASE(redact_hides_a_braced_password_with_escapes_whole) {
  BOOST_TEST(drivers::redact("PASSWORD={a;b}}c};x=1") == "PASSWORD=***;x=1");
  BOOST_TEST(drivers::redact("Pwd={}}};x=1") == "Pwd=***;x=1");
  BOOST_TEST(drivers::redact("Password={a;b}}c}") == "Password=***");
}

BOOST_AUTO_TEST_CASE(redact_hides_every_password_and_keeps_the_rest) {
  BOOST_TEST(drivers::redact("Pwd=a;Uid=pwd;Password=b;") == "Pwd=***;Uid=pwd;Password=***;");
  BOOST_TEST(drivers::redact("Driver=x;Server=h") == "Driver=x;Server=h");
  BOOST_TEST(drivers::redact("") == "");
  // Keys that merely end in "pwd" are not secrets.
  BOOST_TEST(drivers::redact("OldPwd=a;") == "OldPwd=a;");
}

BOOST_AUTO_TEST_CASE(redact_hides_a_password_inside_free_text) {
  const auto out =
      drivers::redact("[unixODBC]connect failed for 'Server=h;pwd=hunter2;Uid=u': refused");
  BOOST_TEST(out.find("hunter2") == std::string::npos, out);
  BOOST_TEST(out.find("pwd=***") != std::string::npos, out);
  const auto out2 = drivers::redact("login failed (PWD=hunter2)");
  BOOST_TEST(out2.find("hunter2") == std::string::npos, out2);
  BOOST_TEST(out2.find("PWD=***") != std::string::npos, out2);
}

BOOST_AUTO_TEST_CASE(redact_with_connection_string_replaces_the_secret_literal) {
  const std::string cs = "Driver=x;Uid=u;Pwd={t0p;s}}ecret};";
  const auto out = drivers::redact("auth failed: the password t0p;s}ecret is wrong", cs);
  BOOST_TEST(out == "auth failed: the password *** is wrong");
  const auto out2 = drivers::redact("x hunter2 y hunter2", "Password=hunter2");
  BOOST_TEST(out2 == "x *** y ***");
  // A key=value form inside the message is redacted too.
  BOOST_TEST(drivers::redact("Pwd=hunter2;", "Pwd=hunter2") == "Pwd=***;");
}

BOOST_AUTO_TEST_CASE(malformed_input_never_throws) {
  const char* inputs[] = {"{",           "}",      "=",        "==;;==",     "Pwd={",    "Pwd={}",
                          "Pwd=",        "Pwd",    "Pwd={a}}", "Pwd={a}b;c", ";=;",      "{=}",
                          "Password = ", "x={{{{", "pwd=}}}}", "\0\0=",      "Pwd = {a", "=Pwd=x"};
  for (const char* in : inputs) {
    BOOST_TEST_CONTEXT("input " << in) {
      BOOST_CHECK_NO_THROW((void)drivers::parse_connection_string(in));
      BOOST_CHECK_NO_THROW((void)drivers::find_attribute(in, "pwd"));
      BOOST_CHECK_NO_THROW((void)drivers::redact(in));
      BOOST_CHECK_NO_THROW((void)drivers::redact(in, in));
    }
  }
  // Unterminated braces swallow the rest: nothing after the key survives.
  BOOST_TEST(drivers::redact("Pwd={abc;def") == "Pwd=***");
  BOOST_TEST(drivers::redact("Pwd={a}b;c=1") == "Pwd=***;c=1");
}

BOOST_AUTO_TEST_SUITE_END()
