// Round trips: every generated value of every type is written through gatherdb (a flush of
// session_state) and through the database's own literals, then read back through gatherdb (a
// gather of select<E>() merged into the entity, compared member by member) and as the
// database's own text (compared with the text the oracle expects). Every value either comes
// back exactly, after the normalizations the database itself applies (sql_oracle.hpp), or is
// refused with a typed `data` error where the backend cannot hold it.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "gatherdb/actors/client.hpp"
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

// The values of `t` read back through gatherdb: one gather of the whole table; when that
// fails (one cell that does not convert fails the whole merge), one statement per row, to
// name the rows.
template <class T, class Decl>
std::map<std::int64_t, diff_row<T, Decl>>
read_through_gatherdb(differential_table<T, Decl>& t, mismatch_log& log, path_counts& counts) {
  using entity = diff_row<T, Decl>;
  std::map<std::int64_t, entity> out;
  client c{settings_for(t.which(), lookup_mode::single)};
  const auto result =
      c.gather({model::select<entity>().order_by(model::col(&entity::id))}, test::collect());
  const auto& whole = result.outcomes.at(0);
  if (whole.ok()) {
    for (const auto* e : whole.result.template all<entity>())
      out.emplace(e->id, *e);
    return out;
  }
  log.report(counts, "read", "the whole table's read failed: " + whole.error.to_string());
  std::vector<model::statement> one_each;
  for (const auto& [id, origin] : t.rows())
    one_each.emplace_back(model::select<entity>().where(model::col(&entity::id) == id));
  const auto rows = c.gather(one_each, test::collect());
  for (const auto& o : rows.outcomes)
    if (o.ok() && o.result.size() == 1)
      out.emplace(o.result.template get<entity>(0).id, o.result.template get<entity>(0));
  return out;
}

template <class T, class Decl>
void check_reads_through_gatherdb(differential_table<T, Decl>& t, mismatch_log& log,
                                  path_counts& counts) {
  const auto b = t.which();
  const auto got = read_through_gatherdb(t, log, counts);
  for (const auto& [id, origin] : t.rows()) {
    const auto& s = t.samples()[origin.sample];
    const auto held_value = held(s, b, Decl::value);
    const T want = held_value ? *held_value : s.value;
    counts.checks += 2;
    const auto it = got.find(id);
    const std::string where =
        "row " + std::to_string(id) + " (" + s.label + ", " +
        (origin.by == writer::gatherdb ? "written by gatherdb" : "by literal") + ")";
    if (it == got.end()) {
      log.report(counts, "read", where + ": not read back");
      continue;
    }
    if (!held_value || !same(it->second.v, want))
      log.report(
          counts, "read",
          where + ": v is " + show(it->second.v) + ", want " + show(want) +
              (held_value ? "" : " (the backend cannot hold it: it should have been refused)"),
          held_value ? explain_read(it->second.v, want, b)
                     : explain_stored(s, b, std::nullopt, Decl::value));
    const bool n_ok = origin.n_null ? !it->second.n.has_value()
                                    : it->second.n.has_value() && same(*it->second.n, want);
    if (!n_ok)
      log.report(counts, "read",
                 where + ": n is " + (it->second.n ? show(*it->second.n) : std::string{"NULL"}) +
                     ", want " + (origin.n_null ? std::string{"NULL"} : show(want)),
                 !held_value                      ? explain_stored(s, b, std::nullopt, Decl::value)
                 : it->second.n && !origin.n_null ? explain_read(*it->second.n, want, b)
                                                  : std::nullopt);
  }
  for (const auto& [id, e] : got)
    if (t.rows().count(id) == 0)
      log.report(counts, "read", "row " + std::to_string(id) + " read back but never written");
}

template <class T, class Decl>
void check_database_text(differential_table<T, Decl>& t, mismatch_log& log, path_counts& counts) {
  const auto b = t.which();
  const T* tag = nullptr;
  const auto rows =
      t.connection().execute("SELECT id, " + text_expression(tag, b, "v") + ", " +
                             text_expression(tag, b, "n") + " FROM " + t.name() + " ORDER BY id");
  std::map<std::int64_t, bool> seen;
  rows->for_each_row([&](const model::row_ref& r) {
    const auto id = r.int64_at(0);
    seen[id] = true;
    const auto it = t.rows().find(id);
    if (it == t.rows().end())
      return;
    const auto& origin = it->second;
    const auto& s = t.samples()[origin.sample];
    const std::string where = "row " + std::to_string(id) + " (" + s.label + ")";
    const bool holds = held(s, b, Decl::value).has_value();
    for (int column = 1; column <= 2; ++column) {
      ++counts.checks;
      const bool want_null = column == 2 && origin.n_null;
      if (r.is_null(static_cast<std::size_t>(column)) || want_null) {
        if (r.is_null(static_cast<std::size_t>(column)) != want_null)
          log.report(counts, "text", where + ": NULL where a value was written, or the reverse");
        continue;
      }
      std::string want;
      const auto text = r.text_at(static_cast<std::size_t>(column));
      if (!holds) {
        log.report(counts, "text",
                   where + ": stored a value the backend cannot hold: \"" +
                       std::string{text.substr(0, 80)} + "\"",
                   explain_stored(s, b, std::nullopt, Decl::value));
      } else if (!text_agrees(s, text, b, origin.by, origin.sample, Decl::value, want)) {
        log.report(counts, "text",
                   where + (column == 1 ? " v" : " n") + ": the database says \"" +
                       std::string{text.substr(0, 120)} + "\", want \"" + want.substr(0, 120) +
                       "\"");
      }
    }
  });
  for (const auto& [id, origin] : t.rows())
    if (seen.count(id) == 0) {
      ++counts.checks;
      log.report(counts, "text", "row " + std::to_string(id) + " missing from the table");
    }
}

template <class T, class Decl = decl<>>
void check_round_trips(backend b) {
  const auto started = std::chrono::steady_clock::now();
  const auto type = type_name(static_cast<const T*>(nullptr), Decl::value);
  const auto g = generate<T>(run_seed());
  mismatch_log log{type, b};
  type_report report;
  report.values = g.stored.size();
  for (const auto& k : g.refused_at_construction) {
    try {
      k.construct();
      ++report.unexpected_outcomes;
      log.error("construct", k.label + " was constructed; want value_error " + k.sqlstate);
    } catch (const model::value_error& e) {
      if (e.sqlstate() == k.sqlstate) {
        ++report.refused_at_construction;
      } else {
        ++report.unexpected_outcomes;
        log.error("construct", k.label + ": value_error " + e.sqlstate() + ", want " + k.sqlstate);
      }
    }
  }

  differential_table<T, Decl> t{b, g};
  t.write_through_gatherdb();
  t.write_through_literals();
  for (std::size_t i = 0; i < t.samples().size(); ++i) {
    const auto& s = t.samples()[i];
    const bool holds = held(s, b, Decl::value).has_value();
    if (const auto& r = t.write_refusal(i)) {
      ++report.refusals[r->path + " " + (r->sqlstate.empty() ? "-" : r->sqlstate) + " " +
                        r->category];
      const bool right = r->category == refusal_category(s, b) && !holds &&
                         (s.refused_with.empty() || r->sqlstate == s.refused_with);
      if (right)
        continue;
      if (const auto f = explain_stored(s, b, r->category, Decl::value)) {
        log.known(*f);
        continue;
      }
      ++report.unexpected_outcomes;
      log.error("write", s.label + " " + show(s.value) + " refused: " + r->message +
                             (holds ? " (the backend holds it: the literal path stores it)" : ""));
    } else {
      ++report.written_by_gatherdb;
      if (holds)
        continue;
      if (const auto f = explain_stored(s, b, std::nullopt, Decl::value)) {
        log.known(*f);
        continue;
      }
      ++report.unexpected_outcomes;
      log.error("write", s.label + " " + show(s.value) +
                             " was accepted although the backend cannot hold it exactly");
    }
  }
  for (const auto& [i, r] : t.literal_refusals()) {
    ++report.refusals[r.path + " " + r.sqlstate + " " + r.category];
    if (r.category != "data" || r.sqlstate != t.samples()[i].refused_with) {
      ++report.unexpected_outcomes;
      log.error("literal", t.samples()[i].label + " refused as SQL text: " + r.message);
    }
  }
  for (const auto& [i, r] : t.refused_literals()) {
    ++report.unexpected_outcomes;
    log.error("literal",
              t.samples()[i].label + " " + show(t.samples()[i].value) +
                  ": gatherdb stored it, the database refuses its literal: " + r.message);
  }
  for (const auto& [id, origin] : t.rows())
    report.written_by_literal += origin.by == writer::literal ? 1 : 0;
  report.without_literal = t.without_literal();

  check_reads_through_gatherdb(t, log, report.read_by_gatherdb);
  check_database_text(t, log, report.read_as_text);
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  summary::instance().update(type, b, [&](type_report& r) {
    const auto lookups = std::make_tuple(r.single, r.batched, r.coalesced, r.absent_keys);
    const auto seconds = r.seconds;
    auto known = r.known;
    r = report;
    std::tie(r.single, r.batched, r.coalesced, r.absent_keys) = lookups;
    r.seconds += seconds;
    for (const auto& [id, n] : log.known())
      known[id] += n;
    r.known = known;
  });
  BOOST_TEST(report.mismatches() == 0u, type << " on " << b << ": " << report.mismatches()
                                             << " mismatches (see the messages above)");
}

} // namespace
} // namespace gatherdb::differential

using gatherdb::differential::check_round_trips;
using gatherdb::differential::decl;
using gatherdb::test::all_backends;
namespace model = gatherdb::model;

BOOST_AUTO_TEST_SUITE(differential_round_trip)

BOOST_DATA_TEST_CASE(int64_values, all_backends, backend) {
  check_round_trips<std::int64_t>(backend);
}
BOOST_DATA_TEST_CASE(double_values, all_backends, backend) {
  check_round_trips<double>(backend);
}
BOOST_DATA_TEST_CASE(text_values, all_backends, backend) {
  check_round_trips<std::string>(backend);
}
BOOST_DATA_TEST_CASE(bytes_values, all_backends, backend) {
  check_round_trips<model::bytes>(backend);
}
BOOST_DATA_TEST_CASE(date_values, all_backends, backend) {
  check_round_trips<model::date>(backend);
}
BOOST_DATA_TEST_CASE(time_values, all_backends, backend) {
  check_round_trips<model::time_of_day>(backend);
}
BOOST_DATA_TEST_CASE(timestamp_values, all_backends, backend) {
  check_round_trips<model::timestamp>(backend);
}
BOOST_DATA_TEST_CASE(timestamptz_values, all_backends, backend) {
  check_round_trips<model::timestamptz>(backend);
}
BOOST_DATA_TEST_CASE(decimal_values, all_backends, backend) {
  check_round_trips<model::decimal>(backend);
}
BOOST_DATA_TEST_CASE(declared_decimal_values, all_backends, backend) {
  check_round_trips<model::decimal, decl<38, 10>>(backend);
}
BOOST_DATA_TEST_CASE(uuid_values, all_backends, backend) {
  check_round_trips<model::uuid>(backend);
}
BOOST_DATA_TEST_CASE(json_values, all_backends, backend) {
  check_round_trips<model::json_text>(backend);
}

BOOST_AUTO_TEST_SUITE_END()
