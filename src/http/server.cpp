#include "http/server.hpp"

#include <sys/resource.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <limits>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/text.hpp"
#include "obs/log.hpp"
#include "obs/metrics.hpp"

namespace jingban {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool percentDecode(std::string_view s, std::string& out, bool plus_is_space) {
  out.reserve(out.size() + s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return false;  // a '%' needs two hex digits after it
      int hi = hexValue(s[i + 1]), lo = hexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

std::string percentDecode(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    int hi = i + 2 < s.size() ? hexValue(s[i + 1]) : -1, lo = hi >= 0 ? hexValue(s[i + 2]) : -1;
    if (s[i] == '%' && hi >= 0 && lo >= 0) {
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

bool parseTarget(std::string_view target, HttpRequest& req) {
  size_t q = target.find('?');
  req.path.clear();
  // A path's '+' is a plus (RFC 3986); only a query's '+' is a space (HTML forms).
  if (!percentDecode(target.substr(0, q), req.path, false) || !validUtf8(req.path)) return false;
  req.query.clear();
  if (q == std::string_view::npos) return true;
  std::string_view rest = target.substr(q + 1);
  while (true) {
    size_t amp = rest.find('&');
    std::string_view part = rest.substr(0, amp);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string key, value;
      if (!percentDecode(part.substr(0, eq), key, true) || !validUtf8(key)) return false;
      if (eq != std::string_view::npos &&
          (!percentDecode(part.substr(eq + 1), value, true) || !validUtf8(value)))
        return false;
      req.query[std::move(key)] = std::move(value);
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return true;
}

uint64_t raiseFileLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
  if (rl.rlim_cur < rl.rlim_max) {
    rlimit want = rl;
    want.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &want) == 0) {
      rl = want;
    } else {
      // An unlimited hard limit is capped by fs.nr_open (1,048,576 by default).
      want.rlim_cur = std::min<rlim_t>(rl.rlim_max, 1 << 20);
      if (setrlimit(RLIMIT_NOFILE, &want) == 0) rl = want;
    }
  }
  return rl.rlim_cur == RLIM_INFINITY ? uint64_t{1} << 20 : static_cast<uint64_t>(rl.rlim_cur);
}

namespace {

constexpr const char* kJson = "application/json; charset=utf-8";
constexpr std::string_view kUnmatched = "unmatched";
// A material upload (routes_files.cpp) is the one request whose body may exceed the general body
// limit: a PDF, JPEG or PNG of at most 5 MiB, POSTed to /api/v1/cases/{no}/materials/{id}/files.
constexpr uint64_t kUploadBodyLimit = 5 << 20;
bool isUpload(http::verb method, std::string_view target) {
  target = target.substr(0, target.find('?'));
  return method == http::verb::post && target.starts_with("/api/v1/cases/") &&
         target.ends_with("/files") && target.find("/materials/") != std::string_view::npos;
}

// The month's fee lines of a designated institution (routes_settlements.cpp), POSTed to
// /api/v1/regions/{r}/settlements/{code}/{YYYY-MM}/lines: CSV or JSON lines of up to 4 GiB (a
// month of ten million lines is about 1 GiB). The body is streamed: the route gets it in pieces of
// kBodyPiece bytes as they arrive (BodyStream), so a request holds one piece, never the body.
constexpr uint64_t kSettlementBodyLimit = uint64_t{4} << 30;
constexpr size_t kBodyPiece = 64 << 10;
bool isSettlementLines(http::verb method, std::string_view target) {
  target = target.substr(0, target.find('?'));
  return method == http::verb::post && target.starts_with("/api/v1/regions/") &&
         target.ends_with("/lines") && target.find("/settlements/") != std::string_view::npos;
}

// Request ids: a random prefix per process and a counter. 15 characters, so that the string fits
// the small-string buffer and costs no allocation; unique across restarts in practice.
std::string nextRequestId() {
  static const uint32_t prefix = std::random_device{}() & 0xFFFFF;
  static std::atomic<uint64_t> counter{0};
  uint64_t n = counter.fetch_add(1, std::memory_order_relaxed) & 0xFFFFFFFFFFull;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%05x%010llx", prefix, static_cast<unsigned long long>(n));
  return std::string(buf, 15);
}

// A bounded set of method labels for metrics and logs: the client chooses the method string.
std::string_view methodLabel(http::verb v) {
  switch (v) {
    case http::verb::get:
      return "GET";
    case http::verb::post:
      return "POST";
    case http::verb::put:
      return "PUT";
    case http::verb::delete_:
      return "DELETE";
    case http::verb::patch:
      return "PATCH";
    case http::verb::head:
      return "HEAD";
    case http::verb::options:
      return "OPTIONS";
    default:
      return "OTHER";
  }
}

std::string errorBody(std::string_view code, std::string_view message) {
  std::string b = R"({"error":{"code":")";
  b += code;
  b += R"(","message":")";
  b += message;
  b += "\"}}";
  return b;
}

// Safe to splice: the id is our own hex.
std::string internalBody(const std::string& request_id) {
  return R"({"error":{"code":"internal","message":"服务器内部错误，请稍后重试（请求编号 )" +
         request_id + R"(）","request_id":")" + request_id + "\"}}";
}

bool safeHeader(std::string_view s) {
  for (char c : s)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

// Per-request metrics. The handles are looked up once per (route, status) and per I/O thread and
// kept in a thread-local table, so the hot path is a hash lookup and two atomic additions.
struct HttpMetrics {
  obs::Metrics* registry = nullptr;
  uint64_t generation = 0;  // tells this server's cached handles from another's (tests)
  obs::Gauge* connections = nullptr;
  obs::Counter* refused = nullptr;

  void init(obs::Metrics* m) {
    static std::atomic<uint64_t> generations{0};
    registry = m;
    generation = ++generations;
    if (!m) return;
    connections = &m->gauge("jingban_http_connections", "Open HTTP connections.");
    refused = &m->counter("jingban_http_connections_refused_total",
                          "Connections answered 503 and closed because the cap was reached.");
  }

  // route: the matched pattern or empty; method: a methodLabel() (static storage).
  void record(std::string_view route, std::string_view method, int status, double seconds) {
    if (!registry) return;
    struct Key {
      const void* id;
      int status;
      bool operator==(const Key&) const = default;
    };
    struct KeyHash {
      size_t operator()(const Key& k) const {
        return std::hash<const void*>()(k.id) ^
               (static_cast<size_t>(k.status) * 0x9E3779B97F4A7C15);
      }
    };
    struct Handles {
      obs::Counter* requests = nullptr;
      obs::Histogram* latency = nullptr;
    };
    struct Cache {
      uint64_t generation = 0;
      std::unordered_map<Key, Handles, KeyHash> map;
    };
    thread_local Cache cache;
    if (cache.generation != generation) {
      cache.map.clear();
      cache.generation = generation;
    }
    // A matched route's pattern lives in the router (one string per method and pattern); an
    // unmatched request is keyed by its method label.
    const void* id = route.empty() ? static_cast<const void*>(method.data()) : route.data();
    auto [it, inserted] = cache.map.try_emplace(Key{id, status});
    if (inserted) {
      std::string label(route.empty() ? kUnmatched : route);
      it->second.requests = &registry->counter(
          "jingban_http_requests_total", "HTTP requests answered, by route pattern and status.",
          {{"route", label}, {"method", std::string(method)}, {"status", std::to_string(status)}});
      it->second.latency = &registry->histogram(
          "jingban_http_request_duration_seconds",
          "Time from a request read to its answer handed to the socket, by route pattern.",
          obs::latencyBuckets(), {{"route", label}});
    }
    it->second.requests->inc();
    it->second.latency->observe(seconds);
  }
};

class Session;

}  // namespace

struct HttpServer::Impl {
  ServerOptions opt;
  Handler handler;
  HttpMetrics metrics;
  std::atomic<bool> running{false};
  std::atomic<bool> draining{false};
  std::atomic<size_t> connections{0};
  // Open sessions, for the drain; the condition is signalled when the last one closes.
  std::mutex mu;
  std::condition_variable closed;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
  net::io_context* signal_ioc = nullptr;  // waitForSignal's, so that stop() can wake it
  bool stop_requested = false;

  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  net::steady_timer backoff{ioc};
  bool backing_off = false;  // accept is paused after EMFILE/ENFILE; logged once per episode
  std::vector<std::thread> threads;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> guard;

  void accept();
  void refuse(tcp::socket s);
  void drain();
};

namespace {

class SessionBody;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& s, HttpServer::Impl& server) : stream_(std::move(s)), server_(server) {
    server_.connections.fetch_add(1);
    if (server_.metrics.connections) server_.metrics.connections->add(1);
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }

  ~Session() {
    if (server_.metrics.connections) server_.metrics.connections->add(-1);
    std::lock_guard lock(server_.mu);
    server_.sessions.erase(this);
    server_.connections.fetch_sub(1);
    if (server_.sessions.empty()) server_.closed.notify_all();
  }

  void start() {
    {
      std::lock_guard lock(server_.mu);
      server_.sessions.emplace(this, weak_from_this());
    }
    beast::error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->server_.draining) return self->close();
      self->read();
    });
  }

  // On the strand, at a graceful stop: an idle connection closes now; one with a request in
  // flight (or partly received) closes after its answer.
  void drain() {
    if (busy_) return;  // write() sees `draining` and closes after the answer
    if (buffer_.size() == 0 && !(parser_ && parser_->got_some())) {
      stream_.cancel();  // the pending read ends with operation_aborted, then close()
    }
  }

  auto executor() { return stream_.get_executor(); }

  // One request's answer slot (see Responder): the first answer is written, later ones are
  // ignored, and dropping every copy unanswered answers 500.
  struct Pending {
    std::shared_ptr<Session> session;
    std::atomic<bool> answered{false};

    explicit Pending(std::shared_ptr<Session> s) : session(std::move(s)) {}
    ~Pending() {
      if (answered.load() || !session->server_.running) return;
      net::post(session->executor(), [s = session] { s->internalError("response_dropped", ""); });
    }
    void answer(HttpResponse&& r) {
      if (answered.exchange(true)) return;
      net::post(session->executor(),
                [s = session, r = std::move(r)]() mutable { s->write(std::move(r)); });
    }
  };

 private:
  void read() {
    body_parser_.reset();
    body_open_ = false;
    parser_.emplace();
    // The header first: the body's limit depends on the path (onHeader), and a Content-Length
    // is checked against the limit as the header ends, so no limit applies until then (not
    // boost::none, which an optional comparison ranks below every length).
    parser_->body_limit(std::numeric_limits<uint64_t>::max());
    parser_->header_limit(static_cast<std::uint32_t>(server_.opt.header_limit));
    stream_.expires_after(std::chrono::seconds(server_.opt.idle_timeout_seconds));
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->onHeader(ec); });
  }

  void onHeader(beast::error_code ec) {
    if (ec) return onRead(ec);
    const auto& msg = parser_->get();
    const std::string_view target(msg.target().data(), msg.target().size());
    const bool upload = isUpload(msg.method(), target);
    const bool lines = !upload && isSettlementLines(msg.method(), target);
    const uint64_t limit =
        upload ? kUploadBodyLimit : (lines ? kSettlementBodyLimit : server_.opt.body_limit);
    if (auto n = parser_->content_length(); n && *n > limit)
      return fail(413, upload  ? "上传文件不能超过 5 MB"
                       : lines ? "费用明细不能超过 4 GB，请分批上传"
                               : "请求体过大");
    parser_->body_limit(limit);  // a chunked body is counted as it arrives
    // A 5 MiB file over a slow mobile link takes longer than the idle timeout gives a request.
    if (upload || lines)
      stream_.expires_after(std::chrono::seconds(std::max(server_.opt.idle_timeout_seconds, 120)));
    if (lines) {
      // The same parser, now with a body that is a window onto one piece (Beast allows the change
      // of body type between the header and the first body byte).
      body_parser_.emplace(std::move(*parser_));
      body_parser_->body_limit(limit);
      parser_.reset();
      return dispatchStreamed();
    }
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->onRead(ec); });
  }

  void beginRequest(std::string_view method) {
    busy_ = true;
    start_ = SteadyClock::now();
    request_id_ = nextRequestId();
    method_ = method;
    route_ = {};
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::eof ||
        ec == net::error::operation_aborted)
      return close();
    if (ec == http::error::body_limit) return fail(413, "请求体过大");
    if (ec == http::error::header_limit) return fail(431, "请求头过大");
    if (ec) {
      if (ec.category() == http::make_error_code(http::error::bad_method).category())
        return fail(400, "HTTP 请求格式错误");
      return close();
    }
    auto& msg = parser_->get();
    HttpRequest req;
    if (!startRequest(msg, req)) return;
    req.body = std::move(msg.body());
    handle(std::move(req));
  }

  // The request's fields from its header; false (and answered 400) when one is not valid UTF-8.
  template <class Message>
  bool startRequest(const Message& msg, HttpRequest& req) {
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    head_ = msg.method() == http::verb::head;
    beginRequest(methodLabel(msg.method()));
    stream_.expires_never();

    req.request_id = request_id_;
    req.remote_address = remote_;
    req.method = std::string(msg.method_string());
    req.authorization = std::string(msg[http::field::authorization]);
    req.idempotency_key = std::string(msg["Idempotency-Key"]);
    req.content_type = std::string(msg[http::field::content_type]);
    req.id_no = std::string(msg["X-Id-No"]);
    req.query_code = std::string(msg["X-Query-Code"]);
    req.file_name = std::string(msg["X-File-Name"]);
    // Nothing that is not valid UTF-8 goes further: it would reach messages, logs and JSON.
    if (!parseTarget(std::string_view(msg.target().data(), msg.target().size()), req) ||
        !validUtf8(req.authorization) || !validUtf8(req.idempotency_key) ||
        !validUtf8(req.content_type) || !validUtf8(req.id_no) || !validUtf8(req.query_code) ||
        !validUtf8(req.file_name)) {
      write({400, kJson, errorBody("invalid_encoding", "请求地址或参数不是有效的 UTF-8 编码")});
      return false;
    }
    return true;
  }

  // A streamed request: the handler runs as the header ends; the body is read when (if) the
  // route asks for it (startBody), in pieces, on this strand.
  void dispatchStreamed();  // after SessionBody

  void handle(HttpRequest&& req) {
    auto pending = std::make_shared<Pending>(shared_from_this());
    // The barrier: whatever a handler throws is answered 500 here and the server goes on.
    // (Answers are posted, so none is written before route_ is set below.)
    try {
      server_.handler(std::move(req), [pending](HttpResponse r) { pending->answer(std::move(r)); });
      route_ = req.route;
    } catch (const std::exception& e) {
      route_ = req.route;
      if (!pending->answered.exchange(true)) internalError("unhandled_exception", e.what());
    } catch (...) {
      route_ = req.route;
      if (!pending->answered.exchange(true)) internalError("unhandled_exception", "(not std)");
    }
  }

 public:
  // BodyStream::read for the current request (SessionBody), on the strand.
  void startBody(BodyStream::OnPiece on_piece, BodyStream::OnEnd on_end) {
    if (!body_open_ || on_end_ || body_stop_) return on_end("正文已读取");
    on_piece_ = std::move(on_piece);
    on_end_ = std::move(on_end);
    if (!piece_) piece_ = std::make_unique<char[]>(kBodyPiece);
    readPiece();
  }

 private:
  void readPiece() {
    auto& b = body_parser_->get().body();
    b.data = piece_.get();
    b.size = kBodyPiece;
    stream_.expires_after(std::chrono::seconds(std::max(server_.opt.idle_timeout_seconds, 120)));
    // read_some: a piece is handed on as soon as bytes arrive (up to kBodyPiece), not when the
    // piece is full, so that a refusal in the first lines is answered while the client still sends.
    http::async_read_some(
        stream_, buffer_, *body_parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->onPiece(ec); });
  }

  void onPiece(beast::error_code ec) {
    if (ec == http::error::need_buffer) ec = {};  // the piece is full: hand it on, read the next
    const size_t got = kBodyPiece - body_parser_->get().body().size;
    try {
      if (got > 0 && !body_stop_ && !on_piece_(std::string_view(piece_.get(), got)))
        body_stop_ = true;
      if (body_stop_) return endBody(std::nullopt);
      if (ec)
        return endBody(ec == http::error::body_limit ? "费用明细超过 4 GB，请分批上传"
                                                     : "上传中断，请重新上传");
      if (body_parser_->is_done()) {
        body_open_ = false;
        stream_.expires_never();
        return endBody(std::string());
      }
    } catch (const std::exception& e) {
      on_piece_ = nullptr;
      on_end_ = nullptr;
      body_stop_ = true;
      return internalError("unhandled_exception", e.what());
    }
    readPiece();
  }

  // Drops the callbacks (they hold the route's state) and calls on_end unless reading stopped.
  void endBody(std::optional<std::string> error) {
    auto end = std::move(on_end_);
    on_piece_ = nullptr;
    on_end_ = nullptr;
    if (error && end) end(std::move(*error));
  }

 public:
  // Answers the current request 500 and logs why, with its id.
  void internalError(const char* event, std::string_view what) {
    obs::error(event, {{"request_id", request_id_},
                       {"route", route_.empty() ? kUnmatched : route_},
                       {"what", what}});
    write({500, kJson, internalBody(request_id_)});
  }

 private:
  void fail(int status, const char* message) {
    keep_alive_ = false;
    version_ = 11;
    head_ = false;
    beginRequest(parser_ && parser_->is_header_done() ? methodLabel(parser_->get().method())
                                                      : std::string_view("OTHER"));
    write({status, kJson, errorBody("bad_http", message)});
  }

  void write(HttpResponse r) {
    // A body not read to its end (a refusal before it, a piece refused) leaves the connection in
    // the middle of a request: answer, then close.
    body_stop_ = body_open_;
    bool keep = keep_alive_ && !server_.draining && !body_open_;
    try {
      auto res = std::make_shared<http::response<http::string_body>>(
          static_cast<http::status>(r.status), version_);
      res->set(http::field::server, "jingban");
      // An answer without a body (204) has no content type to name.
      if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
      res->set("X-Request-Id", request_id_);
      for (const auto& [name, value] : r.headers)
        if (safeHeader(name) && safeHeader(value) && !name.empty()) res->set(name, value);
      res->keep_alive(keep);
      res->body() = std::move(r.body);
      res->prepare_payload();
      // HEAD: the headers a GET would get, Content-Length included, and no body (RFC 9110 9.3.2).
      if (head_) res->body().clear();
      logRequest(r.status, r.actor);
      stream_.expires_after(std::chrono::seconds(server_.opt.idle_timeout_seconds));
      http::async_write(stream_, *res,
                        [self = shared_from_this(), res, keep](beast::error_code ec, size_t) {
                          self->busy_ = false;
                          // A drain that began while this answer was being written found the
                          // session busy and left the closing to us.
                          if (ec || !keep || self->server_.draining) return self->close();
                          self->read();
                        });
    } catch (const std::exception& e) {
      obs::error("unhandled_exception",
                 {{"request_id", request_id_}, {"route", "write"}, {"what", e.what()}});
      busy_ = false;
      close();
    }
  }

  void logRequest(int status, const std::string& actor) {
    double seconds = std::chrono::duration<double>(SteadyClock::now() - start_).count();
    std::string_view route = route_.empty() ? kUnmatched : route_;
    server_.metrics.record(route_, method_, status, seconds);
    obs::request(method_, route, status, seconds * 1e3, request_id_, actor, remote_);
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  HttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  // A streamed request's parser (after the header: parser_ moved into it) and its state.
  std::optional<http::request_parser<http::buffer_body>> body_parser_;
  bool body_open_ = false;  // the streamed body's end has not been read
  bool body_stop_ = false;  // the answer is out (or a piece was refused): read no further
  std::unique_ptr<char[]> piece_;
  BodyStream::OnPiece on_piece_;
  BodyStream::OnEnd on_end_;
  bool keep_alive_ = true;
  bool head_ = false;  // the current request is HEAD: its answer is sent without the body
  unsigned version_ = 11;
  // The request in flight (one at a time: the next is read after this one's answer is written).
  bool busy_ = false;
  SteadyClock::time_point start_;
  std::string request_id_;
  std::string_view method_;  // a methodLabel()
  std::string_view route_;   // the router's pattern, empty when unmatched
  std::string remote_;
};

// The streamed body of a Session's current request.
class SessionBody final : public BodyStream {
 public:
  explicit SessionBody(std::shared_ptr<Session> s) : session_(std::move(s)) {}
  void read(OnPiece on_piece, OnEnd on_end) override {
    net::dispatch(session_->executor(),
                  [s = session_, p = std::move(on_piece), e = std::move(on_end)]() mutable {
                    s->startBody(std::move(p), std::move(e));
                  });
  }

 private:
  std::shared_ptr<Session> session_;
};

void Session::dispatchStreamed() {
  body_open_ = true;  // until the body's last byte is read, the connection cannot be reused
  body_stop_ = false;
  HttpRequest req;
  if (!startRequest(body_parser_->get(), req)) return;
  req.body_stream = std::make_shared<SessionBody>(shared_from_this());
  handle(std::move(req));
}

}  // namespace

void HttpServer::Impl::accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      // Out of descriptors: accepting again at once fails again at once (a busy loop that starves
      // the I/O threads). Wait for connections to close instead, and say so once.
      if (ec == net::error::no_descriptors || ec.value() == ENFILE ||
          ec == net::error::no_buffer_space || ec == net::error::no_memory) {
        if (!backing_off)
          obs::warn(
              "accept_backoff",
              {{"error", ec.message()}, {"connections", connections.load()}, {"retry_ms", 100}});
        backing_off = true;
        backoff.expires_after(std::chrono::milliseconds(100));
        backoff.async_wait([this](beast::error_code e) {
          if (!e) accept();
        });
        return;
      }
      return accept();  // ECONNABORTED and the like concern one client only
    }
    if (backing_off) {
      backing_off = false;
      obs::info("accept_resumed", {{"connections", connections.load()}});
    }
    if (connections.load() >= opt.max_connections)
      refuse(std::move(s));
    else
      std::make_shared<Session>(std::move(s), *this)->start();
    accept();
  });
}

// Over the cap: a short 503 and close, rather than leaving the client in the listen backlog with
// no answer. The refused socket lives at most two seconds (the fd limit keeps a margin for it).
void HttpServer::Impl::refuse(tcp::socket s) {
  if (metrics.refused) metrics.refused->inc();
  struct Refusal {
    beast::tcp_stream stream;
    std::string response;
    char sink[512];
    explicit Refusal(tcp::socket&& s) : stream(std::move(s)) {}
  };
  auto r = std::make_shared<Refusal>(std::move(s));
  std::string id = nextRequestId();
  std::string body = errorBody("overloaded", "服务器连接数已满，请稍后重试");
  r->response =
      "HTTP/1.1 503 Service Unavailable\r\nServer: jingban\r\nContent-Type: " + std::string(kJson) +
      "\r\nRetry-After: 1\r\nX-Request-Id: " + id +
      "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  obs::info("request", {{"method", "OTHER"},
                        {"route", kUnmatched},
                        {"status", 503},
                        {"request_id", id},
                        {"reason", "max_connections"}});
  r->stream.expires_after(std::chrono::seconds(2));
  net::async_write(r->stream, net::buffer(r->response), [r](beast::error_code ec, size_t) {
    if (ec) return;
    beast::error_code e;
    r->stream.socket().shutdown(tcp::socket::shutdown_send, e);
    // Read what the client sent until it closes: closing with unread data would reset the
    // connection and could destroy the 503 before the client reads it.
    auto loop = std::make_shared<std::function<void()>>();
    *loop = [r, loop] {
      r->stream.async_read_some(net::buffer(r->sink), [r, loop](beast::error_code ec, size_t) {
        if (ec) return (void)(*loop = nullptr);  // break the cycle
        (*loop)();
      });
    };
    (*loop)();
  });
}

void HttpServer::Impl::drain() {
  if (!running) return;
  draining = true;
  net::post(ioc, [this] {
    beast::error_code ec;
    acceptor.close(ec);
    backoff.cancel();
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mu);
    for (auto& [p, w] : sessions)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  size_t in_flight = live.size();
  for (auto& s : live) net::post(s->executor(), [s] { s->drain(); });
  live.clear();  // the sessions' own operations keep them alive, not this list
  std::unique_lock lock(mu);
  bool all = closed.wait_for(lock, opt.drain_timeout, [this] { return sessions.empty(); });
  obs::info("drained", {{"connections_at_start", in_flight},
                        {"connections_left", sessions.size()},
                        {"complete", all}});
}

HttpServer::HttpServer(ServerOptions opt, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(opt);
  impl_->handler = std::move(handler);
  impl_->metrics.init(impl_->opt.metrics);
}

HttpServer::~HttpServer() { stop(); }

unsigned short HttpServer::start() {
  auto& I = *impl_;
  tcp::endpoint ep(net::ip::make_address(I.opt.address), I.opt.port);
  I.acceptor.open(ep.protocol());
  I.acceptor.set_option(net::socket_base::reuse_address(true));
  I.acceptor.bind(ep);
  I.acceptor.listen(net::socket_base::max_listen_connections);
  I.guard.emplace(net::make_work_guard(I.ioc));
  I.running = true;
  I.accept();
  for (int i = 0; i < std::max(1, I.opt.threads); ++i)
    I.threads.emplace_back([&I] {
      // The last barrier: a handler that throws past every other one is logged, and the thread
      // goes back to serving (Asio allows run() to be called again after an exception).
      for (;;) {
        try {
          I.ioc.run();
          return;
        } catch (const std::exception& e) {
          obs::error("unhandled_exception", {{"where", "io_thread"}, {"what", e.what()}});
        } catch (...) {
          obs::error("unhandled_exception", {{"where", "io_thread"}, {"what", "(not std)"}});
        }
      }
    });
  return I.acceptor.local_endpoint().port();
}

void HttpServer::stop() {
  auto& I = *impl_;
  {
    std::lock_guard lock(I.mu);
    I.stop_requested = true;
    if (I.signal_ioc) I.signal_ioc->stop();
  }
  if (I.threads.empty()) return;
  net::post(I.ioc, [&I] {
    beast::error_code ec;
    I.acceptor.close(ec);
    I.backoff.cancel();
  });
  I.guard.reset();
  I.ioc.stop();
  for (auto& t : I.threads) t.join();
  I.threads.clear();
  I.running = false;
}

void HttpServer::post(std::function<void()> fn) {
  net::post(impl_->ioc, [fn = std::move(fn)] {
    try {
      fn();
    } catch (const std::exception& e) {
      // A responder held by `fn` is dropped with it, which answers its request 500.
      obs::error("unhandled_exception", {{"where", "completion"}, {"what", e.what()}});
    } catch (...) {
      obs::error("unhandled_exception", {{"where", "completion"}, {"what", "(not std)"}});
    }
  });
}

size_t HttpServer::connections() const { return impl_->connections.load(); }

void HttpServer::waitForSignal(std::function<void()> on_hup) {
  auto& I = *impl_;
  net::io_context sig_ioc;
  net::signal_set signals(sig_ioc, SIGINT, SIGTERM, SIGHUP);
  int received = 0;
  std::function<void(beast::error_code, int)> on_signal = [&](beast::error_code ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) {
      obs::info("signal", {{"signal", "SIGHUP"}});
      if (on_hup) {
        try {
          on_hup();
        } catch (const std::exception& e) {
          obs::error("sighup_failed", {{"what", e.what()}});
        }
      }
      signals.async_wait(on_signal);
      return;
    }
    received = sig;
    sig_ioc.stop();
  };
  signals.async_wait(on_signal);
  {
    std::lock_guard lock(I.mu);
    if (I.stop_requested) return;
    I.signal_ioc = &sig_ioc;
  }
  sig_ioc.run();
  {
    std::lock_guard lock(I.mu);
    I.signal_ioc = nullptr;
  }
  if (received)
    obs::info("signal", {{"signal", received == SIGINT ? "SIGINT" : "SIGTERM"},
                         {"connections", I.connections.load()}});
  I.drain();
}

namespace {
// A body already in memory, handed to the route in pieces at once.
class StringBody : public BodyStream {
 public:
  StringBody(std::string body, size_t piece) : body_(std::move(body)), piece_(piece) {}
  void read(OnPiece on_piece, OnEnd on_end) override {
    std::string_view b = body_;
    for (size_t i = 0; i < b.size(); i += piece_)
      if (!on_piece(b.substr(i, piece_))) return;
    on_end(std::string());
  }

 private:
  std::string body_;
  size_t piece_;
};
}  // namespace

std::shared_ptr<BodyStream> BodyStream::fromString(std::string body, size_t piece) {
  return std::make_shared<StringBody>(std::move(body), piece == 0 ? 1 : piece);
}

}  // namespace jingban
