#include "notify/webhook_sender.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "calendar/date.hpp"

namespace jingban::notify {

namespace {

// The answer's body is not read (only its status matters), but curl writes it somewhere.
size_t discard(char*, size_t size, size_t n, void*) { return size * n; }

}  // namespace

SendResult::Outcome outcomeOfStatus(long status) {
  if (status >= 200 && status < 300) return SendResult::kOk;
  if (status == 408 || status == 429) return SendResult::kRetryable;
  if (status >= 400 && status < 500) return SendResult::kPermanent;
  return SendResult::kRetryable;
}

std::string webhookBody(const OutboxMessage& m) {
  return nlohmann::json{{"message_id", m.message_id},
                        {"case_no", m.case_no},
                        {"region", m.region},
                        {"kind", m.kind},
                        {"phone", m.phone},
                        {"text", m.text},
                        {"created_at", Instant{m.created_at}.iso()}}
      .dump();
}

WebhookSender::WebhookSender(std::string url, long timeout_ms)
    : url_(std::move(url)), timeout_ms_(timeout_ms) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

WebhookSender::~WebhookSender() = default;

bool WebhookSender::validUrl(const std::string& url) {
  return (url.starts_with("http://") || url.starts_with("https://")) && url.size() > 8 &&
         url.find_first_of(" \t\r\n") == std::string::npos;
}

SendResult WebhookSender::send(const OutboxMessage& m) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return {SendResult::kRetryable, "curl_easy_init failed"};
  std::string body = webhookBody(m);
  std::string key = "Idempotency-Key: " + m.message_id;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json; charset=utf-8");
  headers = curl_slist_append(headers, key.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> hold(headers, curl_slist_free_all);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms_);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms_);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // a thread of a multi-threaded server
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK)
    return {SendResult::kRetryable, std::string("curl: ") + curl_easy_strerror(rc)};
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  auto outcome = outcomeOfStatus(status);
  if (outcome == SendResult::kOk) return {};
  return {outcome, "HTTP " + std::to_string(status)};
}

}  // namespace jingban::notify
