#include "gatherdb/model/time_of_day.hpp"

#include <string>

#include "gatherdb/model/value_error.hpp"

namespace gatherdb::model {

time_of_day time_of_day::from_micros(std::int64_t micros) {
  if (micros < 0 || micros >= detail::micros_per_day)
    throw value_error("22008", "time of day out of range: " + std::to_string(micros) +
                                   " microseconds after midnight");
  time_of_day t;
  t.micros_ = micros;
  return t;
}

time_of_day time_of_day::from_hms(unsigned hour, unsigned minute, unsigned second,
                                  unsigned microsecond) {
  if (hour > 23 || minute > 59 || second > 59 || microsecond > 999'999)
    throw value_error("22008", "not a time of day: " + std::to_string(hour) + ":" +
                                   std::to_string(minute) + ":" + std::to_string(second) + "." +
                                   std::to_string(microsecond));
  return from_micros(((static_cast<std::int64_t>(hour) * 60 + minute) * 60 + second) * 1'000'000 +
                     microsecond);
}

} // namespace gatherdb::model
