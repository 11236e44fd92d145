#pragma once
// Boost.Test printers for the enumerations that the actors and fault suites check, so that a
// failed check shows `outcome_status = cancelled` rather than a number.
//
// Thread-safety: stateless.

#include <ostream>

#include <boost/test/tools/detail/print_helper.hpp>

#include "gatherdb/actors/outcome.hpp"
#include "gatherdb/drivers/error.hpp"

namespace boost::test_tools::tt_detail {
template <>
struct print_log_value<gatherdb::actors::outcome_status> {
  void operator()(std::ostream& os, gatherdb::actors::outcome_status s) {
    os << gatherdb::actors::to_string(s);
  }
};
template <>
struct print_log_value<gatherdb::actors::error_source> {
  void operator()(std::ostream& os, gatherdb::actors::error_source s) {
    os << gatherdb::actors::to_string(s);
  }
};
template <>
struct print_log_value<gatherdb::drivers::error_category> {
  void operator()(std::ostream& os, gatherdb::drivers::error_category c) {
    os << gatherdb::drivers::to_string(c);
  }
};
} // namespace boost::test_tools::tt_detail
