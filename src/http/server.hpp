// HTTP/1.1 server on Boost.Beast: keep-alive, pipelining (requests on one connection are answered
// in order), header and body limits, per-connection idle timeout. Handlers answer asynchronously so
// that a request waiting for its group commit does not hold an I/O thread.
//
// The server is the edge: it refuses targets and header values that are not valid UTF-8 (400
// invalid_encoding) before any handler sees them, gives every request an id (X-Request-Id), answers
// every request exactly once (an exception or a dropped responder answers 500), writes one log
// line and the metrics per request, caps connections and drains in-flight requests on SIGTERM.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>  // Boost 1.74 Asio uses std::exchange without including it

namespace jingban {

namespace obs {
class Metrics;
}

// A request body read as it arrives, for the one route whose bodies are larger than a request
// should hold in memory (a month's fee lines, routes_settlements.cpp). The route checks what it
// can from the header first and answers a refusal without reading the body at all (the connection
// then closes after the answer); otherwise it calls read() once.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // `on_piece` gets each piece of the body in order (on the connection's strand, never two at
  // once) and returns false to stop reading; `on_end` is called once after the last piece, with
  // an empty message when the body arrived whole, or with why not (too large, cut off).
  // The route answers through its Responder from either callback.
  using OnPiece = std::function<bool(std::string_view)>;
  using OnEnd = std::function<void(std::string error)>;
  virtual void read(OnPiece on_piece, OnEnd on_end) = 0;
  // A body that is already in memory, given in pieces of `piece` bytes (the same route called
  // without a streaming server: tests, the fuzz target).
  static std::shared_ptr<BodyStream> fromString(std::string body, size_t piece = 64 << 10);
};

struct HttpRequest {
  std::string request_id;      // assigned by the server, echoed in X-Request-Id and logs
  std::string remote_address;  // the peer's IP address
  std::string method;
  std::string path;  // without the query string, percent-decoded, valid UTF-8
  std::map<std::string, std::string> query;                  // percent-decoded, valid UTF-8
  std::string authorization, idempotency_key, content_type;  // valid UTF-8
  // The applicant's credentials and the file's name of a material upload (routes_files.cpp):
  // X-Id-No, X-Query-Code, X-File-Name; valid UTF-8.
  std::string id_no, query_code, file_name;
  std::string body;
  // Set instead of `body` for the streamed routes (see BodyStream); null otherwise.
  std::shared_ptr<BodyStream> body_stream = {};
  // Set by Router::dispatch before it calls the route's handler: the matched pattern
  // ("/api/v1/cases/{case_no}/{action}"), empty when nothing matched. Points into the router,
  // which outlives the server's requests. For the request log and metrics, never the raw path.
  std::string_view route = {};
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers = {};  // extra (Retry-After …)
  std::string actor = {};  // the signed-in staff member, for the request log
};

// Call once per request; further calls are ignored. Dropping every copy without calling it
// answers 500, so that no client waits forever for a lost answer.
using Responder = std::function<void(HttpResponse)>;
using Handler = std::function<void(HttpRequest&&, Responder)>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  int threads = 2;
  size_t body_limit = 1 << 20;     // 1 MiB
  size_t header_limit = 16 << 10;  // 16 KiB
  int idle_timeout_seconds = 30;
  // Open connections at most; one more is answered 503 and closed at once (see server.cpp).
  size_t max_connections = 4096;
  // How long a graceful stop waits for in-flight requests to be answered.
  std::chrono::milliseconds drain_timeout{10000};
  // Request counters, latency histogram and the connection gauge; null: none.
  obs::Metrics* metrics = nullptr;
};

class HttpServer {
 public:
  HttpServer(ServerOptions opt, Handler handler);
  ~HttpServer();
  // Binds and starts the I/O threads; returns the bound port (useful with port 0).
  unsigned short start();
  // Stops at once: requests in flight are dropped. waitForSignal() drains first.
  void stop();
  // Runs `fn` on one of the I/O threads. An exception from `fn` is logged, not propagated.
  void post(std::function<void()> fn);
  // Blocks until SIGINT/SIGTERM or stop(). On SIGHUP calls `on_hup` (if set) and keeps waiting.
  // After a signal it stops accepting, lets requests in flight be answered (at most
  // drain_timeout) and closes idle connections, then returns; the I/O threads keep running until
  // stop(), so that commit completions still reach their connections.
  void waitForSignal(std::function<void()> on_hup = {});
  // Open connections now.
  size_t connections() const;

  struct Impl;  // server.cpp; public only so that its connections can name it

 private:
  std::unique_ptr<Impl> impl_;
};

// Percent-decodes one component of a target into `out` (appending); '+' means a space only when
// `plus_is_space` (query strings). False for a malformed escape ("%G1", a trailing "%").
bool percentDecode(std::string_view s, std::string& out, bool plus_is_space);
// Fills req.path and req.query from a request target ("/path?a=1&b=2"). False when an escape is
// malformed or a decoded segment, key or value is not valid UTF-8: answer 400 invalid_encoding.
// The fuzz target uses this too, so that it routes exactly what the server routes.
bool parseTarget(std::string_view target, HttpRequest& req);
// The decoding the server used before it checked escapes and UTF-8: a malformed escape is kept
// as it is. For the fuzz target's copy of the query parsing until it calls parseTarget.
std::string percentDecode(const std::string& s);
// The raise of RLIMIT_NOFILE's soft limit to its hard limit; returns the soft limit now in force.
uint64_t raiseFileLimit();

}  // namespace jingban
