#include "gatherdb/model/date.hpp"

#include <string>

#include "gatherdb/model/value_error.hpp"

namespace gatherdb::model {

date date::from_days(std::int64_t days) {
  if (days < min_days || days > max_days)
    throw value_error("22008", "date out of range (years 1 to 9999): " + std::to_string(days) +
                                   " days after 1970-01-01");
  date d;
  d.days_ = days;
  return d;
}

date date::from_ymd(std::int64_t year, unsigned month, unsigned day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > detail::days_in_month(year, month))
    throw value_error("22008", "not a date of years 1 to 9999: " + std::to_string(year) + "-" +
                                   std::to_string(month) + "-" + std::to_string(day));
  return from_days(detail::days_from_civil(year, month, day));
}

} // namespace gatherdb::model
