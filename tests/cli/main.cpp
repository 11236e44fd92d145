#define BOOST_TEST_MODULE gatherdb_cli_tests
#include <boost/test/unit_test.hpp>
