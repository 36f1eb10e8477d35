#pragma once
// How wide UTF-8 text is on a terminal: a Chinese character takes two columns, so a table of
// names lines up only if it is padded by display width, not by bytes or characters.
#include <cstddef>
#include <string>
#include <string_view>

namespace lodestone::cli {

// Columns `text` takes: 2 for East Asian wide and fullwidth characters (CJK, kana, hangul,
// fullwidth forms), 0 for combining marks and zero-width characters, 1 for the rest. A byte
// that is not valid UTF-8 counts 1 (terminals show a replacement character).
std::size_t display_width(std::string_view text);

// `text` followed by spaces up to `width` columns (unchanged when already as wide or wider).
std::string pad_right(std::string_view text, std::size_t width);
// Spaces, then `text`, up to `width` columns.
std::string pad_left(std::string_view text, std::size_t width);

}  // namespace lodestone::cli

#include <vector>

namespace lodestone::cli {

// Rows under a header, each column as wide as its widest cell (by display width), two spaces
// apart. `align` has one letter per column, 'l' or 'r'; the last column is never padded (a
// message runs to the end of the line). Every line ends with '\n'.
std::string format_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                         std::string_view align);

}  // namespace lodestone::cli
