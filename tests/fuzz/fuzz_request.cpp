#include "fuzz_request.hpp"

#include <unistd.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "auth/auth.hpp"
#include "calendar/date.hpp"
#include "calendar/work_calendar.hpp"
#include "cases/case_service.hpp"
#include "catalog/catalog.hpp"
#include "cli/demo.hpp"
#include "common/text.hpp"
#include "effects/registry.hpp"
#include "http/api.hpp"
#include "http/case_views.hpp"
#include "http/server.hpp"
#include "policy/policy.hpp"
#include "store/committer.hpp"
#include "store/sqlite/sqlite_staff_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace jingban::fuzz {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

// 2026-03-10T10:00:00+08:00, a Tuesday and a working day (the integration tests' --fake-now).
constexpr int64_t kFakeNow = 1773108000;
// More requests than this in one input add no coverage, only time.
constexpr int kMaxRequestsPerInput = 16;

[[noreturn]] void die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "\n*** jingban fuzz: %s\n%.2000s\n", what, detail.c_str());
  std::fflush(stderr);
  std::abort();
}

int timeoutSeconds() {
  const char* env = std::getenv("JINGBAN_FUZZ_TIMEOUT_S");
  int s = env ? std::atoi(env) : 0;
  return s > 0 ? s : 30;
}

// The whole service as `jingban serve --demo` wires it, minus the sockets. Built once per process
// and never destroyed: libFuzzer ends the process with exit(), and tearing down the committer
// thread there would only add shutdown-order noise.
class Harness {
 public:
  Harness() {
    if (!Auth::init()) die("libsodium init failed", "");
    std::string src = JINGBAN_SOURCE_DIR;
    auto cal = WorkCalendar::loadDir(src + "/calendar");
    if (!cal) die("calendar", cal.error().message);
    calendar_ = std::make_shared<const WorkCalendar>(std::move(*cal));
    auto cat = Catalog::loadDir(src + "/catalog", effectNameKnown);
    if (!cat) die("catalog", cat.error().message);
    catalog_ = *cat;
    // tmpfs when there is one: every committed action is an fsync.
    std::filesystem::path base =
        std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    dir_ = base / ("jingban-fuzz-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::atexit([] { std::filesystem::remove_all(instance().dir_); });
    std::string db = (dir_ / "fuzz.db").string();
    auto store = SqliteStore::open(db);
    if (!store) die("store", store.error().message);
    store_ = std::move(*store);
    auto staff = SqliteStaffStore::open(db);
    if (!staff) die("staff store", staff.error().message);
    staff_ = std::move(*staff);
    Clock clock = fixedClock(Instant{kFakeNow});
    committer_ = std::make_unique<Committer>(*store_);
    auth_ = std::make_unique<Auth>(*staff_, clock);
    // With the shipped policy figures, so the reimbursement seeds settle at 初审 and reach 拨付.
    auto policies = PolicySet::loadDir(src + "/policy");
    if (!policies) die("policy", policies.error().message);
    effects_ = makeEffects(*policies);
    cases_ = std::make_unique<CaseService>(catalog_, calendar_, *store_, *committer_, *effects_,
                                           views_, clock);
    auto accounts = seedDemoStaff(*catalog_, *staff_, *auth_);
    if (!accounts) die("demo staff", accounts.error().message);
    for (const auto& a : *accounts) demo_[a.username] = a.password;
    api_ = std::make_unique<Api>(
        ApiDeps{*cases_, *auth_, nullptr, nullptr, store_.get(), committer_.get()});
  }

  static Harness& instance() {
    static Harness* h = new Harness();
    return *h;
  }

  // Hands one request to the Api and waits for its one answer.
  HttpResponse call(HttpRequest&& req) {
    struct Wait {
      std::mutex mu;
      std::condition_variable cv;
      int answers = 0;
      HttpResponse res;
    };
    auto w = std::make_shared<Wait>();
    std::string what = req.method + " " + req.path;
    // The server's barrier would answer 500 and go on; here an escaped exception is a finding.
    try {
      api_->handle(std::move(req), [w, what](HttpResponse r) {
        std::lock_guard lk(w->mu);
        if (++w->answers > 1) die("a request was answered twice", what);
        w->res = std::move(r);
        w->cv.notify_all();
      });
    } catch (const std::exception& e) {
      die("a handler threw", what + ": " + e.what());
    }
    std::unique_lock lk(w->mu);
    if (!w->cv.wait_for(lk, std::chrono::seconds(timeoutSeconds()), [&] { return w->answers > 0; }))
      die("no answer within the timeout (a hang)", what);
    HttpResponse r = std::move(w->res);
    check(r, what);
    if (verbose_)
      std::fprintf(stderr, "  %s → %d %.200s\n", what.c_str(), r.status, r.body.c_str());
    return r;
  }

  // Signs in through the API once per demo account; other names get a token that never matches
  // (signing them in would only cost argon2 time per mutated name).
  std::string token(const std::string& username) {
    if (auto it = tokens_.find(username); it != tokens_.end()) return it->second;
    auto pw = demo_.find(username);
    if (pw == demo_.end()) return "not-a-token";
    HttpRequest req;
    req.request_id = "fuzz-sign-in";
    req.remote_address = "127.0.0.1";
    req.method = "POST";
    req.path = "/api/v1/session";
    req.content_type = "application/json";
    req.body = nlohmann::json{{"username", username}, {"password", pw->second}}.dump();
    HttpResponse r = call(std::move(req));
    std::string tok = "not-a-token";
    if (r.status == 201) tok = nlohmann::json::parse(r.body).value("token", tok);
    tokens_[username] = tok;
    return tok;
  }

  std::string last_case = "Q0000000000000000";  // until a submission succeeds
  std::string last_query_code = "000000";

 private:
  static void check(const HttpResponse& r, const std::string& what) {
    if (r.status < 100 || r.status > 599)
      die("status out of range", what + " → " + std::to_string(r.status));
    if (r.status == 500 && r.body.find("\"internal\"") != std::string::npos)
      die("500 internal (an exception reached a completion barrier)", what + " → " + r.body);
    if (r.content_type.starts_with("application/json") &&
        nlohmann::json::parse(r.body, nullptr, false).is_discarded())
      die("a JSON response does not parse", what + " → " + r.body);
  }

  // JINGBAN_FUZZ_VERBOSE=1: every request and its answer on stderr (to check what seeds reach).
  bool verbose_ = std::getenv("JINGBAN_FUZZ_VERBOSE") != nullptr;
  std::filesystem::path dir_;
  std::shared_ptr<const WorkCalendar> calendar_;
  std::shared_ptr<const Catalog> catalog_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<SqliteStaffStore> staff_;
  std::unique_ptr<Committer> committer_;
  std::unique_ptr<EffectRegistry> effects_;
  ApiCaseViews views_;
  std::unique_ptr<Auth> auth_;
  std::unique_ptr<CaseService> cases_;
  std::unique_ptr<Api> api_;
  std::map<std::string, std::string> demo_, tokens_;
};

// Replaces the placeholders in `s` (see the header).
void substitute(std::string& s, Harness& h, const std::string& input_case,
                const std::string& input_code) {
  for (size_t pos = 0; (pos = s.find("{{", pos)) != std::string::npos;) {
    size_t end = s.find("}}", pos);
    if (end == std::string::npos || end - pos > 80) {
      pos += 2;
      continue;
    }
    std::string_view inner(s.data() + pos + 2, end - pos - 2);
    std::string value;
    if (inner == "CASE")
      value = input_case.empty() ? h.last_case : input_case;
    else if (inner == "QUERY_CODE")
      value = input_code.empty() ? h.last_query_code : input_code;
    else if (inner.starts_with("TOKEN:"))
      value = h.token(std::string(inner.substr(6)));
    else {
      pos += 2;
      continue;
    }
    s.replace(pos, end + 2 - pos, value);
    pos += value.size();
  }
}

}  // namespace

int fuzzOneRequest(const uint8_t* data, size_t size) {
  Harness& h = Harness::instance();
  const ServerOptions limits;  // the server's header and body limits
  std::string rest(reinterpret_cast<const char*>(data), size);
  std::string input_case, input_code;
  for (int n = 0; n < kMaxRequestsPerInput && !rest.empty(); ++n) {
    // As Session::read/onRead in src/http/server.cpp: one parser per request, same limits.
    http::request_parser<http::string_body> parser;
    parser.body_limit(limits.body_limit);
    parser.header_limit(static_cast<std::uint32_t>(limits.header_limit));
    parser.eager(true);
    beast::error_code ec;
    size_t used = 0;
    while (!parser.is_done()) {
      size_t n = parser.put(boost::asio::buffer(rest.data() + used, rest.size() - used), ec);
      used += n;
      // Beast consumes nothing of an incomplete header: then the input has ended mid-request.
      if (ec == http::error::need_more && n > 0 && used < rest.size()) {
        ec = {};
        continue;
      }
      break;
    }
    // Incomplete (the server would wait and time out) or refused with 400/413/431 and closed.
    if (ec || !parser.is_done()) return 0;
    rest.erase(0, used);
    auto& msg = parser.get();
    bool keep_alive = msg.keep_alive();
    // As Session::onRead: the target decoded by the server's parseTarget, and nothing that is
    // not UTF-8 goes further (the server answers 400 invalid_encoding and reads on).
    auto fill = [&](std::string v) {
      substitute(v, h, input_case, input_code);
      return v;
    };
    HttpRequest req;
    req.request_id = "fuzz-" + std::to_string(n);
    req.remote_address = "127.0.0.1";
    req.method = std::string(msg.method_string());
    req.authorization = fill(std::string(msg[http::field::authorization]));
    req.idempotency_key = fill(std::string(msg["Idempotency-Key"]));
    req.content_type = std::string(msg[http::field::content_type]);
    // Placeholders are filled in after parsing, so that Content-Length counts the raw text.
    if (!parseTarget(fill(std::string(msg.target())), req) || !validUtf8(req.authorization) ||
        !validUtf8(req.idempotency_key) || !validUtf8(req.content_type)) {
      if (!keep_alive) break;
      continue;
    }
    req.body = fill(std::move(msg.body()));
    bool submit = req.method == "POST" && req.path == "/api/v1/cases";
    HttpResponse res = h.call(std::move(req));
    if (submit && res.status == 201) {
      auto j = nlohmann::json::parse(res.body, nullptr, false);
      if (j.is_object() && j.contains("case_no") && j["case_no"].is_string())
        h.last_case = input_case = j["case_no"].get<std::string>();
      if (j.is_object() && j.contains("query_code") && j["query_code"].is_string())
        h.last_query_code = input_code = j["query_code"].get<std::string>();
    }
    if (!keep_alive) break;
  }
  return 0;
}

}  // namespace jingban::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return jingban::fuzz::fuzzOneRequest(data, size);
}
