// The one translation unit of gatherdb_actors_tests that defines the Boost.Test module.
#define BOOST_TEST_MODULE gatherdb_actors_tests
#include <boost/test/unit_test.hpp>
