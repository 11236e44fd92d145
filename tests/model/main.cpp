#define BOOST_TEST_MODULE gatherdb_model_tests
#include <boost/test/unit_test.hpp>
