#pragma once

#include <caf/actor_system_config.hpp>

#include "gatherdb/actors/settings.hpp"

namespace gatherdb::actors::detail {

/// Loads CAF's openssl manager into `cfg` (after its io middleman) with `tls`'s files, which turns
/// mutual TLS on for every connection of the actor system. Checks the files first: CAF aborts
/// on one it cannot read. Throws `std::invalid_argument` naming the file (never its contents)
/// when one is missing or unreadable, or when not all three are given.
void enable_node_tls(caf::actor_system_config& cfg, const tls_settings& tls);

} // namespace gatherdb::actors::detail
