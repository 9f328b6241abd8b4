// SHA-256 (libsodium) as lower-case hex, and random tokens. The one place the product hashes.
#pragma once

#include <string>
#include <string_view>

namespace jingban {

std::string sha256Hex(std::string_view data);
// `n` random characters from `alphabet` (libsodium's CSPRNG, unbiased).
std::string randomString(size_t n, std::string_view alphabet);
// Equality that takes the same time wherever the strings differ (secrets: query codes, tokens).
bool constantTimeEqual(std::string_view a, std::string_view b);
// `bytes` random bytes as hex.
std::string randomHex(size_t bytes);

}  // namespace jingban
