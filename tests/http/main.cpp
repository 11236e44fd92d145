#define BOOST_TEST_MODULE gatherdb_http_tests
#include <boost/test/unit_test.hpp>
