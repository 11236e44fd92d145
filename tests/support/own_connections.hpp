#pragma once
// Counts this process' open TCP connections to a port, for the suites that check how many
// connections a client holds where the server cannot tell (PgBouncer keeps its server
// connections, so pg_stat_activity says nothing about the clients in front of it).
//
// Thread-safety: reentrant; reads /proc only.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace gatherdb::test {

/// Established TCP connections (IPv4 and IPv6) from this process to `port` on any host.
[[nodiscard]] inline std::int64_t own_connections_to(int port) {
  namespace fs = std::filesystem;
  std::set<std::string> inodes;
  std::error_code ec;
  for (const auto& fd : fs::directory_iterator{"/proc/self/fd", ec}) {
    const auto target = fs::read_symlink(fd.path(), ec).string();
    if (!ec && target.rfind("socket:[", 0) == 0)
      inodes.insert(target.substr(8, target.size() - 9));
  }
  std::int64_t n = 0;
  for (const char* table : {"/proc/self/net/tcp", "/proc/self/net/tcp6"}) {
    std::ifstream in{table};
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      std::istringstream fields{line};
      std::string sl, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> sl >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeout >> inode;
      const auto colon = remote.rfind(':');
      if (colon == std::string::npos || state != "01") // 01: ESTABLISHED
        continue;
      if (std::stoi(remote.substr(colon + 1), nullptr, 16) == port && inodes.count(inode) > 0)
        ++n;
    }
  }
  return n;
}

} // namespace gatherdb::test
