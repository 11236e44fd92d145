#include "gatherdb/drivers/connection_string.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace gatherdb::drivers {

namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

// Index just past a value starting at `i` (braced values may hold ';' and `}}` escapes); the
// unbraced value goes to `out` when given.
std::size_t skip_value(std::string_view text, std::size_t i, std::string* out) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
    ++i;
  if (i < text.size() && text[i] == '{') {
    ++i;
    while (i < text.size()) {
      if (text[i] == '}') {
        if (i + 1 < text.size() && text[i + 1] == '}') {
          if (out)
            *out += '}';
          i += 2;
          continue;
        }
        ++i;
        break;
      }
      if (out)
        *out += text[i];
      ++i;
    }
    // Anything between the closing brace and the next ';' belongs to this attribute too.
    while (i < text.size() && text[i] != ';')
      ++i;
    return i;
  }
  auto end = text.find(';', i);
  if (end == std::string_view::npos)
    end = text.size();
  if (out)
    *out = std::string{trim(text.substr(i, end - i))};
  return end;
}

bool is_key_boundary(char c) noexcept {
  return c == ';' || c == '{' || c == '(' || c == ',' || c == '"' || c == '\'' ||
         std::isspace(static_cast<unsigned char>(c));
}

// When a secret key (`pwd`, `password`, then optional blanks and `=`) starts at `i`, the
// length of the key and the index just past its `=`; else {0, 0}.
std::pair<std::size_t, std::size_t> secret_key_at(std::string_view text, std::size_t i) {
  if (i != 0 && !is_key_boundary(text[i - 1]))
    return {0, 0};
  for (std::string_view key : {std::string_view{"password"}, std::string_view{"pwd"}}) {
    if (text.size() - i < key.size() || !iequals(text.substr(i, key.size()), key))
      continue;
    auto j = i + key.size();
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t'))
      ++j;
    if (j < text.size() && text[j] == '=')
      return {key.size(), j + 1};
  }
  return {0, 0};
}

} // namespace

std::vector<connection_attribute> parse_connection_string(std::string_view text) {
  std::vector<connection_attribute> out;
  std::size_t i = 0;
  while (i < text.size()) {
    auto eq = text.find('=', i);
    auto semi = text.find(';', i);
    if (eq == std::string_view::npos || (semi != std::string_view::npos && semi < eq)) {
      auto end = semi == std::string_view::npos ? text.size() : semi;
      auto key = trim(text.substr(i, end - i));
      if (!key.empty())
        out.push_back({std::string{key}, {}});
      i = end + 1;
      continue;
    }
    connection_attribute attr;
    attr.key = std::string{trim(text.substr(i, eq - i))};
    i = skip_value(text, eq + 1, &attr.value) + 1;
    out.push_back(std::move(attr));
  }
  return out;
}

std::string find_attribute(std::string_view text, std::string_view key) {
  for (auto& attr : parse_connection_string(text))
    if (iequals(attr.key, key))
      return std::move(attr.value);
  return {};
}

bool is_secret_key(std::string_view key) noexcept {
  key = trim(key);
  return iequals(key, "pwd") || iequals(key, "password");
}

std::string redact(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto [key_size, value_start] = secret_key_at(text, i);
    if (key_size == 0) {
      out += text[i++];
      continue;
    }
    out.append(text.substr(i, key_size));
    out += "=***";
    i = skip_value(text, value_start, nullptr);
  }
  return out;
}

std::string redact(std::string_view text, std::string_view connection_string) {
  auto out = redact(text);
  // Literal scrubbing only for passwords of 4+ characters: shorter ones occur by chance and
  // scrubbing them would destroy the message. Longest first, so that a password containing
  // another is removed whole.
  std::vector<std::string> secrets;
  for (auto& attr : parse_connection_string(connection_string))
    if (is_secret_key(attr.key) && attr.value.size() >= 4)
      secrets.push_back(std::move(attr.value));
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const auto& secret : secrets)
    for (auto pos = out.find(secret); pos != std::string::npos; pos = out.find(secret, pos + 3))
      out.replace(pos, secret.size(), "***");
  return out;
}

} // namespace gatherdb::drivers
