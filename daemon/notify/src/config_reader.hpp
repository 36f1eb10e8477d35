#pragma once
// Reading one YAML value of the `notify:` section as the type a field needs, each mistake as
// `file:line:column: what was expected`. Values are never echoed in a message: any of them may
// be a secret or a robot URL carrying its token.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/core/result.hpp"

namespace lodestone::notify::detail {

class ConfigReader {
 public:
  // `text`, when known, is the whole config: columns are then counted in characters as an
  // editor shows them (yaml-cpp counts bytes, which differ after Chinese on the same line).
  ConfigReader(std::string_view file, std::optional<std::string_view> text) : file_(file), text_(text) {}

  [[nodiscard]] Error error(const YAML::Node& node, std::string_view what) const;
  [[nodiscard]] Error error_at(const YAML::Mark& mark, std::string_view what) const;

  // A mapping whose keys are all in `known` and none repeated; `section` names it in the message
  // ("receiver desk"), and the known keys are listed.
  [[nodiscard]] Status keys(const YAML::Node& map, std::initializer_list<std::string_view> known,
                            std::string_view section) const;
  // The value of `key` in a mapping keys() accepted; nullopt when absent.
  [[nodiscard]] static std::optional<YAML::Node> find(const YAML::Node& map, std::string_view key);

  // One line of text: a scalar of printable UTF-8 (no control characters), at most `max_chars`.
  [[nodiscard]] Result<std::string> text(const YAML::Node& node, std::string_view what,
                                         std::size_t max_chars = 4096) const;
  // A list of such texts (a single scalar is refused: say the list).
  [[nodiscard]] Result<std::vector<std::string>> texts(const YAML::Node& node, std::string_view what,
                                                       std::size_t max_chars = 4096) const;
  [[nodiscard]] Result<bool> boolean(const YAML::Node& node, std::string_view what) const;
  // "500ms", "30s", "5m", "4h", "1d" (core's parse_duration_ms), within [min, max].
  [[nodiscard]] Result<std::chrono::milliseconds> duration(const YAML::Node& node, std::string_view what,
                                                           std::chrono::milliseconds min,
                                                           std::chrono::milliseconds max) const;
  [[nodiscard]] Result<double> number(const YAML::Node& node, std::string_view what, double min, double max) const;

  [[nodiscard]] const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::optional<std::string_view> text_;
};

// Why `value` is not one line of printable UTF-8 ("control character U+000A at character 7"), or
// "" when it is. Says where, never what.
std::string unprintable(std::string_view value);

}  // namespace lodestone::notify::detail
