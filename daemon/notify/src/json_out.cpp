#include "json_out.hpp"

#include <cassert>

#include "lodestone/core/json_writer.hpp"

namespace lodestone::notify::detail {

void JsonOut::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

JsonOut& JsonOut::begin_object() {
  before_value();
  out_ += '{';
  first_.push_back(true);
  return *this;
}

JsonOut& JsonOut::end_object() {
  assert(!first_.empty() && !after_key_);
  first_.pop_back();
  out_ += '}';
  return *this;
}

JsonOut& JsonOut::begin_array() {
  before_value();
  out_ += '[';
  first_.push_back(true);
  return *this;
}

JsonOut& JsonOut::end_array() {
  assert(!first_.empty() && !after_key_);
  first_.pop_back();
  out_ += ']';
  return *this;
}

JsonOut& JsonOut::key(std::string_view name) {
  assert(!first_.empty() && !after_key_);
  before_value();
  append_json_string(out_, name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonOut& JsonOut::string(std::string_view value) {
  before_value();
  append_json_string(out_, value);
  return *this;
}

JsonOut& JsonOut::number(std::int64_t value) {
  before_value();
  out_ += std::to_string(value);
  return *this;
}

JsonOut& JsonOut::boolean(bool value) {
  before_value();
  out_ += value ? "true" : "false";
  return *this;
}

JsonOut& JsonOut::raw(std::string_view json) {
  before_value();
  out_.append(json);
  return *this;
}

JsonOut& JsonOut::object(std::string_view name, const std::map<std::string, std::string>& values) {
  key(name).begin_object();
  for (const auto& [k, v] : values) field(k, v);
  return end_object();
}

JsonOut& JsonOut::strings(std::string_view name, const std::vector<std::string>& values) {
  key(name).begin_array();
  for (const auto& v : values) string(v);
  return end_array();
}

std::size_t json_string_size(std::string_view text) {
  std::string quoted;
  append_json_string(quoted, text);
  return quoted.size() - 2;
}

}  // namespace lodestone::notify::detail
