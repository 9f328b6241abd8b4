// catalog/ loader (Catalog::loadDir): a valid minimal region (fixtures/testland.yaml) and every
// rule of docs/CATALOG.md "Rules check-catalog enforces", each reported with file:line. `extends`
// and the real catalog/ directory: catalog_extends_test.cpp.
#include "catalog/catalog.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <ostream>
#include <regex>
#include <stdexcept>
#include <string>

#include "test_support.hpp"

namespace jingban {

namespace {

namespace fs = std::filesystem;

// fixtures/testland.yaml. Item 1 (lines 15-43): 受理 → 初审 → 复审 → 办结. Item 2 (lines 44-61):
// 受理 → 审核 → 拨付 → 办结.
const std::string& baseRegion() {
  static const std::string text = readFixture("testland.yaml");
  return text;
}
constexpr int kItem1First = 15, kItem1Last = 43, kItem2First = 44, kItem2Last = 61;

class CatalogFixture : public TempCatalogTest {
 protected:
  // Replaces exactly one occurrence of `from` in the base region, writes it as region.yaml, loads.
  std::string loadBroken(const std::string& from, const std::string& to) {
    std::string text = baseRegion();
    auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << "fixture has no '" << from << "'";
    EXPECT_EQ(text.find(from, pos + 1), std::string::npos) << "'" << from << "' is not unique";
    if (pos != std::string::npos) text.replace(pos, from.size(), to);
    write("region.yaml", text);
    auto r = load();
    EXPECT_FALSE(r.has_value()) << "accepted a catalog with '" << from << "' replaced by '" << to
                                << "'";
    return r ? std::string() : r.error().message;
  }
};

// The line numbers `message` gives for region.yaml.
std::vector<int> linesOf(const std::string& message) {
  std::vector<int> out;
  std::regex re(R"(region\.yaml:(\d+))");
  for (std::sregex_iterator it(message.begin(), message.end(), re), end; it != end; ++it)
    out.push_back(std::stoi((*it)[1]));
  return out;
}

::testing::AssertionResult pointsInto(const std::string& message, int first, int last) {
  for (int line : linesOf(message))
    if (line >= first && line <= last) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "no region.yaml:<" << first << "-" << last << "> in: " << message;
}

TEST_F(CatalogFixture, ValidMinimalRegionLoads) {
  write("region.yaml", baseRegion());
  auto cat = load();
  ASSERT_TRUE(cat.has_value()) << cat.error().message;
  ASSERT_EQ((*cat)->regions().size(), 1u);
  const Region* r = (*cat)->region("testland");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->name, "测试省");
  EXPECT_EQ(r->division_code, "990000");
  EXPECT_EQ(r->roles.size(), 5u);
  ASSERT_EQ(r->items.size(), 2u);
  const Item* it = r->item("002036001001");
  ASSERT_NE(it, nullptr);
  EXPECT_EQ(it->name, "单位参保登记");
  ASSERT_EQ(it->flow.size(), 4u);
  EXPECT_EQ(it->flow[0].kind, StepKind::kAccept);
  EXPECT_EQ(it->flow[2].role, "senior_reviewer");
  EXPECT_EQ(it->flow[3].kind, StepKind::kComplete);
  EXPECT_EQ(it->time_limit.kind, LimitKind::kWorkingDays);
  EXPECT_EQ(it->time_limit.days, 5);
  ASSERT_EQ(it->acceptance_windows.size(), 1u);
  EXPECT_EQ(it->acceptance_windows[0].to, 15);
  ASSERT_EQ(it->materials.size(), 4u);
  EXPECT_TRUE(it->material("reg_table")->commitment);
  EXPECT_EQ(it->material("hmt_permit")->when, "hmt");
  EXPECT_EQ(it->line, kItem1First);
  // National defaults when the region names no rating scale.
  EXPECT_EQ(r->rating_satisfied, "满意");
  EXPECT_EQ(r->ratingRank("非常满意"), 0);
  EXPECT_EQ(r->ratingRank("基本满意"), 2);
  EXPECT_EQ(r->item("002036006001")->flow[2].kind, StepKind::kPay);
  EXPECT_EQ(r->item("999999999999"), nullptr);
}

TEST_F(CatalogFixture, MissingDirectoryIsAnError) {
  EXPECT_FALSE(Catalog::loadDir((dir_ / "nope").string()).has_value());
}

TEST_F(CatalogFixture, UnknownKeysAreErrorsAtTheirLine) {
  auto m = loadBroken("    service_objects: 用人单位\n",
                      "    service_objects: 用人单位\n    materails: []\n");
  EXPECT_EQ(linesOf(m), std::vector<int>{22}) << m;
  EXPECT_NE(m.find("materails"), std::string::npos) << m;
  m = loadBroken("  seeds: [t.txt]\n", "  seeds: [t.txt]\n  colour: red\n");
  EXPECT_EQ(linesOf(m), std::vector<int>{6}) << m;
  m = loadBroken("{id: invoice, name: 医疗费用发票}",
                 "{id: invoice, name: 医疗费用发票, colour: red}");
  EXPECT_TRUE(pointsInto(m, 59, 59)) << m;
  m = loadBroken("text: 不超过5个工作日}", "text: 不超过5个工作日, dayz: 5}");
  EXPECT_TRUE(pointsInto(m, 39, 39)) << m;
}

TEST_F(CatalogFixture, DuplicateCodeIsAnError) {
  auto m = loadBroken(R"(code: "002036006001")", R"(code: "002036001001")");
  EXPECT_TRUE(pointsInto(m, kItem2First, kItem2First)) << m;
}

TEST_F(CatalogFixture, CodeMustHaveTwelveCharacters) {
  auto m = loadBroken(R"(code: "002036006001")", R"(code: "00203600600")");
  EXPECT_TRUE(pointsInto(m, kItem2First, kItem2Last)) << m;
}

TEST_F(CatalogFixture, StepsMustAgreeWithFlow) {
  // 审核 in steps iff the flow has a review step.
  auto m = loadBroken("steps: [申请, 受理, 审核, 办结]", "steps: [申请, 受理, 办结]");
  EXPECT_TRUE(pointsInto(m, kItem1First, kItem1Last)) << m;
  // 拨付 in steps iff the flow has a pay step.
  m = loadBroken("steps: [申请, 受理, 审核, 拨付, 办结]", "steps: [申请, 受理, 审核, 办结]");
  EXPECT_TRUE(pointsInto(m, kItem2First, kItem2Last)) << m;
  // steps starts with 申请, contains 受理, ends with 办结.
  m = loadBroken("steps: [申请, 受理, 审核, 办结]", "steps: [受理, 审核, 办结]");
  EXPECT_TRUE(pointsInto(m, kItem1First, kItem1Last)) << m;
  m = loadBroken("steps: [申请, 受理, 审核, 办结]", "steps: [申请, 审核, 办结]");
  EXPECT_TRUE(pointsInto(m, kItem1First, kItem1Last)) << m;
  m = loadBroken("steps: [申请, 受理, 审核, 办结]", "steps: [申请, 受理, 审核]");
  EXPECT_TRUE(pointsInto(m, kItem1First, kItem1Last)) << m;
}

TEST_F(CatalogFixture, FlowOrderIsAcceptReviewsPaysComplete) {
  // Pay before a review.
  auto m = loadBroken(
      "      - {step: 审核, kind: review, role: reviewer, text: 审核}\n"
      "      - {step: 拨付, kind: pay, role: finance, text: 拨付}\n",
      "      - {step: 拨付, kind: pay, role: finance, text: 拨付}\n"
      "      - {step: 审核, kind: review, role: reviewer, text: 审核}\n");
  EXPECT_TRUE(pointsInto(m, kItem2First, kItem2Last)) << m;
  // Not accept first.
  m = loadBroken("{step: 受理, kind: accept, role: window, text: 受理}\n      - {step: 初审",
                 "{step: 受理, kind: review, role: reviewer, text: 受理}\n      - {step: 初审");
  EXPECT_TRUE(pointsInto(m, kItem1First, kItem1Last)) << m;
  // Not complete last.
  m = loadBroken("{step: 办结, kind: complete, role: window, text: 办结}\n    conditions",
                 "{step: 办结, kind: review, role: reviewer, text: 办结}\n    conditions");
  EXPECT_TRUE(pointsInto(m, kItem1First, kItem1Last)) << m;
  // Unknown step kind.
  m = loadBroken("{step: 复审, kind: review,", "{step: 复审, kind: approve,");
  EXPECT_TRUE(pointsInto(m, kItem1First, kItem1Last)) << m;
}

TEST_F(CatalogFixture, UndefinedRoleIsAnError) {
  auto m = loadBroken("role: senior_reviewer", "role: auditor");
  EXPECT_TRUE(pointsInto(m, kItem1First, kItem1Last)) << m;
  EXPECT_NE(m.find("auditor"), std::string::npos) << m;
}

TEST_F(CatalogFixture, PayStepByNonFinanceRoleIsAnError) {
  auto m = loadBroken("kind: pay, role: finance", "kind: pay, role: reviewer");
  EXPECT_TRUE(pointsInto(m, kItem2First, kItem2Last)) << m;
}

TEST_F(CatalogFixture, UndefinedConditionIsAnError) {
  auto m = loadBroken("when: hmt}", "when: foreigner}");
  EXPECT_TRUE(pointsInto(m, kItem1First, kItem1Last)) << m;
  EXPECT_NE(m.find("foreigner"), std::string::npos) << m;
}

TEST_F(CatalogFixture, GroupWithOneMemberIsAnError) {
  auto m = loadBroken("{id: approval_doc, name: 单位批准成立的文件, group: unit_proof}",
                      "{id: approval_doc, name: 单位批准成立的文件}");
  EXPECT_TRUE(pointsInto(m, kItem1First, kItem1Last)) << m;
  // A member naming an undeclared group.
  m = loadBroken("{id: approval_doc, name: 单位批准成立的文件, group: unit_proof}",
                 "{id: approval_doc, name: 单位批准成立的文件, group: nowhere}");
  EXPECT_TRUE(pointsInto(m, kItem1First, kItem1Last)) << m;
}

TEST_F(CatalogFixture, UnknownFormIsAnError) {
  auto m = loadBroken("form: reg_form,", "form: no_such_form,");
  EXPECT_TRUE(pointsInto(m, kItem1First, kItem1Last)) << m;
}

TEST_F(CatalogFixture, UnknownEffectIsAnError) {
  auto m = loadBroken("effect: unit_enrolment", "effect: teleportation");
  EXPECT_TRUE(pointsInto(m, kItem1First, kItem1Last)) << m;
  EXPECT_NE(m.find("teleportation"), std::string::npos) << m;
}

TEST_F(CatalogFixture, BadTimeLimitsAreErrors) {
  const std::string good = "{kind: working_days, days: 5, text: 不超过5个工作日}";
  for (const char* bad :
       {"{kind: fortnights, days: 1, text: 两周}", "{kind: instant, days: 3, text: 即时办结}",
        "{kind: working_days, days: 0, text: 0个工作日}",
        "{kind: natural_days, days: -2, text: 负数}", "{kind: working_days, text: 没有天数}",
        "{kind: working_days, days: 5, text: 原文, variants: [{when: nobody, "
        "kind: instant, days: 0, text: 即时}]}",
        // A limit the seed does not state has no number; the other new kinds need theirs.
        "{kind: unstated, days: 30, text: 30日}", "{kind: calendar_months, text: 三个月}",
        "{kind: calendar_date, date: \"13-25\", text: 前}"}) {
    auto m = loadBroken(good, bad);
    EXPECT_TRUE(pointsInto(m, kItem1First, kItem1Last)) << bad << " → " << m;
  }
}

TEST_F(CatalogFixture, BadAcceptanceWindowKindIsAnError) {
  auto m =
      loadBroken("{kind: monthly_days, from: 1, to: 15,", "{kind: fortnightly, from: 1, to: 15,");
  EXPECT_TRUE(pointsInto(m, 40, 41)) << m;
}

TEST_F(CatalogFixture, NonNumericYearlyDateIsAnErrorNotAnException) {
  std::string m;
  EXPECT_NO_THROW(m = loadBroken("{kind: monthly_days, from: 1, to: 15,",
                                 "{kind: yearly_dates, from: \"xx-01\", to: \"12-31\","));
  EXPECT_TRUE(pointsInto(m, 40, 41)) << m;
}

TEST_F(CatalogFixture, ImpossibleYearlyDatesAreErrors) {
  for (const char* bad : {"from: \"13-01\", to: \"12-31\"", "from: \"09-01\", to: \"02-30\"",
                          "from: \"9-1\", to: \"12-31\""}) {
    auto m = loadBroken("{kind: monthly_days, from: 1, to: 15,",
                        std::string("{kind: yearly_dates, ") + bad + ",");
    EXPECT_TRUE(pointsInto(m, 40, 41)) << bad << " → " << m;
  }
}

TEST_F(CatalogFixture, YamlSyntaxErrorNamesFileAndLine) {
  auto m = loadBroken("    channels: [窗口, 网上]\n", "    channels: [窗口, 网上\n");
  EXPECT_FALSE(linesOf(m).empty()) << m;
}

TEST_F(CatalogFixture, MissingNameIsAnError) {
  auto m = loadBroken("    name: 单位参保登记\n", "");
  EXPECT_TRUE(pointsInto(m, kItem1First, kItem1Last)) << m;
}

// time_limit is a required key (docs/CATALOG.md marks it nowhere as optional); without it the item
// would silently get an instant limit, i.e. a due date on the day of acceptance.
TEST_F(CatalogFixture, MissingTimeLimitIsAnError) {
  auto m = loadBroken("    time_limit: {kind: working_days, days: 5, text: 不超过5个工作日}\n", "");
  EXPECT_TRUE(pointsInto(m, kItem1First, kItem1Last)) << m;
}

TEST_F(CatalogFixture, EveryProblemIsReportedNotJustTheFirst) {
  std::string text = baseRegion();
  text.replace(text.find("effect: unit_enrolment"), 22, "effect: teleportation");
  text.replace(text.find("kind: pay, role: finance"), 24, "kind: pay, role: reviewer");
  write("region.yaml", text);
  auto r = load();
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(pointsInto(r.error().message, kItem1First, kItem1Last)) << r.error().message;
  EXPECT_TRUE(pointsInto(r.error().message, kItem2First, kItem2Last)) << r.error().message;
}

// ---------------------------------------------------------------- form schemas

// fixtures/forms.yaml: schema unit_reg (lines 3-17), its field persons (11-17), note_only (18-21).
const std::string& schemaFile() {
  static const std::string text = readFixture("forms.yaml");
  return text;
}

std::string withSchemaRef(const std::string& id) {
  std::string text = baseRegion();
  text.replace(text.find("effect: unit_enrolment"), 22,
               "effect: unit_enrolment\n    form_schema: " + id);
  return text;
}

class FormSchemaLoaderTest : public TempCatalogTest {
 protected:
  // Replaces one occurrence of `from` in fixtures/forms.yaml, loads it beside a region that uses
  // unit_reg, and returns the error (failing the test when it loads).
  std::string loadBroken(const std::string& from, const std::string& to) {
    std::string text = schemaFile();
    auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << "fixture has no '" << from << "'";
    if (pos != std::string::npos) text.replace(pos, from.size(), to);
    write("region.yaml", withSchemaRef("unit_reg"));
    write("forms.yaml", text);
    auto r = load();
    EXPECT_FALSE(r.has_value()) << "accepted forms.yaml with '" << from << "' → '" << to << "'";
    return r ? std::string() : r.error().message;
  }
};

std::vector<int> formsLines(const std::string& message) {
  std::vector<int> out;
  std::regex re(R"(forms\.yaml:(\d+))");
  for (std::sregex_iterator it(message.begin(), message.end(), re), end; it != end; ++it)
    out.push_back(std::stoi((*it)[1]));
  return out;
}

TEST_F(FormSchemaLoaderTest, SchemasLoadAndItemsResolveTheirReference) {
  write("region.yaml", withSchemaRef("unit_reg"));
  write("forms.yaml", schemaFile());
  auto cat = load();
  ASSERT_TRUE(cat.has_value()) << cat.error().message;
  EXPECT_EQ((*cat)->regions().size(), 1u);  // forms.yaml is not a region
  EXPECT_EQ((*cat)->formSchemas().size(), 2u);
  const FormSchema* s = (*cat)->formSchema("unit_reg");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->name, "单位登记");
  EXPECT_EQ(s->line, 3);
  ASSERT_EQ(s->fields.size(), 6u);
  EXPECT_EQ(s->fields[0].type, FieldType::kEnum);
  EXPECT_TRUE(s->fields[0].required);
  EXPECT_EQ(s->fields[0].values, (std::vector<std::string>{"企业", "机关"}));
  EXPECT_EQ(s->fields[1].max_length, 100u);
  EXPECT_EQ(s->fields[2].max_length, kMaxTextChars);  // text defaults to 500
  EXPECT_EQ(s->fields[3].min, 1);
  EXPECT_EQ(s->fields[3].max, 3);
  EXPECT_EQ(s->fields[4].min, 1);  // money_fen: 1 … 10^12 unless lowered
  EXPECT_EQ(s->fields[4].max, kMaxMoneyFen);
  const FormField* persons = s->field("persons");
  ASSERT_NE(persons, nullptr);
  EXPECT_EQ(persons->max_items, 500u);
  ASSERT_EQ(persons->fields.size(), 2u);
  EXPECT_EQ(persons->fields[1].max, 100000);
  EXPECT_EQ((*cat)->formSchema("nope"), nullptr);

  const Region* r = (*cat)->region("testland");
  const Item* unit = r->item("002036001001");
  EXPECT_EQ(unit->form_schema, "unit_reg");
  EXPECT_EQ(&unit->formSchema(), s);
  // An item without form_schema accepts only {}.
  const Item* other = r->item("002036006001");
  EXPECT_TRUE(other->form_schema.empty());
  EXPECT_TRUE(other->formSchema().fields.empty());
  EXPECT_TRUE(validateForm(other->formSchema(), nlohmann::json::object()).has_value());
  EXPECT_FALSE(validateForm(other->formSchema(), {{"foo", "bar"}}).has_value());
  // The loaded schema validates.
  EXPECT_TRUE(validateForm(unit->formSchema(), {{"unit_type", "企业"}}).has_value());
  EXPECT_FALSE(validateForm(unit->formSchema(), {{"unit_type", "公司"}}).has_value());
}

TEST_F(FormSchemaLoaderTest, AChildRegionInheritsAndMayOverrideTheReference) {
  write("region.yaml", withSchemaRef("unit_reg"));
  std::string child = readFixture("childland.yaml");
  child.replace(child.find("    time_limit: {kind: working_days, days: 3"), 4,
                "    form_schema: note_only\n    ");
  write("zchild.yaml", child);
  write("forms.yaml", schemaFile());
  auto cat = load();
  ASSERT_TRUE(cat.has_value()) << cat.error().message;
  EXPECT_EQ((*cat)->region("testland")->item("002036001001")->formSchema().id, "unit_reg");
  EXPECT_EQ((*cat)->region("childland")->item("002036001001")->formSchema().id, "note_only");
}

TEST_F(FormSchemaLoaderTest, AnUnknownReferenceIsAnErrorAtTheItem) {
  write("region.yaml", withSchemaRef("no_such_schema"));
  write("forms.yaml", schemaFile());
  auto r = load();
  ASSERT_FALSE(r.has_value());
  EXPECT_TRUE(pointsInto(r.error().message, kItem1First, kItem1Last)) << r.error().message;
  EXPECT_NE(r.error().message.find("no_such_schema"), std::string::npos) << r.error().message;
  // Without any schema file as well.
  TearDown();
  SetUp();
  write("region.yaml", withSchemaRef("unit_reg"));
  EXPECT_FALSE(load().has_value());
}

TEST_F(FormSchemaLoaderTest, MalformedSchemasAreErrorsAtTheirLine) {
  struct Case {
    const char* from;
    const char* to;
    int line;
  };
  for (const auto& c : std::vector<Case>{
           {"type: enum, required: true, values: [企业, 机关]", "type: enum, required: true", 6},
           {"values: [企业, 机关]", "values: [企业, 企业]", 6},
           {"type: string, max_length: 100", "type: string", 7},
           {"max_length: 100", "max_length: 501", 7},
           {"type: string, max_length: 100", "type: string, max_length: 100, values: [a]", 7},
           {"type: text}", "type: txt}", 8},
           {"type: text}", "type: text, colour: red}", 8},
           {"min: 1, max: 3", "min: 3, max: 1", 9},
           {"min: 1, max: 3", "max: 3", 9},
           {"min: 1, max: 3", "min: one, max: 3", 9},
           {"type: money_fen}", "type: money_fen, max: 1000000000001}", 10},
           {"type: money_fen}", "type: money_fen, min: 0}", 10},
           {"        max_items: 500\n", "", 11},
           {"max_items: 500", "max_items: 1001", 11},
           {"        fields:\n          - {id: id_no", "        fieldz:\n          - {id: id_no",
            15},
           {"{id: paid_fen, label: 金额, type: money_fen, max: 100000}",
            "{id: sub, label: 子表, type: list, max_items: 2, fields: [{id: a, label: 甲, type: "
            "boolean}]}",
            17},
           {"{id: paid_fen, label: 金额,", "{id: id_no, label: 金额,", 17},
           {"{id: level, label: 等级,", "{id: Level, label: 等级,", 9},
           {"{id: level, label: 等级,", "{id: level, label: \"\",", 9},
           {"id: note_only", "id: unit_reg", 18},
           {"    name: 备注\n", "", 18},
           {"      - {id: remark, label: 备注, type: text, max_length: 200}\n", "", 18},
       }) {
    auto m = loadBroken(c.from, c.to);
    auto lines = formsLines(m);
    EXPECT_NE(std::find(lines.begin(), lines.end(), c.line), lines.end())
        << "'" << c.from << "' → '" << c.to << "': expected forms.yaml:" << c.line << " in:\n"
        << m;
  }
}

TEST_F(FormSchemaLoaderTest, UnknownTopLevelKeysOfASchemaFileAreErrors) {
  write("region.yaml", withSchemaRef("unit_reg"));
  write("forms.yaml", schemaFile() + "items: []\n");
  auto r = load();
  ASSERT_FALSE(r.has_value());
  EXPECT_FALSE(formsLines(r.error().message).empty()) << r.error().message;
}

// The shipped catalog: every item of every region names a schema, chosen by its effect.
TEST(RealCatalogFormsTest, EveryItemHasTheSchemaOfItsEffect) {
  auto cat = Catalog::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/catalog", effectNameKnown);
  ASSERT_TRUE(cat.has_value()) << cat.error().message;
  const std::map<std::string, std::string> byEffect{
      {"unit_enrolment", "unit_enrolment"},
      {"unit_change", "unit_change"},
      {"employee_enrolment", "employee_registration"},
      {"employee_change", "employee_registration"},
      {"flexible_enrolment", "employee_registration"},
      {"resident_enrolment", "resident_registration"},
      {"resident_change", "resident_registration"},
      {"outpatient_reimbursement", "reimbursement"},
      {"inpatient_reimbursement", "reimbursement"},
      {"assistance_reimbursement", "reimbursement"},
      {"account_withdrawal", "account_withdrawal"},
      {"assistance_contribution_subsidy", "assistance_subsidy"},
      {"relation_transfer", "relation_transfer"},
      {"remote_care_filing", "remote_care_filing"},
      {"emergency_transfer_filing", "remote_care_filing"},
      {"chronic_disease_qualification", "disease_qualification"},
      {"maternity_filing", "maternity_filing"},
      {"prenatal_payment", "maternity_fee_claim"},
      {"maternity_medical_payment", "maternity_fee_claim"},
      {"family_planning_payment", "maternity_fee_claim"},
      {"maternity_allowance", "maternity_benefit"},
      {"wage_declaration", "wage_declaration"},
      {"fee_declaration", "fee_declaration"},
      {"outpatient_pooling_signing", "outpatient_signing"},
      {"veteran_contribution", "veteran_contribution"},
      {"social_security_card", "social_security_card"},
      {"benefit_payment", "benefit_payment"}};

  // One effect, two forms: what each item's applicant states differs (毕业年度 / 退役日期).
  const std::map<std::string, std::string> byItem{{"370200990006", "graduate_qualification"},
                                                  {"370200990007", "veteran_qualification"}};
  int items = 0;
  for (const auto& r : (*cat)->regions()) {
    for (const auto& it : r.items) {
      ++items;
      auto want = byEffect.count(it.effect) ? byEffect.at(it.effect) : std::string("remark");
      if (byItem.count(it.code)) want = byItem.at(it.code);
      // An item with an applicant-side limit needs the date it counts from (生育后一年内).
      if (!it.applicant_limits.empty() && !byEffect.count(it.effect)) want = "maternity_benefit";
      EXPECT_EQ(it.formSchema().id, want) << r.id << " " << it.code << " " << it.effect;
      for (const auto& l : it.applicant_limits)
        EXPECT_NE(it.formSchema().field(l.field), nullptr)
            << r.id << " " << it.code << " has no field " << l.field;
    }
  }
  EXPECT_EQ(items, 28 + 31 + 31 + 27);
  const FormSchema* unit = (*cat)->formSchema("unit_enrolment");
  ASSERT_NE(unit, nullptr);
  auto msg = validateForm(*unit, {{"unit_type", "公司"},
                                  {"address", "西宁市城西区"},
                                  {"legal_representative", "张三"},
                                  {"phone", "0971-8123456"}});
  ASSERT_FALSE(msg.has_value());
  EXPECT_EQ(msg.error().message,
            "表单字段“单位类型”须为以下之一：企业、机关、全额拨款事业、参公事业、其他");
  const FormSchema* fees = (*cat)->formSchema("reimbursement");
  ASSERT_NE(fees, nullptr);
  EXPECT_EQ(fees->field("fee_lines")->max_items, 1000u);
  EXPECT_EQ((*cat)->formSchema("employee_registration")->field("persons")->max_items, 500u);
}

}  // namespace
}  // namespace jingban
