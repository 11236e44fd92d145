#include "canned_outcomes.hpp"

namespace gatherdb::actors::detail {

work_done stopped_outcome(const gather_control& control) {
  work_done d;
  d.status = outcome_status::cancelled;
  const bool shutdown = control.shutting_down.load(std::memory_order_acquire);
  d.error.source = shutdown ? error_source::shutdown : error_source::database;
  d.error.info = drivers::error_info{"HY008", 0,
                                     shutdown ? "cancelled: the client is shutting down"
                                              : "cancelled: the gather failed",
                                     drivers::error_category::cancelled, false};
  return d;
}

work_done pool_exhausted_outcome(std::string message) {
  work_done d;
  d.status = outcome_status::failed;
  d.error = {error_source::pool_exhausted,
             {"HYT00", 0, std::move(message), drivers::error_category::timeout, true}};
  return d;
}

work_done deadline_expired_outcome() {
  work_done d;
  d.status = outcome_status::cancelled;
  d.error = {error_source::database,
             {"HYT00", 0, "deadline expired before the statement ran to completion",
              drivers::error_category::timeout, false}};
  return d;
}

} // namespace gatherdb::actors::detail
