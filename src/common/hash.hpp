// SHA-256 (OpenSSL's libcrypto, which uses the CPU's SHA instructions where it has them) as
// lower-case hex, and random tokens (libsodium). The one place the product hashes.
#pragma once

#include <string>
#include <string_view>

namespace jingban {

std::string sha256Hex(std::string_view data);

// The same digest over data that arrives in pieces (a streamed request body): update() with each
// piece, then hex() once. Sha256 s; s.update(a); s.update(b); s.hex() == sha256Hex(a + b).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  std::string hex();  // ends the digest: call once

 private:
  void* ctx_;  // EVP_MD_CTX, kept opaque here
};
// `n` random characters from `alphabet` (libsodium's CSPRNG, unbiased; one draw for the whole
// string). An alphabet of 0 or more than 256 characters throws std::invalid_argument.
std::string randomString(size_t n, std::string_view alphabet);
// Equality that takes the same time wherever the strings differ (secrets: query codes, tokens).
bool constantTimeEqual(std::string_view a, std::string_view b);
// `bytes` random bytes as hex.
std::string randomHex(size_t bytes);

}  // namespace jingban
