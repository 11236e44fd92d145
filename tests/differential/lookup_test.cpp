// Lookups: the generated values (and neighbours that were never stored) as keys of
// `select<E>().where(col(&E::v) == key)`, gathered as single runs, batched reads (PostgreSQL)
// and coalesced lookups; each statement's rows must be the rows the database itself says
// match, `SELECT id FROM t WHERE v = <literal> ORDER BY id`, under its own comparison rules
// (MariaDB's case-insensitive text, numeric equality of 1.5 and 1.50, jsonb's equality).
// Text gatherdb must refuse is refused with 22021 on every path, also inside a batch or a
// coalesced statement, and the other keys of that statement still get their rows.

#include <chrono>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "gatherdb/actors/client.hpp"
#include "gatherdb/drivers/prepared_statement.hpp"
#include "gatherdb/model/query.hpp"

#include "differential_table.hpp"
#include "known_findings.hpp"
#include "lookup_modes.hpp"
#include "mismatch_log.hpp"
#include "summary.hpp"
#include "support/backends.hpp"
#include "support/gather_options.hpp"

namespace gatherdb::differential {
namespace {

using id_list = std::vector<std::int64_t>;

/// Stored keys looked up at most (the edges come first); every key that must be refused is
/// looked up too.
constexpr std::size_t stored_keys = 200;

template <class T>
std::vector<const sample<T>*> keys_of(const generated<T>& g) {
  std::vector<const sample<T>*> keys;
  for (std::size_t i = 0; i < g.stored.size(); ++i)
    if (i < stored_keys || !g.stored[i].refused_with.empty())
      keys.push_back(&g.stored[i]);
  for (const auto& s : g.absent)
    keys.push_back(&s);
  return keys;
}

// The ids the database finds for each key, `WHERE v = <literal>`, many keys per query (a
// UNION ALL of the single lookups); nothing for a key without a literal or whose literal the
// database refuses, and for text gatherdb refuses (it cannot be sent as SQL either).
template <class T, class Decl>
std::vector<std::optional<id_list>> ask_the_database(differential_table<T, Decl>& t,
                                                     const std::vector<const sample<T>*>& keys) {
  const auto b = t.which();
  std::vector<std::optional<id_list>> out(keys.size());
  auto branch = [&](std::size_t i, const std::string& literal) {
    return "SELECT " + std::to_string(i) + " AS q, id FROM " + t.name() + " WHERE v = " + literal;
  };
  auto run = [&](const std::vector<std::pair<std::size_t, std::string>>& group) {
    std::string sql;
    for (const auto& [i, literal] : group)
      sql += (sql.empty() ? "" : " UNION ALL ") + branch(i, literal);
    const auto rows = t.connection().execute(sql + " ORDER BY 1, 2");
    for (const auto& [i, literal] : group)
      out[i].emplace();
    rows->for_each_row([&](const model::row_ref& r) {
      out[static_cast<std::size_t>(r.int64_at(0))]->push_back(r.int64_at(1));
    });
  };
  std::vector<std::pair<std::size_t, std::string>> group;
  std::size_t size = 0;
  auto flush = [&] {
    if (group.empty())
      return;
    try {
      run(group);
    } catch (const drivers::database_error&) {
      for (const auto& one : group) {
        try {
          run({one});
        } catch (const drivers::database_error&) {
          out[one.first].reset(); // the database refuses its own literal: no answer
        }
      }
    }
    group.clear();
    size = 0;
  };
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (!keys[i]->refused_with.empty())
      continue;
    auto literal = key_literal(*keys[i], b);
    if (!literal)
      continue;
    size += literal->size();
    group.emplace_back(i, std::move(*literal));
    if (group.size() == 40 || size > (512u << 10))
      flush();
  }
  flush();
  return out;
}

// Whether keys of type `T` are expected to share batches and coalesced statements on `b`. On
// MariaDB the library may run double, bytes, decimal and JSON keys alone, as its list of keys
// compares them otherwise (F4 to F6): there the summary shows how many shared, unchecked.
template <class T>
bool takes_the_path(const T*, backend b) {
  return b != backend::mariadb ||
         !(std::is_same_v<T, double> || std::is_same_v<T, model::bytes> ||
           std::is_same_v<T, model::decimal> || std::is_same_v<T, model::json_text>);
}

template <class T, class Decl>
lookup_counts run_lookups(differential_table<T, Decl>& t, lookup_mode mode,
                          const std::vector<const sample<T>*>& keys,
                          const std::vector<std::optional<id_list>>& oracle, mismatch_log& log) {
  using entity = diff_row<T, Decl>;
  const auto b = t.which();
  const std::string path = "lookup " + std::string{to_string(mode)};
  lookup_counts counts;
  counts.ran = true;
  auto lookup = [](const T& key) {
    return model::select<entity>()
        .where(key_equals(&entity::v, key))
        .order_by(model::col(&entity::id));
  };
  client c{settings_for(b, mode)};
  if (mode == lookup_mode::batched) // a SQL's first run tells the worker its results are small
    (void)c.gather({lookup(keys.front()->value)}, test::collect());
  std::vector<std::size_t> asked; // the key of each statement
  std::vector<model::statement> statements;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    asked.push_back(i);
    statements.emplace_back(lookup(keys[i]->value));
  }
  const auto result = c.gather(statements, test::collect());
  std::size_t batchable = 0;
  for (std::size_t k = 0; k < asked.size(); ++k) {
    const auto i = asked[k];
    const auto& o = result.outcomes.at(k);
    const auto& key = *keys[i];
    ++counts.statements;
    batchable += drivers::batchable({model::value{key.value}}) ? 1 : 0;
    // A statement took the path when it shared it, or fell back from it after the shared
    // statement failed (because of a key that must be refused, say).
    const auto shared = mode == lookup_mode::batched ? o.metrics.batched : o.metrics.coalesced;
    counts.shared += mode != lookup_mode::single && (shared > 1 || o.metrics.fell_back) ? 1 : 0;
    const std::string what = key.label + " " + show(key.value);
    const bool typed_refusal = !o.ok() && o.error.info.category == drivers::error_category::data;
    if (!key.refused_with.empty()) {
      if (typed_refusal && o.error.info.sqlstate == key.refused_with)
        ++counts.refused;
      else
        log.report(counts, path,
                   what + ": want a refusal with " + key.refused_with + ", got " +
                       (o.ok() ? "rows" : o.error.to_string()));
      continue;
    }
    if (!o.ok()) {
      if (!oracle[i] && typed_refusal)
        ++counts.refused; // neither the database's SQL nor gatherdb has this value
      else
        log.report(counts, path,
                   what + ": refused (" + o.error.to_string() + ") but the database answers " +
                       std::to_string(oracle[i] ? oracle[i]->size() : 0) + " rows");
      continue;
    }
    id_list got;
    for (const auto* e : o.result.template all<entity>()) {
      got.push_back(e->id);
      const auto row = t.rows().find(e->id);
      if (row == t.rows().end())
        continue;
      const auto& stored = t.samples()[row->second.sample];
      const auto want = held(stored, b, Decl::value);
      if (!want || !same(e->v, *want))
        log.report(counts, path, what + ": row " + std::to_string(e->id) + " read as " + show(e->v),
                   want ? explain_read(e->v, *want, b)
                        : explain_stored(stored, b, std::nullopt, Decl::value));
    }
    const id_list want = oracle[i] ? *oracle[i] : id_list{};
    if (got != want) {
      std::string ids;
      for (auto id : got)
        ids += " " + std::to_string(id);
      std::string want_ids;
      for (auto id : want)
        want_ids += " " + std::to_string(id);
      log.report(counts, path,
                 what + ": gatherdb finds [" + ids + " ], the database [" + want_ids + " ]" +
                     (oracle[i] ? "" : " (no literal: want no rows)") + " (batched " +
                     std::to_string(o.metrics.batched) + ", coalesced " +
                     std::to_string(o.metrics.coalesced) +
                     (o.metrics.fell_back ? ", fell back" : "") + ", " +
                     std::to_string(o.metrics.attempts) + " attempts)",
                 explain_lookup(key, b, to_string(mode)));
    }
  }
  if (mode != lookup_mode::single && takes_the_path(static_cast<const T*>(nullptr), b)) {
    // The path must really have been taken by most statements it can take: parameter arrays
    // hold no bytes, JSON or text longer than 256 bytes (drivers::batchable).
    const auto eligible = mode == lookup_mode::batched ? batchable : counts.statements;
    BOOST_TEST(counts.shared * 2 >= eligible,
               t.name() << " on " << b << ": only " << counts.shared << " of " << eligible
                        << " statements took the " << to_string(mode) << " path");
  }
  return counts;
}

template <class T, class Decl = decl<>>
void check_lookups(backend b) {
  const auto started = std::chrono::steady_clock::now();
  const auto type = type_name(static_cast<const T*>(nullptr), Decl::value);
  const auto g = generate<T>(run_seed());
  mismatch_log log{type, b};
  differential_table<T, Decl> t{b, g};
  t.write_through_gatherdb();
  t.write_through_literals();
  const auto keys = keys_of(g);
  const auto oracle = ask_the_database(t, keys);

  lookup_counts single;
  lookup_counts batched;
  lookup_counts coalesced;
  for (const auto mode : modes_for(b))
    (mode == lookup_mode::single    ? single
     : mode == lookup_mode::batched ? batched
                                    : coalesced) = run_lookups(t, mode, keys, oracle, log);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  summary::instance().update(type, b, [&](type_report& r) {
    r.single = single;
    r.batched = batched;
    r.coalesced = coalesced;
    r.absent_keys = g.absent.size();
    r.seconds += seconds;
    for (const auto& [id, n] : log.known())
      r.known[id] += n;
  });
  const auto mismatches = single.mismatches + batched.mismatches + coalesced.mismatches;
  BOOST_TEST(mismatches == 0u, type << " on " << b << ": " << mismatches
                                    << " lookups disagree with the database (see above)");
}

} // namespace
} // namespace gatherdb::differential

using gatherdb::differential::check_lookups;
using gatherdb::differential::decl;
using gatherdb::test::all_backends;
namespace model = gatherdb::model;

BOOST_AUTO_TEST_SUITE(differential_lookup)

BOOST_DATA_TEST_CASE(int64_keys, all_backends, backend) {
  check_lookups<std::int64_t>(backend);
}
BOOST_DATA_TEST_CASE(double_keys, all_backends, backend) {
  check_lookups<double>(backend);
}
BOOST_DATA_TEST_CASE(text_keys, all_backends, backend) {
  check_lookups<std::string>(backend);
}
BOOST_DATA_TEST_CASE(bytes_keys, all_backends, backend) {
  check_lookups<model::bytes>(backend);
}
BOOST_DATA_TEST_CASE(date_keys, all_backends, backend) {
  check_lookups<model::date>(backend);
}
BOOST_DATA_TEST_CASE(time_keys, all_backends, backend) {
  check_lookups<model::time_of_day>(backend);
}
BOOST_DATA_TEST_CASE(timestamp_keys, all_backends, backend) {
  check_lookups<model::timestamp>(backend);
}
BOOST_DATA_TEST_CASE(timestamptz_keys, all_backends, backend) {
  check_lookups<model::timestamptz>(backend);
}
BOOST_DATA_TEST_CASE(decimal_keys, all_backends, backend) {
  check_lookups<model::decimal>(backend);
}
BOOST_DATA_TEST_CASE(declared_decimal_keys, all_backends, backend) {
  check_lookups<model::decimal, decl<38, 10>>(backend);
}
BOOST_DATA_TEST_CASE(uuid_keys, all_backends, backend) {
  check_lookups<model::uuid>(backend);
}
BOOST_DATA_TEST_CASE(json_keys, all_backends, backend) {
  check_lookups<model::json_text>(backend);
}

BOOST_AUTO_TEST_SUITE_END()
