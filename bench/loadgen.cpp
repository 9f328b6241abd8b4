// jingban_loadgen: a closed-loop HTTP/1.1 load generator for the jingban server (Boost.Asio/Beast).
//
//   jingban_loadgen --mode lifecycle|progress [--host 127.0.0.1] [--port 8080] [--connections 64]
//                   [--threads 1] [--duration 10] [--warmup 1] [--cases 1000] [--region qinghai]
//                   [--sessions per-client|shared] [--timeout 10] [--max-requests N]
//                   [--server-pid PID] [--at-start CMD]
// --max-requests caps the requests each run issues (warm-up included; the rates are then taken over
// the part of the window that was used); --server-pid adds the server's CPU per thread;
// --at-start runs a shell command when the recorded window opens (end it with & to not block).
//
// Every connection is one virtual client with exactly one request in flight (closed loop), over a
// keep-alive connection; the clients are spread over --threads io_contexts. Run in three phases:
//   discovery  GET /api/v1/regions/{region}/items; picks the first item whose flow is
//              accept, review, review, pay, complete (two different review roles), that has no
//              acceptance windows, takes applicant kind "person" and the 窗口 channel.
//   setup      each client connects and signs in (POST /api/v1/session) once per role of that flow
//              (lifecycle), or once as the window clerk and then creates its share of --cases
//              cases (progress). Not measured.
//   measure    --warmup seconds unrecorded, then --duration seconds recorded; then the clients stop
//              and in-flight requests drain (bounded by --timeout).
// lifecycle: submit → accept (every material "provided") → approve (初审) → approve (复审, another
//            user) → pay (amount_fen, Idempotency-Key) → complete, again and again.
// progress:  GET /api/v1/progress?case_no=…&id_no=…&query_code=… round-robin over the created
// cases. Any non-2xx response, transport error or timeout is an error; the first few are printed
// and the exit status is 1 if there were any (2 for a usage or discovery failure). The last line is
// machine-readable: "RESULT key=value …" (bench/run.sh collects these). Boost 1.74 Asio uses
// std::exchange without including <utility>: include it first.
// clang-format off
#include <utility>
// clang-format on

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using nlohmann::json;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------------
// Options

struct Options {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  int connections = 64;
  int threads = 1;
  double duration = 10;
  double warmup = 1;
  int cases = 1000;
  int persons =
      200000;  // insured residents enrolled in setup; each case's applicant is one of them
  std::string mode = "lifecycle";
  std::string region = "qinghai";
  bool shared_sessions = false;
  double timeout = 10;
  uint64_t max_requests = 0;  // 0: bounded by --duration only
  int server_pid = 0;
  std::string at_start;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "jingban_loadgen: " << why
            << "\nusage: jingban_loadgen --mode lifecycle|progress [--host 127.0.0.1] [--port P]\n"
               "         [--connections N] [--threads T] [--duration S] [--warmup S] [--cases N]\n"
               "         [--persons N]\n"
               "         [--region R] [--sessions per-client|shared] [--timeout S]\n"
               "         [--max-requests N] [--server-pid PID] [--at-start CMD]\n";
  std::exit(2);
}

double number(const std::string& opt, const std::string& v, double lo, double hi) {
  try {
    size_t used = 0;
    double d = std::stod(v, &used);
    if (used != v.size() || !(d >= lo && d <= hi)) throw std::invalid_argument(v);
    return d;
  } catch (const std::exception&) {
    usage(opt + " must be a number in [" + std::to_string(lo) + ", " + std::to_string(hi) +
          "], got '" + v + "'");
  }
}

Options parseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (k == "-h" || k == "--help") usage("help");
    if (i + 1 >= argc) usage("missing value for " + k);
    std::string v = argv[++i];
    if (k == "--host")
      o.host = v;
    else if (k == "--port")
      o.port = static_cast<unsigned short>(number(k, v, 1, 65535));
    else if (k == "--connections")
      o.connections = static_cast<int>(number(k, v, 1, 10000));
    else if (k == "--threads")
      o.threads = static_cast<int>(number(k, v, 1, 64));
    else if (k == "--duration")
      o.duration = number(k, v, 0.1, 3600);
    else if (k == "--warmup")
      o.warmup = number(k, v, 0, 600);
    else if (k == "--cases")
      o.cases = static_cast<int>(number(k, v, 1, 10000000));
    else if (k == "--persons")
      o.persons = static_cast<int>(number(k, v, 1, 10000000));
    else if (k == "--mode")
      o.mode = v;
    else if (k == "--region")
      o.region = v;
    else if (k == "--sessions") {
      if (v != "per-client" && v != "shared") usage("--sessions must be per-client or shared");
      o.shared_sessions = v == "shared";
    } else if (k == "--timeout")
      o.timeout = number(k, v, 0.1, 600);
    else if (k == "--max-requests")
      o.max_requests = static_cast<uint64_t>(number(k, v, 0, 1e12));
    else if (k == "--server-pid")
      o.server_pid = static_cast<int>(number(k, v, 0, 1e9));
    else if (k == "--at-start")
      o.at_start = v;
    else
      usage("unknown option " + k);
  }
  if (o.mode != "lifecycle" && o.mode != "progress") usage("--mode must be lifecycle or progress");
  if (o.host == "localhost") o.host = "127.0.0.1";
  if (o.host != "127.0.0.1") usage("only 127.0.0.1 is allowed as --host");
  o.threads = std::min(o.threads, o.connections);
  return o;
}

// ---------------------------------------------------------------------------------------------
// Test data

// GB 11643-1999 check character of a 公民身份号码 from its first 17 digits.
char citizenCheckChar(std::string_view first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kChars[] = "10X98765432";
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kChars[sum % 11];
}

// The dates every generated form carries (a visit date, a start month), and the month the
// lifecycle's applicants are enrolled from: the enrolment must cover the visit.
constexpr const char* kFormDate = "2026-03-01";
constexpr const char* kFormMonth = "2026-03";
constexpr const char* kEnrolFrom = "2026-01";

// A valid, varied 18-character citizen ID: 630102 (西宁市城东区) + birth date + sequence + check.
std::string citizenId(uint64_t n) {
  // Days since 1960-01-01 → civil date (Howard Hinnant's algorithm).
  int64_t z = -3653 + static_cast<int64_t>(n % 14600) + 719468;  // 1960-01-01 is day -3653
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100),
          mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[64];
  std::snprintf(buf, sizeof buf, "630102%04d%02d%02d%03d", static_cast<int>(y), static_cast<int>(m),
                static_cast<int>(d), static_cast<int>((n / 14600) % 1000));
  std::string id(buf, 17);
  id += citizenCheckChar(id);
  return id;
}

// The string value of `"key":"…"` in compact JSON (what the server's json::dump() writes); empty
// if absent. Avoids a full JSON parse per response on the load generator's share of the CPU.
std::string jsonString(std::string_view body, std::string_view key) {
  std::string pat = "\"" + std::string(key) + "\":\"";
  size_t p = body.find(pat);
  if (p == std::string_view::npos) return {};
  p += pat.size();
  size_t e = body.find('"', p);
  return e == std::string_view::npos ? std::string() : std::string(body.substr(p, e - p));
}

// The integer after "key": in a compact JSON body (0 when absent).
int64_t jsonInteger(std::string_view body, std::string_view key) {
  std::string pat = "\"" + std::string(key) + "\":";
  size_t p = body.find(pat);
  if (p == std::string_view::npos) return 0;
  p += pat.size();
  int64_t v = 0;
  while (p < body.size() && body[p] >= '0' && body[p] <= '9') v = v * 10 + (body[p++] - '0');
  return v;
}

// ---------------------------------------------------------------------------------------------
// Blocking request for discovery (async under the hood so that it has a timeout).

struct SimpleResponse {
  int status = 0;
  std::string body;
};

SimpleResponse simpleRequest(const tcp::endpoint& ep, http::verb verb, const std::string& target,
                             const std::string& body = "", const std::string& token = "",
                             const char* content_type = "application/json") {
  net::io_context ioc;
  tcp::socket sock(ioc);
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, content_type);
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  req.body() = body;
  req.prepare_payload();
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  beast::error_code result = net::error::timed_out;
  sock.async_connect(ep, [&](beast::error_code ec) {
    if (ec) return void(result = ec);
    http::async_write(sock, req, [&](beast::error_code ec, size_t) {
      if (ec) return void(result = ec);
      http::async_read(sock, buf, res, [&](beast::error_code ec, size_t) { result = ec; });
    });
  });
  ioc.run_for(30s);
  if (result) throw std::runtime_error(target + ": " + result.message());
  return {static_cast<int>(res.result_int()), res.body()};
}

// ---------------------------------------------------------------------------------------------
// What to drive, found from the catalog through the API.

// A form the item's definition accepts, with every required field filled as a clerk would (for a
// reimbursement: three fee lines, one of each class, and the hospital level).
json sampleForm(const json& fields) {
  json out = json::object();
  for (const auto& f : fields) {
    const std::string type = f["type"];
    // A bounded integer is filled even when optional: a reimbursement's hospital level is required
    // unless the claim names a designated institution, and the load claims name none.
    bool bounded = type == "integer" && f.contains("min") && f.contains("max");
    if (!f.value("required", false) && !bounded) continue;
    const std::string id = f["id"];
    if (type == "enum") {
      out[id] = f["values"][0];
    } else if (type == "string" || type == "text") {
      out[id] = "压测";
    } else if (type == "phone") {
      out[id] = "13800000000";
    } else if (type == "date") {
      out[id] = kFormDate;
    } else if (type == "month") {
      out[id] = kFormMonth;
    } else if (type == "money_fen") {
      out[id] = 12345;
    } else if (type == "integer") {
      out[id] = std::max<int64_t>(f.value("min", 0), std::min<int64_t>(2, f.value("max", 2)));
    } else if (type == "boolean") {
      out[id] = false;
    } else if (type == "list") {
      json lines = json::array();
      for (int i = 0; i < 3; ++i) {
        json line = sampleForm(f["fields"]);
        if (line.contains("class"))
          line["class"] = std::string(i == 0 ? "甲" : i == 1 ? "乙" : "丙");
        lines.push_back(line);
      }
      out[id] = lines;
    }
  }
  return out;
}

struct Plan {
  std::string item_code, item_name;
  json form = json::object();          // filled from the item's form definition
  std::vector<std::string> usernames;  // one per distinct role, in flow order
  std::array<int, 5> step_user{};      // flow step (accept … complete) → index into usernames
  std::string accept_body;             // every material "provided", no conditions
};

Plan discover(const tcp::endpoint& ep, const std::string& region) {
  auto r = simpleRequest(ep, http::verb::get, "/api/v1/regions/" + region + "/items");
  if (r.status != 200)
    throw std::runtime_error("GET items: HTTP " + std::to_string(r.status) + " " + r.body);
  json items = json::parse(r.body);
  const std::vector<std::string> want{"accept", "review", "review", "pay", "complete"};
  for (const auto& it : items) {
    std::vector<std::string> kinds, roles;
    for (const auto& f : it["flow"]) {
      kinds.push_back(f["kind"].get<std::string>());
      roles.push_back(f["role"].get<std::string>());
    }
    auto has = [](const json& a, const std::string& v) {
      return std::find(a.begin(), a.end(), json(v)) != a.end();
    };
    if (kinds != want || !it["acceptance_windows"].empty() || roles[1] == roles[2] ||
        !has(it["applicant"], "person") || !has(it["channels"], "窗口"))
      continue;
    Plan p;
    p.item_code = it["code"].get<std::string>();
    p.item_name = it["name"].get<std::string>();
    for (size_t i = 0; i < roles.size(); ++i) {
      std::string user = region + "_" + roles[i];  // the demo accounts of `serve --demo`
      auto found = std::find(p.usernames.begin(), p.usernames.end(), user);
      p.step_user[i] = static_cast<int>(found - p.usernames.begin());
      if (found == p.usernames.end()) p.usernames.push_back(user);
    }
    json m = json::object();
    for (const auto& mat : it["materials"]) m[mat["id"].get<std::string>()] = "provided";
    p.accept_body = json{{"materials", m}}.dump();
    p.form = it.contains("form_schema") ? sampleForm(it["form_schema"]["fields"]) : json::object();
    return p;
  }
  throw std::runtime_error("no item in region " + region +
                           " has the flow accept, review, review, pay, complete without acceptance "
                           "windows, for a person at the 窗口 channel");
}

// ---------------------------------------------------------------------------------------------
// Load

enum Step {
  kSignIn,
  kCreate,
  kSubmit,
  kAccept,
  kReview1,
  kReview2,
  kPay,
  kComplete,
  kProgress,
  kSteps
};
constexpr const char* kStepNames[kSteps] = {"sign-in", "create",    "submit",
                                            "accept",  "approve-1", "approve-2",
                                            "pay",     "complete",  "progress"};

struct Shared {
  Options opt;
  Plan plan;
  tcp::endpoint endpoint;
  std::vector<std::string> shared_tokens;  // --sessions shared: one per role
  std::vector<std::string> progress_wire;  // prebuilt GET /api/v1/progress requests
  SteadyClock::time_point measure_start, measure_end;
  uint64_t per_client_limit = 0;
  std::string submit_prefix, submit_suffix;
};

class Client;

struct Worker {
  explicit Worker(const Shared& s) : shared(s), watchdog(ioc) {}
  void error(std::string what) {
    ++errors;
    if (samples.size() < 5) samples.push_back(std::move(what));
  }
  void armWatchdog();
  void clientFinished() {
    if (--active == 0) watchdog.cancel();
  }

  const Shared& shared;
  net::io_context ioc{1};
  net::steady_timer watchdog;
  std::vector<std::unique_ptr<Client>> clients;
  std::array<std::vector<uint64_t>, kSteps> latency;  // ns, responses inside the window
  uint64_t lifecycles = 0, errors = 0, setup_failures = 0;
  std::vector<std::string> samples;
  struct Created {
    std::string case_no, id_no, query_code;
  };
  std::vector<Created> created;
  int active = 0;
  SteadyClock::time_point last_in_window{};  // completion time of the last recorded response
};

class Client {
 public:
  Client(Worker& w, int index, int total)
      : w_(w),
        s_(w.shared),
        sock_(w.ioc),
        retry_(w.ioc),
        index_(index),
        total_(total),
        next_case_(static_cast<uint64_t>(index)) {}

  void beginSetup() {
    setup_ = true;
    finished_ = false;
    proceed();
  }
  void beginMeasure() {
    setup_ = false;
    finished_ = false;
    step_ = kSubmit;
    query_ = s_.progress_wire.empty() ? 0 : static_cast<size_t>(index_) % s_.progress_wire.size();
    proceed();
  }
  void checkTimeout(SteadyClock::time_point now) {
    auto limit =
        std::chrono::duration<double>(setup_ ? std::max(s_.opt.timeout, 120.0) : s_.opt.timeout);
    if (inflight_ && now - sent_ > limit) {
      timed_out_ = true;
      beast::error_code ec;
      sock_.close(ec);  // the pending operation completes with operation_aborted
    }
  }

 private:
  const std::string& token(int flow_step) const {
    int u = s_.plan.step_user[static_cast<size_t>(flow_step)];
    return s_.opt.shared_sessions ? s_.shared_tokens[static_cast<size_t>(u)]
                                  : tokens_[static_cast<size_t>(u)];
  }

  void finish(bool failed = false) {
    if (finished_) return;
    finished_ = true;
    if (failed && setup_) ++w_.setup_failures;
    w_.clientFinished();
  }

  void connect() {
    sock_.async_connect(s_.endpoint, [this](beast::error_code ec) {
      if (ec) {
        w_.error("connect: " + ec.message());
        beast::error_code ignored;
        sock_.close(ignored);
        if (setup_ || SteadyClock::now() >= s_.measure_end) return finish(true);
        retry_.expires_after(100ms);
        return retry_.async_wait([this](beast::error_code) { proceed(); });
      }
      sock_.set_option(tcp::no_delay(true), ec);
      connected_ = true;
      proceed();
    });
  }

  // Issues the next request of this client, or finishes its phase.
  void proceed() {
    if (finished_) return;
    if (!connected_) return connect();
    if (setup_) {
      if (!s_.opt.shared_sessions && tokens_.size() < s_.plan.usernames.size()) {
        if (s_.opt.mode == "progress" && !tokens_.empty()) {
          // progress only needs the window clerk (submit): keep the other slots empty.
          while (tokens_.size() < s_.plan.usernames.size()) tokens_.emplace_back();
        } else {
          json b = {{"username", s_.plan.usernames[tokens_.size()]}, {"password", "jingban-demo"}};
          return send(kSignIn, "POST", "/api/v1/session", nullptr, b.dump());
        }
      }
      if (s_.opt.mode == "progress" && next_case_ < static_cast<uint64_t>(s_.opt.cases))
        return submit(kCreate);
      return finish();
    }
    auto now = SteadyClock::now();
    if (now >= s_.measure_end || (s_.per_client_limit && issued_ >= s_.per_client_limit))
      return finish();
    if (s_.opt.mode == "progress") {
      const std::string& wire = s_.progress_wire[query_];
      query_ += static_cast<size_t>(total_);
      if (query_ >= s_.progress_wire.size()) query_ %= s_.progress_wire.size();
      return sendWire(kProgress, wire);
    }
    switch (step_) {
      case kSubmit:
        return submit(kSubmit);
      case kAccept:
        return send(kAccept, "POST", caseTarget("accept"), &token(0), s_.plan.accept_body);
      case kReview1:
        return send(kReview1, "POST", caseTarget("approve"), &token(1), "{}");
      case kReview2:
        return send(kReview2, "POST", caseTarget("approve"), &token(2), "{}");
      case kPay: {
        std::string key = "Idempotency-Key: lg-" + std::to_string(::getpid()) + "-" +
                          std::to_string(index_) + "-" + std::to_string(issued_) + "\r\n";
        // The 结算单's payable figure (from the 初审 answer): any other amount needs a reason.
        return send(kPay, "POST", caseTarget("pay"), &token(3),
                    "{\"amount_fen\":" + std::to_string(payable_) + "}", key);
      }
      case kComplete:
        return send(kComplete, "POST", caseTarget("complete"), &token(4), "{}");
      default:
        return finish();
    }
  }

  std::string caseTarget(const char* action) const {
    return "/api/v1/cases/" + case_no_ + "/" + action;
  }

  void submit(Step s) {
    uint64_t n = s == kCreate
                     ? next_case_
                     : static_cast<uint64_t>(index_) + serial_++ * static_cast<uint64_t>(total_);
    // An insured resident of the pool enrolled in setup (the reimbursement refuses anyone else).
    id_no_ = citizenId(n % static_cast<uint64_t>(s_.opt.persons));
    std::string body = s_.submit_prefix + id_no_ + s_.submit_suffix;
    send(s, "POST", "/api/v1/cases", &token(0), body);
  }

  void send(Step s, std::string_view method, const std::string& target, const std::string* tok,
            std::string_view body, std::string_view extra = {}) {
    out_.clear();
    out_.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if (tok && !tok->empty()) out_.append("Authorization: Bearer ").append(*tok).append("\r\n");
    out_.append(extra);
    out_.append("Content-Type: application/json\r\nContent-Length: ")
        .append(std::to_string(body.size()));
    out_.append("\r\n\r\n").append(body);
    sendWire(s, out_);
  }

  void sendWire(Step s, const std::string& wire) {
    wire_ = &wire;
    step_sent_ = s;
    inflight_ = true;
    timed_out_ = false;
    ++issued_;
    sent_ = SteadyClock::now();
    net::async_write(sock_, net::buffer(wire), [this](beast::error_code ec, size_t) {
      if (ec) return onTransportError(ec);
      parser_.emplace();
      parser_->body_limit(64 << 20);
      http::async_read(sock_, buf_, *parser_, [this](beast::error_code ec, size_t) { onRead(ec); });
    });
  }

  std::string requestLine() const {
    return wire_ ? wire_->substr(0, std::min(wire_->find('\r'), size_t{160})) : std::string();
  }

  void onTransportError(beast::error_code ec) {
    inflight_ = false;
    w_.error(requestLine() + " → " +
             (timed_out_ ? std::string("timeout") : "transport: " + ec.message()));
    beast::error_code ignored;
    sock_.close(ignored);
    connected_ = false;
    buf_.clear();
    if (setup_) return finish(true);
    step_ = kSubmit;  // abandon this case, start a new one on a fresh connection
    proceed();
  }

  void onRead(beast::error_code ec) {
    if (ec) return onTransportError(ec);
    inflight_ = false;
    auto now = SteadyClock::now();
    auto& res = parser_->get();
    int status = static_cast<int>(res.result_int());
    bool in_window = !setup_ && now >= s_.measure_start && now <= s_.measure_end;
    if (in_window) w_.last_in_window = now;
    if (in_window)
      w_.latency[step_sent_].push_back(static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - sent_).count()));
    const std::string& body = res.body();
    bool ok = status >= 200 && status < 300;
    if (!ok) {
      w_.error(requestLine() + " → HTTP " + std::to_string(status) + " " + body.substr(0, 400));
      if (setup_) return finish(true);
      step_ = kSubmit;
    } else {
      switch (step_sent_) {
        case kSignIn: {
          std::string t = jsonString(body, "token");
          if (t.empty()) {
            w_.error("sign-in: no token in " + body.substr(0, 200));
            return finish(true);
          }
          tokens_.push_back(std::move(t));
          break;
        }
        case kCreate: {
          std::string no = jsonString(body, "case_no");
          if (no.empty()) {
            w_.error("create: no case_no in " + body.substr(0, 200));
            return finish(true);
          }
          w_.created.push_back({std::move(no), id_no_, jsonString(body, "query_code")});
          next_case_ += static_cast<uint64_t>(total_);
          break;
        }
        case kSubmit:
          case_no_ = jsonString(body, "case_no");
          if (case_no_.empty()) {
            w_.error("submit: no case_no in " + body.substr(0, 200));
            step_ = kSubmit;
          } else {
            step_ = kAccept;
          }
          break;
        case kAccept:
          step_ = kReview1;
          break;
        case kReview1:
          // An item whose effect fixes no payable figure takes any amount.
          payable_ = jsonInteger(body, "payable_fen");
          if (payable_ <= 0) payable_ = 123456;
          step_ = kReview2;
          break;
        case kReview2:
          step_ = kPay;
          break;
        case kPay:
          step_ = kComplete;
          break;
        case kComplete:
          if (jsonString(body, "status") != "completed")
            w_.error("complete: status is not completed: " + body.substr(0, 200));
          else if (in_window)
            ++w_.lifecycles;
          step_ = kSubmit;
          break;
        default:
          break;
      }
    }
    if (!res.keep_alive()) {
      beast::error_code ignored;
      sock_.close(ignored);
      connected_ = false;
      buf_.clear();
    }
    proceed();
  }

  Worker& w_;
  const Shared& s_;
  tcp::socket sock_;
  net::steady_timer retry_;
  beast::flat_buffer buf_;
  std::optional<http::response_parser<http::string_body>> parser_;
  std::string out_;
  const std::string* wire_ = nullptr;
  int index_, total_;
  bool setup_ = true, finished_ = false, connected_ = false, inflight_ = false, timed_out_ = false;
  SteadyClock::time_point sent_;
  Step step_sent_ = kSignIn, step_ = kSubmit;
  std::vector<std::string> tokens_;
  std::string case_no_, id_no_;
  int64_t payable_ = 0;
  uint64_t issued_ = 0, serial_ = 0, next_case_ = 0;
  size_t query_ = 0;
};

void Worker::armWatchdog() {
  watchdog.expires_after(200ms);
  watchdog.async_wait([this](beast::error_code ec) {
    if (ec || active == 0) return;
    auto now = SteadyClock::now();
    for (auto& c : clients) c->checkTimeout(now);
    armWatchdog();
  });
}

void runPhase(std::vector<std::unique_ptr<Worker>>& workers, bool measure) {
  std::vector<std::thread> threads;
  for (auto& wp : workers) {
    Worker* w = wp.get();
    threads.emplace_back([w, measure] {
      w->ioc.restart();
      w->active = static_cast<int>(w->clients.size());
      w->armWatchdog();
      for (auto& c : w->clients) measure ? c->beginMeasure() : c->beginSetup();
      w->ioc.run();
    });
  }
  for (auto& t : threads) t.join();
}

// ---------------------------------------------------------------------------------------------
// CPU accounting for the measurement window

struct CpuSample {
  double self = 0;                             // this process, CPU seconds
  std::vector<std::pair<int, double>> server;  // --server-pid: (tid, CPU seconds) per thread
  uint64_t busy = 0, total = 0;                // whole machine, jiffies
};

// utime + stime of /proc/<pid>[/task/<tid>]/stat, in seconds; -1 if unreadable.
double procCpuSeconds(const std::string& stat_path) {
  std::ifstream f(stat_path);
  std::string line;
  if (!std::getline(f, line) || line.rfind(')') == std::string::npos) return -1;
  std::istringstream in(line.substr(line.rfind(')') + 2));  // from field 3 (state) on
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

CpuSample sampleCpu(int server_pid) {
  CpuSample s;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  s.self = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  if (server_pid > 0) {
    std::string task = "/proc/" + std::to_string(server_pid) + "/task";
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(task, ec)) {
      double v = procCpuSeconds(e.path().string() + "/stat");
      if (v >= 0) s.server.emplace_back(std::stoi(e.path().filename().string()), v);
    }
    std::sort(s.server.begin(), s.server.end());
  }
  std::ifstream st("/proc/stat");
  std::string cpu;
  st >> cpu;
  uint64_t v, i = 0;
  while (st >> v && i < 8) {
    s.total += v;
    if (i != 3 && i != 4) s.busy += v;  // idle, iowait
    ++i;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Report

double pct(const std::vector<uint64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1]) / 1e6;
}

struct Summary {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
  size_t n = 0;
};

Summary summarize(std::vector<uint64_t>& v) {
  std::sort(v.begin(), v.end());
  return {pct(v, 0.50), pct(v, 0.90), pct(v, 0.99),
          v.empty() ? 0 : static_cast<double>(v.back()) / 1e6, v.size()};
}

void printRow(const char* name, const Summary& s) {
  std::printf("  %-10s %9zu %8.2f %8.2f %8.2f %8.2f\n", name, s.n, s.p50, s.p90, s.p99, s.max);
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parseArgs(argc, argv);
  Shared shared;
  shared.opt = opt;
  shared.endpoint = tcp::endpoint(net::ip::make_address(opt.host), opt.port);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  try {
    shared.plan = discover(shared.endpoint, opt.region);
  } catch (const std::exception& e) {
    std::cerr << "jingban_loadgen: discovery failed: " << e.what() << "\n";
    return 2;
  }
  const Plan& plan = shared.plan;
  shared.submit_prefix =
      json{{"region", opt.region}, {"item_code", plan.item_code}, {"form", plan.form}}.dump();
  shared.submit_prefix.pop_back();  // reopen the object: ,"applicant":{…}}
  shared.submit_prefix += R"(,"applicant":{"kind":"person","name":"压测申请人","id_no":")";
  shared.submit_suffix = "\"}}";
  std::printf(
      "jingban_loadgen %s: item %s %s; %d connections on %d thread(s); %.1f s + %.1f s warm-up\n",
      opt.mode.c_str(), plan.item_code.c_str(), plan.item_name.c_str(), opt.connections,
      opt.threads, opt.duration, opt.warmup);

  auto t_setup = SteadyClock::now();
  if (opt.mode == "lifecycle") {
    // The applicants must be insured (the item's effect refuses anyone else at 受理): enrol the
    // pool as 城乡居民 救助对象 (低保) through the batch import, 10,000 rows a request, from a
    // month before the visit date every form carries (kFormDate).
    auto r =
        simpleRequest(shared.endpoint, http::verb::post, "/api/v1/session",
                      json{{"username", plan.usernames[0]}, {"password", "jingban-demo"}}.dump());
    std::string window = jsonString(r.body, "token");
    int64_t enrolled = 0;
    for (int from = 0; from < opt.persons; from += 10000) {
      std::string csv = "id_no,name,phone,identity\n";
      for (int k = from; k < std::min(opt.persons, from + 10000); ++k)
        csv += citizenId(static_cast<uint64_t>(k)) + ",压测参保人,13800000000,低保\n";
      auto imp = simpleRequest(
          shared.endpoint, http::verb::post,
          "/api/v1/regions/" + opt.region + "/imports/residents?start_month=" + kEnrolFrom, csv,
          window, "text/csv");
      if (imp.status != 201) {
        std::cerr << "jingban_loadgen: enrolling the applicants failed: HTTP " << imp.status << " "
                  << imp.body.substr(0, 300) << "\n";
        return 1;
      }
      enrolled += jsonInteger(imp.body, "accepted");
    }
    std::printf("setup: %lld insured applicants enrolled\n", static_cast<long long>(enrolled));
  }
  if (opt.shared_sessions) {
    for (const auto& u : plan.usernames) {
      if (opt.mode == "progress" && !shared.shared_tokens.empty()) {
        shared.shared_tokens.emplace_back();
        continue;
      }
      auto r = simpleRequest(shared.endpoint, http::verb::post, "/api/v1/session",
                             json{{"username", u}, {"password", "jingban-demo"}}.dump());
      std::string t = jsonString(r.body, "token");
      if (r.status != 201 || t.empty()) {
        std::cerr << "jingban_loadgen: sign-in as " << u << " failed: HTTP " << r.status << " "
                  << r.body << "\n";
        return 1;
      }
      shared.shared_tokens.push_back(t);
    }
  }

  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < opt.threads; ++t) workers.push_back(std::make_unique<Worker>(shared));
  for (int c = 0; c < opt.connections; ++c) {
    Worker& w = *workers[static_cast<size_t>(c % opt.threads)];
    w.clients.push_back(std::make_unique<Client>(w, c, opt.connections));
  }

  // Setup: connect, sign in, create the progress cases.
  runPhase(workers, false);
  uint64_t setup_errors = 0, setup_failures = 0;
  size_t created = 0;
  for (auto& w : workers) {
    setup_errors += w->errors;
    setup_failures += w->setup_failures;
    created += w->created.size();
  }
  double setup_s = std::chrono::duration<double>(SteadyClock::now() - t_setup).count();
  size_t signins = opt.shared_sessions ? plan.usernames.size()
                                       : static_cast<size_t>(opt.connections) *
                                             (opt.mode == "progress" ? 1 : plan.usernames.size());
  std::printf(
      "setup: %zu sign-ins%s in %.1f s\n", signins,
      opt.mode == "progress" ? (", " + std::to_string(created) + " cases created").c_str() : "",
      setup_s);
  if (setup_failures || setup_errors) {
    std::printf("setup failed (%llu errors):\n", static_cast<unsigned long long>(setup_errors));
    for (auto& w : workers)
      for (auto& s : w->samples) std::printf("  %s\n", s.c_str());
    std::printf("RESULT mode=%s connections=%d errors=%llu setup_failed=1\n", opt.mode.c_str(),
                opt.connections, static_cast<unsigned long long>(setup_errors));
    return 1;
  }
  if (opt.mode == "progress") {
    for (auto& w : workers)
      for (auto& c : w->created)
        shared.progress_wire.push_back("GET /api/v1/progress?case_no=" + c.case_no +
                                       "&id_no=" + c.id_no + "&query_code=" + c.query_code +
                                       " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    std::sort(shared.progress_wire.begin(), shared.progress_wire.end());
  }
  if (opt.max_requests)
    shared.per_client_limit =
        std::max<uint64_t>(1, opt.max_requests / static_cast<uint64_t>(opt.connections));

  // Measure.
  auto start = SteadyClock::now();
  shared.measure_start = start + std::chrono::duration_cast<SteadyClock::duration>(
                                     std::chrono::duration<double>(opt.warmup));
  shared.measure_end = shared.measure_start + std::chrono::duration_cast<SteadyClock::duration>(
                                                  std::chrono::duration<double>(opt.duration));
  CpuSample cpu0, cpu1;
  std::thread sampler([&] {
    std::this_thread::sleep_until(shared.measure_start);
    if (!opt.at_start.empty() && std::system(opt.at_start.c_str()) != 0)
      std::cerr << "jingban_loadgen: --at-start command failed\n";
    cpu0 = sampleCpu(opt.server_pid);
    std::this_thread::sleep_until(shared.measure_end);
    cpu1 = sampleCpu(opt.server_pid);
  });
  runPhase(workers, true);
  sampler.join();

  // Merge.
  std::array<std::vector<uint64_t>, kSteps> lat;
  std::vector<uint64_t> all;
  uint64_t errors = 0, lifecycles = 0;
  std::vector<std::string> samples;
  for (auto& w : workers) {
    errors += w->errors;
    lifecycles += w->lifecycles;
    for (auto& s : w->samples)
      if (samples.size() < 5) samples.push_back(s);
    for (int s = 0; s < kSteps; ++s) {
      lat[s].insert(lat[s].end(), w->latency[s].begin(), w->latency[s].end());
      all.insert(all.end(), w->latency[s].begin(), w->latency[s].end());
    }
  }
  // With --max-requests the clients may stop before the window ends: rate over the part used.
  double secs = opt.duration;
  if (shared.per_client_limit) {
    SteadyClock::time_point last = shared.measure_start;
    for (auto& w : workers) last = std::max(last, w->last_in_window);
    secs = std::max(
        1e-3, std::min(secs, std::chrono::duration<double>(last - shared.measure_start).count()));
  }
  Summary total = summarize(all);
  double rps = static_cast<double>(total.n) / secs;
  std::printf("window %.1f s: %zu requests (%.0f req/s)", secs, total.n, rps);
  if (opt.mode == "lifecycle")
    std::printf(", %llu lifecycles (%.0f lifecycles/s)",
                static_cast<unsigned long long>(lifecycles),
                static_cast<double>(lifecycles) / secs);
  std::printf(", errors %llu\n", static_cast<unsigned long long>(errors));
  std::printf("latency ms       count      p50      p90      p99      max\n");
  for (int s = 0; s < kSteps; ++s)
    if (!lat[s].empty()) printRow(kStepNames[s], summarize(lat[s]));
  printRow("all", total);

  double wall = std::chrono::duration<double>(shared.measure_end - shared.measure_start).count();
  double lg_cpu = (cpu1.self - cpu0.self) / wall * 100;
  // Server threads by thread id: the main thread, then the group committer (started in the
  // Committer constructor, before the HTTP I/O threads), then the I/O threads.
  double sv_cpu = -1;
  std::string per_thread;
  if (!cpu0.server.empty()) {
    sv_cpu = 0;
    for (const auto& [tid, end] : cpu1.server) {
      auto it = std::find_if(cpu0.server.begin(), cpu0.server.end(),
                             [&](const auto& p) { return p.first == tid; });
      double pct = (end - (it == cpu0.server.end() ? 0 : it->second)) / wall * 100;
      sv_cpu += pct;
      char buf[48];
      std::snprintf(buf, sizeof buf, "%s%d:%.0f", per_thread.empty() ? "" : ",", tid, pct);
      per_thread += buf;
    }
  }
  double machine = cpu1.total > cpu0.total
                       ? static_cast<double>(cpu1.busy - cpu0.busy) /
                             static_cast<double>(cpu1.total - cpu0.total) * 100 *
                             static_cast<double>(std::thread::hardware_concurrency())
                       : 0;
  std::printf("CPU in window (%% of one core): loadgen %.0f%%", lg_cpu);
  if (sv_cpu >= 0) std::printf(", server %.0f%% (threads %s)", sv_cpu, per_thread.c_str());
  std::printf(", whole machine %.0f%% of %u00%%\n", machine, std::thread::hardware_concurrency());
  // Whatever else ran on the machine (a compiler, another benchmark) took CPU from both sides.
  double other = sv_cpu >= 0 ? std::max(0.0, machine - lg_cpu - sv_cpu) : -1;
  if (other > 15)
    std::printf(
        "WARNING: other processes used about %.0f%% of one core during the window; the figures are "
        "not clean\n",
        other);
  if (errors) {
    std::printf("first errors:\n");
    for (auto& s : samples) std::printf("  %s\n", s.c_str());
  }
  std::printf(
      "RESULT mode=%s connections=%d threads=%d duration=%.1f requests=%zu req_per_s=%.0f "
      "lifecycles=%llu "
      "lifecycles_per_s=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%llu "
      "loadgen_cpu=%.0f "
      "server_cpu=%.0f machine_cpu=%.0f other_cpu=%.0f server_threads=%s\n",
      opt.mode.c_str(), opt.connections, opt.threads, secs, total.n, rps,
      static_cast<unsigned long long>(lifecycles), static_cast<double>(lifecycles) / secs,
      total.p50, total.p90, total.p99, total.max, static_cast<unsigned long long>(errors), lg_cpu,
      sv_cpu, machine, other, per_thread.empty() ? "-" : per_thread.c_str());
  return errors ? 1 : 0;
}
