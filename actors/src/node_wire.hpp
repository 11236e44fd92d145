#pragma once
// What a client and a gatherdb node say to each other, as bytes: every message starts with
// the magic "GDBN" and the wire version, and the bytes travel as one string inside a CAF
// message, so that CAF only ever (de)serializes built-in types and the decoding of what came
// from another host is ours: checked against the input's size at every step (frozen results
// and parameters through `model::decode_frozen_result`), throwing `model::codec_error` for
// anything malformed.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gatherdb/actors/outcome.hpp"
#include "gatherdb/model/coalesced_shape.hpp"
#include "gatherdb/model/compiled_sql.hpp"
#include "gatherdb/model/dialect.hpp"
#include "gatherdb/model/frozen_result_codec.hpp"

namespace gatherdb::actors::detail {

/// The version of the messages below; a client and a node of other versions refuse each other
/// at the handshake, and each message carries it again. 2: a coalesced shape says whether its
/// rows' indexes are literals.
inline constexpr std::uint32_t node_wire_version = 2;

/// The node's answer to a client's hello: its wire version and the routes it serves, each
/// with its database's dialect (the client compiles statements for it).
struct node_welcome {
  std::uint32_t version = node_wire_version;
  std::vector<std::pair<std::string, model::dialect>> routes;
};

/// One statement of a chunk, compiled by the client for the node route's dialect.
struct node_item {
  /// The client's token for the item's gather: stops name it.
  std::uint64_t gather = 0;
  /// Microseconds left until its deadline when sent; 0: none.
  std::uint64_t remaining_us = 0;
  std::uint32_t gather_size = 1;
  std::uint32_t index = 0;
  bool idempotent = false;
  model::compiled_sql sql;
  /// Its coalesced form in the chunk's `shapes`; -1 when it is not coalescible.
  std::int32_t shape = -1;
};

/// Statements for one route of a node. The node answers the request with the outcomes it has
/// not sent yet; it sends the ones it has earlier (`node_part_atom`, naming `request`) as soon
/// as one fails, and every 50 ms while the chunk runs, so that fail_fast can stop the rest.
struct node_chunk {
  /// The client's id of the request that carries it.
  std::uint64_t request = 0;
  std::string route;
  std::vector<model::coalesced_shape> shapes;
  std::vector<node_item> items;
};

/// The end of one statement on a node.
struct node_outcome {
  /// Its item's position in the chunk.
  std::uint32_t slot = 0;
  outcome_status status = outcome_status::cancelled;
  statement_error error;
  statement_metrics metrics;
  model::frozen_result rows;
};

/// A client's hello: its wire version.
[[nodiscard]] std::string encode_hello();
/// The version a hello names (any version: the node answers with its own either way).
[[nodiscard]] std::uint32_t decode_hello(std::string_view bytes);

[[nodiscard]] std::string encode_welcome(const node_welcome& w);
/// Decodes the routes only when the version is `node_wire_version`; another version comes
/// back with no routes, for the caller to report.
[[nodiscard]] node_welcome decode_welcome(std::string_view bytes);

[[nodiscard]] std::string encode_chunk(const node_chunk& c);
[[nodiscard]] node_chunk decode_chunk(std::string_view bytes);

[[nodiscard]] std::string encode_outcomes(const std::vector<node_outcome>& outcomes);
[[nodiscard]] std::vector<node_outcome> decode_outcomes(std::string_view bytes);

} // namespace gatherdb::actors::detail
