// The registers in memory, for unit tests of effect handlers: every RegisterTx operation with the
// SQLite engine's rules that handlers rely on (a debit below zero and a second payment for the
// same event fail, an account closes only at zero, entries keep their history, numbers count).
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "registers/registers.hpp"

namespace jingban::testing {

class FakeRegisterTx : public RegisterTx {
 public:
  std::map<std::pair<std::string, std::string>, Unit> units;      // (region, credit code)
  std::map<std::pair<std::string, std::string>, Person> persons;  // (region, ID number)
  std::map<std::pair<std::string, std::string>, std::vector<AccountEntry>> account_entries;
  std::map<std::pair<std::string, std::string>, std::string> account_status;
  std::vector<Payment> payments;
  std::vector<Claim> claims;
  std::vector<PremiumEntry> premium_entries;
  std::map<std::tuple<std::string, std::string, std::string>, RegisterEntry> entry_rows;
  std::map<std::tuple<std::string, std::string, std::string>, int> entry_changes;
  std::map<std::string, int64_t> numbers;
  std::vector<std::string> claimed;

  Result<std::optional<Unit>> unit(const std::string& region, const std::string& code) override {
    auto it = units.find({region, code});
    if (it == units.end()) return std::optional<Unit>();
    return std::optional<Unit>(it->second);
  }
  Result<std::optional<Person>> person(const std::string& region,
                                       const std::string& id_no) override {
    auto it = persons.find({region, id_no});
    if (it == persons.end()) return std::optional<Person>();
    return std::optional<Person>(it->second);
  }
  Result<std::optional<Account>> account(const std::string& region,
                                         const std::string& id_no) override {
    auto it = account_status.find({region, id_no});
    if (it == account_status.end()) return std::optional<Account>();
    return std::optional<Account>(Account{region, id_no, it->second, balance(region, id_no)});
  }
  Result<YearToDate> claimsInYear(const std::string& region, const std::string& id_no,
                                  int year) override {
    YearToDate y;
    for (const auto& c : claims)
      if (c.region == region && c.id_no == id_no && c.year == year) {
        y.fund_fen += c.fund_fen;
        y.serious_illness_fen += c.serious_illness_fen;
        y.assistance_fen += c.assistance_fen;
        y.deductible_fen += c.deductible_fen;
        y.personal_eligible_fen += c.personal_eligible_fen;
        ++y.claims;
      }
    return y;
  }
  Result<std::vector<PremiumEntry>> premiums(const std::string& region, const std::string& id_no,
                                             int year) override {
    std::vector<PremiumEntry> out;
    for (const auto& p : premium_entries)
      if (p.region == region && p.id_no == id_no && p.year == year) out.push_back(p);
    return out;
  }
  Result<std::optional<RegisterEntry>> entry(const std::string& kind, const std::string& region,
                                             const std::string& key) override {
    auto it = entry_rows.find({kind, region, key});
    if (it == entry_rows.end()) return std::optional<RegisterEntry>();
    return std::optional<RegisterEntry>(it->second);
  }
  Result<std::vector<RegisterEntry>> entries(const EntryFilter& f) override {
    std::vector<RegisterEntry> out;
    for (const auto& [k, e] : entry_rows)
      if (e.kind == f.kind && e.region == f.region && (f.owner.empty() || e.owner == f.owner) &&
          (f.status.empty() || e.status == f.status))
        out.push_back(e);
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return std::tie(a.from, a.key) < std::tie(b.from, b.key);
    });
    return out;
  }

  Result<bool> claim(const Cause& c) override {
    std::string id = c.source + "#" + std::to_string(c.event_seq);
    for (const auto& x : claimed)
      if (x == id) return false;
    claimed.push_back(id);
    return true;
  }
  Result<void> putUnit(const Unit& u, const Cause&) override {
    units[{u.region, u.credit_code}] = u;
    return {};
  }
  Result<void> putPerson(const Person& p, const Cause&) override {
    persons[{p.region, p.id_no}] = p;
    return {};
  }
  Result<void> addAccountEntry(const std::string& region, const std::string& id_no,
                               const AccountEntry& e) override {
    if (balance(region, id_no) + e.amount_fen < 0)
      return fail(ErrorCode::kConflict, "insufficient_balance", "个人账户余额不足");
    account_status.try_emplace({region, id_no}, "正常");
    account_entries[{region, id_no}].push_back(e);
    return {};
  }
  Result<void> closeAccount(const std::string& region, const std::string& id_no,
                            const Cause&) override {
    if (balance(region, id_no) != 0)
      return fail(ErrorCode::kConflict, "balance_not_zero", "个人账户余额不为零，不能销户");
    account_status[{region, id_no}] = "已销户";
    return {};
  }
  Result<void> addPayment(const Payment& p) override {
    for (const auto& q : payments)
      if (q.case_no == p.case_no && q.event_seq == p.event_seq && q.line == p.line)
        return fail(ErrorCode::kConflict, "duplicate_payment", "重复拨付");
    payments.push_back(p);
    return {};
  }
  Result<void> addClaim(const Claim& c) override {
    claims.push_back(c);
    return {};
  }
  Result<void> addPremium(const PremiumEntry& e) override {
    premium_entries.push_back(e);
    return {};
  }
  Result<void> putEntry(const RegisterEntry& e, const Cause&) override {
    entry_rows[{e.kind, e.region, e.key}] = e;
    ++entry_changes[{e.kind, e.region, e.key}];
    return {};
  }
  Result<int64_t> nextNumber(const std::string& name) override { return ++numbers[name]; }

  int64_t balance(const std::string& region, const std::string& id_no) const {
    int64_t b = 0;
    auto it = account_entries.find({region, id_no});
    if (it != account_entries.end())
      for (const auto& e : it->second) b += e.amount_fen;
    return b;
  }
};

}  // namespace jingban::testing
