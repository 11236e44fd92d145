#include "gatherdb/model/timestamptz.hpp"

namespace gatherdb::model {

timestamptz timestamptz::from_micros(std::int64_t micros_since_epoch) {
  return from_utc(timestamp::from_micros(micros_since_epoch));
}

} // namespace gatherdb::model
