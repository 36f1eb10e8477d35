#include "lodestone/auth/users_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include "lodestone/core/try.hpp"

namespace lodestone::auth {
namespace {

class Reader {
 public:
  explicit Reader(const std::string& file) : file_(file) {}

  Error error(const YAML::Node& node, const std::string& what) const {
    const auto mark = node.Mark();
    return make_error(ErrorCode::bad_config, file_ + ":" + std::to_string(mark.line + 1) + ":" +
                                                 std::to_string(mark.column + 1) + ": " + what);
  }

  Status keys(const YAML::Node& map, const std::set<std::string>& allowed, const std::string& what) const {
    if (!map.IsMap()) return error(map, what + " must be a mapping");
    for (const auto& kv : map) {
      if (!kv.first.IsScalar()) return error(kv.first, "keys of " + what + " must be names");
      const auto key = kv.first.as<std::string>();
      if (!allowed.contains(key)) {
        std::string list;
        for (const auto& k : allowed) list += (list.empty() ? "" : ", ") + k;
        return error(kv.first, "unknown key '" + key + "' in " + what + " (expected one of: " + list + ")");
      }
    }
    return {};
  }

  Result<std::string> scalar(const YAML::Node& map, const std::string& key, const std::string& what) const {
    const auto node = map[key];
    if (!node) return error(map, what + " needs " + key);
    if (!node.IsScalar()) return error(node, key + " must be a string");
    return node.as<std::string>();
  }

  Result<TokenRecord> token(const YAML::Node& node) const {
    if (auto st = keys(node, {"id", "hash", "created"}, "a token"); !st) return st.error();
    TokenRecord t;
    LODESTONE_TRY(id, scalar(node, "id", "a token"));
    if (!valid_token_id(*id)) return error(node["id"], "id must be 8 lowercase hex digits, such as 3f9c2a1b");
    t.id = *id;
    LODESTONE_TRY(hash, scalar(node, "hash", "a token"));
    auto parsed = parse_hash(*hash);
    if (!parsed)
      return error(node["hash"], "hash must be blake2b: and 64 hex digits, as `lodestone user add` writes it");
    t.hash = *parsed;
    LODESTONE_TRY(created, scalar(node, "created", "a token"));
    auto ts = parse_timestamp(*created);
    if (!ts) return error(node["created"], "created: " + ts.error().message);
    t.created = *ts;
    return t;
  }

  Result<User> user(const YAML::Node& node, std::set<std::string>& token_ids) const {
    if (auto st = keys(node, {"name", "role", "tokens"}, "a user"); !st) return st.error();
    User u;
    LODESTONE_TRY(name, scalar(node, "name", "a user"));
    if (auto problem = user_name_problem(*name); !problem.empty()) return error(node["name"], problem);
    u.name = *name;
    LODESTONE_TRY(role, scalar(node, "role", "a user"));
    auto r = parse_role(*role);
    if (!r) return error(node["role"], "role must be one of viewer, trader, admin, ingest");
    u.role = *r;
    if (const auto tokens = node["tokens"]) {
      if (!tokens.IsSequence() && !tokens.IsNull()) return error(tokens, "tokens must be a list");
      for (const auto& item : tokens) {
        LODESTONE_TRY(t, token(item));
        if (!token_ids.insert(t->id).second) return error(item, "token id " + t->id + " appears twice in the file");
        u.tokens.push_back(std::move(*t));
      }
    }
    return u;
  }

  Result<UsersFile> file(const YAML::Node& root) const {
    UsersFile out;
    if (root.IsNull()) return out;  // an empty file: no users yet
    if (auto st = keys(root, {"users"}, "the users file"); !st) return st.error();
    const auto users = root["users"];
    if (!users || users.IsNull()) return out;
    if (!users.IsSequence()) return error(users, "users must be a list of {name, role, tokens}");
    std::set<std::string> names;
    std::set<std::string> token_ids;
    for (const auto& item : users) {
      LODESTONE_TRY(u, user(item, token_ids));
      if (!names.insert(u->name).second) return error(item, "user '" + u->name + "' appears twice");
      out.users.push_back(std::move(*u));
    }
    return out;
  }

 private:
  const std::string& file_;
};

Status io_error(const std::string& path, const std::string& what) {
  return make_error(ErrorCode::io_error, path + ": " + what + ": " + std::generic_category().message(errno));
}

#undef LODESTONE_TRY

}  // namespace

const User* UsersFile::find(std::string_view name) const {
  for (const auto& u : users)
    if (u.name == name) return &u;
  return nullptr;
}

User* UsersFile::find(std::string_view name) {
  for (auto& u : users)
    if (u.name == name) return &u;
  return nullptr;
}

std::size_t UsersFile::token_count() const {
  std::size_t n = 0;
  for (const auto& u : users) n += u.tokens.size();
  return n;
}

std::string user_name_problem(std::string_view name) {
  if (name.empty() || name.size() > 64) return "a user name is 1 to 64 characters";
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '@' || c == '-';
    if (!ok) return "a user name may hold only letters, digits and . _ @ - ('" + std::string(name) + "')";
  }
  if (name == kLegacyTokenUser) return "'api_token' is the legacy shared token's name: choose another";
  return {};
}

Result<UsersFile> parse_users(std::string_view yaml, const std::string& file_name) {
  try {
    return Reader(file_name).file(YAML::Load(std::string(yaml)));
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::bad_config, file_name + ":" + std::to_string(e.mark.line + 1) + ":" +
                                                 std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

Result<UsersFile> load_users(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorCode::io_error, path + ": cannot read the users file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_users(ss.str(), path);
}

std::string render_users(const UsersFile& file) {
  std::string out =
      "# Lodestone users: edited by `lodestone user add|list|remove --file PATH`; tokens are stored as\n"
      "# hashes only (BLAKE2b of a 256-bit random token). Keep this file mode 0600.\n";
  if (file.users.empty()) return out + "users: []\n";
  out += "users:\n";
  for (const auto& u : file.users) {
    out += "  - name: " + u.name + "\n    role: " + std::string(to_string(u.role)) + "\n";
    if (u.tokens.empty()) {
      out += "    tokens: []\n";
      continue;
    }
    out += "    tokens:\n";
    for (const auto& t : u.tokens)
      out += "      - {id: \"" + t.id + "\", hash: \"" + format_hash(t.hash) + "\", created: \"" +
             format_timestamp(t.created) + "\"}\n";
  }
  return out;
}

Status save_users(const std::string& path, const UsersFile& users) {
  const std::string text = render_users(users);
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return io_error(tmp, "cannot create");
  auto fail = [&](const std::string& what) {
    Status st = io_error(tmp, what);
    ::close(fd);
    ::unlink(tmp.c_str());
    return st;
  };
  if (::fchmod(fd, 0600) != 0) return fail("cannot set mode 0600");  // whatever the umask or an old tmp
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("cannot write");
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot fsync");
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status st = io_error(path, "cannot replace");
    ::unlink(tmp.c_str());
    return st;
  }
  // The rename itself survives a crash once the directory is on disk.
  auto dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

std::optional<std::string> permission_warning(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  if ((st.st_mode & 077) == 0) return std::nullopt;
  char mode[8];
  std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
  return path + " has mode " + mode + ": others may read the token hashes; chmod 600 it";
}

}  // namespace lodestone::auth
