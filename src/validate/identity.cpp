#include "validate/identity.hpp"

#include <cctype>

#include "calendar/date.hpp"

namespace jingban {

bool validCitizenId(std::string_view id) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  if (id.size() != 18) return false;
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    if (id[i] < '0' || id[i] > '9') return false;
    sum += (id[i] - '0') * kWeights[i];
  }
  if (std::toupper(static_cast<unsigned char>(id[17])) != kCheck[sum % 11]) return false;
  std::string birth = std::string(id.substr(6, 4)) + "-" + std::string(id.substr(10, 2)) + "-" +
                      std::string(id.substr(12, 2));
  auto d = Date::parse(birth);
  return d && d->year() >= 1900;
}

std::string sexOfCitizenId(std::string_view id) {
  if (id.size() < 17) return "";
  return ((id[16] - '0') % 2 == 1) ? "男" : "女";
}

std::string birthDateOfCitizenId(std::string_view id) {
  if (id.size() < 14) return "";
  return std::string(id.substr(6, 4)) + "-" + std::string(id.substr(10, 2)) + "-" +
         std::string(id.substr(12, 2));
}

bool validCreditCode(std::string_view code) {
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr int kWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                       29, 25, 13, 8,  24, 10, 30, 28};
  if (code.size() != 18) return false;
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    auto pos = kAlphabet.find(code[i]);
    if (pos == std::string_view::npos) return false;
    sum += static_cast<int>(pos) * kWeights[i];
  }
  int check = (31 - sum % 31) % 31;
  return code[17] == kAlphabet[check];
}

std::string maskId(std::string_view id) {
  if (id.size() <= 10) return std::string(id.size(), '*');
  return std::string(id.substr(0, 6)) + std::string(id.size() - 10, '*') +
         std::string(id.substr(id.size() - 4));
}

Result<std::string> checkId(IdKind kind, std::string_view raw) {
  std::string id;
  for (char c : raw) {
    if (c == ' ') continue;
    id += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (kind == IdKind::kCitizen) {
    if (!validCitizenId(id))
      return fail(ErrorCode::kUnprocessable, "invalid_id_number",
                  "公民身份号码无效：应为18位，出生日期有效且校验位正确（GB 11643）");
  } else if (!validCreditCode(id)) {
    return fail(ErrorCode::kUnprocessable, "invalid_credit_code",
                "统一社会信用代码无效：应为18位且校验字符正确（GB 32100）");
  }
  return id;
}

}  // namespace jingban
