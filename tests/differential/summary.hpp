#pragma once
// What the differential suites tried and found, per type and backend: values, rows written by
// gatherdb and by the oracle's literals, refusals by SQLSTATE and category, checks and
// mismatches of each path. Printed at the end of the run (BOOST_TEST_MESSAGE per row, the
// markdown table on stdout) and written as markdown to the file named by
// `GATHERDB_DIFFERENTIAL_REPORT` when set. Each process writes the rows of the suites it ran:
// run the whole executable once for the full table.
//
// Thread-safety: `summary` is safe to use from any thread (one mutex).

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "support/backends.hpp"

namespace gatherdb::differential {

/// Checks of one path and how many disagreed.
struct path_counts {
  std::size_t checks = 0;
  std::size_t mismatches = 0;
};

/// One way of running lookups (single runs, batched reads, coalesced lookups).
struct lookup_counts {
  bool ran = false;
  std::size_t statements = 0;
  /// Statements that shared a batch or a coalesced statement with others.
  std::size_t shared = 0;
  /// Keys refused with a typed `data` error (as they must be, or where the database has no
  /// literal for them either).
  std::size_t refused = 0;
  std::size_t mismatches = 0;
};

/// Everything about one type on one backend.
struct type_report {
  std::size_t values = 0;
  std::size_t absent_keys = 0;
  std::size_t refused_at_construction = 0;
  std::size_t written_by_gatherdb = 0;
  std::size_t written_by_literal = 0;
  /// Values the backend's SQL has no literal for (MariaDB's infinity, NaN outside PostgreSQL).
  std::size_t without_literal = 0;
  /// "<path> <SQLSTATE> <category>" -> count; paths: write, literal.
  std::map<std::string, std::size_t> refusals;
  /// Outcomes other than an exact round trip or a typed refusal of a value the backend cannot
  /// hold: refusals of values it holds, acceptances of values it cannot hold.
  std::size_t unexpected_outcomes = 0;
  /// Mismatches of every path that a known finding explains, by its id ("F1").
  std::map<std::string, std::size_t> known;
  path_counts read_by_gatherdb;
  path_counts read_as_text;
  lookup_counts single;
  lookup_counts batched;
  lookup_counts coalesced;
  double seconds = 0;

  [[nodiscard]] std::size_t mismatches() const noexcept {
    return unexpected_outcomes + read_by_gatherdb.mismatches + read_as_text.mismatches +
           single.mismatches + batched.mismatches + coalesced.mismatches;
  }
};

/// The run's collected reports, in the order first touched.
class summary {
public:
  [[nodiscard]] static summary& instance();

  /// Applies `f` to the report of `type` on `b` (created empty on first use).
  void update(const std::string& type, test::backend b, const std::function<void(type_report&)>& f);

  /// The markdown table of every report.
  [[nodiscard]] std::string markdown() const;

  /// Prints the table and writes `GATHERDB_DIFFERENTIAL_REPORT` when set.
  void publish() const;

private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, test::backend>> order_;
  std::map<std::pair<std::string, test::backend>, type_report> reports_;
};

} // namespace gatherdb::differential
