#pragma once
// Telegram's MarkdownV2 (Bot API, "MarkdownV2 style"): outside entities every one of
// _ * [ ] ( ) ~ ` > # + - = | { } . ! must be preceded by '\', and '\' itself too (escaped first,
// so an escape is never escaped again); inside a link's (...) part only ')' and '\'. Text that
// breaks these rules makes Telegram refuse the whole message with 400 "can't parse entities".
#include <string>
#include <string_view>

namespace lodestone::notify::detail {

std::string markdown_v2_escape(std::string_view text);
std::string markdown_v2_escape_url(std::string_view url);

}  // namespace lodestone::notify::detail
