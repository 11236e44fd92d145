#pragma once
// The little-endian primitives of gatherdb's binary formats (frozen results, node messages):
// a writer, and a reader that never reads past its input. Thread-safety: value types.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "gatherdb/model/frozen_result_codec.hpp"

namespace gatherdb::model::detail {

/// Appends numbers (little-endian, of their own width) and length-prefixed text to a buffer.
class byte_writer {
public:
  void bytes(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  template <class T>
  void number(T x) {
    static_assert(sizeof(T) <= 8);
    unsigned char buf[sizeof(T)];
    std::uint64_t u = 0;
    std::memcpy(&u, &x, sizeof(T));
    for (std::size_t i = 0; i < sizeof(T); ++i)
      buf[i] = static_cast<unsigned char>(u >> (8 * i));
    bytes(buf, sizeof(T));
  }
  /// A 32-bit length, then the characters.
  void text(std::string_view s) {
    number<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    bytes(s.data(), s.size());
  }
  [[nodiscard]] std::string take() noexcept { return std::move(out_); }

private:
  std::string out_;
};

/// Reads what `byte_writer` wrote from bytes it does not own (`in` must outlive it). Every
/// read checks the bounds first and throws `codec_error`, naming `what` ("node message"),
/// instead of reading past the input.
class byte_reader {
public:
  byte_reader(std::string_view in, std::string_view what) : in_(in), what_(what) {}

  [[noreturn]] void fail(std::string_view why) const {
    throw codec_error(std::string{what_} + " " + std::string{why});
  }
  std::string_view bytes(std::size_t n) {
    if (n > in_.size() - pos_)
      fail("is truncated");
    auto out = in_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  template <class T>
  T number() {
    static_assert(sizeof(T) <= 8);
    auto b = bytes(sizeof(T));
    std::uint64_t u = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
      u |= static_cast<std::uint64_t>(static_cast<unsigned char>(b[i])) << (8 * i);
    T x;
    std::memcpy(&x, &u, sizeof(T));
    return x;
  }
  std::string text() { return std::string{bytes(number<std::uint32_t>())}; }
  bool flag() {
    auto x = number<std::uint8_t>();
    if (x > 1)
      fail("has a flag that is neither 0 nor 1");
    return x != 0;
  }
  /// An enumerator (one byte) no greater than `last`.
  template <class E>
  E enumerator(E last, std::string_view name) {
    auto x = number<std::uint8_t>();
    if (x > static_cast<std::uint8_t>(last))
      fail("has an unknown " + std::string{name});
    return static_cast<E>(x);
  }
  /// A count of items of at least `min_item_bytes` each: never more than the input can hold.
  std::size_t count(std::size_t min_item_bytes) {
    auto n = number<std::uint32_t>();
    if (min_item_bytes > 0 && n > remaining() / min_item_bytes)
      fail("declares more items than it holds");
    return n;
  }
  /// Throws unless every byte was read.
  void finish() const {
    if (pos_ != in_.size())
      fail("has trailing bytes");
  }
  [[nodiscard]] std::size_t remaining() const noexcept { return in_.size() - pos_; }

private:
  std::string_view in_;
  std::string_view what_;
  std::size_t pos_ = 0;
};

} // namespace gatherdb::model::detail
