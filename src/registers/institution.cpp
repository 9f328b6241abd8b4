#include "registers/institution.hpp"

#include <algorithm>
#include <cstdio>

#include "common/text.hpp"

namespace jingban {

using nlohmann::json;

namespace {

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysIn(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

struct Ymd {
  int y = 0, m = 0, d = 0;
};

std::optional<Ymd> parseYmd(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  Ymd r{std::stoi(s.substr(0, 4)), std::stoi(s.substr(5, 2)), std::stoi(s.substr(8, 2))};
  if (r.y < 1 || r.m < 1 || r.m > 12 || r.d < 1 || r.d > daysIn(r.y, r.m)) return std::nullopt;
  return r;
}

std::string text(const Ymd& v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", v.y, v.m, v.d);
  return buf;
}

}  // namespace

std::string plusMonths(const std::string& date, int months) {
  auto v = parseYmd(date);
  if (!v) return "";
  int total = v->y * 12 + (v->m - 1) + months;
  Ymd r{total / 12, total % 12 + 1, 0};
  r.d = std::min(v->d, daysIn(r.y, r.m));
  return text(r);
}

std::string quarterEnd(const std::string& date) {
  auto v = parseYmd(date);
  if (!v) return "";
  int m = ((v->m - 1) / 3 + 1) * 3;
  return text(Ymd{v->y, m, daysIn(v->y, m)});
}

// ---- the institution ---------------------------------------------------------------------------

RegisterEntry toEntry(const Institution& i) {
  RegisterEntry e;
  e.kind = kInstitutionRegister;
  e.region = i.region;
  e.key = i.code;
  e.owner = i.credit_code;
  e.status = i.status;
  e.from = i.from;
  e.to = i.to;
  e.data = {{"name", i.name},         {"category", i.category},         {"level", i.level},
            {"division", i.division}, {"agreement_no", i.agreement_no}, {"case_no", i.case_no},
            {"address", i.address},   {"bank_account", i.bank_account}};
  if (!i.status_changes.empty()) e.data["status_changes"] = statusChangesJson(i.status_changes);
  return e;
}

json statusChangesJson(const std::vector<StatusChange>& changes) {
  json out = json::array();
  for (const auto& c : changes)
    out.push_back({{"status", c.status},
                   {"before", c.before},
                   {"effective_on", c.effective_on},
                   {"reason", c.reason},
                   {"by", c.by},
                   {"at", c.at}});
  return out;
}

std::vector<StatusChange> statusChangesFrom(const json& j) {
  std::vector<StatusChange> out;
  if (!j.is_array()) return out;
  for (const auto& c : j)
    if (c.is_object())
      out.push_back({str(c, "status"), str(c, "before"), str(c, "effective_on"), str(c, "reason"),
                     str(c, "by"), str(c, "at")});
  return out;
}

Institution institutionFromEntry(const RegisterEntry& e) {
  Institution i;
  i.region = e.region;
  i.code = e.key;
  i.credit_code = e.owner;
  i.status = e.status;
  i.from = e.from;
  i.to = e.to;
  i.name = str(e.data, "name");
  i.category = str(e.data, "category");
  i.level = str(e.data, "level");
  i.division = str(e.data, "division");
  i.agreement_no = str(e.data, "agreement_no");
  i.case_no = str(e.data, "case_no");
  i.address = str(e.data, "address");
  i.bank_account = str(e.data, "bank_account");
  if (auto c = e.data.find("status_changes"); c != e.data.end())
    i.status_changes = statusChangesFrom(*c);
  return i;
}

json institutionJson(const Institution& i) {
  return {{"region", i.region},
          {"code", i.code},
          {"credit_code", i.credit_code},
          {"status", i.status},
          {"from", i.from},
          {"to", i.to},
          {"name", i.name},
          {"category", i.category},
          {"level", i.level},
          {"division", i.division},
          {"agreement_no", i.agreement_no},
          {"case_no", i.case_no},
          {"address", i.address},
          {"bank_account", i.bank_account}};
}

// ---- status over time --------------------------------------------------------------------------

std::string statusOn(const Institution& i, const std::string& day) {
  if (i.status_changes.empty()) return i.status;
  std::string s = i.status_changes.front().before;
  for (const auto& c : i.status_changes)
    if (c.effective_on <= day) s = c.status;
  return s;
}

std::string statusSince(const Institution& i, const std::string& day) {
  std::string since;
  for (const auto& c : i.status_changes)
    if (c.effective_on <= day) since = c.effective_on;
  return since;
}

namespace {

Error refuse(const char* slug, std::string message) {
  return Error{ErrorCode::kUnprocessable, slug, std::move(message)};
}

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

}  // namespace

Result<Institution> changeStatus(const Institution& i, const StatusRequest& r) {
  if (r.status != kInstitutionStatusDesignated && r.status != kInstitutionStatusSuspended &&
      r.status != kInstitutionStatusEnded)
    return std::unexpected(refuse("institution_status_invalid",
                                  "定点状态须为“定点”（恢复定点）、“暂停”或“解除”（解除协议）"));
  if (blank(r.reason))
    return std::unexpected(refuse("reason_required", "请填写变更定点状态的原因"));
  if (utf8Length(r.reason) > kMaxStatusReasonChars)
    return std::unexpected(refuse("reason_too_long", "变更原因至多 200 个字"));
  if (!parseYmd(r.effective_on))
    return std::unexpected(
        refuse("effective_on_invalid", "生效日期须为 YYYY-MM-DD 格式的有效日期"));
  if (i.status == kInstitutionStatusEnded)
    return std::unexpected(
        refuse("institution_terminated", "“" + i.name + "”的服务协议已解除，定点状态不能再变更"));
  if (r.status == i.status)
    return std::unexpected(
        refuse("status_unchanged", "“" + i.name + "”目前已是“" + i.status + "”状态，无需变更"));
  if (i.from.empty() || r.effective_on < i.from)
    return std::unexpected(refuse("effective_before_agreement",
                                  "生效日期不能早于服务协议起始日期（" +
                                      (i.from.empty() ? std::string("未定") : i.from) + "）"));
  if (!r.today.empty() && r.effective_on > r.today)
    return std::unexpected(refuse("effective_in_future",
                                  "生效日期不能晚于今天：定点状态的变更请在生效当日或之后登记"));
  if (!i.status_changes.empty() && r.effective_on < i.status_changes.back().effective_on)
    return std::unexpected(
        refuse("effective_before_last_change", "生效日期不能早于上一次定点状态变更的生效日期（" +
                                                   i.status_changes.back().effective_on + "）"));
  Institution out = i;
  out.status_changes.push_back({r.status, i.status, r.effective_on, r.reason, r.by, r.at});
  out.status = r.status;
  return out;
}

std::string designationPrefix(const std::string& category) {
  if (category == kCategoryHospital) return "H";
  if (category == kCategoryPharmacy) return "P";
  return "";
}

std::string designationCode(const std::string& prefix, const std::string& division, int64_t seq) {
  if (prefix.empty() || division.size() != 6 || seq < 1 || seq > 99999) return "";
  for (char ch : division)
    if (ch < '0' || ch > '9') return "";
  char buf[8];
  std::snprintf(buf, sizeof buf, "%05lld", static_cast<long long>(seq));
  return prefix + division + buf;
}

std::string designationCounter(const std::string& region, const std::string& prefix) {
  return "institution:" + region + ":" + prefix;
}

std::string agreementNumber(const std::string& code, const std::string& signed_on) {
  // The seeds give no numbering of agreements: the institution's code and the year signed make it
  // unique (one agreement per institution per year) and readable.
  return "XY-" + code + "-" + signed_on.substr(0, 4);
}

// ---- applications ------------------------------------------------------------------------------

RegisterEntry toEntry(const ApplicationRecord& r) {
  RegisterEntry e;
  e.kind = kInstitutionApplicationRegister;
  e.region = r.region;
  e.key = r.credit_code;
  e.owner = r.credit_code;
  json outcomes = json::array();
  for (const auto& o : r.outcomes)
    outcomes.push_back({{"on", o.on},
                        {"case_no", o.case_no},
                        {"category", o.category},
                        {"result", o.result},
                        {"step", o.step},
                        {"reason", o.reason}});
  // The entry's status, from and to say at a glance where the institution stands: the latest
  // outcome, its date, and (after a failure) the first day it may apply again.
  if (!r.outcomes.empty()) {
    const auto& last = r.outcomes.back();
    Reapply rule = reapplyRule(r.outcomes, last.category);
    e.status = last.result == "定点" ? "已定点" : rule.barred ? "一年内不得申请" : "整改期";
    e.from = last.on;
    e.to = rule.may_apply_on;
  }
  e.data = {{"name", r.name}, {"outcomes", std::move(outcomes)}};
  return e;
}

ApplicationRecord applicationFromEntry(const RegisterEntry& e) {
  ApplicationRecord r;
  r.region = e.region;
  r.credit_code = e.key;
  r.name = str(e.data, "name");
  auto it = e.data.find("outcomes");
  if (it != e.data.end() && it->is_array())
    for (const auto& o : *it)
      r.outcomes.push_back(ApplicationOutcome{str(o, "on"), str(o, "case_no"), str(o, "category"),
                                              str(o, "result"), str(o, "step"), str(o, "reason")});
  return r;
}

Reapply reapplyRule(const std::vector<ApplicationOutcome>& outcomes, const std::string& category) {
  Reapply r;
  for (const auto& o : outcomes) {
    if (o.category != category) continue;
    if (o.result == "定点") {
      r = Reapply{};
      continue;
    }
    if (o.result != "不合格") continue;
    // A failure after a run's bar (or its first) starts a run; the next one within the run is
    // the re-evaluation after rectification, and failing it bars the institution for a year.
    if (r.failures_in_run == 0 || r.barred) {
      r.failures_in_run = 1;
      r.barred = false;
      r.may_apply_on = plusMonths(o.on, 3);
    } else {
      r.failures_in_run = 2;
      r.barred = true;
      r.may_apply_on = plusMonths(o.on, 12);
    }
  }
  return r;
}

}  // namespace jingban
