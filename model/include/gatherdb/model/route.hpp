#pragma once

#include <string_view>

namespace gatherdb::model {

/// The route of a statement that names none: the database of a client without routes. Objects
/// read through it carry no identity token, so a program without routes never sees one.
inline constexpr std::string_view default_route = "default";

} // namespace gatherdb::model
