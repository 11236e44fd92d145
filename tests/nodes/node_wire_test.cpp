// What crosses between a client and a node: chunks and outcomes round-trip exactly, every
// truncation or corruption of them is refused with codec_error (never read out of bounds:
// this suite also runs under ASan), another wire version is reported rather than misread, and
// a statement's coalesced form renders exactly its own coalesced SQL in every dialect.

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include <boost/test/unit_test.hpp>

#include "gatherdb/model/query.hpp"
#include "gatherdb/model/statement.hpp"

#include "node_wire.hpp"
#include "nodes/nodes_fixture.hpp"

using namespace gatherdb;
using namespace gatherdb::nodes_test;
namespace wire = gatherdb::actors::detail;

namespace {

wire::node_chunk sample_chunk() {
  wire::node_chunk c;
  c.route = "eu";
  const model::statement lookup =
      model::select<item>()
          .where(model::col(&item::data) == "a_1" && model::col(&item::id) > std::int64_t{3})
          .order_by(model::col(&item::id));
  c.shapes.push_back(*lookup.coalesced_form(model::dialect::postgresql));
  wire::node_item x;
  x.gather = 0x1234567890abcdefULL;
  x.remaining_us = 2500000;
  x.gather_size = 3;
  x.index = 2;
  x.idempotent = true;
  x.sql = lookup.compile(model::dialect::postgresql);
  x.shape = 0;
  c.items.push_back(x);
  wire::node_item w;
  w.sql.sql = "INSERT INTO t (a, b, c, d, e) VALUES (?, ?, ?, ?, ?)";
  w.sql.params = {model::value{std::int64_t{-7}}, model::value{2.5},
                  model::value{std::string{"x\0y", 3}}, model::value{}, model::value{true}};
  c.items.push_back(w);
  return c;
}

std::vector<wire::node_outcome> sample_outcomes() {
  std::vector<wire::node_outcome> out(2);
  std::vector<model::column_info> columns{{"id", model::value_type::int64, 0, false},
                                          {"data", model::value_type::text, 0, true}};
  model::row_chunk rows{columns};
  rows.column(0).push_int64(1);
  rows.column(1).push_text("a_0");
  rows.finish_row();
  rows.column(0).push_int64(2);
  rows.column(1).push_null();
  rows.finish_row();
  std::vector<model::row_chunk> chunks;
  chunks.push_back(std::move(rows));
  out[0].status = actors::outcome_status::ok;
  out[0].rows = model::freeze(columns, std::move(chunks));
  out[0].metrics.execute_us = 12;
  out[0].metrics.coalesced = 4;
  out[0].metrics.attempts = 1;
  out[1].status = actors::outcome_status::failed;
  out[1].error = {
      actors::error_source::database,
      {"42P01", 1, "relation \"x\" does not exist", drivers::error_category::syntax, false}};
  return out;
}

std::string corpus_file(const std::string& name) {
  return std::string{GATHERDB_FUZZ_CORPUS_DIR} + "/node_wire/" + name;
}

// The fuzzer's seeds: one message of each kind, a chunk with a lookup coalesced for every
// dialect's form.
void write_corpus() {
  auto c = sample_chunk();
  const model::statement lookup = model::select<item>().where(model::col(&item::data) == "a_1");
  c.shapes.push_back(*lookup.coalesced_form(model::dialect::sqlite));
  c.shapes.push_back(*lookup.coalesced_form(model::dialect::mariadb));
  const std::pair<const char*, std::string> seeds[] = {
      {"hello", wire::encode_hello()},
      {"welcome", wire::encode_welcome(
                      {wire::node_wire_version,
                       {{"default", model::dialect::sqlite}, {"eu", model::dialect::postgresql}}})},
      {"chunk", wire::encode_chunk(c)},
      {"outcomes", wire::encode_outcomes(sample_outcomes())}};
  for (const auto& [name, bytes] : seeds)
    std::ofstream{corpus_file(name), std::ios::binary} << bytes;
}

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

} // namespace

BOOST_AUTO_TEST_SUITE(nodes_wire)

// A seed of another version would stop the fuzzer at the version check. After a version
// change, GATHERDB_WRITE_FUZZ_CORPUS=1 writes them anew before checking.
BOOST_AUTO_TEST_CASE(the_fuzzers_seeds_are_messages_of_this_wire_version) {
  if (const char* write = std::getenv("GATHERDB_WRITE_FUZZ_CORPUS"); write && *write == '1')
    write_corpus();
  BOOST_TEST(wire::decode_hello(read_file(corpus_file("hello"))) == wire::node_wire_version);
  BOOST_TEST(wire::decode_welcome(read_file(corpus_file("welcome"))).version ==
             wire::node_wire_version);
  const auto chunk = wire::decode_chunk(read_file(corpus_file("chunk")));
  BOOST_TEST(chunk.shapes.size() == 3u);
  BOOST_TEST(wire::decode_outcomes(read_file(corpus_file("outcomes"))).size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_chunk_round_trips) {
  const auto c = sample_chunk();
  const auto back = wire::decode_chunk(wire::encode_chunk(c));
  BOOST_TEST(back.route == c.route);
  BOOST_REQUIRE_EQUAL(back.shapes.size(), 1u);
  BOOST_TEST((back.shapes[0] == c.shapes[0]));
  BOOST_REQUIRE_EQUAL(back.items.size(), c.items.size());
  for (std::size_t i = 0; i < c.items.size(); ++i) {
    BOOST_TEST(back.items[i].gather == c.items[i].gather);
    BOOST_TEST(back.items[i].remaining_us == c.items[i].remaining_us);
    BOOST_TEST(back.items[i].gather_size == c.items[i].gather_size);
    BOOST_TEST(back.items[i].index == c.items[i].index);
    BOOST_TEST(back.items[i].idempotent == c.items[i].idempotent);
    BOOST_TEST(back.items[i].shape == c.items[i].shape);
    BOOST_TEST(back.items[i].sql.sql == c.items[i].sql.sql);
    BOOST_TEST((back.items[i].sql.params == c.items[i].sql.params));
  }
}

BOOST_AUTO_TEST_CASE(outcomes_round_trip) {
  const auto o = sample_outcomes();
  const auto back = wire::decode_outcomes(wire::encode_outcomes(o));
  BOOST_REQUIRE_EQUAL(back.size(), o.size());
  BOOST_TEST(back[0].rows->row_count() == 2u);
  BOOST_TEST(back[0].rows->row(0).text_at(1) == "a_0");
  BOOST_TEST(back[0].rows->row(1).is_null(1));
  BOOST_TEST(back[0].metrics.coalesced == 4);
  BOOST_TEST(!back[1].rows);
  BOOST_TEST(back[1].error.info.sqlstate == "42P01");
  BOOST_TEST(back[1].error.info.message == o[1].error.info.message);
  BOOST_TEST(to_string(back[1].error.info.category) == "syntax");
}

BOOST_AUTO_TEST_CASE(every_truncation_and_single_byte_change_is_refused_or_decoded) {
  for (const auto& bytes :
       {wire::encode_chunk(sample_chunk()), wire::encode_outcomes(sample_outcomes())}) {
    const bool chunk = bytes == wire::encode_chunk(sample_chunk());
    auto decode = [chunk](const std::string& b) {
      if (chunk)
        (void)wire::decode_chunk(b);
      else
        (void)wire::decode_outcomes(b);
    };
    for (std::size_t n = 0; n < bytes.size(); ++n)
      BOOST_CHECK_THROW(decode(bytes.substr(0, n)), model::codec_error);
    BOOST_CHECK_THROW(decode(bytes + '\0'), model::codec_error);
    // A changed byte is either still a valid message or refused: never a crash or a read out
    // of bounds.
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      for (unsigned char v : {0x00, 0x01, 0x7f, 0xff}) {
        auto changed = bytes;
        changed[i] = static_cast<char>(v);
        try {
          decode(changed);
        } catch (const model::codec_error&) {
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(another_wire_version_is_reported_not_misread) {
  auto welcome =
      wire::encode_welcome({wire::node_wire_version, {{"default", model::dialect::mariadb}}});
  const auto ours = wire::decode_welcome(welcome);
  BOOST_TEST(ours.version == wire::node_wire_version);
  BOOST_REQUIRE_EQUAL(ours.routes.size(), 1u);
  BOOST_TEST(ours.routes[0].first == "default");
  BOOST_TEST((ours.routes[0].second == model::dialect::mariadb));
  welcome[4] = 7;
  welcome[5] = welcome[6] = welcome[7] = 0;
  welcome += "whatever a later version adds";
  const auto theirs = wire::decode_welcome(welcome);
  BOOST_TEST(theirs.version == 7u);
  BOOST_TEST(theirs.routes.empty());
  auto chunk = wire::encode_chunk(sample_chunk());
  chunk[4] = 7;
  try {
    (void)wire::decode_chunk(chunk);
    BOOST_FAIL("a chunk of another version was decoded");
  } catch (const model::codec_error& e) {
    BOOST_TEST(std::string{e.what()}.find("wire version 7") != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(a_coalesced_form_renders_the_statements_own_coalesced_sql) {
  const model::statement lookup =
      model::select<item>()
          .where(model::col(&item::data) == "a_1" && model::col(&item::id) > std::int64_t{3})
          .order_by(model::col(&item::id));
  for (auto d : {model::dialect::sqlite, model::dialect::postgresql, model::dialect::mariadb,
                 model::dialect::other}) {
    const auto shape = lookup.coalesced_form(d);
    BOOST_REQUIRE(shape);
    std::vector<model::value> keys;
    for (int k = 0; k < 5; ++k)
      keys.emplace_back(std::string{"a_"} + std::to_string(k));
    for (std::size_t n = 1; n <= keys.size(); ++n) {
      std::vector<const model::value*> some;
      for (std::size_t k = 0; k < n; ++k)
        some.push_back(&keys[k]);
      model::compiled_sql want;
      model::compiled_sql got;
      lookup.compile_coalesced_into(d, some, want);
      model::render_coalesced(*shape, some, got);
      BOOST_TEST(got.sql == want.sql);
      BOOST_TEST((got.params == want.params));
    }
  }
  BOOST_TEST(!model::statement::raw("SELECT 1").coalesced_form(model::dialect::sqlite));
}

BOOST_AUTO_TEST_SUITE_END()
