#include "node_tls.hpp"

#include <fstream>
#include <stdexcept>

#include <caf/openssl/manager.hpp>

namespace gatherdb::actors::detail {

namespace {

void check_readable(const std::string& what, const std::string& path) {
  if (path.empty())
    throw std::invalid_argument("gatherdb: TLS needs a CA, a certificate and a key; no " + what +
                                " file given");
  std::ifstream in{path};
  if (!in.good())
    throw std::invalid_argument("gatherdb: cannot read the TLS " + what + " file '" + path + "'");
}

} // namespace

void enable_node_tls(caf::actor_system_config& cfg, const tls_settings& tls) {
  check_readable("CA", tls.ca_file);
  check_readable("certificate", tls.certificate_file);
  check_readable("key", tls.key_file);
  cfg.load<caf::openssl::manager>();
  cfg.set("openssl.cafile", tls.ca_file);
  cfg.set("openssl.certificate", tls.certificate_file);
  cfg.set("openssl.key", tls.key_file);
}

} // namespace gatherdb::actors::detail
