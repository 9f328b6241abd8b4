#include "common/hash.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <vector>

namespace jingban {

namespace {
std::string toHex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.resize(n * 2);
  return out;
}
void ensureInit() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium cannot start");
}
}  // namespace

// libsodium's SHA-256 is portable C; libcrypto's uses the SHA extensions (or AVX2), about five
// times faster on a 1.6 KB event, and every event of every case is hashed into its chain.
// The algorithm is fetched once: OpenSSL 3's one-shot SHA256() fetches it (under a lock) on
// every call, which cost as much as the hashing.
namespace {
const EVP_MD* sha256Md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (!md) throw std::runtime_error("libcrypto has no SHA-256");
  return md;
}
EVP_MD_CTX* newCtx() {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (!ctx || EVP_DigestInit_ex2(ctx, sha256Md(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    throw std::runtime_error("libcrypto cannot start SHA-256");
  }
  return ctx;
}
}  // namespace

std::string sha256Hex(std::string_view data) {
  // One context per thread, started again for each digest (no allocation per call).
  thread_local std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(newCtx(), EVP_MD_CTX_free);
  unsigned char h[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestInit_ex2(ctx.get(), nullptr, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), h, &n) != 1)
    throw std::runtime_error("SHA-256 failed");
  return toHex(h, n);
}

Sha256::Sha256() : ctx_(newCtx()) {}

Sha256::~Sha256() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }

void Sha256::update(std::string_view data) {
  if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()) != 1)
    throw std::runtime_error("SHA-256 failed");
}

std::string Sha256::hex() {
  unsigned char h[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), h, &n) != 1)
    throw std::runtime_error("SHA-256 failed");
  return toHex(h, n);
}

std::string randomString(size_t n, std::string_view alphabet) {
  ensureInit();
  if (alphabet.empty() || alphabet.size() > 256)
    throw std::invalid_argument("randomString: alphabet of 1 to 256 characters");
  // One draw from the CSPRNG for the whole string (randombytes_uniform per character cost one
  // getrandom system call each). Bytes at or above the largest multiple of the alphabet's size
  // are dropped, so every character stays equally likely.
  const unsigned k = static_cast<unsigned>(alphabet.size());
  const unsigned limit = 256 - 256 % k;
  std::string out;
  out.reserve(n);
  unsigned char buf[64];
  while (out.size() < n) {
    size_t want = std::min(sizeof buf, (n - out.size()) * 2);
    randombytes_buf(buf, want);
    for (size_t i = 0; i < want && out.size() < n; ++i)
      if (buf[i] < limit) out += alphabet[buf[i] % k];
  }
  return out;
}

bool constantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string randomHex(size_t bytes) {
  ensureInit();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  return toHex(raw.data(), raw.size());
}

}  // namespace jingban
