#include "symbol_index.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>

namespace lodestone::rules::detail {
namespace {

Symbol sym(int code, Exchange e) {
  char text[7];
  std::snprintf(text, sizeof text, "%06d", code);
  return *Symbol::make(text, e);
}

TEST(SymbolIndex, FindsWhatWasInsertedAndNothingElse) {
  SymbolIndex index;
  EXPECT_EQ(index.find(sym(600111, Exchange::SH)), SymbolIndex::kAbsent);  // empty
  // Enough symbols to grow the table several times; the same code on other exchanges (930598.CSI
  // beside 930598.SH) and the empty symbol are other keys.
  std::map<Symbol, std::uint32_t> expected;
  std::uint32_t slot = 0;
  for (int i = 0; i < 3000; ++i)
    for (Exchange e : {Exchange::SH, Exchange::SZ}) {
      const Symbol s = sym(i * 331, e);
      if (expected.count(s)) continue;
      index.insert(s, slot);
      expected[s] = slot++;
    }
  index.insert(Symbol{}, slot);
  expected[Symbol{}] = slot++;
  EXPECT_EQ(index.size(), expected.size());
  for (const auto& [s, v] : expected) EXPECT_EQ(index.find(s), v) << s.str();
  for (int i = 0; i < 3000; ++i) {
    EXPECT_EQ(index.find(sym(i * 331, Exchange::BJ)), SymbolIndex::kAbsent);
    EXPECT_EQ(index.find(sym(i * 331, Exchange::CSI)), SymbolIndex::kAbsent);
    EXPECT_EQ(index.find(sym(i * 331 + 1, Exchange::SH)), SymbolIndex::kAbsent);
  }
}

}  // namespace
}  // namespace lodestone::rules::detail
