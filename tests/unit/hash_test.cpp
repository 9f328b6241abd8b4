// The incremental SHA-256 (a streamed body's Idempotency-Key identity) gives the digest of the
// whole, however the data is cut; and the one-shot digest is SHA-256 (FIPS 180-2's "abc").
#include "common/hash.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "http/server.hpp"

namespace jingban {
namespace {

TEST(Sha256, KnownVector) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 s;
  EXPECT_EQ(s.hex(), sha256Hex(""));
}

TEST(Sha256, PiecesGiveTheDigestOfTheWhole) {
  std::string whole;
  for (int i = 0; i < 5000; ++i) whole += "第" + std::to_string(i) + "行,费用明细\n";
  for (size_t piece : {size_t{1}, size_t{7}, size_t{64}, size_t{4096}, whole.size()}) {
    Sha256 s;
    for (size_t i = 0; i < whole.size(); i += piece)
      s.update(std::string_view(whole).substr(i, piece));
    EXPECT_EQ(s.hex(), sha256Hex(whole)) << "pieces of " << piece;
  }
}

// The in-memory body the route falls back to: every byte once, in order, in pieces of the size
// asked, then the end; a piece refused stops it without the end.
TEST(BodyStream, FromStringPiecesAndStop) {
  std::string body = "line_no,id_no\n1,2\n3,4\n";
  std::string got;
  int pieces = 0, ends = 0;
  BodyStream::fromString(body, 5)->read(
      [&](std::string_view p) {
        EXPECT_LE(p.size(), 5u);
        got += p;
        ++pieces;
        return true;
      },
      [&](std::string error) {
        EXPECT_TRUE(error.empty());
        ++ends;
      });
  EXPECT_EQ(got, body);
  EXPECT_EQ(pieces, 5);
  EXPECT_EQ(ends, 1);
  pieces = 0;
  ends = 0;
  BodyStream::fromString(body, 5)->read([&](std::string_view) { return ++pieces < 2; },
                                        [&](std::string) { ++ends; });
  EXPECT_EQ(pieces, 2);
  EXPECT_EQ(ends, 0);
}

// Query codes: the length asked, only characters of the alphabet, and every character of a
// 31-letter alphabet (256 is not a multiple of 31: the rejected bytes) drawn about equally often.
TEST(RandomString, LengthAlphabetAndSpread) {
  const std::string alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXY";
  ASSERT_EQ(alphabet.size(), 31u);
  std::map<char, int> seen;
  for (int i = 0; i < 4000; ++i) {
    std::string s = randomString(8, alphabet);
    ASSERT_EQ(s.size(), 8u);
    for (char ch : s) {
      ASSERT_NE(alphabet.find(ch), std::string::npos) << s;
      ++seen[ch];
    }
  }
  ASSERT_EQ(seen.size(), alphabet.size());
  // 32,000 draws, about 1,032 each (sd 32).
  for (auto& [ch, count] : seen) {
    EXPECT_GT(count, 850) << ch;
    EXPECT_LT(count, 1220) << ch;
  }
  // Unbiased, the first eight characters take 8/31 of the draws (0.258, sd 0.0025). Taking
  // byte % 31 without rejecting would give them 9/256 each, 0.281 together.
  int first8 = 0;
  for (size_t i = 0; i < 8; ++i) first8 += seen[alphabet[i]];
  EXPECT_NEAR(first8 / 32000.0, 8.0 / 31.0, 0.01);
  EXPECT_EQ(randomString(0, alphabet), "");
  EXPECT_THROW(randomString(4, ""), std::invalid_argument);
}

}  // namespace
}  // namespace jingban
