// The registers an approved case changes (参保单位, 参保人员 and their enrolment periods, 个人账户,
// 拨付 payments, claims paid this year, premiums and subsidies): plain records and the two
// interfaces effects speak to. A RegisterView reads; a RegisterTx reads and writes inside the
// transaction that commits the case event causing the change. Each storage engine implements both
// (store/sqlite/sqlite_registers.cpp) and passes the conformance suite.
//
// Conventions: money is int64 fen; months are "YYYY-MM"; dates "YYYY-MM-DD"; times are Unix
// seconds; a region is a 统筹区 of the catalog (qinghai, xining, yunnan, qingdao).
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace jingban {

// Unit status and person/enrolment status values, as the registers show them.
inline constexpr const char* kUnitActive = "正常";
inline constexpr const char* kUnitSuspended = "暂停";
inline constexpr const char* kUnitCancelled = "注销";
inline constexpr const char* kEnrolPaying = "参保缴费";
inline constexpr const char* kEnrolSuspended = "暂停";
inline constexpr const char* kEnrolEnded = "终止";

struct Unit {
  std::string region, credit_code, name;
  std::string type;  // 企业 | 机关 | 全额拨款事业 | 参公事业 | 其他
  std::string address, legal_representative, phone, bank_account;
  std::string status = kUnitActive;
};

// One enrolment period in one 统筹区: from and to are months, both inclusive; to "" = open.
struct Enrolment {
  std::string from, to;
  std::string status = kEnrolPaying;  // 参保缴费 | 暂停 | 终止
  std::string insurance_type;         // 职工 | 城乡居民 | 灵活就业
  std::string unit;                   // credit code of the unit (职工), else ""
};

struct Person {
  std::string region, id_no, name;
  std::string sex;                      // 男 | 女, derived from the ID number
  std::string birth_date;               // derived from the ID number
  std::string insurance_type;           // 职工 | 城乡居民 | 灵活就业
  std::string unit;                     // credit code, 职工 only
  std::string employment;               // 在职 | 退休 | "" (residents)
  int64_t contribution_base_fen = 0;    // 缴费基数 (职工, 灵活就业)
  std::vector<std::string> identities;  // 港澳台, 外国人, 低保, 特困, 重度残疾 …
  std::string phone;
  std::string status = kEnrolPaying;  // the status of the latest enrolment
  std::vector<Enrolment> enrolments;  // in order of `from`
};

// Why a register changed: the case and event (or the import batch) and when.
struct Cause {
  std::string source;  // case number, or "import:<batch id>"
  int event_seq = 0;   // the event of the case (0 for an import)
  int64_t at = 0;
};

// One change of a unit or person: field → {before, after}.
struct HistoryEntry {
  int64_t at = 0;
  std::string source;  // case number or import batch
  nlohmann::json changes = nlohmann::json::object();
};

struct AccountEntry {
  int64_t at = 0;
  int64_t amount_fen = 0;  // credit > 0, debit < 0
  std::string kind;        // 划入 | 支取 | 转出 …
  std::string source;      // case number or import batch
};

struct Account {
  std::string region, id_no;
  std::string status;       // 正常 | 已销户
  int64_t balance_fen = 0;  // derived: the sum of the entries
};

// One payment of the ledger, booked by the event that paid it. An event pays once (line 0), or
// a run pays several payees at one event (待遇支付: lines 1..n of its 结算单).
struct Payment {
  std::string region, case_no;
  int event_seq = 0;
  int line = 0;
  std::string payee_kind;  // unit | person | heir | institution
  std::string payee;       // name
  std::string payee_account;
  int64_t amount_fen = 0;
  std::string purpose;
  int64_t at = 0;
  std::string month;  // YYYY-MM of `at` in Asia/Shanghai
};

// A reimbursement paid: what the year-to-date figures of the next claim count.
struct Claim {
  std::string region, id_no, case_no;
  int year = 0;
  int64_t total_fen = 0, fund_fen = 0, serious_illness_fen = 0, assistance_fen = 0;
  int64_t deductible_fen = 0;  // the part of the deductible this claim used
  std::string admission;       // admission / visit date of the claim
  // What the claimant bore of the eligible expenses (the base of the 大病 threshold over a year).
  int64_t personal_eligible_fen = 0;
};

struct YearToDate {
  int64_t fund_fen = 0, serious_illness_fen = 0, assistance_fen = 0, deductible_fen = 0;
  int64_t personal_eligible_fen = 0;
  int claims = 0;
};

// A premium (个人缴费) or a subsidy against it (资助) for one year.
struct PremiumEntry {
  std::string region, id_no;
  int year = 0;
  std::string kind;  // 个人缴费 | 资助
  int64_t amount_fen = 0;
  std::string source;
};

// An entry of the registers of Registers II: remote-care filings (备案), disease qualifications
// (认定), designated institutions and their agreements, maternity filings, transfers between
// regions, monthly settlements, wage declarations … Each area has its typed record and its rules in
// its own files (registers/<area>.hpp, effects/<area>.cpp) and stores it here: the columns every
// area searches by, and the rest as a JSON object. Every change is kept like a unit's or a
// person's (field → before / after, with its cause), and the rebuild replays entries like the rest.
struct RegisterEntry {
  std::string kind;    // the area: filing | qualification | institution | maternity | transfer …
  std::string region;  // 统筹区 whose register holds it
  std::string key;     // unique within (kind, region): filing number, institution code …
  std::string owner;   // whose it is: an ID number, a credit code, an institution code; "" none
  std::string status;  // the area's own words (有效 / 已撤销 / 已终止 …)
  std::string from, to;  // validity, "YYYY-MM-DD" (to "" = open-ended); "" when it has none
  nlohmann::json data = nlohmann::json::object();  // the area's other fields
};

struct EntryFilter {
  std::string kind, region;   // required
  std::string owner, status;  // "" = any
  int limit = 100, offset = 0;
};

class RegisterView {
 public:
  virtual ~RegisterView() = default;
  virtual Result<std::optional<Unit>> unit(const std::string& region,
                                           const std::string& credit_code) = 0;
  // With its enrolment periods.
  virtual Result<std::optional<Person>> person(const std::string& region,
                                               const std::string& id_no) = 0;
  virtual Result<std::optional<Account>> account(const std::string& region,
                                                 const std::string& id_no) = 0;
  virtual Result<YearToDate> claimsInYear(const std::string& region, const std::string& id_no,
                                          int year) = 0;
  virtual Result<std::vector<PremiumEntry>> premiums(const std::string& region,
                                                     const std::string& id_no, int year) = 0;
  virtual Result<std::optional<RegisterEntry>> entry(const std::string& kind,
                                                     const std::string& region,
                                                     const std::string& key) = 0;
  // In order of `from`, then key.
  virtual Result<std::vector<RegisterEntry>> entries(const EntryFilter& f) = 0;
};

class RegisterTx : public RegisterView {
 public:
  // Marks the event (or import batch) as applied; false when it already was, and then the caller
  // changes nothing: applying is idempotent per (case number, event sequence).
  virtual Result<bool> claim(const Cause& cause) = 0;
  // Inserts or replaces; the history entry holds every field that changed (before / after).
  virtual Result<void> putUnit(const Unit& u, const Cause& cause) = 0;
  // Inserts or replaces the person with their enrolment periods; history as for units.
  virtual Result<void> putPerson(const Person& p, const Cause& cause) = 0;
  // Opens the account on its first entry. A debit below zero fails (kConflict).
  virtual Result<void> addAccountEntry(const std::string& region, const std::string& id_no,
                                       const AccountEntry& e) = 0;
  // Only at balance zero (else kConflict).
  virtual Result<void> closeAccount(const std::string& region, const std::string& id_no,
                                    const Cause& cause) = 0;
  // Exactly once per (case number, event sequence, line): a second one fails (kConflict).
  virtual Result<void> addPayment(const Payment& p) = 0;
  virtual Result<void> addClaim(const Claim& c) = 0;
  virtual Result<void> addPremium(const PremiumEntry& e) = 0;
  // Inserts or replaces the entry (kind, region, key); the history entry holds what changed.
  virtual Result<void> putEntry(const RegisterEntry& e, const Cause& cause) = 0;
  // The next value (1, 2, 3 …) of a counter the registers own (an institution's code sequence):
  // cleared with the registers, so a rebuild that replays the events allocates the same numbers.
  virtual Result<int64_t> nextNumber(const std::string& name) = 0;
};

// What the register pages and endpoints read (staff only; the HTTP edge masks lists).
struct PaymentFilter {
  std::string region, month;  // month "YYYY-MM"
  int limit = 1000, offset = 0;
};
struct PersonFilter {
  std::string region, name, unit, insurance_type;
  int limit = 100, offset = 0;
};
struct UnitFilter {
  std::string region, name, status;
  int limit = 100, offset = 0;
};

class RegisterReads : public RegisterView {
 public:
  virtual Result<std::vector<HistoryEntry>> unitHistory(const std::string& region,
                                                        const std::string& credit_code) = 0;
  virtual Result<std::vector<HistoryEntry>> personHistory(const std::string& region,
                                                          const std::string& id_no) = 0;
  virtual Result<std::vector<AccountEntry>> accountEntries(const std::string& region,
                                                           const std::string& id_no) = 0;
  virtual Result<std::vector<Payment>> payments(const PaymentFilter& f) = 0;
  virtual Result<std::vector<Person>> persons(const PersonFilter& f) = 0;  // without enrolments
  virtual Result<std::vector<Unit>> units(const UnitFilter& f) = 0;
  virtual Result<std::vector<HistoryEntry>> entryHistory(const std::string& kind,
                                                         const std::string& region,
                                                         const std::string& key) = 0;
  // Every register as one canonical JSON document (sorted, without row ids): what the rebuild
  // test compares before and after replaying the events.
  virtual Result<nlohmann::json> dump() = 0;
  // The registers as of one moment, for a sequence of reads that belong together (an effect's
  // validation reads the person, the year's claims, qualifications …): an engine may answer all
  // of them from one read transaction. The view must not outlive this object. By default each
  // read goes through this object on its own.
  virtual std::unique_ptr<RegisterView> snapshot();
};

// Months between two "YYYY-MM" (inclusive) and helpers on them.
int monthIndex(const std::string& month);  // year*12 + (month-1); -1 when malformed
std::string monthText(int index);
// Contribution months of the periods with status 参保缴费 up to `until` ("YYYY-MM", inclusive)
// for periods still open.
int contributionMonths(const std::vector<Enrolment>& periods, const std::string& until);

}  // namespace jingban
