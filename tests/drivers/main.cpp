// The one translation unit of gatherdb_drivers_tests that defines the Boost.Test module.
#define BOOST_TEST_MODULE gatherdb_drivers_tests
#include <boost/test/unit_test.hpp>
