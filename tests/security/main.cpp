#define BOOST_TEST_MODULE gatherdb_security_tests
#include <boost/test/unit_test.hpp>
