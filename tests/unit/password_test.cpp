// The password and username rules of staff accounts.
#include "auth/auth.hpp"
#include "test_support.hpp"

namespace jingban {
namespace {

bool strong(std::string_view user, std::string_view pass) {
  return checkPasswordStrength(user, pass).has_value();
}

TEST(PasswordRule, TenCharactersWithThreeClasses) {
  EXPECT_TRUE(strong("alice", "Tiger-lily-42"));
  EXPECT_TRUE(strong("alice", "tigerlily42!"));   // lower, digit, symbol
  EXPECT_TRUE(strong("alice", "TigerLily42"));    // lower, upper, digit
  EXPECT_FALSE(strong("alice", "Tiger-42"));      // 8 characters
  EXPECT_FALSE(strong("alice", "tigerlily42"));   // two classes
  EXPECT_FALSE(strong("alice", "TIGERLILYFOX"));  // one class
}

TEST(PasswordRule, SixteenCharactersOfAnything) {
  EXPECT_TRUE(strong("alice", "correcthorsebattery"));
  EXPECT_FALSE(strong("alice", "correcthorsebat"));  // 15
}

TEST(PasswordRule, CountsCharactersNotBytes) {
  // Nine Chinese characters and a digit: 10 characters (28 bytes), two classes (symbol, digit).
  EXPECT_FALSE(strong("alice", "医保经办服务大厅窗口1"));
  // Sixteen Chinese characters: long enough on its own.
  EXPECT_TRUE(strong("alice", "医保经办服务大厅窗口受理初审复审拨付"));
}

TEST(PasswordRule, MayNotContainTheUsername) {
  EXPECT_FALSE(strong("qinghai_window", "Qinghai_Window-2026"));
  EXPECT_TRUE(strong("qinghai_window", "Tiger-lily-42"));
}

TEST(PasswordRule, RefusesCommonPasswords) {
  EXPECT_FALSE(strong("alice", "Password123!"));
  EXPECT_FALSE(strong("alice", "P@ssw0rd123"));
  EXPECT_FALSE(strong("alice", "Admin@123456"));
}

TEST(PasswordRule, TheMessageSaysTheRule) {
  auto r = checkPasswordStrength("alice", "short");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(r.error().slug, "weak_password");
  EXPECT_NE(r.error().message.find("至少10位"), std::string::npos);
  EXPECT_NE(r.error().message.find("至少三类"), std::string::npos);
  EXPECT_EQ(r.error().message.find("short"), std::string::npos);  // never echoes the password
}

TEST(UsernameRule, ThreeToThirtyTwoOfLowerDigitUnderscore) {
  EXPECT_TRUE(checkUsername("bob"));
  EXPECT_TRUE(checkUsername("qinghai_senior_reviewer_2"));
  EXPECT_TRUE(checkUsername(std::string(32, 'a')));
  EXPECT_FALSE(checkUsername("bo"));
  EXPECT_FALSE(checkUsername(std::string(33, 'a')));
  EXPECT_FALSE(checkUsername("Bob"));
  EXPECT_FALSE(checkUsername("bob-1"));
  EXPECT_FALSE(checkUsername("张三丰"));
}

}  // namespace
}  // namespace jingban
