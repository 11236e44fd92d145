#include "known_findings.hpp"

#include "gatherdb/model/decimal.hpp"

namespace gatherdb::differential {

using test::backend;

std::string id_of(finding f) {
  return "F" + std::to_string(static_cast<int>(f) + 1);
}

std::optional<finding> explain_stored(const sample<double>& s, backend b,
                                      const std::optional<std::string>& category, column_decl) {
  if (b == backend::sqlite && std::isnan(s.value) &&
      category == std::optional<std::string>{"constraint"})
    return finding::sqlite_nan_becomes_null;
  return std::nullopt;
}

std::optional<finding> explain_stored(const sample<model::decimal>& s, backend b,
                                      const std::optional<std::string>& category, column_decl c) {
  // Stored (not refused) in the undeclared DECIMAL(38, 10) with more fraction digits than it
  // holds, but no more integer digits (those MariaDB refuses with 22003 itself).
  if (b != backend::mariadb || category || c.precision != 0)
    return std::nullopt;
  const auto& t = s.canonical;
  const auto point = t.find('.');
  const auto start = t[0] == '-' ? 1u : 0u;
  const auto integer =
      t.substr(start, point == std::string::npos ? std::string::npos : point - start);
  const auto fraction = point == std::string::npos ? 0 : t.size() - point - 1;
  if (fraction > 10 && (integer == "0" || integer.size() <= 28))
    return finding::mariadb_decimal_rounded;
  return std::nullopt;
}

std::optional<finding> explain_read(const double& got, const double& want, backend b) {
  if (b != backend::sqlite || std::isnan(want) || std::isnan(got))
    return std::nullopt;
  // SQLite's 15-digit text of `want` (its own rounding, not quite printf's): the values agree
  // to 15 significant digits, and what rounds above DBL_MAX there reads as infinity.
  if (std::isinf(got))
    return !std::isinf(want) && std::fabs(want) >= 1.797693134862315e308 && (got > 0) == (want > 0)
               ? std::optional{finding::sqlite_double_digits}
               : std::nullopt;
  if (std::fabs(got - want) <= 1e-14 * std::fabs(want))
    return finding::sqlite_double_digits;
  return std::nullopt;
}

std::optional<finding> explain_lookup(const sample<double>& key, backend b, std::string_view mode) {
  if (b == backend::mariadb && mode == "coalesced" && !std::isfinite(key.value))
    return finding::mariadb_coalesced_special_double;
  return std::nullopt;
}

std::optional<finding> explain_lookup(const sample<model::bytes>&, backend b,
                                      std::string_view mode) {
  if (b == backend::mariadb && mode == "coalesced")
    return finding::mariadb_coalesced_bytes_as_text;
  return std::nullopt;
}

std::optional<finding> explain_lookup(const sample<model::decimal>&, backend b,
                                      std::string_view mode) {
  if (b == backend::mariadb && mode == "coalesced")
    return finding::mariadb_coalesced_decimal_as_double;
  return std::nullopt;
}

std::optional<finding> explain_error(std::string_view sqlstate, backend b) {
  if (b == backend::pgbouncer && sqlstate == "26000")
    return finding::pgbouncer_lost_prepared_statement;
  return std::nullopt;
}

} // namespace gatherdb::differential
