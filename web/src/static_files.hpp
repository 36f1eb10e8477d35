#pragma once
// The page's files, served from one directory: GET and HEAD only, no path outside the root,
// a precompressed .gz sibling when the browser accepts gzip.
#include <filesystem>
#include <optional>
#include <string>

#include "http_util.hpp"

namespace lodestone::web {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);
  http::message_generator serve(const Request& req) const;
  // index.html whatever the path: the page's own routes (/alerts/KEY, the link a notification
  // carries) open the app, which reads the path itself. Even a KEY with a dot in it.
  http::message_generator serve_page(const Request& req) const;
  [[nodiscard]] bool available() const { return !root_.empty(); }

 private:
  http::message_generator serve_file(const Request& req, std::string rel) const;
  std::filesystem::path root_;
};

std::string_view mime_type(std::string_view path);
// The relative file a request path names, or nullopt when it tries to leave the root.
std::optional<std::string> safe_relative_path(std::string_view request_path);

}  // namespace lodestone::web
