#pragma once
// LODESTONE_TRY(name, expr): declares `name` as the Result of `expr`, or returns its Error from
// the enclosing function. Readers of a file's many fields (the configuration, the users file)
// would otherwise spell the same two lines for each.
#include "lodestone/core/result.hpp"

// NOLINTBEGIN(bugprone-macro-parentheses): `var` is the name the macro declares
#define LODESTONE_TRY(var, expr) \
  auto var = (expr);             \
  if (!var) return var.error()
// NOLINTEND(bugprone-macro-parentheses)
