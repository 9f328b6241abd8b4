#include "auth/auth.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <set>

#include "common/hash.hpp"
#include "obs/log.hpp"

namespace jingban {

namespace {

// argon2id of a random password nobody knows, with crypto_pwhash_OPSLIMIT_INTERACTIVE (t=2) and
// MEMLIMIT_INTERACTIVE (64 MiB), the parameters hashPassword uses (a unit test keeps them equal).
constexpr const char* kDummyHash =
    "$argon2id$v=19$m=65536,t=2,p=1$x9OyYLRW7+wSdIGSMrVi8w$"
    "P87wDgiwS11/vsD0o7kSIH7xsFX02PGm1jaJWHIxaqs";

Error unauthorized(const std::string& msg) {
  return Error{ErrorCode::kUnauthorized, "unauthorized", msg};
}

Error badCredentials() { return unauthorized("用户名或密码错误"); }

// "HH:MM" in Beijing time.
std::string clockTime(int64_t unix_seconds) { return Instant{unix_seconds}.iso().substr(11, 5); }

Error lockedError(int64_t until, int64_t now) {
  Error e{
      ErrorCode::kForbidden, "account_locked",
      "账号因连续登录失败已被锁定，请于 " + clockTime(until) + "（北京时间）后重试或联系管理员"};
  e.retry_after = static_cast<int>(std::max<int64_t>(1, until - now));
  return e;
}

constexpr const char* kPasswordRule =
    "密码须至少10位并包含小写字母、大写字母、数字、符号中的至少三类（或至少16位），"
    "不得包含用户名，不得使用常见密码";

Error weakPassword(const std::string& why) {
  return Error{ErrorCode::kUnprocessable, "weak_password",
               "密码强度不足（" + why + "）。" + kPasswordRule};
}

// Lower-cased; only ASCII letters change.
std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Passwords that meet the length and class rule but are on every attacker's first list
// (compared lower-cased, so "Password123!" is caught too).
constexpr std::array<std::string_view, 24> kCommonPasswords{
    "password123!", "password@123", "p@ssw0rd123",  "p@ssword123",  "passw0rd!23", "qwerty123!",
    "qwer1234!@#$", "admin@123456", "admin123456!", "abc@123456",   "abcd@123456", "aa123456789",
    "aa@123456789", "1qaz@wsx3edc", "1qaz2wsx#edc", "1qaz!qaz2wsx", "zaq12wsx!@",  "welcome@123",
    "huawei@123",   "changeme123!", "letmein123!",  "iloveyou123!", "jingban@123", "jingban-demo"};

// The region's catalog roles or `admin`, each once, in the order given; 422 otherwise.
Result<std::vector<std::string>> validRoles(const Region& region,
                                            const std::vector<std::string>& roles) {
  if (roles.empty()) return fail(ErrorCode::kUnprocessable, "invalid_roles", "至少须指定一个角色");
  std::vector<std::string> out;
  for (const auto& r : roles) {
    bool known = r == kAdminRole || std::any_of(region.roles.begin(), region.roles.end(),
                                                [&](const Role& x) { return x.id == r; });
    if (!known) {
      std::string allowed = kAdminRole;
      for (const auto& x : region.roles) allowed += "、" + x.id;
      return fail(ErrorCode::kUnprocessable, "invalid_roles",
                  "角色须为本地区目录中的角色或 admin（可选：" + allowed + "）");
    }
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  }
  return out;
}

Error forbiddenAdmin() {
  return Error{ErrorCode::kForbidden, "forbidden",
               "仅本地区的系统管理员（admin）可以管理工作人员账号"};
}

Result<void> authorize(const ChangedBy& by, const std::string& region) {
  if (!by.admin) return {};  // the local operator (command line) is trusted
  if (!by.admin->hasRole(kAdminRole) || by.admin->region != region)
    return std::unexpected(forbiddenAdmin());
  return {};
}

}  // namespace

Result<void> checkUsername(std::string_view u) {
  bool okChars = std::all_of(u.begin(), u.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (u.size() < 3 || u.size() > 32 || !okChars)
    return fail(ErrorCode::kUnprocessable, "invalid_username",
                "用户名须为3至32位小写字母、数字或下划线");
  return {};
}

Result<void> checkPasswordStrength(std::string_view username, std::string_view password) {
  size_t chars = 0;
  bool lowerC = false, upperC = false, digit = false, symbol = false;
  for (unsigned char c : password) {
    if ((c & 0xC0) == 0x80) continue;  // a UTF-8 continuation byte: same character
    ++chars;
    if (c >= 'a' && c <= 'z')
      lowerC = true;
    else if (c >= 'A' && c <= 'Z')
      upperC = true;
    else if (c >= '0' && c <= '9')
      digit = true;
    else
      symbol = true;
  }
  int classes = lowerC + upperC + digit + symbol;
  if (chars < 10) return std::unexpected(weakPassword("少于10位"));
  if (chars < 16 && classes < 3) return std::unexpected(weakPassword("字符种类不足三类"));
  std::string low = lower(password);
  if (!username.empty() && low.find(lower(username)) != std::string::npos)
    return std::unexpected(weakPassword("包含用户名"));
  if (std::find(kCommonPasswords.begin(), kCommonPasswords.end(), low) != kCommonPasswords.end())
    return std::unexpected(weakPassword("属于常见密码"));
  return {};
}

Auth::Auth(StaffStore& store, Clock clock, AuthOptions options)
    : store_(store), clock_(std::move(clock)), options_(options) {}

bool Auth::init() { return sodium_init() >= 0; }

std::string Auth::hashPassword(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.c_str(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw std::runtime_error("crypto_pwhash_str: out of memory");
  return out;
}

bool Auth::verifyPassword(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.c_str(), password.size()) == 0;
}

const char* Auth::dummyHash() { return kDummyHash; }

bool Auth::verifyCounted(const std::string& hash, const std::string& password) {
  verifications_.fetch_add(1);
  return verifyPassword(hash, password);
}

void Auth::maybePrune(int64_t now) {
  int64_t last = last_prune_.load();
  if (now - last < options_.prune_interval_seconds) return;
  if (!last_prune_.compare_exchange_strong(last, now)) return;  // another thread prunes
  auto n = store_.pruneSessions(now);
  if (n && *n > 0) obs::info("sessions_pruned", {{"count", *n}});
}

Result<std::string> Auth::signIn(const std::string& username, const std::string& password) {
  int64_t now = clock_().unix_seconds;
  // Sign-ins are the only thing that adds sessions, so pruning here bounds the table.
  maybePrune(now);
  auto s = store_.staff(username);
  if (!s) return std::unexpected(s.error());
  if (!*s || (*s)->disabled) {
    // The same argon2 work as a real account, so that the answer's timing does not tell whether
    // the username exists.
    verifyCounted(kDummyHash, password);
    obs::warn("signin_failed",
              {{"username", username}, {"reason", *s ? "disabled" : "unknown_user"}});
    return std::unexpected(badCredentials());
  }
  const StaffRecord& st = **s;
  if (st.locked_until > now) {
    obs::warn("signin_refused_locked",
              {{"username", username}, {"locked_until", Instant{st.locked_until}.iso()}});
    return std::unexpected(lockedError(st.locked_until, now));
  }
  if (!verifyCounted(st.password_hash, password)) {
    auto f =
        store_.recordFailedLogin(username, options_.lock_after, now, now + options_.lock_seconds);
    if (!f) return std::unexpected(f.error());
    if (f->locked_now) {
      obs::warn("account_locked", {{"username", username},
                                   {"failures", options_.lock_after},
                                   {"locked_until", Instant{f->locked_until}.iso()}});
      return std::unexpected(lockedError(f->locked_until, now));
    }
    obs::warn(
        "signin_failed",
        {{"username", username}, {"reason", "wrong_password"}, {"failures", f->failed_logins}});
    return std::unexpected(badCredentials());
  }
  if (st.failed_logins != 0)
    if (auto c = store_.clearFailedLogins(username); !c) return std::unexpected(c.error());
  std::string token = randomHex(32);
  if (auto r = store_.putSession(sha256Hex(token), username, now, now + options_.session_seconds);
      !r)
    return std::unexpected(r.error());
  obs::info("signin", {{"username", username}});
  return token;
}

Result<std::string> Auth::tokenKey(const std::string& header) const {
  const std::string prefix = "Bearer ";
  if (header.compare(0, prefix.size(), prefix) != 0 || header.size() == prefix.size())
    return std::unexpected(unauthorized("请先登录（缺少 Authorization: Bearer 令牌）"));
  return sha256Hex(std::string_view(header).substr(prefix.size()));
}

void Auth::cacheToken(const std::string& key, Cached c, int64_t now) {
  // Caller holds mu_.
  if (cache_.size() >= options_.cache_capacity && !cache_.count(key)) {
    std::erase_if(cache_, [now](const auto& kv) {
      return kv.second.recheck_at <= now || kv.second.session_expires <= now;
    });
    // Still full of live entries: drop some; they are read from the store again when used.
    while (cache_.size() >= options_.cache_capacity && !cache_.empty())
      cache_.erase(cache_.begin());
  }
  if (options_.cache_capacity > 0) cache_[key] = std::move(c);
}

Result<Actor> Auth::authenticate(const std::string& header) {
  auto key = tokenKey(header);
  if (!key) return std::unexpected(key.error());
  int64_t now = clock_().unix_seconds;
  {
    std::lock_guard lk(mu_);
    auto it = cache_.find(*key);
    if (it != cache_.end()) {
      if (it->second.session_expires <= now) {
        cache_.erase(it);
        return std::unexpected(unauthorized("登录已过期，请重新登录"));
      }
      if (it->second.recheck_at > now) return it->second.actor;
      cache_.erase(it);
    }
  }
  auto sess = store_.session(*key);
  if (!sess) return std::unexpected(sess.error());
  if (!*sess) return std::unexpected(unauthorized("令牌无效，请重新登录"));
  if ((*sess)->expires_at <= now) return std::unexpected(unauthorized("登录已过期，请重新登录"));
  auto staff = store_.staff((*sess)->username);
  if (!staff) return std::unexpected(staff.error());
  if (!*staff || (*staff)->disabled) return std::unexpected(unauthorized("账号不存在或已停用"));
  Actor a{(*staff)->username,
          {(*staff)->roles.begin(), (*staff)->roles.end()},
          (*staff)->region,
          false};
  std::lock_guard lk(mu_);
  cacheToken(*key, {a, (*sess)->expires_at, now + options_.cache_ttl_seconds}, now);
  return a;
}

Result<void> Auth::signOut(const std::string& header) {
  auto key = tokenKey(header);
  if (!key) return std::unexpected(key.error());
  {
    std::lock_guard lk(mu_);
    cache_.erase(*key);
  }
  return store_.deleteSession(*key);
}

size_t Auth::cachedTokens() {
  std::lock_guard lk(mu_);
  return cache_.size();
}

void Auth::forgetUser(const std::string& username) {
  std::lock_guard lk(mu_);
  std::erase_if(cache_, [&](const auto& kv) { return kv.second.actor.username == username; });
}

// ---- administration --------------------------------------------------------------------------

Result<StaffRecord> Auth::loadForChange(const ChangedBy& by, const std::string& username) {
  auto s = store_.staff(username);
  if (!s) return std::unexpected(s.error());
  if (!*s) {
    // An admin of one region learns nothing about the accounts of another.
    if (by.admin && !by.admin->hasRole(kAdminRole)) return std::unexpected(forbiddenAdmin());
    return fail(ErrorCode::kNotFound, "staff_not_found", "找不到该工作人员");
  }
  if (auto a = authorize(by, (*s)->region); !a) return std::unexpected(a.error());
  return std::move(**s);
}

Result<StaffRecord> Auth::applyChange(const ChangedBy& by, StaffRecord next,
                                      const std::string& action, nlohmann::json detail, bool revoke,
                                      bool unlock) {
  int64_t now = clock_().unix_seconds;
  next.updated_at = now;
  StaffAuditEntry audit{now, by.name(), next.username, action, detail.dump()};
  if (auto r = store_.updateStaff(next, audit, revoke, unlock); !r)
    return std::unexpected(r.error());
  if (revoke) forgetUser(next.username);
  if (unlock) {
    next.failed_logins = 0;
    next.locked_until = 0;
  }
  obs::info("staff_changed", {{"actor", audit.actor},
                              {"target", audit.target},
                              {"action", action},
                              {"detail", detail},
                              {"sessions_revoked", revoke}});
  return next;
}

Result<StaffRecord> Auth::addStaff(const ChangedBy& by, const Catalog& catalog, const NewStaff& n,
                                   PasswordRule rule) {
  if (auto u = checkUsername(n.username); !u) return std::unexpected(u.error());
  if (n.name.empty() || n.name.size() > 100)
    return fail(ErrorCode::kUnprocessable, "invalid_name", "姓名须为1至100字节");
  if (auto a = authorize(by, n.region); !a) return std::unexpected(a.error());
  const Region* region = catalog.region(n.region);
  if (!region) return fail(ErrorCode::kUnprocessable, "unknown_region", "没有这个地区");
  auto roles = validRoles(*region, n.roles);
  if (!roles) return std::unexpected(roles.error());
  // Demo accounts share one published password on purpose (README); they are never created
  // outside `serve --demo`, so the strength rule is waived for them alone.
  if (rule == PasswordRule::kEnforce)
    if (auto p = checkPasswordStrength(n.username, n.password); !p)
      return std::unexpected(p.error());
  int64_t now = clock_().unix_seconds;
  StaffRecord rec{n.username, n.name, n.region, hashPassword(n.password), *roles};
  rec.updated_at = now;
  nlohmann::json detail = {{"name", n.name}, {"region", n.region}, {"roles", *roles}};
  std::lock_guard lk(admin_mu_);
  if (auto r = store_.addStaff(rec, {now, by.name(), n.username, "add", detail.dump()}); !r)
    return std::unexpected(r.error());
  obs::info("staff_changed",
            {{"actor", by.name()}, {"target", n.username}, {"action", "add"}, {"detail", detail}});
  return rec;
}

Result<std::vector<StaffRecord>> Auth::listStaff(const ChangedBy& by, const std::string& region) {
  if (auto a = authorize(by, region); !a) return std::unexpected(a.error());
  return store_.staffOfRegion(region);
}

Result<StaffRecord> Auth::setRoles(const ChangedBy& by, const Catalog& catalog,
                                   const std::string& username,
                                   const std::vector<std::string>& roles) {
  std::lock_guard lk(admin_mu_);
  auto prev = loadForChange(by, username);
  if (!prev) return std::unexpected(prev.error());
  const Region* region = catalog.region(prev->region);
  if (!region)
    return fail(ErrorCode::kUnprocessable, "unknown_region", "该工作人员所属地区不在目录中");
  auto valid = validRoles(*region, roles);
  if (!valid) return std::unexpected(valid.error());
  if (by.admin && by.admin->username == username &&
      std::find(valid->begin(), valid->end(), kAdminRole) == valid->end())
    return fail(ErrorCode::kUnprocessable, "self_lockout",
                "不能取消自己的管理员角色（请由其他管理员操作）");
  StaffRecord next = *prev;
  next.roles = *valid;
  return applyChange(by, next, "roles", {{"from", prev->roles}, {"to", *valid}}, true, false);
}

Result<StaffRecord> Auth::setDisabled(const ChangedBy& by, const std::string& username,
                                      bool disabled) {
  std::lock_guard lk(admin_mu_);
  auto prev = loadForChange(by, username);
  if (!prev) return std::unexpected(prev.error());
  if (disabled && by.admin && by.admin->username == username)
    return fail(ErrorCode::kUnprocessable, "self_lockout",
                "不能停用自己的账号（请由其他管理员操作）");
  StaffRecord next = *prev;
  next.disabled = disabled;
  return applyChange(by, next, disabled ? "disable" : "enable", nlohmann::json::object(), disabled,
                     !disabled);
}

Result<StaffRecord> Auth::setPassword(const ChangedBy& by, const std::string& username,
                                      const std::string& password) {
  {
    // Checked before the slow hash; the change itself re-reads under the lock.
    std::lock_guard lk(admin_mu_);
    auto prev = loadForChange(by, username);
    if (!prev) return std::unexpected(prev.error());
  }
  if (auto p = checkPasswordStrength(username, password); !p) return std::unexpected(p.error());
  std::string hash = hashPassword(password);
  std::lock_guard lk(admin_mu_);
  auto prev = loadForChange(by, username);
  if (!prev) return std::unexpected(prev.error());
  StaffRecord next = *prev;
  next.password_hash = std::move(hash);
  return applyChange(by, next, "reset_password", nlohmann::json::object(), true, true);
}

}  // namespace jingban
