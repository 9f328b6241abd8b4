// 参保记录 as a printable page: the person's 参保缴费记录 or 参保凭证 and the unit's 参保记录, as
// A4 HTML in Chinese. Pure: the record document (JSON) in, the page out; the routes build the
// document.
//
// The document (what GET …/persons/{id_no}/record and …/units/{credit_code}/record answer, and
// what GET /cases/{case_no}/record.html builds from the record kept in the case):
//   kind "person" | "unit", title, region_name, generated_at (ISO 8601), as_of ("YYYY-MM"),
//   person: name, id_no (masked here again), insurance_type, status, employment, unit (a credit
//     code, or {credit_code, name}), enrolments [{from, to, status, insurance_type, unit,
//     region_name?}], contribution_months;
//   unit: credit_code, name, type, status, address, legal_representative?, insured_employees?
//     (null: not counted), status_periods? [{from, to, status, case_no, import_batch}],
//     history? [{at, case_no, import_batch, changes: {field: {before, after}}}];
//   case? {case_no, item_name, closed_on (null: not yet 办结)}: a record kept in a case.
// Every value is HTML-escaped; a missing one is shown as "—".
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace jingban {

std::string recordHtml(const nlohmann::json& document);

// "YYYY-MM" → "YYYY年MM月"; "" → "至今" (an open period); anything else is returned unchanged.
std::string monthDisplay(const std::string& month);
// "2026-03-10T10:00:00+08:00" → "2026年03月10日 10:00:00"; "2026-03-10" → "2026年03月10日";
// anything else unchanged.
std::string timeDisplay(const std::string& iso);
// N months as "X年Y个月" ("0个月" for none).
std::string monthsDisplay(int64_t months);

}  // namespace jingban
