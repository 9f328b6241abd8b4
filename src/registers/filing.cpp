#include "registers/filing.hpp"

#include <algorithm>
#include <cstdio>

namespace jingban {

using nlohmann::json;

namespace {

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

RegisterEntry toEntry(const Filing& f) {
  RegisterEntry e;
  e.kind = kFilingKind;
  e.region = f.region;
  e.key = f.number;
  e.owner = f.id_no;
  e.status = f.status;
  e.from = f.from;
  e.to = f.to;
  e.data = {{"name", f.name},         {"category", f.category},       {"long_term", f.long_term},
            {"scope", f.scope},       {"destination", f.destination}, {"hospital", f.hospital},
            {"proof", f.proof},       {"item_code", f.item_code},     {"case_no", f.case_no},
            {"replaces", f.replaces}, {"ended_by", f.ended_by}};
  return e;
}

RegisterEntry toEntry(const Qualification& q) {
  RegisterEntry e;
  e.kind = kQualificationKind;
  e.region = q.region;
  e.key = q.number;
  e.owner = q.id_no;
  e.status = q.status;
  e.from = q.from;
  e.to = q.to;
  e.data = {{"name", q.name},
            {"disease_code", q.disease_code},
            {"disease_name", q.disease_name},
            {"disease_kind", q.disease_kind},
            {"hospital", q.hospital},
            {"assessment", q.assessment},
            {"item_code", q.item_code},
            {"case_no", q.case_no},
            {"renews", q.renews}};
  return e;
}

std::optional<Filing> filingFromEntry(const RegisterEntry& e) {
  if (e.kind != kFilingKind) return std::nullopt;
  Filing f;
  f.region = e.region;
  f.number = e.key;
  f.id_no = e.owner;
  f.status = e.status;
  f.from = e.from;
  f.to = e.to;
  f.name = str(e.data, "name");
  f.category = str(e.data, "category");
  f.long_term = e.data.value("long_term", false);
  f.scope = str(e.data, "scope");
  f.destination = str(e.data, "destination");
  f.hospital = str(e.data, "hospital");
  f.proof = str(e.data, "proof");
  f.item_code = str(e.data, "item_code");
  f.case_no = str(e.data, "case_no");
  f.replaces = str(e.data, "replaces");
  f.ended_by = str(e.data, "ended_by");
  return f;
}

std::optional<Qualification> qualificationFromEntry(const RegisterEntry& e) {
  if (e.kind != kQualificationKind) return std::nullopt;
  Qualification q;
  q.region = e.region;
  q.number = e.key;
  q.id_no = e.owner;
  q.status = e.status;
  q.from = e.from;
  q.to = e.to;
  q.name = str(e.data, "name");
  q.disease_code = str(e.data, "disease_code");
  q.disease_name = str(e.data, "disease_name");
  q.disease_kind = str(e.data, "disease_kind");
  q.hospital = str(e.data, "hospital");
  q.assessment = str(e.data, "assessment");
  q.item_code = str(e.data, "item_code");
  q.case_no = str(e.data, "case_no");
  q.renews = str(e.data, "renews");
  return q;
}

json toJson(const Filing& f) {
  json j = toEntry(f).data;
  j["number"] = f.number;
  j["id_no"] = f.id_no;
  j["status"] = f.status;
  j["from"] = f.from;
  j["to"] = f.to.empty() ? json(nullptr) : json(f.to);
  return j;
}

json toJson(const Qualification& q) {
  json j = toEntry(q).data;
  j["number"] = q.number;
  j["id_no"] = q.id_no;
  j["status"] = q.status;
  j["from"] = q.from;
  j["to"] = q.to.empty() ? json(nullptr) : json(q.to);
  return j;
}

std::string registerNumber(const std::string& prefix, const std::string& division_code, int64_t n) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%06lld", static_cast<long long>(n));
  return prefix + division_code + digits;
}

// "YYYY-MM-DD" strings compare as dates.
bool periodsOverlap(const std::string& a_from, const std::string& a_to, const std::string& b_from,
                    const std::string& b_to) {
  bool a_before_b_ends = b_to.empty() || a_from <= b_to;
  bool b_before_a_ends = a_to.empty() || b_from <= a_to;
  return a_before_b_ends && b_before_a_ends;
}

bool dateWithin(const std::string& date, const std::string& from, const std::string& to) {
  return from <= date && (to.empty() || date <= to);
}

namespace {

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int monthDays(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}
std::string ymd(int y, int m, int d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

}  // namespace

std::string dateAfterMonths(const std::string& date, int months) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(date.c_str(), "%d-%d-%d", &y, &m, &d) != 3 || m < 1 || m > 12) return date;
  int index = y * 12 + (m - 1) + months;
  y = index / 12;
  m = index % 12 + 1;
  return ymd(y, m, std::min(d, monthDays(y, m)));
}

std::string dayBefore(const std::string& date) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(date.c_str(), "%d-%d-%d", &y, &m, &d) != 3 || m < 1 || m > 12) return date;
  if (d > 1) return ymd(y, m, d - 1);
  if (m > 1) return ymd(y, m - 1, monthDays(y, m - 1));
  return ymd(y - 1, 12, 31);
}

}  // namespace jingban
