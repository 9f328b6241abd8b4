// SHA-256 (libsodium) as lower-case hex, and random tokens. The one place the product hashes.
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
  void update(std::string_view data);
  std::string hex();  // ends the digest: call once

 private:
  alignas(64) unsigned char state_[512];  // crypto_hash_sha256_state, kept opaque here
};
// `n` random characters from `alphabet` (libsodium's CSPRNG, unbiased).
std::string randomString(size_t n, std::string_view alphabet);
// Equality that takes the same time wherever the strings differ (secrets: query codes, tokens).
bool constantTimeEqual(std::string_view a, std::string_view b);
// `bytes` random bytes as hex.
std::string randomHex(size_t bytes);

}  // namespace jingban
