#include "obs/metrics.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http/server.hpp"

namespace jingban::obs {
namespace {

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

TEST(Metrics, CounterWithLabelsRendersHelpTypeAndValue) {
  Metrics m;
  auto& c = m.counter("jingban_http_requests_total", "HTTP requests.",
                      {{"route", "/healthz"}, {"method", "GET"}, {"status", "200"}});
  c.inc();
  c.inc(4);
  EXPECT_EQ(c.value(), 5u);
  // The same name and labels give the same handle.
  EXPECT_EQ(&c, &m.counter("jingban_http_requests_total", "HTTP requests.",
                           {{"route", "/healthz"}, {"method", "GET"}, {"status", "200"}}));
  std::string text = m.render();
  EXPECT_TRUE(contains(text, "# HELP jingban_http_requests_total HTTP requests.\n"));
  EXPECT_TRUE(contains(text, "# TYPE jingban_http_requests_total counter\n"));
  EXPECT_TRUE(contains(
      text, "jingban_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 5\n"));
}

TEST(Metrics, LabelValuesAndHelpAreEscaped) {
  Metrics m;
  m.counter("x_total", "a \\ help\nline", {{"v", "q\"uo\\te\nnl 青海"}}).inc();
  std::string text = m.render();
  EXPECT_TRUE(contains(text, "# HELP x_total a \\\\ help\\nline\n"));
  EXPECT_TRUE(contains(text, "x_total{v=\"q\\\"uo\\\\te\\nnl 青海\"} 1\n"));
}

TEST(Metrics, GaugeSetAndAdd) {
  Metrics m;
  auto& g = m.gauge("jingban_http_connections", "Open connections.");
  g.add(3);
  g.add(-1);
  EXPECT_EQ(g.value(), 2);
  std::string text = m.render();
  EXPECT_TRUE(contains(text, "# TYPE jingban_http_connections gauge\n"));
  EXPECT_TRUE(contains(text, "\njingban_http_connections 2\n"));
  g.set(0.25);
  EXPECT_TRUE(contains(m.render(), "\njingban_http_connections 0.25\n"));
}

TEST(Metrics, HistogramBucketsAreCumulativeAndCountEqualsInf) {
  Metrics m;
  auto& h = m.histogram("lat_seconds", "Latency.", {0.01, 0.1, 1}, {{"route", "/r"}});
  for (double v : {0.005, 0.01, 0.05, 0.5, 7.0}) h.observe(v);
  EXPECT_EQ(h.count(), 5u);
  std::string text = m.render();
  EXPECT_TRUE(contains(text, "# TYPE lat_seconds histogram\n"));
  EXPECT_TRUE(contains(text, "lat_seconds_bucket{route=\"/r\",le=\"0.01\"} 2\n"));  // le is <=
  EXPECT_TRUE(contains(text, "lat_seconds_bucket{route=\"/r\",le=\"0.1\"} 3\n"));
  EXPECT_TRUE(contains(text, "lat_seconds_bucket{route=\"/r\",le=\"1\"} 4\n"));
  EXPECT_TRUE(contains(text, "lat_seconds_bucket{route=\"/r\",le=\"+Inf\"} 5\n"));
  EXPECT_TRUE(contains(text, "lat_seconds_count{route=\"/r\"} 5\n"));
  EXPECT_TRUE(contains(text, "lat_seconds_sum{route=\"/r\"} 7.56"));
  EXPECT_NEAR(h.sum(), 7.565, 1e-9);
}

TEST(Metrics, CallbackGaugesAreEvaluatedAtRender) {
  Metrics m;
  int calls = 0;
  m.addGaugeCallback("open_cases", "Open cases by deadline status.", [&calls] {
    ++calls;
    return Metrics::GaugeSamples{{{{"deadline", "overdue"}}, 3.0}, {{{"deadline", "on_time"}}, 9}};
  });
  EXPECT_EQ(calls, 0);
  std::string text = m.render();
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(contains(text, "# TYPE open_cases gauge\n"));
  EXPECT_TRUE(contains(text, "open_cases{deadline=\"overdue\"} 3\n"));
  EXPECT_TRUE(contains(text, "open_cases{deadline=\"on_time\"} 9\n"));
}

TEST(Metrics, ThrowingCallbackDropsOnlyItsFamily) {
  Metrics m;
  m.counter("a_total", "A.").inc();
  m.addGaugeCallback("b", "B.", []() -> Metrics::GaugeSamples { throw std::runtime_error("x"); });
  m.counter("c_total", "C.").inc();
  std::string text = m.render();
  EXPECT_TRUE(contains(text, "a_total 1\n"));
  EXPECT_TRUE(contains(text, "c_total 1\n"));
  EXPECT_FALSE(contains(text, "# TYPE b "));
  // Families come out sorted by name.
  EXPECT_LT(text.find("a_total"), text.find("c_total"));
}

TEST(Metrics, ProgrammingErrorsThrow) {
  Metrics m;
  EXPECT_THROW(m.counter("bad name", "x"), std::invalid_argument);
  EXPECT_THROW(m.counter("9lives", "x"), std::invalid_argument);
  EXPECT_THROW(m.counter("ok_total", "x", {{"bad-label", "v"}}), std::invalid_argument);
  EXPECT_THROW(m.histogram("h", "x", {0.1}, {{"le", "1"}}), std::invalid_argument);
  m.counter("t_total", "x");
  EXPECT_THROW(m.gauge("t_total", "x"), std::invalid_argument);
  EXPECT_THROW(m.histogram("h2", "x", {1, 0.5}), std::invalid_argument);
}

TEST(Metrics, ConcurrentIncrementsAreNotLost) {
  Metrics m;
  auto& c = m.counter("n_total", "N.");
  auto& h = m.histogram("d_seconds", "D.", latencyBuckets());
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 100000; ++i) {
        c.inc();
        h.observe(0.001);
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(c.value(), 400000u);
  EXPECT_EQ(h.count(), 400000u);
  EXPECT_NEAR(h.sum(), 400.0, 1e-6);
}

// The HTTP server's side of the metrics, and the barrier they count: a handler that throws or
// drops its responder is answered 500 with the request id, and the server keeps serving.
int connectTo(unsigned short port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

std::string readAll(int fd) {
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, n);
  return out;
}

std::string roundTrip(unsigned short port, const std::string& request) {
  int fd = connectTo(port);
  if (fd < 0) return "";
  ::send(fd, request.data(), request.size(), 0);
  ::shutdown(fd, SHUT_WR);
  std::string out = readAll(fd);
  ::close(fd);
  return out;
}

std::string get(unsigned short port, const std::string& path) {
  return roundTrip(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
}

TEST(ServerMetrics, ThrownAndDroppedAnswersAre500AndCounted) {
  static const std::string kThrow = "/throw", kDrop = "/drop", kTwice = "/twice";
  Metrics m;
  ServerOptions opt;
  opt.port = 0;
  opt.threads = 1;
  opt.metrics = &m;
  HttpServer server(opt, [](HttpRequest&& req, Responder res) {
    if (req.path == kThrow) {
      req.route = kThrow;
      throw std::runtime_error("boom");
    }
    if (req.path == kDrop) {
      req.route = kDrop;
      return;  // the responder is dropped unanswered
    }
    if (req.path == kTwice) {
      req.route = kTwice;
      res({200, "text/plain", "first"});
      res({201, "text/plain", "second"});  // ignored
      return;
    }
    res({200, "text/plain", "ok", {{"Retry-After", "7"}, {"Bad", "x\r\nInjected: 1"}}});
  });
  unsigned short port = server.start();

  std::string thrown = get(port, kThrow);
  EXPECT_TRUE(thrown.starts_with("HTTP/1.1 500")) << thrown;
  EXPECT_TRUE(contains(thrown, "\"code\":\"internal\"")) << thrown;
  auto id_at = thrown.find("X-Request-Id: ");
  ASSERT_NE(id_at, std::string::npos) << thrown;
  std::string id = thrown.substr(id_at + 14, 15);
  EXPECT_TRUE(contains(thrown, "\"request_id\":\"" + id + "\"")) << thrown;
  EXPECT_TRUE(contains(thrown, "请求编号 " + id)) << thrown;
  EXPECT_FALSE(contains(thrown, "boom"));  // the exception's text goes to the log only

  std::string dropped = get(port, kDrop);
  EXPECT_TRUE(dropped.starts_with("HTTP/1.1 500")) << dropped;
  std::string twice = get(port, kTwice);
  EXPECT_TRUE(twice.starts_with("HTTP/1.1 200")) << twice;
  EXPECT_TRUE(contains(twice, "first"));
  EXPECT_FALSE(contains(twice, "second"));

  std::string plain = get(port, "/anything");
  EXPECT_TRUE(plain.starts_with("HTTP/1.1 200")) << plain;
  EXPECT_TRUE(contains(plain, "Retry-After: 7\r\n")) << plain;
  EXPECT_FALSE(contains(plain, "Injected")) << plain;  // no header splitting

  std::string text = m.render();
  EXPECT_TRUE(contains(text,
                       "jingban_http_requests_total{route=\"/throw\",method=\"GET\","
                       "status=\"500\"} 1\n"))
      << text;
  EXPECT_TRUE(contains(text,
                       "jingban_http_requests_total{route=\"/drop\",method=\"GET\","
                       "status=\"500\"} 1\n"));
  EXPECT_TRUE(contains(text,
                       "jingban_http_requests_total{route=\"unmatched\",method=\"GET\","
                       "status=\"200\"} 1\n"));
  EXPECT_TRUE(contains(text, "jingban_http_request_duration_seconds_count{route=\"/twice\"} 1\n"));
  server.stop();
}

TEST(ServerMetrics, ConnectionsOverTheCapAreAnswered503) {
  Metrics m;
  ServerOptions opt;
  opt.port = 0;
  opt.threads = 1;
  opt.max_connections = 1;
  opt.metrics = &m;
  HttpServer server(opt, [](HttpRequest&&, Responder res) { res({200, "text/plain", "ok"}); });
  unsigned short port = server.start();
  // The first connection is answered and stays open (keep-alive) ...
  int first = connectTo(port);
  ASSERT_GE(first, 0);
  std::string req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ::send(first, req.data(), req.size(), 0);
  char buf[1024];
  ssize_t n = ::recv(first, buf, sizeof buf, 0);
  ASSERT_GT(n, 0);
  EXPECT_TRUE(std::string(buf, n).starts_with("HTTP/1.1 200"));
  EXPECT_EQ(server.connections(), 1u);
  // ... so the second is over the cap.
  std::string second = get(port, "/");
  EXPECT_TRUE(second.starts_with("HTTP/1.1 503")) << second;
  EXPECT_TRUE(contains(second, "Retry-After: 1\r\n"));
  EXPECT_TRUE(contains(second, "X-Request-Id: "));
  EXPECT_TRUE(contains(m.render(), "jingban_http_connections_refused_total 1\n"));
  EXPECT_TRUE(contains(m.render(), "jingban_http_connections 1\n"));
  ::close(first);
  server.stop();
}

}  // namespace
}  // namespace jingban::obs
