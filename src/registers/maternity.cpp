#include "registers/maternity.hpp"

namespace jingban {

using nlohmann::json;

RegisterEntry toEntry(const MaternityRecord& r) {
  RegisterEntry e;
  e.kind = kMaternityKind;
  e.region = r.region;
  e.key = r.case_no;
  e.owner = r.id_no;
  e.status = r.status;
  e.from = r.type == "filing" ? r.recorded_on : r.event_date;
  e.data = {{"type", r.type},
            {"name", r.name},
            {"unit", r.unit},
            {"event_date", r.event_date},
            {"event_kind", r.event_kind},
            {"babies", r.babies},
            {"spouse_id_no", r.spouse_id_no},
            {"recorded_on", r.recorded_on},
            {"amount_fen", r.amount_fen},
            {"days", r.days},
            {"payee_kind", r.payee_kind},
            {"detail", r.detail}};
  return e;
}

MaternityRecord maternityFromEntry(const RegisterEntry& e) {
  MaternityRecord r;
  r.region = e.region;
  r.case_no = e.key;
  r.id_no = e.owner;
  r.status = e.status;
  const json& d = e.data;
  r.type = d.value("type", "");
  r.name = d.value("name", "");
  r.unit = d.value("unit", "");
  r.event_date = d.value("event_date", "");
  r.event_kind = d.value("event_kind", "");
  r.babies = d.value("babies", 0);
  r.spouse_id_no = d.value("spouse_id_no", "");
  r.recorded_on = d.value("recorded_on", "");
  r.amount_fen = d.value("amount_fen", int64_t{0});
  r.days = d.value("days", 0);
  r.payee_kind = d.value("payee_kind", "");
  if (d.contains("detail")) r.detail = d["detail"];
  return r;
}

json maternityJson(const MaternityRecord& r) {
  return {{"case_no", r.case_no},
          {"type", r.type},
          {"status", r.status},
          {"name", r.name},
          {"unit", r.unit},
          {"event_date", r.event_date},
          {"event_kind", r.event_kind},
          {"babies", r.babies},
          {"spouse_id_no", r.spouse_id_no},
          {"recorded_on", r.recorded_on},
          {"amount_fen", r.amount_fen},
          {"days", r.days},
          {"payee_kind", r.payee_kind},
          {"detail", r.detail}};
}

std::string wageKey(const std::string& credit_code, int year) {
  return credit_code + ":" + std::to_string(year);
}

RegisterEntry toEntry(const WageDeclaration& w) {
  RegisterEntry e;
  e.kind = kWageKind;
  e.region = w.region;
  e.key = wageKey(w.credit_code, w.year);
  e.owner = w.credit_code;
  e.status = "已申报";
  e.from = std::to_string(w.year) + "-01-01";
  e.to = std::to_string(w.year) + "-12-31";
  e.data = {{"year", w.year},
            {"unit_name", w.unit_name},
            {"case_no", w.case_no},
            {"wage_total_fen", w.wage_total_fen},
            {"employees", w.employees},
            {"avg_monthly_wage_fen", w.avg_monthly_wage_fen},
            {"declared_on", w.declared_on}};
  return e;
}

WageDeclaration wageFromEntry(const RegisterEntry& e) {
  WageDeclaration w;
  w.region = e.region;
  w.credit_code = e.owner;
  const json& d = e.data;
  w.year = d.value("year", 0);
  w.unit_name = d.value("unit_name", "");
  w.case_no = d.value("case_no", "");
  w.wage_total_fen = d.value("wage_total_fen", int64_t{0});
  w.employees = d.value("employees", 0);
  w.avg_monthly_wage_fen = d.value("avg_monthly_wage_fen", int64_t{0});
  w.declared_on = d.value("declared_on", "");
  return w;
}

json wageJson(const WageDeclaration& w) {
  return {{"year", w.year},
          {"credit_code", w.credit_code},
          {"unit_name", w.unit_name},
          {"case_no", w.case_no},
          {"wage_total_fen", w.wage_total_fen},
          {"employees", w.employees},
          {"avg_monthly_wage_fen", w.avg_monthly_wage_fen},
          {"declared_on", w.declared_on}};
}

RegisterEntry toEntry(const FeeDeclaration& f) {
  RegisterEntry e;
  e.kind = kFeeKind;
  e.region = f.region;
  e.key = f.owner + ":" + f.month;
  e.owner = f.owner;
  e.status = "已核定";
  e.from = f.month + "-01";
  e.data = {{"month", f.month},     {"owner_kind", f.owner_kind}, {"owner_name", f.owner_name},
            {"case_no", f.case_no}, {"assessment", f.assessment}, {"assessed_on", f.assessed_on}};
  return e;
}

json feeJson(const RegisterEntry& e) {
  json j = e.data;
  j["owner"] = e.owner;
  j["status"] = e.status;
  return j;
}

}  // namespace jingban
