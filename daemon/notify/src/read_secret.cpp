// A receiver's secret, from the environment, a file or (warned about) the config itself, and
// the shape Standard Webhooks asks of a webhook secret. No message here holds a secret's value:
// they name the variable or the file it came from.
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <system_error>

#include "config_parts.hpp"
#include "signing.hpp"

namespace lodestone::notify {

SecretReader SecretReader::system() {
  SecretReader r;
  r.env = [](const std::string& name) -> std::optional<std::string> {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read once, at config load, before any thread
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  r.file = [](const std::string& path) -> Result<std::string> {
    constexpr std::size_t kMaxSecretFile = std::size_t{64} * 1024;  // a secret file holds one secret
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorCode::not_found, "cannot be read (" + std::generic_category().message(errno) + ")");
    std::string content;
    char buffer[4096];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      content.append(buffer, static_cast<std::size_t>(in.gcount()));
      if (content.size() > kMaxSecretFile)
        return make_error(ErrorCode::bad_config, "is larger than 64 KiB: a secret file holds one secret");
    }
    if (in.bad()) return make_error(ErrorCode::unavailable, "cannot be read (read error)");
    return content;
  };
  return r;
}

namespace detail {
namespace {

bool env_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool valid_webhook_secret(std::string_view secret) {
  // The signer's own reading of the secret: what the config accepts, the signer can use.
  auto key = detail::webhook_key(secret);
  return key && key->size() >= 24;
}

Result<ReadSecret> read_secret(const ConfigReader& reader, const YAML::Node& receiver, std::string_view section,
                               const SecretReader& secrets) {
  const auto inline_node = ConfigReader::find(receiver, "secret");
  const auto env_node = ConfigReader::find(receiver, "secret_env");
  const auto file_node = ConfigReader::find(receiver, "secret_file");
  const int given = (inline_node ? 1 : 0) + (env_node ? 1 : 0) + (file_node ? 1 : 0);
  ReadSecret out;
  if (given == 0) return out;
  const std::string where(section);
  if (given > 1) {
    const YAML::Node& second = file_node ? *file_node : *env_node;
    return reader.error(second, where + ": give one of secret_env, secret_file or secret, not several");
  }
  if (env_node) {
    auto name = reader.text(*env_node, where + ": secret_env", 256);
    if (!name) return name.error();
    if (!env_name(*name))
      return reader.error(*env_node, where + ": secret_env must name an environment variable (letters, digits, _)");
    out.source = SecretSource::Env;
    out.origin = "secret_env " + *name;
    out.mark = env_node->Mark();
    auto value = secrets.env ? secrets.env(*name) : std::nullopt;
    if (!value || value->empty())
      return reader.error(*env_node, where + ": the environment variable " + *name + " named by secret_env is " +
                                         (value ? "empty" : "not set"));
    out.value = std::move(*value);
  } else if (file_node) {
    auto path = reader.text(*file_node, where + ": secret_file", 4096);
    if (!path) return path.error();
    if (path->empty()) return reader.error(*file_node, where + ": secret_file must name a file");
    out.source = SecretSource::File;
    out.origin = "secret_file " + *path;
    out.mark = file_node->Mark();
    if (!secrets.file) return reader.error(*file_node, where + ": " + out.origin + " cannot be read here");
    auto content = secrets.file(*path);
    if (!content) return reader.error(*file_node, where + ": " + out.origin + " " + content.error().message);
    // An editor's final newline is not part of the secret.
    while (!content->empty() &&
           (content->back() == '\n' || content->back() == '\r' || content->back() == ' ' || content->back() == '\t'))
      content->pop_back();
    if (content->empty()) return reader.error(*file_node, where + ": " + out.origin + " is empty");
    out.value = std::move(*content);
  } else {
    if (!inline_node->IsScalar()) return reader.error(*inline_node, where + ": secret must be text");
    out.source = SecretSource::Inline;
    out.origin = "secret";
    out.mark = inline_node->Mark();
    out.value = inline_node->Scalar();
    if (out.value.empty()) return reader.error(*inline_node, where + ": secret is empty");
  }
  // Checked here, not by reader.text(), so that the message says where the secret came from.
  if (const auto why = unprintable(out.value); !why.empty())
    return reader.error_at(out.mark, where + ": the secret from " + out.origin + " holds " + why);
  return out;
}

}  // namespace detail
}  // namespace lodestone::notify
