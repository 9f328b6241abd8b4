#include "peer/exchange.hpp"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <future>
#include <sstream>

#include "obs/log.hpp"

namespace jingban::peer {

using nlohmann::json;

namespace {

constexpr int kPage = 500;
constexpr int64_t kMaxBackoffSeconds = 60;
constexpr long kTimeoutMs = 10'000;

std::string hex(const unsigned char* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += d[p[i] >> 4];
    out += d[p[i] & 15];
  }
  return out;
}

// The MAC key: SHA-256 of the shared text, so any text of 16 characters or more will do.
void macKey(const std::string& key, unsigned char out[crypto_auth_hmacsha256_KEYBYTES]) {
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(key.data()), key.size());
}

std::string macOf(const std::string& key, const std::string& method, const std::string& path,
                  int64_t ts, const std::string& body) {
  unsigned char k[crypto_auth_hmacsha256_KEYBYTES];
  macKey(key, k);
  std::string text = method + "\n" + path + "\n" + std::to_string(ts) + "\n" + body;
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(text.data()), text.size(), k);
  return hex(mac, sizeof mac);
}

Error unauthorized(const char* slug, const char* message) {
  return Error{ErrorCode::kUnauthorized, slug, message};
}

size_t collect(char* p, size_t size, size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  if (s->size() < 65536) s->append(p, size * n);
  return size * n;
}

}  // namespace

std::optional<std::string> parsePeer(const std::string& text,
                                     std::map<std::string, std::string>& out) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    return "选项 --peer 须为 REGION=URL，例如 yunnan=http://10.0.0.2:8080";
  std::string region = text.substr(0, eq), url = text.substr(eq + 1);
  if (!transfer::knownRegion(region)) return "选项 --peer 的统筹区不是已知统筹区";
  if (!(url.starts_with("http://") || url.starts_with("https://")))
    return "选项 --peer 的地址须以 http:// 或 https:// 开头";
  while (url.ends_with("/")) url.pop_back();
  if (out.count(region)) return "选项 --peer 对同一统筹区给出了两次";
  out[region] = url;
  return std::nullopt;
}

Result<std::string> readKeyFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f)
    return fail(ErrorCode::kBadRequest, "key_file", "无法读取 --peer-key-file 指定的密钥文件");
  std::stringstream ss;
  ss << f.rdbuf();
  std::string key = ss.str();
  auto ws = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!key.empty() && ws(static_cast<unsigned char>(key.back()))) key.pop_back();
  size_t b = 0;
  while (b < key.size() && ws(static_cast<unsigned char>(key[b]))) ++b;
  key = key.substr(b);
  if (key.size() < 16)
    return fail(ErrorCode::kBadRequest, "key_short", "--peer-key-file 的密钥须至少 16 个字符");
  return key;
}

std::string signRequest(const std::string& key, const std::string& method, const std::string& path,
                        int64_t unix_seconds, const std::string& body) {
  return "JingbanPeer ts=" + std::to_string(unix_seconds) +
         ",mac=" + macOf(key, method, path, unix_seconds, body);
}

Result<void> verifyRequest(const std::string& key, const std::string& authorization,
                           const std::string& method, const std::string& path,
                           const std::string& body, int64_t now) {
  if (key.empty())
    return std::unexpected(unauthorized("peer_not_configured", "本服务器未配置对端密钥"));
  const std::string prefix = "JingbanPeer ts=";
  auto comma = authorization.find(",mac=");
  if (!authorization.starts_with(prefix) || comma == std::string::npos)
    return std::unexpected(unauthorized("bad_signature", "对端请求的签名无效"));
  std::string ts_text = authorization.substr(prefix.size(), comma - prefix.size());
  std::string mac = authorization.substr(comma + 5);
  if (ts_text.empty() || ts_text.size() > 12 ||
      !std::all_of(ts_text.begin(), ts_text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::unexpected(unauthorized("bad_signature", "对端请求的签名无效"));
  int64_t ts = std::stoll(ts_text);
  if (ts < now - kMaxClockSkewSeconds || ts > now + kMaxClockSkewSeconds)
    return std::unexpected(unauthorized("stale_signature", "对端请求的时间戳已过期或超前"));
  std::string expected = macOf(key, method, path, ts, body);
  if (mac.size() != expected.size() ||
      sodium_memcmp(mac.data(), expected.data(), expected.size()) != 0)
    return std::unexpected(unauthorized("bad_signature", "对端请求的签名无效"));
  return {};
}

Exchange::Exchange(Store& store, Committer& committer, std::shared_ptr<const WorkCalendar> calendar,
                   Clock clock, Options options, std::unique_ptr<PeerDeliveryStore> log)
    : store_(store),
      committer_(committer),
      calendar_(std::move(calendar)),
      clock_(std::move(clock)),
      options_(std::move(options)),
      log_(std::move(log)) {}

Exchange::~Exchange() { stop(); }

bool Exchange::serves(const std::string& region) const {
  const auto& l = options_.local_regions;
  return std::find(l.begin(), l.end(), region) != l.end();
}

void Exchange::start() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (log_) {
    auto all = log_->all();
    if (!all)
      obs::error("peer_delivery_log", {{"message", all.error().message}});
    else
      for (auto& d : *all) deliveries_[d.message_id] = d;
  }
  thread_ = std::thread([this] { run(); });
}

bool Exchange::isStopping() {
  std::lock_guard lk(mu_);
  return stopping_;
}

void Exchange::stop() {
  {
    std::lock_guard lk(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Exchange::run() {
  std::unique_lock lk(mu_);
  while (!stopping_) {
    lk.unlock();
    round();
    lk.lock();
    cv_.wait_for(lk, std::chrono::milliseconds(300), [this] { return stopping_; });
  }
}

void Exchange::round() {
  int64_t now = systemClock()().unix_seconds;
  for (const auto& region : options_.local_regions) {
    for (int offset = 0;; offset += kPage) {
      auto page = store_.registers().entries(
          EntryFilter{transfer::kOutboxKind, region, "", "", kPage, offset});
      if (!page) {
        obs::warn("peer_outbox_read", {{"message", page.error().message}});
        return;
      }
      for (const auto& e : *page) {
        Delivery d;
        {
          std::lock_guard lk(mu_);
          if (stopping_) return;
          Delivery& known = deliveries_[e.key];
          if (known.message_id.empty()) known = Delivery{e.key, e.owner, "pending", 0, 0, ""};
          d = known;
        }
        if (d.status != "pending" || d.next_attempt_at > now) continue;
        std::string error;
        bool permanent = false;
        bool ok = deliver(e.data, error, permanent);
        ++d.attempts;
        int64_t delivered_at = 0;
        if (ok) {
          d.status = "delivered";
          d.last_error.clear();
          delivered_at = systemClock()().unix_seconds;
        } else {
          d.last_error = error;
          if (permanent) d.status = "failed";
          int64_t backoff =
              std::min<int64_t>(kMaxBackoffSeconds, int64_t{1} << std::min(d.attempts, 6));
          d.next_attempt_at = now + backoff;
          obs::warn("peer_delivery_failed", {{"message_id", d.message_id},
                                             {"to_region", d.to_region},
                                             {"attempts", d.attempts},
                                             {"permanent", permanent},
                                             {"error", error}});
        }
        {
          std::lock_guard lk(mu_);
          deliveries_[e.key] = d;
        }
        if (log_)
          if (auto w = log_->save(d, delivered_at); !w)
            obs::warn("peer_delivery_log", {{"message", w.error().message}});
      }
      if (static_cast<int>(page->size()) < kPage) break;
    }
  }
}

bool Exchange::deliver(const json& message, std::string& error, bool& permanent) {
  auto m = transfer::messageFromJson(message);
  if (!m) {
    error = m.error().message;
    permanent = true;
    return false;
  }
  if (serves(m->to_region)) {
    // On this server: the same receipt as a peer's, as a second durable step.
    auto p = std::make_shared<std::promise<Result<json>>>();
    auto f = p->get_future();
    receive(*m, [p](Result<json> r) { p->set_value(std::move(r)); });
    // The receipt's reply comes through the committer; wait for it in short slices so that a
    // shutdown (stop()) is never held up by a reply that will not come any more. A receipt cut
    // short is retried at the next start, and receipt is idempotent.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (f.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
      const bool stopping = isStopping();
      if (stopping || std::chrono::steady_clock::now() > give_up) {
        error = stopping ? "服务器正在停止，下次启动时重发" : "本地接收超时";
        return false;
      }
    }
    auto r = f.get();
    if (r) return true;
    error = r.error().message;
    permanent = r.error().code != ErrorCode::kUnavailable && r.error().code != ErrorCode::kConflict;
    return false;
  }
  auto peer = options_.peers.find(m->to_region);
  if (peer == options_.peers.end()) {
    error = "没有配置该统筹区的对端服务器（serve --peer）";
    return false;  // retried: a restart with --peer delivers it
  }
  std::string body = message.dump();
  std::string auth = "Authorization: " + signRequest(options_.key, "POST", kInboxPath,
                                                     systemClock()().unix_seconds, body);
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    error = "curl_easy_init failed";
    return false;
  }
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json; charset=utf-8");
  headers = curl_slist_append(headers, auth.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> hold(headers, curl_slist_free_all);
  std::string url = peer->second + kInboxPath, answer;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, kTimeoutMs);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, kTimeoutMs);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  // A shutdown aborts a request to a slow peer instead of waiting out its timeout; the message
  // stays pending and is sent again at the next start.
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, this);
  curl_easy_setopt(
      c, CURLOPT_XFERINFOFUNCTION,
      +[](void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> int {
        return static_cast<Exchange*>(self)->isStopping() ? 1 : 0;
      });
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    error = std::string("curl: ") + curl_easy_strerror(rc);
    return false;
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status == 200) return true;
  auto j = json::parse(answer, nullptr, false);
  error = "HTTP " + std::to_string(status);
  if (j.is_object() && j.contains("error") && j["error"].is_object())
    error += " " + j["error"].value("code", "") + " " + j["error"].value("message", "");
  // 401 (a key being changed, a clock adjusted), 404 (a region not served yet), 409, 429 and 5xx
  // are retried; any other refusal is final and shown to the staff.
  permanent = status == 400 || status == 413 || status == 422;
  return false;
}

void Exchange::inbox(const std::string& authorization, const std::string& body,
                     std::function<void(Result<json>)> done) {
  if (auto v = verifyRequest(options_.key, authorization, "POST", kInboxPath, body,
                             systemClock()().unix_seconds);
      !v)
    return done(std::unexpected(v.error()));
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded())
    return done(fail(ErrorCode::kBadRequest, "bad_message", "转移接续文书格式有误"));
  auto m = transfer::messageFromJson(j);
  if (!m) return done(std::unexpected(m.error()));
  receive(*m, std::move(done));
}

void Exchange::receive(const transfer::Message& m, std::function<void(Result<json>)> done) {
  if (!serves(m.to_region))
    return done(fail(ErrorCode::kNotFound, "region_not_served", "本服务器不办理该统筹区的业务"));
  const std::string batch_id = "transfer:" + m.message_id;
  json answer = {{"message_id", m.message_id}, {"status", "received"}};
  auto seen = store_.importBatch(batch_id);
  if (!seen) return done(std::unexpected(seen.error()));
  if (*seen) return done(answer);  // received before: the same answer, nothing applied again
  Instant now = clock_();
  transfer::Receipt receipt{m, now.date().str()};
  ImportBatch b{batch_id,
                m.to_region,
                transfer::kBatchKind,
                now.unix_seconds,
                "peer:" + m.from_region,
                transfer::toJson(receipt).dump(),
                1,
                0};
  UnitOfWork work = [b, receipt](Tx& tx) -> Result<void> {
    Cause cause{"import:" + b.batch_id, 0, b.at};
    auto fresh = tx.registers().claim(cause);
    if (!fresh) return std::unexpected(fresh.error());
    if (!*fresh) return {};  // a concurrent delivery of the same message won
    if (auto r = tx.putImportBatch(b); !r) return r;
    return transfer::applyReceipt(receipt, tx.registers(), cause);
  };
  committer_.submit(std::move(work), [done, answer](Result<void> r) {
    if (!r) return done(std::unexpected(r.error()));
    done(answer);
  });
}

Result<json> Exchange::transfers(const std::string& region, const std::string& id_no) {
  auto list = store_.registers().entries(EntryFilter{transfer::kKind, region, id_no, "", 100, 0});
  if (!list) return std::unexpected(list.error());
  json out = json::array();
  for (const auto& e : *list) {
    auto t = transfer::fromEntry(e);
    if (!t) return std::unexpected(t.error());
    json stages = json::array();
    for (const auto& s : t->stages) {
      json due = nullptr;
      bool provisional = false;
      if (auto from = Date::parse(s.started_on)) {
        auto d = calendar_->dueDate(*from, LimitKind::kWorkingDays, transfer::kStageWorkingDays);
        if (d) {
          due = d->date.str();
          provisional = d->provisional;
        }
      }
      stages.push_back({{"name", s.name},
                        {"region", s.region},
                        {"started_on", s.started_on.empty() ? json(nullptr) : json(s.started_on)},
                        {"due_on", due},
                        {"due_provisional", provisional},
                        {"done_on", s.done_on.empty() ? json(nullptr) : json(s.done_on)}});
    }
    out.push_back({{"transfer_id", t->transfer_id},
                   {"from_region", t->from_region},
                   {"to_region", t->to_region},
                   {"status", t->status},
                   {"case_no", t->case_no},
                   {"stages", stages},
                   {"contribution_months", t->contribution_months},
                   {"balance_fen", t->balance_fen},
                   {"periods", t->periods},
                   {"refusal", t->refusal}});
  }
  return out;
}

Result<json> Exchange::pending(const std::string& region) {
  auto list =
      store_.registers().entries(EntryFilter{transfer::kOutboxKind, region, "", "", 1000, 0});
  if (!list) return std::unexpected(list.error());
  json out = json::array();
  std::lock_guard lk(mu_);
  for (const auto& e : *list) {
    auto it = deliveries_.find(e.key);
    std::string status = it == deliveries_.end() ? "pending" : it->second.status;
    if (status == "delivered") continue;
    out.push_back({{"message_id", e.key},
                   {"to_region", e.owner},
                   {"status", status},
                   {"attempts", it == deliveries_.end() ? 0 : it->second.attempts},
                   {"last_error", it == deliveries_.end() ? "" : it->second.last_error}});
  }
  return out;
}

}  // namespace jingban::peer
