#include "known_findings.hpp"
namespace gatherdb::differential {

using test::backend;

std::string id_of(finding f) {
  return "F" + std::to_string(static_cast<int>(f) + 1);
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

} // namespace gatherdb::differential
