#include "node_wire.hpp"

#include <limits>

#include "gatherdb/model/detail/byte_codec.hpp"

namespace gatherdb::actors::detail {

namespace {

constexpr std::string_view magic = "GDBN";
enum class kind : std::uint8_t { hello = 1, welcome, chunk, outcomes };

class writer : public model::detail::byte_writer {
public:
  explicit writer(kind k) {
    bytes(magic.data(), magic.size());
    number<std::uint32_t>(node_wire_version);
    number<std::uint8_t>(static_cast<std::uint8_t>(k));
  }
};

class reader : public model::detail::byte_reader {
public:
  explicit reader(std::string_view in) : byte_reader(in, "node message") {}
  /// Reads the header; returns the version, after checking the kind when it is ours.
  std::uint32_t header(kind k) {
    if (bytes(magic.size()) != magic)
      throw model::codec_error("not a gatherdb node message (bad magic)");
    const auto version = number<std::uint32_t>();
    if (version == node_wire_version && number<std::uint8_t>() != static_cast<std::uint8_t>(k))
      fail("of an unexpected kind");
    return version;
  }
  void header_of_this_version(kind k) {
    if (auto v = header(k); v != node_wire_version)
      fail("of wire version " + std::to_string(v) + ", this side speaks " +
           std::to_string(node_wire_version));
  }
};

// Parameters travel as a frozen result of one row, one column per parameter: its checked
// decoder then vouches for every value (ranges, UUID sizes, canonical decimals, valid JSON).
void write_values(writer& w, const std::vector<model::value>& values) {
  std::vector<model::column_info> columns(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    columns[i].type = values[i].type();
  std::vector<model::row_chunk> chunks;
  if (!values.empty()) {
    model::row_chunk row{columns};
    for (std::size_t i = 0; i < values.size(); ++i)
      row.column(i).push(values[i]);
    row.finish_row();
    chunks.push_back(std::move(row));
  }
  w.text(model::encode_frozen_result(model::frozen_result_data{columns, std::move(chunks)}));
}

std::vector<model::value> read_values(reader& r) {
  const auto bytes = r.bytes(r.number<std::uint32_t>());
  const auto values = model::decode_frozen_result(bytes);
  std::vector<model::value> out;
  const auto n = values->columns().size();
  if (n == 0)
    return out;
  if (values->row_count() != 1)
    throw model::codec_error("node message has parameters that are not one row");
  out.reserve(n);
  const auto row = values->row(0);
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(row.at(i));
  return out;
}

void write_shape(writer& w, const model::coalesced_shape& s) {
  w.text(s.head);
  w.text(s.next_row);
  w.text(s.middle);
  w.number<std::uint8_t>(s.key_list ? 1 : 0);
  w.number<std::uint8_t>(s.index_literal ? 1 : 0);
  w.text(s.tail);
  write_values(w, s.tail_params);
}

model::coalesced_shape read_shape(reader& r) {
  model::coalesced_shape s;
  s.head = r.text();
  s.next_row = r.text();
  s.middle = r.text();
  s.key_list = r.flag();
  s.index_literal = r.flag();
  s.tail = r.text();
  s.tail_params = read_values(r);
  return s;
}

} // namespace

std::string encode_hello() {
  return writer{kind::hello}.take();
}

std::uint32_t decode_hello(std::string_view bytes) {
  reader r{bytes};
  return r.header(kind::hello);
}

std::string encode_welcome(const node_welcome& welcome) {
  writer w{kind::welcome};
  w.number<std::uint32_t>(static_cast<std::uint32_t>(welcome.routes.size()));
  for (const auto& [name, d] : welcome.routes) {
    w.text(name);
    w.number<std::uint8_t>(static_cast<std::uint8_t>(d));
  }
  return w.take();
}

node_welcome decode_welcome(std::string_view bytes) {
  reader r{bytes};
  node_welcome out;
  out.version = r.header(kind::welcome);
  if (out.version != node_wire_version)
    return out;
  const auto n = r.count(5);
  for (std::size_t i = 0; i < n; ++i) {
    auto name = r.text();
    auto d = r.enumerator(model::dialect::other, "dialect");
    out.routes.emplace_back(std::move(name), d);
  }
  r.finish();
  return out;
}

std::string encode_chunk(const node_chunk& c) {
  writer w{kind::chunk};
  w.number<std::uint64_t>(c.request);
  w.text(c.route);
  w.number<std::uint32_t>(static_cast<std::uint32_t>(c.shapes.size()));
  for (const auto& s : c.shapes)
    write_shape(w, s);
  w.number<std::uint32_t>(static_cast<std::uint32_t>(c.items.size()));
  for (const auto& item : c.items) {
    w.number<std::uint64_t>(item.gather);
    w.number<std::uint64_t>(item.remaining_us);
    w.number<std::uint32_t>(item.gather_size);
    w.number<std::uint32_t>(item.index);
    w.number<std::uint8_t>(item.idempotent ? 1 : 0);
    w.number<std::int32_t>(item.shape);
    w.text(item.sql.sql);
    write_values(w, item.sql.params);
  }
  return w.take();
}

node_chunk decode_chunk(std::string_view bytes) {
  reader r{bytes};
  r.header_of_this_version(kind::chunk);
  node_chunk out;
  out.request = r.number<std::uint64_t>();
  out.route = r.text();
  out.shapes.resize(r.count(21));
  for (auto& s : out.shapes)
    s = read_shape(r);
  out.items.resize(r.count(33));
  for (auto& item : out.items) {
    item.gather = r.number<std::uint64_t>();
    item.remaining_us = r.number<std::uint64_t>();
    item.gather_size = r.number<std::uint32_t>();
    item.index = r.number<std::uint32_t>();
    item.idempotent = r.flag();
    item.shape = r.number<std::int32_t>();
    if (item.shape < -1 || item.shape >= static_cast<std::int64_t>(out.shapes.size()))
      throw model::codec_error("node message names a coalesced form it does not hold");
    item.sql.sql = r.text();
    item.sql.params = read_values(r);
  }
  r.finish();
  return out;
}

std::string encode_outcomes(const std::vector<node_outcome>& outcomes) {
  writer w{kind::outcomes};
  w.number<std::uint32_t>(static_cast<std::uint32_t>(outcomes.size()));
  for (const auto& o : outcomes) {
    w.number<std::uint32_t>(o.slot);
    w.number<std::uint8_t>(static_cast<std::uint8_t>(o.status));
    w.number<std::uint8_t>(static_cast<std::uint8_t>(o.error.source));
    w.text(o.error.info.sqlstate);
    w.number<std::int32_t>(o.error.info.native_code);
    w.text(o.error.info.message);
    w.number<std::uint8_t>(static_cast<std::uint8_t>(o.error.info.category));
    w.number<std::uint8_t>(o.error.info.retryable ? 1 : 0);
    const auto& m = o.metrics;
    w.number<std::uint32_t>(m.queue_wait_us);
    w.number<std::uint32_t>(m.execute_us);
    w.number<std::uint32_t>(m.fetch_us);
    w.number<std::uint8_t>(m.attempts);
    w.number<std::uint16_t>(m.batched);
    w.number<std::uint16_t>(m.coalesced);
    w.number<std::uint8_t>(m.fell_back ? 1 : 0);
    w.number<std::uint8_t>(o.rows ? 1 : 0);
    if (o.rows)
      w.text(model::encode_frozen_result(*o.rows));
  }
  return w.take();
}

std::vector<node_outcome> decode_outcomes(std::string_view bytes) {
  reader r{bytes};
  r.header_of_this_version(kind::outcomes);
  std::vector<node_outcome> out(r.count(36));
  for (auto& o : out) {
    o.slot = r.number<std::uint32_t>();
    o.status = r.enumerator(outcome_status::cancelled, "outcome status");
    o.error.source = r.enumerator(error_source::node, "error source");
    o.error.info.sqlstate = r.text();
    o.error.info.native_code = r.number<std::int32_t>();
    o.error.info.message = r.text();
    o.error.info.category = r.enumerator(drivers::error_category::other, "error category");
    o.error.info.retryable = r.flag();
    auto& m = o.metrics;
    m.queue_wait_us = r.number<std::uint32_t>();
    m.execute_us = r.number<std::uint32_t>();
    m.fetch_us = r.number<std::uint32_t>();
    m.attempts = r.number<std::uint8_t>();
    m.batched = r.number<std::uint16_t>();
    m.coalesced = r.number<std::uint16_t>();
    m.fell_back = r.flag();
    if (r.flag())
      o.rows = model::decode_frozen_result(r.bytes(r.number<std::uint32_t>()));
  }
  r.finish();
  return out;
}

} // namespace gatherdb::actors::detail
