#include "lodestone/redis/reply.hpp"

#include <hiredis/hiredis.h>

namespace lodestone::redis {

Reply from_hiredis(const redisReply& r) {
  Reply out;
  switch (r.type) {
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::Integer;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::String;
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::Status;
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::Error;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::Array;
      out.elements.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(from_hiredis(*r.element[i]));
      break;
    default:
      break;
  }
  if (r.str != nullptr) out.str.assign(r.str, r.len);
  return out;
}

}  // namespace lodestone::redis
