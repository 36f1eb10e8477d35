#include "lodestone/cli/user_command.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <ostream>

#include "lodestone/auth/users_file.hpp"
#include "lodestone/core/clock.hpp"

namespace lodestone::cli {
namespace {

// The file, or an empty one when it does not exist yet (only `add` creates it).
Result<auth::UsersFile> read_file(const std::string& path, bool may_be_missing) {
  std::error_code ec;
  if (may_be_missing && !std::filesystem::exists(path, ec)) return auth::UsersFile{};
  return auth::load_users(path);
}

int add(const UserArgs& args, const Clock& clock, std::ostream& out, std::ostream& err) {
  if (auto problem = auth::user_name_problem(args.name); !problem.empty()) {
    err << problem << "\n";
    return 1;
  }
  const auto role = auth::parse_role(args.role);
  if (!role) {
    err << "--role must be one of viewer, trader, admin, ingest (not '" << args.role << "')\n";
    return 1;
  }
  auto file = read_file(args.file, /*may_be_missing=*/true);
  if (!file) {
    err << file.error().message << "\n";
    return 2;
  }
  auth::User* user = file->find(args.name);
  if (user != nullptr && user->role != *role) {
    err << "user '" << args.name << "' is a " << auth::to_string(user->role) << ", not a " << args.role
        << ": remove them first to change the role\n";
    return 1;
  }
  if (user == nullptr) {
    file->users.push_back(auth::User{args.name, *role, {}});
    user = &file->users.back();
  }
  auto token = auth::new_token();
  while (std::any_of(file->users.begin(), file->users.end(), [&](const auth::User& u) {
    return std::any_of(u.tokens.begin(), u.tokens.end(), [&](const auth::TokenRecord& t) { return t.id == token.id; });
  }))
    token = auth::new_token();  // ids are 32 random bits: a repeat in one file is rare, never kept
  user->tokens.push_back(auth::TokenRecord{token.id, token.hash, clock.now()});
  if (auto st = auth::save_users(args.file, *file); !st) {
    err << st.error().message << "\n";
    return 2;
  }
  out << "added token " << token.id << " for " << args.name << " (" << args.role << ") to " << args.file << "\n"
      << "the token is shown once, here; only its hash is kept. Send it as Authorization: Bearer TOKEN.\n"
      << "running daemons read the file again on SIGHUP (systemctl reload lodestone).\n"
      << token.token << "\n";
  return 0;
}

int list(const UserArgs& args, std::ostream& out, std::ostream& err) {
  auto file = read_file(args.file, /*may_be_missing=*/false);
  if (!file) {
    err << file.error().message << "\n";
    return 2;
  }
  if (file->users.empty()) {
    out << args.file << ": no users\n";
    return 0;
  }
  for (const auto& u : file->users) {
    out << u.name << "  " << auth::to_string(u.role) << "  " << u.tokens.size()
        << (u.tokens.size() == 1 ? " token" : " tokens") << "\n";
    for (const auto& t : u.tokens) out << "  " << t.id << "  created " << format_timestamp(t.created) << "\n";
  }
  return 0;
}

int remove(const UserArgs& args, std::ostream& out, std::ostream& err) {
  auto file = read_file(args.file, /*may_be_missing=*/false);
  if (!file) {
    err << file.error().message << "\n";
    return 2;
  }
  auto it =
      std::find_if(file->users.begin(), file->users.end(), [&](const auth::User& u) { return u.name == args.name; });
  if (it == file->users.end()) {
    err << args.file << ": no user '" << args.name << "'\n";
    return 1;
  }
  std::string what;
  if (args.token_id.empty()) {
    file->users.erase(it);
    what = "removed " + args.name;
  } else {
    auto& tokens = it->tokens;
    auto t =
        std::find_if(tokens.begin(), tokens.end(), [&](const auth::TokenRecord& r) { return r.id == args.token_id; });
    if (t == tokens.end()) {
      err << args.file << ": " << args.name << " has no token " << args.token_id << "\n";
      return 1;
    }
    tokens.erase(t);
    what = "revoked token " + args.token_id + " of " + args.name;
  }
  if (auto st = auth::save_users(args.file, *file); !st) {
    err << st.error().message << "\n";
    return 2;
  }
  out << what << " in " << args.file << "; running daemons stop accepting it on SIGHUP\n";
  return 0;
}

}  // namespace

UserCommand add_user_command(CLI::App& app) {
  UserCommand c{std::make_shared<UserArgs>(), nullptr};
  auto args = c.args;
  c.command = app.add_subcommand("user", "Add, list and remove the users and tokens of a users file");
  c.command->require_subcommand(1);
  auto* add_cmd = c.command->add_subcommand("add", "Add a user (or another token of theirs); prints the token once");
  add_cmd->add_option("name", args->name, "User name")->required();
  add_cmd->add_option("--role", args->role, "viewer, trader, admin or ingest")->required();
  add_cmd->add_option("--file", args->file, "Users file (created if missing)")->required();
  add_cmd->callback([args] { args->action = "add"; });
  auto* list_cmd = c.command->add_subcommand("list", "Names, roles, token ids and creation times (never a hash)");
  list_cmd->add_option("--file", args->file, "Users file")->required();
  list_cmd->callback([args] { args->action = "list"; });
  auto* remove_cmd = c.command->add_subcommand("remove", "Remove a user, or revoke one token with --token ID");
  remove_cmd->add_option("name", args->name, "User name")->required();
  remove_cmd->add_option("--file", args->file, "Users file")->required();
  remove_cmd->add_option("--token", args->token_id, "Revoke only this token id");
  remove_cmd->callback([args] { args->action = "remove"; });
  return c;
}

int run_user_command(const UserArgs& args, const Clock& clock, std::ostream& out, std::ostream& err) {
  if (args.action == "add") return add(args, clock, out, err);
  if (args.action == "list") return list(args, out, err);
  if (args.action == "remove") return remove(args, out, err);
  err << "user: add, list or remove\n";
  return 1;
}

}  // namespace lodestone::cli
