#include "common/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace jingban {
namespace {

TEST(ValidUtf8, AcceptsWellFormed) {
  EXPECT_TRUE(validUtf8(""));
  EXPECT_TRUE(validUtf8("/api/v1/regions/qinghai/items"));
  EXPECT_TRUE(validUtf8("青海省医疗保障局"));
  EXPECT_TRUE(validUtf8("\x7F"));
  EXPECT_TRUE(validUtf8("\xC2\x80"));                // U+0080, smallest 2-byte
  EXPECT_TRUE(validUtf8("\xDF\xBF"));                // U+07FF
  EXPECT_TRUE(validUtf8("\xE0\xA0\x80"));            // U+0800, smallest 3-byte
  EXPECT_TRUE(validUtf8("\xED\x9F\xBF"));            // U+D7FF, just below the surrogates
  EXPECT_TRUE(validUtf8("\xEE\x80\x80"));            // U+E000, just above
  EXPECT_TRUE(validUtf8("\xEF\xBF\xBF"));            // U+FFFF
  EXPECT_TRUE(validUtf8("\xF0\x90\x80\x80"));        // U+10000
  EXPECT_TRUE(validUtf8("\xF4\x8F\xBF\xBF"));        // U+10FFFF, the last code point
  EXPECT_TRUE(validUtf8("abcdefgh青海abcdefghij"));  // ASCII fast path around a multibyte run
  EXPECT_TRUE(validUtf8(std::string("a\0b", 3)));    // NUL is a valid code point
}

TEST(ValidUtf8, RefusesMalformed) {
  EXPECT_FALSE(validUtf8("\xFF"));
  EXPECT_FALSE(validUtf8("\xFE"));
  EXPECT_FALSE(validUtf8("\x80"));              // lone continuation
  EXPECT_FALSE(validUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(validUtf8("\xC1\xBF"));          // overlong
  EXPECT_FALSE(validUtf8("\xE0\x80\xAF"));      // overlong 3-byte '/'
  EXPECT_FALSE(validUtf8("\xE0\x9F\xBF"));      // overlong U+07FF
  EXPECT_FALSE(validUtf8("\xF0\x80\x80\xAF"));  // overlong 4-byte
  EXPECT_FALSE(validUtf8("\xF0\x8F\xBF\xBF"));  // overlong U+FFFF
  EXPECT_FALSE(validUtf8("\xED\xA0\x80"));      // U+D800, a surrogate
  EXPECT_FALSE(validUtf8("\xED\xBF\xBF"));      // U+DFFF
  EXPECT_FALSE(validUtf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(validUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(validUtf8("\xE9\x9D"));  // truncated 3-byte
  EXPECT_FALSE(validUtf8("abc\xE9"));   // truncated at the end
  EXPECT_FALSE(validUtf8("\xC3\x28"));  // bad continuation
  EXPECT_FALSE(validUtf8("\xE9\x9D\x28"));
  EXPECT_FALSE(validUtf8("\xF0\x90\x80\x28"));
  EXPECT_FALSE(validUtf8("abcdefghijklmnop\xFF"));  // after the ASCII fast path
}

TEST(ParseStrictInt, AcceptsPlainIntegersInRange) {
  EXPECT_EQ(parseStrictInt("0", 0, 10, "n").value(), 0);
  EXPECT_EQ(parseStrictInt("5", 0, 10, "n").value(), 5);
  EXPECT_EQ(parseStrictInt("10", 0, 10, "n").value(), 10);
  EXPECT_EQ(parseStrictInt("007", 0, 10, "n").value(), 7);
  EXPECT_EQ(parseStrictInt("-3", -5, 5, "n").value(), -3);
  EXPECT_EQ(parseStrictInt("9223372036854775807", 0, INT64_MAX, "n").value(), INT64_MAX);
  EXPECT_EQ(parseStrictInt("-9223372036854775808", INT64_MIN, 0, "n").value(), INT64_MIN);
}

TEST(ParseStrictInt, RefusesEverythingElse) {
  for (const char* s :
       {"", "+5", " 5", "5 ", "5abc", "1e3", "0x10", "1.0", "-", "--1", "٣", "11", "-1",
        "9223372036854775808", "99999999999999999999", "00000000000000000001"}) {
    auto r = parseStrictInt(s, 0, 10, "working_days");
    ASSERT_FALSE(r.has_value()) << s;
    EXPECT_EQ(r.error().code, ErrorCode::kBadRequest);
    EXPECT_EQ(r.error().slug, "bad_number");
  }
  EXPECT_FALSE(parseStrictInt("-9223372036854775809", INT64_MIN, 0, "n").has_value());
  EXPECT_FALSE(parseStrictInt("-0", 0, 10, "n").has_value());  // no sign when min >= 0
}

TEST(ParseStrictInt, MessageNamesFieldAndRangeNotInput) {
  auto r = parseStrictInt("5abc\xFF", 0, 3650, "working_days");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("working_days"), std::string::npos);
  EXPECT_NE(r.error().message.find("0 到 3650"), std::string::npos);
  EXPECT_EQ(r.error().message.find("5abc"), std::string::npos);
  EXPECT_TRUE(validUtf8(r.error().message));
}

TEST(Utf8Length, CountsCodePoints) {
  EXPECT_EQ(utf8Length(""), 0u);
  EXPECT_EQ(utf8Length("abc"), 3u);
  EXPECT_EQ(utf8Length("青海省"), 3u);
  EXPECT_EQ(utf8Length("a青\xF0\x90\x80\x80"), 3u);
}

}  // namespace
}  // namespace jingban
