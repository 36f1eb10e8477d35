#pragma once
// The markdown the Chinese robots and ServerChan take. DingTalk's subset (headings, >, bold,
// links, - lists) and ServerChan's renderer start a new line only at a blank line, so pieces end
// with "\n\n"; WeCom's markdown v1 and Feishu's lark_md break at "\n" and have their own colour
// syntax (render_wecom.cpp, render_feishu.cpp).
#include "layout.hpp"

namespace lodestone::notify::detail {

// DingTalk markdown and ServerChan's desp.
const Markup& paragraph_markdown();

}  // namespace lodestone::notify::detail
