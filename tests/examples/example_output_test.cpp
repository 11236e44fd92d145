// Runs the example binary as a user would and parses what it prints.
#include <regex>
#include <string>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "python_random.hpp"
#include "support/backends.hpp"
#include "support/run_example.hpp"

namespace {

using gatherdb::test::backend;

using gatherdb::test::quoted;

gatherdb::test::example_run run(const std::string& args) {
  return gatherdb::test::run_example(args);
}

std::string dsn_arg(backend b) {
  return b == backend::sqlite ? std::string{} // the example's embedded default
                              : "--dsn " + quoted(gatherdb::test::connection_string(b));
}

// The rows the example printed, one vector of (id, data) per statement.
std::vector<std::vector<std::pair<long, std::string>>> parse(const std::string& out) {
  BOOST_REQUIRE_MESSAGE(out.rfind("results: [", 0) == 0, "unexpected output: " << out);
  std::vector<std::vector<std::pair<long, std::string>>> lists;
  static const std::regex inner{R"(\[((?:\(A\(id_=\d+, data='[^']*'\),\)(?:, )?)*)\])"};
  static const std::regex row{R"(\(A\(id_=(\d+), data='([^']*)'\),\))"};
  auto body = out.substr(9);
  for (std::sregex_iterator it{body.begin() + 1, body.end(), inner}, end; it != end; ++it) {
    std::vector<std::pair<long, std::string>> rows;
    auto text = (*it)[1].str();
    for (std::sregex_iterator r{text.begin(), text.end(), row}; r != end; ++r)
      rows.emplace_back(std::stol((*r)[1].str()), (*r)[2].str());
    lists.push_back(std::move(rows));
  }
  return lists;
}

void check_seed_output(const std::string& out, std::uint64_t seed, std::size_t statements) {
  auto lists = parse(out);
  BOOST_REQUIRE_EQUAL(lists.size(), statements);
  gatherdb::examples::python_random rng{seed};
  for (std::size_t i = 0; i < statements; ++i) {
    const auto expected = rng.choice(100);
    BOOST_REQUIRE_EQUAL(lists[i].size(), 1U);
    const auto& [id, data] = lists[i][0];
    BOOST_TEST(data == "a_" + std::to_string(expected));
    BOOST_TEST(data == "a_" + std::to_string(id - 1));
  }
}

} // namespace

BOOST_AUTO_TEST_SUITE(example_output)

// Both modes in one test: they share table `a` on PostgreSQL and must not run concurrently.
BOOST_DATA_TEST_CASE(gather_and_single_print_the_seeded_statements_in_order,
                     gatherdb::test::all_backends, b) {
  for (const char* mode : {"gather", "single"}) {
    BOOST_TEST_CONTEXT("mode " << mode) {
      auto r = run(dsn_arg(b) + " --seed 7 --mode " + mode);
      BOOST_REQUIRE_MESSAGE(r.status == 0, r.out);
      check_seed_output(r.out, 7, 30);
    }
  }
}

BOOST_DATA_TEST_CASE(same_seed_prints_the_same_bytes_in_both_modes, gatherdb::test::all_backends,
                     b) {
  auto gather = run(dsn_arg(b) + " --seed 11 --statements 50 --mode gather");
  auto single = run(dsn_arg(b) + " --seed 11 --statements 50 --mode single");
  BOOST_REQUIRE_EQUAL(gather.status, 0);
  BOOST_TEST(gather.out == single.out);
}

// The seed's contract: for one seed, every backend prints the same bytes (MariaDB's generated
// keys and its case-insensitive collation included).
BOOST_AUTO_TEST_CASE(same_seed_prints_the_same_bytes_on_every_backend) {
  std::string first;
  for (auto b : gatherdb::test::all_backends) {
    BOOST_TEST_CONTEXT("backend " << b) {
      for (const char* mode : {"gather", "single"}) {
        auto r = run(dsn_arg(b) + " --seed 5 --statements 60 --mode " + mode);
        BOOST_REQUIRE_MESSAGE(r.status == 0, r.out);
        if (first.empty()) {
          first = r.out;
          check_seed_output(first, 5, 60);
        }
        BOOST_TEST(r.out == first,
                   mode << " output differs from " << gatherdb::test::all_backends.front() << "'s");
      }
    }
  }
}

// Sharded, each row on one shard and each statement sent to the shard that holds its key, the
// output is the unsharded one, byte for byte, whatever databases the shards are.
BOOST_AUTO_TEST_CASE(sharded_output_is_the_unsharded_output) {
  const auto unsharded = run("--seed 9 --statements 60");
  BOOST_REQUIRE_EQUAL(unsharded.status, 0);
  check_seed_output(unsharded.out, 9, 60);
  const auto sqlite_shard = [](const char* name) {
    return "--shard " +
           quoted(gatherdb::test::sqlite_connection_string(gatherdb::test::unique_name(name)));
  };
  std::vector<std::string> layouts{sqlite_shard("ex_s0") + " " + sqlite_shard("ex_s1")};
  if (gatherdb::test::enabled(backend::postgresql)) {
    std::string mixed = "--shard " + quoted(gatherdb::test::postgres_connection_string());
    if (const auto second = gatherdb::test::postgres_second_connection_string())
      mixed += " --shard " + quoted(*second);
    mixed += " " + sqlite_shard("ex_s2");
    if (gatherdb::test::enabled(backend::mariadb))
      mixed += " --shard " + quoted(gatherdb::test::mariadb_connection_string());
    layouts.push_back(mixed);
  }
  for (const auto& layout : layouts) {
    BOOST_TEST_CONTEXT(layout) {
      const auto sharded = run(layout + " --seed 9 --statements 60");
      BOOST_REQUIRE_MESSAGE(sharded.status == 0, sharded.out);
      BOOST_TEST(sharded.out == unsharded.out);
    }
  }
  // Sharding is a gather's: single mode refuses it.
  BOOST_TEST(run(sqlite_shard("ex_s3") + " --mode single").status != 0);
}

BOOST_AUTO_TEST_CASE(zero_statements_print_an_empty_list) {
  auto r = run("--statements 0");
  BOOST_TEST(r.status == 0);
  BOOST_TEST(r.out == "results: []\n");
}

BOOST_AUTO_TEST_CASE(json_reports_one_line_of_timings) {
  auto r = run("--seed 3 --statements 40 --json");
  BOOST_REQUIRE_EQUAL(r.status, 0);
  static const std::regex line{
      R"(\{"backend":"sqlite","cpu_seconds":[0-9.e-]+,"impl":"gatherdb","mode":"gather","rows":100,"seconds":[0-9.e-]+,"statements":40,"stmts_per_s":[0-9.e+]+\}\n)"};
  BOOST_TEST(std::regex_match(r.out, line), r.out);
}

BOOST_AUTO_TEST_CASE(bad_input_gives_one_line_and_a_nonzero_exit) {
  for (const char* args :
       {"--bogus", "--statements", "--statements x", "--mode parallel", "--pool-size 0",
        "--dsn 'Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=1;Uid=u;"
        "Pwd=S3ntinel-pw-xyz;'",
        "--dsn 'DSN=no_such_dsn_gatherdb'"}) {
    BOOST_TEST_CONTEXT(args) {
      auto r = run(args);
      BOOST_TEST(r.status != 0);
      BOOST_TEST(std::count(r.out.begin(), r.out.end(), '\n') == 1, r.out);
      BOOST_TEST(r.out.find("S3ntinel-pw-xyz") == std::string::npos, r.out);
    }
  }
  auto refused = run("--dsn 'Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=1;Uid=u;'");
  BOOST_TEST(refused.out.find("08001") != std::string::npos, refused.out);
}

BOOST_AUTO_TEST_SUITE_END()
