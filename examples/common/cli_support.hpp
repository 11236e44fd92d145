#pragma once
// Command-line support shared by the examples and benchmarks: reading `--flag value` /
// `--flag=value` arguments, parsing non-negative integer flags with a clear error, and a
// temporary directory for the default embedded database. Header-only.
//
// Thread-safety: `flag_reader` and `temp_dir` are used from one thread; the free functions are
// thread-safe.

#include <cstdint>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <stdlib.h> // mkdtemp
#include <string>
#include <string_view>
#include <system_error>

namespace gatherdb::examples {

/// A mistake on the command line; `message` is for the user, without the program's name.
struct usage_error {
  std::string message;
};

/// `text` as a non-negative decimal integer (no sign, nothing after the digits).
/// Throws `usage_error{"<flag> needs a non-negative integer, got '<text>'"}` otherwise.
[[nodiscard]] inline std::uint64_t parse_non_negative(std::string_view flag,
                                                      const std::string& text) {
  try {
    std::size_t used = 0;
    if (!text.empty() && text[0] != '-') {
      auto x = std::stoull(text, &used);
      if (used == text.size())
        return x;
    }
  } catch (const std::exception&) {
  }
  throw usage_error{std::string{flag} + " needs a non-negative integer, got '" + text + "'"};
}

/// `text` as a positive decimal integer; like `parse_non_negative`, and throws
/// `usage_error{"<flag> must be at least 1"}` for 0.
[[nodiscard]] inline std::uint64_t parse_positive(std::string_view flag, const std::string& text) {
  const auto x = parse_non_negative(flag, text);
  if (x == 0)
    throw usage_error{std::string{flag} + " must be at least 1"};
  return x;
}

/// The arguments of `argv` one at a time, each split into its flag and, for `--flag=value`,
/// its inline value.
class flag_reader {
public:
  flag_reader(int argc, char** argv) : argc_(argc), argv_(argv) {}

  /// Moves to the next argument; false when there is none left.
  bool next() {
    if (++i_ >= argc_)
      return false;
    flag_ = argv_[i_];
    value_.clear();
    has_value_ = false;
    if (auto eq = flag_.find('='); flag_.rfind("--", 0) == 0 && eq != std::string::npos) {
      value_ = flag_.substr(eq + 1);
      flag_.resize(eq);
      has_value_ = true;
    }
    return true;
  }

  /// The current argument without its `=value`.
  [[nodiscard]] const std::string& flag() const noexcept { return flag_; }

  /// Whether the current argument was written `--flag=value`.
  [[nodiscard]] bool has_inline_value() const noexcept { return has_value_; }

  /// The current flag's value: its inline value, else the next argument (which is consumed).
  /// Throws `usage_error{"<flag> needs a value"}` when there is none.
  std::string value() {
    if (has_value_)
      return value_;
    if (i_ + 1 >= argc_)
      throw usage_error{flag_ + " needs a value"};
    return argv_[++i_];
  }

private:
  int argc_;
  char** argv_;
  int i_ = 0;
  std::string flag_;
  std::string value_;
  bool has_value_ = false;
};

/// A directory `<system temp>/<prefix>-XXXXXX`, created now and removed with its contents when
/// this object is destroyed. Throws `std::runtime_error("cannot create a temporary
/// directory")` when it cannot be created.
class temp_dir {
public:
  explicit temp_dir(std::string_view prefix) {
    auto pattern =
        (std::filesystem::temp_directory_path() / (std::string{prefix} + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot create a temporary directory");
    path_ = pattern;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

private:
  std::filesystem::path path_;
};

} // namespace gatherdb::examples
