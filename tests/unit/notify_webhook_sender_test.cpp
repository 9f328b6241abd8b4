// The webhook sender (src/notify/webhook_sender): how an HTTP answer maps to ok / retry /
// permanent, and one real POST to a listener on 127.0.0.1 (headers, body, status).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "notify/webhook_sender.hpp"

namespace jingban::notify {
namespace {

TEST(NotifyWebhook, StatusMapping) {
  for (long s : {200L, 201L, 202L, 204L, 299L}) EXPECT_EQ(outcomeOfStatus(s), SendResult::kOk) << s;
  for (long s : {408L, 429L, 500L, 502L, 503L, 504L, 100L, 301L, 302L, 0L})
    EXPECT_EQ(outcomeOfStatus(s), SendResult::kRetryable) << s;
  for (long s : {400L, 401L, 403L, 404L, 405L, 409L, 410L, 413L, 422L, 499L})
    EXPECT_EQ(outcomeOfStatus(s), SendResult::kPermanent) << s;
}

TEST(NotifyWebhook, UrlCheck) {
  EXPECT_TRUE(WebhookSender::validUrl("http://127.0.0.1:9000/sms"));
  EXPECT_TRUE(WebhookSender::validUrl("https://gateway.example/send?key=1"));
  EXPECT_FALSE(WebhookSender::validUrl("ftp://x/"));
  EXPECT_FALSE(WebhookSender::validUrl("http://"));
  EXPECT_FALSE(WebhookSender::validUrl("http://a b/"));
  EXPECT_FALSE(WebhookSender::validUrl(""));
}

OutboxMessage sample() {
  OutboxMessage m;
  m.message_id = "630000-20260310-000017:2";
  m.case_no = "630000-20260310-000017";
  m.region = "qinghai";
  m.kind = "accepted";
  m.phone = "13800001234";
  m.text = "【医保经办】已受理";
  m.created_at = 1773108000;  // 2026-03-10T10:00:00+08:00
  return m;
}

TEST(NotifyWebhook, BodyHasEveryField) {
  auto j = nlohmann::json::parse(webhookBody(sample()));
  EXPECT_EQ(j["message_id"], "630000-20260310-000017:2");
  EXPECT_EQ(j["case_no"], "630000-20260310-000017");
  EXPECT_EQ(j["region"], "qinghai");
  EXPECT_EQ(j["kind"], "accepted");
  EXPECT_EQ(j["phone"], "13800001234");
  EXPECT_EQ(j["text"], "【医保经办】已受理");
  EXPECT_EQ(j["created_at"], "2026-03-10T10:00:00+08:00");
  EXPECT_EQ(j.size(), 7u);
}

// A listener on 127.0.0.1 answering one request with `status`; keeps what it received.
class OneShotServer {
 public:
  explicit OneShotServer(int status) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 1);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, status] {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char buf[4096];
      for (;;) {
        ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        request_.append(buf, static_cast<size_t>(n));
        size_t head = request_.find("\r\n\r\n");
        if (head == std::string::npos) continue;
        size_t cl = request_.find("Content-Length: ");
        size_t want = cl == std::string::npos ? 0 : std::stoul(request_.substr(cl + 16));
        if (request_.size() >= head + 4 + want) break;
      }
      std::string answer = "HTTP/1.1 " + std::to_string(status) +
                           " X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
      (void)!::write(c, answer.data(), answer.size());
      ::close(c);
    });
  }
  ~OneShotServer() {
    ::shutdown(fd_, SHUT_RDWR);
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/sms"; }
  const std::string& request() {
    if (thread_.joinable()) thread_.join();
    return request_;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::string request_;
};

TEST(NotifyWebhook, PostsJsonWithIdempotencyKey) {
  OneShotServer srv(202);
  WebhookSender s(srv.url());
  auto r = s.send(sample());
  EXPECT_EQ(r.outcome, SendResult::kOk) << r.error;
  const std::string& req = srv.request();
  EXPECT_TRUE(req.starts_with("POST /sms HTTP/1.1\r\n")) << req;
  EXPECT_NE(req.find("Idempotency-Key: 630000-20260310-000017:2\r\n"), std::string::npos) << req;
  EXPECT_NE(req.find("Content-Type: application/json"), std::string::npos) << req;
  auto body = nlohmann::json::parse(req.substr(req.find("\r\n\r\n") + 4));
  EXPECT_EQ(body["message_id"], "630000-20260310-000017:2");
}

TEST(NotifyWebhook, ServerErrorIsRetryableClientErrorPermanent) {
  {
    OneShotServer srv(503);
    auto r = WebhookSender(srv.url()).send(sample());
    EXPECT_EQ(r.outcome, SendResult::kRetryable);
    EXPECT_EQ(r.error, "HTTP 503");
  }
  {
    OneShotServer srv(400);
    auto r = WebhookSender(srv.url()).send(sample());
    EXPECT_EQ(r.outcome, SendResult::kPermanent);
    EXPECT_EQ(r.error, "HTTP 400");
  }
}

TEST(NotifyWebhook, NobodyListeningIsRetryable) {
  int port;
  {
    OneShotServer srv(200);  // a port that was free a moment ago, closed again below
    port = std::stoi(srv.url().substr(17));
  }
  auto r = WebhookSender("http://127.0.0.1:" + std::to_string(port) + "/sms", 2000).send(sample());
  EXPECT_EQ(r.outcome, SendResult::kRetryable);
  EXPECT_TRUE(r.error.starts_with("curl: ")) << r.error;
}

}  // namespace
}  // namespace jingban::notify
