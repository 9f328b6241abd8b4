#include "store/sqlite/sqlite_registers.hpp"

#include <cstdio>
#include <functional>
#include <map>
#include <string_view>

#include "common/money.hpp"
#include "common/text.hpp"

namespace jingban::sqlite {

namespace {

using nlohmann::json;

constexpr const char* kAccountOpen = "正常";
constexpr const char* kAccountClosed = "已销户";

Error unavailable() {
  return Error{ErrorCode::kUnavailable, "storage_unavailable", "数据存储暂不可用，请稍后重试"};
}

std::unexpected<Error> prepError(Conn& c) { return std::unexpected(dbError(c.db, "准备语句")); }

// A read transaction on a reader connection: the statements of one call see one snapshot.
class ReadTxn {
 public:
  explicit ReadTxn(Conn& c) : c_(c), open_(c.run("BEGIN")) {}
  ~ReadTxn() {
    if (open_) c_.run("COMMIT");
  }
  bool ok() const { return open_; }

 private:
  Conn& c_;
  bool open_;
};

// ---- JSON of history entries -----------------------------------------------------------------

// Appends `s` as a JSON string. False on malformed UTF-8 (the history could not be read back).
bool appendJson(std::string& out, std::string_view s) {
  if (!validUtf8(s)) return false;
  out += '"';
  for (unsigned char ch : s) {
    if (ch == '"') {
      out += "\\\"";
    } else if (ch == '\\') {
      out += "\\\\";
    } else if (ch < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", ch);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
  out += '"';
  return true;
}

Error badText() {
  return Error{ErrorCode::kBadRequest, "invalid_text", "登记信息含有无效字符（须为 UTF-8 文本）"};
}

json enrolmentJson(const Enrolment& e) {
  return json{{"from", e.from},
              {"to", e.to},
              {"status", e.status},
              {"insurance_type", e.insurance_type},
              {"unit", e.unit}};
}

json enrolmentsJson(const std::vector<Enrolment>& es) {
  json a = json::array();
  for (const auto& e : es) a.push_back(enrolmentJson(e));
  return a;
}

// The fields a person's history tracks (the key, region and id_no, is not a change).
json personFields(const Person& p) {
  return json{{"name", p.name},
              {"sex", p.sex},
              {"birth_date", p.birth_date},
              {"insurance_type", p.insurance_type},
              {"unit", p.unit},
              {"employment", p.employment},
              {"contribution_base_fen", p.contribution_base_fen},
              {"identities", p.identities},
              {"phone", p.phone},
              {"status", p.status},
              {"enrolments", enrolmentsJson(p.enrolments)}};
}

json unitFields(const Unit& u) {
  return json{{"name", u.name},       {"type", u.type},
              {"address", u.address}, {"legal_representative", u.legal_representative},
              {"phone", u.phone},     {"bank_account", u.bank_account},
              {"status", u.status}};
}

bool emptyValue(const json& v) {
  if (v.is_string()) return v.get_ref<const std::string&>().empty();
  if (v.is_number_integer()) return v.get<int64_t>() == 0;
  if (v.is_array() || v.is_object()) return v.empty();
  return v.is_null();
}

// field → {before, after} for every field that differs.
json diffFields(const json& before, const json& after) {
  json changes = json::object();
  for (auto it = after.begin(); it != after.end(); ++it) {
    const json& old = before.at(it.key());
    if (old != *it) changes[it.key()] = json{{"before", old}, {"after", *it}};
  }
  return changes;
}

// A created row's history entry is stored as its non-empty values only ({field: value}, less
// than half the size of {field: {before: null, after: value}}: the resident import writes one
// per person); reads expand it back.
json createdValues(const json& after) {
  json out = json::object();
  for (auto it = after.begin(); it != after.end(); ++it)
    if (!emptyValue(*it)) out[it.key()] = *it;
  return out;
}

json storedChanges(bool created, const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (!created || !j.is_object()) return j;
  json out = json::object();
  for (auto it = j.begin(); it != j.end(); ++it)
    out[it.key()] = json{{"before", nullptr}, {"after", *it}};
  return out;
}

std::string dumpJson(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The history entry of a new person in its stored form (createdValues), written without building
// a json tree: the 1,000,000-row resident import takes this path once per row.
bool newPersonChanges(const Person& p, std::string& out) {
  out.clear();
  out += '{';
  bool first = true;
  auto key = [&](const char* k) {
    if (!first) out += ',';
    first = false;
    out += '"';
    out += k;
    out += "\":";
  };
  auto text = [&](const char* k, const std::string& v) {
    if (v.empty()) return true;
    key(k);
    return appendJson(out, v);
  };
  if (!text("name", p.name) || !text("sex", p.sex) || !text("birth_date", p.birth_date) ||
      !text("insurance_type", p.insurance_type) || !text("unit", p.unit) ||
      !text("employment", p.employment) || !text("phone", p.phone) || !text("status", p.status))
    return false;
  if (p.contribution_base_fen != 0) {
    key("contribution_base_fen");
    out += std::to_string(p.contribution_base_fen);
  }
  if (!p.identities.empty()) {
    key("identities");
    out += '[';
    for (size_t i = 0; i < p.identities.size(); ++i) {
      if (i) out += ',';
      if (!appendJson(out, p.identities[i])) return false;
    }
    out += ']';
  }
  if (!p.enrolments.empty()) {
    key("enrolments");
    out += '[';
    for (size_t i = 0; i < p.enrolments.size(); ++i) {
      const Enrolment& e = p.enrolments[i];
      if (i) out += ',';
      out += "{\"from\":";
      if (!appendJson(out, e.from)) return false;
      out += ",\"insurance_type\":";
      if (!appendJson(out, e.insurance_type)) return false;
      out += ",\"status\":";
      if (!appendJson(out, e.status)) return false;
      out += ",\"to\":";
      if (!appendJson(out, e.to)) return false;
      out += ",\"unit\":";
      if (!appendJson(out, e.unit)) return false;
      out += '}';
    }
    out += ']';
  }
  out += '}';
  return true;
}

std::string identitiesText(const std::vector<std::string>& ids, bool& ok) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    if (!appendJson(out, ids[i])) ok = false;
  }
  out += ']';
  return out;
}

std::vector<std::string> identitiesFrom(const std::string& text) {
  std::vector<std::string> out;
  json a = json::parse(text, nullptr, false);
  if (!a.is_array()) return out;
  for (const auto& v : a)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

// ---- row mappings --------------------------------------------------------------------------

#define UNIT_COLS \
  "region,credit_code,name,type,address,legal_representative,phone,bank_account,status"

Unit unitFrom(const Stmt& q) {
  Unit u;
  u.region = q.text(0);
  u.credit_code = q.text(1);
  u.name = q.text(2);
  u.type = q.text(3);
  u.address = q.text(4);
  u.legal_representative = q.text(5);
  u.phone = q.text(6);
  u.bank_account = q.text(7);
  u.status = q.text(8);
  return u;
}

#define PERSON_COLS                                                                        \
  "region,id_no,name,sex,birth_date,insurance_type,unit,employment,contribution_base_fen," \
  "identities,phone,status"

Person personFrom(const Stmt& q) {
  Person p;
  p.region = q.text(0);
  p.id_no = q.text(1);
  p.name = q.text(2);
  p.sex = q.text(3);
  p.birth_date = q.text(4);
  p.insurance_type = q.text(5);
  p.unit = q.text(6);
  p.employment = q.text(7);
  p.contribution_base_fen = q.integer(8);
  p.identities = identitiesFrom(q.text(9));
  p.phone = q.text(10);
  p.status = q.text(11);
  return p;
}

#define PAYMENT_COLS \
  "region,case_no,event_seq,line,payee_kind,payee,payee_account,amount_fen,purpose,at,month"

Payment paymentFrom(const Stmt& q) {
  Payment p;
  p.region = q.text(0);
  p.case_no = q.text(1);
  p.event_seq = static_cast<int>(q.integer(2));
  p.line = static_cast<int>(q.integer(3));
  p.payee_kind = q.text(4);
  p.payee = q.text(5);
  p.payee_account = q.text(6);
  p.amount_fen = q.integer(7);
  p.purpose = q.text(8);
  p.at = q.integer(9);
  p.month = q.text(10);
  return p;
}

json paymentJson(const Payment& p) {
  return json{{"region", p.region},
              {"case_no", p.case_no},
              {"event_seq", p.event_seq},
              {"line", p.line},
              {"payee_kind", p.payee_kind},
              {"payee", p.payee},
              {"payee_account", p.payee_account},
              {"amount_fen", p.amount_fen},
              {"purpose", p.purpose},
              {"at", p.at},
              {"month", p.month}};
}

json unitJson(const Unit& u) {
  json j = unitFields(u);
  j["region"] = u.region;
  j["credit_code"] = u.credit_code;
  return j;
}

json personJson(const Person& p) {
  json j = personFields(p);
  j["region"] = p.region;
  j["id_no"] = p.id_no;
  return j;
}

// ---- reads shared by the write transaction and the readers --------------------------------

Result<std::optional<Unit>> readUnit(Conn& c, const std::string& region, const std::string& code) {
  Stmt q = c.prepare("SELECT " UNIT_COLS " FROM units WHERE region=? AND credit_code=?");
  if (!q.ok()) return prepError(c);
  q.bind(1, region).bind(2, code);
  int rc = q.step();
  if (rc == SQLITE_DONE) return std::optional<Unit>();
  if (rc != SQLITE_ROW) return std::unexpected(dbError(c.db, "读取参保单位"));
  return std::optional<Unit>(unitFrom(q));
}

Result<std::optional<Person>> readPersonRow(Conn& c, const std::string& region,
                                            const std::string& id_no) {
  Stmt q = c.prepare("SELECT " PERSON_COLS " FROM persons WHERE region=? AND id_no=?");
  if (!q.ok()) return prepError(c);
  q.bind(1, region).bind(2, id_no);
  int rc = q.step();
  if (rc == SQLITE_DONE) return std::optional<Person>();
  if (rc != SQLITE_ROW) return std::unexpected(dbError(c.db, "读取参保人员"));
  return std::optional<Person>(personFrom(q));
}

Result<std::vector<Enrolment>> readEnrolments(Conn& c, const std::string& region,
                                              const std::string& id_no) {
  Stmt q = c.prepare(
      "SELECT from_month,to_month,status,insurance_type,unit FROM enrolments "
      "WHERE region=? AND id_no=? ORDER BY idx");
  if (!q.ok()) return prepError(c);
  q.bind(1, region).bind(2, id_no);
  std::vector<Enrolment> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW)
    out.push_back(Enrolment{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4)});
  if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "读取参保期间"));
  return out;
}

Result<std::optional<Person>> readPerson(Conn& c, const std::string& region,
                                         const std::string& id_no) {
  auto p = readPersonRow(c, region, id_no);
  if (!p || !*p) return p;
  auto e = readEnrolments(c, region, id_no);
  if (!e) return std::unexpected(e.error());
  (*p)->enrolments = std::move(*e);
  return p;
}

// The balance is the sum of the entries, never stored. SQLite's SUM fails on overflow.
Result<int64_t> readBalance(Conn& c, const std::string& region, const std::string& id_no) {
  Stmt q = c.prepare(
      "SELECT coalesce(sum(amount_fen),0) FROM account_entries WHERE region=? AND id_no=?");
  if (!q.ok()) return prepError(c);
  q.bind(1, region).bind(2, id_no);
  if (q.step() != SQLITE_ROW) return std::unexpected(dbError(c.db, "计算账户余额"));
  return q.integer(0);
}

// The account's status, or nullopt when it was never opened.
Result<std::optional<std::string>> readAccountStatus(Conn& c, const std::string& region,
                                                     const std::string& id_no) {
  Stmt q = c.prepare("SELECT status FROM accounts WHERE region=? AND id_no=?");
  if (!q.ok()) return prepError(c);
  q.bind(1, region).bind(2, id_no);
  int rc = q.step();
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return std::unexpected(dbError(c.db, "读取个人账户"));
  return std::optional<std::string>(q.text(0));
}

Result<std::optional<Account>> readAccount(Conn& c, const std::string& region,
                                           const std::string& id_no) {
  auto status = readAccountStatus(c, region, id_no);
  if (!status) return std::unexpected(status.error());
  if (!*status) return std::optional<Account>();
  auto balance = readBalance(c, region, id_no);
  if (!balance) return std::unexpected(balance.error());
  return std::optional<Account>(Account{region, id_no, **status, *balance});
}

Result<YearToDate> readClaimsInYear(Conn& c, const std::string& region, const std::string& id_no,
                                    int year) {
  Stmt q = c.prepare(
      "SELECT coalesce(sum(fund_fen),0),coalesce(sum(serious_illness_fen),0),"
      "coalesce(sum(assistance_fen),0),coalesce(sum(deductible_fen),0),"
      "coalesce(sum(personal_eligible_fen),0),count(*) "
      "FROM claims WHERE region=? AND id_no=? AND year=?");
  if (!q.ok()) return prepError(c);
  q.bind(1, region).bind(2, id_no).bind(3, static_cast<int64_t>(year));
  if (q.step() != SQLITE_ROW) return std::unexpected(dbError(c.db, "统计年度报销"));
  YearToDate y;  // by name: the record gains fields
  y.fund_fen = q.integer(0);
  y.serious_illness_fen = q.integer(1);
  y.assistance_fen = q.integer(2);
  y.deductible_fen = q.integer(3);
  y.personal_eligible_fen = q.integer(4);
  y.claims = static_cast<int>(q.integer(5));
  return y;
}

Result<std::vector<PremiumEntry>> readPremiums(Conn& c, const std::string& region,
                                               const std::string& id_no, int year) {
  Stmt q = c.prepare(
      "SELECT kind,amount_fen,source FROM premiums WHERE region=? AND id_no=? AND year=? "
      "ORDER BY id");
  if (!q.ok()) return prepError(c);
  q.bind(1, region).bind(2, id_no).bind(3, static_cast<int64_t>(year));
  std::vector<PremiumEntry> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW)
    out.push_back(PremiumEntry{region, id_no, year, q.text(0), q.integer(1), q.text(2)});
  if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "读取缴费记录"));
  return out;
}

// unit_history when `unit`, else person_history: the two tables have the same shape.
// Histories in time order; changes applied at the same time in the order they were applied (n).
Result<std::vector<HistoryEntry>> readHistory(Conn& c, bool unit, const std::string& region,
                                              const std::string& id) {
  Stmt q = c.prepare(unit ? "SELECT at,source,created,changes FROM unit_history WHERE region=? "
                            "AND credit_code=? ORDER BY at,n"
                          : "SELECT at,source,created,changes FROM person_history WHERE region=? "
                            "AND id_no=? ORDER BY at,n");
  if (!q.ok()) return prepError(c);
  q.bind(1, region).bind(2, id);
  std::vector<HistoryEntry> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW)
    out.push_back(HistoryEntry{q.integer(0), q.text(1), storedChanges(q.integer(2), q.text(3))});
  if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "读取变更记录"));
  return out;
}

// Appends the next history entry of a unit (`unit`) or person. `first`: the row was created just
// now, so its entry is n = 1 without looking (the resident import's path), and `changes` is in
// the created form (createdValues).
Result<void> appendHistory(Conn& w, bool unit, bool first, const std::string& region,
                           const std::string& id, const Cause& cause, const std::string& changes) {
  const char* sql;
  if (unit)
    sql = first ? "INSERT INTO unit_history(region,credit_code,n,at,source,event_seq,created,"
                  "changes) VALUES(?1,?2,1,?3,?4,?5,1,?6)"
                : "INSERT INTO unit_history(region,credit_code,n,at,source,event_seq,created,"
                  "changes) VALUES(?1,?2,(SELECT coalesce(max(n),0)+1 FROM unit_history WHERE "
                  "region=?1 AND credit_code=?2),?3,?4,?5,0,?6)";
  else
    sql = first ? "INSERT INTO person_history(region,id_no,n,at,source,event_seq,created,changes) "
                  "VALUES(?1,?2,1,?3,?4,?5,1,?6)"
                : "INSERT INTO person_history(region,id_no,n,at,source,event_seq,created,changes) "
                  "VALUES(?1,?2,(SELECT coalesce(max(n),0)+1 FROM person_history WHERE region=?1 "
                  "AND id_no=?2),?3,?4,?5,0,?6)";
  Stmt q = w.prepare(sql);
  if (!q.ok()) return prepError(w);
  q.bindRef(1, region).bindRef(2, id).bind(3, cause.at).bindRef(4, cause.source);
  q.bind(5, static_cast<int64_t>(cause.event_seq)).bindRef(6, changes);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(w.db, "写入变更记录"));
  return {};
}

Result<void> checkEnrolments(const Person& p) {
  for (const auto& e : p.enrolments) {
    if (monthIndex(e.from) < 0 || (!e.to.empty() && monthIndex(e.to) < monthIndex(e.from)))
      return fail(ErrorCode::kUnprocessable, "invalid_enrolment",
                  "参保期间的起止月份无效（须为 YYYY-MM，止月不早于起月）");
  }
  return {};
}

Result<void> insertEnrolments(Conn& w, const Person& p) {
  for (size_t i = 0; i < p.enrolments.size(); ++i) {
    const Enrolment& e = p.enrolments[i];
    Stmt q = w.prepare(
        "INSERT INTO enrolments(region,id_no,idx,from_month,to_month,status,insurance_type,unit) "
        "VALUES(?,?,?,?,?,?,?,?)");
    if (!q.ok()) return prepError(w);
    q.bindRef(1, p.region).bindRef(2, p.id_no).bind(3, static_cast<int64_t>(i));
    q.bindRef(4, e.from).bindRef(5, e.to).bindRef(6, e.status).bindRef(7, e.insurance_type);
    q.bindRef(8, e.unit);
    if (q.step() != SQLITE_DONE) return std::unexpected(dbError(w.db, "写入参保期间"));
  }
  return {};
}

// Binds the person's columns 1…12 in PERSON_COLS order.
void bindPerson(Stmt& q, const Person& p, const std::string& identities) {
  q.bindRef(1, p.region).bindRef(2, p.id_no).bindRef(3, p.name).bindRef(4, p.sex);
  q.bindRef(5, p.birth_date).bindRef(6, p.insurance_type).bindRef(7, p.unit);
  q.bindRef(8, p.employment).bind(9, p.contribution_base_fen).bindRef(10, identities);
  q.bindRef(11, p.phone).bindRef(12, p.status);
}

// A name prefix as a range on the (region, name) index: every text that starts with `prefix`
// sorts at or after it and before prefix + 0xFF (no UTF-8 text contains that byte). LIKE would
// fold ASCII case and so could not use the binary index.
std::string prefixEnd(const std::string& prefix) { return prefix + '\xff'; }

int64_t clampLimit(int v, int max) { return v < 0 ? 0 : (v > max ? max : v); }

}  // namespace

// ---- SqliteRegisterTx ------------------------------------------------------------------------

namespace {

// ---- register entries (Registers II) ---------------------------------------------------------

#define ENTRY_COLS "kind,region,key,owner,status,valid_from,valid_to,data"

// The fields a change of an entry is recorded by: the searchable columns and each top-level
// field of its data (a field of data that disappears is recorded with after = null).
json entryFields(const RegisterEntry& e) {
  json f = json{{"owner", e.owner}, {"status", e.status}, {"from", e.from}, {"to", e.to}};
  if (e.data.is_object())
    for (auto it = e.data.begin(); it != e.data.end(); ++it) f["data." + it.key()] = *it;
  return f;
}

json entryDiff(const json& before, const json& after) {
  json changes = json::object();
  for (auto it = after.begin(); it != after.end(); ++it) {
    auto old = before.find(it.key());
    json was = old == before.end() ? json() : *old;
    if (was != *it) changes[it.key()] = json{{"before", was}, {"after", *it}};
  }
  for (auto it = before.begin(); it != before.end(); ++it)
    if (!after.contains(it.key())) changes[it.key()] = json{{"before", *it}, {"after", nullptr}};
  return changes;
}

RegisterEntry entryFrom(const Stmt& q) {
  RegisterEntry e{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6)};
  e.data = json::parse(q.text(7), nullptr, false);
  if (!e.data.is_object()) e.data = json::object();
  return e;
}

json entryJson(const RegisterEntry& e) {
  return json{{"kind", e.kind},     {"region", e.region}, {"key", e.key}, {"owner", e.owner},
              {"status", e.status}, {"from", e.from},     {"to", e.to},   {"data", e.data}};
}

Result<std::optional<RegisterEntry>> readEntry(Conn& c, const std::string& kind,
                                               const std::string& region, const std::string& key) {
  Stmt q =
      c.prepare("SELECT " ENTRY_COLS " FROM register_entries WHERE kind=? AND region=? AND key=?");
  if (!q.ok()) return prepError(c);
  q.bind(1, kind).bind(2, region).bind(3, key);
  int rc = q.step();
  using R = std::optional<RegisterEntry>;
  if (rc == SQLITE_DONE) return R();
  if (rc != SQLITE_ROW) return std::unexpected(dbError(c.db, "读取登记信息"));
  return R(entryFrom(q));
}

Result<std::vector<RegisterEntry>> readEntries(Conn& c, const EntryFilter& f) {
  if (f.kind.empty() || f.region.empty())
    return fail(ErrorCode::kInternal, "entry_filter", "登记查询缺少类别或统筹区");
  Stmt q = c.prepare("SELECT " ENTRY_COLS
                     " FROM register_entries WHERE kind=?1 AND region=?2 AND (?3='' OR owner=?3) "
                     "AND (?4='' OR status=?4) ORDER BY valid_from,key LIMIT ?5 OFFSET ?6");
  if (!q.ok()) return prepError(c);
  q.bind(1, f.kind).bind(2, f.region).bind(3, f.owner).bind(4, f.status);
  q.bind(5, static_cast<int64_t>(f.limit < 0 ? 0 : f.limit));
  q.bind(6, static_cast<int64_t>(f.offset < 0 ? 0 : f.offset));
  std::vector<RegisterEntry> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(entryFrom(q));
  if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "读取登记信息"));
  return out;
}

bool validDay(const std::string& d) {
  if (d.empty()) return true;
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return false;
  return true;
}

}  // namespace

Result<std::optional<Unit>> SqliteRegisterTx::unit(const std::string& region,
                                                   const std::string& credit_code) {
  return readUnit(w_, region, credit_code);
}
Result<std::optional<Person>> SqliteRegisterTx::person(const std::string& region,
                                                       const std::string& id_no) {
  return readPerson(w_, region, id_no);
}
Result<std::optional<Account>> SqliteRegisterTx::account(const std::string& region,
                                                         const std::string& id_no) {
  return readAccount(w_, region, id_no);
}
Result<YearToDate> SqliteRegisterTx::claimsInYear(const std::string& region,
                                                  const std::string& id_no, int year) {
  return readClaimsInYear(w_, region, id_no, year);
}
Result<std::vector<PremiumEntry>> SqliteRegisterTx::premiums(const std::string& region,
                                                             const std::string& id_no, int year) {
  return readPremiums(w_, region, id_no, year);
}

Result<bool> SqliteRegisterTx::claim(const Cause& cause) {
  if (cause.source.empty())
    return fail(ErrorCode::kInternal, "cause_missing", "登记变更缺少来源（办件编号或导入批次）");
  Stmt q = w_.prepare(
      "INSERT INTO register_log(source,event_seq,at) VALUES(?,?,?) "
      "ON CONFLICT(source,event_seq) DO NOTHING");
  if (!q.ok()) return prepError(w_);
  q.bind(1, cause.source).bind(2, static_cast<int64_t>(cause.event_seq)).bind(3, cause.at);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "登记变更来源"));
  return sqlite3_changes(w_.db) == 1;
}

Result<void> SqliteRegisterTx::putUnit(const Unit& u, const Cause& cause) {
  if (u.region.empty() || u.credit_code.empty())
    return fail(ErrorCode::kUnprocessable, "unit_key_missing",
                "参保单位缺少统筹区或统一社会信用代码");
  auto old = readUnit(w_, u.region, u.credit_code);
  if (!old) return std::unexpected(old.error());
  json after = unitFields(u);
  json changes;
  if (*old) {
    json before = unitFields(**old);
    changes = diffFields(before, after);
    if (changes.empty()) return {};  // nothing changed: no history entry
  } else {
    changes = createdValues(after);
  }
  for (const auto& [k, v] : after.items())
    if (!validUtf8(v.get_ref<const std::string&>())) return std::unexpected(badText());
  Stmt q = w_.prepare("INSERT INTO units(" UNIT_COLS
                      ") VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(region,credit_code) DO UPDATE SET "
                      "name=excluded.name,type=excluded.type,address=excluded.address,"
                      "legal_representative=excluded.legal_representative,phone=excluded.phone,"
                      "bank_account=excluded.bank_account,status=excluded.status");
  if (!q.ok()) return prepError(w_);
  q.bind(1, u.region).bind(2, u.credit_code).bind(3, u.name).bind(4, u.type).bind(5, u.address);
  q.bind(6, u.legal_representative).bind(7, u.phone).bind(8, u.bank_account).bind(9, u.status);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "写入参保单位"));
  return appendHistory(w_, true, !*old, u.region, u.credit_code, cause, dumpJson(changes));
}

Result<void> SqliteRegisterTx::putPerson(const Person& p, const Cause& cause) {
  if (p.region.empty() || p.id_no.empty())
    return fail(ErrorCode::kUnprocessable, "person_key_missing", "参保人员缺少统筹区或身份证号码");
  if (p.contribution_base_fen < 0 || p.contribution_base_fen > Money::kMaxFen)
    return fail(ErrorCode::kUnprocessable, "invalid_contribution_base", "缴费基数超出允许范围");
  if (auto e = checkEnrolments(p); !e) return e;
  bool ok = true;
  const std::string identities = identitiesText(p.identities, ok);
  // Built (and every text checked) before anything is written; used when the person is new.
  std::string created;
  if (!ok || !newPersonChanges(p, created)) return std::unexpected(badText());

  // Insert first: for a new person (the resident import, a million times in one transaction)
  // this one statement is both the lookup and the write.
  Stmt ins = w_.prepare("INSERT INTO persons(" PERSON_COLS
                        ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(region,id_no) DO NOTHING");
  if (!ins.ok()) return prepError(w_);
  bindPerson(ins, p, identities);
  if (ins.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "写入参保人员"));
  if (sqlite3_changes(w_.db) == 1) {
    if (auto e = insertEnrolments(w_, p); !e) return e;
    return appendHistory(w_, false, true, p.region, p.id_no, cause, created);
  }
  ins.reset();

  auto old = readPerson(w_, p.region, p.id_no);
  if (!old) return std::unexpected(old.error());
  if (!*old) return fail(ErrorCode::kInternal, "person_vanished", "参保人员记录读取失败");
  json before_fields = personFields(**old);
  json changes = diffFields(before_fields, personFields(p));
  if (changes.empty()) return {};  // nothing changed: no history entry
  Stmt q = w_.prepare(
      "UPDATE persons SET name=?3,sex=?4,birth_date=?5,insurance_type=?6,unit=?7,employment=?8,"
      "contribution_base_fen=?9,identities=?10,phone=?11,status=?12 WHERE region=?1 AND id_no=?2");
  if (!q.ok()) return prepError(w_);
  bindPerson(q, p, identities);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "更新参保人员"));
  if (changes.contains("enrolments")) {
    Stmt d = w_.prepare("DELETE FROM enrolments WHERE region=? AND id_no=?");
    if (!d.ok()) return prepError(w_);
    d.bind(1, p.region).bind(2, p.id_no);
    if (d.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "更新参保期间"));
    if (auto e = insertEnrolments(w_, p); !e) return e;
  }
  return appendHistory(w_, false, false, p.region, p.id_no, cause, dumpJson(changes));
}

Result<void> SqliteRegisterTx::addAccountEntry(const std::string& region, const std::string& id_no,
                                               const AccountEntry& e) {
  if (e.amount_fen == 0 || e.amount_fen > Money::kMaxFen || e.amount_fen < -Money::kMaxFen)
    return fail(ErrorCode::kUnprocessable, "amount_out_of_range",
                "个人账户记账金额须为非零整数（单位：分），且绝对值不超过一百亿元");
  auto status = readAccountStatus(w_, region, id_no);
  if (!status) return std::unexpected(status.error());
  int64_t balance = 0;
  if (!*status) {
    if (e.amount_fen < 0)
      return fail(ErrorCode::kConflict, "account_insufficient", "个人账户余额不足，不能支取");
    Stmt open = w_.prepare("INSERT INTO accounts(region,id_no,status,opened_at) VALUES(?,?,?,?)");
    if (!open.ok()) return prepError(w_);
    open.bind(1, region).bind(2, id_no).bind(3, std::string(kAccountOpen)).bind(4, e.at);
    if (open.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "开立个人账户"));
  } else {
    if (**status == kAccountClosed)
      return fail(ErrorCode::kConflict, "account_closed", "个人账户已销户，不能再记账");
    auto b = readBalance(w_, region, id_no);
    if (!b) return std::unexpected(b.error());
    balance = *b;
  }
  int64_t after = 0;
  if (__builtin_add_overflow(balance, e.amount_fen, &after))
    return fail(ErrorCode::kUnprocessable, "amount_overflow", "个人账户金额合计超出允许范围");
  if (after < 0)
    return fail(ErrorCode::kConflict, "account_insufficient", "个人账户余额不足，不能支取");
  Stmt q = w_.prepare(
      "INSERT INTO account_entries(region,id_no,at,amount_fen,kind,source) VALUES(?,?,?,?,?,?)");
  if (!q.ok()) return prepError(w_);
  q.bind(1, region).bind(2, id_no).bind(3, e.at).bind(4, e.amount_fen).bind(5, e.kind);
  q.bind(6, e.source);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "写入个人账户"));
  return {};
}

Result<void> SqliteRegisterTx::closeAccount(const std::string& region, const std::string& id_no,
                                            const Cause& cause) {
  auto status = readAccountStatus(w_, region, id_no);
  if (!status) return std::unexpected(status.error());
  if (!*status) return fail(ErrorCode::kNotFound, "account_not_found", "该人员没有个人账户");
  if (**status == kAccountClosed)
    return fail(ErrorCode::kConflict, "account_closed", "个人账户已销户");
  auto balance = readBalance(w_, region, id_no);
  if (!balance) return std::unexpected(balance.error());
  if (*balance != 0)
    return fail(ErrorCode::kConflict, "account_balance_not_zero",
                "个人账户余额不为零，须先支取全部余额才能销户");
  Stmt q =
      w_.prepare("UPDATE accounts SET status=?,closed_at=?,closed_by=? WHERE region=? AND id_no=?");
  if (!q.ok()) return prepError(w_);
  q.bind(1, std::string(kAccountClosed)).bind(2, cause.at).bind(3, cause.source);
  q.bind(4, region).bind(5, id_no);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "个人账户销户"));
  return {};
}

Result<void> SqliteRegisterTx::addPayment(const Payment& p) {
  if (auto m = Money::amount(p.amount_fen); !m) return std::unexpected(m.error());
  if (p.case_no.empty() || monthIndex(p.month) < 0)
    return fail(ErrorCode::kUnprocessable, "invalid_payment", "拨付记录缺少办件编号或所属月份");
  if (p.line < 0)
    return fail(ErrorCode::kInternal, "invalid_payment_line", "拨付记录的明细行号无效");
  Stmt q = w_.prepare("INSERT INTO payments(" PAYMENT_COLS ") VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  if (!q.ok()) return prepError(w_);
  q.bind(1, p.region).bind(2, p.case_no).bind(3, static_cast<int64_t>(p.event_seq));
  q.bind(4, static_cast<int64_t>(p.line));
  q.bind(5, p.payee_kind).bind(6, p.payee).bind(7, p.payee_account).bind(8, p.amount_fen);
  q.bind(9, p.purpose).bind(10, p.at).bind(11, p.month);
  if (q.step() != SQLITE_DONE) {
    if (sqlite3_extended_errcode(w_.db) == SQLITE_CONSTRAINT_UNIQUE)
      return fail(ErrorCode::kConflict, "payment_exists", "该办件的这笔拨付已登记，不能重复拨付");
    return std::unexpected(dbError(w_.db, "写入拨付记录"));
  }
  return {};
}

Result<void> SqliteRegisterTx::addClaim(const Claim& c) {
  for (int64_t v : {c.total_fen, c.fund_fen, c.serious_illness_fen, c.assistance_fen,
                    c.deductible_fen, c.personal_eligible_fen})
    if (auto m = Money::total(v); !m) return std::unexpected(m.error());
  if (c.case_no.empty() || c.year < 1900)
    return fail(ErrorCode::kUnprocessable, "invalid_claim", "报销记录缺少办件编号或年度");
  Stmt q = w_.prepare(
      "INSERT INTO claims(region,id_no,year,case_no,total_fen,fund_fen,serious_illness_fen,"
      "assistance_fen,deductible_fen,admission,personal_eligible_fen) "
      "VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  if (!q.ok()) return prepError(w_);
  q.bind(1, c.region).bind(2, c.id_no).bind(3, static_cast<int64_t>(c.year)).bind(4, c.case_no);
  q.bind(5, c.total_fen).bind(6, c.fund_fen).bind(7, c.serious_illness_fen);
  q.bind(8, c.assistance_fen).bind(9, c.deductible_fen).bind(10, c.admission);
  q.bind(11, c.personal_eligible_fen);
  if (q.step() != SQLITE_DONE) {
    if (sqlite3_extended_errcode(w_.db) == SQLITE_CONSTRAINT_PRIMARYKEY)
      return fail(ErrorCode::kConflict, "claim_exists", "该办件的报销已登记，不能重复登记");
    return std::unexpected(dbError(w_.db, "写入报销记录"));
  }
  return {};
}

Result<void> SqliteRegisterTx::addPremium(const PremiumEntry& e) {
  if (auto m = Money::amount(e.amount_fen); !m) return std::unexpected(m.error());
  if (e.year < 1900 || e.kind.empty())
    return fail(ErrorCode::kUnprocessable, "invalid_premium", "缴费记录缺少年度或类别");
  Stmt q = w_.prepare(
      "INSERT INTO premiums(region,id_no,year,kind,amount_fen,source) VALUES(?,?,?,?,?,?)");
  if (!q.ok()) return prepError(w_);
  q.bind(1, e.region).bind(2, e.id_no).bind(3, static_cast<int64_t>(e.year)).bind(4, e.kind);
  q.bind(5, e.amount_fen).bind(6, e.source);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "写入缴费记录"));
  return {};
}

Result<std::optional<RegisterEntry>> SqliteRegisterTx::entry(const std::string& kind,
                                                             const std::string& region,
                                                             const std::string& key) {
  return readEntry(w_, kind, region, key);
}

Result<std::vector<RegisterEntry>> SqliteRegisterTx::entries(const EntryFilter& f) {
  return readEntries(w_, f);
}

Result<void> SqliteRegisterTx::putEntry(const RegisterEntry& e, const Cause& cause) {
  if (e.kind.empty() || e.region.empty() || e.key.empty())
    return fail(ErrorCode::kInternal, "entry_key_missing", "登记信息缺少类别、统筹区或编号");
  if (!validDay(e.from) || !validDay(e.to) || (!e.to.empty() && !e.from.empty() && e.to < e.from))
    return fail(ErrorCode::kUnprocessable, "invalid_entry_period",
                "登记的起止日期无效（须为 YYYY-MM-DD，止日不早于起日）");
  if (!e.data.is_object())
    return fail(ErrorCode::kInternal, "entry_data", "登记信息的内容须为对象");
  for (const std::string* t : {&e.kind, &e.region, &e.key, &e.owner, &e.status})
    if (!validUtf8(*t)) return std::unexpected(badText());
  const std::string data = dumpJson(e.data);
  if (!validUtf8(data)) return std::unexpected(badText());
  auto old = readEntry(w_, e.kind, e.region, e.key);
  if (!old) return std::unexpected(old.error());
  const json after = entryFields(e);
  json changes;
  if (*old) {
    changes = entryDiff(entryFields(**old), after);
    if (changes.empty()) return {};  // nothing changed: no history entry
  } else {
    changes = createdValues(after);
  }
  Stmt q = w_.prepare("INSERT INTO register_entries(" ENTRY_COLS
                      ") VALUES(?,?,?,?,?,?,?,?) ON CONFLICT(kind,region,key) DO UPDATE SET "
                      "owner=excluded.owner,status=excluded.status,valid_from=excluded.valid_from,"
                      "valid_to=excluded.valid_to,data=excluded.data");
  if (!q.ok()) return prepError(w_);
  q.bind(1, e.kind).bind(2, e.region).bind(3, e.key).bind(4, e.owner).bind(5, e.status);
  q.bind(6, e.from).bind(7, e.to).bind(8, data);
  if (q.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "写入登记信息"));
  Stmt h = w_.prepare(
      "INSERT INTO register_entry_history(kind,region,key,n,at,source,event_seq,created,changes) "
      "VALUES(?1,?2,?3,(SELECT coalesce(max(n),0)+1 FROM register_entry_history WHERE kind=?1 "
      "AND region=?2 AND key=?3),?4,?5,?6,?7,?8)");
  if (!h.ok()) return prepError(w_);
  h.bind(1, e.kind).bind(2, e.region).bind(3, e.key).bind(4, cause.at).bind(5, cause.source);
  h.bind(6, static_cast<int64_t>(cause.event_seq)).bind(7, static_cast<int64_t>(!*old));
  h.bind(8, dumpJson(changes));
  if (h.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "写入变更记录"));
  return {};
}

Result<int64_t> SqliteRegisterTx::nextNumber(const std::string& name) {
  if (name.empty()) return fail(ErrorCode::kInternal, "number_name", "编号序列缺少名称");
  Stmt q = w_.prepare(
      "INSERT INTO register_numbers(name,value) VALUES(?,1) "
      "ON CONFLICT(name) DO UPDATE SET value=value+1 RETURNING value");
  if (!q.ok()) return prepError(w_);
  q.bind(1, name);
  if (q.step() != SQLITE_ROW) return std::unexpected(dbError(w_.db, "分配编号"));
  return q.integer(0);
}

Result<void> SqliteRegisterTx::putImportBatch(const ImportBatch& b) {
  if (b.batch_id.empty()) return fail(ErrorCode::kInternal, "batch_id_missing", "导入批次缺少编号");
  Stmt q = w_.prepare(
      "INSERT INTO import_batches(batch_id,region,kind,at,actor,rows,accepted,rejected) "
      "VALUES(?,?,?,?,?,?,?,?)");
  if (!q.ok()) return prepError(w_);
  q.bind(1, b.batch_id).bind(2, b.region).bind(3, b.kind).bind(4, b.at).bind(5, b.actor);
  q.bind(6, b.rows).bind(7, b.accepted).bind(8, b.rejected);
  if (q.step() != SQLITE_DONE) {
    if (sqlite3_extended_errcode(w_.db) == SQLITE_CONSTRAINT_PRIMARYKEY)
      return fail(ErrorCode::kConflict, "batch_exists", "该导入批次已存在");
    return std::unexpected(dbError(w_.db, "写入导入批次"));
  }
  return {};
}

Result<void> SqliteRegisterTx::clearRegisters() {
  // import_batches stay: they are source documents the replay applies again.
  for (const char* table :
       {"units", "unit_history", "persons", "enrolments", "person_history", "accounts",
        "account_entries", "payments", "claims", "premiums", "register_log", "register_entries",
        "register_entry_history", "register_numbers"}) {
    Stmt q = w_.prepare(std::string("DELETE FROM ") + table);
    if (!q.ok()) return prepError(w_);
    if (q.step() != SQLITE_DONE) return std::unexpected(dbError(w_.db, "清空登记簿"));
  }
  return {};
}

// ---- SqliteRegisterReads ---------------------------------------------------------------------

#define JINGBAN_BORROW(c)                                \
  std::shared_ptr<Conn> c##_lease = borrow_();           \
  if (!c##_lease) return std::unexpected(unavailable()); \
  Conn& c = *c##_lease

Result<std::optional<Unit>> SqliteRegisterReads::unit(const std::string& region,
                                                      const std::string& credit_code) {
  JINGBAN_BORROW(c);
  return readUnit(c, region, credit_code);
}

Result<std::optional<Person>> SqliteRegisterReads::person(const std::string& region,
                                                          const std::string& id_no) {
  JINGBAN_BORROW(c);
  ReadTxn t(c);
  return readPerson(c, region, id_no);
}

Result<std::optional<Account>> SqliteRegisterReads::account(const std::string& region,
                                                            const std::string& id_no) {
  JINGBAN_BORROW(c);
  ReadTxn t(c);
  return readAccount(c, region, id_no);
}

Result<YearToDate> SqliteRegisterReads::claimsInYear(const std::string& region,
                                                     const std::string& id_no, int year) {
  JINGBAN_BORROW(c);
  return readClaimsInYear(c, region, id_no, year);
}

Result<std::vector<PremiumEntry>> SqliteRegisterReads::premiums(const std::string& region,
                                                                const std::string& id_no,
                                                                int year) {
  JINGBAN_BORROW(c);
  return readPremiums(c, region, id_no, year);
}

Result<std::vector<HistoryEntry>> SqliteRegisterReads::unitHistory(const std::string& region,
                                                                   const std::string& code) {
  JINGBAN_BORROW(c);
  return readHistory(c, true, region, code);
}

Result<std::vector<HistoryEntry>> SqliteRegisterReads::personHistory(const std::string& region,
                                                                     const std::string& id_no) {
  JINGBAN_BORROW(c);
  return readHistory(c, false, region, id_no);
}

Result<std::vector<AccountEntry>> SqliteRegisterReads::accountEntries(const std::string& region,
                                                                      const std::string& id_no) {
  JINGBAN_BORROW(c);
  Stmt q = c.prepare(
      "SELECT at,amount_fen,kind,source FROM account_entries WHERE region=? AND id_no=? "
      "ORDER BY at,id");
  if (!q.ok()) return prepError(c);
  q.bind(1, region).bind(2, id_no);
  std::vector<AccountEntry> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW)
    out.push_back(AccountEntry{q.integer(0), q.integer(1), q.text(2), q.text(3)});
  if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "读取账户明细"));
  return out;
}

Result<std::vector<Payment>> SqliteRegisterReads::payments(const PaymentFilter& f) {
  JINGBAN_BORROW(c);
  Stmt q = c.prepare("SELECT " PAYMENT_COLS
                     " FROM payments WHERE region=? AND month=? ORDER BY at,id LIMIT ? OFFSET ?");
  if (!q.ok()) return prepError(c);
  q.bind(1, f.region).bind(2, f.month).bind(3, clampLimit(f.limit, 1'000'000));
  q.bind(4, clampLimit(f.offset, INT32_MAX));
  std::vector<Payment> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(paymentFrom(q));
  if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "读取拨付记录"));
  return out;
}

Result<std::vector<Person>> SqliteRegisterReads::persons(const PersonFilter& f) {
  JINGBAN_BORROW(c);
  std::string sql = "SELECT " PERSON_COLS " FROM persons WHERE region=?";
  std::vector<std::string> args{f.region};
  if (!f.name.empty()) {
    sql += " AND name>=? AND name<?";
    args.push_back(f.name);
    args.push_back(prefixEnd(f.name));
  }
  if (!f.unit.empty()) {
    sql += " AND unit=? AND unit<>''";  // the second term lets SQLite use the partial index
    args.push_back(f.unit);
  }
  if (!f.insurance_type.empty()) {
    sql += " AND insurance_type=?";
    args.push_back(f.insurance_type);
  }
  sql += " ORDER BY id_no LIMIT ? OFFSET ?";
  Stmt q = c.prepare(sql);
  if (!q.ok()) return prepError(c);
  int i = 1;
  for (const auto& a : args) q.bind(i++, a);
  q.bind(i, clampLimit(f.limit, 10'000)).bind(i + 1, clampLimit(f.offset, INT32_MAX));
  std::vector<Person> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(personFrom(q));
  if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "查询参保人员"));
  return out;
}

Result<std::vector<Unit>> SqliteRegisterReads::units(const UnitFilter& f) {
  JINGBAN_BORROW(c);
  std::string sql = "SELECT " UNIT_COLS " FROM units WHERE region=?";
  std::vector<std::string> args{f.region};
  if (!f.name.empty()) {
    sql += " AND name>=? AND name<?";
    args.push_back(f.name);
    args.push_back(prefixEnd(f.name));
  }
  if (!f.status.empty()) {
    sql += " AND status=?";
    args.push_back(f.status);
  }
  sql += " ORDER BY credit_code LIMIT ? OFFSET ?";
  Stmt q = c.prepare(sql);
  if (!q.ok()) return prepError(c);
  int i = 1;
  for (const auto& a : args) q.bind(i++, a);
  q.bind(i, clampLimit(f.limit, 10'000)).bind(i + 1, clampLimit(f.offset, INT32_MAX));
  std::vector<Unit> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(unitFrom(q));
  if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "查询参保单位"));
  return out;
}

namespace {

// Reads `sql` (ordered by its first two columns, the owner's key) and hands each row to `row`.
// Used to attach child rows (history, enrolments, entries) to their owners in one ordered pass.
template <typename F>
Result<std::map<std::pair<std::string, std::string>, json>> groupRows(Conn& c, const char* sql,
                                                                      F&& row) {
  std::map<std::pair<std::string, std::string>, json> out;
  Stmt q = c.prepare(sql);
  if (!q.ok()) return prepError(c);
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    json& list = out[{q.text(0), q.text(1)}];
    if (list.is_null()) list = json::array();
    list.push_back(row(q));
  }
  if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "导出登记簿"));
  return out;
}

json historyRow(const Stmt& q) {
  return json{{"at", q.integer(2)},
              {"source", q.text(3)},
              {"event_seq", q.integer(4)},
              {"changes", storedChanges(q.integer(5), q.text(6))}};
}

json childOf(std::map<std::pair<std::string, std::string>, json>& m, const std::string& a,
             const std::string& b) {
  auto it = m.find({a, b});
  return it == m.end() ? json::array() : std::move(it->second);
}

}  // namespace

Result<nlohmann::json> SqliteRegisterReads::dump() {
  JINGBAN_BORROW(c);
  ReadTxn t(c);
  if (!t.ok()) return std::unexpected(dbError(c.db, "开始读事务"));
  json out = json::object();

  auto unit_history =
      groupRows(c,
                "SELECT region,credit_code,at,source,event_seq,created,changes FROM unit_history "
                "ORDER BY region,credit_code,n",
                historyRow);
  if (!unit_history) return std::unexpected(unit_history.error());
  {
    json units = json::array();
    Stmt q = c.prepare("SELECT " UNIT_COLS " FROM units ORDER BY 1,2");
    if (!q.ok()) return prepError(c);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      Unit u = unitFrom(q);
      json j = unitJson(u);
      j["history"] = childOf(*unit_history, u.region, u.credit_code);
      units.push_back(std::move(j));
    }
    if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "导出参保单位"));
    out["units"] = std::move(units);
  }

  {
    // Persons can be millions: walk persons, enrolments and history in step, all three ordered
    // by (region, id_no), instead of grouping children in memory first.
    Stmt q = c.prepare("SELECT " PERSON_COLS " FROM persons ORDER BY 1,2");
    Stmt en = c.prepare(
        "SELECT region,id_no,from_month,to_month,status,insurance_type,unit FROM enrolments "
        "ORDER BY region,id_no,idx");
    Stmt h = c.prepare(
        "SELECT region,id_no,at,source,event_seq,created,changes FROM person_history "
        "ORDER BY region,id_no,n");
    if (!q.ok() || !en.ok() || !h.ok()) return prepError(c);
    int erc = en.step(), hrc = h.step(), rc;
    json persons = json::array();
    auto before = [](const Stmt& s, const std::string& region, const std::string& id) {
      int r = s.text(0).compare(region);
      return r < 0 || (r == 0 && s.text(1) < id);
    };
    auto same = [](const Stmt& s, const std::string& region, const std::string& id) {
      return s.text(0) == region && s.text(1) == id;
    };
    while ((rc = q.step()) == SQLITE_ROW) {
      Person p = personFrom(q);
      // Children of no person (cannot happen through RegisterTx) are skipped, not misattached.
      while (erc == SQLITE_ROW && before(en, p.region, p.id_no)) erc = en.step();
      while (erc == SQLITE_ROW && same(en, p.region, p.id_no)) {
        p.enrolments.push_back(
            Enrolment{en.text(2), en.text(3), en.text(4), en.text(5), en.text(6)});
        erc = en.step();
      }
      json j = personJson(p);
      json history = json::array();
      while (hrc == SQLITE_ROW && before(h, p.region, p.id_no)) hrc = h.step();
      while (hrc == SQLITE_ROW && same(h, p.region, p.id_no)) {
        history.push_back(historyRow(h));
        hrc = h.step();
      }
      j["history"] = std::move(history);
      persons.push_back(std::move(j));
    }
    if (rc != SQLITE_DONE || (erc != SQLITE_DONE && erc != SQLITE_ROW) ||
        (hrc != SQLITE_DONE && hrc != SQLITE_ROW))
      return std::unexpected(dbError(c.db, "导出参保人员"));
    out["persons"] = std::move(persons);
  }

  auto entries = groupRows(c,
                           "SELECT region,id_no,at,amount_fen,kind,source FROM account_entries "
                           "ORDER BY region,id_no,at,id",
                           [](const Stmt& q) {
                             return json{{"at", q.integer(2)},
                                         {"amount_fen", q.integer(3)},
                                         {"kind", q.text(4)},
                                         {"source", q.text(5)}};
                           });
  if (!entries) return std::unexpected(entries.error());
  {
    json accounts = json::array();
    Stmt q = c.prepare(
        "SELECT region,id_no,status,opened_at,closed_at,closed_by FROM accounts ORDER BY 1,2");
    if (!q.ok()) return prepError(c);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      json list = childOf(*entries, q.text(0), q.text(1));
      int64_t balance = 0;
      for (const auto& e : list)
        if (__builtin_add_overflow(balance, e["amount_fen"].get<int64_t>(), &balance))
          return fail(ErrorCode::kInternal, "balance_overflow", "个人账户余额溢出");
      accounts.push_back(json{{"region", q.text(0)},
                              {"id_no", q.text(1)},
                              {"status", q.text(2)},
                              {"opened_at", q.integer(3)},
                              {"closed_at", q.isNull(4) ? json() : json(q.integer(4))},
                              {"closed_by", q.isNull(5) ? json() : json(q.text(5))},
                              {"balance_fen", balance},
                              {"entries", std::move(list)}});
    }
    if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "导出个人账户"));
    out["accounts"] = std::move(accounts);
  }

  {
    json payments = json::array();
    Stmt q =
        c.prepare("SELECT " PAYMENT_COLS " FROM payments ORDER BY region,case_no,event_seq,line");
    if (!q.ok()) return prepError(c);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) payments.push_back(paymentJson(paymentFrom(q)));
    if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "导出拨付记录"));
    out["payments"] = std::move(payments);
  }

  {
    json claims = json::array();
    Stmt q = c.prepare(
        "SELECT region,id_no,year,case_no,total_fen,fund_fen,serious_illness_fen,assistance_fen,"
        "deductible_fen,admission,personal_eligible_fen FROM claims "
        "ORDER BY region,id_no,year,case_no");
    if (!q.ok()) return prepError(c);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
      claims.push_back(json{{"region", q.text(0)},
                            {"id_no", q.text(1)},
                            {"year", q.integer(2)},
                            {"case_no", q.text(3)},
                            {"total_fen", q.integer(4)},
                            {"fund_fen", q.integer(5)},
                            {"serious_illness_fen", q.integer(6)},
                            {"assistance_fen", q.integer(7)},
                            {"deductible_fen", q.integer(8)},
                            {"admission", q.text(9)},
                            {"personal_eligible_fen", q.integer(10)}});
    if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "导出报销记录"));
    out["claims"] = std::move(claims);
  }

  {
    json premiums = json::array();
    Stmt q = c.prepare(
        "SELECT region,id_no,year,kind,amount_fen,source FROM premiums "
        "ORDER BY region,id_no,year,id");
    if (!q.ok()) return prepError(c);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
      premiums.push_back(json{{"region", q.text(0)},
                              {"id_no", q.text(1)},
                              {"year", q.integer(2)},
                              {"kind", q.text(3)},
                              {"amount_fen", q.integer(4)},
                              {"source", q.text(5)}});
    if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "导出缴费记录"));
    out["premiums"] = std::move(premiums);
  }

  {
    // Which events were applied, as a set (sorted by source and event): a rebuild that applies
    // the same events in another commit order dumps the same document.
    json applied = json::array();
    Stmt q = c.prepare("SELECT source,event_seq,at FROM register_log ORDER BY source,event_seq");
    if (!q.ok()) return prepError(c);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
      applied.push_back(
          json{{"source", q.text(0)}, {"event_seq", q.integer(1)}, {"at", q.integer(2)}});
    if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "导出登记来源"));
    out["applied"] = std::move(applied);
  }
  {
    // Entries with their history, walked in step (both ordered by kind, region, key).
    json list = json::array();
    Stmt q = c.prepare("SELECT " ENTRY_COLS " FROM register_entries ORDER BY kind,region,key");
    Stmt h = c.prepare(
        "SELECT kind,region,key,at,source,event_seq,created,changes FROM register_entry_history "
        "ORDER BY kind,region,key,n");
    if (!q.ok() || !h.ok()) return prepError(c);
    int hrc = h.step(), rc;
    auto cmp = [](const Stmt& s, const RegisterEntry& e) {
      if (int r = s.text(0).compare(e.kind)) return r;
      if (int r = s.text(1).compare(e.region)) return r;
      return s.text(2).compare(e.key);
    };
    while ((rc = q.step()) == SQLITE_ROW) {
      RegisterEntry e = entryFrom(q);
      json j = entryJson(e);
      json history = json::array();
      while (hrc == SQLITE_ROW && cmp(h, e) < 0) hrc = h.step();
      while (hrc == SQLITE_ROW && cmp(h, e) == 0) {
        history.push_back(json{{"at", h.integer(3)},
                               {"source", h.text(4)},
                               {"event_seq", h.integer(5)},
                               {"changes", storedChanges(h.integer(6), h.text(7))}});
        hrc = h.step();
      }
      j["history"] = std::move(history);
      list.push_back(std::move(j));
    }
    if (rc != SQLITE_DONE || (hrc != SQLITE_DONE && hrc != SQLITE_ROW))
      return std::unexpected(dbError(c.db, "导出登记信息"));
    out["entries"] = std::move(list);
  }
  {
    json numbers = json::object();
    Stmt q = c.prepare("SELECT name,value FROM register_numbers ORDER BY name");
    if (!q.ok()) return prepError(c);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) numbers[q.text(0)] = q.integer(1);
    if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "导出编号序列"));
    out["numbers"] = std::move(numbers);
  }
  return out;
}

namespace {

class SnapshotView : public RegisterView {
 public:
  explicit SnapshotView(std::shared_ptr<Conn> c) : lease_(std::move(c)), txn_(*lease_) {}
  Result<std::optional<Unit>> unit(const std::string& region, const std::string& code) override {
    return readUnit(*lease_, region, code);
  }
  Result<std::optional<Person>> person(const std::string& region,
                                       const std::string& id_no) override {
    return readPerson(*lease_, region, id_no);
  }
  Result<std::optional<Account>> account(const std::string& region,
                                         const std::string& id_no) override {
    return readAccount(*lease_, region, id_no);
  }
  Result<YearToDate> claimsInYear(const std::string& region, const std::string& id_no,
                                  int year) override {
    return readClaimsInYear(*lease_, region, id_no, year);
  }
  Result<std::vector<PremiumEntry>> premiums(const std::string& region, const std::string& id_no,
                                             int year) override {
    return readPremiums(*lease_, region, id_no, year);
  }
  Result<std::optional<RegisterEntry>> entry(const std::string& kind, const std::string& region,
                                             const std::string& key) override {
    return readEntry(*lease_, kind, region, key);
  }
  Result<std::vector<RegisterEntry>> entries(const EntryFilter& f) override {
    return readEntries(*lease_, f);
  }

 private:
  std::shared_ptr<Conn> lease_;
  ReadTxn txn_;  // after lease_: committed before the connection goes back to the pool
};

}  // namespace

std::unique_ptr<RegisterView> SqliteRegisterReads::snapshot() {
  std::shared_ptr<Conn> c = borrow_();
  if (!c) return RegisterReads::snapshot();  // no connection now: each read tries on its own
  return std::make_unique<SnapshotView>(std::move(c));
}

Result<std::optional<RegisterEntry>> SqliteRegisterReads::entry(const std::string& kind,
                                                                const std::string& region,
                                                                const std::string& key) {
  JINGBAN_BORROW(c);
  return readEntry(c, kind, region, key);
}

Result<std::vector<RegisterEntry>> SqliteRegisterReads::entries(const EntryFilter& f) {
  JINGBAN_BORROW(c);
  return readEntries(c, f);
}

Result<std::vector<HistoryEntry>> SqliteRegisterReads::entryHistory(const std::string& kind,
                                                                    const std::string& region,
                                                                    const std::string& key) {
  JINGBAN_BORROW(c);
  Stmt q = c.prepare(
      "SELECT at,source,created,changes FROM register_entry_history WHERE kind=? AND region=? "
      "AND key=? ORDER BY n");
  if (!q.ok()) return prepError(c);
  q.bind(1, kind).bind(2, region).bind(3, key);
  std::vector<HistoryEntry> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW)
    out.push_back(HistoryEntry{q.integer(0), q.text(1), storedChanges(q.integer(2), q.text(3))});
  if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "读取变更记录"));
  return out;
}

Result<std::vector<Cause>> SqliteRegisterReads::registerLog() {
  JINGBAN_BORROW(c);
  Stmt q = c.prepare("SELECT source,event_seq,at FROM register_log ORDER BY seq");
  if (!q.ok()) return prepError(c);
  std::vector<Cause> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW)
    out.push_back(Cause{q.text(0), static_cast<int>(q.integer(1)), q.integer(2)});
  if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, "读取登记来源"));
  return out;
}

Result<std::optional<ImportBatch>> SqliteRegisterReads::importBatch(const std::string& batch_id) {
  JINGBAN_BORROW(c);
  Stmt q = c.prepare(
      "SELECT region,kind,at,actor,rows,accepted,rejected FROM import_batches WHERE batch_id=?");
  if (!q.ok()) return prepError(c);
  q.bind(1, batch_id);
  int rc = q.step();
  using R = std::optional<ImportBatch>;
  if (rc == SQLITE_DONE) return R();
  if (rc != SQLITE_ROW) return std::unexpected(dbError(c.db, "读取导入批次"));
  return R(ImportBatch{batch_id, q.text(0), q.text(1), q.integer(2), q.text(3), q.text(4),
                       q.integer(5), q.integer(6)});
}

#undef JINGBAN_BORROW

Result<std::vector<std::string>> checkRegisters(Conn& c) {
  std::vector<std::string> problems;
  auto scan = [&](const char* sql, const char* what,
                  const std::function<std::string(const Stmt&)>& line) -> Result<void> {
    Stmt q = c.prepare(sql);
    if (!q.ok()) return prepError(c);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) problems.push_back(line(q));
    if (rc != SQLITE_DONE) return std::unexpected(dbError(c.db, what));
    return {};
  };
  auto r = scan(
      "SELECT region,id_no,sum(amount_fen) FROM account_entries GROUP BY region,id_no "
      "HAVING sum(amount_fen)<0",
      "检查个人账户", [](const Stmt& q) {
        return "account " + q.text(0) + "/" + q.text(1) + ": balance " + q.text(2) +
               " fen is below zero";
      });
  if (!r) return std::unexpected(r.error());
  r = scan(
      "SELECT a.region,a.id_no FROM accounts a WHERE a.status='已销户' AND "
      "(SELECT coalesce(sum(amount_fen),0) FROM account_entries e "
      " WHERE e.region=a.region AND e.id_no=a.id_no)<>0",
      "检查个人账户", [](const Stmt& q) {
        return "account " + q.text(0) + "/" + q.text(1) + ": closed but not at zero";
      });
  if (!r) return std::unexpected(r.error());
  r = scan(
      "SELECT region,id_no FROM account_entries e WHERE NOT EXISTS (SELECT 1 FROM accounts a "
      "WHERE a.region=e.region AND a.id_no=e.id_no) GROUP BY region,id_no",
      "检查个人账户", [](const Stmt& q) {
        return "account " + q.text(0) + "/" + q.text(1) + ": entries but no account";
      });
  if (!r) return std::unexpected(r.error());
  r = scan(
      "SELECT case_no,event_seq FROM payments p WHERE NOT EXISTS "
      "(SELECT 1 FROM cases c WHERE c.case_no=p.case_no)",
      "检查拨付记录", [](const Stmt& q) {
        return "payment " + q.text(0) + " seq " + q.text(1) + ": its case does not exist";
      });
  if (!r) return std::unexpected(r.error());
  // A payment names the event that paid it (a line of a run included): a sequence no event of
  // its case has is a hand edit, or a row the line migration (10) could not recognise.
  r = scan(
      "SELECT case_no,event_seq,line FROM payments p WHERE EXISTS "
      "(SELECT 1 FROM cases c WHERE c.case_no=p.case_no) AND NOT EXISTS "
      "(SELECT 1 FROM case_events e WHERE e.case_no=p.case_no AND e.seq=p.event_seq)",
      "检查拨付记录", [](const Stmt& q) {
        return "payment " + q.text(0) + " seq " + q.text(1) + " line " + q.text(2) +
               ": no such case event";
      });
  if (!r) return std::unexpected(r.error());
  r = scan(
      "SELECT source,event_seq FROM register_log l WHERE source NOT LIKE 'import:%' AND NOT "
      "EXISTS (SELECT 1 FROM case_events e WHERE e.case_no=l.source AND e.seq=l.event_seq)",
      "检查登记来源", [](const Stmt& q) {
        return "register log " + q.text(0) + " seq " + q.text(1) + ": no such case event";
      });
  if (!r) return std::unexpected(r.error());
  r = scan(
      "SELECT source FROM register_log l WHERE source LIKE 'import:%' AND NOT EXISTS "
      "(SELECT 1 FROM import_batches b WHERE 'import:' || b.batch_id = l.source)",
      "检查登记来源",
      [](const Stmt& q) { return "register log " + q.text(0) + ": no such import batch"; });
  if (!r) return std::unexpected(r.error());
  return problems;
}

}  // namespace jingban::sqlite
