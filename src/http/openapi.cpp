// GET /api/v1/openapi.json: the API described for clients and tools (OpenAPI 3.0.3). Written by
// hand from the routes_*.cpp files, the router's 404/405 and the server's own answers (400
// invalid_encoding / bad_http, 413, 431, 500, 503 overloaded); tests/integration/test_openapi.py
// checks that every route the server answers is here and nothing else is.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "http/api.hpp"
#include "workflow/workflow.hpp"

namespace jingban {

using nlohmann::json;

namespace {

// ---- schema helpers ----------------------------------------------------------------------------

json ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
json tString(const char* description = nullptr) {
  json j = {{"type", "string"}};
  if (description) j["description"] = description;
  return j;
}
json tEnum(std::vector<std::string> values, const char* description = nullptr) {
  json j = tString(description);
  j["enum"] = values;
  return j;
}
json tDate(const char* description = nullptr) {
  json j = tString(description);
  j["format"] = "date";
  return j;
}
json tInt(const char* description = nullptr) {
  json j = {{"type", "integer"}, {"format", "int64"}};
  if (description) j["description"] = description;
  return j;
}
json tBool(const char* description = nullptr) {
  json j = {{"type", "boolean"}};
  if (description) j["description"] = description;
  return j;
}
json tArray(json items, const char* description = nullptr) {
  json j = {{"type", "array"}, {"items", std::move(items)}};
  if (description) j["description"] = description;
  return j;
}
json nullable(json schema) {
  // OpenAPI 3.0 ignores siblings of $ref: a nullable reference is an allOf of one.
  // (Every schema referenced this way is an object.)
  if (schema.contains("$ref"))
    return json{{"type", "object"}, {"allOf", json::array({schema})}, {"nullable", true}};
  schema["nullable"] = true;
  return schema;
}
json tObject(std::vector<std::pair<std::string, json>> props,
             std::vector<std::string> required = {}, const char* description = nullptr) {
  json p = json::object();
  for (auto& [k, v] : props) p[k] = std::move(v);
  json j = {{"type", "object"}, {"properties", std::move(p)}};
  if (!required.empty()) j["required"] = required;
  if (description) j["description"] = description;
  return j;
}
json anyObject(const char* description) {
  return {{"type", "object"}, {"additionalProperties", true}, {"description", description}};
}

// ---- error codes -------------------------------------------------------------------------------

// Every `code` an answer of this server can carry (the slugs of fail(ErrorCode::…) / Error{…}
// reachable over HTTP, the router's and the server's own). Start-up, CLI and maintenance slugs
// (catalog_*, calendar_*, backup_*, schema_*, bad_rate_limit, replay_*) never reach a client.
const std::vector<std::string>& errorCodes() {
  static const std::vector<std::string> codes = {
      // the edge (server.cpp) and the router
      "invalid_encoding", "bad_http", "overloaded", "internal", "not_found", "method_not_allowed",
      // request bodies and fields
      "bad_request", "too_deep", "too_long", "bad_number", "bad_limit", "bad_material_status",
      // sign-in, sessions, staff
      "unauthorized", "forbidden", "account_locked", "busy", "rate_limited", "weak_password",
      "invalid_username", "invalid_name", "invalid_roles", "unknown_region", "self_lockout",
      "staff_not_found", "staff_exists",
      // catalog
      "unknown_item", "date_outside_calendar",
      // submission
      "channel_not_offered", "invalid_text", "invalid_phone", "invalid_form", "invalid_id_number",
      "invalid_credit_code", "wrong_applicant", "name_required", "unknown_condition",
      "unknown_material", "commitment_not_allowed", "sharing_not_allowed", "applicant_required",
      "unknown_effect", "internal_item", "applicant_limit_date_required",
      "applicant_limit_date_future", "applicant_limit_passed",
      // actions
      "unknown_action", "staff_only", "applicant_only", "role_required", "wrong_region",
      "four_eyes", "wrong_state", "wrong_step", "paused", "reason_required",
      "outside_acceptance_window", "materials_missing", "materials_required", "nothing_missing",
      "bad_target_step", "amount_required", "amount_out_of_range", "amount_overflow",
      "amount_negative", "not_uncounted", "bad_rating", "already_rated", "no_follow_up",
      "flow_changed", "extension_not_allowed", "extension_exhausted", "working_days_required",
      "working_days_out_of_range", "bad_extension",
      // idempotency and storage
      "idempotency_key_reused", "idempotency_key_in_use", "version_conflict", "case_busy",
      "storage_unavailable",
      // what the registers refuse when a case is accepted, reviewed or paid (effects/)
      "not_insured", "duplicate_unit", "unit_not_found", "unit_not_active", "zero_balance",
      "no_account", "amount_differs", "not_assistance_recipient", "already_subsidised",
      "person_not_found", "already_enrolled", "register_changed", "applicant_not_person",
      "applicant_not_unit", "arrears_required", "heir_required", "no_policy",
      "one_person_per_retirement", "persons_required", "already_retired", "bad_start_month",
      "form_incomplete", "insured_person_required", "key_change_material", "no_settlement",
      "settlement_not_found", "too_many_lines", "month_not_ended", "no_settlement_item",
      "settlement_exists", "not_the_institution", "not_ordered", "wrong_category",
      "no_accepted_lines", "no_fee_catalogue", "outside_agreement", "catalogue_missing",
      "empty_upload", "upload_incomplete", "no_subsidy", "not_resident", "not_suspended",
      "nothing_payable", "nothing_to_change", "settlement_outdated", "suspended_enrolment",
      "unit_cancelled", "arrears_mismatch", "account_closed", "account_insufficient",
      // remote-care filings and disease qualifications (effects/remote_care_filing.cpp,
      // effects/disease_qualification.cpp, the 门诊慢特病 hook of effects/reimbursement.cpp)
      "no_filing_rules", "category_mismatch", "unknown_filing_item", "not_retired",
      "destination_required", "filing_overlap", "filing_no_required", "filing_not_found",
      "filing_expired", "change_too_early", "no_filing_record", "no_disease_catalog",
      "unknown_disease", "limit_condition_required", "limit_condition_mismatch",
      "duplicate_qualification", "no_qualification_record", "not_qualified",
      "chronic_disease_outpatient_only", "no_such_application",
      // designated institutions (effects/institution_agreement.cpp, routes_institutions.cpp)
      "applicant_not_institution", "already_designated", "reapply_too_early", "reapply_barred",
      "bad_level", "level_not_applicable", "code_exhausted", "code_unavailable", "bad_filter",
      "institution_not_found", "no_application_outcome",
      // a change of an institution's status (registers/institution.cpp changeStatus, the route
      // POST …/institutions/{code}/status)
      "institution_status_invalid", "reason_too_long", "effective_on_invalid",
      "institution_terminated", "status_unchanged", "effective_before_agreement",
      "effective_in_future", "effective_before_last_change",
      // transfers between regions (effects/relation_transfer.cpp, registers/transfer.cpp, the
      // peer inbox of routes_transfers.cpp)
      "from_region_required", "same_region", "no_enrolment", "transfer_open", "transfer_refused",
      "info_sheet_pending", "transfer_not_ready", "no_contact_letter", "id_no_required",
      "invalid_id_no", "bad_message", "bad_signature", "stale_signature", "peer_not_configured",
      "region_not_served", "unknown_transfer", "balance_mismatch", "months_mismatch",
      "person_mismatch", "figures_mismatch",
      // Qingdao 门诊统筹签约 and 待遇资格确认 (effects/outpatient_signing.cpp,
      // effects/benefit_qualification.cpp)
      "no_signing_rules", "doctor_required", "institution_not_designated", "already_signed",
      "no_signing_record", "unknown_qualification_item", "not_employee_insured",
      "graduation_in_future", "discharge_in_future", "outside_enrolment_window",
      "duplicate_benefit_qualification", "no_benefit_qualification_record",
      // register reads and the batch imports (routes_registers.cpp, effects/resident_import,
      // effects/account_credits)
      "bad_month", "csv_header", "invalid_csv", "not_utf8", "too_many_rows", "bad_header",
      "batch_exists",
      // the XLSX downloads of the lists and the supervisor dashboard (xlsx.cpp,
      // routes_dashboard.cpp)
      "bad_format", "xlsx_failed", "xlsx_sheet_name", "bad_date", "bad_period", "period_too_long",
      // the printable records (routes_records.cpp)
      "no_record", "record_not_ready",
      // the printable notices (routes_notices.cpp)
      "unknown_notice", "notice_not_applicable", "font_missing",
      // material uploads (routes_files.cpp)
      "file_too_large", "unsupported_file_type", "file_content_mismatch", "too_many_files",
      "file_not_found",
      // the notifications outbox (routes_notifications.cpp)
      "bad_status", "notification_not_found", "not_failed",
      // Yunnan 退役士兵补缴 and 社会保障卡, Xining 待遇支付 (effects/veteran_contribution.cpp,
      // effects/social_security_card.cpp, effects/benefit_payment.cpp, routes_cards.cpp)
      "back_payment_form_required", "discharged_after_cutoff", "bad_month_range",
      "months_before_discharge", "months_not_due", "months_already_insured", "bad_unit_share_payer",
      "unit_share_payer_required", "bad_personal_share_collected", "personal_share_not_collected",
      "no_back_payment_record", "card_situation_required", "no_card", "loss_kind_required",
      "card_already_valid", "no_card_record", "no_card_notice", "month_required",
      "month_not_started", "no_lines", "bad_case_no", "case_paid_twice", "duplicate_line",
      "bad_line_amount", "total_too_large", "run_amount_differs", "no_benefit_run", "not_paid",
      "no_voucher",
      // the treating institution of a claim (policy/claim_institution.cpp)
      "institution_code_invalid", "institution_unknown", "institution_outside_agreement",
      "institution_is_pharmacy", "hospital_level_required"};
  return codes;
}

// ---- responses ---------------------------------------------------------------------------------

const char* reasonOf(int status) {
  switch (status) {
    case 400:
      return "请求有误";
    case 401:
      return "未登录或凭据无效";
    case 403:
      return "无权执行";
    case 404:
      return "不存在";
    case 409:
      return "与当前状态冲突";
    case 413:
      return "请求体过大";
    case 415:
      return "不支持的文件类型";
    case 422:
      return "被业务规则拒绝";
    case 429:
      return "请求过于频繁";
    case 431:
      return "请求头过大";
    case 500:
      return "服务器内部错误";
    case 503:
      return "暂不可用，本次操作未生效";
  }
  return "错误";
}

json requestIdHeader() { return {{"$ref", "#/components/headers/X-Request-Id"}}; }

json retryAfterHeader(bool required) {
  json h = {{"$ref", "#/components/headers/Retry-After"}};
  if (!required) return h;
  return {{"description", "等待的秒数"}, {"required", true}, {"schema", {{"type", "integer"}}}};
}

// Codes answered with a Retry-After header (429 always; 503 busy / overloaded; 403 locked).
bool retries(const std::string& code) {
  return code == "rate_limited" || code == "busy" || code == "overloaded" ||
         code == "account_locked";
}

json errorAnswer(int status, const std::vector<std::string>& codes) {
  std::string desc = std::string(reasonOf(status)) + "。error.code：";
  bool first = true, retry = false;
  for (const auto& c : codes) {
    desc += (first ? "" : ", ") + ("`" + c + "`");
    first = false;
    retry = retry || retries(c);
  }
  json headers = {{"X-Request-Id", requestIdHeader()}};
  if (retry) headers["Retry-After"] = retryAfterHeader(status == 429);
  return {{"description", desc},
          {"headers", headers},
          {"x-error-codes", codes},
          {"content", {{"application/json", {{"schema", ref("Error")}}}}}};
}

enum class Access {
  kAnonymous,  // no sign-in
  kStaff,      // bearer token
  kEither,     // anonymous (online applicant) or with a token (staff)
};

// One operation, built step by step: Operation("id", "summary", "tag").anonymous().ok(…).err(…).
struct Operation {
  Operation(std::string id_, std::string summary_, std::string tag_)
      : id(std::move(id_)), summary(std::move(summary_)), tag(std::move(tag_)) {}
  Operation& describe(std::string d) {
    description = std::move(d);
    return *this;
  }
  Operation& anonymous() {
    access = Access::kAnonymous;
    return *this;
  }
  Operation& either() {
    access = Access::kEither;
    return *this;
  }
  Operation& param(json p) {
    parameters.push_back(std::move(p));
    return *this;
  }
  Operation& takes(json schema, bool required = true, std::string type = "application/json") {
    body = std::move(schema);
    body_required = required;
    body_type = std::move(type);
    return *this;
  }
  // A further media type of the success answer (an export in several formats).
  Operation& alsoAs(std::string type, json body_schema) {
    other_types.emplace_back(std::move(type), std::move(body_schema));
    return *this;
  }
  Operation& header(const std::string& name, json h) {
    ok_headers[name] = std::move(h);
    return *this;
  }
  Operation& ok(json body_schema, int code = 200, std::string type = "application/json") {
    schema = std::move(body_schema);
    status = code;
    content_type = std::move(type);
    return *this;
  }
  Operation& noContent() {
    status = 204;
    schema = nullptr;
    return *this;
  }
  Operation& err(int code, const std::vector<std::string>& codes) {
    auto& v = errors[code];
    v.insert(v.end(), codes.begin(), codes.end());
    return *this;
  }

  std::string id, summary, tag, description;
  Access access = Access::kStaff;
  json parameters = json::array();
  json body = nullptr;  // request body schema; null: none
  bool body_required = true;
  std::string body_type = "application/json";
  std::vector<std::pair<std::string, json>> other_types;
  json ok_headers = json::object();
  int status = 200;
  json schema = nullptr;  // the success body; null for 204
  std::string content_type = "application/json";
  std::map<int, std::vector<std::string>> errors;
};

json build(const Operation& o) {
  json op = {{"operationId", o.id}, {"summary", o.summary}, {"tags", json::array({o.tag})}};
  if (!o.description.empty()) op["description"] = o.description;
  if (!o.parameters.empty()) op["parameters"] = o.parameters;
  if (!o.body.is_null())
    op["requestBody"] = {{"required", o.body_required},
                         {"content", {{o.body_type, {{"schema", o.body}}}}}};
  switch (o.access) {
    case Access::kAnonymous:
      op["security"] = json::array();
      break;
    case Access::kStaff:
      op["security"] = json::array({{{"bearer", json::array()}}});
      break;
    case Access::kEither:
      op["security"] = json::array({json::object(), {{"bearer", json::array()}}});
      break;
  }
  json responses = json::object();
  json ok = {{"description", o.status == 201   ? "已创建"
                             : o.status == 204 ? "已完成，无内容"
                                               : "成功"},
             {"headers", {{"X-Request-Id", requestIdHeader()}}}};
  if (!o.schema.is_null()) ok["content"] = {{o.content_type, {{"schema", o.schema}}}};
  for (const auto& [type, schema] : o.other_types) ok["content"][type] = {{"schema", schema}};
  for (const auto& [name, h] : o.ok_headers.items()) ok["headers"][name] = h;
  responses[std::to_string(o.status)] = ok;

  // What any request can be answered by the edge, before or around the route.
  std::map<int, std::vector<std::string>> errors = o.errors;
  auto add = [&errors](int status, std::vector<std::string> codes) {
    auto& v = errors[status];
    for (auto& c : codes)
      if (std::find(v.begin(), v.end(), c) == v.end()) v.push_back(std::move(c));
  };
  add(400, {"invalid_encoding", "bad_http"});
  add(413, {"bad_http"});
  add(431, {"bad_http"});
  add(500, {"internal"});
  add(503, {"overloaded"});
  for (const auto& [status, codes] : errors)
    responses[std::to_string(status)] = errorAnswer(status, codes);
  op["responses"] = responses;
  return op;
}

// ---- parameters --------------------------------------------------------------------------------

json pathParam(const char* name, const char* desc, json schema = tString()) {
  return {{"name", name},
          {"in", "path"},
          {"required", true},
          {"description", desc},
          {"schema", std::move(schema)}};
}
json queryParam(const char* name, const char* desc, bool required = false,
                json schema = tString()) {
  return {{"name", name},
          {"in", "query"},
          {"required", required},
          {"description", desc},
          {"schema", std::move(schema)}};
}
json idempotencyKey() {
  return {{"name", "Idempotency-Key"},
          {"in", "header"},
          {"required", false},
          {"schema", {{"type", "string"}, {"maxLength", 200}}},
          {"description",
           "重试时带同一个键：同一请求再次提交返回第一次的结果；同一个键用于内容不同的请求得到 422 "
           "idempotency_key_reused，第一次尚未完成时得到 409 idempotency_key_in_use"}};
}

// ---- component schemas -------------------------------------------------------------------------

const std::vector<std::string> kCaseStatuses = {
    "submitted", "supplement", "in_progress", "completed", "not_accepted", "rejected", "withdrawn"};
// unstated: the item's limit is 未载明 — no due date, never overdue.
const std::vector<std::string> kDeadlineStatuses = {"not_started", "on_time", "due_soon", "overdue",
                                                    "unstated"};
const std::vector<std::string> kMaterialStatuses = {"provided", "commitment", "shared", "missing"};

// The registers (routes_registers.cpp) and what the case view shows of them.
void registerSchemas(json& s) {
  const char* at = "ISO 8601 instant, +08:00";
  s["HistoryEntry"] =
      tObject({{"at", tString(at)},
               {"case_no", nullable(tString("the case whose event made the change"))},
               {"import_batch", nullable(tString("the batch import that made the change"))},
               {"changes",
                {{"type", "object"},
                 {"description", "field → {before, after}; the values may be of any JSON type"},
                 {"additionalProperties",
                  {{"type", "object"},
                   {"properties",
                    {{"before", {{"description", "the value before"}}},
                     {"after", {{"description", "the value after"}}}}}}}}}},
              {"at", "case_no", "import_batch", "changes"});
  s["Enrolment"] = tObject({{"from", tString("YYYY-MM, inclusive")},
                            {"to", tString("YYYY-MM, inclusive; \"\" = open")},
                            {"status", tEnum({"参保缴费", "暂停", "终止"})},
                            {"insurance_type", tEnum({"职工", "城乡居民", "灵活就业"})},
                            {"unit", tString("credit code of the unit (职工), else \"\"")}},
                           {"from", "to", "status", "insurance_type", "unit"},
                           "an enrolment period in this 统筹区");
  s["RegisterUnit"] =
      tObject({{"region", tString()},
               {"credit_code", tString("统一社会信用代码 (GB 32100)")},
               {"name", tString()},
               {"type", tEnum({"企业", "机关", "全额拨款事业", "参公事业", "其他"})},
               {"address", tString()},
               {"legal_representative", tString()},
               {"phone", tString()},
               {"bank_account", tString()},
               {"status", tEnum({"正常", "暂停", "注销"})},
               {"history", tArray(ref("HistoryEntry"))}},
              {"region", "credit_code", "name", "type", "status", "history"}, "参保单位");
  s["RegisterPerson"] = tObject(
      {{"region", tString()},
       {"id_no", tString("公民身份号码, in full: it is the key asked for")},
       {"name", tString()},
       {"sex", tEnum({"男", "女"}, "derived from the ID number")},
       {"birth_date", tDate("derived from the ID number")},
       {"insurance_type", tString("职工 / 城乡居民 / 灵活就业")},
       {"status", tString("the status of the latest enrolment period")},
       {"unit", tString("credit code of the unit (职工)")},
       {"employment", tString("在职 / 退休 / \"\"")},
       {"contribution_base_fen", tInt("缴费基数 in fen")},
       {"identities", tArray(tString(), "港澳台, 外国人, 低保, 特困, 重度残疾, 其他救助对象 …")},
       {"phone", tString()},
       {"enrolments", tArray(ref("Enrolment"))},
       {"contribution_months",
        tInt(
            "months of the 参保缴费 periods up to the current month (open periods counted to it)")},
       {"history", tArray(ref("HistoryEntry"))}},
      {"region", "id_no", "name", "sex", "birth_date", "insurance_type", "status", "unit",
       "employment", "contribution_base_fen", "identities", "enrolments", "contribution_months",
       "history"},
      "参保人员");
  s["RecordUnitRef"] =
      nullable(tObject({{"credit_code", tString()}, {"name", tString()}}, {"credit_code", "name"},
                       "a unit of the register (name \"\" when not registered)"));
  s["RecordPerson"] = tObject(
      {{"kind", tEnum({"person"})},
       {"title", tString("参保缴费记录")},
       {"region", tString()},
       {"region_name", tString("the 统筹区, e.g. 青海省")},
       {"as_of", tString("YYYY-MM: the month the contribution months are counted to (now)")},
       {"generated_at", tString(at)},
       {"name", tString()},
       {"id_no", tString("公民身份号码, masked")},
       {"insurance_type", tString("职工 / 城乡居民 / 灵活就业")},
       {"status", tString("the status of the latest enrolment period")},
       {"employment", tString("在职 / 退休 / \"\"")},
       {"unit", ref("RecordUnitRef")},
       {"enrolments",
        tArray(tObject({{"region", tString()},
                        {"region_name", tString()},
                        {"from", tString("YYYY-MM, inclusive")},
                        {"to", tString("YYYY-MM, inclusive; \"\" = open")},
                        {"status", tEnum({"参保缴费", "暂停", "终止"})},
                        {"insurance_type", tString()},
                        {"unit", ref("RecordUnitRef")},
                        {"contribution_months", tInt("this period's 参保缴费 months up to as_of")}},
                       {"region", "region_name", "from", "to", "status", "insurance_type", "unit",
                        "contribution_months"}),
               "enrolment periods in this 统筹区")},
       {"contribution_months", tInt("months of the 参保缴费 periods up to as_of")},
       {"contribution_years", tInt("whole years of contribution_months (rounded down)")}},
      {"kind", "title", "region", "region_name", "as_of", "generated_at", "name", "id_no",
       "insurance_type", "status", "unit", "enrolments", "contribution_months",
       "contribution_years"},
      "参保缴费记录 of a person");
  s["RecordUnit"] = tObject(
      {{"kind", tEnum({"unit"})},
       {"title", tString("参保单位参保记录")},
       {"region", tString()},
       {"region_name", tString()},
       {"as_of", tString("YYYY-MM")},
       {"generated_at", tString(at)},
       {"credit_code", tString()},
       {"name", tString()},
       {"type", tString()},
       {"status", tEnum({"正常", "暂停", "注销"})},
       {"address", tString()},
       {"legal_representative", tString()},
       {"insured_employees",
        nullable(tInt("职工 of the unit whose latest period is 参保缴费; null for a unit of more "
                      "than 50,000 employees (not counted)"))},
       {"status_periods",
        tArray(tObject({{"from", tDate("the day of the change that opened it")},
                        {"to", tString("YYYY-MM-DD, the day of the next change; \"\" = open")},
                        {"status", tEnum({"正常", "暂停", "注销"})},
                        {"case_no", nullable(tString())},
                        {"import_batch", nullable(tString())}},
                       {"from", "to", "status", "case_no", "import_batch"}),
               "the unit's status over time, from its history")},
       {"history", tArray(ref("HistoryEntry"))}},
      {"kind", "title", "region", "region_name", "as_of", "generated_at", "credit_code", "name",
       "type", "status", "insured_employees", "status_periods", "history"},
      "参保记录 of a unit");
  s["Account"] = tObject({{"region", tString()},
                          {"id_no", tString()},
                          {"status", tString("正常 / 已销户")},
                          {"balance_fen", tInt("derived: the sum of the entries")},
                          {"entries", tArray(tObject({{"at", tString(at)},
                                                      {"amount_fen", tInt("credit > 0, debit < 0")},
                                                      {"kind", tString("划入 / 支取 / 转出 …")},
                                                      {"case_no", nullable(tString())}},
                                                     {"at", "amount_fen", "kind", "case_no"}))}},
                         {"region", "id_no", "status", "balance_fen", "entries"}, "个人账户");
  s["PaymentList"] =
      tObject({{"region", tString()},
               {"month", tString("YYYY-MM")},
               {"count", tInt("payments of the whole month")},
               {"total_fen", tInt("sum of the whole month")},
               {"limit", tInt()},
               {"offset", tInt()},
               {"payments",
                tArray(tObject({{"case_no", tString()},
                                {"payee_kind", tEnum({"unit", "person", "heir", "institution"})},
                                {"payee", tString("name")},
                                {"payee_account", tString("masked (the export has it in full)")},
                                {"amount_fen", tInt()},
                                {"purpose", tString()},
                                {"at", tString(at)},
                                {"event_seq", tInt("the case event that paid it")},
                                {"line", tInt("0: the event's one payment; 1..n: the lines of a "
                                              "待遇支付 run paid at that event")}},
                               {"case_no", "payee_kind", "payee", "amount_fen", "purpose", "at",
                                "event_seq", "line"}),
                       "this page, in booking order")}},
              {"region", "month", "count", "total_fen", "limit", "offset", "payments"}, "拨付台账");
  s["PersonList"] =
      tObject({{"region", tString()},
               {"limit", tInt()},
               {"offset", tInt()},
               {"persons", tArray(tObject({{"id_no", tString("masked")},
                                           {"name", tString()},
                                           {"sex", tString()},
                                           {"insurance_type", tString()},
                                           {"status", tString()},
                                           {"unit", tString()},
                                           {"identities", tArray(tString())}},
                                          {"id_no", "name", "insurance_type", "status"}))}},
              {"region", "limit", "offset", "persons"});
  s["UnitList"] = tObject({{"region", tString()},
                           {"limit", tInt()},
                           {"offset", tInt()},
                           {"units", tArray(tObject({{"credit_code", tString()},
                                                     {"name", tString()},
                                                     {"type", tString()},
                                                     {"status", tString()}},
                                                    {"credit_code", "name", "type", "status"}))}},
                          {"region", "limit", "offset", "units"});
  {
    const json count = tInt();
    const json share = nullable({{"type", "number"}, {"minimum", 0}, {"maximum", 1}});
    const json period_counts = tObject({{"applications", count},
                                        {"closed", count},
                                        {"closed_on_time", count},
                                        {"on_time_rate", share},
                                        {"closed_without_limit", count},
                                        {"open", count},
                                        {"overdue", count},
                                        {"due_soon", count}},
                                       {"applications", "closed", "closed_on_time", "on_time_rate",
                                        "open", "overdue", "due_soon"});
    json summary = period_counts;
    for (const char* k : {"ratings", "satisfied", "follow_ups_open", "follow_ups_overdue"})
      summary["properties"][k] = count;
    summary["properties"]["satisfaction_rate"] = share;
    json by_region = period_counts;
    by_region["properties"]["region"] = tString();
    by_region["properties"]["region_name"] = tString();
    by_region["required"].push_back("region");
    by_region["required"].push_back("region_name");
    by_region["description"] =
        "this region and each region whose catalog extends it (青海省 → 西宁市), totals only";
    json by_item = period_counts;
    by_item["properties"]["item_code"] = tString();
    by_item["properties"]["item_name"] = tString();
    json tally = tObject({{"ratings", count},
                          {"satisfied", count},
                          {"satisfaction_rate", share},
                          {"by_rating",
                           {{"type", "object"},
                            {"additionalProperties", count},
                            {"description", "every rating of the scale → count"}}}},
                         {"ratings", "satisfied", "satisfaction_rate", "by_rating"});
    json sat_item = tally, sat_channel = tally;
    sat_item["properties"]["item_code"] = tString();
    sat_item["properties"]["item_name"] = tString();
    sat_channel["properties"]["channel"] = tString();
    s["Dashboard"] = tObject(
        {{"region", tString()},
         {"region_name", tString()},
         {"from", tDate()},
         {"to", tDate()},
         {"today", tDate("the day `open`, `overdue`, `due_soon` and follow-ups are counted on")},
         {"rating_scale", tArray(tString(), "best first")},
         {"rating_satisfied", tString()},
         {"follow_up_working_days", tInt()},
         {"summary", summary},
         {"by_region", tArray(by_region)},
         {"by_item", tArray(by_item)},
         {"by_step", tArray(tObject({{"step", tString()}, {"open", count}}, {"step", "open"}))},
         {"by_status",
          tArray(tObject({{"status", tEnum(kCaseStatuses)}, {"label", tString()}, {"count", count}},
                         {"status", "label", "count"}))},
         {"by_staff", tArray(tObject({{"username", tString()},
                                      {"cases", count},
                                      {"actions", count},
                                      {"by_action",
                                       {{"type", "object"},
                                        {"additionalProperties", count},
                                        {"description",
                                         "accept, return, not_accept, "
                                         "approve, send_back, reject, pay, "
                                         "complete, extend, resolve_follow_up, "
                                         "other → count"}}}},
                                     {"username", "cases", "actions", "by_action"}))},
         {"satisfaction_by_item", tArray(sat_item)},
         {"satisfaction_by_channel", tArray(sat_channel)},
         {"follow_ups",
          tArray(tObject({{"case_no", tString()},
                          {"item_code", tString()},
                          {"item_name", tString()},
                          {"channel", tString()},
                          {"rating", tString()},
                          {"reason", tString()},
                          {"rated_at", tString("ISO 8601, +08:00")},
                          {"follow_up_due", tDate()},
                          {"due_provisional", tBool()},
                          {"deadline_status", tEnum({"on_time", "due_soon", "overdue"})}},
                         {"case_no", "rating", "rated_at", "follow_up_due", "deadline_status"}))},
         {"daily", tArray(tObject({{"date", tDate()},
                                   {"applications", count},
                                   {"closed", count},
                                   {"closed_on_time", count}},
                                  {"date", "applications", "closed", "closed_on_time"}))}},
        {"region", "from", "to", "today", "summary", "by_region", "by_item", "by_step", "by_status",
         "by_staff", "satisfaction_by_item", "satisfaction_by_channel", "follow_ups", "daily"},
        "统计分析");
  }
  s["ImportReport"] = tObject(
      {{"batch_id", tString("<region>-<YYYYMMDD>-<NNNNNN> (residents) or "
                            "<region>-credits-<YYYYMMDD>-<NNNNNN> (account credits)")},
       {"accepted", tInt("rows applied (all in one transaction)")},
       {"rejected",
        tArray(tObject({{"row", tInt("spreadsheet row: the header is row 1")},
                        {"id_no", tString("masked; \"\" when the cell is not an ID number")},
                        {"reason", tString("why, in Chinese")}},
                       {"row", "id_no", "reason"}))}},
      {"batch_id", "accepted", "rejected"}, "批量导入结果 (批量参保登记, 个人账户划入)");
  // CaseService::withEffectView: {name, implemented} and what the item's handler shows of the
  // case (effects/*.cpp view()); the 结算单 is lifted to the case's own `settlement`.
  json figures = {{"type", "object"},
                  {"additionalProperties", true},
                  {"description",
                   "补缴年限 figures: required_months, contribution_months, missing_months, "
                   "missing_years, entered_years, matches, example_policy"}};
  s["RegisterEffect"] = {
      {"type", "object"},
      {"additionalProperties", true},
      {"description",
       "what the item's register effect changes in the registers (what will change / what "
       "changed). Always name and implemented; the other keys depend on the effect's handler "
       "(further keys may be added)"},
      {"properties",
       {{"name", tString("the effect's name in the catalog (\"\" when the item has none)")},
        {"implemented", tBool("false: the item changes no register yet")},
        {"register", tEnum({"units", "persons", "accounts", "claims", "premiums"},
                           "the register the effect writes or reads")},
        {"payable_fen",
         tInt("what 拨付 must pay, in fen: the 结算单's payable figure, the account balance …")},
        {"key", tString("the register key: a unit's credit code, or a person's ID number "
                        "(masked)")},
        {"change", tString("the change applied: 新参保 / 暂停参保 / 注销登记 / 变更 …")},
        {"reason", tString("account withdrawal: the reason given in the form")},
        {"arrears", nullable(figures)},
        {"arrears_notice",
         tObject({{"title", tString("补缴通知单")},
                  {"case_no", tString()},
                  {"name", tString()},
                  {"id_no", tString("masked")},
                  {"retirement_month", tString("YYYY-MM")},
                  {"required_months", tInt()},
                  {"contribution_months", tInt()},
                  {"missing_years", tInt()},
                  {"example_policy", tBool("computed with example policy parameters")}},
                 {"title", "case_no", "name", "id_no"},
                 "在职转退休: the 补缴通知单 once the entered 补缴年限 matches the computed one")},
        {"record", nullable(anyObject("record queries: the register record read at 受理 and at "
                                      "each review, as kept in the case"))},
        {"subsidy", nullable(anyObject("assistance contribution subsidy: the 资助 determined at "
                                       "受理 (amount, year …)"))},
        {"policy", anyObject("reimbursement: the policy parameters the 结算单 was computed "
                             "with")}}},
      {"required", {"name", "implemented"}}};
  json line = {{"type", "object"},
               {"additionalProperties", true},
               {"description", "one fee line as settled: what was removed and why"}};
  s["Settlement"] = tObject(
      {{"total_fen", tInt("the fee lines' total")},
       {"fund_fen", tInt("paid by the basic fund (统筹基金)")},
       {"serious_illness_fen", tInt("大病保险")},
       {"assistance_fen", tInt("医疗救助 (assistance recipients)")},
       {"personal_fen", tInt("left to the insured person")},
       {"steps", tArray({{"type", "object"},
                         {"additionalProperties", true},
                         {"description", "one step of the arithmetic, in order"}})},
       {"lines", tArray(line)},
       {"example", tBool("computed with example policy parameters (示例参数)")}},
      {"total_fen", "fund_fen", "serious_illness_fen", "assistance_fen", "personal_fen", "steps",
       "lines"},
      "结算单 of a reimbursement, lifted from the register effect: null until 初审 computes it, "
      "absent for other items. The 拨付 amount must equal its payable figure unless the pay "
      "action gives a reason");
  s["Settlement"]["nullable"] = true;
}

json schemas() {
  json s = json::object();
  s["Error"] = tObject(
      {{"error",
        tObject({{"code", tEnum(errorCodes(), "machine-readable slug")},
                 {"message", tString("中文说明，给经办人员或申请人看，不回显原始输入")},
                 {"request_id", tString("only on 500 `internal`: the request id to quote")}},
                {"code", "message"})}},
      {"error"});
  s["Health"] = tObject({{"status", tEnum({"ok"})}}, {"status"});
  s["Region"] =
      tObject({{"id", tString()},
               {"name", tString()},
               {"division_code", tString("行政区划代码")},
               {"extends", nullable(tString("the region whose catalog this one extends"))},
               {"items", tInt("number of items")},
               {"rating_scale", tArray(tString(), "好差评 ratings, best first")}},
              {"id", "name", "division_code", "extends", "items", "rating_scale"});
  s["FormField"] =
      tObject({{"id", tString()},
               {"label", tString()},
               {"type", tEnum({"string", "text", "enum", "date", "month", "money_fen", "integer",
                               "id_no", "credit_code", "phone", "boolean", "list"})},
               {"required", tBool()},
               {"max_length", tInt("string / text: at most this many characters")},
               {"values", tArray(tString(), "enum: the allowed values")},
               {"min", tInt("money_fen / integer")},
               {"max", tInt("money_fen / integer")},
               {"max_items", tInt("list: at most this many rows")},
               {"fields", tArray(ref("FormField"), "list: the fields of one row")}},
              {"id", "label", "type", "required"});
  s["FormSchema"] = tObject(
      {{"id", tString()}, {"name", tString()}, {"fields", tArray(ref("FormField"))}},
      {"id", "name", "fields"}, "the item's form (申请表): what `form` of a submission may hold");
  // routes_catalog.cpp: GET …/items/{code}/due-date.
  s["LimitDue"] = tObject({{"time_limit", ref("TimeLimit")},
                           {"due", nullable(tDate("null when the limit is unstated (未载明)"))},
                           {"provisional", tBool("counted over a year whose notice is not loaded")},
                           {"when", tString("on a variant: the condition under which it applies")}},
                          {"time_limit", "due", "provisional"});
  s["ItemDueDate"] = {
      {"allOf",
       {ref("LimitDue"),
        tObject({{"today", tDate("the server's today (the day counted from)")},
                 {"variants", tArray(ref("LimitDue"))},
                 {"window_open", tBool("true when the item has no acceptance window")},
                 {"next_open", nullable(tDate("when closed today: the next open day"))}},
                {"today", "variants", "window_open", "next_open"})}}};
  // catalog::timeLimitJson: days for the day kinds, months / date / display for the others.
  s["TimeLimit"] =
      tObject({{"kind", tEnum({"instant", "working_days", "natural_days", "calendar_months",
                               "calendar_date", "unstated"})},
               {"days", tInt("instant / working_days / natural_days")},
               {"months", tInt("calendar_months: the same day N months after 受理")},
               {"date",
                {{"type", "string"},
                 {"pattern", "^[0-9]{2}-[0-9]{2}$"},
                 {"description", "calendar_date: MM-DD, the next such date on or after 受理"}}},
               {"display", tEnum({"未载明"},
                                 "unstated: the seed states no limit; no due date is computed "
                                 "and the case is never overdue")},
               {"text", tString("the seed's words (may be \"\" for unstated)")},
               {"when", tString("on a variant: the condition under which it applies")},
               {"extension",
                tObject({{"allowed", tBool("always true when present")},
                         {"source", tString("the seed's words that allow it (遇特殊情况适当延长)")},
                         {"max_working_days",
                          tInt("the cap on the sum of a case's extensions: the limit's own days")}},
                        {"allowed", "source", "max_working_days"},
                        "present only where the seed allows an extension: a supervisor may "
                        "extend an open case (action `extend`)")}},
              {"kind", "text"}, "a time limit (办理时限) as the catalog states it");
  json time_limit = {
      {"allOf",
       json::array({ref("TimeLimit"),
                    tObject({{"variants",
                              tArray(ref("TimeLimit"), "other limits, each with its `when`")}})})},
      {"description", "the item's limit (the first variant whose `when` the case declares wins)"}};
  s["FlowStep"] = tObject(
      {{"step", tString("受理 / 初审 / 复审 / 审核 / 拨付 / 办结 …")},
       {"kind", tEnum({"accept", "review", "pay", "complete"})},
       {"role", tString()},
       {"role_name", tString()},
       {"text", tString()},
       {"limit", ref("TimeLimit")}},
      {"step", "kind", "role", "role_name", "text"},
      "one step of a flow; `limit`, when present, is the stage's own limit inside the item's "
      "(shown as the case's step_due)");
  s["Item"] = tObject(
      {{"code", tString("事项编码")},
       {"code_kind", tString()},
       {"name", tString()},
       {"main_code", tString()},
       {"main_name", tString()},
       {"service_objects", tString()},
       {"applicant", tArray(tEnum({"unit", "person", "institution"}), "empty when internal")},
       {"internal", tBool("an agency's internal routine: listed with a guide, never applied for "
                          "(申请 answers 422 internal_item); no applicant and no channels")},
       {"channels", tArray(tString(), "办理渠道, e.g. 窗口, 网上")},
       {"steps", tArray(tString())},
       {"flow", tArray(ref("FlowStep"), "the default flow")},
       {"flows",
        tArray(tObject({{"id", tString()},
                        {"name", tString()},
                        {"when", tObject({{"channels", tArray(tString())},
                                          {"applicant", tArray(tString())},
                                          {"conditions", tArray(tString(), "any one of them")}},
                                         {"channels", "applicant", "conditions"},
                                         "every non-empty list must match the submission")},
                        {"flow", tArray(ref("FlowStep"))}},
                       {"id", "name", "when", "flow"}),
               "alternative flows: the first whose `when` matches is chosen at 申请 and pinned "
               "with the case (its flow_id)")},
       {"time_limit", time_limit},
       {"notice_limit",
        {{"allOf", json::array({ref("TimeLimit")})},
         {"description",
          "absent unless the seed states one: the limit within which an incomplete application "
          "must be answered with one notice of everything missing (一次性告知), counted from the "
          "day of 申请 (working_days or natural_days; 青岛 009001 / 009002: 5个工作日). A case "
          "owing it past its day is overdue (the case's notice_due_on)"}}},
       {"applicant_limits",
        tArray(tObject({{"field", tString("the `date` field of the form it applies to")},
                        {"limit", ref("TimeLimit")},
                        {"text", tString("the seed's words, e.g. 生育后三个月内")},
                        {"when", tString("condition id: only under it")},
                        {"unless", tString("condition id: not under it")}},
                       {"field", "limit", "text"}),
               "limits on the applicant's side, checked at 申请 (422 "
               "applicant_limit_date_required / applicant_limit_date_future / "
               "applicant_limit_passed)")},
       {"takes_effect",
        {{"type", "string"},
         {"nullable", true},
         {"enum", json::array({"next_month", nullptr})},
         {"description",
          "next_month: an approved change takes effect from the "
          "next month (次月生效); null when the seed says nothing"}}},
       {"conditions", tArray(tObject({{"id", tString()}, {"name", tString()}}, {"id", "name"}))},
       {"material_groups",
        tArray(tObject({{"id", tString()}, {"text", tString()}}, {"id", "text"}))},
       {"materials",
        tArray(tObject(
            {{"id", tString()},
             {"name", tString()},
             {"when", tString()},
             {"group", tString()},
             {"commitment", tBool("告知承诺 allowed")},
             {"shared_data", tString("数据共享 source")},
             {"optional", tBool()},
             {"copies", tInt()},
             {"photos", tInt("N张照片")},
             {"original", tEnum({"original", "copy", "check_original", "original_and_copy"},
                                "原件 / 复印件 / 验原件，收复印件 / 原件及复印件; absent when the "
                                "seed does not say")},
             {"waived_channels", tArray(tString(),
                                        "not required on these channels (网上办理无需"
                                        "提交)")},
             {"form", tString()}},
            {"id", "name"}))},
       {"acceptance_windows", tArray(tObject({{"text", tString()}}, {"text"}))},
       {"uncounted_periods",
        tArray(tObject({{"id", tString()}, {"name", tString()}, {"text", tString()}},
                       {"id", "name", "text"}))},
       {"remarks", tString()},
       {"legal_basis", tArray(tString())},
       {"supervision_phone", tString()},
       {"effect", tString()},
       {"revision", tString("12 hex digits of SHA-256 over the flows, materials and limits; a "
                            "case records the one it was opened with (item_revision)")},
       {"channels_text", tString()},
       {"progress_query_text", tString()},
       {"diseases", anyObject("{chronic: […], special: […]} where the seed lists them")},
       {"form_schema", ref("FormSchema")}},
      {"code", "name", "applicant", "internal", "channels", "flow", "flows", "time_limit",
       "applicant_limits", "takes_effect", "materials", "revision", "form_schema"},
      "an item as its 办事指南 states it (the cataloguer's notes are not shown)");
  s["Deadline"] = tObject(
      {{"from", tDate()},
       {"due", tDate()},
       {"provisional", tBool("暂定: counted over a year whose holiday notice is not loaded")}},
      {"from", "due", "provisional"});
  // routes_calendar.cpp: GET /api/v1/calendar.
  s["CalendarYear"] = tObject(
      {{"year", tInt()},
       {"provisional",
        tBool("true: the year's notice is not loaded; its deadlines are counted Monday–Friday "
              "and marked 暂定 (holidays and adjusted_workdays are then empty)")},
       {"source", tString("the notice the year was transcribed from (absent when unnamed)")},
       {"holidays", tArray(tDate(), "法定节假日 (days off), in order")},
       {"adjusted_workdays", tArray(tDate(), "调休上班: weekend days worked, in order")},
       {"names",
        {{"type", "object"},
         {"additionalProperties", tString()},
         {"description",
          "date → the holiday's name, or for an adjusted working day the holiday it makes up "
          "for"}}}},
      {"year", "provisional", "holidays", "adjusted_workdays", "names"});
  s["Calendar"] = tObject(
      {{"today", tDate("the server's today")},
       {"years", tArray(ref("CalendarYear"),
                        "from the first loaded year to the year after the later of today's and "
                        "the last loaded one, each loaded or provisional")}},
      {"today", "years"});
  s["Session"] = tObject(
      {{"token", tString("bearer token for the Authorization header")},
       {"staff",
        tObject({{"username", tString()}, {"region", tString()}, {"roles", tArray(tString())}},
                {"username", "region", "roles"})}},
      {"token", "staff"});
  s["Missing"] = tObject({{"id", tString()}, {"name", tString()}}, {"id", "name"});
  s["Event"] = tObject({{"seq", tInt()},
                        {"at", tString("ISO 8601 instant")},
                        {"actor", tString("staff username, `applicant` or `system`")},
                        {"action", tString()},
                        {"step", tString()},
                        {"comment", tString()},
                        {"data", anyObject("what the action recorded")}},
                       {"seq", "at", "actor", "action", "step", "comment"});
  s["CaseOutcome"] = tObject(
      {{"case_no", tString()},
       {"item_code", tString()},
       {"status", tEnum(kCaseStatuses)},
       {"step", tObject({{"index", tInt("position in the case's own (pinned) flow")},
                         {"name", nullable(tString())},
                         {"kind", nullable(tEnum({"accept", "review", "pay", "complete"}))},
                         {"role", nullable(tString())}},
                        {"index", "name", "kind", "role"},
                        "name, kind and role are null only for a case stored before "
                        "flows were pinned whose step the item's flow no longer has")},
       {"flow_id", tString("the alternative flow the case follows (pinned at 申请); "
                           "\"\" for the item's default flow")},
       {"item_revision", tString("the item's revision when the case was opened (\"\" "
                                 "for a case stored before revisions)")},
       {"notice", tArray(ref("Missing"), "一次性告知: the materials still missing")},
       {"accepted_on", nullable(tDate())},
       {"due_on", nullable(tDate("办结期限"))},
       {"closed_on", nullable(tDate())},
       {"deadline_status", tEnum(kDeadlineStatuses)},
       {"due_provisional", tBool("暂定: due_on counted past the loaded calendar")},
       {"step_due", nullable(tDate("the current step's own due date, where the step has "
                                   "a limit (转移接续 5+5+5); the item's limit still "
                                   "decides overdue"))},
       {"step_deadline_status", nullable(tEnum(kDeadlineStatuses))},
       // The one-time notice of an item with a notice limit (Item.notice_limit).
       {"notice_due_on",
        tDate("items with a notice_limit only: the day by which the 一次性告知 (a return at "
              "受理) or the acceptance is owed, counted from the application date and pinned "
              "at 申请 (青岛 009001 / 009002: 5 working days)")},
       {"notice_answered_on",
        nullable(tDate("items with a notice_limit only: the day the application was first "
                       "answered (return, accept or not_accept); null while unanswered"))},
       {"notice_deadline_status",
        tEnum({"on_time", "due_soon", "overdue"},
              "items with a notice_limit only: as of the answer, or of today while unanswered; "
              "overdue = no notice and no acceptance by notice_due_on. While the notice is owed "
              "(unanswered, case open) it is also the case's deadline_status, so the case is "
              "listed by GET /cases?deadline= and counted by the dashboard under it")},
       {"extended_working_days",
        tInt("working days added by approved extensions (遇特殊情况适当延长); due_on counts them")},
       {"extensions", tArray(tObject({{"seq", tInt("the event that recorded it")},
                                      {"at", tString("ISO 8601 instant")},
                                      {"by", tString("the supervisor who approved it")},
                                      {"working_days", tInt()},
                                      {"reason", tString()}},
                                     {"seq", "at", "by", "working_days", "reason"}),
                             "approved extensions, in order")},
       {"paused", tBool()},
       {"paid_fen", tInt("paid so far, in fen (分)")},
       {"rating", tString()},
       {"follow_up", tEnum({"", "open", "resolved"}, "差评回访")},
       {"version", tInt("number of events; grows by one per action")},
       {"event", ref("Event")},
       {"register_effect", ref("RegisterEffect")},
       {"settlement", ref("Settlement")}},
      {"case_no", "item_code", "status", "step", "flow_id", "item_revision", "notice",
       "accepted_on", "due_on", "closed_on", "deadline_status", "due_provisional", "step_due",
       "step_deadline_status", "paused", "paid_fen", "rating", "follow_up", "version"},
      "where the case stands after an action, and the event just added; an action's "
      "answer also carries register_effect (and settlement), the receipt does not");
  s["SubmitReceipt"] = {
      {"allOf",
       json::array({ref("CaseOutcome"),
                    tObject({{"query_code", tString("查询码: with id_no it opens progress and "
                                                    "the applicant's own actions")}},
                            {"query_code"})})},
      {"description", "回执 (receipt)"}};
  s["CaseSummary"] = {
      {"allOf",
       json::array(
           {ref("CaseOutcome"),
            tObject({{"region", tString()},
                     {"item_name", tString()},
                     {"channel", tString()},
                     {"applicant",
                      tObject({{"kind", tEnum({"unit", "person", "institution", "agency"},
                                              "agency: an internal routine opened "
                                              "by the agency's staff")},
                               {"name", tString()},
                               {"id_no", tString("masked")}},
                              {"kind", "name", "id_no"})},
                     {"conditions", tArray(tString())},
                     {"materials",
                      {{"type", "object"}, {"additionalProperties", tEnum(kMaterialStatuses)}}},
                     {"submitted_at", tString("ISO 8601 instant")},
                     {"pause_period", tString()}},
                    {"region", "item_name", "channel", "applicant", "conditions", "materials",
                     "submitted_at", "pause_period"})})}};
  s["CaseDetail"] = {
      {"allOf",
       json::array(
           {ref("CaseSummary"),
            tObject({{"events", tArray(ref("Event"))},
                     {"form", anyObject("the submitted form")},
                     {"query_code", tString("to tell the applicant at the window")},
                     {"register_effect", ref("RegisterEffect")},
                     {"settlement", ref("Settlement")},
                     {"actions", tArray(tEnum(std::vector<std::string>(actionNames().begin(),
                                                                       actionNames().end())),
                                        "what the signed-in viewer may do now (a dry run of the "
                                        "workflow; the item's register checks may still refuse)")}},
                    {"events", "form", "query_code", "register_effect", "actions"})})}};
  // routes_files.cpp: a file uploaded for a material of a case.
  s["CaseFile"] = tObject(
      {{"id", tInt()},
       {"material_id", tString("the item's material it was uploaded for")},
       {"name", tString("the file name given at upload (X-File-Name)")},
       {"content_type", tEnum({"application/pdf", "image/jpeg", "image/png"})},
       {"size", tInt("bytes")},
       {"sha256", tString("hex SHA-256 of the bytes")},
       {"uploaded_at", {{"type", "string"}, {"format", "date-time"}}},
       {"uploaded_by",
        tString("\"applicant\", or the staff username (\"staff\" when the applicant asks)")}},
      {"id", "material_id", "name", "content_type", "size", "sha256", "uploaded_at",
       "uploaded_by"});
  s["CaseFiles"] = tObject({{"files", tArray(ref("CaseFile"), "oldest first")}}, {"files"});
  s["Progress"] = tObject(
      {{"case_no", tString()},
       {"item_name", tString()},
       {"stage", tEnum({"待受理", "已受理", "办理中", "已办结"})},
       {"result", tEnum({"待补正", "办结", "不予受理", "审核不通过", "已撤回"})},
       {"steps", tArray(tObject({{"step", tString()},
                                 {"date", tDate()},
                                 {"outcome", tEnum({"不予受理", "审核不通过", "已撤回"},
                                                   "present on the line that ended the case "
                                                   "otherwise than by 办结")}},
                                {"step", "date"}))},
       {"rating", tString("好差评, once the applicant has rated")},
       {"notice", tArray(ref("Missing"), "while waiting for supplement: what to bring")},
       {"current_step", tString()},
       {"due_on", tDate()},
       {"due_provisional", tBool()},
       {"extended_working_days",
        tInt("present when the limit was extended (遇特殊情况适当延长): the working days added")},
       {"reason", tString("不予受理 / 审核不通过 only: the reason recorded with that decision")}},
      {"case_no", "item_name", "stage", "steps"}, "公开办理进度");
  s["Submission"] = tObject(
      {{"region", tString()},
       {"item_code", tString()},
       {"channel",
        tString("窗口 (staff only) / 网上 (the default without a token) / another channel of the "
                "item; at most 64 characters")},
       {"applicant", tObject({{"kind", tEnum({"unit", "person", "institution"})},
                              {"id_no", tString("公民身份号码 (person) or 统一社会信用代码")},
                              {"name", tString()},
                              {"phone", tString("mobile or landline with area code")}},
                             {"kind", "id_no", "name"})},
       {"conditions", {{"type", "array"}, {"maxItems", 64}, {"items", tString("情形 id")}}},
       {"materials", ref("Materials")},
       {"form", anyObject("checked against the item's form_schema")}},
      {"region", "item_code"},
      "applicant is required, except for an internal routine (Xining 待遇支付), which the "
      "agency's staff open without one: the agency of the region is its applicant, 内部 its "
      "channel; anonymously it is refused 422 internal_item");
  s["Materials"] = {
      {"description", "{material id: status}, or a list of material ids (= provided)"},
      {"oneOf",
       json::array({{{"type", "object"}, {"additionalProperties", tEnum(kMaterialStatuses)}},
                    tArray(tString())})}};
  s["Action"] = tObject(
      {{"comment", tString("说明; multiline text")},
       {"materials", ref("Materials")},
       {"target_step", tString("send_back: the step to send back to")},
       {"period", tString("pause / resume: an uncounted period of the item")},
       {"amount_fen",
        tInt("pay: the amount in fen (分). Where the item's effect fixes the payable figure (the "
             "结算单 of a reimbursement), a different amount is refused 422 `amount_differs` "
             "unless `reason` is given")},
       {"reason", tString("extend: why (required). pay: why the amount differs from the "
                          "结算单's payable figure (recorded "
                          "in the event)")},
       {"data",
        anyObject("extend: {\"working_days\": N}, N from 1 to what the item's limit "
                  "still allows. approve at a review step: figures the reviewer enters, e.g. "
                  "{\"missing_contribution_years\": 3} (在职转退休 补缴年限); recorded in "
                  "the event as data.entered")},
       {"rating", tString("rate: one of the region's rating_scale")},
       {"id_no", tString("applicant's own actions (supplement, withdraw, rate) without a token")},
       {"query_code", tString("applicant's own actions: the receipt's query code")}},
      {}, "the fields the action uses; the others are ignored");
  s["Staff"] = tObject(
      {{"username", tString()},
       {"name", tString()},
       {"region", tString()},
       {"roles", tArray(tString())},
       {"disabled", tBool()},
       {"locked", tBool()},
       {"locked_until", nullable(tString("ISO 8601 instant"))},
       {"updated_at", nullable(tString("ISO 8601 instant"))}},
      {"username", "name", "region", "roles", "disabled", "locked", "locked_until", "updated_at"});
  registerSchemas(s);
  // routes_notifications.cpp: the outbox of messages to applicants.
  s["Notification"] = tObject(
      {{"message_id", tString("<case_no>:<event seq>: one message per event")},
       {"case_no", tString()},
       {"region", tString()},
       {"kind", tEnum({"accepted", "supplement", "completed", "follow_up"},
                      "受理, 补正 (one-time notice), 办结, follow-up of a poor rating")},
       {"phone", tString("the applicant's phone, masked (138****1234)")},
       {"text", tString("the message as sent (case number and item name, no ID number)")},
       {"status", tEnum({"pending", "sent", "failed"})},
       {"attempts", tInt("delivery attempts (since the last manual retry)")},
       {"next_attempt_at",
        nullable(tString("when pending: the next attempt (ISO 8601, +08:00); else null"))},
       {"last_error", tString("the last failed attempt's error (HTTP status or network); empty "
                              "when none")},
       {"created_at", tString("the event's time (ISO 8601, +08:00)")},
       {"sent_at", nullable(tString("when delivered (ISO 8601, +08:00)"))}},
      {"message_id", "case_no", "region", "kind", "phone", "text", "status", "attempts",
       "next_attempt_at", "last_error", "created_at", "sent_at"});
  s["NotificationList"] = tObject({{"region", tString()},
                                   {"status", nullable(tEnum({"pending", "sent", "failed"}))},
                                   {"limit", tInt()},
                                   {"offset", tInt()},
                                   {"notifications", tArray(ref("Notification"), "newest first")}},
                                  {"region", "status", "limit", "offset", "notifications"});
  // ---- transfers between regions (routes_transfers.cpp, registers/transfer.hpp) ----
  s["TransferStage"] =
      tObject({{"name", tEnum({"联系函", "参保凭证及信息表、资金划转", "接续"})},
               {"region", tString("the agency that acts at this stage")},
               {"started_on",
                nullable(tDate("the day the stage started (受理, or the document's receipt)"))},
               {"due_on", nullable(tDate("started_on + 5 working days (seed 002)"))},
               {"due_provisional", tBool("due_on counted past the loaded calendar years (暂定)")},
               {"done_on", nullable(tDate())}},
              {"name", "region", "started_on", "due_on", "due_provisional", "done_on"});
  s["Transfer"] = tObject(
      {{"transfer_id", tString("TR-<case number of the 转入地's case>: the same on both sides")},
       {"from_region", tString("转出地")},
       {"to_region", tString("转入地")},
       {"status", tEnum({"已发函", "待接续", "已转出", "转出地不予办理", "已完成"})},
       {"case_no", tString("the 转入地's case")},
       {"stages", tArray(ref("TransferStage"))},
       {"contribution_months", tInt("the months carried over (0 until the 信息表)")},
       {"balance_fen", tInt("the personal-account balance moved (fen)")},
       {"periods", tArray(tObject({{"from", tString("YYYY-MM")},
                                   {"to", tString("YYYY-MM")},
                                   {"insurance_type", tString()}},
                                  {"from", "to", "insurance_type"}))},
       {"refusal", tString("why the 转出地 refused; empty otherwise")}},
      {"transfer_id", "from_region", "to_region", "status", "case_no", "stages",
       "contribution_months", "balance_fen", "periods", "refusal"});
  s["TransferOutboxEntry"] =
      tObject({{"message_id", tString("<transfer_id>/<type>")},
               {"to_region", tString()},
               {"status", tEnum({"pending", "failed"})},
               {"attempts", tInt()},
               {"last_error", tString()}},
              {"message_id", "to_region", "status", "attempts", "last_error"});
  s["TransferMessage"] = tObject(
      {{"message_id", tString("<transfer_id>/<type>")},
       {"type", tEnum({"contact_letter", "info_sheet", "refusal", "completed"})},
       {"transfer_id", tString()},
       {"from_region", tString("the sending server's region")},
       {"to_region", tString("the region of the receiving server")},
       {"body",
        {{"type", "object"},
         {"description", "id_no, name, transfer_from, transfer_to and the document's figures"}}}},
      {"message_id", "type", "transfer_id", "from_region", "to_region", "body"});
  s["TransferReceipt"] = tObject({{"message_id", tString()}, {"status", tEnum({"received"})}},
                                 {"message_id", "status"});
  // ---- monthly settlement (routes_settlements.cpp) ----
  {
    json bucket = tObject({{"lines", tInt()}, {"amount_fen", tInt()}}, {"lines", "amount_fen"});
    s["FeeSettlementTotals"] =
        tObject({{"lines", tInt("data lines read")},
                 {"accepted", tInt()},
                 {"rejected", tInt()},
                 {"amount_fen", tInt("sum of the accepted lines")},
                 {"by_class",
                  tObject({{"甲", bucket}, {"乙", bucket}, {"丙", bucket}}, {"甲", "乙", "丙"})},
                 {"by_kind", tObject({{"药品", bucket}, {"诊疗项目", bucket}, {"医用耗材", bucket}},
                                     {"药品", "诊疗项目", "医用耗材"})},
                 {"class_b_first_paid_permille",
                  tInt("乙类先行自付比例 of the region's 职工 policy (示例参数)")},
                 {"class_b_first_paid_fen", tInt("rounded half up on the month's 乙 total")},
                 {"fund_fen", tInt("the fund's share: 甲 + 乙 − first-paid; 丙 none")},
                 {"self_fen", tInt("first-paid + 丙")},
                 {"first_line_no", tInt()},
                 {"last_line_no", tInt()},
                 {"rejected_by_reason", anyObject("reason_code → count")}},
                {"lines", "accepted", "rejected", "amount_fen", "by_class", "by_kind", "fund_fen",
                 "self_fen", "rejected_by_reason"});
    s["FeeSettlementRejection"] =
        tObject({{"line", nullable(tInt("the line's own line_no, null when it could not be read"))},
                 {"row", tInt("physical line of the body (1 = the first)")},
                 {"reason", tString("中文原因")},
                 {"reason_code",
                  tEnum({"malformed", "line_too_long", "bad_line_no", "line_no_order", "bad_id_no",
                         "bad_date", "date_outside_month", "outside_agreement", "unknown_code",
                         "kind_not_allowed", "class_mismatch", "bad_quantity", "bad_price",
                         "price_over_cap", "bad_amount", "amount_mismatch"})}},
                {"line", "row", "reason", "reason_code"});
    s["FeeSettlementUpload"] = tObject(
        {{"accepted", tInt()},
         {"rejected", tInt()},
         {"rejected_sample", tArray(ref("FeeSettlementRejection"), "the first 100 rejections")},
         {"totals", ref("FeeSettlementTotals")},
         {"example",
          tBool("the catalogue and the first-paid share are example figures (示例参数)")},
         {"case", nullable(anyObject("the case submitted (its receipt, with case_no and "
                                     "query_code); null when no line passed"))},
         {"error", anyObject("only when no line passed (422 no_accepted_lines)")}},
        {"accepted", "rejected", "rejected_sample", "totals", "case"});
    s["FeeSettlement"] =
        tObject({{"region", tString()},
                 {"institution_code", tString()},
                 {"institution_name", tString()},
                 {"category", tEnum({"医疗机构", "零售药店"})},
                 {"month", tString("YYYY-MM")},
                 {"status", tEnum({"审核中", "已制单", "已对账", "已拨付", "已办结", "未通过"})},
                 {"case_no", tString()},
                 {"item_code", tString()},
                 {"totals", ref("FeeSettlementTotals")},
                 {"example", tBool()},
                 {"payable_fen", tInt("the fund's share: what 拨付 pays")},
                 {"fund_payment_order",
                  nullable(anyObject("基金拨付单 (from the end of review): institution_code, "
                                     "institution_name, month, amount_fen, class_b_first_paid_fen, "
                                     "self_fen, payable_fen, made_at, example"))},
                 {"confirmed_at", nullable(tString("对账 by the institution (ISO 8601)"))},
                 {"paid_at", nullable(tString())},
                 {"paid_fen", tInt()},
                 {"history", tArray(anyObject("{at, case_no, confirmation, changes}"))}},
                {"region", "institution_code", "month", "status", "case_no", "totals",
                 "payable_fen", "fund_payment_order"});
    json row = tObject({{"institution_code", tString()},
                        {"institution_name", tString()},
                        {"category", tString()},
                        {"status", tString()},
                        {"case_no", tString()},
                        {"accepted", tInt()},
                        {"rejected", tInt()},
                        {"amount_fen", tInt()},
                        {"class_a_fen", tInt()},
                        {"class_b_fen", tInt()},
                        {"class_c_fen", tInt()},
                        {"self_fen", tInt()},
                        {"payable_fen", tInt()},
                        {"paid_fen", tInt()}},
                       {"institution_code", "amount_fen", "payable_fen", "paid_fen"});
    s["FeeSettlementSummary"] = tObject({{"region", tString()},
                                         {"month", tString()},
                                         {"rows", tArray(row)},
                                         {"total", row},
                                         {"example", tBool()}},
                                        {"region", "month", "rows", "total", "example"});
  }
  // ---- designated institutions (routes_institutions.cpp, registers/institution.hpp) ----
  s["Institution"] = tObject(
      {{"region", tString()},
       {"code",
        tString("定点编码: H (医疗机构) or P (零售药店) + 6-digit division + 5-digit sequence")},
       {"credit_code", tString("统一社会信用代码 (the entry's owner)")},
       {"status", tEnum({"定点", "暂停", "解除"})},
       {"from", tString("the agreement's first day, YYYY-MM-DD (signed at 办结)")},
       {"to", tString("the agreement's last day, YYYY-MM-DD; \"\" = no end date set")},
       {"name", tString()},
       {"category", tEnum({"医疗机构", "零售药店"})},
       {"level",
        tEnum({"一级", "二级", "三级", ""}, "hospital level; \"\" for pharmacies and ungraded")},
       {"division", tString("行政区划代码 of the region")},
       {"agreement_no", tString("服务协议编号")},
       {"case_no", tString("the application case that designated it")},
       {"address", tString()},
       {"bank_account", tString()}},
      {"region", "code", "credit_code", "status", "from", "to", "name", "category", "level",
       "division", "agreement_no", "case_no", "address", "bank_account"},
      "定点医药机构");
  s["InstitutionStatusChange"] = tObject(
      {{"status", tEnum({"定点", "暂停", "解除"}, "the status from effective_on")},
       {"before", tEnum({"定点", "暂停", "解除"}, "the status it followed")},
       {"effective_on", tString("YYYY-MM-DD: in force from this day (a claim's visit date is "
                                "checked against the status in force on it)")},
       {"reason", tString()},
       {"by", tString("the staff member who recorded it")},
       {"at", tString("ISO 8601 instant, +08:00: when it was recorded")}},
      {"status", "before", "effective_on", "reason", "by", "at"},
      "暂停 / 恢复定点 / 解除协议 of a designated institution");
  s["InstitutionStatusRequest"] = tObject(
      {{"status",
        tEnum({"定点", "暂停", "解除"},
              "暂停 (suspend), 定点 (restore: 恢复定点), 解除 (end the agreement: final)")},
       {"reason", tString("why (at most 200 characters)")},
       {"effective_on",
        tString("YYYY-MM-DD: not before the agreement's start or the previous change's day, not "
                "after today")}},
      {"status", "reason", "effective_on"});
  s["InstitutionStaffView"] = {
      {"allOf",
       {ref("Institution"),
        tObject({{"status_changes",
                  tArray(ref("InstitutionStatusChange"), "oldest first; `status` is the last's")}},
                {"status_changes"})}}};
  s["InstitutionDetail"] = {
      {"allOf",
       {ref("InstitutionStaffView"),
        tObject({{"history", tArray(ref("HistoryEntry"), "every change, oldest first")}},
                {"history"})}}};
  s["InstitutionList"] =
      tObject({{"region", tString()},
               {"limit", tInt()},
               {"offset", tInt()},
               {"total", tInt("rows the filters select")},
               {"institutions", tArray(ref("Institution"), "in order of `from`")}},
              {"region", "limit", "offset", "total", "institutions"});
  s["InstitutionHistory"] =
      tObject({{"code", tString()}, {"history", tArray(ref("HistoryEntry"))}}, {"code", "history"});
  {
    json reapply = tObject({{"may_apply_on", tString("YYYY-MM-DD; \"\" = may apply now")},
                            {"barred", tBool("the one-year bar after a second failure")}},
                           {"may_apply_on", "barred"});
    s["InstitutionApplication"] = tObject(
        {{"region", tString()},
         {"credit_code", tString()},
         {"name", tString()},
         {"status", tEnum({"整改期", "一年内不得申请", "已定点"})},
         {"outcomes", tArray(tObject({{"on", tString("YYYY-MM-DD: the result given")},
                                      {"case_no", tString()},
                                      {"category", tEnum({"医疗机构", "零售药店"})},
                                      {"result", tEnum({"不合格", "定点"})},
                                      {"step", tString("the review step that decided")},
                                      {"reason", tString("the reviewer's reason of a failure")}},
                                     {"on", "case_no", "category", "result", "step", "reason"}),
                             "oldest first")},
         {"reapply",
          tObject({{"医疗机构", reapply}, {"零售药店", reapply}}, {"医疗机构", "零售药店"})},
         {"designations", tArray(ref("Institution"), "its designations in this region")}},
        {"region", "credit_code", "name", "status", "outcomes", "reapply", "designations"},
        "评估结论 of one institution in one region (the re-application rule)");
    s["InstitutionProgress"] =
        tObject({{"case_no", tString()},
                 {"designated", tBool("the case designated the institution and it is 定点")},
                 {"institution", nullable(ref("Institution"))},
                 {"evaluation_failed", tObject({{"on", tString()},
                                                {"reason", tString()},
                                                {"may_apply_on", tString()},
                                                {"barred", tBool()}},
                                               {"on", "reason", "may_apply_on", "barred"},
                                               "only when this case's evaluation failed")}},
                {"case_no", "designated", "institution"});
  }
  // ---- remote-care filings and disease qualifications (routes_filings.cpp) ----
  {
    json change = tObject({{"at", tString("ISO 8601, Asia/Shanghai")},
                           {"case_no", tString("the case that made the change")},
                           {"changes", anyObject("field → {before, after}")}},
                          {"at", "case_no", "changes"});
    // Maternity (routes_maternity.cpp): the same history shape.
    s["MaternityRecord"] = tObject(
        {{"case_no", tString("the case that registered it")},
         {"type", tString("filing | prenatal | medical | family_planning | allowance")},
         {"status", tString()},
         {"name", tString()},
         {"unit", tString("credit code of the unit, or empty")},
         {"event_date", tString("birth, surgery or pregnancy date (YYYY-MM-DD)")},
         {"event_kind", tString("顺产 / 难产 / 剖宫产 … or 生育 / 计划生育手术 for a filing")},
         {"babies", tInt()},
         {"spouse_id_no", tString("the insured husband's ID (unemployed spouse), or empty")},
         {"recorded_on", tString("YYYY-MM-DD")},
         {"amount_fen", tInt("paid, fen (0 for a filing)")},
         {"days", tInt("entitled days (生育津贴), else 0")},
         {"payee_kind", tString("unit | person | empty")},
         {"detail", anyObject("the figures the benefit was computed from")},
         {"history", tArray(change)}},
        {"case_no", "type", "status", "event_date", "amount_fen", "history"});
    s["PersonMaternity"] = tObject({{"region", tString()},
                                    {"id_no", tString()},
                                    {"filings", tArray(ref("MaternityRecord"), "生育备案")},
                                    {"benefits", tArray(ref("MaternityRecord"), "benefits paid")},
                                    {"paid_fen", tInt("the sum of the benefits paid, fen")}},
                                   {"region", "id_no", "filings", "benefits", "paid_fen"});
    // 社会保障卡, 退役士兵补缴, 待遇支付凭证 (routes_cards.cpp): the same history shape.
    json card = tObject({{"card_no", tString("SB + division code + 6 digits")},
                         {"status", tEnum({"有效", "挂失", "作废"})},
                         {"issued_on", tDate()},
                         {"ended_on", tDate("挂失 / 作废 on")},
                         {"reason", tString("遗失 | 损坏")},
                         {"case_no", tString("the case that issued it")},
                         {"ended_by", tString("the case of the 补卡")}},
                        {"card_no", "status", "issued_on", "case_no"});
    json notice = tObject({{"number", tString("TZ + division code + 6 digits")},
                           {"title", tString("云南省金融社保卡新发卡通知单")},
                           {"name", tString()},
                           {"id_no", tString()},
                           {"issued_on", tDate()},
                           {"bank", tString("合作银行网点, may be empty")},
                           {"agency", tString()},
                           {"case_no", tString()},
                           {"instructions", tString()}},
                          {"number", "title", "issued_on", "case_no"});
    s["PersonCards"] = tObject(
        {{"region", tString()},
         {"id_no", tString()},
         {"card",
          nullable(tObject(
              {{"status", tEnum({"有效", "待银行制卡", "挂失", "作废"})},
               {"card_no", tString("the current card; empty while 待银行制卡")},
               {"issued_on", tDate()},
               {"name", tString()},
               {"situation", tString("新参保制卡 | 损坏、遗失补卡 | 即时制卡 (the last case)")},
               {"bank", tString()},
               {"case_no", tString("the last case")},
               {"notice", nullable(notice)},
               {"cards", tArray(card, "every card the person held, oldest first")}},
              {"status", "card_no", "cards", "notice"}))},
         {"history", tArray(change)}},
        {"region", "id_no", "card", "history"});
    s["VeteranBackPayment"] = tObject(
        {{"number", tString("TY + division code + 6 digits")},
         {"status", tString("已补缴")},
         {"id_no", tString()},
         {"name", tString()},
         {"discharge_date", tDate("退出现役日期")},
         {"from_month", tString("YYYY-MM")},
         {"to_month", tString("YYYY-MM")},
         {"months", tInt()},
         {"placement_unit", tString("原安置单位")},
         {"unit_share_payer", tEnum({"原安置单位", "财政"})},
         {"personal_share_collected", tBool()},
         {"registered_before", tBool("false: the person was registered as 职工 by this case")},
         {"contribution_months_before", tInt()},
         {"contribution_months_after", tInt()},
         {"case_no", tString()},
         {"completed_on", tDate()},
         {"history", tArray(change)}},
        {"number", "from_month", "to_month", "months", "case_no", "history"});
    s["PersonBackPayments"] = tObject({{"region", tString()},
                                       {"id_no", tString()},
                                       {"back_payments", tArray(ref("VeteranBackPayment"))},
                                       {"months_total", tInt()}},
                                      {"region", "id_no", "back_payments", "months_total"});
    s["BenefitVoucher"] = tObject(
        {{"number", tString("PZ + division code + 6 digits")},
         {"status", tEnum({"已编制", "已对账"})},
         {"case_no", tString("the 待遇支付 case")},
         {"month", tString("the run's month (YYYY-MM)")},
         {"total_fen", tInt()},
         {"lines", tInt()},
         {"by_purpose",
          tArray(tObject({{"purpose", tString()}, {"count", tInt()}, {"amount_fen", tInt()}},
                         {"purpose", "count", "amount_fen"}))},
         {"paid_on", tDate()},
         {"payments_month", tString("the month the payments were booked in (YYYY-MM)")},
         {"made_on", tDate()},
         {"made_by", tString()},
         {"reconciled_on", tDate("月末与银行核对 (办结)")},
         {"reconciled_by", tString()},
         {"export", tString("the month's payments export, compared with the bank statement")},
         {"history", tArray(change)}},
        {"number", "status", "case_no", "total_fen", "by_purpose", "history"});
    s["BenefitVouchers"] = tObject({{"region", tString()},
                                    {"case_no", tString()},
                                    {"vouchers", tArray(ref("BenefitVoucher"))}},
                                   {"region", "case_no", "vouchers"});
    s["WageDeclaration"] = tObject(
        {{"year", tInt()},
         {"credit_code", tString()},
         {"unit_name", tString()},
         {"case_no", tString()},
         {"wage_total_fen", tInt("the year's total wages, fen")},
         {"employees", tInt()},
         {"avg_monthly_wage_fen", tInt("total ÷ 12 ÷ employees, fen")},
         {"declared_on", tString()},
         {"history", tArray(change)}},
        {"year", "credit_code", "wage_total_fen", "employees", "avg_monthly_wage_fen", "history"});
    s["UnitWages"] = tObject({{"region", tString()},
                              {"credit_code", tString()},
                              {"wages", tArray(ref("WageDeclaration"), "newest year first")}},
                             {"region", "credit_code", "wages"});
    s["RemoteCareFiling"] = tObject(
        {{"number", tString("备案编号: BA + division code + 6 digits")},
         {"id_no", tString("公民身份号码")},
         {"name", tString()},
         {"category", tEnum({"异地安置退休", "异地长期居住", "常驻异地工作", "异地转诊", "急诊抢救",
                             "其他临时外出"})},
         {"long_term", tBool("长期备案: no end date")},
         {"status", tEnum({"有效", "已变更", "已取消"})},
         {"from", tDate()},
         {"to", nullable(tDate("null: long-term, no end"))},
         {"scope", tString("省内 | 省外 | empty")},
         {"destination", tString("就医地（省、市）")},
         {"hospital", tString("就医地医疗机构, may be empty")},
         {"proof", tEnum({"证明材料", "个人承诺书"})},
         {"item_code", tString()},
         {"case_no", tString("the case that registered it")},
         {"replaces", tString("the filing this one changed, or empty")},
         {"ended_by", tString("the case that changed or cancelled it, or empty")},
         {"history", tArray(change)}},
        {"number", "id_no", "category", "long_term", "status", "from", "to", "case_no", "history"});
    s["RemoteCareFilings"] =
        tObject({{"region", tString()},
                 {"id_no", tString()},
                 {"rules", nullable(tObject({{"example", tBool("示例参数")},
                                             {"source", tString()},
                                             {"temporary_validity_months", tInt()},
                                             {"long_term_change_min_months", tInt()},
                                             {"temporary_change_min_months", tInt()}},
                                            {"example", "source", "temporary_validity_months"}))},
                 {"filings", tArray(ref("RemoteCareFiling"), "in order of `from`")}},
                {"region", "id_no", "filings"});
    s["DiseaseQualification"] =
        tObject({{"number", tString("认定编号: MT + division code + 6 digits")},
                 {"id_no", tString()},
                 {"name", tString()},
                 {"disease_code", tString("a code of the region's catalogue (GET …/diseases)")},
                 {"disease_name", tString()},
                 {"disease_kind", tEnum({"chronic", "special"}, "慢性病 | 特殊病")},
                 {"hospital", tString("鉴定医院")},
                 {"assessment", tEnum({"即时认定", "评估认定"})},
                 {"status", tEnum({"有效"})},
                 {"from", tDate()},
                 {"to", nullable(tDate("null: no end"))},
                 {"item_code", tString()},
                 {"case_no", tString()},
                 {"renews", tString("the qualification this one renews, or empty")},
                 {"history", tArray(change)}},
                {"number", "id_no", "disease_code", "disease_name", "disease_kind", "status",
                 "from", "to", "case_no", "history"});
    s["DiseaseQualifications"] =
        tObject({{"region", tString()},
                 {"id_no", tString()},
                 {"qualifications", tArray(ref("DiseaseQualification"), "in order of `from`")}},
                {"region", "id_no", "qualifications"});
    s["DiseaseCatalogue"] = tObject(
        {{"region", tString()},
         {"example", tBool("示例参数: the validity periods (and entries with from_seed false)")},
         {"source", tString()},
         {"validity_months", anyObject("kind (chronic | special) → months; 0 = no end")},
         {"renewal_window_days",
          tInt("a renewal may be applied for this many days before the end")},
         {"limit_condition", nullable(tString("the item condition of the shorter time limit"))},
         {"diseases",
          tArray(tObject(
              {{"code", tString()},
               {"name", tString()},
               {"kind", tEnum({"chronic", "special"})},
               {"kind_name", tEnum({"慢性病", "特殊病"})},
               {"instant", tBool("即时认定")},
               {"specialist", tBool("assessed at a specialist hospital")},
               {"from_seed", tBool("false: an example entry the seed does not name")}},
              {"code", "name", "kind", "kind_name", "instant", "specialist", "from_seed"}))}},
        {"region", "example", "source", "validity_months", "renewal_window_days", "diseases"});
  }
  // ---- Qingdao 门诊统筹签约 and 待遇资格确认 (routes_signing.cpp) ----
  {
    json change = tObject({{"at", tString("ISO 8601, Asia/Shanghai")},
                           {"case_no", tString("the case that made the change")},
                           {"changes", anyObject("field → {before, after}")}},
                          {"at", "case_no", "changes"});
    s["OutpatientSigning"] = tObject(
        {{"id_no", tString("公民身份号码")},
         {"name", tString()},
         {"institution_code", tString("the designated community clinic (institution register)")},
         {"institution_name", tString()},
         {"doctor", tString("签约医生")},
         {"channel", tString("社区医疗机构 | 网上 | 微信")},
         {"status", tEnum({"有效"})},
         {"from", tDate("签约日期: benefits run from this day")},
         {"item_code", tString()},
         {"case_no", tString("the case that signed")},
         {"replaced_case", tString("the case of the signing this one replaced, or empty")}},
        {"id_no", "institution_code", "doctor", "status", "from", "case_no"});
    s["PersonOutpatientSigning"] = tObject(
        {{"region", tString()},
         {"id_no", tString()},
         {"current", nullable(ref("OutpatientSigning"))},
         {"history", tArray(change, "every signing as a change of the one entry, oldest first")},
         {"rules",
          nullable(tObject({{"example", tBool("示例参数")},
                            {"source", tString()},
                            {"change_min_months",
                             tInt("months a signing runs before a new one may replace it")}},
                           {"example", "source", "change_min_months"}))}},
        {"region", "id_no", "current", "history"});
    s["BenefitQualification"] =
        tObject({{"id_no", tString()},
                 {"name", tString()},
                 {"category", tEnum({"graduate", "veteran"}, "应届毕业生 | 退役军人")},
                 {"category_name", tString()},
                 {"graduation_year", nullable(tInt("graduate: 毕业年度"))},
                 {"discharge_date", nullable(tDate("veteran: 转业或复员日期"))},
                 {"enrolment_month", tString("YYYY-MM: the 职工 enrolment it confirms")},
                 {"unit", tString("that enrolment's unit (credit code), or empty")},
                 {"window_from", tString("YYYY-MM")},
                 {"window_to", tString("YYYY-MM")},
                 {"status", tEnum({"有效"})},
                 {"from", tDate("the first day of the enrolment month")},
                 {"to", nullable(tDate("null: no end"))},
                 {"confirmed_on", tDate()},
                 {"item_code", tString()},
                 {"case_no", tString()},
                 {"history", tArray(change)}},
                {"id_no", "category", "enrolment_month", "status", "from", "case_no", "history"});
    s["BenefitQualifications"] = tObject(
        {{"region", tString()},
         {"id_no", tString()},
         {"qualifications", tArray(ref("BenefitQualification"), "one per category at most")}},
        {"region", "id_no", "qualifications"});
  }
  return s;
}

// ---- paths -------------------------------------------------------------------------------------

// format=xlsx on a list (issue 7: every list endpoint takes it). `file`: the download's name.
Operation withXlsx(Operation o, const std::string& file) {
  static const std::string desc =
      "json (default) or xlsx: the same rows as the JSON (same filters, same masking of ID "
      "numbers, same authorisation) as a spreadsheet (Chinese column headers; amounts in 元 "
      "with two decimals, dates as dates). Without limit/offset the download holds every row "
      "the filters select, at most 10,000: beyond that it is refused with 422 too_many_rows "
      "(narrow the filter), never cut short; with limit/offset it holds that page.";
  o.param(queryParam("format", desc.c_str(), false, tEnum({"json", "xlsx"})))
      .alsoAs("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
              {{"type", "string"}, {"format", "binary"}})
      .header("Content-Disposition", {{"description",
                                       "with format=xlsx: attachment; filename=\"<ascii>.xlsx\"; "
                                       "filename*=UTF-8''" +
                                           file + ".xlsx (percent-encoded)"},
                                      {"schema", {{"type", "string"}}}})
      .err(400, {"bad_format"})
      .err(422, {"too_many_rows"})
      .err(503, {"xlsx_failed"});
  return o;
}

json paths() {
  const json region = pathParam("region", "region id (qinghai, xining, yunnan, qingdao …)");
  const json code = pathParam("code", "事项编码");
  const json case_no = pathParam("case_no", "办件编号");
  const json username = pathParam("username", "staff username");
  const std::vector<std::string> body400 = {"bad_request", "too_deep"};
  const json days = {{"type", "integer"}, {"minimum", 0}, {"maximum", 3650}};

  json out = json::object();
  auto add = [&out](const char* method, const char* path, const Operation& o) {
    out[path][method] = build(o);
  };

  add("get", "/healthz", Operation("healthz", "Liveness", "ops").anonymous().ok(ref("Health")));
  add("get", "/metrics",
      Operation("metrics", "Prometheus metrics (text format 0.0.4)", "ops")
          .describe("Counts only, no personal data; served by `jingban serve`. Keep the port off "
                    "the public network or filter /metrics at the proxy.")
          .anonymous()
          .ok(tString(), 200, "text/plain"));
  add("get", "/api/v1/openapi.json",
      Operation("openapi", "This description", "ops")
          .anonymous()
          .ok(anyObject("OpenAPI 3.0 document")));

  add("get", "/api/v1/regions",
      Operation("listRegions", "Regions with their catalogs", "catalog")
          .anonymous()
          .ok(tArray(ref("Region"))));
  add("get", "/api/v1/regions/{region}/items",
      withXlsx(Operation("listItems", "Items of a region (each with its form_schema)", "catalog")
                   .anonymous()
                   .param(region)
                   .ok(tArray(ref("Item")))
                   .err(404, {"unknown_region"}),
               "事项清单"));
  add("get", "/api/v1/regions/{region}/items/{code}",
      Operation("getItem", "One item", "catalog")
          .anonymous()
          .param(region)
          .param(code)
          .ok(ref("Item"))
          .err(404, {"unknown_region", "unknown_item"}));
  add("get", "/api/v1/regions/{region}/items/{code}/guide",
      Operation("getGuide", "办事指南 (HTML)", "catalog")
          .anonymous()
          .param(region)
          .param(code)
          .ok(tString(), 200, "text/html")
          .err(404, {"unknown_region", "unknown_item"}));
  add("get", "/api/v1/regions/{region}/items/{code}/due-date",
      Operation("getItemDueDate", "办理时限 as dates if accepted today (for the guide)", "catalog")
          .describe("By the server's calendar and clock: the due date of the item's limit and of "
                    "each variant if the case were accepted today (null when unstated), and "
                    "whether the acceptance windows are open today, else the next open day "
                    "within a year (null when none is known).")
          .anonymous()
          .param(region)
          .param(code)
          .ok(ref("ItemDueDate"))
          .err(404, {"unknown_region", "unknown_item"})
          .err(422, {"date_outside_calendar"}));
  add("get", "/api/v1/calendar/deadline",
      Operation("deadline", "Due date from a date", "catalog")
          .describe("Exactly one of working_days and natural_days.")
          .anonymous()
          .param(queryParam("from", "YYYY-MM-DD", true, tDate()))
          .param(queryParam("working_days", "0–3650", false, days))
          .param(queryParam("natural_days", "0–3650", false, days))
          .ok(ref("Deadline"))
          .err(400, {"bad_request", "bad_number"})
          .err(422, {"date_outside_calendar"}));

  add("get", "/api/v1/calendar",
      Operation("getCalendar", "The holiday calendar (节假日安排) the deadlines are counted by",
                "catalog")
          .describe("Every loaded year's 法定节假日 and 调休上班 days as calendar/<year>.yaml "
                    "states them, and the later years without a loaded notice, marked provisional "
                    "(暂定: counted Monday–Friday).")
          .anonymous()
          .ok(ref("Calendar")));
  add("post", "/api/v1/session",
      Operation("signIn", "Staff sign-in → bearer token", "session")
          .describe("Rate-limited per address and per account (429 with Retry-After); repeated "
                    "failures lock the account (403 account_locked with Retry-After); 503 busy "
                    "(Retry-After) when too many sign-ins wait for password hashing.")
          .anonymous()
          .takes(
              tObject({{"username", tString()}, {"password", tString()}}, {"username", "password"}))
          .ok(ref("Session"), 201)
          .err(400, body400)
          .err(401, {"unauthorized"})
          .err(403, {"account_locked"})
          .err(429, {"rate_limited"})
          .err(503, {"busy", "storage_unavailable"}));
  add("delete", "/api/v1/session",
      Operation("signOut", "Sign out (revokes the token)", "session")
          .noContent()
          .err(401, {"unauthorized"})
          .err(503, {"storage_unavailable"}));

  add("post", "/api/v1/cases",
      Operation("submitCase", "Submit (申请): anonymous = online, with a token = window", "cases")
          .describe("Without a token the channel defaults to 网上 and the submission is "
                    "rate-limited per address (429 with Retry-After); 窗口 needs a signed-in "
                    "clerk of the region. The receipt (回执) carries the query_code.")
          .either()
          .param(idempotencyKey())
          .takes(ref("Submission"))
          .ok(ref("SubmitReceipt"), 201)
          .err(400, body400)
          .err(400, {"too_long", "bad_material_status"})
          .err(401, {"unauthorized"})
          .err(403, {"wrong_region"})
          .err(404, {"not_found"})
          .err(409, {"idempotency_key_in_use", "version_conflict"})
          .err(422, {"channel_not_offered", "invalid_text", "invalid_phone", "invalid_form",
                     "invalid_id_number", "invalid_credit_code", "wrong_applicant", "name_required",
                     "unknown_condition", "unknown_material", "commitment_not_allowed",
                     "sharing_not_allowed", "applicant_required", "idempotency_key_reused",
                     "internal_item", "applicant_limit_date_required",
                     "applicant_limit_date_future", "applicant_limit_passed"})
          .err(429, {"rate_limited"})
          .err(500, {"unknown_effect"})
          .err(503, {"storage_unavailable"}));
  add("get", "/api/v1/cases",
      withXlsx(
          Operation("listCases", "List the region's cases", "cases")
              .param(queryParam("region", "region id (default: the clerk's own)"))
              .param(queryParam("item", "item code"))
              .param(queryParam("status", "case status", false, tEnum(kCaseStatuses)))
              .param(queryParam("step", "step name"))
              .param(queryParam("deadline",
                                "deadline status (the case's deadline_status): an application "
                                "still owing its one-time notice (notice_due_on) counts by the "
                                "notice's status, so an unanswered one past its day is overdue",
                                false, tEnum(kDeadlineStatuses)))
              .param(queryParam("follow_up", "`open`: only cases with an open follow-up"))
              .param(queryParam("q",
                                "search: a case number or an applicant's ID number / credit code "
                                "(exact), or part of the applicant's name; at most 64 characters"))
              .param(queryParam("from", "submitted on or after this day (YYYY-MM-DD, Shanghai)",
                                false, {{"type", "string"}, {"format", "date"}}))
              .param(queryParam("to", "submitted on or before this day (YYYY-MM-DD, Shanghai)",
                                false, {{"type", "string"}, {"format", "date"}}))
              .param(queryParam("limit", "1–500 (default 100)", false,
                                {{"type", "integer"}, {"minimum", 1}, {"maximum", 500}}))
              .param(queryParam("offset", "≥ 0", false,
                                {{"type", "integer"}, {"minimum", 0}, {"maximum", 10000000}}))
              .ok(tArray(ref("CaseSummary")))
              .header("X-Total-Count",
                      {{"description", "how many cases the filters select in all (for paging)"},
                       {"schema", {{"type", "integer"}, {"minimum", 0}}}})
              .err(400, {"bad_request", "bad_number", "bad_limit", "too_long"})
              .err(401, {"unauthorized"})
              .err(403, {"wrong_region"})
              .err(503, {"storage_unavailable"}),
          "办件列表"));
  add("get", "/api/v1/cases/{case_no}",
      Operation("getCase", "One case with its event log, form and query code", "cases")
          .param(case_no)
          .ok(ref("CaseDetail"))
          .err(401, {"unauthorized"})
          .err(403, {"wrong_region"})
          .err(404, {"not_found"})
          .err(409, {"flow_changed"})
          .err(503, {"storage_unavailable"}));
  add("get", "/api/v1/cases/{case_no}/record.html",
      Operation("getCaseRecordPage", "The record kept in a query or 参保凭证 case, printable",
                "cases")
          .describe("For a case of 参保信息查询 (002001 / 002002) or 出具《参保凭证》 (003001): "
                    "the record as it stood at the review, with the case number, item name and "
                    "办结 date, as a printable page (titled 参保凭证 for 003001). Read as GET "
                    "/api/v1/cases/{case_no} (recorded). 404 no_record for a case of another "
                    "item; 409 record_not_ready before 受理, for a case closed without 办结, or a "
                    "参保凭证 not yet 办结.")
          .param(case_no)
          .ok(tString("HTML"), 200, "text/html")
          .err(401, {"unauthorized"})
          .err(403, {"wrong_region"})
          .err(404, {"not_found", "no_record"})
          .err(409, {"flow_changed", "record_not_ready"})
          .err(503, {"storage_unavailable"}));
  // Material uploads (routes_files.cpp): staff of the case's region, or the applicant with the
  // X-Id-No and X-Query-Code headers.
  const json applicant_id = {
      {"name", "X-Id-No"},
      {"in", "header"},
      {"required", false},
      {"description", "the applicant's ID number or credit code (applicant only)"},
      {"schema", tString()}};
  const json applicant_code = {{"name", "X-Query-Code"},
                               {"in", "header"},
                               {"required", false},
                               {"description", "查询码 from the receipt (applicant only)"},
                               {"schema", tString()}};
  const char* kFilesPath = "/api/v1/cases/{case_no}/materials/{material_id}/files";
  add("post", kFilesPath,
      Operation("uploadMaterialFile", "Upload a file for a material of the case", "cases")
          .describe(
              "The body is the file itself: PDF, JPEG or PNG, at most 5 MiB (the server reads up "
              "to 5 MiB on this path only; more is 413). The Content-Type must name one of the "
              "three and the first bytes must agree with it (%PDF-, FF D8 FF, 89 50 4E 47 0D 0A 1A "
              "0A), else 415. The applicant (X-Id-No + X-Query-Code; a wrong pair answers 404 "
              "not_found without saying which; rate-limited as the applicant's actions) uploads "
              "while the case waits for 受理 or for 补正; staff of the case's region while it is "
              "open (409 wrong_state otherwise). At most 10 files per material and 20 per case "
              "(409 too_many_files). Files are never replaced or deleted.")
          .either()
          .param(case_no)
          .param(pathParam("material_id", "the item's material id"))
          .param({{"name", "X-File-Name"},
                  {"in", "header"},
                  {"required", true},
                  {"description",
                   "the file's name, percent-encoded UTF-8: 1 to 100 characters, no path, no "
                   "control characters"},
                  {"schema", tString()}})
          .param(applicant_id)
          .param(applicant_code)
          .takes({{"type", "string"}, {"format", "binary"}}, true, "application/pdf")
          .ok(ref("CaseFile"), 201)
          .err(400, {"bad_request"})
          .err(401, {"unauthorized"})
          .err(403, {"wrong_region"})
          .err(404, {"not_found", "unknown_material"})
          .err(409, {"wrong_state", "too_many_files"})
          .err(413, {"file_too_large"})
          .err(415, {"unsupported_file_type", "file_content_mismatch"})
          .err(429, {"rate_limited"})
          .err(503, {"storage_unavailable"}));
  for (const char* type : {"image/jpeg", "image/png"})
    out[kFilesPath]["post"]["requestBody"]["content"][type] = {
        {"schema", {{"type", "string"}, {"format", "binary"}}}};
  add("get", "/api/v1/cases/{case_no}/files",
      Operation("listCaseFiles", "The files uploaded for the case's materials", "cases")
          .describe("Staff of the case's region, or the applicant with X-Id-No and X-Query-Code "
                    "(rate-limited as progress). Without the bytes.")
          .either()
          .param(case_no)
          .param(applicant_id)
          .param(applicant_code)
          .ok(ref("CaseFiles"))
          .err(401, {"unauthorized"})
          .err(403, {"wrong_region"})
          .err(404, {"not_found"})
          .err(429, {"rate_limited"})
          .err(503, {"storage_unavailable"}));
  add("get", "/api/v1/cases/{case_no}/files/{id}",
      Operation("getCaseFile", "One uploaded file's bytes", "cases")
          .describe("As stored, with its checked content type, Content-Disposition: inline and "
                    "X-Content-Type-Options: nosniff. Who: as the list.")
          .either()
          .param(case_no)
          .param(pathParam("id", "the file's id", tInt()))
          .param(applicant_id)
          .param(applicant_code)
          .ok({{"type", "string"}, {"format", "binary"}}, 200, "application/pdf")
          .alsoAs("image/jpeg", {{"type", "string"}, {"format", "binary"}})
          .alsoAs("image/png", {{"type", "string"}, {"format", "binary"}})
          .err(401, {"unauthorized"})
          .err(403, {"wrong_region"})
          .err(404, {"not_found", "file_not_found"})
          .err(429, {"rate_limited"})
          .err(503, {"storage_unavailable"}));
  add("get", "/api/v1/cases/{case_no}/notices/{kind}.pdf",
      Operation("getCaseNotice", "A printable notice of the case (PDF, A4)", "cases")
          .describe(
              "受理通知书 (acceptance: once accepted), 一次性告知书 (supplement: every material "
              "missing at the case's last 退回补正), 不予受理决定书 (refusal: a case not accepted, "
              "with the reason and the legal remedy), 办结通知书 (completion: once 办结), 结算单 "
              "(settlement: a case with a recorded settlement, every line and step, marked "
              "示例参数 "
              "when computed from example policy figures). Every page carries the case number and "
              "a QR code of `<--public-url>/progress?case_no=…`. Staff of the case's region with a "
              "token (read as GET /api/v1/cases/{case_no}, recorded), or the applicant without one "
              "giving id_no and query_code (a wrong one answers 404 not_found without saying "
              "which; rate-limited as progress). 409 notice_not_applicable when the case is not in "
              "the state the notice belongs to; 404 unknown_notice for another kind.")
          .either()
          .param(case_no)
          .param(
              pathParam("kind", "通知书种类",
                        tEnum({"acceptance", "supplement", "refusal", "completion", "settlement"},
                              "notice kind")))
          .param(queryParam("id_no", "the applicant's ID number or credit code (applicant only)"))
          .param(queryParam("query_code", "查询码 from the receipt (applicant only)"))
          .ok({{"type", "string"}, {"format", "binary"}}, 200, "application/pdf")
          .err(401, {"unauthorized"})
          .err(403, {"wrong_region"})
          .err(404, {"not_found", "unknown_notice"})
          .err(409, {"flow_changed", "notice_not_applicable"})
          .err(429, {"rate_limited"})
          .err(503, {"storage_unavailable", "font_missing"}));
  add("post", "/api/v1/cases/{case_no}/{action}",
      Operation("actOnCase", "Act on a case", "cases")
          .describe("Staff act with a token. The applicant acts without one (supplement, "
                    "withdraw, rate), giving id_no and query_code in the body; those requests are "
                    "rate-limited per address and per case (429 with Retry-After). The item's "
                    "register effect checks the registers at accept, at every approval and at "
                    "pay, and refuses (422) a case they cannot take: not_insured, duplicate_unit, "
                    "unit_not_found, zero_balance, no_account, not_assistance_recipient, "
                    "already_subsidised, person_not_found, already_enrolled …; a pay amount "
                    "that differs from the 结算单's payable figure is refused 422 "
                    "amount_differs unless the body gives a `reason`. At the 复审 of "
                    "在职转退休, when the 补缴年限 the 初审 clerk entered (data."
                    "missing_contribution_years) differs from the one computed from the "
                    "enrolment periods, the approval is not refused: the case goes back to 初审 "
                    "(200, an event whose data records arrears_mismatch with both figures). "
                    "register_changed (409): the registers changed between the check and the "
                    "commit; retry. `extend` (遇特殊情况适当延长): a supervisor extends an open "
                    "case whose limit allows it (the item's time_limit.extension) by "
                    "data.working_days with a `reason`; the due date moves by that many working "
                    "days, the extensions of a case add up to at most the limit's own days; "
                    "refused 422 extension_not_allowed, working_days_required, "
                    "working_days_out_of_range, extension_exhausted, reason_required, 409 "
                    "wrong_state (not accepted yet, or closed), 403 role_required.")
          .either()
          .param(case_no)
          .param(pathParam("action", "办理动作",
                           tEnum({"accept", "return", "supplement", "not_accept", "approve",
                                  "send_back", "reject", "pay", "complete", "withdraw", "pause",
                                  "resume", "rate", "resolve_follow_up", "extend"})))
          .param(idempotencyKey())
          .takes(ref("Action"), false)
          .ok(ref("CaseOutcome"))
          .err(400, body400)
          .err(400, {"too_long", "bad_material_status"})
          .err(401, {"unauthorized"})
          .err(403, {"staff_only", "applicant_only", "role_required", "wrong_region", "four_eyes"})
          .err(404, {"unknown_action", "not_found"})
          .err(409,
               {"wrong_state", "wrong_step", "paused", "already_rated", "no_follow_up",
                "flow_changed", "version_conflict", "idempotency_key_in_use", "register_changed",
                "no_settlement", "no_subsidy", "account_closed", "account_insufficient"})
          .err(422, {"invalid_text",
                     "reason_required",
                     "outside_acceptance_window",
                     "materials_missing",
                     "materials_required",
                     "nothing_missing",
                     "unknown_material",
                     "commitment_not_allowed",
                     "sharing_not_allowed",
                     "bad_target_step",
                     "amount_required",
                     "amount_out_of_range",
                     "amount_overflow",
                     "amount_negative",
                     "not_uncounted",
                     "extension_not_allowed",
                     "extension_exhausted",
                     "working_days_required",
                     "working_days_out_of_range",
                     "bad_extension",
                     "bad_rating",
                     "idempotency_key_reused",
                     "applicant_required",
                     "not_insured",
                     "duplicate_unit",
                     "unit_not_found",
                     "unit_not_active",
                     "zero_balance",
                     "no_account",
                     "amount_differs",
                     "not_assistance_recipient",
                     "already_subsidised",
                     "person_not_found",
                     "already_enrolled",
                     "applicant_not_person",
                     "applicant_not_unit",
                     "arrears_required",
                     "heir_required",
                     "no_policy",
                     "one_person_per_retirement",
                     "persons_required",
                     "already_retired",
                     "bad_start_month",
                     "form_incomplete",
                     "insured_person_required",
                     "key_change_material",
                     "no_settlement",
                     "not_resident",
                     "not_suspended",
                     "nothing_payable",
                     "nothing_to_change",
                     "settlement_outdated",
                     "suspended_enrolment",
                     "unit_cancelled",
                     "arrears_mismatch"})
          .err(429, {"rate_limited"})
          .err(500, {"unknown_effect"})
          .err(503, {"case_busy", "storage_unavailable"}));
  add("get", "/api/v1/progress",
      Operation("progress", "Public progress query (办理进度)", "cases")
          .describe("All three parameters are needed; a wrong one answers 404 not_found without "
                    "saying which. Rate-limited per address and per case (429 with Retry-After).")
          .anonymous()
          .param(queryParam("case_no", "办件编号", true))
          .param(queryParam("id_no", "applicant's ID number or credit code", true))
          .param(queryParam("query_code", "查询码 from the receipt", true))
          .ok(ref("Progress"))
          .err(400, {"bad_request"})
          .err(404, {"not_found"})
          .err(409, {"flow_changed"})
          .err(429, {"rate_limited"})
          .err(503, {"storage_unavailable"}));

  // Staff administration: a signed-in admin of the region (403 forbidden otherwise).
  auto staffOp = [](const char* id, const char* summary) {
    return Operation(id, summary, "staff")
        .err(401, {"unauthorized"})
        .err(403, {"forbidden"})
        .err(503, {"storage_unavailable"});
  };
  add("get", "/api/v1/staff",
      withXlsx(staffOp("listStaff", "The region's staff accounts (admin)").ok(tArray(ref("Staff"))),
               "工作人员"));
  add("post", "/api/v1/staff",
      staffOp("addStaff", "Add a staff account (admin)")
          .takes(tObject({{"username", tString()},
                          {"name", tString()},
                          {"region", tString()},
                          {"password", tString()},
                          {"roles", tArray(tString("role id"))}},
                         {"username", "name", "region", "password", "roles"}))
          .ok(ref("Staff"), 201)
          .err(400, body400)
          .err(409, {"staff_exists"})
          .err(422, {"invalid_username", "invalid_name", "invalid_roles", "unknown_region",
                     "weak_password"})
          .err(503, {"busy"}));
  add("put", "/api/v1/staff/{username}/roles",
      staffOp("setStaffRoles", "Replace a staff member's roles (admin)")
          .param(username)
          .takes(tObject({{"roles", tArray(tString("role id"))}}, {"roles"}))
          .ok(ref("Staff"))
          .err(400, body400)
          .err(404, {"staff_not_found"})
          .err(422, {"invalid_roles", "unknown_region", "self_lockout"}));
  add("post", "/api/v1/staff/{username}/disable",
      staffOp("disableStaff", "Disable an account and revoke its sessions (admin)")
          .param(username)
          .ok(ref("Staff"))
          .err(404, {"staff_not_found"})
          .err(422, {"self_lockout"}));
  add("post", "/api/v1/staff/{username}/enable",
      staffOp("enableStaff", "Enable an account (admin)")
          .param(username)
          .ok(ref("Staff"))
          .err(404, {"staff_not_found"}));
  add("post", "/api/v1/staff/{username}/password",
      staffOp("setStaffPassword", "Set a password and revoke the sessions (admin)")
          .param(username)
          .takes(tObject({{"password", tString()}}, {"password"}))
          .ok(ref("Staff"))
          .err(400, body400)
          .err(404, {"staff_not_found"})
          .err(422, {"weak_password"})
          .err(503, {"busy"}));

  // Registers: a signed-in staff member of that region (403 wrong_region otherwise).
  const json credit = pathParam("credit_code", "统一社会信用代码 (GB 32100)");
  const json id_no = pathParam("id_no", "公民身份号码 (GB 11643)");
  const json month = queryParam("month", "YYYY-MM", true,
                                {{"type", "string"}, {"pattern", "^[0-9]{4}-[0-9]{2}$"}});
  auto pageParams = [](Operation& o, int max) {
    o.param(queryParam("limit", max == 1000 ? "1–1000 (default 100)" : "1–500 (default 100)", false,
                       {{"type", "integer"}, {"minimum", 1}, {"maximum", max}}))
        .param(queryParam("offset", "≥ 0", false,
                          {{"type", "integer"}, {"minimum", 0}, {"maximum", 10000000}}));
  };
  auto registerOp = [&region](const char* id, const char* summary) {
    return Operation(id, summary, "registers")
        .param(region)
        .err(401, {"unauthorized"})
        .err(403, {"wrong_region"})
        .err(503, {"storage_unavailable"});
  };
  add("get", "/api/v1/regions/{region}/units/{credit_code}",
      registerOp("getUnit", "参保单位 with its change history")
          .param(credit)
          .ok(ref("RegisterUnit"))
          .err(404, {"unit_not_found"})
          .err(422, {"invalid_credit_code"}));
  add("get", "/api/v1/regions/{region}/persons/{id_no}",
      registerOp("getPerson", "参保人员: enrolment periods, contribution months, change history")
          .param(id_no)
          .ok(ref("RegisterPerson"))
          .err(404, {"person_not_found"})
          .err(422, {"invalid_id_number"}));
  add("get", "/api/v1/regions/{region}/persons/{id_no}/record",
      registerOp("getPersonRecord", "参保缴费记录: periods, status, contribution months and years")
          .describe("The person's insurance record as a document of its own (ID number masked), "
                    "counted to this month on the server's clock. `…/record.html` is the same "
                    "as a printable page.")
          .param(id_no)
          .ok(ref("RecordPerson"))
          .err(404, {"person_not_found"})
          .err(422, {"invalid_id_number"}));
  add("get", "/api/v1/regions/{region}/persons/{id_no}/record.html",
      registerOp("getPersonRecordPage", "参保缴费记录 as a printable page (HTML, A4)")
          .param(id_no)
          .ok(tString("HTML"), 200, "text/html")
          .err(404, {"person_not_found"})
          .err(422, {"invalid_id_number"}));
  add("get", "/api/v1/regions/{region}/persons/{id_no}/certificate.pdf",
      registerOp("getPersonCertificate", "参保凭证 as PDF (A4) from the person register")
          .describe("The person's periods in this region, status and contribution months and "
                    "years counted to this month on the server's clock (as …/record), ID number "
                    "masked, dated today and issued in the region's name. It belongs to no case: "
                    "no case number and no QR code.")
          .param(id_no)
          .ok({{"type", "string"}, {"format", "binary"}}, 200, "application/pdf")
          .err(404, {"person_not_found"})
          .err(422, {"invalid_id_number"})
          .err(503, {"font_missing"}));
  add("get", "/api/v1/regions/{region}/units/{credit_code}/record",
      registerOp("getUnitRecord", "参保单位参保记录: status periods, changes, insured employees")
          .describe("`…/record.html` is the same as a printable page.")
          .param(credit)
          .ok(ref("RecordUnit"))
          .err(404, {"unit_not_found"})
          .err(422, {"invalid_credit_code"}));
  add("get", "/api/v1/regions/{region}/units/{credit_code}/record.html",
      registerOp("getUnitRecordPage", "参保单位参保记录 as a printable page (HTML, A4)")
          .param(credit)
          .ok(tString("HTML"), 200, "text/html")
          .err(404, {"unit_not_found"})
          .err(422, {"invalid_credit_code"}));
  add("get", "/api/v1/regions/{region}/accounts/{id_no}",
      registerOp("getAccount", "个人账户: balance and entries")
          .param(id_no)
          .ok(ref("Account"))
          .err(404, {"no_account"})
          .err(422, {"invalid_id_number"}));
  {
    Operation o =
        registerOp("listPayments", "拨付台账 of a month, with the month's count and total");
    o.param(month);
    pageParams(o, 1000);
    add("get", "/api/v1/regions/{region}/payments",
        withXlsx(o.ok(ref("PaymentList"))
                     .err(400, {"bad_month", "bad_number"})
                     .err(422, {"too_many_rows", "amount_overflow"}),
                 "拨付记录-<month>"));
  }
  add("get", "/api/v1/regions/{region}/payments/export",
      registerOp("exportPayments", "Month-end reconciliation export (CSV or XLSX)")
          .describe("Every payment of the month and a 合计 row, to compare with the bank's "
                    "statement. CSV is UTF-8 with a BOM (Excel opens it as UTF-8) and CRLF line "
                    "ends; a cell that a spreadsheet would read as a formula is prefixed with an "
                    "apostrophe. The last two columns, 拨付事件 and 明细行, name each payment in "
                    "the ledger "
                    "(the case event that paid it, and its line: 0 for an event's one payment, "
                    "1..n for the lines of a 待遇支付 run). Sent as an attachment "
                    "(Content-Disposition).")
          .param(month)
          .param(queryParam("format", "csv (default) or xlsx", false, tEnum({"csv", "xlsx"})))
          .ok(tString("CSV text"), 200, "text/csv")
          .alsoAs("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  {{"type", "string"}, {"format", "binary"}})
          .header("Content-Disposition",
                  {{"description", "attachment; filename=\"payments-<region>-<month>.<format>\""},
                   {"schema", {{"type", "string"}}}})
          .err(400, {"bad_month", "bad_request"})
          .err(422, {"too_many_rows", "amount_overflow"}));
  {
    Operation o = registerOp("listPersons", "Search 参保人员 (ID numbers masked)");
    o.param(queryParam("name", "name (at most 50 characters)"))
        .param(queryParam("unit", "credit code of the unit"))
        .param(queryParam("insurance_type", "职工 / 城乡居民 / 灵活就业"));
    pageParams(o, 500);
    add("get", "/api/v1/regions/{region}/persons",
        withXlsx(o.ok(ref("PersonList")).err(400, {"too_long", "bad_number"}), "参保人员"));
  }
  {
    Operation o = registerOp("listUnits", "Search 参保单位");
    o.param(queryParam("name", "name (at most 50 characters)"))
        .param(queryParam("status", "正常 / 暂停 / 注销"));
    pageParams(o, 500);
    add("get", "/api/v1/regions/{region}/units",
        withXlsx(o.ok(ref("UnitList")).err(400, {"too_long", "bad_number"}), "参保单位"));
  }
  add("get", "/api/v1/regions/{region}/dashboard",
      withXlsx(
          Operation("getDashboard", "统计分析: the supervisor's dashboard of a period", "dashboard")
              .describe(
                  "Only the region's supervisors (role `supervisor`): it counts each staff "
                  "member's work, which is personnel supervision; every other staff member keeps "
                  "the case lists (`deadline=overdue|due_soon`, `follow_up=open`). The period is "
                  "`from`…`to`, Beijing calendar days, both included (default: the first of this "
                  "month to today; at most 366 days). Definitions: **applications** = cases "
                  "submitted (申请) on a day of the period; **closed** (办结) = cases whose status "
                  "is completed (已办结) or rejected (审核不通过) with closed_on in the period and "
                  "a due date; **closed_on_time** = of those, closed_on ≤ due_on (the stored due "
                  "date, every pause and extension counted in it); **on_time_rate** (按期办结率) = "
                  "closed_on_time / closed, rounded to 4 decimals, null when nothing closed. "
                  "不予受理 "
                  "(decided before the clock starts) and 撤回 are not 办结; a case 办结 under an "
                  "unstated limit (未载明) is counted apart (closed_without_limit). **open**, "
                  "**overdue**, **due_soon** and **by_step** are counted now, whatever the period, "
                  "under the rule of the case lists (so they equal the lengths of "
                  "GET /cases?deadline=overdue and ?deadline=due_soon). **by_status**: cases "
                  "applied in the period by their status now. **by_staff**: events each staff "
                  "member recorded in the period (the applicant and `system` left out), distinct "
                  "cases and actions by kind. **Ratings** (好差评) given in the period (the time "
                  "of "
                  "the rating): satisfied = at or above the region's `rating_satisfied` on its "
                  "`rating_scale`; satisfaction_rate = satisfied / ratings, per item and per "
                  "channel (窗口, 网上 …: the agency keeps no counter numbers). **follow_ups**: "
                  "every open follow-up of a poor rating of the region (not bound to the period), "
                  "due `follow_up_working_days` (15) working days after the rating — the seeds "
                  "name no limit; local 好差评 rules ask for 整改反馈 within 5 to 15 working days "
                  "and the longer is taken. **daily**: every day of the period (zeros included) "
                  "with applications, closed and closed_on_time, for the chart. With format=xlsx "
                  "one sheet per part: 概况, 按事项, 按环节, 按状态, 按经办人, 满意度（按事项）, "
                  "满意度（按渠道）, 差评回访, 每日趋势.")
              .param(region)
              .param(queryParam("from", "YYYY-MM-DD (default: the first day of this month)", false,
                                tDate()))
              .param(queryParam("to", "YYYY-MM-DD (default: today)", false, tDate()))
              .ok(ref("Dashboard"))
              .err(400, {"bad_date", "bad_period", "period_too_long"})
              .err(401, {"unauthorized"})
              .err(403, {"wrong_region", "role_required"})
              .err(422, {"date_outside_calendar"})
              .err(503, {"storage_unavailable"}),
          "统计分析-<地区>-<from>至<to>"));
  {
    Operation o =
        Operation("listNotifications", "The outbox of messages to applicants, with delivery state",
                  "notifications")
            .describe(
                "Only the region's supervisors (role `supervisor`). A message is made for every "
                "受理 (accept), 补正 (return), 办结 (complete) and follow-up of a poor rating "
                "(resolve_follow_up) of a case whose applicant gave a phone number, within about "
                "a second of the commit, and sent by the server's sender (`serve --notify log` "
                "writes it to the log; `--notify webhook` POSTs it to the gateway). Retryable "
                "failures are tried again after 1, 2, 4 … seconds (at most 10 minutes apart); "
                "after 10 attempts, or at once when the gateway refuses it (4xx other than 408 "
                "and 429), the message is `failed` until a supervisor retries it.")
            .param(region)
            .param(queryParam("status", "pending / sent / failed (default: every status)", false,
                              tEnum({"pending", "sent", "failed"})))
            .ok(ref("NotificationList"))
            .err(400, {"bad_status", "bad_number"})
            .err(401, {"unauthorized"})
            .err(403, {"wrong_region", "role_required"})
            .err(503, {"storage_unavailable"});
    pageParams(o, 500);
    add("get", "/api/v1/regions/{region}/notifications", withXlsx(o, "通知发送记录-<地区>"));
  }
  add("post", "/api/v1/notifications/{message_id}/retry",
      Operation("retryNotification", "Put a failed message back in the queue", "notifications")
          .describe("A supervisor of the message's region: the message is pending again, due "
                    "at once, its attempts counted afresh. Only a `failed` message (409 "
                    "not_failed otherwise).")
          .param(pathParam("message_id", "<case_no>:<event seq>"))
          .ok(ref("Notification"))
          .err(401, {"unauthorized"})
          .err(403, {"wrong_region", "role_required"})
          .err(404, {"notification_not_found"})
          .err(409, {"not_failed"})
          .err(503, {"storage_unavailable"}));
  add("post", "/api/v1/regions/{region}/imports/residents",
      registerOp("importResidents", "城乡居民批量参保登记 from a CSV body (窗口受理人员)")
          .describe(
              "Body: UTF-8 CSV (RFC 4180; a BOM and CRLF are accepted), header exactly "
              "`id_no,name,phone,identity`; identity one of 普通居民 (or empty), 低保, 特困, "
              "重度残疾, 其他救助对象. Each row is checked (ID check digit and birth date, name "
              "1–50 "
              "characters, phone, identity, a duplicate of an earlier row, a person already "
              "enrolled in the region); the accepted rows are enrolled as 城乡居民 from "
              "`start_month` (default: this month) in one transaction, all or none. The body is "
              "capped by the server's body limit, 1 MiB (about 20,000 rows; 413 beyond it); "
              "`jingban import-residents` takes files of any size. The whole file is refused "
              "(422) for a wrong header, text that is not UTF-8 or an unclosed quote.")
          .param(queryParam("start_month", "YYYY-MM: the first month of the enrolment"))
          .takes(tString("CSV"), true, "text/csv")
          .ok(ref("ImportReport"), 201)
          .err(400, {"bad_request", "bad_month"})
          .err(403, {"role_required"})
          .err(409, {"version_conflict"})
          .err(422, {"csv_header", "invalid_csv", "not_utf8", "too_many_rows"}));
  add("post", "/api/v1/regions/{region}/imports/account-credits",
      registerOp("importAccountCredits", "个人账户划入: the monthly credits as a CSV batch (财务)")
          .describe(
              "Body: UTF-8 text (a BOM and CRLF are accepted), header exactly "
              "`id_no,amount_fen,month`, one credit a row: a valid 公民身份号码, an amount of 1 to "
              "100000000 fen, the month YYYY-MM. A malformed row (wrong column count, ID number, "
              "amount or month) is rejected and reported; so is a row whose person is not an "
              "insured 职工 or 灵活就业 of the region, or whose account is closed (read inside "
              "the transaction). The accepted rows credit the accounts (划入, opening an account "
              "on its first credit) in one transaction, all or none, and the batch is kept so "
              "that `jingban rebuild-registers` applies it again. Needs the region's `finance` "
              "role. The whole file is refused for a wrong header (422 bad_header), more than "
              "200,000 rows (422 too_many_rows) or text that is not UTF-8 (400 "
              "invalid_encoding).")
          .takes(tString("CSV: id_no,amount_fen,month"), true, "text/csv")
          .ok(ref("ImportReport"), 201)
          .err(403, {"role_required"})
          .err(409, {"batch_exists"})
          .err(422, {"bad_header", "too_many_rows"}));
  // ---- transfers between regions (routes_transfers.cpp) ----
  add("get", "/api/v1/regions/{region}/transfers",
      registerOp("listTransfers", "转移接续 of a person as this region records them")
          .describe("The same figures on both sides once done (状态 已完成). Each stage has 5 "
                    "working days from the day it started. Staff of the region (bearer token), "
                    "or the applicant themself (the portal): no token, the query code of one of "
                    "their cases in this region in the X-Query-Code header and that case's number "
                    "in case_no (every mismatch, the ID number too, answers the same 404; "
                    "rate-limited as the progress query).")
          .either()
          .param(queryParam("id_no", "the person's citizen ID number", true))
          .param(queryParam("case_no", "the applicant's case (with X-Query-Code)"))
          .param({{"name", "X-Query-Code"},
                  {"in", "header"},
                  {"required", false},
                  {"description", "查询码 of that case (the applicant)"},
                  {"schema", {{"type", "string"}}}})
          .ok(tArray(ref("Transfer")))
          .err(400, {"id_no_required"})
          .err(404, {"unknown_region", "no_such_application"})
          .err(422, {"invalid_id_no"})
          .err(429, {"rate_limited"}));
  add("get", "/api/v1/regions/{region}/transfers/outbox",
      registerOp("listTransferOutbox", "Transfer documents of the region not delivered yet")
          .ok(tArray(ref("TransferOutboxEntry")))
          .err(404, {"unknown_region"}));
  add("post", "/api/v1/peer/transfers/messages",
      Operation("receiveTransferMessage", "A peer server delivers a transfer document", "registers")
          .describe("Not for staff: the server serving the other region (`serve --peer`) signs "
                    "with the shared key (`--peer-key-file`): `Authorization: JingbanPeer "
                    "ts=<unix seconds>,mac=<hex HMAC-SHA256 of METHOD\\nPATH\\nTS\\nBODY, keyed "
                    "with SHA-256 of the key>`; a timestamp more than 300 s off is refused. A "
                    "message id received before is answered the same and applied once.")
          .anonymous()
          .takes(ref("TransferMessage"))
          .ok(ref("TransferReceipt"))
          .err(400, {"bad_message"})
          .err(401, {"bad_signature", "stale_signature", "peer_not_configured"})
          .err(404, {"region_not_served", "unknown_transfer"})
          .err(422, {"balance_mismatch", "months_mismatch", "unknown_region", "person_mismatch",
                     "figures_mismatch"})
          .err(503, {"storage_unavailable"}));
  // ---- monthly settlement (routes_settlements.cpp) ----
  {
    const json inst =
        pathParam("institution_code", "定点医药机构编码 (H/P + 6-digit division + 5 digits)");
    const json month = pathParam("month", "the settled month, YYYY-MM");
    const json applicant_id = {
        {"name", "X-Id-No"},
        {"in", "header"},
        {"required", false},
        {"description", "the institution's 统一社会信用代码 (without a token)"},
        {"schema", {{"type", "string"}}}};
    const json query_code = {{"name", "X-Query-Code"},
                             {"in", "header"},
                             {"required", false},
                             {"description", "the settlement case's 查询码 (without a token)"},
                             {"schema", {{"type", "string"}}}};
    add("post", "/api/v1/regions/{region}/settlements/{institution_code}/{month}/lines",
        Operation("uploadSettlementLines", "费用结算: the month's fee lines (上传即申请)",
                  "settlements")
            .describe(
                "Body: CSV with the header `line_no,id_no,visit_date,code,name,class,quantity,"
                "unit_price_fen,amount_fen` or JSON lines with the same keys. Each line is checked "
                "(line_no strictly increasing, GB 11643 ID, visit date in the month and in the "
                "agreement, code in the region's fee catalogue, class as the catalogue's, unit "
                "price within its cap, a pharmacy bills no 诊疗项目, quantity ≤ 3 decimals, amount "
                "= quantity × unit price rounded half up). The answer counts the rejections per "
                "reason with the first 100 as a sample and gives the totals by class and kind and "
                "the fund's share. When a line passes, a case of 010001 / 010002 (chosen by the "
                "institution's category) is submitted with the totals. The institution itself "
                "sends it without a token (X-Id-No = its credit code), or a window clerk with one. "
                "Only a month that has ended; one settlement per institution and month. The body "
                "is "
                "streamed (Content-Length or chunked, up to 4 GB): every refusal the header "
                "decides "
                "comes before the body is read, and the connection then closes; an upload cut off "
                "in the middle settles nothing (upload_incomplete).")
            .either()
            .param(region)
            .param(inst)
            .param(month)
            .param(applicant_id)
            .param(idempotencyKey())
            .takes(tString("CSV or JSON lines"), true, "text/csv")
            .ok(ref("FeeSettlementUpload"), 201)
            .err(400, {"bad_request", "bad_month", "upload_incomplete"})
            .err(403, {"not_the_institution", "role_required", "wrong_region"})
            .err(404, {"not_found", "institution_not_found", "no_settlement_item"})
            .err(409, {"settlement_exists"})
            .err(422, {"month_not_ended", "bad_header", "empty_upload", "too_many_lines",
                       "no_accepted_lines", "wrong_category", "outside_agreement",
                       "no_fee_catalogue", "no_policy"})
            .err(429, {"rate_limited"})
            .err(503, {"catalogue_missing"}));
    add("get", "/api/v1/regions/{region}/settlements/{institution_code}/{month}",
        Operation("getSettlement", "费用结算 of one institution and month, with its 基金拨付单",
                  "settlements")
            .describe("Staff of the region, or the institution (X-Id-No + X-Query-Code of the "
                      "settlement's case). 404 until the case is accepted (受理).")
            .either()
            .param(region)
            .param(inst)
            .param(month)
            .param(applicant_id)
            .param(query_code)
            .ok(ref("FeeSettlement"))
            .err(400, {"bad_month"})
            .err(403, {"wrong_region"})
            .err(404, {"settlement_not_found", "not_found"})
            .err(429, {"rate_limited"}));
    add("post", "/api/v1/regions/{region}/settlements/{institution_code}/{month}/confirm",
        Operation("confirmSettlement", "对账: the institution confirms the 基金拨付单",
                  "settlements")
            .describe("The institution (X-Id-No + X-Query-Code, no token) confirms the amount it "
                      "checked; 拨付 is refused (422 not_reconciled) until it has. Kept as a "
                      "register change of its own (a batch the rebuild applies again).")
            .anonymous()
            .param(region)
            .param(inst)
            .param(month)
            .param(applicant_id)
            .param(query_code)
            .takes(tObject({{"payable_fen", tInt("the 基金拨付单's amount as the institution "
                                                 "checked it")}},
                           {"payable_fen"}))
            .ok(ref("FeeSettlement"))
            .err(400, {"bad_request", "bad_month", "too_deep"})
            .err(403, {"applicant_only"})
            .err(404, {"settlement_not_found", "not_found"})
            .err(409, {"not_ordered", "register_changed"})
            .err(422, {"amount_differs"})
            .err(429, {"rate_limited"}));
    add("get", "/api/v1/regions/{region}/settlements",
        Operation("listSettlements", "结算确认汇总表 of a month (JSON, XLSX or PDF)", "settlements")
            .describe("Every institution's settlement of the month in the region, with a 合计 "
                      "row. format=xlsx or pdf sends it as an attachment.")
            .param(region)
            .param(queryParam("month", "YYYY-MM", true))
            .param(queryParam("format", "json (default), xlsx or pdf", false,
                              tEnum({"json", "xlsx", "pdf"})))
            .ok(ref("FeeSettlementSummary"))
            .alsoAs("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    {{"type", "string"}, {"format", "binary"}})
            .alsoAs("application/pdf", {{"type", "string"}, {"format", "binary"}})
            .header("Content-Disposition", {{"description",
                                             "with format=xlsx|pdf: attachment; "
                                             "filename=\"settlements-<region>-<month>.<format>\""},
                                            {"schema", {{"type", "string"}}}})
            .err(400, {"bad_month", "bad_request"})
            .err(403, {"wrong_region"})
            .err(404, {"not_found"})
            .err(422, {"too_many_rows"})
            .err(503, {"xlsx_failed", "font_missing"}));
  }
  // ---- designated institutions (routes_institutions.cpp) ----
  {
    const json inst = pathParam("code", "定点编码 (H/P + 6-digit division + 5 digits)");
    add("get", "/api/v1/regions/{region}/institutions",
        registerOp("listInstitutions", "定点医药机构 of the region")
            .param(queryParam("category", "医疗机构 | 零售药店", false,
                              tEnum({"医疗机构", "零售药店"})))
            .param(
                queryParam("status", "定点 | 暂停 | 解除", false, tEnum({"定点", "暂停", "解除"})))
            .param(queryParam("limit", "1–500 (default 100)", false,
                              {{"type", "integer"}, {"minimum", 1}, {"maximum", 500}}))
            .param(queryParam("offset", "≥ 0", false,
                              {{"type", "integer"}, {"minimum", 0}, {"maximum", 200000}}))
            .ok(ref("InstitutionList"))
            .err(400, {"bad_filter", "bad_number"}));
    add("get", "/api/v1/regions/{region}/institutions/{code}",
        registerOp("getInstitution",
                   "定点医药机构: the agreement, its period, level, status, history")
            .param(inst)
            .ok(ref("InstitutionDetail"))
            .err(400, {"bad_request"})
            .err(404, {"institution_not_found"}));
    add("post", "/api/v1/regions/{region}/institutions/{code}/status",
        registerOp("changeInstitutionStatus",
                   "暂停 / 恢复定点 / 解除协议 of a designated institution from a date")
            .describe("复审人员 (senior_reviewer) of the region. The change is recorded with who, "
                      "when and why in the institution's status changes and change history "
                      "(kept as a batch the rebuild applies again). A reimbursement or maternity "
                      "claim naming the institution is checked against the status in force on "
                      "its visit date. 解除 is final.")
            .param(inst)
            .param(idempotencyKey())
            .takes(ref("InstitutionStatusRequest"))
            .ok(ref("InstitutionStaffView"))
            .err(400, {"bad_request", "too_deep"})
            .err(403, {"role_required"})
            .err(404, {"institution_not_found"})
            .err(409, {"idempotency_key_in_use"})
            .err(422, {"institution_status_invalid", "reason_required", "reason_too_long",
                       "effective_on_invalid", "institution_terminated", "status_unchanged",
                       "effective_before_agreement", "effective_in_future",
                       "effective_before_last_change", "idempotency_key_reused"}));
    add("get", "/api/v1/regions/{region}/institutions/{code}/history",
        registerOp("getInstitutionHistory", "定点医药机构: its change history alone")
            .param(inst)
            .ok(ref("InstitutionHistory"))
            .err(400, {"bad_request"})
            .err(404, {"institution_not_found"}));
    add("get", "/api/v1/regions/{region}/institution-applications/{credit_code}",
        registerOp("getInstitutionApplication",
                   "评估结论 of an institution: failed evaluations and when it may apply again")
            .param(credit)
            .ok(ref("InstitutionApplication"))
            .err(404, {"no_application_outcome"})
            .err(422, {"invalid_credit_code"}));
    add("get", "/api/v1/progress/institution",
        Operation("institutionProgress", "The applicant institution's designation (定点结果)",
                  "cases")
            .describe("The three keys of the progress query; a wrong one answers 404 not_found "
                      "without saying which. Rate-limited as the progress query.")
            .anonymous()
            .param(queryParam("case_no", "办件编号", true))
            .param(queryParam("id_no", "the institution's credit code", true))
            .param(queryParam("query_code", "查询码 from the receipt", true))
            .ok(ref("InstitutionProgress"))
            .err(400, {"bad_request"})
            .err(404, {"not_found"})
            .err(429, {"rate_limited"})
            .err(503, {"storage_unavailable"}));
  }
  // A person's register entries (filings, qualifications, maternity, signing, cards …): staff of
  // the region, or the applicant with the query code of one of their cases.
  const json person = pathParam("id_no", "公民身份号码 (GB 11643)");
  auto personOp = [&region, &person](const char* id, const char* summary) {
    return Operation(id, summary, "registers")
        .describe(
            "Staff of the region (bearer token), or the applicant themself: no token, "
            "the query code of one of their cases in the X-Query-Code header and that "
            "case's number in case_no (every mismatch answers the same 404; rate-limited "
            "as the progress query).")
        .either()
        .param(region)
        .param(person)
        .param(queryParam("case_no", "the applicant's case (with X-Query-Code)"))
        .param({{"name", "X-Query-Code"},
                {"in", "header"},
                {"required", false},
                {"description", "查询码 of that case (the applicant)"},
                {"schema", {{"type", "string"}}}})
        .err(401, {"unauthorized"})
        .err(403, {"wrong_region"})
        .err(404, {"no_such_application"})
        .err(422, {"invalid_id_number"})
        .err(429, {"rate_limited"})
        .err(503, {"storage_unavailable"});
  };
  // ---- remote-care filings and disease qualifications (routes_filings.cpp) ----
  {
    add("get", "/api/v1/regions/{region}/persons/{id_no}/filings",
        personOp("getPersonFilings", "异地就医备案 of a person over time, each with its history")
            .ok(ref("RemoteCareFilings")));
    add("get", "/api/v1/regions/{region}/persons/{id_no}/qualifications",
        personOp("getPersonQualifications",
                 "门诊慢特病病种认定 of a person over time, each with its history")
            .ok(ref("DiseaseQualifications")));
    add("get", "/api/v1/regions/{region}/persons/{id_no}/maternity",
        personOp("getPersonMaternity",
                 "生育备案 and the maternity benefits paid to a person, each with its history")
            .ok(ref("PersonMaternity")));
    add("get", "/api/v1/regions/{region}/units/{credit_code}/wages",
        Operation("getUnitWages", "单位医疗保险工资申报 of a unit (Qingdao), newest year first",
                  "registers")
            .param(region)
            .param(pathParam("credit_code", "统一社会信用代码 (GB 32100)"))
            .ok(ref("UnitWages"))
            .err(401, {"unauthorized"})
            .err(403, {"wrong_region", "forbidden"})
            .err(422, {"invalid_credit_code"})
            .err(503, {"storage_unavailable"}));
    add("get", "/api/v1/regions/{region}/diseases",
        Operation("getDiseaseCatalogue", "门诊慢特病病种目录 of a region", "catalog")
            .anonymous()
            .param(region)
            .ok(ref("DiseaseCatalogue"))
            .err(404, {"no_disease_catalog"}));
  }
  // ---- Qingdao 门诊统筹签约 and 待遇资格确认 (routes_signing.cpp) ----
  {
    add("get", "/api/v1/regions/{region}/persons/{id_no}/outpatient-signing",
        personOp("getPersonOutpatientSigning",
                 "门诊统筹签约 of a person: the signing in force and every earlier one (history)")
            .ok(ref("PersonOutpatientSigning")));
    add("get", "/api/v1/regions/{region}/persons/{id_no}/benefit-qualifications",
        personOp("getPersonBenefitQualifications",
                 "应届毕业生 / 退役军人医保待遇资格确认 of a person, each with its history")
            .ok(ref("BenefitQualifications")));
  }
  // ---- 社会保障卡, 退役士兵补缴, 待遇支付凭证 (routes_cards.cpp) ----
  {
    add("get", "/api/v1/regions/{region}/persons/{id_no}/cards",
        personOp("getPersonCards",
                 "社会保障卡 of a person (Yunnan): the current card, every earlier one, the bank "
                 "notice of an instant card, the history")
            .ok(ref("PersonCards")));
    add("get", "/api/v1/regions/{region}/persons/{id_no}/cards/notice.html",
        personOp("getCardNotice",
                 "《云南省金融社保卡新发卡通知单》 of an instant card, as a printable page")
            .ok(tString("HTML"), 200, "text/html")
            .err(404, {"no_such_application", "no_card_notice"}));
    add("get", "/api/v1/regions/{region}/persons/{id_no}/back-payments",
        personOp("getPersonBackPayments", "退役士兵补缴 records of a person (Yunnan), with history")
            .ok(ref("PersonBackPayments")));
    add("get", "/api/v1/regions/{region}/benefit-runs/{case_no}/vouchers",
        Operation("getBenefitVouchers",
                  "待遇支付会计凭证 of a payment run (Xining 630100990001), by its case number",
                  "registers")
            .describe("Staff of the region. Empty until the run's 编制会计凭证 step; 已对账 after "
                      "办结 (月末与银行核对), with the link to the month's payments export.")
            .param(region)
            .param(pathParam("case_no", "办件编号 of the 待遇支付 case"))
            .ok(ref("BenefitVouchers"))
            .err(401, {"unauthorized"})
            .err(403, {"wrong_region"})
            .err(404, {"no_voucher"})
            .err(503, {"storage_unavailable"}));
  }
  return out;
}

// The peer inbox is signed by the peer server, not by a staff session or anonymous.
json withPeerSecurity(json p) {
  p["/api/v1/peer/transfers/messages"]["post"]["security"] =
      json::array({{{"peerHmac", json::array()}}});
  return p;
}

json document() {
  json headers = {
      {"X-Request-Id",
       {{"description", "the request's id, also in the server log"},
        {"schema", {{"type", "string"}}}}},
      {"Retry-After",
       {{"description", "seconds to wait before retrying"}, {"schema", {{"type", "integer"}}}}}};
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Jingban 经办 API"},
        {"version", "1"},
        {"description",
         "医保经办: catalog, submission, case handling, public progress, staff accounts and the "
         "registers an approved case changes. "
         "Errors are `{\"error\": {\"code\", \"message\"}}`; an unknown path answers 404 "
         "`not_found`, a known path with another method 405 `method_not_allowed`."},
        {"license", {{"name", "Proprietary"}, {"url", "https://example.invalid/license"}}}}},
      {"servers", json::array({{{"url", "/"}}})},
      {"security", json::array({{{"bearer", json::array()}}})},
      {"tags",
       json::array({{{"name", "ops"}, {"description", "liveness, metrics, this document"}},
                    {{"name", "catalog"}, {"description", "事项目录, 办事指南, 期限"}},
                    {{"name", "session"}, {"description", "staff sign-in"}},
                    {{"name", "cases"}, {"description", "办件"}},
                    {{"name", "staff"}, {"description", "staff accounts"}},
                    {{"name", "registers"},
                     {"description", "参保单位, 参保人员, 个人账户, 拨付台账, 批量参保登记"}},
                    {{"name", "dashboard"}, {"description", "统计分析 (supervisors)"}},
                    {{"name", "notifications"},
                     {"description", "messages to applicants: the outbox (supervisors)"}}})},
      {"paths", withPeerSecurity(paths())},
      {"components",
       {{"securitySchemes",
         {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
          // The peer inbox (routes_transfers.cpp): `JingbanPeer ts=…,mac=…`, HMAC-SHA256 with the
          // shared key of `serve --peer-key-file`.
          {"peerHmac", {{"type", "apiKey"}, {"in", "header"}, {"name", "Authorization"}}}}},
        {"headers", headers},
        {"schemas", schemas()}}}};
}

}  // namespace

const std::string& openapiJson() {
  static const std::string doc = document().dump();
  return doc;
}

}  // namespace jingban
