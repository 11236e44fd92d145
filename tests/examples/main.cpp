#define BOOST_TEST_MODULE gatherdb_example_tests
#include <boost/test/unit_test.hpp>
