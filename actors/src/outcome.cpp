#include "gatherdb/actors/outcome.hpp"

#include "gatherdb/actors/gather_options.hpp"

namespace gatherdb::actors {

std::string_view to_string(gather_mode m) noexcept {
  return m == gather_mode::fail_fast ? "fail_fast" : "collect";
}

std::string_view to_string(outcome_status s) noexcept {
  switch (s) {
  case outcome_status::ok:
    return "ok";
  case outcome_status::failed:
    return "failed";
  case outcome_status::cancelled:
    return "cancelled";
  }
  return "unknown";
}

std::string_view to_string(error_source s) noexcept {
  switch (s) {
  case error_source::none:
    return "none";
  case error_source::database:
    return "database";
  case error_source::merge:
    return "merge";
  case error_source::pool_exhausted:
    return "pool_exhausted";
  case error_source::shutdown:
    return "shutdown";
  case error_source::route:
    return "route";
  case error_source::node:
    return "node";
  }
  return "unknown";
}

std::string statement_error::to_string() const {
  std::string out{actors::to_string(source)};
  out += " error ";
  out += info.to_string();
  return out;
}

std::string gather_result::repr() const {
  std::string out = "[";
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    if (i > 0)
      out += ", ";
    if (outcomes[i].ok())
      out += outcomes[i].result.repr();
    else
      out += "None";
  }
  out += ']';
  return out;
}

} // namespace gatherdb::actors
