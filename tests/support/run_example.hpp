#pragma once
// Runs the example binary (GATHERDB_EXAMPLE_BINARY, defined by the suite's build) as a user
// would, through a shell.

#include <cstdio>
#include <memory>
#include <string>

#include <boost/test/unit_test.hpp>

namespace gatherdb::test {

/// What the example printed (stdout and stderr together) and its wait status.
struct example_run {
  int status = -1;
  std::string out;
};

/// Runs the example with `args`, shell-quoted by the caller.
inline example_run run_example(const std::string& args) {
  const std::string cmd = std::string{GATHERDB_EXAMPLE_BINARY} + " " + args + " 2>&1";
  example_run r;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe{::popen(cmd.c_str(), "r"), ::pclose};
  BOOST_REQUIRE(pipe);
  char buf[4096];
  while (auto n = std::fread(buf, 1, sizeof(buf), pipe.get()))
    r.out.append(buf, n);
  r.status = ::pclose(pipe.release());
  return r;
}

/// `s` in single quotes, for a shell.
inline std::string quoted(const std::string& s) {
  return "'" + s + "'";
}

} // namespace gatherdb::test
