// Decimals and JSON documents: 38-digit decimals, trailing zeros, negative and tiny ones,
// numbers past a double's range; JSON with every escape, duplicate and reordered keys, odd
// spacing, numbers no double holds, deep nesting; then seeded random values and neighbours
// that the database may find equal (a decimal with one more trailing zero, a document spaced
// differently).

#include <algorithm>
#include <set>
#include <string>

#include "gatherdb/model/decimal.hpp"
#include "gatherdb/model/json_text.hpp"

#include "value_generators.hpp"

namespace gatherdb::differential {

namespace {

sample<model::decimal> decimal_sample(const std::string& text, std::string label) {
  return {model::decimal::parse(text), text, std::move(label), {}, 0};
}

// A canonical decimal: `integer_digits` digits without a leading zero ("0" when none) and
// `scale` fraction digits.
std::string random_decimal(random_source& r, std::size_t integer_digits, std::size_t scale) {
  std::string out = r.chance(30) ? "-" : "";
  if (integer_digits == 0) {
    out += '0';
  } else {
    out += static_cast<char>('1' + r.below(9));
    for (std::size_t i = 1; i < integer_digits; ++i)
      out += static_cast<char>('0' + r.below(10));
  }
  if (scale > 0) {
    out += '.';
    for (std::size_t i = 0; i < scale; ++i)
      out += static_cast<char>('0' + r.below(10));
    if (r.chance(20)) // trailing zeros are part of the value
      out.replace(out.size() - std::min<std::size_t>(scale, 2), std::min<std::size_t>(scale, 2),
                  std::min<std::size_t>(scale, 2), '0');
  }
  // Zero has no sign.
  if (out.find_first_of("123456789") == std::string::npos && out[0] == '-')
    out.erase(0, 1);
  return out;
}

std::string random_json_string(random_source& r) {
  static const char* pieces[] = {"a",
                                 "Z",
                                 " ",
                                 "\\\"",
                                 "\\\\",
                                 "\\/",
                                 "\\b",
                                 "\\f",
                                 "\\n",
                                 "\\r",
                                 "\\t",
                                 "\\u00e9",
                                 "\\u001F",
                                 "\\u20AC",
                                 "\\ud83d\\ude00",
                                 "\xC3\xA9",
                                 "\xE6\x97\xA5",
                                 "\xF0\x9F\x98\x80",
                                 "\xE2\x80\x8F",
                                 "'",
                                 "%",
                                 "key",
                                 "0",
                                 "\x7F"};
  std::string out = "\"";
  for (auto n = r.below(8); n > 0; --n)
    out += pieces[r.below(std::size(pieces))];
  return out + '"';
}

std::string random_json_number(random_source& r) {
  static const char* forms[] = {"0",
                                "-0",
                                "7",
                                "-12",
                                "3.25",
                                "1.50",
                                "1e2",
                                "1E+2",
                                "2.5e-3",
                                "-1.0E-5",
                                "123456789012345678901234567890",
                                "1e300",
                                "1e-320",
                                "0.000",
                                "4.9e-324",
                                "9007199254740993"};
  if (r.chance(50))
    return forms[r.below(std::size(forms))];
  return std::to_string(r.between(-1'000'000, 1'000'000)) +
         (r.chance(30) ? "." + std::to_string(r.below(1000)) : std::string{});
}

std::string random_json(random_source& r, int depth) {
  const char* space = r.chance(30) ? " " : "";
  const auto kind = depth <= 0 ? r.below(4) : r.below(6);
  switch (kind) {
  case 0:
    return r.chance(50) ? "null" : r.chance(50) ? "true" : "false";
  case 1:
  case 2:
    return random_json_number(r);
  case 3:
    return random_json_string(r);
  case 4: {
    std::string out = "[";
    for (auto n = r.below(5), i = std::uint64_t{0}; i < n; ++i)
      out += (i > 0 ? std::string{","} + space : std::string{}) + random_json(r, depth - 1);
    return out + "]";
  }
  default: {
    std::string out = "{";
    for (auto n = r.below(5), i = std::uint64_t{0}; i < n; ++i) {
      static const char* keys[] = {"\"a\"",        "\"b\"",        "\"aa\"", "\"id\"",     "\"\"",
                                   "\"\xC3\xA9\"", "\"long key\"", "\"A\"",  "\"\\u0062\""};
      out += (i > 0 ? std::string{","} + space : std::string{}) + keys[r.below(std::size(keys))] +
             ":" + space + random_json(r, depth - 1);
    }
    return out + "}";
  }
  }
}

// `text` with a space after every ',' and ':' outside strings, or with the spaces removed.
std::string respaced(const std::string& text) {
  std::string out;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size())
        out += text[++i];
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
      continue;
    out += c;
    if (c == '"')
      in_string = true;
    else if (c == ',' || c == ':')
      out += ' ';
  }
  return out == text ? " " + text : out;
}

} // namespace

template <>
generated<model::decimal> generate<model::decimal>(std::uint64_t seed) {
  random_source r{seed_for(seed, "decimal")};
  generated<model::decimal> g;
  std::set<std::string> seen;
  auto add = [&](const std::string& text, std::string label) {
    if (seen.insert(text).second)
      g.stored.push_back(decimal_sample(text, std::move(label)));
  };
  for (const char* e : {"0",
                        "0.0",
                        "0.00000",
                        "1",
                        "-1",
                        "1.5",
                        "1.50",
                        "1.500000",
                        "-1.50",
                        "100",
                        "1000000",
                        "0.1",
                        "-0.0001",
                        "0.0000001",
                        "0.0000000001",
                        "0.00000000001",
                        "123.4560",
                        "9223372036854775807",
                        "9223372036854775808",
                        "-9223372036854775809",
                        "12345678901234567890123456789012.345678"})
    add(e, std::string{"edge: "} + e);
  add("99999999999999999999999999999999999999", "edge: 38 nines");
  add("-99999999999999999999999999999999999999", "edge: -38 nines");
  add("10000000000000000000000000000000000000", "edge: 10^37");
  add("9999999999999999999999999999.9999999999", "edge: 28 + 10 digits");
  add("-9999999999999999999999999999.9999999999", "edge: -(28 + 10 digits)");
  add("1.0000000000000000000000000000000000001", "edge: scale 37");
  add("0.00000000000000000000000000000000000001", "edge: 1E-38");
  add("-0.99999999999999999999999999999999999999", "edge: 38 fraction digits");
  add("0.10000000000000000000000000000000000000", "edge: 37 trailing zeros");
  for (int k = 0; k < 300 * random_scale; ++k) {
    // Half of them fit every backend's column (28 integer and 10 fraction digits at most);
    // the others use all 38 digits anywhere.
    const bool narrow = k % 2 == 0;
    const auto integer_digits = r.below(narrow ? 29 : 39);
    const auto scale = r.below(narrow ? 11 : 39 - integer_digits);
    add(random_decimal(r, integer_digits, scale), "random");
  }
  for (std::size_t i = 0; i < g.stored.size() && g.absent.size() < 60; i += 5) {
    const auto& t = g.stored[i].canonical;
    std::string longer = t.find('.') == std::string::npos ? t + ".0" : t + "0";
    std::string bumped = t;
    auto& last = bumped.back();
    last = last == '9' ? '8' : static_cast<char>(last + 1);
    for (const auto& v : {longer, bumped, t[0] == '-' ? t.substr(1) : "-" + t})
      if (seen.count(v) == 0 && v.find_first_of("123456789") != std::string::npos &&
          std::count_if(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }) <= 38) {
        seen.insert(v);
        g.absent.push_back(decimal_sample(v, "neighbour"));
      }
  }
  const std::pair<const char*, const char*> refused[] = {
      {"123456789012345678901234567890123456789", "22003"},
      {"NaN", "22P02"},
      {"Infinity", "22P02"},
      {"1e5", "22P02"},
      {" 1", "22P02"},
      {"1.2.3", "22P02"},
      {"", "22P02"},
      {"-", "22P02"}};
  for (const auto& [text, state] : refused)
    g.refused_at_construction.push_back(
        {std::string{"decimal \""} + text + '"', state,
         [t = std::string{text}] { (void)model::decimal::parse(t); }});
  return g;
}

template <>
generated<model::json_text> generate<model::json_text>(std::uint64_t seed) {
  random_source r{seed_for(seed, "json")};
  generated<model::json_text> g;
  std::set<std::string> seen;
  auto make = [](const std::string& text, std::string label) {
    return sample<model::json_text>{model::json_text::parse(text), text, std::move(label), {}, 0};
  };
  auto add = [&](const std::string& text, std::string label) {
    if (seen.insert(text).second)
      g.stored.push_back(make(text, std::move(label)));
  };
  for (const char* e : {"null",
                        "true",
                        "false",
                        "0",
                        "-0",
                        "1",
                        "-1",
                        "1.0",
                        "1.50",
                        "1e2",
                        "1E+2",
                        "1.5e-3",
                        "-0.0",
                        "1e400",
                        "-1e-400",
                        "12345678901234567890123456789",
                        "0.1",
                        "\"\"",
                        "\"text\"",
                        "\"\\u00e9\"",
                        "\"\\ud83d\\ude00\"",
                        "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
                        "\"\xC3\xA9\xF0\x9F\x98\x80\"",
                        "\"\\u001f\"",
                        "\"\\u007f\"",
                        "\"\\u0000\"",
                        "{}",
                        "[]",
                        "[1, 2, 3]",
                        "{\"a\":1}",
                        "{\"b\":1,\"a\":2,\"aa\":3}",
                        "{\"a\":1,\"a\":2}",
                        "  {  \"a\" :\n [ 1 ,\t2 ] }  ",
                        "{\"\": 0}",
                        "{\"\xC3\xA9\": [true, null]}",
                        "{\"a\": {\"b\": {\"c\": [1, {\"d\": \"e\"}]}}}"})
    add(e, std::string{"edge: "} + e);
  add(std::string(32, '[') + std::string(32, ']'), "edge: arrays nested 32 deep");
  add(std::string(64, '[') + std::string(64, ']'), "edge: arrays nested 64 deep");
  {
    std::string big = "[";
    for (int i = 0; i < 2000; ++i)
      big += (i > 0 ? "," : "") + std::to_string(i * 7919 % 100003);
    add(big + "]", "edge: 2000 numbers");
  }
  for (int k = 0; k < 250 * random_scale; ++k)
    add(random_json(r, static_cast<int>(r.below(4))), "random");
  for (std::size_t i = 0; i < g.stored.size() && g.absent.size() < 50; i += 5) {
    const auto v = respaced(g.stored[i].canonical);
    if (seen.insert(v).second)
      g.absent.push_back(make(v, "respaced " + g.stored[i].label));
  }
  for (const auto& v : {std::string{"{\"aa\":3,\"b\":1,\"a\":2}"}, std::string{"1.00"},
                        std::string{"100"}, std::string{"{\"a\":2}"}})
    if (seen.insert(v).second)
      g.absent.push_back(make(v, "equal to a stored document for jsonb"));
  const std::pair<const char*, const char*> refused[] = {{"", "22P02"},
                                                         {"{", "22P02"},
                                                         {"[1,]", "22P02"},
                                                         {"{'a':1}", "22P02"},
                                                         {"nul", "22P02"},
                                                         {"01", "22P02"},
                                                         {"1.", "22P02"},
                                                         {".5", "22P02"},
                                                         {"NaN", "22P02"},
                                                         {"\"\t\"", "22P02"},
                                                         {"\"\\ud800\"", "22P02"},
                                                         {"\"\\udc00\\ud800\"", "22P02"},
                                                         {"\"\xFF\"", "22021"},
                                                         {"\"\xED\xA0\x80\"", "22021"}};
  for (const auto& [text, state] : refused)
    g.refused_at_construction.push_back(
        {std::string{"json "} + text, state,
         [t = std::string{text}] { (void)model::json_text::parse(t); }});
  return g;
}

} // namespace gatherdb::differential
