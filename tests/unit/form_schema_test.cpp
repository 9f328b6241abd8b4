// catalog/form_schema: validating a submission's form against its item's schema (issue 5 §2):
// every field type, every refusal, normalisation, the message (Chinese label, no raw input), the
// empty schema, the JSON for clients, and the free-text/phone checks outside the form.
#include "catalog/form_schema.hpp"

#include <gtest/gtest.h>

#include <string>

namespace jingban {

namespace {

using nlohmann::json;

FormField field(std::string id, std::string label, FieldType type, bool required = false) {
  FormField f;
  f.id = std::move(id);
  f.label = std::move(label);
  f.type = type;
  f.required = required;
  return f;
}

// One schema with every field type.
FormSchema everyType() {
  FormSchema s;
  s.id = "every";
  s.name = "全部类型";
  auto name = field("name", "姓名", FieldType::kString, true);
  name.max_length = 50;
  auto text = field("remark", "备注", FieldType::kText);
  text.max_length = 500;
  auto kind = field("unit_type", "单位类型", FieldType::kEnum);
  kind.values = {"企业", "机关", "全额拨款事业", "参公事业", "其他"};
  auto money = field("amount_fen", "金额", FieldType::kMoneyFen);
  money.min = 1;
  money.max = kMaxMoneyFen;
  auto level = field("hospital_level", "医疗机构等级", FieldType::kInteger);
  level.min = 1;
  level.max = 3;
  auto lines = field("fee_lines", "费用明细", FieldType::kList);
  lines.max_items = 3;
  auto code = field("code", "项目编码", FieldType::kString, true);
  code.max_length = 40;
  auto amount = field("amount_fen", "金额（分）", FieldType::kMoneyFen, true);
  amount.min = 1;
  amount.max = kMaxMoneyFen;
  lines.fields = {code, amount};
  s.fields = {name,
              text,
              kind,
              field("visit_date", "就诊日期", FieldType::kDate),
              field("start_month", "起始年月", FieldType::kMonth),
              money,
              level,
              field("id_no", "公民身份号码", FieldType::kIdNo),
              field("credit_code", "统一社会信用代码", FieldType::kCreditCode),
              field("phone", "联系电话", FieldType::kPhone),
              field("retired", "是否退休", FieldType::kBoolean),
              lines};
  return s;
}

// The message of a refused form; fails the test when the form is accepted.
std::string refused(const json& form, const FormSchema& s = everyType()) {
  auto r = validateForm(s, form);
  EXPECT_FALSE(r.has_value()) << "accepted " << form.dump();
  if (r) return "";
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(r.error().slug, "invalid_form");
  return r.error().message;
}

json withName(json extra) {
  json f{{"name", "张三"}};
  f.update(extra);
  return f;
}

#define EXPECT_HAS(haystack, needle) \
  EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

TEST(FormSchemaTest, AValidFormOfEveryTypeIsNormalised) {
  json form{{"name", "  张三 "},
            {"remark", "第一行\n第二行"},
            {"unit_type", "参公事业"},
            {"visit_date", "2026-02-28"},
            {"start_month", "2026-03"},
            {"amount_fen", 1},
            {"hospital_level", 3},
            {"id_no", "11010519491231002x"},
            {"credit_code", "91350100m000100y43"},
            {"phone", "+86 139-7100-1234"},
            {"retired", false},
            {"fee_lines", json::array({{{"code", "A01"}, {"amount_fen", 1000000000000}}})}};
  auto r = validateForm(everyType(), form);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ((*r)["name"], "张三");  // trimmed
  EXPECT_EQ((*r)["remark"], "第一行\n第二行");
  EXPECT_EQ((*r)["id_no"], "11010519491231002X");
  EXPECT_EQ((*r)["credit_code"], "91350100M000100Y43");
  EXPECT_EQ((*r)["phone"], "13971001234");
  EXPECT_EQ((*r)["retired"], false);
  EXPECT_EQ((*r)["fee_lines"][0]["amount_fen"], 1000000000000);
  EXPECT_EQ(r->size(), form.size());
}

TEST(FormSchemaTest, OptionalFieldsMayBeAbsentNullOrEmptyAndAreDropped) {
  auto r = validateForm(everyType(), {{"name", "李四"},
                                      {"remark", "   "},
                                      {"unit_type", ""},
                                      {"phone", nullptr},
                                      {"fee_lines", json::array()}});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(*r, (json{{"name", "李四"}}));
}

TEST(FormSchemaTest, RequiredFieldMissingNullOrBlankNamesItsLabel) {
  EXPECT_HAS(refused(json::object()), "表单缺少必填字段“姓名”");
  EXPECT_HAS(refused({{"name", nullptr}}), "表单缺少必填字段“姓名”");
  EXPECT_HAS(refused({{"name", " \u3000 "}}), "表单缺少必填字段“姓名”");
  // Inside a list element.
  EXPECT_HAS(refused(withName({{"fee_lines", json::array({{{"code", "A"}}})}})),
             "表单缺少必填字段“费用明细”第1项的“金额（分）”");
}

TEST(FormSchemaTest, UnknownFieldIsNamedButCutTo40Characters) {
  EXPECT_HAS(refused(withName({{"foo", "bar"}})), "表单中有未知字段“foo”");
  std::string longKey(5000, 'k');
  std::string msg = refused(withName({{longKey, 1}}));
  EXPECT_HAS(msg, "“" + std::string(40, 'k') + "…”");
  EXPECT_EQ(msg.find(std::string(41, 'k')), std::string::npos);
  // A control character in a key is not echoed.
  std::string ctl = refused(withName({{"a\nb\x01", 1}}));
  EXPECT_HAS(ctl, "“ab”");
  // Inside a list element.
  EXPECT_HAS(refused(withName(
                 {{"fee_lines", json::array({{{"code", "A"}, {"amount_fen", 5}, {"x", 1}}})}})),
             "“费用明细”第1项有未知字段“x”");
}

TEST(FormSchemaTest, StringAndTextCapsCountCharactersNotBytes) {
  std::string fifty;
  for (int i = 0; i < 50; ++i) fifty += "张";  // 150 bytes, 50 characters
  EXPECT_TRUE(validateForm(everyType(), {{"name", fifty}}).has_value());
  EXPECT_HAS(refused({{"name", fifty + "三"}}), "表单字段“姓名”不得超过50个字");
  std::string text(500, 'a');
  EXPECT_TRUE(validateForm(everyType(), withName({{"remark", text}})).has_value());
  EXPECT_HAS(refused(withName({{"remark", text + "b"}})), "表单字段“备注”不得超过500个字");
  // A 1 MB blob is refused without being echoed.
  std::string blob(1 << 20, 'x');
  std::string msg = refused(withName({{"remark", blob}}));
  EXPECT_LT(msg.size(), 200u) << msg.size();
}

TEST(FormSchemaTest, StringsRefuseControlCharactersInvalidUtf8AndNonStrings) {
  EXPECT_HAS(refused({{"name", "张\n三"}}), "表单字段“姓名”不得含换行或控制字符");
  EXPECT_HAS(refused({{"name", std::string("张\0三", 7)}}), "不得含换行或控制字符");
  EXPECT_HAS(refused(withName({{"remark", "a\x07"}})), "表单字段“备注”不得含控制字符");
  EXPECT_HAS(refused({{"name", "\xff\xfe"}}), "表单字段“姓名”须为有效的 UTF-8 文本");
  EXPECT_HAS(refused({{"name", "\xed\xa0\x80"}}), "须为有效的 UTF-8 文本");  // a surrogate
  EXPECT_HAS(refused({{"name", 42}}), "表单字段“姓名”须为文本");
  EXPECT_HAS(refused({{"name", json::object({{"a", 1}})}}), "表单字段“姓名”须为文本");
  EXPECT_HAS(refused({{"name", json::array({"a"})}}), "表单字段“姓名”须为文本");
}

TEST(FormSchemaTest, EnumListsItsValues) {
  EXPECT_HAS(refused(withName({{"unit_type", "公司"}})),
             "表单字段“单位类型”须为以下之一：企业、机关、全额拨款事业、参公事业、其他");
  EXPECT_HAS(refused(withName({{"unit_type", 1}})), "表单字段“单位类型”须为文本");
  // Exact match only: no trimming into a valid value.
  EXPECT_FALSE(validateForm(everyType(), withName({{"unit_type", " 企业"}})).has_value());
}

TEST(FormSchemaTest, DatesAndMonthsAreStrict) {
  for (const char* bad : {"2026-02-30", "2026/02/28", "20260228", "2026-2-8", "x"})
    EXPECT_HAS(refused(withName({{"visit_date", bad}})),
               "表单字段“就诊日期”须为 YYYY-MM-DD 格式的有效日期");
  for (const char* bad : {"2026-13", "2026-3", "2026-03-01", "202603", "2026-00"})
    EXPECT_HAS(refused(withName({{"start_month", bad}})),
               "表单字段“起始年月”须为 YYYY-MM 格式的有效月份");
  EXPECT_TRUE(validateForm(everyType(), withName({{"start_month", "2027-12"}})).has_value());
}

TEST(FormSchemaTest, MoneyIsAnIntegerFrom1To10To12Fen) {
  const std::string range = "表单字段“金额”须为 1 到 1000000000000 之间的整数（单位：分）";
  for (json bad : {json(0), json(-5), json(1000000000001), json(9223372036854775807LL),
                   json(18446744073709551615ULL), json(12.5), json(1e3), json("100"), json(true)})
    EXPECT_HAS(refused(withName({{"amount_fen", bad}})), range) << bad.dump();
  EXPECT_TRUE(validateForm(everyType(), withName({{"amount_fen", 1000000000000}})).has_value());
}

TEST(FormSchemaTest, IntegersKeepTheirRange) {
  for (json bad : {json(0), json(4), json(-1), json(2.0), json("2")})
    EXPECT_HAS(refused(withName({{"hospital_level", bad}})),
               "表单字段“医疗机构等级”须为 1 到 3 之间的整数")
        << bad.dump();
  EXPECT_EQ((*validateForm(everyType(), withName({{"hospital_level", 2}})))["hospital_level"], 2);
}

TEST(FormSchemaTest, IdentityNumbersAreCheckedByTheirStandard) {
  EXPECT_HAS(refused(withName({{"id_no", "110105194912310021"}})),
             "表单字段“公民身份号码”：公民身份号码无效");
  EXPECT_HAS(refused(withName({{"credit_code", "91350100M000100Y44"}})),
             "表单字段“统一社会信用代码”：统一社会信用代码无效");
  EXPECT_HAS(refused(withName({{"id_no", 110105194912310021}})), "须为文本");
}

TEST(FormSchemaTest, PhonesMustBePlausible) {
  for (const char* good : {"13971001234", "139 7100 1234", "+8613971001234", "8613971001234",
                           "0971-8123456", "(0971)8123456", "010-12345678", "8123456"}) {
    auto r = validateForm(everyType(), withName({{"phone", good}}));
    EXPECT_TRUE(r.has_value()) << good << ": " << r.error().message;
  }
  EXPECT_EQ((*validateForm(everyType(), withName({{"phone", "0971-8123456"}})))["phone"],
            "09718123456");
  for (const char* bad : {"12345", "11971001234", "1397100123", "139710012345", "abc", "0971-81234",
                          "00971812345", "13971001234x", "++8613971001234"})
    EXPECT_HAS(refused(withName({{"phone", bad}})), "表单字段“联系电话”须为有效的电话号码") << bad;
}

TEST(FormSchemaTest, BooleansAreJsonBooleans) {
  for (json bad : {json(1), json("true"), json("是")})
    EXPECT_HAS(refused(withName({{"retired", bad}})), "表单字段“是否退休”须为 true 或 false");
}

TEST(FormSchemaTest, ListsAreBoundedAndEachElementIsChecked) {
  json line{{"code", "A"}, {"amount_fen", 100}};
  EXPECT_TRUE(validateForm(everyType(), withName({{"fee_lines", {line, line, line}}})).has_value());
  EXPECT_HAS(refused(withName({{"fee_lines", {line, line, line, line}}})),
             "表单字段“费用明细”最多 3 项");
  EXPECT_HAS(refused(withName({{"fee_lines", line}})), "表单字段“费用明细”须为列表");
  EXPECT_HAS(refused(withName({{"fee_lines", json::array({1})}})), "“费用明细”第1项须为对象");
  EXPECT_HAS(refused(withName({{"fee_lines", {line, {{"code", "B"}, {"amount_fen", 0}}}}})),
             "表单字段“费用明细”第2项的“金额（分）”须为 1 到");
  // Nesting deeper than the schema is a type error, not a recursion.
  json deep = json::array({json::array({json::array()})});
  EXPECT_HAS(refused(withName({{"fee_lines", {{{"code", deep}, {"amount_fen", 1}}}}})),
             "第1项的“项目编码”须为文本");
}

TEST(FormSchemaTest, EveryProblemUpToFiveIsReportedAtOnce) {
  std::string msg = refused({{"unit_type", "x"}, {"hospital_level", 9}, {"a", 1}});
  EXPECT_HAS(msg, "“单位类型”");
  EXPECT_HAS(msg, "“医疗机构等级”");
  EXPECT_HAS(msg, "未知字段“a”");
  EXPECT_HAS(msg, "缺少必填字段“姓名”");
  json many = json::object();
  for (int i = 0; i < 9; ++i) many["k" + std::to_string(i)] = i;
  std::string capped = refused(many);
  EXPECT_HAS(capped, "另有 5 处问题");  // 9 unknown + 1 missing = 10, 5 shown
}

TEST(FormSchemaTest, AnItemWithoutASchemaAcceptsOnlyTheEmptyForm) {
  EXPECT_TRUE(validateForm(emptyFormSchema(), json::object()).has_value());
  EXPECT_EQ(*validateForm(emptyFormSchema(), json::object()), json::object());
  std::string msg = refused({{"foo", "bar"}}, emptyFormSchema());
  EXPECT_HAS(msg, "表单中有未知字段“foo”");
  EXPECT_HAS(msg, "form 须为空对象 {}");
  // Not an object at all.
  auto arr = validateForm(everyType(), json::array());
  ASSERT_FALSE(arr.has_value());
  EXPECT_EQ(arr.error().slug, "invalid_form");
  EXPECT_FALSE(validateForm(emptyFormSchema(), json("x")).has_value());
}

TEST(FormSchemaTest, SchemaJsonDescribesEveryFieldForClients) {
  json j = formSchemaJson(everyType());
  EXPECT_EQ(j["id"], "every");
  EXPECT_EQ(j["name"], "全部类型");
  ASSERT_EQ(j["fields"].size(), everyType().fields.size());
  EXPECT_EQ(j["fields"][0], (json{{"id", "name"},
                                  {"label", "姓名"},
                                  {"type", "string"},
                                  {"required", true},
                                  {"max_length", 50}}));
  EXPECT_EQ(j["fields"][2]["values"].size(), 5u);
  EXPECT_EQ(j["fields"][6]["min"], 1);
  EXPECT_EQ(j["fields"][6]["max"], 3);
  EXPECT_EQ(j["fields"][11]["max_items"], 3);
  EXPECT_EQ(j["fields"][11]["fields"][1]["type"], "money_fen");
  EXPECT_EQ(j["fields"][9]["type"], "phone");
}

TEST(FormSchemaTest, FieldTypeNamesRoundTrip) {
  for (const char* name : {"string", "text", "enum", "date", "month", "money_fen", "integer",
                           "id_no", "credit_code", "phone", "boolean", "list"}) {
    auto t = parseFieldType(name);
    ASSERT_TRUE(t.has_value()) << name;
    EXPECT_STREQ(fieldTypeName(*t), name);
  }
  EXPECT_FALSE(parseFieldType("object").has_value());
}

TEST(FormSchemaTest, FreeTextOutsideTheFormHasTheSameCaps) {
  std::string fifty;
  for (int i = 0; i < 50; ++i) fifty += "王";
  EXPECT_EQ(*checkText(" " + fifty + " ", kMaxNameChars, "申请人姓名"), fifty);
  auto longName = checkText(fifty + "五", kMaxNameChars, "申请人姓名");
  ASSERT_FALSE(longName.has_value());
  EXPECT_EQ(longName.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(longName.error().slug, "invalid_text");
  EXPECT_EQ(longName.error().message, "申请人姓名不得超过50个字");
  EXPECT_FALSE(checkText("张\n三", kMaxNameChars, "申请人姓名").has_value());
  EXPECT_TRUE(checkText("第一行\n第二行", kMaxTextChars, "意见", true).has_value());
  EXPECT_FALSE(checkText(std::string(501, 'a'), kMaxTextChars, "意见", true).has_value());
  EXPECT_EQ(*checkText("", kMaxNameChars, "申请人姓名"), "");
  EXPECT_EQ(*checkPhone("139-7100-1234", "联系电话"), "13971001234");
  auto phone = checkPhone("12345", "联系电话");
  ASSERT_FALSE(phone.has_value());
  EXPECT_EQ(phone.error().slug, "invalid_phone");
  EXPECT_EQ(phone.error().message.rfind("联系电话", 0), 0u);
}

}  // namespace

}  // namespace jingban
