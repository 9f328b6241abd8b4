// The HTTP webhook sender (an SMS gateway behind a URL): POSTs each message as JSON
// {message_id, case_no, region, kind, phone, text, created_at} with the header
// `Idempotency-Key: <message_id>`, so that a receiver can drop a message delivered twice (the
// server may stop between the gateway's answer and recording it). libcurl, 5 s timeout.
#pragma once

#include <string>

#include "notify/sender.hpp"

namespace jingban::notify {

// The outcome of an HTTP answer: 2xx ok; 408 and 429 retryable; any other 4xx permanent; the
// rest (5xx, 1xx, 3xx: redirects are not followed) retryable.
SendResult::Outcome outcomeOfStatus(long status);
// The JSON body posted for `m` (created_at as ISO 8601, Beijing time).
std::string webhookBody(const OutboxMessage& m);

class WebhookSender : public Sender {
 public:
  // `url`: http:// or https://; checked by validUrl() before.
  explicit WebhookSender(std::string url, long timeout_ms = 5000);
  ~WebhookSender() override;
  static bool validUrl(const std::string& url);
  SendResult send(const OutboxMessage& m) override;
  std::string name() const override { return "webhook"; }

 private:
  std::string url_;
  long timeout_ms_;
};

}  // namespace jingban::notify
