#include "gatherdb/model/json_text.hpp"

// Header-only and used for validation alone, so the model library gains no link dependency.
#include <nlohmann/json.hpp>

#include "gatherdb/model/utf8.hpp"
#include "gatherdb/model/value_error.hpp"

namespace gatherdb::model {

json_text json_text::parse(std::string_view text) {
  // nlohmann accepts some ill-formed UTF-8 inside strings; the drivers refuse it anyway.
  if (const auto at = invalid_utf8_offset(text); at != std::string_view::npos)
    throw value_error("22021", "JSON text is not well-formed UTF-8 at byte offset " +
                                   std::to_string(at));
  if (text.find('\0') != std::string_view::npos || !nlohmann::json::accept(text))
    throw value_error("22P02", "not a JSON document");
  json_text j;
  j.text_.assign(text.data(), text.size());
  return j;
}

} // namespace gatherdb::model
