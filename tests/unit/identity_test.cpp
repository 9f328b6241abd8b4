// validate/identity: 公民身份号码 (GB 11643), 统一社会信用代码 (GB 32100), masking.
#include "validate/identity.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>

#include "test_support.hpp"

namespace jingban {

namespace {

// GB 11643-1999: weights 2^(17-i) mod 11, check = "10X98765432"[sum mod 11].
char citizenCheck(std::string_view first17) {
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    int weight = 1;
    for (int k = 0; k < 17 - i; ++k) weight = weight * 2 % 11;
    sum += (first17[i] - '0') * weight;
  }
  return "10X98765432"[sum % 11];
}

std::string citizenId(std::string_view first17) {
  return std::string(first17) + citizenCheck(first17);
}

// GB 32100-2015: alphabet without I O Z S V, weights 3^i mod 31, check = 31 - sum mod 31.
constexpr std::string_view kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

char creditCheck(std::string_view first17) {
  int sum = 0, weight = 1;
  for (int i = 0; i < 17; ++i) {
    sum += static_cast<int>(kCreditAlphabet.find(first17[i])) * weight;
    weight = weight * 3 % 31;
  }
  return kCreditAlphabet[(31 - sum % 31) % 31];
}

std::string creditCode(std::string_view first17) {
  return std::string(first17) + creditCheck(first17);
}

// A different character of the same alphabet.
char other(char c, std::string_view alphabet) {
  auto pos = alphabet.find(c);
  return alphabet[(pos + 1) % alphabet.size()];
}

TEST(CitizenIdTest, TestHelperReproducesTheStandardExample) {
  // The GB 11643 example number.
  EXPECT_EQ(citizenCheck("11010519491231002"), 'X');
}

TEST(CitizenIdTest, ValidIdsWithComputedCheckDigit) {
  for (const char* first17 : {"11010519491231002", "63010219900307123", "53010220000229004",
                              "37020219851001555", "63010219000101001"}) {
    std::string id = citizenId(first17);
    EXPECT_TRUE(validCitizenId(id)) << id;
  }
  // At least one of them ends in every check value class: digits and X.
  EXPECT_TRUE(validCitizenId("11010519491231002X"));
}

TEST(CitizenIdTest, LowercaseXIsAcceptedAndNormalised) {
  EXPECT_TRUE(validCitizenId("11010519491231002x"));
  auto r = checkId(IdKind::kCitizen, "11010519491231002x");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(*r, "11010519491231002X");
}

TEST(CitizenIdTest, WrongCheckDigitIsRefused) {
  std::string id = citizenId("63010219900307123");
  for (char c : std::string("0123456789X")) {
    if (c == id[17]) continue;
    std::string bad = id;
    bad[17] = c;
    EXPECT_FALSE(validCitizenId(bad)) << bad;
  }
  // A changed body digit with the old check digit.
  std::string swapped = id;
  swapped[10] = swapped[10] == '0' ? '1' : '0';
  EXPECT_FALSE(validCitizenId(swapped)) << swapped;
}

TEST(CitizenIdTest, ImpossibleBirthDateIsRefusedEvenWithACorrectCheckDigit) {
  for (const char* first17 : {"63010219900230123",     // 1990-02-30
                              "63010219901301123",     // month 13
                              "63010219900000123",     // month 00
                              "63010219900100123",     // day 00
                              "63010220230229123"}) {  // 2023 is not a leap year
    std::string id = citizenId(first17);
    EXPECT_FALSE(validCitizenId(id)) << id;
  }
}

TEST(CitizenIdTest, WrongLengthAndLettersAreRefused) {
  std::string id = citizenId("63010219900307123");
  EXPECT_FALSE(validCitizenId(id.substr(0, 17)));
  EXPECT_FALSE(validCitizenId(id + "1"));
  EXPECT_FALSE(validCitizenId(""));
  EXPECT_FALSE(validCitizenId("630102900307123"));  // old 15-digit form
  std::string letter = id;
  letter[3] = 'A';
  EXPECT_FALSE(validCitizenId(letter));
  EXPECT_FALSE(validCitizenId("6301021990030712XX"));
  EXPECT_FALSE(validCitizenId("63010219900307123 "));
}

TEST(CitizenIdTest, CheckIdRefusesWithUnprocessable) {
  std::string bad = citizenId("63010219900307123");
  bad[17] = other(bad[17], "0123456789X");
  auto r = checkId(IdKind::kCitizen, bad);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
  EXPECT_FALSE(r.error().message.empty());
  auto ok = checkId(IdKind::kCitizen, citizenId("63010219900307123"));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, citizenId("63010219900307123"));
}

TEST(CreditCodeTest, WellKnownExampleIsValid) {
  EXPECT_EQ(creditCheck("91350100M000100Y4"), '3');
  EXPECT_TRUE(validCreditCode("91350100M000100Y43"));
}

TEST(CreditCodeTest, ValidCodesWithComputedCheckCharacter) {
  for (const char* first17 : {"91630000MA752XYQ0", "12530000431200055", "91370200163562681",
                              "52630100MJY000001", "11100000000013127", "93630102MA7L4H8K1"}) {
    ASSERT_EQ(std::string_view(first17).find_first_not_of(kCreditAlphabet), std::string_view::npos);
    std::string code = creditCode(first17);
    EXPECT_TRUE(validCreditCode(code)) << code;
    auto r = checkId(IdKind::kCreditCode, code);
    ASSERT_TRUE(r.has_value()) << code << ": " << r.error().message;
    EXPECT_EQ(*r, code);
  }
}

TEST(CreditCodeTest, LowercaseIsNormalisedByCheckId) {
  std::string code = creditCode("52630100MJY000001");
  std::string lower;
  for (char ch : code) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto r = checkId(IdKind::kCreditCode, lower);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(*r, code);
}

TEST(CreditCodeTest, ForbiddenLettersIOZSVAreRefused) {
  std::string base = "91350100M000100Y4";
  for (char c : std::string("IOZSV")) {
    std::string first17 = base;
    first17[8] = c;  // the 'M' position
    // Whatever check character is appended, the code is invalid.
    for (char check : kCreditAlphabet) {
      std::string code = first17 + check;
      EXPECT_FALSE(validCreditCode(code)) << code;
    }
  }
  // I O Z S V as the check character.
  for (char c : std::string("IOZSV")) EXPECT_FALSE(validCreditCode(base + c));
}

TEST(CreditCodeTest, WrongCheckCharacterLengthAndSymbolsAreRefused) {
  std::string code = creditCode("91630000MA752XYQ0");
  ASSERT_TRUE(validCreditCode(code));
  std::string bad = code;
  bad[17] = other(bad[17], kCreditAlphabet);
  EXPECT_FALSE(validCreditCode(bad)) << bad;
  EXPECT_FALSE(validCreditCode("91350100M000100Y44"));
  EXPECT_FALSE(validCreditCode(code.substr(0, 17)));
  EXPECT_FALSE(validCreditCode(code + "0"));
  EXPECT_FALSE(validCreditCode(""));
  EXPECT_FALSE(validCreditCode("91350100M000100-43"));
  auto r = checkId(IdKind::kCreditCode, bad);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
}

TEST(CreditCodeTest, CitizenAndCreditCheckersAreNotInterchangeable) {
  EXPECT_FALSE(checkId(IdKind::kCitizen, "91350100M000100Y43").has_value());
  EXPECT_FALSE(checkId(IdKind::kCreditCode, "11010519491231002X").has_value());
}

// No more than the first 6 and last 4 characters of `original` appear in `masked`.
void expectMasked(const std::string& original, const std::string& masked) {
  ASSERT_EQ(masked.size(), original.size()) << masked;
  size_t shown = 0;
  for (size_t i = 0; i < masked.size(); ++i) {
    bool edge = i < 6 || i + 4 >= masked.size();
    if (masked[i] != '*') {
      EXPECT_TRUE(edge) << "position " << i << " revealed in " << masked;
      EXPECT_EQ(masked[i], original[i]);
      ++shown;
    }
  }
  EXPECT_LE(shown, 10u);
}

TEST(MaskIdTest, NeverShowsMoreThanFirstSixAndLastFour) {
  EXPECT_EQ(maskId("11010519491231002X"), "110105********002X");
  EXPECT_EQ(maskId("91350100M000100Y43"), "913501********0Y43");
  for (const std::string id : {"11010519491231002X", "91350100M000100Y43", "12345678901",
                               "1234567890", "123", "", "1234567890123456789012345"}) {
    expectMasked(id, maskId(id));
  }
  // Too short to show anything without revealing most of it.
  EXPECT_EQ(maskId("1234567890"), "**********");
  EXPECT_EQ(maskId("1234567890").find_first_not_of('*'), std::string::npos);
}

}  // namespace
}  // namespace jingban

TEST(Identity, SexAndBirthDateComeFromTheNumber) {
  // 11010519491231002X: 17th digit 2 (even) → 女, born 1949-12-31.
  EXPECT_EQ(jingban::sexOfCitizenId("11010519491231002X"), "女");
  EXPECT_EQ(jingban::birthDateOfCitizenId("11010519491231002X"), "1949-12-31");
  // 110105194912310011 has 17th digit 1 (odd) → 男.
  EXPECT_EQ(jingban::sexOfCitizenId("110105194912310011"), "男");
}
