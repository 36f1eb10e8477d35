#pragma once
// `lodestone user add NAME --role ROLE --file PATH`: creates the users file if needed, adds a new
// token (to a new user, or to an existing one of that role) and prints the token once, alone on
// the last line of the output; only its hash is written.
// `lodestone user list --file PATH`: names, roles, token ids and creation times; never a hash.
// `lodestone user remove NAME --file PATH [--token ID]`: the user, or one token of theirs.
// The daemon reads the file again on SIGHUP.
#include <iosfwd>
#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace lodestone {
class Clock;
}

namespace lodestone::cli {

struct UserArgs {
  std::string action;  // add, list, remove
  std::string name;
  std::string role;
  std::string file;
  std::string token_id;  // remove: only this token
};

// Adds `user` with its three subcommands to `app`; the arguments are filled in when it parses, and
// `command->parsed()` says whether it was given.
struct UserCommand {
  std::shared_ptr<UserArgs> args;
  CLI::App* command = nullptr;
};
UserCommand add_user_command(CLI::App& app);

// 0; 1 for a request that cannot be done (unknown user, token or role, a name taken by another
// role); 2 when the file cannot be read or written. What went wrong goes to `err`.
int run_user_command(const UserArgs& args, const Clock& clock, std::ostream& out, std::ostream& err);

}  // namespace lodestone::cli
