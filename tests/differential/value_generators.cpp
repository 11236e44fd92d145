// Numbers, text, bytes and UUIDs (temporal_generators.cpp and document_generators.cpp have the
// rest): the edges of each type, then seeded random values, then neighbours that are absent.

#include "value_generators.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include "gatherdb/model/uuid.hpp"

namespace gatherdb::differential {

std::uint64_t run_seed() {
  static const std::uint64_t seed = [] {
    const char* env = std::getenv("GATHERDB_DIFFERENTIAL_SEED");
    if (env != nullptr && *env != '\0')
      return static_cast<std::uint64_t>(std::strtoull(env, nullptr, 10));
    return std::uint64_t{20240229};
  }();
  return seed;
}

std::uint64_t seed_for(std::uint64_t seed, const char* name) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char* p = name; *p != '\0'; ++p)
    h = (h ^ static_cast<unsigned char>(*p)) * 1099511628211ull;
  return seed ^ h;
}

std::string hex_of(const model::bytes& b) {
  static const char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(2 * b.size());
  for (auto x : b) {
    out += digits[std::to_integer<unsigned>(x) >> 4];
    out += digits[std::to_integer<unsigned>(x) & 15];
  }
  return out;
}

namespace {

// Appends `s` to `out` unless a sample with the same canonical text (or, for numbers without
// one, the same bits) is already there, so that every stored key is distinct.
template <class T, class Key>
void add_unique(std::vector<sample<T>>& out, std::set<Key>& seen, const Key& key, sample<T> s) {
  if (seen.insert(key).second)
    out.push_back(std::move(s));
}

std::uint64_t bits_of(double x) {
  std::uint64_t b = 0;
  static_assert(sizeof b == sizeof x);
  std::memcpy(&b, &x, sizeof b);
  return b;
}

double double_of(std::uint64_t b) {
  double x = 0;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Whether `v` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, at most U+10FFFF).
bool valid_utf8(const std::string& v) {
  for (std::size_t i = 0; i < v.size();) {
    const auto c = static_cast<unsigned char>(v[i]);
    const std::size_t n = c < 0x80   ? 1
                          : c < 0xC2 ? 0
                          : c < 0xE0 ? 2
                          : c < 0xF0 ? 3
                          : c < 0xF5 ? 4
                                     : 0;
    if (n == 0 || i + n > v.size())
      return false;
    std::uint32_t cp = n == 1 ? c : c & (0xFFu >> (n + 1));
    for (std::size_t j = 1; j < n; ++j) {
      const auto cc = static_cast<unsigned char>(v[i + j]);
      if ((cc & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return false;
    i += n;
  }
  return true;
}

// A code point from a mix of scripts, marks and emoji, ASCII most often.
std::uint32_t random_code_point(random_source& r) {
  struct range {
    std::uint32_t first, last;
  };
  static const range ranges[] = {
      {0x20, 0x7E},       {0x20, 0x7E},       {0x20, 0x7E},       {0xA0, 0xFF},
      {0x0300, 0x036F},   {0x0391, 0x03C9},   {0x0410, 0x044F},   {0x05D0, 0x05EA},
      {0x0627, 0x064A},   {0x200B, 0x200F},   {0x202A, 0x202E},   {0x3040, 0x30FF},
      {0x4E00, 0x9FFF},   {0xAC00, 0xD7A3},   {0xE000, 0xE0FF},   {0xFE00, 0xFE0F},
      {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x10000, 0x100FF}, {0x1D400, 0x1D4FF},
  };
  const auto& g = ranges[r.below(std::size(ranges))];
  return g.first + static_cast<std::uint32_t>(r.below(g.last - g.first + 1));
}

sample<std::string> text_sample(std::string v, std::string label, std::string refused = {}) {
  sample<std::string> s;
  s.canonical = v;
  s.value = std::move(v);
  s.label = std::move(label);
  s.refused_with = std::move(refused);
  return s;
}

} // namespace

template <>
generated<std::int64_t> generate<std::int64_t>(std::uint64_t seed) {
  random_source r{seed_for(seed, "int64")};
  generated<std::int64_t> g;
  std::set<std::int64_t> seen;
  auto add = [&](std::int64_t x, std::string label) {
    add_unique(g.stored, seen, x, sample<std::int64_t>{x, {}, std::move(label), {}, 0});
  };
  constexpr auto lo = std::numeric_limits<std::int64_t>::min();
  constexpr auto hi = std::numeric_limits<std::int64_t>::max();
  for (auto x : {lo, lo + 1, -(std::int64_t{1} << 53) - 1, std::int64_t{-2147483649},
                 std::int64_t{-2147483648}, std::int64_t{-1}, std::int64_t{0}, std::int64_t{1},
                 std::int64_t{2147483647}, std::int64_t{2147483648}, std::int64_t{4294967296},
                 std::int64_t{1} << 53, (std::int64_t{1} << 53) + 1, hi - 1, hi})
    add(x, "edge");
  for (int k = 0; k < 300 * random_scale; ++k) {
    const auto width = 1 + r.below(64);
    auto x = static_cast<std::int64_t>(r.next() >> (64 - width));
    add(r.chance(50) ? x : -x - 1, "random");
  }
  for (const auto& s : std::vector<sample<std::int64_t>>(g.stored.begin(), g.stored.begin() + 60))
    for (auto d : {-1, 1})
      if ((d < 0 && s.value != lo) || (d > 0 && s.value != hi))
        if (seen.insert(s.value + d).second)
          g.absent.push_back({s.value + d, {}, "neighbour", {}, 0});
  return g;
}

template <>
generated<double> generate<double>(std::uint64_t seed) {
  random_source r{seed_for(seed, "double")};
  generated<double> g;
  std::set<std::uint64_t> seen;
  auto add = [&](double x, std::string label) {
    add_unique(g.stored, seen, bits_of(x), sample<double>{x, {}, std::move(label), {}, 0});
  };
  using lim = std::numeric_limits<double>;
  for (double x : {0.0,
                   -0.0,
                   lim::denorm_min(),
                   -lim::denorm_min(),
                   std::nextafter(lim::min(), 0.0),
                   lim::min(),
                   -lim::min(),
                   lim::max(),
                   lim::lowest(),
                   lim::epsilon(),
                   1.0,
                   -1.0,
                   1.0 + lim::epsilon(),
                   0.1,
                   0.2,
                   0.1 + 0.2,
                   1.0 / 3.0,
                   9007199254740992.0,
                   9007199254740994.0,
                   9223372036854775808.0,
                   1e300,
                   1e-300,
                   123456789.123456789,
                   3.141592653589793,
                   2.718281828459045,
                   5e-324 * 3,
                   1e308 * 1.5,
                   -2.5e-310})
    add(x, "edge");
  add(lim::infinity(), "edge: +infinity");
  add(-lim::infinity(), "edge: -infinity");
  add(lim::quiet_NaN(), "edge: NaN");
  for (int k = 0; k < 300 * random_scale; ++k) {
    double x = 0;
    switch (r.below(3)) {
    case 0: // any finite bit pattern
      do
        x = double_of(r.next());
      while (!std::isfinite(x));
      break;
    case 1: // a short decimal, as people write them
      x = static_cast<double>(r.between(-999999, 999999)) / std::pow(10.0, r.between(0, 8));
      break;
    default: // an integer beyond 2^53, where doubles skip integers
      x = static_cast<double>(static_cast<std::int64_t>(r.next() >> r.below(20)));
      break;
    }
    add(x, "random");
  }
  for (std::size_t i = 0; i < 80 && i < g.stored.size(); ++i) {
    const double x = g.stored[i].value;
    if (!std::isfinite(x))
      continue;
    for (double y : {std::nextafter(x, lim::infinity()), std::nextafter(x, -lim::infinity())})
      if (std::isfinite(y) && seen.insert(bits_of(y)).second)
        g.absent.push_back({y, {}, "neighbour", {}, 0});
  }
  return g;
}

template <>
generated<std::string> generate<std::string>(std::uint64_t seed) {
  random_source r{seed_for(seed, "text")};
  generated<std::string> g;
  std::set<std::string> seen;
  auto add = [&](sample<std::string> s) {
    const auto key = s.value;
    add_unique(g.stored, seen, key, std::move(s));
  };
  const char* edges[][2] = {
      {"", "empty"},
      {" ", "one space"},
      {"a", "a"},
      {"a ", "trailing space"},
      {" a", "leading space"},
      {"A", "capital"},
      {"e\xCC\x81", "e + combining acute (NFD)"},
      {"\xC3\xA9", "precomposed e acute (NFC)"},
      {"Z\xCC\xB6\xCD\x91\xCC\xA2\xCC\x9B", "stacked combining marks"},
      {"\xF0\x9F\x98\x80", "emoji"},
      {"\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7", "ZWJ family"},
      {"\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7", "flag"},
      {"\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", "skin tone"},
      {"\xE2\x80\x8F", "right-to-left mark"},
      {"abc\xE2\x80\xAE"
       "def",
       "right-to-left override"},
      {"\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7", "Arabic"},
      {"\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", "Hebrew"},
      {"\xEF\xBB\xBFx", "byte order mark"},
      {"\xEF\xBF\xBD", "replacement character"},
      {"\xEF\xBF\xBF", "U+FFFF"},
      {"\xF4\x8F\xBF\xBF", "U+10FFFF"},
      {"\xC2\x80\xDF\xBF\xE0\xA0\x80\xED\x9F\xBF\xEE\x80\x80\xF0\x90\x80\x80", "encoding edges"},
      {"\x01\x1F\x7F", "control characters"},
      {"a\tb\nc\rd", "tab, newline, return"},
      {"'", "quote"},
      {"''", "two quotes"},
      {"\\", "backslash"},
      {"\\'", "backslash quote"},
      {"%", "percent"},
      {"_", "underscore"},
      {"\"", "double quote"},
      {"'; DROP TABLE x; --", "injection"},
      {"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", "CJK"},
  };
  for (const auto& e : edges)
    add(text_sample(e[0], std::string{"edge: "} + e[1]));
  for (std::size_t n : {255, 256, 257, 8000, 8001, 65535, 65536})
    add(text_sample(std::string(n, 'x'), "edge: " + std::to_string(n) + " bytes"));
  {
    // One value of 1 MiB mixing every encoded length, so that a long read splits characters
    // across buffers.
    std::string big;
    const std::string unit = "a\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80"; // 1 + 2 + 3 + 4 bytes
    while (big.size() + unit.size() <= (1u << 20))
      big += unit;
    big.append((1u << 20) - big.size(), 'z');
    add(text_sample(std::move(big), "edge: 1 MiB"));
  }
  using namespace std::string_literals;
  const std::pair<std::string, const char*> refused[] = {
      {"a\0b"s, "NUL inside"},
      {"abc\0"s, "NUL at the end"},
      {"\0"s, "NUL alone"},
      {"\xC0\x80", "overlong NUL"},
      {"\x80", "lone continuation byte"},
      {"\xFF", "byte 0xFF"},
      {"\xC3", "truncated 2-byte sequence"},
      {"x\xE2\x82", "truncated 3-byte sequence"},
      {"\xED\xA0\x80", "lone high surrogate U+D800"},
      {"\xED\xBF\xBF", "lone low surrogate U+DFFF"},
      {"\xED\xA0\xBD\xED\xB8\x80", "surrogate pair in CESU-8"},
      {"\xF4\x90\x80\x80", "beyond U+10FFFF"},
      {"\xF8\x88\x80\x80\x80", "5-byte sequence"},
      {"\xE0\x80\xAF", "overlong slash"},
      {"ok\xED\xB0\x80", "trailing lone surrogate"},
  };
  for (const auto& [v, label] : refused)
    add(text_sample(v, std::string{"must refuse: "} + label, "22021"));
  for (int k = 0; k < 260 * random_scale; ++k) {
    std::string v;
    const auto length = r.below(k % 10 == 0 ? 400 : 24);
    for (std::uint64_t i = 0; i < length; ++i)
      append_utf8(v, random_code_point(r));
    add(text_sample(std::move(v), "random"));
  }
  for (int k = 0; k < 20; ++k) {
    // Valid text with one byte replaced by one that may break the encoding (whether it does
    // depends on where it lands: the sample says so only when it does).
    std::string v;
    for (int i = 0; i < 8; ++i)
      append_utf8(v, random_code_point(r));
    const char bad[] = {'\x80', '\xBF', '\xC0', '\xF5', '\xFE', '\0'};
    v[r.below(v.size())] = bad[r.below(std::size(bad))];
    const bool broken = v.find('\0') != std::string::npos || !valid_utf8(v);
    add(text_sample(std::move(v), broken ? "must refuse: random, broken" : "random, still valid",
                    broken ? "22021" : ""));
  }
  std::set<std::string> absent_seen = seen;
  for (std::size_t i = 0; i < g.stored.size() && g.absent.size() < 70; i += 3) {
    const auto& s = g.stored[i];
    if (!s.refused_with.empty() || s.value.size() > 400)
      continue;
    std::string upper = s.value;
    for (auto& c : upper)
      if (c >= 'a' && c <= 'z')
        c = static_cast<char>(c - 'a' + 'A');
    // Half of a string may end inside a character: then it is text that must be refused.
    for (auto v : {upper, s.value + " ", s.value + "x", s.value.substr(0, s.value.size() / 2)})
      if (absent_seen.insert(v).second)
        g.absent.push_back(valid_utf8(v) ? text_sample(v, "neighbour of " + s.label)
                                         : text_sample(v, "must refuse: cut " + s.label, "22021"));
  }
  return g;
}

template <>
generated<model::bytes> generate<model::bytes>(std::uint64_t seed) {
  random_source r{seed_for(seed, "bytes")};
  generated<model::bytes> g;
  std::set<std::string> seen;
  auto add = [&](model::bytes b, std::string label) {
    const auto hex = hex_of(b);
    add_unique(g.stored, seen, hex,
               sample<model::bytes>{std::move(b), hex, std::move(label), {}, 0});
  };
  add({}, "edge: empty");
  for (unsigned v = 0; v < 256; ++v)
    add({std::byte(v)}, "edge: one byte");
  model::bytes all;
  for (unsigned v = 0; v < 256; ++v)
    all.push_back(std::byte(v));
  add(all, "edge: all 256 values ascending");
  add(model::bytes(all.rbegin(), all.rend()), "edge: all 256 values descending");
  add(model::bytes(16, std::byte{0}), "edge: 16 NUL bytes");
  add(model::bytes(16, std::byte{0xFF}), "edge: 16 0xFF bytes");
  for (std::size_t n : {255, 257, 8001, 65536}) {
    model::bytes b(n);
    for (auto& x : b)
      x = std::byte(r.below(256));
    add(std::move(b), "edge: " + std::to_string(n) + " random bytes");
  }
  for (int k = 0; k < 80 * random_scale; ++k) {
    model::bytes b(r.below(64));
    for (auto& x : b)
      x = std::byte(r.below(256));
    add(std::move(b), "random");
  }
  for (std::size_t i = 256; i < g.stored.size() && g.absent.size() < 40; i += 2) {
    auto b = g.stored[i].value;
    for (auto v : {[&] {
                     auto c = b;
                     c.push_back(std::byte{0});
                     return c;
                   }(),
                   [&] {
                     auto c = b;
                     if (!c.empty())
                       c[0] ^= std::byte{1};
                     return c;
                   }()}) {
      auto hex = hex_of(v);
      if (seen.insert(hex).second)
        g.absent.push_back({v, hex, "neighbour", {}, 0});
    }
  }
  return g;
}

template <>
generated<model::uuid> generate<model::uuid>(std::uint64_t seed) {
  random_source r{seed_for(seed, "uuid")};
  generated<model::uuid> g;
  std::set<std::string> seen;
  auto add = [&](model::uuid::octets o, std::string label) {
    static const char digits[] = "0123456789abcdef";
    std::string text;
    for (std::size_t i = 0; i < 16; ++i) {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        text += '-';
      text += digits[o[i] >> 4];
      text += digits[o[i] & 15];
    }
    return sample<model::uuid>{model::uuid{o}, text, std::move(label), {}, 0};
  };
  auto store = [&](model::uuid::octets o, std::string label) {
    auto s = add(o, std::move(label));
    const auto key = s.canonical;
    add_unique(g.stored, seen, key, std::move(s));
  };
  store({}, "edge: nil");
  model::uuid::octets ones;
  ones.fill(0xFF);
  store(ones, "edge: max");
  for (int k = 0; k < 200 * random_scale; ++k) {
    model::uuid::octets o;
    for (auto& x : o)
      x = static_cast<std::uint8_t>(r.below(256));
    if (k % 2 == 0) { // a version 4, variant 1 UUID, as generators make them
      o[6] = static_cast<std::uint8_t>((o[6] & 0x0F) | 0x40);
      o[8] = static_cast<std::uint8_t>((o[8] & 0x3F) | 0x80);
    }
    store(o, "random");
  }
  for (std::size_t i = 0; i < 40; ++i) {
    auto o = g.stored[i].value.bytes();
    o[15 - i % 16] ^= static_cast<std::uint8_t>(1u << (i % 8));
    auto s = add(o, "neighbour");
    if (seen.insert(s.canonical).second)
      g.absent.push_back(std::move(s));
  }
  for (const char* bad :
       {"not-a-uuid", "0123456789abcdef0123456789abcde", "{01234567-89ab-cdef-0123-456789abcdef}",
        "0123456789abcdef0123456789abcdefg", "01234567-89ab-cdef-0123-456789abcdeF0"})
    g.refused_at_construction.push_back(
        {std::string{"uuid \""} + bad + '"', "22P02", [bad] { (void)model::uuid::parse(bad); }});
  return g;
}

} // namespace gatherdb::differential
