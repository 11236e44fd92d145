// The one translation unit of gatherdb_node_tests that defines the Boost.Test module.
#define BOOST_TEST_MODULE gatherdb_node_tests
#include <boost/test/unit_test.hpp>
