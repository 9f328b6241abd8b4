#include "registers/signing.hpp"

#include <cstdio>

#include "registers/filing.hpp"

namespace jingban {

using nlohmann::json;

namespace {

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

const char* benefitCategoryName(const std::string& category) {
  if (category == kGraduateCategory) return "应届毕业生";
  if (category == kVeteranCategory) return "退役军人";
  return "";
}

std::string benefitQualificationKey(const std::string& category, const std::string& id_no) {
  return category + ":" + id_no;
}

RegisterEntry toEntry(const OutpatientSigning& s) {
  RegisterEntry e;
  e.kind = kOutpatientSigningKind;
  e.region = s.region;
  e.key = s.id_no;
  e.owner = s.id_no;
  e.status = s.status;
  e.from = s.from;
  e.data = {{"name", s.name},
            {"institution_code", s.institution_code},
            {"institution_name", s.institution_name},
            {"doctor", s.doctor},
            {"channel", s.channel},
            {"item_code", s.item_code},
            {"case_no", s.case_no},
            {"replaced_case", s.replaced_case}};
  return e;
}

RegisterEntry toEntry(const BenefitQualification& q) {
  RegisterEntry e;
  e.kind = kBenefitQualificationKind;
  e.region = q.region;
  e.key = benefitQualificationKey(q.category, q.id_no);
  e.owner = q.id_no;
  e.status = q.status;
  e.from = q.from;
  e.data = {{"name", q.name},
            {"category", q.category},
            {"category_name", benefitCategoryName(q.category)},
            {"enrolment_month", q.enrolment_month},
            {"unit", q.unit},
            {"window_from", q.window_from},
            {"window_to", q.window_to},
            {"confirmed_on", q.confirmed_on},
            {"item_code", q.item_code},
            {"case_no", q.case_no}};
  if (q.category == kGraduateCategory) e.data["graduation_year"] = q.graduation_year;
  if (q.category == kVeteranCategory) e.data["discharge_date"] = q.discharge_date;
  return e;
}

std::optional<OutpatientSigning> signingFromEntry(const RegisterEntry& e) {
  if (e.kind != kOutpatientSigningKind) return std::nullopt;
  OutpatientSigning s;
  s.region = e.region;
  s.id_no = e.owner;
  s.status = e.status;
  s.from = e.from;
  s.name = str(e.data, "name");
  s.institution_code = str(e.data, "institution_code");
  s.institution_name = str(e.data, "institution_name");
  s.doctor = str(e.data, "doctor");
  s.channel = str(e.data, "channel");
  s.item_code = str(e.data, "item_code");
  s.case_no = str(e.data, "case_no");
  s.replaced_case = str(e.data, "replaced_case");
  return s;
}

std::optional<BenefitQualification> benefitQualificationFromEntry(const RegisterEntry& e) {
  if (e.kind != kBenefitQualificationKind) return std::nullopt;
  BenefitQualification q;
  q.region = e.region;
  q.id_no = e.owner;
  q.status = e.status;
  q.from = e.from;
  q.name = str(e.data, "name");
  q.category = str(e.data, "category");
  q.graduation_year = e.data.value("graduation_year", 0);
  q.discharge_date = str(e.data, "discharge_date");
  q.enrolment_month = str(e.data, "enrolment_month");
  q.unit = str(e.data, "unit");
  q.window_from = str(e.data, "window_from");
  q.window_to = str(e.data, "window_to");
  q.confirmed_on = str(e.data, "confirmed_on");
  q.item_code = str(e.data, "item_code");
  q.case_no = str(e.data, "case_no");
  return q;
}

json toJson(const OutpatientSigning& s) {
  json j = toEntry(s).data;
  j["id_no"] = s.id_no;
  j["status"] = s.status;
  j["from"] = s.from;
  return j;
}

json toJson(const BenefitQualification& q) {
  json j = toEntry(q).data;
  j["id_no"] = q.id_no;
  j["status"] = q.status;
  j["from"] = q.from;
  j["to"] = nullptr;  // the qualification has no end
  if (!j.contains("graduation_year")) j["graduation_year"] = nullptr;
  if (!j.contains("discharge_date")) j["discharge_date"] = nullptr;
  return j;
}

std::string signingChangeableOn(const std::string& from, int change_min_months) {
  return change_min_months <= 0 ? from : dateAfterMonths(from, change_min_months);
}

EnrolmentWindow graduateWindow(int graduation_year) {
  char first[16], last[16];
  std::snprintf(first, sizeof first, "%04d-01", graduation_year);
  std::snprintf(last, sizeof last, "%04d-12", graduation_year);
  return {first, last};
}

EnrolmentWindow veteranWindow(const std::string& discharge_date) {
  return {discharge_date.substr(0, 7), dateAfterMonths(discharge_date, 12).substr(0, 7)};
}

bool employeeInsurance(const Enrolment& e) {
  return e.insurance_type == "职工" || e.insurance_type == "灵活就业";
}

std::optional<Enrolment> employeeEnrolmentWithin(const std::vector<Enrolment>& periods,
                                                 const EnrolmentWindow& w) {
  std::optional<Enrolment> best;
  for (const auto& p : periods) {
    if (!employeeInsurance(p) || p.from < w.first_month || p.from > w.last_month) continue;
    if (!best || p.from < best->from) best = p;
  }
  return best;
}

std::string employeeEnrolmentStarts(const std::vector<Enrolment>& periods) {
  std::string out;
  for (const auto& p : periods)
    if (employeeInsurance(p)) out += (out.empty() ? "" : "、") + p.from;
  return out;
}

}  // namespace jingban
