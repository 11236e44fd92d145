#pragma once
// The typed interface a gatherdb node publishes through CAF's io middleman. Its messages hold
// only atoms, integers and strings (the bytes of `node_wire.hpp`), which every CAF node can
// (de)serialize without registering a type, so that neither side's type list can drift.

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

namespace gatherdb::actors::detail {

using node_hello_atom = caf::atom_constant<caf::atom("nhello")>;
using node_run_atom = caf::atom_constant<caf::atom("nrun")>;
using node_stop_atom = caf::atom_constant<caf::atom("nstop")>;
/// From a node to the client actor that sent a chunk: outcomes of it that are ready before the
/// whole chunk is, `(node_part_atom, request, outcomes)`.
using node_part_atom = caf::atom_constant<caf::atom("npart")>;

/// A gatherdb node: `node_hello_atom` with a hello answers a welcome (the handshake);
/// `node_run_atom` with a chunk answers its outcomes once every statement of it has ended;
/// `node_stop_atom` with a gather token stops the statements of that gather that the sending
/// client's process placed on the node.
using node_actor =
    caf::typed_actor<caf::replies_to<node_hello_atom, std::string>::with<std::string>,
                     caf::replies_to<node_run_atom, std::string>::with<std::string>,
                     caf::reacts_to<node_stop_atom, std::uint64_t>>;

} // namespace gatherdb::actors::detail
