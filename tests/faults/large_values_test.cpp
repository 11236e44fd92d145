// Large and unusual values round-trip: a 10 MB string and binary data with NUL bytes, inserted
// through a session commit and through a raw INSERT in a gather, read back through a gather;
// unicode in identifiers (table "faults_tbl_ü€_<pid>", column "spalte_ß") and in values.

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "faults_fixture.hpp"

namespace gatherdb::faults_test {

struct blob_row {
  std::int64_t id = 0;
  std::string text;
  model::bytes bin;
};

struct unicode_row {
  std::int64_t id = 0;
  std::string wert;
};

inline const std::string& blob_table() {
  static const std::string name = "faults_blob_" + std::to_string(::getpid());
  return name;
}

inline const std::string& unicode_table() {
  static const std::string name = "faults_tbl_ü€_" + std::to_string(::getpid());
  return name;
}

} // namespace gatherdb::faults_test

template <>
struct gatherdb::model::entity_definition<gatherdb::faults_test::blob_row> {
  static entity_mapping<gatherdb::faults_test::blob_row> define() {
    using gatherdb::faults_test::blob_row;
    return entity_mapping<blob_row>{gatherdb::faults_test::blob_table(), "Blob"}
        .primary_key(&blob_row::id, "id")
        .column(&blob_row::text, "text")
        .column(&blob_row::bin, "bin");
  }
};

template <>
struct gatherdb::model::entity_definition<gatherdb::faults_test::unicode_row> {
  static entity_mapping<gatherdb::faults_test::unicode_row> define() {
    using gatherdb::faults_test::unicode_row;
    return entity_mapping<unicode_row>{gatherdb::faults_test::unicode_table(), "Ünicode"}
        .generated_key(&unicode_row::id, "id_€")
        .column(&unicode_row::wert, "spalte_ß");
  }
};

using namespace gatherdb;
using namespace gatherdb::faults_test;
using test::all_backends;

namespace {

/// `size` bytes of text: ASCII and multi-byte UTF-8, whole characters only.
std::string big_text(std::size_t size) {
  const std::string unit = "Grüße 日本 😀 0123456789 abcdefghijklmnopqrstuvwxyz | ";
  std::string out;
  out.reserve(size + unit.size());
  while (out.size() + unit.size() <= size)
    out += unit;
  out.append(size - out.size(), 'x');
  return out;
}

/// Every byte value, NULs included, in a pseudo-random order.
model::bytes binary(std::size_t size) {
  model::bytes out(size);
  std::uint32_t x = 12345;
  for (std::size_t i = 0; i < size; ++i) {
    x = x * 1103515245u + 12345u;
    out[i] = static_cast<std::byte>(i % 7 == 0 ? 0 : (x >> 16) & 0xff);
  }
  return out;
}

/// Creates the tables of `E` on open, drops them at the end.
template <class E>
class scoped_schema {
public:
  explicit scoped_schema(drivers::connection& conn) : conn_(&conn) {
    md_.add<E>();
    drivers::connection_executor ex{conn};
    md_.drop_all(ex);
    md_.create_all(ex);
  }
  ~scoped_schema() {
    try {
      drivers::connection_executor ex{*conn_};
      md_.drop_all(ex);
    } catch (...) {
    }
  }

private:
  drivers::connection* conn_;
  model::metadata md_;
};

} // namespace

BOOST_AUTO_TEST_SUITE(faults_large_values)

BOOST_DATA_TEST_CASE(ten_megabyte_text_and_binary_with_nuls_round_trip, all_backends, backend) {
  const auto dsn = connection_string(backend, "bigvalues");
  auto conn = drivers::connection::open(dsn);
  scoped_schema<blob_row> schema{conn};
  const auto text = big_text(10u << 20);
  const auto bin = binary(1u << 20);
  {
    // Insert through the unit of work.
    model::session_state s;
    s.add(blob_row{1, text, bin});
    drivers::connection_executor ex{conn};
    s.commit(ex);
  }
  actors::settings cfg;
  cfg.dsn = dsn;
  cfg.pool_size = 2;
  client c{cfg};
  // Insert through a raw statement in a gather.
  const auto inserted = c.gather(
      {model::statement::raw("INSERT INTO " + blob_table() + " (id, text, bin) VALUES (?, ?, ?)",
                             {model::value{2}, model::value{text + "€"}, model::value{bin}})},
      collect());
  BOOST_REQUIRE_MESSAGE(all_ok(inserted), first_error(inserted));
  const auto r = c.gather(
      {model::select<blob_row>().where(model::col(&blob_row::id) == 1),
       model::select<blob_row>().where(model::col(&blob_row::id) == 2),
       model::statement::raw("SELECT text, bin FROM " + blob_table() + " ORDER BY id", {}, true)},
      collect());
  BOOST_REQUIRE_MESSAGE(all_ok(r), first_error(r));
  const auto& one = r.outcomes[0].result.get<blob_row>(0);
  const auto& two = r.outcomes[1].result.get<blob_row>(0);
  BOOST_TEST(one.text.size() == text.size());
  BOOST_TEST((one.text == text));
  BOOST_TEST((one.bin == bin));
  BOOST_TEST((two.text == text + "€"));
  BOOST_TEST((two.bin == bin));
  const auto& raw = *r.outcomes[2].rows;
  BOOST_REQUIRE_EQUAL(raw.row_count(), 2u);
  BOOST_TEST(raw.row(0).text_at(0).size() == text.size());
  BOOST_TEST((raw.row(1).at(1) == model::value{bin}));
}

BOOST_DATA_TEST_CASE(unicode_identifiers_and_values_round_trip, all_backends, backend) {
  const auto dsn = connection_string(backend, "unicode");
  auto conn = drivers::connection::open(dsn);
  scoped_schema<unicode_row> schema{conn};
  const std::vector<std::string> values{"Grüße 日本 😀", "Ωmega ß €", "\xF0\x9F\x8F\xB3\xEF\xB8\x8F",
                                        "plain"};
  {
    model::session_state s;
    for (const auto& v : values)
      s.add(unicode_row{0, v});
    drivers::connection_executor ex{conn};
    s.commit(ex);
  }
  actors::settings cfg;
  cfg.dsn = dsn;
  client c{cfg};
  std::vector<model::statement> statements;
  for (const auto& v : values)
    statements.push_back(model::select<unicode_row>().where(model::col(&unicode_row::wert) == v));
  statements.push_back(model::select<unicode_row>().order_by(model::col(&unicode_row::id)));
  const auto r = c.gather(statements, collect());
  BOOST_REQUIRE_MESSAGE(all_ok(r), first_error(r));
  for (std::size_t i = 0; i < values.size(); ++i) {
    BOOST_REQUIRE_EQUAL(r.outcomes[i].result.size(), 1u);
    BOOST_TEST(r.outcomes[i].result.get<unicode_row>(0).wert == values[i]);
  }
  const auto all = r.outcomes.back().result.all<unicode_row>();
  BOOST_REQUIRE_EQUAL(all.size(), values.size());
  // One object per key: the single-row results and the full scan share them.
  for (std::size_t i = 0; i < values.size(); ++i)
    BOOST_TEST(all[i] == &r.outcomes[i].result.get<unicode_row>(0));
  BOOST_TEST(r.outcomes[0].result.repr().find("Grüße 日本 😀") != std::string::npos,
             r.outcomes[0].result.repr());
}

BOOST_AUTO_TEST_SUITE_END()
