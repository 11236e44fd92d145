#pragma once
// How Boost.Test prints the operands of a failed check on the model's value types (found by
// ADL): in the SQL-literal form `to_string(value)` gives them, so a failure shows the dates.

#include <ostream>

#include "gatherdb/model/dialect.hpp"
#include "gatherdb/model/value.hpp"

namespace gatherdb::model {

inline std::ostream& boost_test_print_type(std::ostream& os, value_type t) {
  return os << to_string(t);
}
inline std::ostream& boost_test_print_type(std::ostream& os, dialect d) {
  return os << to_string(d);
}
inline std::ostream& boost_test_print_type(std::ostream& os, date x) {
  return os << value{x};
}
inline std::ostream& boost_test_print_type(std::ostream& os, time_of_day x) {
  return os << value{x};
}
inline std::ostream& boost_test_print_type(std::ostream& os, timestamp x) {
  return os << value{x};
}
inline std::ostream& boost_test_print_type(std::ostream& os, timestamptz x) {
  return os << value{x};
}
inline std::ostream& boost_test_print_type(std::ostream& os, const decimal& x) {
  return os << value{x};
}
inline std::ostream& boost_test_print_type(std::ostream& os, const uuid& x) {
  return os << value{x};
}
inline std::ostream& boost_test_print_type(std::ostream& os, const json_text& x) {
  return os << value{x};
}

} // namespace gatherdb::model
