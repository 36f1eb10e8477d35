#pragma once
// RSS 2.0 and Atom news feeds to headlines.
#include <string_view>

#include "lodestone/feeds/batch.hpp"
#include "lodestone/feeds/charset.hpp"

namespace lodestone::feeds {

// The encoding an XML declaration names (<?xml version="1.0" encoding="GBK"?>), or `fallback`.
Charset xml_declared_charset(std::string_view bytes, Charset fallback);

// Appends one Headline per <item> (RSS) or <entry> (Atom). `source` names the feed; when empty
// the channel's or feed's own title is used. Ids: guid / id, else the link. Titles and bodies
// are stripped of HTML; an item without a title, or without a date that can be read, is a Problem.
void parse_news_xml(std::string_view xml_utf8, std::string_view source, HeadlineBatch& out);

}  // namespace lodestone::feeds
