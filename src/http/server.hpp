// HTTP/1.1 server on Boost.Beast: keep-alive, pipelining (requests on one connection are answered
// in order), header and body limits, per-connection idle timeout. Handlers answer asynchronously so
// that a request waiting for its group commit does not hold an I/O thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>  // Boost 1.74 Asio uses std::exchange without including it

namespace jingban {

struct HttpRequest {
  std::string request_id;      // assigned by the server, echoed in X-Request-Id and logs
  std::string remote_address;  // the peer's IP address
  std::string method;
  std::string path;  // without the query string, percent-decoded
  std::map<std::string, std::string> query;
  std::string authorization, idempotency_key, content_type;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers = {};  // extra (Retry-After …)
  std::string actor = {};  // the signed-in staff member, for the request log
};

using Responder = std::function<void(HttpResponse)>;
using Handler = std::function<void(HttpRequest&&, Responder)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  int threads = 2;
  size_t body_limit = 1 << 20;     // 1 MiB
  size_t header_limit = 16 << 10;  // 16 KiB
  int idle_timeout_seconds = 30;
};

class HttpServer {
 public:
  HttpServer(ServerOptions opt, Handler handler);
  ~HttpServer();
  // Binds and starts the I/O threads; returns the bound port (useful with port 0).
  unsigned short start();
  void stop();
  // Runs `fn` on one of the I/O threads.
  void post(std::function<void()> fn);
  // Blocks until stop() or SIGINT/SIGTERM.
  void waitForSignal();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string percentDecode(const std::string& s);

}  // namespace jingban
