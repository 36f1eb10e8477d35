#pragma once
// A temporary file holding a test's text (a configuration, rules, a tape), for the daemon or a
// parser to read by path. The caller unlinks it.
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

namespace lodestone::testing {

// Writes `text` to a new file /tmp/PREFIX-XXXXXX and returns its path.
inline std::string temp_file(const std::string& text, const std::string& prefix = "lodestone-test") {
  std::string path = "/tmp/" + prefix + "-XXXXXX";
  const int fd = ::mkstemp(path.data());
  ::close(fd);
  std::ofstream(path) << text;
  return path;
}

}  // namespace lodestone::testing
