#include "common/text.hpp"

#include <string>

namespace jingban {

bool validUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    // ASCII runs are the common case (paths, numbers, tokens): skip them eight bytes at a time.
    while (end - p >= 8) {
      uint64_t w;
      __builtin_memcpy(&w, p, 8);
      if (w & 0x8080808080808080ull) break;
      p += 8;
    }
    if (p >= end) break;
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    // Table 3-7 of the Unicode standard: the allowed range of the second byte depends on the
    // first; that is what excludes overlongs, surrogates and code points above U+10FFFF.
    int len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;  // 0x80…0xC1 (continuation or overlong lead), 0xF5…0xFF
    }
    if (end - p < len) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (int i = 2; i < len; ++i)
      if ((p[i] & 0xC0) != 0x80) return false;
    p += len;
  }
  return true;
}

Result<int64_t> parseStrictInt(std::string_view s, int64_t min, int64_t max, const char* field) {
  auto bad = [&] {
    return fail(ErrorCode::kBadRequest, "bad_number",
                std::string(field) + " 须为 " + std::to_string(min) + " 到 " + std::to_string(max) +
                    " 之间的整数");
  };
  size_t i = 0;
  bool negative = false;
  if (!s.empty() && s[0] == '-') {
    if (min >= 0) return bad();
    negative = true;
    i = 1;
  }
  if (i == s.size() || s.size() - i > 19) return bad();  // 19 digits hold every int64
  // Accumulate as a negative number so that INT64_MIN is representable.
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c < '0' || c > '9') return bad();
    int d = c - '0';
    if (v < (INT64_MIN + d) / 10) return bad();  // would overflow
    v = v * 10 - d;
  }
  if (!negative) {
    if (v == INT64_MIN) return bad();
    v = -v;
  }
  if (v < min || v > max) return bad();
  return v;
}

size_t utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace jingban
