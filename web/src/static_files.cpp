#include "static_files.hpp"

#include <system_error>

namespace lodestone::web {

std::string_view mime_type(std::string_view path) {
  const auto dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : path.substr(dot);
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".wav") return "audio/wav";
  if (ext == ".mp3") return "audio/mpeg";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::optional<std::string> safe_relative_path(std::string_view request_path) {
  auto decoded = percent_decode(request_path);
  if (!decoded || decoded->empty() || decoded->front() != '/') return std::nullopt;
  for (char c : *decoded)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return std::nullopt;  // no control bytes in a file name
  std::string rel = decoded->substr(1);
  if (rel.empty() || rel.back() == '/') rel += "index.html";
  // Refuse any segment that is empty, '.', '..' or hidden, and backslashes (never a separator here).
  std::size_t start = 0;
  while (start <= rel.size()) {
    const auto slash = rel.find('/', start);
    const std::string_view seg =
        std::string_view(rel).substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (seg.empty() || seg.front() == '.' || seg.find('\\') != std::string_view::npos) return std::nullopt;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return rel;
}

StaticFiles::StaticFiles(std::filesystem::path root) : root_(std::move(root)) {}

http::message_generator StaticFiles::serve(const Request& req) const {
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    auto res = make_error_response(req, http::status::method_not_allowed, "only GET and HEAD");
    res.set(http::field::allow, "GET, HEAD");
    return res;
  }
  auto rel = safe_relative_path(path_of(req.target()));
  if (!rel) return make_error_response(req, http::status::not_found, "not found");
  return serve_file(req, std::move(*rel));
}

http::message_generator StaticFiles::serve_page(const Request& req) const {
  if (req.method() != http::verb::get && req.method() != http::verb::head) return serve(req);  // 405
  return serve_file(req, "index.html");
}

http::message_generator StaticFiles::serve_file(const Request& req, std::string rel) const {
  std::filesystem::path path = root_ / rel;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    // The page is a single-page app: unknown paths without an extension get index.html.
    if (rel.find('.') != std::string::npos && rel != "index.html")
      return make_error_response(req, http::status::not_found, "not found");
    path = root_ / "index.html";
    rel = "index.html";
  }
  bool gzip = false;
  const auto accept = req[http::field::accept_encoding];
  if (accept.find("gzip") != std::string_view::npos) {
    auto gz = path;
    gz += ".gz";
    if (std::filesystem::is_regular_file(gz, ec)) {
      path = gz;
      gzip = true;
    }
  }
  beast::error_code bec;
  http::file_body::value_type body;
  body.open(path.c_str(), beast::file_mode::scan, bec);
  if (bec) return make_error_response(req, http::status::not_found, "not found");
  const auto size = body.size();
  const bool html = rel.ends_with(".html");
  auto decorate = [&](auto& res) {
    res.set(http::field::server, "lodestone");
    res.set(http::field::content_type, mime_type(rel));
    // The HTML names the bundle; it must always be fresh. The bundle may be cached briefly.
    res.set(http::field::cache_control, html ? "no-cache" : "public, max-age=300");
    res.set(http::field::vary, "Accept-Encoding");
    if (gzip) res.set(http::field::content_encoding, "gzip");
    add_security_headers(res);
    res.content_length(size);
    res.keep_alive(req.keep_alive());
  };
  if (req.method() == http::verb::head) {
    http::response<http::empty_body> res{http::status::ok, req.version()};
    decorate(res);
    return res;
  }
  http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                      std::make_tuple(http::status::ok, req.version())};
  decorate(res);
  return res;
}

}  // namespace lodestone::web
