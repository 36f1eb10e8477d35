#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "lodestone/notify/sender.hpp"

namespace lodestone::notify {
namespace {

// libcurl's global state is set up once per process, before any thread uses it.
void init_curl_once() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

ErrorCode code_of(CURLcode rc) {
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorCode::timeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return ErrorCode::resolve_failed;
    case CURLE_COULDNT_CONNECT:
      return ErrorCode::connect_failed;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_USE_SSL_FAILED:
      return ErrorCode::tls_failed;
    case CURLE_SEND_ERROR:
    case CURLE_UPLOAD_FAILED:
      return ErrorCode::write_failed;
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return ErrorCode::read_failed;
    case CURLE_LOGIN_DENIED:
      return ErrorCode::unauthorized;
    default:
      return ErrorCode::unavailable;
  }
}

// One request in flight: the easy handle and everything it points into.
struct Transfer {
  OutboundRequest request;
  Sender::Done done;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  curl_slist* recipients = nullptr;
  std::string answer;
  std::size_t max_body = 0;
  std::size_t upload_offset = 0;
  std::optional<std::chrono::seconds> retry_after;
  char error[CURL_ERROR_SIZE] = {};

  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer() {
    if (easy) curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
    curl_slist_free_all(recipients);
  }
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (t->answer.size() < t->max_body) t->answer.append(data, std::min(n, t->max_body - t->answer.size()));
  return n;
}

// Retry-After in seconds (the HTTP-date form is rare from these services and read as absent).
std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  std::string_view line(data, n);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    bool match = true;
    for (std::size_t i = 0; i < kName.size() && match; ++i)
      match = static_cast<char>(std::tolower(static_cast<unsigned char>(line[i]))) == kName[i];
    if (match) {
      auto value = line.substr(kName.size());
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      long long seconds = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec == std::errc() && end != value.data() && seconds >= 0) t->retry_after = std::chrono::seconds(seconds);
    }
  }
  return n;
}

// SMTP's DATA: the message, fed to libcurl in pieces.
std::size_t on_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string& body = t->request.body;
  const std::size_t n = std::min(size * count, body.size() - t->upload_offset);
  std::copy_n(body.data() + t->upload_offset, n, buffer);
  t->upload_offset += n;
  return n;
}

void configure(Transfer& t) {
  CURL* e = t.easy;
  const auto& r = t.request;
  curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<std::int64_t>(r.timeout.count(), 10'000)));
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
  // A robot's URL is its credential: never follow a redirect that would carry the body elsewhere.
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  // One connection per message: libcurl silently sends a request again when a reused keep-alive
  // connection closes without an answer, and a robot that had taken the first would post twice.
  // At a robot's 20 messages a minute the extra handshake costs nothing that matters.
  curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  if (!r.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, r.ca_file.c_str());
  if (r.transport == OutboundRequest::Transport::Http) {
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    for (const auto& [name, value] : r.headers) {
      const std::string line = name + ": " + value;
      t.headers = curl_slist_append(t.headers, line.c_str());
    }
    t.headers = curl_slist_append(t.headers, "Expect:");  // no 100-continue round trip
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
  } else {
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(e, CURLOPT_MAIL_FROM, r.mail_from.c_str());
    for (const auto& rcpt : r.rcpt_to) t.recipients = curl_slist_append(t.recipients, rcpt.c_str());
    curl_easy_setopt(e, CURLOPT_MAIL_RCPT, t.recipients);
    if (!r.smtp_user.empty()) {
      curl_easy_setopt(e, CURLOPT_USERNAME, r.smtp_user.c_str());
      curl_easy_setopt(e, CURLOPT_PASSWORD, r.smtp_password.c_str());
    }
    // STARTTLS is required, never tried-and-dropped: a password never crosses in the clear.
    if (r.starttls) curl_easy_setopt(e, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, on_upload);
    curl_easy_setopt(e, CURLOPT_READDATA, &t);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  }
}

}  // namespace

struct CurlSender::Impl {
  explicit Impl(std::size_t max) : max_body(max) {
    init_curl_once();
    multi = curl_multi_init();
    worker = std::thread([this] { run(); });
  }

  void run() {
    while (!stopping.load()) {
      std::deque<std::unique_ptr<Transfer>> fresh;
      {
        std::lock_guard lock(mutex);
        fresh.swap(queue);
      }
      for (auto& t : fresh) start(std::move(t));
      int running = 0;
      curl_multi_perform(multi, &running);
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        finish(msg->easy_handle, msg->data.result);
      }
      // Sleeps until a socket is ready, a request is queued (curl_multi_wakeup) or 1 s passes.
      curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
    }
    for (auto& [easy, t] : active) curl_multi_remove_handle(multi, easy);
    active.clear();               // abandoned: their `done` never runs
    std::lock_guard lock(mutex);  // send() and stop() wake the handle only under this lock
    curl_multi_cleanup(multi);
    multi = nullptr;
  }

  void start(std::unique_ptr<Transfer> t) {
    t->easy = curl_easy_init();
    t->max_body = max_body;
    if (!t->easy) {
      ServiceAnswer a;
      a.transport_error = make_error(ErrorCode::unavailable, "libcurl could not make a handle");
      t->done(std::move(a));
      return;
    }
    configure(*t);
    CURL* easy = t->easy;
    curl_multi_add_handle(multi, easy);
    active.emplace(easy, std::move(t));
  }

  void finish(CURL* easy, CURLcode rc) {
    auto it = active.find(easy);
    if (it == active.end()) return;
    std::unique_ptr<Transfer> t = std::move(it->second);
    active.erase(it);
    curl_multi_remove_handle(multi, easy);
    ServiceAnswer a;
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    a.http_status = status;
    a.body = std::move(t->answer);
    a.retry_after = t->retry_after;
    // An SMTP refusal still has its reply code, which classify() reads. No answer at all, or
    // one cut short by the timeout, is the transport's failure.
    if (rc != CURLE_OK && (status == 0 || rc == CURLE_OPERATION_TIMEDOUT)) {
      std::string words = t->error[0] != '\0' ? std::string(t->error) : std::string(curl_easy_strerror(rc));
      a.http_status = 0;
      a.transport_error = make_error(code_of(rc), std::move(words));
    }
    t->done(std::move(a));
  }

  std::size_t max_body;
  CURLM* multi = nullptr;
  std::thread worker;
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::deque<std::unique_ptr<Transfer>> queue;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active;  // worker thread only
};

CurlSender::CurlSender(std::size_t max_body) : impl_(std::make_unique<Impl>(max_body)) {}

CurlSender::~CurlSender() { stop(); }

void CurlSender::send(OutboundRequest request, Done done) {
  auto t = std::make_unique<Transfer>();
  t->request = std::move(request);
  t->done = std::move(done);
  std::lock_guard lock(impl_->mutex);
  if (impl_->stopping.load() || !impl_->multi) return;
  impl_->queue.push_back(std::move(t));
  curl_multi_wakeup(impl_->multi);
}

void CurlSender::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->stopping.exchange(true)) return;
    if (impl_->multi) curl_multi_wakeup(impl_->multi);
  }
  if (impl_->worker.joinable()) impl_->worker.join();
}

}  // namespace lodestone::notify
