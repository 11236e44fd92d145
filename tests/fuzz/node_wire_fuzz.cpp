// libFuzzer target: what a gatherdb node receives from a client (a hello, a chunk) and what a
// client receives from a node (a welcome, outcomes) comes from another host. Decoding any bytes
// either throws codec_error or yields messages that encode and decode again to the same bytes
// (a fixpoint), whose parameters and rows read as values without throwing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "node_wire.hpp"

namespace wire = gatherdb::actors::detail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes{reinterpret_cast<const char*>(data), size};
  try {
    (void)wire::decode_hello(bytes);
  } catch (const gatherdb::model::codec_error&) {
  }
  try {
    (void)wire::decode_welcome(bytes);
  } catch (const gatherdb::model::codec_error&) {
  }
  try {
    auto chunk = wire::decode_chunk(bytes);
    auto once = wire::encode_chunk(chunk);
    if (wire::encode_chunk(wire::decode_chunk(once)) != once)
      std::abort();
    for (const auto& item : chunk.items)
      for (const auto& p : item.sql.params)
        (void)p.type();
  } catch (const gatherdb::model::codec_error&) {
  }
  try {
    auto outcomes = wire::decode_outcomes(bytes);
    auto once = wire::encode_outcomes(outcomes);
    if (wire::encode_outcomes(wire::decode_outcomes(once)) != once)
      std::abort();
    for (const auto& o : outcomes)
      if (o.rows)
        o.rows->for_each_row([](const gatherdb::model::row_ref& row) {
          for (std::size_t c = 0; c < row.size(); ++c)
            (void)row.at(c);
        });
  } catch (const gatherdb::model::codec_error&) {
  }
  return 0;
}
