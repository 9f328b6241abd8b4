#include "registers/transfer.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>

namespace jingban::transfer {

using nlohmann::json;

namespace {

const std::vector<std::string>& allRegions() {
  static const std::vector<std::string> k{"qinghai", "xining", "yunnan", "qingdao"};
  return k;
}

std::mutex g_local_mu;
std::vector<std::string> g_local = allRegions();

Error refused(const char* slug, std::string message) {
  return Error{ErrorCode::kUnprocessable, slug, std::move(message)};
}

bool isDate(const std::string& s) { return s.size() == 10 && s[4] == '-' && s[7] == '-'; }

int periodMonths(const json& periods) {
  int n = 0;
  for (const auto& p : periods) {
    int a = monthIndex(p.value("from", "")), b = monthIndex(p.value("to", ""));
    if (a < 0 || b < a) return -1;
    n += b - a + 1;
  }
  return n;
}

}  // namespace

bool knownRegion(const std::string& region) {
  const auto& all = allRegions();
  return std::find(all.begin(), all.end(), region) != all.end();
}

void setLocalRegions(std::vector<std::string> regions) {
  std::lock_guard lk(g_local_mu);
  g_local = std::move(regions);
}

bool isLocalRegion(const std::string& region) {
  std::lock_guard lk(g_local_mu);
  return std::find(g_local.begin(), g_local.end(), region) != g_local.end();
}

Transfer newTransfer(std::string transfer_id, std::string region, std::string id_no,
                     std::string name, std::string from_region, std::string to_region) {
  Transfer t;
  t.transfer_id = std::move(transfer_id);
  t.region = std::move(region);
  t.id_no = std::move(id_no);
  t.name = std::move(name);
  t.from_region = std::move(from_region);
  t.to_region = std::move(to_region);
  t.stages = {Stage{kStageLetter, t.to_region, "", ""}, Stage{kStageSheet, t.from_region, "", ""},
              Stage{kStageContinue, t.to_region, "", ""}};
  return t;
}

Stage* stage(Transfer& t, const std::string& name) {
  for (auto& s : t.stages)
    if (s.name == name) return &s;
  return nullptr;
}

RegisterEntry toEntry(const Transfer& t) {
  RegisterEntry e;
  e.kind = kKind;
  e.region = t.region;
  e.key = t.transfer_id;
  e.owner = t.id_no;
  e.status = t.status;
  e.from = t.stages.empty() ? "" : t.stages.front().started_on;
  json stages = json::array();
  for (const auto& s : t.stages)
    stages.push_back({{"name", s.name},
                      {"region", s.region},
                      {"started_on", s.started_on},
                      {"done_on", s.done_on}});
  e.data = {{"name", t.name},
            {"from_region", t.from_region},
            {"to_region", t.to_region},
            {"case_no", t.case_no},
            {"stages", stages},
            {"contribution_months", t.contribution_months},
            {"balance_fen", t.balance_fen},
            {"periods", t.periods},
            {"refusal", t.refusal}};
  return e;
}

Result<Transfer> fromEntry(const RegisterEntry& e) {
  try {
    Transfer t;
    t.transfer_id = e.key;
    t.region = e.region;
    t.id_no = e.owner;
    t.status = e.status;
    t.name = e.data.at("name").get<std::string>();
    t.from_region = e.data.at("from_region").get<std::string>();
    t.to_region = e.data.at("to_region").get<std::string>();
    t.case_no = e.data.value("case_no", "");
    for (const auto& s : e.data.at("stages"))
      t.stages.push_back(Stage{s.at("name").get<std::string>(), s.at("region").get<std::string>(),
                               s.at("started_on").get<std::string>(),
                               s.at("done_on").get<std::string>()});
    t.contribution_months = e.data.at("contribution_months").get<int>();
    t.balance_fen = e.data.at("balance_fen").get<int64_t>();
    t.periods = e.data.value("periods", json::array());
    t.refusal = e.data.value("refusal", "");
    return t;
  } catch (const json::exception&) {
    return fail(ErrorCode::kInternal, "bad_transfer_entry", "转移接续登记记录格式有误");
  }
}

json toJson(const Message& m) {
  return {{"message_id", m.message_id},   {"type", m.type},
          {"transfer_id", m.transfer_id}, {"from_region", m.from_region},
          {"to_region", m.to_region},     {"body", m.body}};
}

Message makeMessage(const std::string& type, const Transfer& t, const std::string& from,
                    const std::string& to, json body) {
  body["id_no"] = t.id_no;
  body["name"] = t.name;
  body["transfer_from"] = t.from_region;
  body["transfer_to"] = t.to_region;
  return Message{t.transfer_id + "/" + type, type, t.transfer_id, from, to, std::move(body)};
}

Result<Message> messageFromJson(const json& j) {
  auto bad = [] { return fail(ErrorCode::kBadRequest, "bad_message", "转移接续文书格式有误"); };
  if (!j.is_object()) return bad();
  for (const char* k : {"message_id", "type", "transfer_id", "from_region", "to_region"})
    if (!j.contains(k) || !j[k].is_string() || j[k].get<std::string>().empty() ||
        j[k].get<std::string>().size() > 120)
      return bad();
  if (!j.contains("body") || !j["body"].is_object()) return bad();
  Message m{j["message_id"],  j["type"],      j["transfer_id"],
            j["from_region"], j["to_region"], j["body"]};
  static const std::vector<std::string> kTypes{"contact_letter", "info_sheet", "refusal",
                                               "completed"};
  if (std::find(kTypes.begin(), kTypes.end(), m.type) == kTypes.end()) return bad();
  if (m.message_id != m.transfer_id + "/" + m.type) return bad();
  if (!knownRegion(m.from_region) || !knownRegion(m.to_region) || m.from_region == m.to_region)
    return fail(ErrorCode::kUnprocessable, "unknown_region", "文书的发出地或接收地不是已知统筹区");
  const json& b = m.body;
  for (const char* k : {"id_no", "name", "transfer_from", "transfer_to"})
    if (!b.contains(k) || !b[k].is_string()) return bad();
  // The document must travel along the transfer: letters to the 转出地, answers to the 转入地.
  bool towards_sender = m.type == "contact_letter" || m.type == "completed";
  std::string tf = b["transfer_from"], tt = b["transfer_to"];
  if ((towards_sender && (m.from_region != tt || m.to_region != tf)) ||
      (!towards_sender && (m.from_region != tf || m.to_region != tt)))
    return bad();
  try {
    if (m.type == "contact_letter") {
      if (!isDate(b.at("started_on").get<std::string>()) ||
          !isDate(b.at("done_on").get<std::string>()))
        return bad();
    } else if (m.type == "info_sheet" || m.type == "completed") {
      int64_t balance = b.at("balance_fen").get<int64_t>();
      int months = b.at("contribution_months").get<int>();
      if (balance < 0 || months < 0) return bad();
      if (m.type == "info_sheet") {
        if (!b.at("periods").is_array() || !isDate(b.at("sent_on").get<std::string>()))
          return bad();
        if (b.at("funds_fen").get<int64_t>() != balance)
          return std::unexpected(refused("balance_mismatch",
                                         "信息表所载个人账户余额与随文划转的资金不一致，不予接收"));
        if (periodMonths(b["periods"]) != months)
          return std::unexpected(
              refused("months_mismatch", "信息表所载缴费月数与所列参保期间不一致，不予接收"));
      } else if (!isDate(b.at("done_on").get<std::string>())) {
        return bad();
      }
    } else if (!b.at("reason").is_string()) {
      return bad();
    }
  } catch (const json::exception&) {
    return bad();
  }
  return m;
}

Result<void> queue(RegisterTx& tx, const Message& m, const std::string& date, const Cause& cause) {
  RegisterEntry e;
  e.kind = kOutboxKind;
  e.region = m.from_region;
  e.key = m.message_id;
  e.owner = m.to_region;
  e.status = "待发送";
  e.from = date;
  e.data = toJson(m);
  return tx.putEntry(e, cause);
}

json toJson(const Receipt& r) {
  return {{"message", toJson(r.message)}, {"received_on", r.received_on}};
}

Result<Receipt> receiptFromJson(const json& j) {
  if (!j.is_object() || !j.contains("message") || !j.contains("received_on"))
    return fail(ErrorCode::kInternal, "bad_receipt", "转移接续文书接收记录格式有误");
  auto m = messageFromJson(j["message"]);
  if (!m) return std::unexpected(m.error());
  return Receipt{std::move(*m), j["received_on"].get<std::string>()};
}

json paidPeriods(const Person& p, const std::string& until) {
  json out = json::array();
  int end = monthIndex(until);
  for (const auto& e : p.enrolments) {
    if (e.status != kEnrolPaying) continue;
    int a = monthIndex(e.from), b = e.to.empty() ? end : std::min(monthIndex(e.to), end);
    if (a < 0 || b < a) continue;
    out.push_back(
        {{"from", monthText(a)}, {"to", monthText(b)}, {"insurance_type", e.insurance_type}});
  }
  return out;
}

namespace {

// 转出地, on the 联系函: the 参保凭证 and 信息表, the balance out of the ledger, the enrolment
// ended.
Result<void> onLetter(const Receipt& r, RegisterTx& tx, const Cause& cause, bool direct) {
  const Message& m = r.message;
  auto existing = tx.entry(kKind, m.to_region, m.transfer_id);
  if (!existing) return std::unexpected(existing.error());
  if (*existing) return {};  // a second letter for the same transfer changes nothing
  Transfer t = newTransfer(m.transfer_id, m.to_region, m.body["id_no"], m.body["name"], m.to_region,
                           m.from_region);
  t.case_no = m.body.value("case_no", "");
  *stage(t, kStageLetter) =
      Stage{kStageLetter, m.from_region, m.body["started_on"], m.body["done_on"]};
  Stage& sheet = *stage(t, kStageSheet);
  sheet.started_on = r.received_on;
  auto person = tx.person(t.region, t.id_no);
  if (!person) return std::unexpected(person.error());
  std::string until = r.received_on.substr(0, 7);
  json periods = *person ? paidPeriods(**person, until) : json::array();
  if (periods.empty()) {
    t.status = kRefused;
    t.refusal = "转出地未查到该人员的参保缴费记录";
    sheet.done_on = r.received_on;
    if (auto w = tx.putEntry(toEntry(t), cause); !w) return w;
    return send(tx, makeMessage("refusal", t, t.region, t.to_region, {{"reason", t.refusal}}),
                r.received_on, cause, direct);
  }
  Person p = **person;
  int months = periodMonths(periods);
  // The periods move to the 转入地: here they end (终止), so the months add up exactly across the
  // two registers, and the open period closes with the month of the letter.
  for (auto& e : p.enrolments) {
    if (e.status == kEnrolPaying && e.to.empty()) e.to = until;
    if (e.status == kEnrolPaying) e.status = kEnrolEnded;
  }
  p.status = kEnrolEnded;
  if (auto w = tx.putPerson(p, cause); !w) return w;
  auto account = tx.account(t.region, t.id_no);
  if (!account) return std::unexpected(account.error());
  int64_t balance = *account ? (*account)->balance_fen : 0;
  if (balance > 0)
    if (auto w = tx.addAccountEntry(t.region, t.id_no,
                                    AccountEntry{cause.at, -balance, "转出", cause.source});
        !w)
      return w;
  if (*account && (*account)->status == "正常")
    if (auto w = tx.closeAccount(t.region, t.id_no, cause); !w) return w;
  t.status = kTransferredOut;
  t.contribution_months = months;
  t.balance_fen = balance;
  t.periods = periods;
  sheet.done_on = r.received_on;
  if (auto w = tx.putEntry(toEntry(t), cause); !w) return w;
  return send(tx,
              makeMessage("info_sheet", t, t.region, t.to_region,
                          {{"periods", periods},
                           {"contribution_months", months},
                           {"balance_fen", balance},
                           {"funds_fen", balance},
                           {"sent_on", r.received_on}}),
              r.received_on, cause, direct);
}

}  // namespace

Result<void> send(RegisterTx& tx, const Message& m, const std::string& date, const Cause& cause,
                  bool direct) {
  if (!direct) return queue(tx, m, date, cause);
  // Checked as a peer's document would be (the figures of an 信息表 must agree).
  auto checked = messageFromJson(toJson(m));
  if (!checked) return std::unexpected(checked.error());
  return applyReceipt(Receipt{*checked, date}, tx, cause, true);
}

Result<void> applyReceipt(const Receipt& r, RegisterTx& tx, const Cause& cause, bool direct) {
  const Message& m = r.message;
  if (m.type == "contact_letter") return onLetter(r, tx, cause, direct);
  // The other documents answer a transfer this region already holds.
  auto found = tx.entry(kKind, m.to_region, m.transfer_id);
  if (!found) return std::unexpected(found.error());
  if (!*found) return fail(ErrorCode::kNotFound, "unknown_transfer", "本统筹区没有该转移接续记录");
  auto t = fromEntry(**found);
  if (!t) return std::unexpected(t.error());
  if (t->id_no != m.body["id_no"].get<std::string>())
    return fail(ErrorCode::kUnprocessable, "person_mismatch", "文书所载人员与转移接续记录不符");
  if (m.type == "info_sheet") {
    if (t->status != kLetterSent) return {};
    t->status = kAwaiting;
    t->contribution_months = m.body["contribution_months"].get<int>();
    t->balance_fen = m.body["balance_fen"].get<int64_t>();
    t->periods = m.body["periods"];
    Stage& sheet = *stage(*t, kStageSheet);
    sheet.started_on = m.body.value("started_on", m.body["sent_on"].get<std::string>());
    sheet.done_on = m.body["sent_on"].get<std::string>();
    stage(*t, kStageContinue)->started_on = r.received_on;
  } else if (m.type == "refusal") {
    if (t->status != kLetterSent) return {};
    t->status = kRefused;
    t->refusal = m.body["reason"].get<std::string>();
    stage(*t, kStageSheet)->done_on = r.received_on;
  } else {  // completed: the 转入地 has continued the enrolment
    if (t->status == kDone) return {};
    if (t->contribution_months != m.body["contribution_months"].get<int>() ||
        t->balance_fen != m.body["balance_fen"].get<int64_t>())
      return std::unexpected(
          refused("figures_mismatch", "转入地办结的缴费月数或余额与本地转出记录不一致"));
    t->status = kDone;
    Stage& cont = *stage(*t, kStageContinue);
    cont.started_on = m.body.value("started_on", "");
    cont.done_on = m.body["done_on"].get<std::string>();
  }
  return tx.putEntry(toEntry(*t), cause);
}

}  // namespace jingban::transfer
