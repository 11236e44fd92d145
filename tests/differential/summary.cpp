#include "summary.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/test/unit_test.hpp>

#include "value_generators.hpp"

namespace gatherdb::differential {

summary& summary::instance() {
  static summary s;
  return s;
}

void summary::update(const std::string& type, test::backend b,
                     const std::function<void(type_report&)>& f) {
  std::lock_guard<std::mutex> lock{mutex_};
  const auto key = std::make_pair(type, b);
  auto it = reports_.find(key);
  if (it == reports_.end()) {
    order_.push_back(key);
    it = reports_.emplace(key, type_report{}).first;
  }
  f(it->second);
}

namespace {

std::string lookup_cell(const lookup_counts& c) {
  if (!c.ran)
    return "n/a";
  return std::to_string(c.statements) + " / " + std::to_string(c.shared) + " / " +
         std::to_string(c.refused) + " / " + std::to_string(c.mismatches);
}

std::string path_cell(const path_counts& c) {
  return std::to_string(c.checks) + " / " + std::to_string(c.mismatches);
}

std::string counted_cell(const std::map<std::string, std::size_t>& counts) {
  if (counts.empty())
    return "none";
  std::string out;
  for (const auto& [why, n] : counts)
    out += (out.empty() ? "" : "; ") + why + " x" + std::to_string(n);
  return out;
}

} // namespace

std::string summary::markdown() const {
  std::lock_guard<std::mutex> lock{mutex_};
  std::ostringstream out;
  out << "Differential run, seed " << run_seed()
      << " (GATHERDB_DIFFERENTIAL_SEED). Reads: checks / mismatches; lookups: statements / "
         "shared a batch or coalesced statement / refused (typed `data`) / mismatches; known "
         "findings: mismatches explained by a finding of tests/differential/known_findings.hpp "
         "(each reproduced by differential_findings).\n\n"
      << "| type | backend | values (+absent keys) | refused at construction | written by "
         "gatherdb / by literal (no literal) | refused on write: path SQLSTATE category | "
         "unexpected outcomes | read via gatherdb | database text | single lookups | batched "
         "reads | coalesced lookups | known findings | seconds |\n"
      << "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& key : order_) {
    const auto& r = reports_.at(key);
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", r.seconds);
    out << "| " << key.first << " | " << test::to_string(key.second) << " | " << r.values << " (+"
        << r.absent_keys << ") | " << r.refused_at_construction << " | " << r.written_by_gatherdb
        << " / " << r.written_by_literal << " (" << r.without_literal << ") | "
        << counted_cell(r.refusals) << " | " << r.unexpected_outcomes << " | "
        << path_cell(r.read_by_gatherdb) << " | " << path_cell(r.read_as_text) << " | "
        << lookup_cell(r.single) << " | " << lookup_cell(r.batched) << " | "
        << lookup_cell(r.coalesced) << " | " << counted_cell(r.known) << " | " << seconds << " |\n";
  }
  return out.str();
}

void summary::publish() const {
  const auto table = markdown();
  std::istringstream lines{table};
  for (std::string line; std::getline(lines, line);)
    BOOST_TEST_MESSAGE(line);
  std::cout << table << std::flush;
  if (const char* path = std::getenv("GATHERDB_DIFFERENTIAL_REPORT"); path != nullptr && *path) {
    std::ofstream file{path};
    file << table;
    if (!file)
      std::cerr << "cannot write GATHERDB_DIFFERENTIAL_REPORT " << path << '\n';
  }
}

} // namespace gatherdb::differential
