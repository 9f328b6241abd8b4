// The incremental SHA-256 (a streamed body's Idempotency-Key identity) gives the digest of the
// whole, however the data is cut; and the one-shot digest is SHA-256 (FIPS 180-2's "abc").
#include "common/hash.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace jingban
