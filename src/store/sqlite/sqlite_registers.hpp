// Internal to the SQLite engine: the registers (units, persons, enrolments, accounts, payments,
// claims, premiums, the register log and import batches) on the tables of migration 4.
// SqliteRegisterTx writes on the writer connection inside the unit of work's savepoint;
// SqliteRegisterReads reads committed rows on the reader pool. Nothing outside store/sqlite/
// includes this.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "registers/registers.hpp"
#include "store/sqlite/db.hpp"
#include "store/store.hpp"

namespace jingban::sqlite {

// The registers inside the open write transaction (the committer's BEGIN IMMEDIATE … COMMIT).
class SqliteRegisterTx : public RegisterTx {
 public:
  explicit SqliteRegisterTx(Conn& w) : w_(w) {}

  Result<std::optional<Unit>> unit(const std::string& region,
                                   const std::string& credit_code) override;
  Result<std::optional<Person>> person(const std::string& region,
                                       const std::string& id_no) override;
  Result<std::optional<Account>> account(const std::string& region,
                                         const std::string& id_no) override;
  Result<YearToDate> claimsInYear(const std::string& region, const std::string& id_no,
                                  int year) override;
  Result<std::vector<PremiumEntry>> premiums(const std::string& region, const std::string& id_no,
                                             int year) override;
  Result<std::optional<RegisterEntry>> entry(const std::string& kind, const std::string& region,
                                             const std::string& key) override;
  Result<std::vector<RegisterEntry>> entries(const EntryFilter& f) override;

  Result<bool> claim(const Cause& cause) override;
  Result<void> putUnit(const Unit& u, const Cause& cause) override;
  Result<void> putPerson(const Person& p, const Cause& cause) override;
  Result<void> addAccountEntry(const std::string& region, const std::string& id_no,
                               const AccountEntry& e) override;
  Result<void> closeAccount(const std::string& region, const std::string& id_no,
                            const Cause& cause) override;
  Result<void> addPayment(const Payment& p) override;
  Result<void> addClaim(const Claim& c) override;
  Result<void> addPremium(const PremiumEntry& e) override;
  Result<void> putEntry(const RegisterEntry& e, const Cause& cause) override;
  Result<int64_t> nextNumber(const std::string& name) override;

  Result<void> putImportBatch(const ImportBatch& b);
  Result<void> clearRegisters();

 private:
  Conn& w_;
};

// A reader connection borrowed from the store's pool; returned when the last copy goes.
using BorrowConn = std::function<std::shared_ptr<Conn>()>;

// The registers as committed, each call on a borrowed reader connection (and, where a call reads
// more than one table, inside one read transaction: one consistent snapshot).
class SqliteRegisterReads : public RegisterReads {
 public:
  explicit SqliteRegisterReads(BorrowConn borrow) : borrow_(std::move(borrow)) {}

  // One reader connection in one read transaction (BEGIN … COMMIT) for the view's life: one
  // snapshot of the registers, and one WAL read lock and page-cache refresh instead of one per
  // read (a connection drops its page cache whenever another has committed since its last read).
  std::unique_ptr<RegisterView> snapshot() override;

  Result<std::optional<Unit>> unit(const std::string& region,
                                   const std::string& credit_code) override;
  Result<std::optional<Person>> person(const std::string& region,
                                       const std::string& id_no) override;
  Result<std::optional<Account>> account(const std::string& region,
                                         const std::string& id_no) override;
  Result<YearToDate> claimsInYear(const std::string& region, const std::string& id_no,
                                  int year) override;
  Result<std::vector<PremiumEntry>> premiums(const std::string& region, const std::string& id_no,
                                             int year) override;
  Result<std::vector<HistoryEntry>> unitHistory(const std::string& region,
                                                const std::string& credit_code) override;
  Result<std::vector<HistoryEntry>> personHistory(const std::string& region,
                                                  const std::string& id_no) override;
  Result<std::vector<AccountEntry>> accountEntries(const std::string& region,
                                                   const std::string& id_no) override;
  Result<std::vector<Payment>> payments(const PaymentFilter& f) override;
  Result<std::vector<Person>> persons(const PersonFilter& f) override;
  Result<std::vector<Unit>> units(const UnitFilter& f) override;
  Result<std::optional<RegisterEntry>> entry(const std::string& kind, const std::string& region,
                                             const std::string& key) override;
  Result<std::vector<RegisterEntry>> entries(const EntryFilter& f) override;
  Result<std::vector<HistoryEntry>> entryHistory(const std::string& kind, const std::string& region,
                                                 const std::string& key) override;
  Result<nlohmann::json> dump() override;

  Result<std::vector<Cause>> registerLog();
  Result<std::optional<ImportBatch>> importBatch(const std::string& batch_id);

 private:
  BorrowConn borrow_;
};

// What `jingban verify` reports about the registers: every account balance is at least zero and
// every payment's case exists. One line per problem; empty when all is well.
Result<std::vector<std::string>> checkRegisters(Conn& c);

}  // namespace jingban::sqlite
