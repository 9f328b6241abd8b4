#include "auth/auth.hpp"

#include <sodium.h>

namespace jingban {

namespace {
constexpr int64_t kSessionSeconds = 12 * 3600;

std::string hex(const unsigned char* p, size_t n) {
  std::string out(n * 2, '0');
  sodium_bin2hex(out.data(), out.size() + 1, p, n);
  return out;
}

std::string sha256Hex(const std::string& s) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  return hex(h, sizeof h);
}

Error unauthorized(const std::string& msg) {
  return Error{ErrorCode::kUnauthorized, "unauthorized", msg};
}
}  // namespace

Auth::Auth(StaffStore& store, Clock clock) : store_(store), clock_(std::move(clock)) {}

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

Result<void> Auth::createStaff(const std::string& username, const std::string& name,
                               const std::string& region, const std::vector<std::string>& roles,
                               const std::string& password) {
  if (password.size() < 8) return fail(ErrorCode::kUnprocessable, "weak_password", "密码至少8位");
  return store_.putStaff({username, name, region, hashPassword(password), roles});
}

Result<std::string> Auth::signIn(const std::string& username, const std::string& password) {
  auto s = store_.staff(username);
  if (!s) return std::unexpected(s.error());
  if (!*s || !verifyPassword((*s)->password_hash, password))
    return std::unexpected(unauthorized("用户名或密码错误"));
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  std::string token = hex(raw, sizeof raw);
  int64_t expires = clock_().unix_seconds + kSessionSeconds;
  if (auto r = store_.putSession(sha256Hex(token), username, expires); !r)
    return std::unexpected(r.error());
  return token;
}

Result<Actor> Auth::authenticate(const std::string& header) {
  const std::string prefix = "Bearer ";
  if (header.compare(0, prefix.size(), prefix) != 0 || header.size() == prefix.size())
    return std::unexpected(unauthorized("请先登录（缺少 Authorization: Bearer 令牌）"));
  std::string key = sha256Hex(header.substr(prefix.size()));
  int64_t now = clock_().unix_seconds;
  {
    std::lock_guard lk(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      if (it->second.second > now) return it->second.first;
      cache_.erase(it);
      return std::unexpected(unauthorized("登录已过期，请重新登录"));
    }
  }
  auto sess = store_.session(key);
  if (!sess) return std::unexpected(sess.error());
  if (!*sess) return std::unexpected(unauthorized("令牌无效，请重新登录"));
  if ((*sess)->second <= now) return std::unexpected(unauthorized("登录已过期，请重新登录"));
  auto staff = store_.staff((*sess)->first);
  if (!staff) return std::unexpected(staff.error());
  if (!*staff) return std::unexpected(unauthorized("账号不存在"));
  Actor a{(*staff)->username,
          {(*staff)->roles.begin(), (*staff)->roles.end()},
          (*staff)->region,
          false};
  std::lock_guard lk(mu_);
  cache_[key] = {a, (*sess)->second};
  return a;
}

}  // namespace jingban
