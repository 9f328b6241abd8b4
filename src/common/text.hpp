// Text checks at the edges of the product: well-formed UTF-8 (RFC 3629) and strict integers.
// Everything a client sends passes through these before it can reach a message, a log or the store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/error.hpp"

namespace jingban {

// True when `s` is well-formed UTF-8: no overlong forms, no surrogates (U+D800…U+DFFF), nothing
// above U+10FFFF, no truncated sequence. The empty string is valid.
bool validUtf8(std::string_view s);

// A decimal integer in [min, max]: ASCII digits only, a leading '-' only when min < 0; no '+',
// spaces, exponent, leading/trailing junk or empty string. Otherwise 400 `bad_number`, naming
// `field` and the range (never the input).
Result<int64_t> parseStrictInt(std::string_view s, int64_t min, int64_t max, const char* field);

// The number of code points of valid UTF-8 (for caps such as "name ≤ 50 characters"). On invalid
// input it counts the bytes that do not continue a sequence, so it never exceeds s.size().
size_t utf8Length(std::string_view s);

}  // namespace jingban
