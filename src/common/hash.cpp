#include "common/hash.hpp"

#include <sodium.h>

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

std::string sha256Hex(std::string_view data) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return toHex(h, sizeof h);
}

static_assert(sizeof(crypto_hash_sha256_state) <= 512);

Sha256::Sha256() { crypto_hash_sha256_init(reinterpret_cast<crypto_hash_sha256_state*>(state_)); }

void Sha256::update(std::string_view data) {
  crypto_hash_sha256_update(reinterpret_cast<crypto_hash_sha256_state*>(state_),
                            reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

std::string Sha256::hex() {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(reinterpret_cast<crypto_hash_sha256_state*>(state_), h);
  return toHex(h, sizeof h);
}

std::string randomString(size_t n, std::string_view alphabet) {
  ensureInit();
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i)
    out += alphabet[randombytes_uniform(static_cast<uint32_t>(alphabet.size()))];
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
