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

namespace {

bool is_word_start(char c) noexcept {
  // Bytes of multi-byte UTF-8 characters count as letters, as they do in identifiers.
  const auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) != 0 || c == '_' || u >= 0x80;
}

bool is_word_char(char c) noexcept {
  return is_word_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '$';
}

bool equals_upper(std::string_view w, std::string_view upper) noexcept {
  if (w.size() != upper.size())
    return false;
  for (std::size_t k = 0; k < w.size(); ++k)
    if (std::toupper(static_cast<unsigned char>(w[k])) != upper[k])
      return false;
  return true;
}

bool starts_with_upper(std::string_view w, std::string_view upper) noexcept {
  return w.size() >= upper.size() && equals_upper(w.substr(0, upper.size()), upper);
}

// Words that make a statement that starts with SELECT or WITH more than a read: a CTE or a
// main statement that writes (`WITH x AS (...) DELETE ...`, SQLite's `WITH ... REPLACE INTO`),
// `SELECT ... INTO` (creates a table, or writes a file), row locks (`FOR UPDATE`, `FOR NO KEY
// UPDATE`, `LOCK IN SHARE MODE`; `FOR [KEY] SHARE` is checked apart), and the built-in
// functions with side effects of the supported servers.
bool is_write_word(std::string_view w) noexcept {
  for (std::string_view k :
       {"INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "INTO", "LOCK", "NEXTVAL", "SETVAL",
        "SET_CONFIG", "PG_NOTIFY", "PG_TERMINATE_BACKEND", "PG_CANCEL_BACKEND", "PG_RELOAD_CONF",
        "DBLINK_EXEC", "GET_LOCK", "RELEASE_LOCK"})
    if (equals_upper(w, k))
      return true;
  for (std::string_view prefix : {"PG_ADVISORY_", "PG_TRY_ADVISORY_", "LO_"})
    if (starts_with_upper(w, prefix))
      return true;
  return false;
}

// The end of the literal or quoted identifier that opens at `i` (one past its closing quote),
// or npos when it is unterminated or when dialects disagree on where it ends: a backslash
// before a quote escapes it in MySQL, MariaDB and PostgreSQL's E'' strings, not elsewhere.
std::size_t end_of_quoted(std::string_view sql, std::size_t i) noexcept {
  const char q = sql[i];
  for (std::size_t k = i + 1; k < sql.size(); ++k) {
    if (sql[k] == '\\' && k + 1 < sql.size() && sql[k + 1] == q)
      return std::string_view::npos;
    if (sql[k] != q)
      continue;
    if (k + 1 < sql.size() && sql[k + 1] == q) {
      ++k; // a doubled quote: an escaped one
      continue;
    }
    return k + 1;
  }
  return std::string_view::npos;
}

// The end of the PostgreSQL dollar-quoted string (`$$...$$`, `$tag$...$tag$`) that opens at
// `i`; 0 when `$` does not open one there (a `$1` parameter), npos when it is unterminated.
std::size_t end_of_dollar_quoted(std::string_view sql, std::size_t i) noexcept {
  std::size_t j = i + 1;
  if (j < sql.size() && is_word_start(sql[j]))
    while (j < sql.size() && is_word_char(sql[j]) && sql[j] != '$')
      ++j;
  if (j >= sql.size() || sql[j] != '$')
    return 0;
  const auto tag = sql.substr(i, j + 1 - i);
  const auto close = sql.find(tag, j + 1);
  return close == std::string_view::npos ? close : close + tag.size();
}

} // namespace

bool looks_like_read(std::string_view sql) noexcept {
  constexpr auto npos = std::string_view::npos;
  bool started = false;          // the first word (SELECT or WITH) was seen
  bool ended = false;            // a `;` was seen: only white space and comments may follow
  bool after_for_or_key = false; // the previous word was FOR or KEY (`FOR [KEY] SHARE`)
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if (is_space(c)) {
      ++i;
    } else if (c == '-' && next == '-') {
      i = sql.find('\n', i);
    } else if (c == '/' && next == '*') {
      // Comments nest in PostgreSQL, not in SQLite or MySQL: a nested one is ambiguous.
      const auto close = sql.find("*/", i + 2);
      if (close == npos || sql.substr(i + 2, close - i - 2).find("/*") != npos)
        return false;
      i = close + 2;
    } else if (ended) {
      return false; // a second statement
    } else if (c == ';') {
      ended = true;
      ++i;
    } else if (!started) {
      // Only opening parentheses may come before the first word, SELECT or WITH.
      if (c == '(') {
        ++i;
        continue;
      }
      std::size_t e = i;
      while (e < sql.size() && is_word_char(sql[e]))
        ++e;
      const auto word = sql.substr(i, e - i);
      if (!equals_upper(word, "SELECT") && !equals_upper(word, "WITH"))
        return false;
      started = true;
      i = e;
    } else if (c == '\'' || c == '"' || c == '`') {
      i = end_of_quoted(sql, i);
      if (i == npos)
        return false;
    } else if (c == '$' && !is_word_char(sql[i - 1])) {
      const auto end = end_of_dollar_quoted(sql, i);
      if (end == npos)
        return false;
      i = end == 0 ? i + 1 : end;
    } else if (is_word_char(c)) {
      std::size_t e = i;
      while (e < sql.size() && is_word_char(sql[e]))
        ++e;
      auto word = sql.substr(i, e - i);
      // A number glued to a word (`1delete`) may be lexed as the number and the word.
      while (!word.empty() && !is_word_start(word.front()))
        word.remove_prefix(1);
      if (is_write_word(word) || (after_for_or_key && equals_upper(word, "SHARE")))
        return false;
      after_for_or_key = equals_upper(word, "FOR") || equals_upper(word, "KEY");
      i = e;
    } else {
      after_for_or_key = false; // an operator or a parenthesis
      ++i;
    }
  }
  return started;
}

std::vector<routed_statement> split_routed_statements(std::string_view script) {
  std::vector<routed_statement> out;
  std::string route;
  std::size_t part = 0;
  const auto flush = [&](std::size_t end) {
    for (auto& sql : split_statements(script.substr(part, end - part)))
      out.push_back({route, std::move(sql)});
  };
  for (std::size_t at = 0; at < script.size();) {
    auto eol = script.find('\n', at);
    if (eol == std::string_view::npos)
      eol = script.size();
    auto line = script.substr(at, eol - at);
    const auto first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos && line.substr(first, 7) == "\\route ") {
      auto name = line.substr(first + 7);
      const auto b = name.find_first_not_of(" \t");
      const auto e = name.find_last_not_of(" \t\r");
      if (b != std::string_view::npos &&
          name.substr(b, e - b + 1).find_first_of(" \t") == std::string_view::npos) {
        flush(at);
        route = std::string{name.substr(b, e - b + 1)};
        part = eol;
      }
    }
    at = eol + 1;
  }
  flush(script.size());
  return out;
}

} // namespace gatherdb::cli
