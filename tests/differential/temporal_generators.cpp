// Dates, times of day, timestamps and timestamptz values: years 1 and 9999, leap days, the
// days around the Gregorian switch and the 32-bit epoch limits, midnight and the last
// microsecond, instants around daylight-saving changes, offsets from -12:00 to +14:00 (and
// one with seconds), then seeded random values and their one-microsecond neighbours.

#include <set>
#include <string>

#include "gatherdb/model/date.hpp"
#include "gatherdb/model/time_of_day.hpp"
#include "gatherdb/model/timestamp.hpp"
#include "gatherdb/model/timestamptz.hpp"

#include "civil.hpp"
#include "value_generators.hpp"

namespace gatherdb::differential {

namespace {

constexpr std::int64_t hour = 3'600 * micros_per_second;

std::int64_t at(std::int64_t y, unsigned m, unsigned d, std::int64_t h = 0, std::int64_t mi = 0,
                std::int64_t s = 0, std::int64_t us = 0) {
  return days_of(y, m, d) * micros_per_day + ((h * 60 + mi) * 60 + s) * micros_per_second + us;
}

// Stored instants (microseconds since 1970 on a clock without zones) shared by timestamps and
// timestamptz values: the edges, then random ones, half of them in whole seconds.
std::vector<std::pair<std::int64_t, std::string>> instants(random_source& r) {
  std::vector<std::pair<std::int64_t, std::string>> out = {
      {first_micro, "edge: 0001-01-01 00:00"},
      {first_micro + 1, "edge: year 1 plus 1 us"},
      {last_micro, "edge: 9999-12-31 23:59:59.999999"},
      {last_micro - 1, "edge: last but one"},
      {0, "edge: epoch"},
      {-1, "edge: epoch - 1 us"},
      {1, "edge: epoch + 1 us"},
      {at(2024, 3, 10, 2, 30), "edge: US spring-forward gap (local)"},
      {at(2024, 3, 10, 7, 0), "edge: US spring-forward (UTC)"},
      {at(2024, 11, 3, 1, 30), "edge: US fall-back overlap (local)"},
      {at(2024, 11, 3, 6, 0), "edge: US fall-back (UTC)"},
      {at(2024, 3, 31, 2, 30), "edge: EU spring-forward gap (local)"},
      {at(2024, 3, 31, 1, 0) - 1, "edge: EU spring-forward - 1 us (UTC)"},
      {at(2024, 3, 31, 1, 0), "edge: EU spring-forward (UTC)"},
      {at(2024, 10, 27, 2, 30), "edge: EU fall-back overlap (local)"},
      {at(2024, 10, 27, 1, 0), "edge: EU fall-back (UTC)"},
      {at(2024, 2, 29, 23, 59, 59, 999'999), "edge: leap day, last microsecond"},
      {at(2000, 2, 29), "edge: leap day 2000"},
      {at(1900, 3, 1), "edge: 1900 has no leap day"},
      {at(2038, 1, 19, 3, 14, 7), "edge: 32-bit time_t max"},
      {at(2038, 1, 19, 3, 14, 8), "edge: 32-bit time_t max + 1 s"},
      {at(1901, 12, 13, 20, 45, 52), "edge: 32-bit time_t min"},
      {at(1582, 10, 15), "edge: first Gregorian day"},
      {at(1582, 10, 4, 12), "edge: last Julian day (proleptic here)"},
  };
  for (int k = 0; k < 280 * random_scale; ++k) {
    auto x = r.between(first_micro, last_micro);
    if (k % 2 == 0)
      x -= (x % micros_per_second + micros_per_second) % micros_per_second;
    out.emplace_back(x, "random");
  }
  return out;
}

template <class T>
void add_construction_refusal(generated<T>& g, std::string label, std::function<void()> f) {
  g.refused_at_construction.push_back({std::move(label), "22008", std::move(f)});
}

} // namespace

template <>
generated<model::date> generate<model::date>(std::uint64_t seed) {
  random_source r{seed_for(seed, "date")};
  generated<model::date> g;
  std::set<std::int64_t> seen;
  auto make = [](std::int64_t days, std::string label) {
    return sample<model::date>{
        model::date::from_days(days), iso_date(days), std::move(label), {}, 0};
  };
  auto add = [&](std::int64_t days, std::string label) {
    if (seen.insert(days).second)
      g.stored.push_back(make(days, std::move(label)));
  };
  const std::int64_t edges[][3] = {
      {1, 1, 1},     {1, 1, 2},      {1, 12, 31},    {4, 2, 29},    {100, 2, 28},   {100, 3, 1},
      {400, 2, 29},  {1582, 10, 4},  {1582, 10, 15}, {1600, 2, 29}, {1899, 12, 31}, {1900, 2, 28},
      {1900, 3, 1},  {1969, 12, 31}, {1970, 1, 1},   {2000, 2, 29}, {2024, 2, 29},  {2038, 1, 19},
      {2100, 2, 28}, {2100, 3, 1},   {9996, 2, 29},  {9999, 1, 1},  {9999, 12, 30}, {9999, 12, 31},
  };
  for (const auto& e : edges)
    add(days_of(e[0], static_cast<unsigned>(e[1]), static_cast<unsigned>(e[2])),
        "edge: " +
            iso_date(days_of(e[0], static_cast<unsigned>(e[1]), static_cast<unsigned>(e[2]))));
  for (int k = 0; k < 300 * random_scale; ++k) {
    if (k % 5 == 0) {
      const auto y = r.between(1, 2499) * 4; // a leap day, or March 1st of a century year
      add(days_of(y, 2, is_leap_year(y) ? 29 : 28) + (is_leap_year(y) ? 0 : 1), "random leap day");
    } else {
      add(r.between(first_day, last_day), "random");
    }
  }
  for (std::size_t i = 0; i < 40; ++i)
    for (int d : {-1, 1}) {
      const auto days = g.stored[i].value.days_since_epoch() + d;
      if (days >= first_day && days <= last_day && seen.insert(days).second)
        g.absent.push_back(make(days, "neighbour"));
    }
  add_construction_refusal(g, "10000-01-01", [] { (void)model::date::from_ymd(10000, 1, 1); });
  add_construction_refusal(g, "0000-12-31", [] { (void)model::date::from_ymd(0, 12, 31); });
  add_construction_refusal(g, "1900-02-29", [] { (void)model::date::from_ymd(1900, 2, 29); });
  add_construction_refusal(g, "2023-02-29", [] { (void)model::date::from_ymd(2023, 2, 29); });
  add_construction_refusal(g, "2024-13-01", [] { (void)model::date::from_ymd(2024, 13, 1); });
  add_construction_refusal(g, "2024-04-31", [] { (void)model::date::from_ymd(2024, 4, 31); });
  add_construction_refusal(g, "day after 9999-12-31",
                           [] { (void)model::date::from_days(last_day + 1); });
  add_construction_refusal(g, "day before 0001-01-01",
                           [] { (void)model::date::from_days(first_day - 1); });
  return g;
}

template <>
generated<model::time_of_day> generate<model::time_of_day>(std::uint64_t seed) {
  random_source r{seed_for(seed, "time")};
  generated<model::time_of_day> g;
  std::set<std::int64_t> seen;
  auto make = [](std::int64_t us, std::string label) {
    return sample<model::time_of_day>{model::time_of_day::from_micros(us),
                                      iso_time(us, fraction_style::six),
                                      std::move(label),
                                      {},
                                      0};
  };
  auto add = [&](std::int64_t us, std::string label) {
    if (seen.insert(us).second)
      g.stored.push_back(make(us, std::move(label)));
  };
  for (std::int64_t us :
       {std::int64_t{0}, std::int64_t{1}, std::int64_t{999'999}, micros_per_second, 12 * hour,
        micros_per_day - micros_per_second, micros_per_day - 1, micros_per_day - 2,
        micros_per_second / 2, at(1970, 1, 1, 12, 34, 56, 789'012)})
    add(us, "edge");
  for (int k = 0; k < 300 * random_scale; ++k) {
    auto us = r.between(0, micros_per_day - 1);
    if (k % 3 == 0)
      us -= us % micros_per_second;
    add(us, "random");
  }
  for (std::size_t i = 0; i < 40; ++i)
    for (int d : {-1, 1}) {
      const auto us = g.stored[i].value.micros_since_midnight() + d;
      if (us >= 0 && us < micros_per_day && seen.insert(us).second)
        g.absent.push_back(make(us, "neighbour"));
    }
  add_construction_refusal(g, "24:00:00", [] { (void)model::time_of_day::from_hms(24, 0, 0); });
  add_construction_refusal(g, "23:60:00", [] { (void)model::time_of_day::from_hms(23, 60, 0); });
  add_construction_refusal(g, "23:59:60 (leap second)",
                           [] { (void)model::time_of_day::from_hms(23, 59, 60); });
  add_construction_refusal(g, "1000000 us",
                           [] { (void)model::time_of_day::from_hms(0, 0, 0, 1'000'000); });
  add_construction_refusal(g, "-1 us", [] { (void)model::time_of_day::from_micros(-1); });
  add_construction_refusal(g, "one day",
                           [] { (void)model::time_of_day::from_micros(micros_per_day); });
  return g;
}

template <>
generated<model::timestamp> generate<model::timestamp>(std::uint64_t seed) {
  random_source r{seed_for(seed, "timestamp")};
  generated<model::timestamp> g;
  std::set<std::int64_t> seen;
  auto make = [](std::int64_t us, std::string label) {
    return sample<model::timestamp>{model::timestamp::from_micros(us),
                                    iso_timestamp(us, fraction_style::six),
                                    std::move(label),
                                    {},
                                    0};
  };
  for (auto& [us, label] : instants(r))
    if (seen.insert(us).second)
      g.stored.push_back(make(us, label));
  for (std::size_t i = 0; i < 40; ++i)
    for (std::int64_t d : {std::int64_t{-1}, std::int64_t{1}, hour}) {
      const auto us = g.stored[i].value.micros_since_epoch() + d;
      if (us >= first_micro && us <= last_micro && seen.insert(us).second)
        g.absent.push_back(make(us, "neighbour"));
    }
  add_construction_refusal(g, "after 9999-12-31 23:59:59.999999",
                           [] { (void)model::timestamp::from_micros(last_micro + 1); });
  add_construction_refusal(g, "before 0001-01-01",
                           [] { (void)model::timestamp::from_micros(first_micro - 1); });
  return g;
}

template <>
generated<model::timestamptz> generate<model::timestamptz>(std::uint64_t seed) {
  random_source r{seed_for(seed, "timestamptz")};
  generated<model::timestamptz> g;
  std::set<std::int64_t> seen;
  // Offsets the literals are written in: whole hours, half and quarter hours, the extremes,
  // and a local mean time with seconds (New York's before 1883).
  const std::int64_t offsets[] = {0,       3'600,      -5 * 3'600,  19'800,  20'700,
                                  -12'600, 14 * 3'600, -12 * 3'600, -17'762, 9 * 3'600};
  std::size_t k = 0;
  auto make = [&](std::int64_t us, std::string label) {
    auto offset = offsets[k++ % std::size(offsets)];
    const auto local = us + offset * micros_per_second;
    if (local < first_micro || local > last_micro)
      offset = 0; // a literal's local time must be a date of years 1 to 9999 too
    return sample<model::timestamptz>{model::timestamptz::from_micros(us),
                                      iso_timestamp(us, fraction_style::six),
                                      std::move(label),
                                      {},
                                      offset};
  };
  for (auto& [us, label] : instants(r))
    if (seen.insert(us).second)
      g.stored.push_back(make(us, label));
  for (std::size_t i = 0; i < 40; ++i)
    for (std::int64_t d : {std::int64_t{-1}, std::int64_t{1}, hour}) {
      const auto us = g.stored[i].value.micros_since_epoch() + d;
      if (us >= first_micro && us <= last_micro && seen.insert(us).second)
        g.absent.push_back(make(us, "neighbour"));
    }
  add_construction_refusal(g, "after 9999-12-31 23:59:59.999999 UTC",
                           [] { (void)model::timestamptz::from_micros(last_micro + 1); });
  add_construction_refusal(g, "before 0001-01-01 UTC",
                           [] { (void)model::timestamptz::from_micros(first_micro - 1); });
  return g;
}

} // namespace gatherdb::differential
