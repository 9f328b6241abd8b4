#include "policy/claim_institution.hpp"

namespace jingban {

namespace {

Error refuse(const char* slug, std::string message) {
  return Error{ErrorCode::kUnprocessable, slug, std::move(message)};
}

std::string levelText(int level) {
  static const char* kNames[] = {"", "一级", "二级", "三级"};
  return level >= 1 && level <= 3 ? kNames[level] : "";
}

}  // namespace

int institutionLevelNumber(const std::string& level) {
  if (level == "一级") return 1;
  if (level == "二级") return 2;
  if (level == "三级") return 3;
  return 0;
}

bool isInstitutionCode(const std::string& code) {
  if (code.size() != 12 || (code[0] != 'H' && code[0] != 'P')) return false;
  for (size_t i = 1; i < code.size(); ++i)
    if (code[i] < '0' || code[i] > '9') return false;
  return true;
}

Result<TreatingInstitution> treatingInstitution(const TreatmentClaim& claim,
                                                const std::optional<Institution>& registered) {
  if (!isInstitutionCode(claim.code))
    return std::unexpected(refuse("institution_code_invalid",
                                  "定点医药机构编码应为 H 或 P 加 11 位数字（如 H63000000001）"));
  if (!registered || registered->region != claim.region || registered->code != claim.code)
    return std::unexpected(refuse(
        "institution_unknown",
        "所填机构编码不在本统筹区定点医药机构名单中，非定点机构发生的费用不能按本统筹区待遇报销"));
  const Institution& i = *registered;
  // The status in force on the visit date: a visit before a suspension stays payable, one during
  // it is not (and one after the institution is restored is again).
  if (std::string on = statusOn(i, claim.visit_date); on != kInstitutionStatusDesignated) {
    std::string since = statusSince(i, claim.visit_date);
    return std::unexpected(refuse(
        "institution_not_designated",
        since.empty() ? "“" + i.name + "”的定点状态为“" + on + "”，不是定点医药机构，其费用不能报销"
                      : "“" + i.name + "”自 " + since + " 起定点状态为“" + on + "”，就诊日期 " +
                            claim.visit_date + " 发生的费用不能报销"));
  }
  if (i.from.empty() || claim.visit_date < i.from || (!i.to.empty() && claim.visit_date > i.to))
    return std::unexpected(
        refuse("institution_outside_agreement",
               "就诊日期 " + claim.visit_date + " 不在“" + i.name + "”的服务协议期限（" +
                   (i.from.empty() ? std::string("未定") : i.from) + " 至 " +
                   (i.to.empty() ? std::string("未定") : i.to) + "）内，不能报销"));
  if (i.category != kCategoryHospital && !claim.pharmacy_allowed)
    return std::unexpected(
        refuse("institution_is_pharmacy",
               "“" + i.name + "”是定点零售药店，本事项的费用须发生在定点医疗机构"));
  TreatingInstitution t;
  t.code = i.code;
  t.name = i.name;
  t.category = i.category;
  t.registered_level = i.level;
  t.typed_level = claim.typed_level;
  int registered_level = institutionLevelNumber(i.level);
  t.level = registered_level > 0 ? registered_level : claim.typed_level;
  if (t.level == 0 && claim.level_needed)
    return std::unexpected(
        refuse("hospital_level_required",
               "“" + i.name + "”在定点医药机构名单中没有医疗机构等级，请填写医疗机构等级"));
  if (registered_level > 0 && claim.typed_level > 0 && claim.typed_level != registered_level)
    t.note = "医疗机构等级按定点医药机构名单登记的“" + i.level + "”（" + i.code +
             "）计算，申请表填写的“" + levelText(claim.typed_level) + "”不予采用";
  return t;
}

nlohmann::json treatingInstitutionJson(const TreatingInstitution& t) {
  return {{"code", t.code},         {"name", t.name},
          {"category", t.category}, {"registered_level", t.registered_level},
          {"level", t.level},       {"typed_level", t.typed_level},
          {"note", t.note}};
}

}  // namespace jingban
