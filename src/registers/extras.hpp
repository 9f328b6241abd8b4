// The register areas of three local items (issue 8 §7): Yunnan's 社会保障卡 (one entry per
// person), Yunnan's 退役士兵补缴 records and the vouchers of Xining's 待遇支付 runs. Each is a
// RegisterEntry (registers.hpp); these are their kinds, status words and the helpers they share.
//
// social_security_card: key and owner the ID number, status 有效 | 待银行制卡 | 挂失 | 作废, from
// the
//   first issue; data {name, card_no, issued_on, situation, bank, notice?, cards: [{card_no,
//   status, issued_on, ended_on, reason, case_no}]} — every card the person held, newest last.
// veteran_back_payment: key TY + division + 6 digits, owner the ID number, from / to the first
//   and last day of the months back-paid; data {discharge_date, from_month, to_month, months,
//   unit_share_payer, personal_share_collected, contribution_months_before / _after, case_no …}.
// benefit_voucher: key PZ + division + 6 digits, owner the case number of the run, status
//   已编制 | 已对账; data {month, total_fen, by_purpose, lines, payments_month, export …}.
#pragma once

#include <string>

#include "registers/registers.hpp"

namespace jingban {

inline constexpr const char* kCardKind = "social_security_card";
inline constexpr const char* kCardValid = "有效";
inline constexpr const char* kCardAtBank = "待银行制卡";  // 即时制卡: the notice was issued
inline constexpr const char* kCardLost = "挂失";
inline constexpr const char* kCardVoid = "作废";

inline constexpr const char* kBackPaymentKind = "veteran_back_payment";
inline constexpr const char* kBackPaid = "已补缴";

inline constexpr const char* kVoucherKind = "benefit_voucher";
inline constexpr const char* kVoucherMade = "已编制";
inline constexpr const char* kVoucherReconciled = "已对账";

// "YYYY-MM" → its last day "YYYY-MM-DD" (the month is a checked one).
std::string lastDayOfMonth(const std::string& month);

}  // namespace jingban
