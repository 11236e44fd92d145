#pragma once
// Reports mismatches as test errors, the first few of each path in full and the rest only
// counted, so that a systematic difference (every NaN, every long text) names its first cases
// without burying the run's other output; mismatches a known finding explains are counted
// under its id instead (known_findings.hpp).
//
// Thread-safety: not thread-safe; one per test case.

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include <boost/test/unit_test.hpp>

#include "known_findings.hpp"
#include "summary.hpp"
#include "support/backends.hpp"

namespace gatherdb::differential {

class mismatch_log {
public:
  /// Reported in full per path; the others are counted.
  static constexpr std::size_t shown_per_path = 12;

  mismatch_log(std::string type, test::backend b) : type_(std::move(type)), backend_(b) {}
  mismatch_log(const mismatch_log&) = delete;
  mismatch_log& operator=(const mismatch_log&) = delete;
  ~mismatch_log() {
    for (const auto& [path, n] : reported_)
      if (n > shown_per_path)
        BOOST_TEST_MESSAGE(type_ << " on " << backend_ << ", " << path << ": " << n - shown_per_path
                                 << " more mismatches not shown");
  }

  /// Counts one mismatch of `counts` and reports it, unless a known finding explains it:
  /// then it is counted under the finding's id (`known()`).
  template <class Counts>
  void report(Counts& counts, const std::string& path, const std::string& what,
              const std::optional<finding>& explained = std::nullopt) {
    if (explained) {
      ++known_[id_of(*explained)];
      BOOST_TEST_MESSAGE(type_ << " on " << backend_ << ", " << path << ": " << what << " ["
                               << id_of(*explained) << "]");
      return;
    }
    ++counts.mismatches;
    error(path, what);
  }

  /// Counts an outcome a known finding explains.
  void known(finding f) { ++known_[id_of(f)]; }

  /// Outcomes explained by known findings, by id.
  [[nodiscard]] const std::map<std::string, std::size_t>& known() const noexcept { return known_; }

  /// Reports without counting (the caller counts).
  void error(const std::string& path, const std::string& what) {
    if (++reported_[path] <= shown_per_path)
      BOOST_ERROR(type_ << " on " << backend_ << ", " << path << ": " << what);
  }

private:
  std::string type_;
  test::backend backend_;
  std::map<std::string, std::size_t> reported_;
  std::map<std::string, std::size_t> known_;
};

} // namespace gatherdb::differential
