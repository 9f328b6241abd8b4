// The batch enrolment of residents: the CSV reader (header, BOM, CRLF, quotes, caps), the row
// checks, and the unit of work (all rows or none, the register check inside it, the stored batch
// re-applied) on an in-memory store.
#include "effects/resident_import.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "store/committer.hpp"
#include "store/store.hpp"

namespace jingban {
namespace {

// A valid 公民身份号码 for `seq` (0–999) born on `birth`.
std::string citizenId(int seq, const char* birth = "19900101", const char* area = "630102") {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  char body[18];
  std::snprintf(body, sizeof body, "%s%s%03d", area, birth, seq % 1000);
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * kWeights[i];
  return std::string(body) + "10X98765432"[sum % 11];
}

// The same number with a wrong check digit.
std::string badCheck(int seq) {
  std::string id = citizenId(seq);
  id[17] = id[17] == '0' ? '1' : '0';
  return id;
}

const std::string kHeader = "id_no,name,phone,identity\n";

ResidentFile parsed(const std::string& body, ImportCaps caps = {}) {
  auto f = parseResidentCsv(body, caps);
  EXPECT_TRUE(f.has_value()) << (f ? "" : f.error().message);
  return f ? *f : ResidentFile{};
}

TEST(ResidentCsv, HeaderMustBeExact) {
  for (const char* body : {"", "\n", "id_no,name,phone\n", "ID_NO,name,phone,identity\n",
                           "id_no;name;phone;identity\n", "id_no,name,phone,identity,extra\n",
                           "\"id_no\"x,name,phone,identity\n"}) {
    auto f = parseResidentCsv(body);
    ASSERT_FALSE(f.has_value()) << body;
    EXPECT_EQ(f.error().slug, "csv_header") << body;
    EXPECT_EQ(f.error().code, ErrorCode::kUnprocessable);
    EXPECT_NE(f.error().message.find("id_no,name,phone,identity"), std::string::npos);
  }
  // The header alone is a file with no rows; quoting a header field is allowed by RFC 4180.
  EXPECT_TRUE(parsed(kHeader).rows.empty());
  EXPECT_TRUE(parsed("\"id_no\",name,phone,identity").rows.empty());
}

TEST(ResidentCsv, BomCrlfAndBlankLines) {
  std::string body =
      "\xEF\xBB\xBF"
      "id_no,name,phone,identity\r\n" +
      citizenId(1) + ",张三,13800000001,\r\n\r\n" + citizenId(2) + ",李四,,低保";
  auto f = parsed(body);
  ASSERT_EQ(f.rows.size(), 2u);
  EXPECT_TRUE(f.rejected.empty());
  EXPECT_EQ(f.rows[0].row, 2);
  EXPECT_EQ(f.rows[0].name, "张三");
  EXPECT_EQ(f.rows[0].phone, "13800000001");
  EXPECT_EQ(f.rows[0].identity, "");
  // Row numbers count the blank line, as a spreadsheet shows it.
  EXPECT_EQ(f.rows[1].row, 4);
  EXPECT_EQ(f.rows[1].identity, "低保");
  EXPECT_EQ(f.rows[1].phone, "");
}

TEST(ResidentCsv, QuotedFields) {
  std::string body = kHeader + "\"" + citizenId(1) +
                     "\",\"王\"\"五\"\"\",\"138 0000 0002\",\"特困\"\n" + citizenId(2) +
                     ",\"赵,六\",,\n";
  auto f = parsed(body);
  ASSERT_EQ(f.rows.size(), 2u);
  EXPECT_EQ(f.rows[0].name, "王\"五\"");
  EXPECT_EQ(f.rows[0].phone, "13800000002");
  EXPECT_EQ(f.rows[0].identity, "特困");
  EXPECT_EQ(f.rows[1].name, "赵,六");
}

TEST(ResidentCsv, BadQuotesRejectTheRowOrTheFile) {
  std::string body = kHeader + citizenId(1) + ",张\"三,,\n" + "\"" + citizenId(2) + "\"x,李四,,\n" +
                     citizenId(3) + ",\"王\n五\",,\n" + citizenId(4) + ",赵六,,\n";
  auto f = parsed(body);
  ASSERT_EQ(f.rejected.size(), 3u);
  EXPECT_EQ(f.rejected[0].row, 2);
  EXPECT_NE(f.rejected[0].reason.find("引号"), std::string::npos);
  EXPECT_EQ(f.rejected[1].row, 3);
  EXPECT_NE(f.rejected[1].reason.find("引号后"), std::string::npos);
  // A line break inside quotes is read (one record), and a name may not hold one.
  EXPECT_EQ(f.rejected[2].row, 4);
  ASSERT_EQ(f.rows.size(), 1u);
  EXPECT_EQ(f.rows[0].row, 5);

  auto open = parseResidentCsv(kHeader + citizenId(1) + ",张三,,\n" + citizenId(2) + ",\"李四,,\n");
  ASSERT_FALSE(open.has_value());
  EXPECT_EQ(open.error().slug, "invalid_csv");
  EXPECT_NE(open.error().message.find("第 3 行"), std::string::npos);
}

TEST(ResidentCsv, NotUtf8IsRefusedWhole) {
  // "张三" in GBK: what Excel writes when the file is saved as plain CSV.
  auto f = parseResidentCsv(kHeader + citizenId(1) + ",\xD5\xC5\xC8\xFD,,\n");
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().slug, "not_utf8");
  EXPECT_NE(f.error().message.find("第 2 行"), std::string::npos);
}

TEST(ResidentCsv, Caps) {
  ImportCaps caps;
  caps.max_rows = 2;
  std::string two = kHeader + citizenId(1) + ",甲,,\n\n" + citizenId(2) + ",乙,,\n";
  EXPECT_EQ(parsed(two, caps).rows.size(), 2u);  // the blank line is not a row
  auto over = parseResidentCsv(two + citizenId(3) + ",丙,,\n", caps);
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error().slug, "too_many_rows");

  caps = ImportCaps{};
  caps.max_field_chars = 10;
  auto f = parsed(kHeader + citizenId(1) + "," + std::string(300, 'a') + ",,\n");
  ASSERT_TRUE(f.rows.empty());
  ASSERT_EQ(f.rejected.size(), 1u);
}

TEST(ResidentCsv, RowChecks) {
  std::string name51;
  for (int i = 0; i < 51; ++i) name51 += "名";
  // A number whose check character is X, written in lower case.
  int x_seq = 0;
  while (citizenId(x_seq).back() != 'X') ++x_seq;
  std::string lower_x = citizenId(x_seq);
  lower_x.back() = 'x';
  std::string body = kHeader + badCheck(1) + ",甲,,\n" +     // 2
                     citizenId(2) + ",,,\n" +                // 3
                     citizenId(3) + "," + name51 + ",,\n" +  // 4
                     citizenId(4) + ",丁,12345,\n" +         // 5
                     citizenId(5) + ",戊,,富人\n" +          // 6
                     citizenId(6) + ",己,,普通居民\n" +      // 7
                     citizenId(6) + ",己二,,\n" +            // 8 duplicate of 7
                     citizenId(7) + ",庚\n" +                // 9 columns
                     "abc,辛,,\n" +                          // 10
                     lower_x + ",壬,,重度残疾\n";            // 11
  auto f = parsed(body);
  std::map<int64_t, RejectedRow> by_row;
  for (const auto& r : f.rejected) by_row[r.row] = r;
  EXPECT_NE(by_row[2].reason.find("公民身份号码无效"), std::string::npos);
  EXPECT_EQ(by_row[2].id_no, badCheck(1).substr(0, 6) + "********" + badCheck(1).substr(14));
  EXPECT_NE(by_row[3].reason.find("缺少姓名"), std::string::npos);
  EXPECT_NE(by_row[4].reason.find("姓名"), std::string::npos);
  EXPECT_NE(by_row[5].reason.find("联系电话"), std::string::npos);
  EXPECT_NE(by_row[6].reason.find("人员身份"), std::string::npos);
  EXPECT_NE(by_row[8].reason.find("与第 7 行"), std::string::npos);
  EXPECT_NE(by_row[9].reason.find("应有 4 列"), std::string::npos);
  EXPECT_EQ(by_row[10].id_no, "");  // not an ID number: nothing of it is echoed
  EXPECT_EQ(by_row.size(), 8u);
  std::set<int64_t> accepted;
  for (const auto& r : f.rows) accepted.insert(r.row);
  EXPECT_EQ(accepted, (std::set<int64_t>{7, 11}));
  EXPECT_EQ(f.rows.back().id_no, citizenId(x_seq));  // normalised (upper case)
  EXPECT_EQ(f.rows.back().identity, "重度残疾");
  // Rejections are in row order and never show a whole ID number.
  for (size_t i = 1; i < f.rejected.size(); ++i)
    EXPECT_LT(f.rejected[i - 1].row, f.rejected[i].row);
  for (const auto& r : f.rejected) EXPECT_EQ(r.id_no.find(citizenId(6)), std::string::npos);
}

TEST(ResidentPerson, DerivedFieldsAndEarlierPeriods) {
  ResidentRow row{2, "11010519491231002X", "张三", "13800000001", "低保"};
  Person p = residentPerson("qinghai", row, "2026-03", std::nullopt);
  EXPECT_EQ(p.sex, "女");
  EXPECT_EQ(p.birth_date, "1949-12-31");
  EXPECT_EQ(p.insurance_type, "城乡居民");
  EXPECT_EQ(p.status, kEnrolPaying);
  EXPECT_EQ(p.identities, std::vector<std::string>{"低保"});
  ASSERT_EQ(p.enrolments.size(), 1u);
  EXPECT_EQ(p.enrolments[0].from, "2026-03");
  EXPECT_EQ(p.enrolments[0].to, "");

  Person before = p;
  before.enrolments = {{"2010-01", "2020-12", kEnrolEnded, "职工", "91630100MA0000001X"}};
  before.identities = {"港澳台", "特困"};
  before.insurance_type = "职工";
  EXPECT_FALSE(enrolledAt(before, "2026-03"));
  before.enrolments[0].status = kEnrolPaying;
  EXPECT_FALSE(enrolledAt(before, "2026-03"));  // ended before the start month
  before.enrolments[0].to = "2026-05";
  EXPECT_TRUE(enrolledAt(before, "2026-03"));  // still runs at the start month
  before.enrolments[0].to = "2020-12";
  row.identity = "";
  Person again = residentPerson("qinghai", row, "2026-03", before);
  ASSERT_EQ(again.enrolments.size(), 2u);
  EXPECT_EQ(again.enrolments[0].from, "2010-01");
  EXPECT_EQ(again.enrolments[1].from, "2026-03");
  EXPECT_EQ(again.identities, std::vector<std::string>{"港澳台"});
  EXPECT_EQ(again.insurance_type, "城乡居民");
}

// ---- an in-memory store: enough of Tx / Store for a unit of work ----------------------------

struct Registers {
  std::map<std::string, Person> persons;  // region|id → person
  std::set<std::string> claimed;
  std::map<std::string, ImportBatch> batches;
  std::map<std::string, int64_t> sequences;
};

class MemRegisters : public RegisterTx {
 public:
  explicit MemRegisters(Registers& r) : r_(r) {}
  std::string fail_on;  // putPerson of this ID number fails (a storage error mid-batch)
  Result<std::optional<Unit>> unit(const std::string&, const std::string&) override {
    return std::nullopt;
  }
  Result<std::optional<Person>> person(const std::string& region,
                                       const std::string& id_no) override {
    auto it = r_.persons.find(region + "|" + id_no);
    if (it == r_.persons.end()) return std::nullopt;
    return it->second;
  }
  Result<std::optional<Account>> account(const std::string&, const std::string&) override {
    return std::nullopt;
  }
  Result<YearToDate> claimsInYear(const std::string&, const std::string&, int) override {
    return YearToDate{};
  }
  Result<std::vector<PremiumEntry>> premiums(const std::string&, const std::string&, int) override {
    return std::vector<PremiumEntry>{};
  }
  // Entries are not what these tests are about: none exist, and none may be written.
  Result<std::optional<RegisterEntry>> entry(const std::string&, const std::string&,
                                             const std::string&) override {
    return std::optional<RegisterEntry>();
  }
  Result<std::vector<RegisterEntry>> entries(const EntryFilter&) override {
    return std::vector<RegisterEntry>{};
  }
  Result<void> putEntry(const RegisterEntry&, const Cause&) override {
    return fail(ErrorCode::kInternal, "unexpected_entry", "unexpected entry write");
  }
  Result<int64_t> nextNumber(const std::string&) override {
    return fail(ErrorCode::kInternal, "unexpected_number", "unexpected number");
  }
  Result<bool> claim(const Cause& c) override {
    return r_.claimed.insert(c.source + "#" + std::to_string(c.event_seq)).second;
  }
  Result<void> putUnit(const Unit&, const Cause&) override { return {}; }
  Result<void> putPerson(const Person& p, const Cause&) override {
    if (p.id_no == fail_on) return fail(ErrorCode::kUnavailable, "storage_unavailable", "磁盘故障");
    r_.persons[p.region + "|" + p.id_no] = p;
    return {};
  }
  Result<void> addAccountEntry(const std::string&, const std::string&,
                               const AccountEntry&) override {
    return {};
  }
  Result<void> closeAccount(const std::string&, const std::string&, const Cause&) override {
    return {};
  }
  Result<void> addPayment(const Payment&) override { return {}; }
  Result<void> addClaim(const Claim&) override { return {}; }
  Result<void> addPremium(const PremiumEntry&) override { return {}; }

 private:
  Registers& r_;
};

class MemTx : public Tx {
 public:
  MemTx(Registers& r, MemRegisters& reg) : r_(r), reg_(reg) {}
  Result<int64_t> nextSequence(const std::string& name) override { return ++r_.sequences[name]; }
  Result<void> insertCase(const CaseRow&) override { return {}; }
  Result<void> updateCase(const CaseRow&, int, bool) override { return {}; }
  Result<void> appendEvents(const std::string&, std::span<const Event>,
                            std::span<const std::string>) override {
    return {};
  }
  Result<void> putIdempotency(const IdempotencyRecord&) override { return {}; }
  RegisterTx& registers() override { return reg_; }
  Result<void> putImportBatch(const ImportBatch& b) override {
    r_.batches[b.batch_id] = b;
    return {};
  }
  Result<void> clearRegisters() override { return {}; }
  Result<void> recordRead(int64_t, const std::string&, const std::string&,
                          const std::string&) override {
    return {};
  }

 private:
  Registers& r_;
  MemRegisters& reg_;
};

// Each unit runs on a copy of the registers, kept only when it succeeds (a savepoint).
class MemStore : public Store {
 public:
  Registers data;
  std::string fail_on;
  void setCommitListener(CommitListener) override {}
  void runBatch(std::vector<UnitOfWork>& units, std::vector<Result<void>>& results) override {
    results.clear();
    for (auto& u : units) {
      Registers copy = data;
      MemRegisters reg(copy);
      reg.fail_on = fail_on;
      MemTx tx(copy, reg);
      auto r = u(tx);
      if (r) data = std::move(copy);
      results.push_back(r);
    }
  }
  Result<std::optional<CaseState>> loadCase(const std::string&) override { return std::nullopt; }
  Result<std::vector<CaseState>> listCases(const CaseFilter&) override {
    return std::vector<CaseState>{};
  }
  Result<std::optional<IdempotencyRecord>> idempotency(const std::string&) override {
    return std::nullopt;
  }
  RegisterReads& registers() override { std::abort(); }
  Result<std::vector<Cause>> registerLog() override { return std::vector<Cause>{}; }
  Result<std::optional<ImportBatch>> importBatch(const std::string&) override {
    return std::nullopt;
  }
  Result<int64_t> countCases(const CaseFilter&) override { return 0; }
};

Result<ImportReport> runImport(MemStore& store, const std::string& body,
                               const std::string& start_month = "") {
  auto file = parseResidentCsv(body);
  if (!file) return std::unexpected(file.error());
  Result<ImportReport> out = std::unexpected(Error{});
  Committer committer(store);
  // 2026-03-10 10:00 Beijing time.
  importResidents(committer, {"qinghai", "tester", 1773108000, start_month}, std::move(*file),
                  [&out](Result<ImportReport> r) { out = std::move(r); });
  committer.stop();
  return out;
}

TEST(ResidentImport, AcceptedRowsAreEnrolledAndStoredAsTheBatch) {
  MemStore store;
  std::string body = kHeader + citizenId(1) + ",张三,13800000001,\n" + badCheck(2) + ",李四,,\n" +
                     citizenId(3) + ",\"王,五\",,特困\n" + citizenId(1) + ",张三,,\n";
  auto r = runImport(store, body);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->batch_id, "qinghai-20260310-000001");
  EXPECT_EQ(r->accepted, 2);
  ASSERT_EQ(r->rejected.size(), 2u);
  EXPECT_EQ(r->rejected[0].row, 3);
  EXPECT_EQ(r->rejected[1].row, 5);
  const Person& p = store.data.persons.at("qinghai|" + citizenId(3));
  EXPECT_EQ(p.name, "王,五");
  EXPECT_EQ(p.enrolments.at(0).from, "2026-03");
  EXPECT_EQ(p.identities, std::vector<std::string>{"特困"});
  const ImportBatch& b = store.data.batches.at(r->batch_id);
  EXPECT_EQ(b.rows, "id_no,name,phone,identity,start_month\n" + citizenId(1) +
                        ",张三,13800000001,,2026-03\n" + citizenId(3) +
                        ",\"王,五\",,特困,2026-03\n");
  EXPECT_EQ(b.accepted, 2);
  EXPECT_EQ(b.rejected, 2);
  EXPECT_EQ(b.actor, "tester");
  EXPECT_TRUE(store.data.claimed.count("import:" + r->batch_id + "#0"));

  // Again: the enrolled persons are rejected, with the reason, and the id moves on.
  auto again = runImport(store, kHeader + citizenId(1) + ",张三,,\n" + citizenId(4) + ",赵六,,\n");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->batch_id, "qinghai-20260310-000002");
  EXPECT_EQ(again->accepted, 1);
  ASSERT_EQ(again->rejected.size(), 1u);
  EXPECT_EQ(again->rejected[0].row, 2);
  EXPECT_NE(again->rejected[0].reason.find("已在本统筹区参保"), std::string::npos);
  EXPECT_EQ(store.data.batches.at(again->batch_id).rows.find(citizenId(1)), std::string::npos);

  // An explicit start month is used for the period and kept in the batch.
  auto later = runImport(store, kHeader + citizenId(5) + ",钱七,,\n", "2026-07");
  ASSERT_TRUE(later.has_value());
  EXPECT_EQ(store.data.persons.at("qinghai|" + citizenId(5)).enrolments.at(0).from, "2026-07");
}

TEST(ResidentImport, AFailureWritesNothing) {
  MemStore store;
  store.fail_on = citizenId(3);
  auto r = runImport(store, kHeader + citizenId(1) + ",甲,,\n" + citizenId(2) + ",乙,,\n" +
                                citizenId(3) + ",丙,,\n");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().slug, "storage_unavailable");
  EXPECT_TRUE(store.data.persons.empty());
  EXPECT_TRUE(store.data.batches.empty());
  EXPECT_TRUE(store.data.claimed.empty());
}

TEST(ResidentImport, AStoredBatchReappliesToTheSameRegisters) {
  MemStore store;
  auto r = runImport(store, kHeader + citizenId(1) + ",甲,13800000001,低保\n" + citizenId(2) +
                                ",\"乙\"\"二\",,\n");
  ASSERT_TRUE(r.has_value());
  const ImportBatch batch = store.data.batches.at(r->batch_id);

  Registers fresh;
  MemRegisters reg(fresh);
  auto n = applyResidentBatch(batch, reg);
  ASSERT_TRUE(n.has_value()) << n.error().message;
  EXPECT_EQ(*n, 2);
  for (const auto& [key, p] : store.data.persons) {
    const Person& q = fresh.persons.at(key);
    EXPECT_EQ(q.name, p.name);
    EXPECT_EQ(q.phone, p.phone);
    EXPECT_EQ(q.identities, p.identities);
    EXPECT_EQ(q.enrolments.size(), p.enrolments.size());
    EXPECT_EQ(q.enrolments.at(0).from, p.enrolments.at(0).from);
  }
  // Claimed: a second application changes nothing.
  auto twice = applyResidentBatch(batch, reg);
  ASSERT_TRUE(twice.has_value());
  EXPECT_EQ(*twice, 0);

  // Registers that already hold the person (not what the batch was made on): refused.
  Registers other;
  MemRegisters reg2(other);
  other.persons = fresh.persons;
  auto clash = applyResidentBatch(batch, reg2);
  ASSERT_FALSE(clash.has_value());
  EXPECT_EQ(clash.error().slug, "already_enrolled");

  ImportBatch damaged = batch;
  damaged.batch_id += "-x";
  damaged.rows = "id_no,name\n1,2\n";
  Registers empty;
  MemRegisters reg3(empty);
  auto bad = applyResidentBatch(damaged, reg3);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().slug, "import_batch_damaged");
}

TEST(ResidentImport, ReportJson) {
  ImportReport r{"qinghai-20260310-000001", 3, {{4, "630102********0012", "原因"}}};
  auto j = importReportJson(r);
  EXPECT_EQ(j["batch_id"], "qinghai-20260310-000001");
  EXPECT_EQ(j["accepted"], 3);
  EXPECT_EQ(j["rejected"][0]["row"], 4);
  EXPECT_EQ(j["rejected"][0]["id_no"], "630102********0012");
  EXPECT_EQ(j["rejected"][0]["reason"], "原因");
}

}  // namespace
}  // namespace jingban
