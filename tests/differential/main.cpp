// The one translation unit of gatherdb_differential_tests that defines the Boost.Test module:
// prints the seed first and the summary table last (summary.hpp).
#define BOOST_TEST_MODULE gatherdb_differential_tests
#include <iostream>

#include <boost/test/unit_test.hpp>

#include "summary.hpp"
#include "value_generators.hpp"

namespace {

struct seed_and_summary {
  seed_and_summary() {
    // On stdout as well as in the log: a failing run must be reproducible from its output.
    std::cout << "gatherdb differential seed: " << gatherdb::differential::run_seed()
              << " (set GATHERDB_DIFFERENTIAL_SEED to repeat or change it)" << std::endl;
  }
  ~seed_and_summary() { gatherdb::differential::summary::instance().publish(); }
};

} // namespace

BOOST_TEST_GLOBAL_FIXTURE(seed_and_summary);
