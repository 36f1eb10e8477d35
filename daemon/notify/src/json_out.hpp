#pragma once
// A compact JSON writer for request bodies: keys in the order written (services and golden files
// read them in that order), strings through core's append_json_string (valid UTF-8 out whatever
// comes in). Misuse (a value without a key inside an object) is a programmer error.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace lodestone::notify::detail {

class JsonOut {
 public:
  JsonOut& begin_object();
  JsonOut& end_object();
  JsonOut& begin_array();
  JsonOut& end_array();
  JsonOut& key(std::string_view name);
  JsonOut& string(std::string_view value);
  JsonOut& number(std::int64_t value);
  JsonOut& boolean(bool value);
  // A value already written as JSON (core's to_json(Alert)).
  JsonOut& raw(std::string_view json);
  // Shorthands for a key and its value.
  JsonOut& field(std::string_view name, std::string_view value) { return key(name).string(value); }
  JsonOut& field(std::string_view name, const char* value) { return key(name).string(value); }
  JsonOut& field(std::string_view name, std::int64_t value) { return key(name).number(value); }
  JsonOut& field(std::string_view name, bool value) { return key(name).boolean(value); }
  JsonOut& object(std::string_view name, const std::map<std::string, std::string>& values);
  JsonOut& strings(std::string_view name, const std::vector<std::string>& values);

  [[nodiscard]] const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void before_value();
  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

// The size `text` takes inside a JSON string literal (quotes excluded): what the services that
// limit the whole body count.
std::size_t json_string_size(std::string_view text);

}  // namespace lodestone::notify::detail
