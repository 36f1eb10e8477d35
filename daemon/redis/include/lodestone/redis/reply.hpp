#pragma once
// A Redis reply as a plain value, copied out of hiredis' reply tree so that nothing outside the
// client ever holds hiredis memory.
#include <cstdint>
#include <string>
#include <vector>

struct redisReply;

namespace lodestone::redis {

struct Reply {
  enum class Type : std::uint8_t { Nil, Integer, String, Status, Error, Array };
  Type type = Type::Nil;
  long long integer = 0;
  std::string str;  // String, Status and Error
  std::vector<Reply> elements;
};

// The one converter from hiredis' reply tree (the async client's and the tests' blocking one).
Reply from_hiredis(const redisReply& reply);

}  // namespace lodestone::redis
