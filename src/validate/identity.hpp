// Identity numbers: 公民身份号码 (GB 11643, check digit) and 统一社会信用代码 (GB 32100, check
// character); validation on entry and masking for display and logs.
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"

namespace jingban {

bool validCitizenId(std::string_view id);     // 18 characters, valid birth date, check digit
bool validCreditCode(std::string_view code);  // 18 characters, GB 32100 alphabet and check
// What a valid 公民身份号码 says about its holder (call only on a valid number): 男 / 女 from the
// parity of the 17th digit, and the birth date YYYY-MM-DD from digits 7–14.
std::string sexOfCitizenId(std::string_view id);
std::string birthDateOfCitizenId(std::string_view id);
// 630102********1234 / 9163****…**12AB: never more than the first 6 and last 4 characters.
std::string maskId(std::string_view id);

enum class IdKind { kCitizen, kCreditCode };
// Validates and normalises (upper-case X / letters). The message names what is wrong.
Result<std::string> checkId(IdKind kind, std::string_view raw);

}  // namespace jingban
