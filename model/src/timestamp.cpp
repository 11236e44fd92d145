#include "gatherdb/model/timestamp.hpp"

#include <string>

#include "gatherdb/model/value_error.hpp"

namespace gatherdb::model {

namespace {

// Floor division: timestamps before 1970 have negative microseconds.
std::int64_t floor_days(std::int64_t micros) noexcept {
  auto d = micros / detail::micros_per_day;
  if (micros % detail::micros_per_day < 0)
    --d;
  return d;
}

} // namespace

timestamp timestamp::from_micros(std::int64_t micros) {
  if (micros < min_micros || micros > max_micros)
    throw value_error("22008", "timestamp out of range (years 1 to 9999): " +
                                   std::to_string(micros) + " microseconds after 1970-01-01");
  timestamp t;
  t.micros_ = micros;
  return t;
}

date timestamp::date_part() const {
  return date::from_days(floor_days(micros_));
}

time_of_day timestamp::time_part() const {
  return time_of_day::from_micros(micros_ - floor_days(micros_) * detail::micros_per_day);
}

} // namespace gatherdb::model
