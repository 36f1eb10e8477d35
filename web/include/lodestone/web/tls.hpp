#pragma once
// http.tls for `lodestone check-config`: the certificate and key load as the listener would load
// them at start (readable, PEM, matching). Both empty: plain HTTP, nothing to check.
#include <string>

#include "lodestone/core/result.hpp"

namespace lodestone::web {

Status check_tls_files(const std::string& cert_file, const std::string& key_file);

}  // namespace lodestone::web
