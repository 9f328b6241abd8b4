#include "http/server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace jingban {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

std::string percentDecode(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

namespace {

std::map<std::string, std::string> parseQuery(const std::string& q) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos <= q.size()) {
    size_t amp = q.find('&', pos);
    std::string part = q.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    if (!part.empty()) {
      size_t eq = part.find('=');
      if (eq == std::string::npos)
        out[percentDecode(part)] = "";
      else
        out[percentDecode(part.substr(0, eq))] = percentDecode(part.substr(eq + 1));
    }
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return out;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& s, const ServerOptions& opt, const Handler& h)
      : stream_(std::move(s)), opt_(opt), handler_(h) {}

  void start() {
    beast::error_code ec;
    stream_.socket().set_option(tcp::no_delay(true), ec);
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(opt_.body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(opt_.header_limit));
    stream_.expires_after(std::chrono::seconds(opt_.idle_timeout_seconds));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::eof)
      return close();
    if (ec == http::error::body_limit) return fail(413, "请求体过大");
    if (ec == http::error::header_limit) return fail(431, "请求头过大");
    if (ec) {
      if (ec.category() == http::make_error_code(http::error::bad_method).category())
        return fail(400, "HTTP 请求格式错误");
      return close();
    }
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    std::string target(msg.target());
    size_t q = target.find('?');
    req.path = percentDecode(target.substr(0, q));
    if (q != std::string::npos) req.query = parseQuery(target.substr(q + 1));
    req.authorization = std::string(msg[http::field::authorization]);
    req.idempotency_key = std::string(msg["Idempotency-Key"]);
    req.content_type = std::string(msg[http::field::content_type]);
    req.body = std::move(msg.body());
    stream_.expires_never();
    auto self = shared_from_this();
    handler_(std::move(req), [self](HttpResponse r) {
      net::post(self->stream_.get_executor(),
                [self, r = std::move(r)]() mutable { self->write(std::move(r)); });
    });
  }

  void fail(int status, const char* message) {
    keep_alive_ = false;
    version_ = 11;
    HttpResponse r{status, "application/json; charset=utf-8",
                   std::string(R"({"error":{"code":"bad_http","message":")") + message + "\"}}"};
    write(std::move(r));
  }

  void write(HttpResponse r) {
    auto res = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(r.status), version_);
    res->set(http::field::server, "jingban");
    res->set(http::field::content_type, r.content_type);
    res->keep_alive(keep_alive_);
    res->body() = std::move(r.body);
    res->prepare_payload();
    stream_.expires_after(std::chrono::seconds(opt_.idle_timeout_seconds));
    http::async_write(stream_, *res,
                      [self = shared_from_this(), res](beast::error_code ec, size_t) {
                        if (ec || !self->keep_alive_) return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  const ServerOptions& opt_;
  const Handler& handler_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
};

}  // namespace

struct HttpServer::Impl {
  ServerOptions opt;
  Handler handler;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> guard;

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) std::make_shared<Session>(std::move(s), opt, handler)->start();
      accept();
    });
  }
};

HttpServer::HttpServer(ServerOptions opt, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->opt = std::move(opt);
  impl_->handler = std::move(handler);
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
  I.accept();
  for (int i = 0; i < std::max(1, I.opt.threads); ++i)
    I.threads.emplace_back([&I] { I.ioc.run(); });
  return I.acceptor.local_endpoint().port();
}

void HttpServer::stop() {
  auto& I = *impl_;
  if (I.threads.empty()) return;
  net::post(I.ioc, [&I] {
    beast::error_code ec;
    I.acceptor.close(ec);
  });
  I.guard.reset();
  I.ioc.stop();
  for (auto& t : I.threads) t.join();
  I.threads.clear();
}

void HttpServer::post(std::function<void()> fn) { net::post(impl_->ioc, std::move(fn)); }

void HttpServer::waitForSignal() {
  net::io_context sig_ioc;
  net::signal_set signals(sig_ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) { sig_ioc.stop(); });
  sig_ioc.run();
}

}  // namespace jingban
