#include "statement_splitter.hpp"

#include <cctype>

namespace gatherdb::cli {
namespace {

bool is_space(char c) noexcept {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string trimmed(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && is_space(s[b]))
    ++b;
  while (e > b && is_space(s[e - 1]))
    --e;
  return std::string{s.substr(b, e - b)};
}

// One pass over the script; `on_separator(c)` says whether an unquoted, uncommented character
// ends a statement. Comments are dropped from the statements' text.
template <class Separator>
std::vector<std::string> scan(std::string_view script, Separator is_separator) {
  std::vector<std::string> out;
  std::string current;
  auto finish = [&] {
    auto s = trimmed(current);
    if (!s.empty())
      out.push_back(std::move(s));
    current.clear();
  };
  for (std::size_t i = 0; i < script.size(); ++i) {
    const char c = script[i];
    if (c == '\'' || c == '"') {
      // A literal or quoted identifier: copy to its closing quote (a doubled quote is an
      // escape, which this loop handles as closing and reopening).
      const auto end = script.find(c, i + 1);
      const auto stop = end == std::string_view::npos ? script.size() : end + 1;
      current.append(script.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '-' && i + 1 < script.size() && script[i + 1] == '-') {
      const auto eol = script.find('\n', i);
      if (eol == std::string_view::npos)
        break;
      i = eol - 1; // the line break itself is processed next
    } else if (is_separator(c)) {
      finish();
    } else {
      current += c;
    }
  }
  finish();
  return out;
}

} // namespace

std::vector<std::string> split_statements(std::string_view script) {
  // First pass: is there a `;` outside literals and comments?
  bool has_semicolon = false;
  scan(script, [&](char c) {
    has_semicolon = has_semicolon || c == ';';
    return false;
  });
  if (has_semicolon)
    return scan(script, [](char c) { return c == ';'; });
  return scan(script, [](char c) { return c == '\n'; });
}

bool looks_like_read(std::string_view sql) noexcept {
  std::size_t i = 0;
  while (i < sql.size() && (is_space(sql[i]) || sql[i] == '('))
    ++i;
  std::size_t e = i;
  while (e < sql.size() && std::isalpha(static_cast<unsigned char>(sql[e])) != 0)
    ++e;
  auto word = sql.substr(i, e - i);
  auto equals = [](std::string_view w, std::string_view upper) {
    if (w.size() != upper.size())
      return false;
    for (std::size_t k = 0; k < w.size(); ++k)
      if (std::toupper(static_cast<unsigned char>(w[k])) != upper[k])
        return false;
    return true;
  };
  return equals(word, "SELECT") || equals(word, "WITH");
}

} // namespace gatherdb::cli
