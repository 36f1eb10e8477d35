// The users file is edited by hand as well as by `lodestone user`, and reloaded on SIGHUP: any
// bytes give users or an error with file:line:column, never a crash; what parses renders back to
// text that parses to the same users.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lodestone/auth/users_file.hpp"

namespace {
void check(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lodestone;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto users = auth::parse_users(text, "fuzz.yaml");
  if (!users) {
    check(users.error().code == ErrorCode::bad_config);
    check(users.error().message.starts_with("fuzz.yaml:"));
    return 0;
  }
  for (const auto& u : users->users) check(auth::user_name_problem(u.name).empty());
  const std::string rendered = auth::render_users(*users);
  auto again = auth::parse_users(rendered, "rendered.yaml");
  check(again.ok());
  check(auth::render_users(*again) == rendered);
  return 0;
}
