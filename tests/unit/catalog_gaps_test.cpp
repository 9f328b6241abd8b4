// The catalog model gaps of issue 6 §4 and the pinned flow of §1: unstated limits (未载明),
// calendar months and dates, per-stage limits, applicant-side limits at 申请, 次月生效, material
// attributes (原件/复印件, copies, photos, waived on one channel), alternative flows chosen at
// 申请, and a case that keeps running on the flow it was opened with after the catalog changes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "catalog/checklist.hpp"
#include "catalog/guide.hpp"
#include "workflow/deadline.hpp"
#include "workflow/replay.hpp"
#include "workflow/workflow.hpp"

namespace jingban {

namespace {

// Local helpers (this file links only catalog and workflow; effect names are not checked here).
Date D(int y, unsigned m, unsigned d) { return Date::fromYmd(y, m, d); }
Instant at(Date d, int hour = 10) { return Instant{int64_t{d.days()} * 86400 + (hour - 8) * 3600}; }
const WorkCalendar& calendar() {
  static const WorkCalendar cal = [] {
    auto c = WorkCalendar::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/calendar");
    if (!c) throw std::runtime_error(c.error().message);
    return *c;
  }();
  return cal;
}

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("jingban_gaps_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  Result<std::shared_ptr<const Catalog>> load() { return Catalog::loadDir(dir_.string()); }
  std::filesystem::path dir_;
};

const char* kForms = R"(form_schemas:
  - id: birth
    name: 生育信息
    fields:
      - {id: birth_date, label: 生育日期, type: date}
      - {id: remark, label: 备注, type: text}
)";

// One region whose items use every new key. Item A: 转移接续-like stage limits, calendar months,
// next-month effect, material attributes, an alternative flow for flexible workers and one for
// the 网上 channel. Item B: unstated, internal. Item C: calendar date and an applicant limit.
const char* kRegion = R"(region:
  id: gapland
  name: 缺口省
  division_code: "980000"
  seeds: [g.txt]
roles:
  - {id: window, name: 窗口受理人员, kind: window}
  - {id: reviewer, name: 初审人员, kind: review}
  - {id: senior_reviewer, name: 复审人员, kind: review}
  - {id: finance, name: 财务人员, kind: finance}
items:
  - code: "002036001002"
    code_kind: national
    seq: 1
    main_code: "00203600100Y"
    main_name: 基本医疗保险参保和变更登记
    name: 职工参保登记
    applicant: [unit, person]
    channels: [窗口, 网上]
    steps: [申请, 受理, 审核, 办结]
    flow:
      - {step: 受理, kind: accept, role: window, text: 受理}
      - {step: 初审, kind: review, role: reviewer, text: 初审, limit: {kind: working_days, days: 5, text: 5个工作日内}}
      - {step: 复审, kind: review, role: senior_reviewer, text: 复审}
      - {step: 办结, kind: complete, role: window, text: 办结}
    flow_name: 参保单位办理
    flows:
      - id: flexible
        name: 灵活就业人员参保登记
        when: {applicant: [person], conditions: [flexible]}
        source: {seed: g.txt, ref: 图6, quotes: [参保人携带材料办理]}
        steps:
          - {step: 受理, kind: accept, role: window, text: 参保人携带材料办理}
          - {step: 审核, kind: review, role: reviewer, text: 审核办理参保手续}
          - {step: 办结, kind: complete, role: window, text: 办结}
    conditions:
      - {id: flexible, name: 灵活就业人员}
    materials:
      - {id: id_card, name: 身份证, original: check_original, copies: 2}
      - {id: photo, name: 近期免冠照片, photos: 2}
      - {id: reg_form, name: 登记表, waived_channels: [网上]}
    time_limit: {kind: calendar_months, months: 3, text: 评估时间不超过3个月}
    takes_effect: next_month
    effect: employee_enrolment
    note: CATALOGUER-NOTE-A must stay off the citizen's guide.
  - code: "980000990001"
    code_kind: local
    seq: 2
    main_code: "98000099000Y"
    main_name: 内部流程
    name: 待遇支付
    internal: true
    applicant: []
    channels: []
    steps: [申请, 受理, 审核, 拨付, 办结]
    flow:
      - {step: 受理, kind: accept, role: window, text: 待遇支付}
      - {step: 审核, kind: review, role: reviewer, text: 审核结算单}
      - {step: 拨付, kind: pay, role: finance, text: 支付}
      - {step: 办结, kind: complete, role: window, text: 月末核对}
    materials: []
    time_limit: {kind: unstated}
    effect: benefit_payment
    note: CATALOGUER-NOTE-B internal routine.
  - code: "002036007004"
    code_kind: national
    seq: 3
    main_code: "00203600700Y"
    main_name: 生育保险待遇核准支付
    name: 生育津贴支付
    applicant: [unit]
    channels: [窗口]
    steps: [申请, 受理, 审核, 办结]
    flow:
      - {step: 受理, kind: accept, role: window, text: 受理}
      - {step: 审核, kind: review, role: reviewer, text: 审核}
      - {step: 办结, kind: complete, role: window, text: 办结}
    conditions:
      - {id: via_departments, name: 通过部门办理}
    materials: []
    time_limit:
      kind: unstated
      variants:
        - {when: via_departments, kind: calendar_date, date: "12-25", text: 12月25日前反馈结果}
    applicant_limits:
      - {field: birth_date, limit: {kind: calendar_months, months: 3, text: 三个月}, text: 生育后三个月内}
    effect: maternity_allowance
    form_schema: birth
)";

class CatalogGapsTest : public TempDirTest {
 protected:
  const Catalog& cat() {
    if (!cat_) {
      write("forms.yaml", kForms);
      write("region.yaml", kRegion);
      auto c = load();
      if (!c) throw std::runtime_error(c.error().message);
      cat_ = *c;
    }
    return *cat_;
  }
  const Region& region() { return *cat().region("gapland"); }
  const Item& item(const std::string& code) { return *region().item(code); }

  // Loads kRegion with `from` replaced by `to` and returns the error text ("" when it loads).
  std::string broken(const std::string& from, const std::string& to) {
    std::string text = kRegion;
    auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    if (pos != std::string::npos) text.replace(pos, from.size(), to);
    write("forms.yaml", kForms);
    write("region.yaml", text);
    auto c = load();
    return c ? std::string() : c.error().message;
  }

  std::shared_ptr<const Catalog> cat_;
};

const Actor kWindow{"win1", {"window"}, "gapland"};
const Actor kReviewer{"rev1", {"reviewer"}, "gapland"};
const Actor kSenior{"sen1", {"senior_reviewer"}, "gapland"};

Submission submission(const std::string& kind, std::set<std::string> conds = {},
                      const std::string& channel = "窗口") {
  Submission s;
  s.channel = channel;
  s.applicant = {kind, kind == "person" ? "630102199001010013" : "91630100MA7XXXXX0X", "申请人",
                 ""};
  s.conditions = std::move(conds);
  return s;
}

Action act(const std::string& name, MaterialStatus m = {}) {
  Action a;
  a.name = name;
  a.materials = std::move(m);
  return a;
}

TEST_F(CatalogGapsTest, LoaderReadsTheNewKeys) {
  const Item& a = item("002036001002");
  EXPECT_EQ(a.time_limit.basis, LimitBasis::kCalendarMonths);
  EXPECT_EQ(a.time_limit.months, 3);
  EXPECT_EQ(a.time_limit.kindName(), "calendar_months");
  EXPECT_EQ(a.takes_effect, "next_month");
  ASSERT_TRUE(a.flow[1].limit.has_value());
  EXPECT_EQ(a.flow[1].limit->days, 5);
  ASSERT_EQ(a.flows.size(), 1u);
  EXPECT_EQ(a.flows[0].steps.size(), 3u);
  EXPECT_EQ(a.material("id_card")->original, MaterialOriginal::kCheckOriginal);
  EXPECT_EQ(a.material("id_card")->copies, 2);
  EXPECT_EQ(a.material("photo")->photos, 2);
  EXPECT_TRUE(a.material("reg_form")->waivedOn("网上"));
  EXPECT_FALSE(a.material("reg_form")->waivedOn("窗口"));
  EXPECT_EQ(a.revision.size(), 12u);

  const Item& b = item("980000990001");
  EXPECT_TRUE(b.internal);
  EXPECT_TRUE(b.time_limit.unstated());
  EXPECT_EQ(timeLimitJson(b.time_limit)["kind"], "unstated");

  const Item& c = item("002036007004");
  EXPECT_EQ(c.variants[0].basis, LimitBasis::kCalendarDate);
  EXPECT_EQ(c.variants[0].by_mmdd, 1225);
  EXPECT_EQ(timeLimitJson(c.variants[0])["date"], "12-25");
  ASSERT_EQ(c.applicant_limits.size(), 1u);
  EXPECT_EQ(c.applicant_limits[0].field, "birth_date");
}

TEST_F(CatalogGapsTest, LoaderRefusesMalformedNewKeys) {
  EXPECT_NE(broken("time_limit: {kind: unstated}", "time_limit: {kind: unstated, days: 30}")
                .find("days 不适用于时限类型 unstated"),
            std::string::npos);
  EXPECT_NE(broken("months: 3, text: 评估", "months: 0, text: 评估").find("months 须在"),
            std::string::npos);
  EXPECT_NE(broken("date: \"12-25\"", "date: \"02-30\"").find("calendar_date"), std::string::npos);
  EXPECT_NE(
      broken("limit: {kind: working_days, days: 5, text: 5个工作日内}", "limit: {kind: unstated}")
          .find("环节时限须为"),
      std::string::npos);
  EXPECT_NE(broken("field: birth_date", "field: remark").find("date 字段"), std::string::npos);
  EXPECT_NE(broken("original: check_original", "original: scanned").find("original 须为"),
            std::string::npos);
  EXPECT_NE(broken("waived_channels: [网上]", "waived_channels: [APP]").find("免交渠道"),
            std::string::npos);
  EXPECT_NE(broken("takes_effect: next_month", "takes_effect: tomorrow").find("takes_effect"),
            std::string::npos);
  EXPECT_NE(
      broken("when: {applicant: [person], conditions: [flexible]}", "when: {conditions: [retired]}")
          .find("备选流程 flexible 的条件"),
      std::string::npos);
  EXPECT_NE(broken("{step: 审核, kind: review, role: reviewer, text: 审核办理参保手续}",
                   "{step: 审核, kind: pay, role: reviewer, text: 审核办理参保手续}")
                .find("备选流程 flexible：拨付步骤须由财务角色办理"),
            std::string::npos);
  // An item without applicant must say it is internal, and an internal one has none.
  EXPECT_NE(broken("    internal: true\n", "").find("缺少 applicant"), std::string::npos);
  EXPECT_NE(broken("    applicant: []\n    channels: []", "    applicant: [unit]\n    channels: []")
                .find("不应有 applicant"),
            std::string::npos);
}

TEST_F(CatalogGapsTest, RevisionFollowsWhatRunsNotTheWords) {
  std::string rev = item("002036001002").revision;
  std::string text = kRegion;
  write("forms.yaml", kForms);
  auto reload = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    t.replace(t.find(from), from.size(), to);
    write("region.yaml", t);
    auto c = load();
    EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message);
    return c ? (*c)->region("gapland")->item("002036001002")->revision : std::string();
  };
  EXPECT_EQ(reload("CATALOGUER-NOTE-A", "another note"), rev);
  EXPECT_NE(reload("{step: 复审, kind: review, role: senior_reviewer, text: 复审}\n",
                   "{step: 复审, kind: review, role: reviewer, text: 复审}\n"),
            rev);
  EXPECT_NE(reload("photos: 2", "photos: 1"), rev);
}

TEST_F(CatalogGapsTest, GuideAndPublicJsonCarryNoCataloguerNote) {
  for (const auto& it : region().items) {
    std::string html = guideHtml(region(), it);
    EXPECT_EQ(html.find("CATALOGUER-NOTE"), std::string::npos) << it.code;
    EXPECT_EQ(html.find("编目说明"), std::string::npos) << it.code;
    EXPECT_EQ(publicItemJson(it, region()).dump().find("CATALOGUER-NOTE"), std::string::npos);
    EXPECT_FALSE(publicItemJson(it, region()).contains("note"));
  }
  std::string b = guideHtml(region(), item("980000990001"));
  EXPECT_NE(b.find("未载明"), std::string::npos);
  EXPECT_NE(b.find("经办机构内部办理流程"), std::string::npos);
  std::string a = guideHtml(region(), item("002036001002"));
  EXPECT_NE(a.find("验原件，收复印件"), std::string::npos);
  EXPECT_NE(a.find("2份"), std::string::npos);
  EXPECT_NE(a.find("照片2张"), std::string::npos);
  EXPECT_NE(a.find("网上办理无需提交"), std::string::npos);
  EXPECT_NE(a.find("本环节时限：5个工作日内"), std::string::npos);
  EXPECT_NE(a.find("灵活就业人员参保登记"), std::string::npos);
  EXPECT_NE(a.find("次月生效"), std::string::npos);
  auto j = publicItemJson(item("002036001002"), region());
  EXPECT_EQ(j["takes_effect"], "next_month");
  EXPECT_EQ(j["materials"][0]["original"], "check_original");
  EXPECT_EQ(j["flow"][1]["limit"]["days"], 5);
  EXPECT_EQ(j["flows"][0]["id"], "flexible");
  EXPECT_EQ(j["revision"], item("002036001002").revision);
}

TEST_F(CatalogGapsTest, UnstatedLimitHasNoDueDateAndIsNeverOverdue) {
  // The internal item cannot be applied for; the unstated reckoning is shown on item C's main
  // limit instead (a unit applying directly, not through the departments).
  WorkflowContext ctx{region(), item("980000990001"), calendar(), at(D(2026, 3, 2))};
  auto refused = openCase(ctx, submission("unit"), "X-1");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().slug, "internal_item");

  const Item& c = item("002036007004");
  WorkflowContext open{region(), c, calendar(), at(D(2026, 3, 2))};
  Submission s = submission("unit");
  s.form = {{"birth_date", "2026-02-01"}};
  auto opened = openCase(open, s, "C-1");
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  auto accepted = applyAction(open, *opened, kWindow, act("accept"));
  ASSERT_TRUE(accepted.has_value()) << accepted.error().message;
  EXPECT_FALSE(accepted->due_on.has_value());
  for (Date day : {D(2026, 3, 2), D(2026, 12, 31)}) {
    auto v = deadlineOn(*accepted, calendar(), day);
    ASSERT_TRUE(v.has_value());
    EXPECT_EQ(v->status, DeadlineStatus::kUnstated);
    EXPECT_FALSE(v->due.has_value());
  }
  EXPECT_STREQ(deadlineStatusName(DeadlineStatus::kUnstated), "unstated");
  EXPECT_EQ(parseDeadlineStatus("unstated"), DeadlineStatus::kUnstated);
}

TEST_F(CatalogGapsTest, CalendarMonthsAndCalendarDates) {
  const Item& a = item("002036001002");
  // 3 months from 2026-03-02 is 2026-06-02, a Tuesday and a working day.
  EXPECT_EQ((*computeDue(a, {}, D(2026, 3, 2), 0, calendar()))->date, D(2026, 6, 2));
  // From 11-30: 2027-02-28 is past the loaded years (provisional) and a Sunday → 03-01.
  auto late = computeDue(a, {}, D(2026, 11, 30), 0, calendar());
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ((*late)->date, D(2027, 3, 1));
  EXPECT_TRUE((*late)->provisional);
  // Month ends clamp: 2026-05-31 + 3 months = 2026-08-31 (a Monday).
  EXPECT_EQ((*computeDue(a, {}, D(2026, 5, 31), 0, calendar()))->date, D(2026, 8, 31));
  // The department path answers by 12月25日: of the same year, or the next one once it passed.
  const Item& c = item("002036007004");
  EXPECT_EQ((*computeDue(c, {"via_departments"}, D(2026, 9, 1), 0, calendar()))->date,
            D(2026, 12, 25));
  auto next = computeDue(c, {"via_departments"}, D(2025, 12, 26), 0, calendar());
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ((*next)->date, D(2026, 12, 25));
  EXPECT_FALSE((*next)->provisional);
  EXPECT_FALSE(computeDue(c, {}, D(2026, 9, 1), 0, calendar())->has_value());
}

TEST_F(CatalogGapsTest, ApplicantLimitIsCheckedAtApplication) {
  const Item& c = item("002036007004");
  WorkflowContext ctx{region(), c, calendar(), at(D(2026, 5, 15))};
  Submission s = submission("unit");
  auto missing = openCase(ctx, s, "C-2");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().slug, "applicant_limit_date_required");
  EXPECT_EQ(httpStatus(missing.error().code), 422);
  EXPECT_NE(missing.error().message.find("生育日期"), std::string::npos);
  s.form = {{"birth_date", "2026-02-14"}};  // 3 months on: 2026-05-14, the day before
  auto late = openCase(ctx, s, "C-2");
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().slug, "applicant_limit_passed");
  EXPECT_NE(late.error().message.find("2026-05-14"), std::string::npos);
  s.form = {{"birth_date", "2026-02-15"}};
  EXPECT_TRUE(openCase(ctx, s, "C-2").has_value());
  s.form = {{"birth_date", "2026-05-16"}};
  auto future = openCase(ctx, s, "C-2");
  ASSERT_FALSE(future.has_value());
  EXPECT_EQ(future.error().slug, "applicant_limit_date_future");
}

TEST_F(CatalogGapsTest, WaivedMaterialIsNotRequiredOnItsChannel) {
  const Item& a = item("002036001002");
  MaterialStatus some{{"id_card", "provided"}, {"photo", "provided"}};
  EXPECT_EQ(missingMaterials(a, {}, some, "窗口").size(), 1u);
  EXPECT_TRUE(missingMaterials(a, {}, some, "网上").empty());
}

TEST_F(CatalogGapsTest, AlternativeFlowIsChosenAtApplicationAndPinned) {
  const Item& a = item("002036001002");
  WorkflowContext ctx{region(), a, calendar(), at(D(2026, 3, 2))};
  MaterialStatus all{{"id_card", "provided"}, {"photo", "provided"}, {"reg_form", "provided"}};
  // A unit: the default flow with 初审 and 复审.
  auto unit = openCase(ctx, submission("unit"), "A-1");
  ASSERT_TRUE(unit.has_value());
  EXPECT_EQ(unit->flow_id, "");
  EXPECT_EQ(unit->flow->size(), 4u);
  // A flexible worker applying for themself: the single review of the alternative flow.
  auto flex = openCase(ctx, submission("person", {"flexible"}), "A-2");
  ASSERT_TRUE(flex.has_value());
  EXPECT_EQ(flex->flow_id, "flexible");
  ASSERT_EQ(flex->flow->size(), 3u);
  auto c = applyAction(ctx, *flex, kWindow, act("accept", all));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  c = applyAction(ctx, *c, kReviewer, act("approve"));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  c = applyAction(ctx, *c, kWindow, act("complete"));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->status, CaseStatus::kCompleted);
  // Stored and read back, and replayed: the same flow.
  CaseState back = fromStorage(toStorage(*c));
  ASSERT_TRUE(back.flow);
  EXPECT_EQ(back.flow_id, "flexible");
  EXPECT_EQ(back.item_revision, a.revision);
  EXPECT_EQ(flowStepsJson(*back.flow), flowStepsJson(*c->flow));
  back.events = c->events;
  auto replayed = replayCase(region(), a, calendar(), back, back.events);
  ASSERT_TRUE(replayed.has_value()) << replayed.error().message;
  EXPECT_EQ(storageState(*replayed), storageState(*c));
}

TEST_F(CatalogGapsTest, OpenCaseKeepsItsFlowWhenTheCatalogChanges) {
  const Item& a = item("002036001002");
  MaterialStatus all{{"id_card", "provided"}, {"photo", "provided"}, {"reg_form", "provided"}};
  WorkflowContext ctx{region(), a, calendar(), at(D(2026, 3, 2))};
  auto c = openCase(ctx, submission("unit"), "P-1");
  ASSERT_TRUE(c.has_value());
  c = applyAction(ctx, *c, kWindow, act("accept", all));
  ASSERT_TRUE(c.has_value());
  c = applyAction(ctx, *c, kReviewer, act("approve"));
  ASSERT_TRUE(c.has_value());
  ASSERT_EQ(c->step, 2);  // at 复审
  std::string stored = toStorage(*c).dump();

  // The catalog is edited: the item loses its 复审 and gains nothing else. Before pinning, step 2
  // would have been 办结 (re-mapped), and a shorter flow would have made .at() throw.
  Item edited = a;
  edited.flow = {a.flow[0], a.flow[3]};
  edited.revision = itemRevision(edited);
  ASSERT_NE(edited.revision, a.revision);
  WorkflowContext now{region(), edited, calendar(), at(D(2026, 3, 3))};
  CaseState loaded = fromStorage(nlohmann::json::parse(stored));
  loaded.events = c->events;
  ASSERT_NE(currentStep(loaded, edited), nullptr);
  EXPECT_EQ(currentStep(loaded, edited)->step, "复审");
  auto wrong = applyAction(now, loaded, kWindow, act("complete"));
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().slug, "wrong_step");
  auto next = applyAction(now, loaded, kSenior, act("approve"));
  ASSERT_TRUE(next.has_value()) << next.error().message;
  auto done = applyAction(now, *next, kWindow, act("complete"));
  ASSERT_TRUE(done.has_value()) << done.error().message;
  EXPECT_EQ(done->status, CaseStatus::kCompleted);
  EXPECT_EQ(done->item_revision, a.revision);  // the revision it was opened with
  // A new case opened now runs on the edited flow.
  auto fresh = openCase(now, submission("unit"), "P-2");
  ASSERT_TRUE(fresh.has_value());
  EXPECT_EQ(fresh->flow->size(), 2u);
  EXPECT_EQ(fresh->item_revision, edited.revision);
}

TEST_F(CatalogGapsTest, StageLimitHasItsOwnDueDate) {
  const Item& a = item("002036001002");
  MaterialStatus all{{"id_card", "provided"}, {"photo", "provided"}, {"reg_form", "provided"}};
  WorkflowContext ctx{region(), a, calendar(), at(D(2026, 3, 2))};
  auto c = openCase(ctx, submission("unit"), "S-1");
  c = applyAction(ctx, *c, kWindow, act("accept", all));
  ASSERT_TRUE(c.has_value());
  auto v = deadlineOn(*c, calendar(), D(2026, 3, 6));
  ASSERT_TRUE(v.has_value());
  ASSERT_TRUE(v->step_due.has_value());
  EXPECT_EQ(*v->step_due, D(2026, 3, 9));  // 5 working days from Monday 03-02
  EXPECT_EQ(v->step_status, DeadlineStatus::kDueSoon);
  EXPECT_EQ(deadlineOn(*c, calendar(), D(2026, 3, 10))->step_status, DeadlineStatus::kOverdue);
  // The overall limit (3 months) is not overdue for all that.
  EXPECT_EQ(deadlineOn(*c, calendar(), D(2026, 3, 10))->status, DeadlineStatus::kOnTime);
  // At 复审 (no stage limit) there is no stage due date.
  WorkflowContext later{region(), a, calendar(), at(D(2026, 3, 4))};
  auto r = applyAction(later, *c, kReviewer, act("approve"));
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(deadlineOn(*r, calendar(), D(2026, 3, 5))->step_due.has_value());
}

// The real catalog/ directory: the seeds' gaps as transcribed (see the notes of each item).
const Catalog& realCatalog() {
  static const std::shared_ptr<const Catalog> cat = [] {
    auto c = Catalog::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/catalog");
    if (!c) throw std::runtime_error(c.error().message);
    return *c;
  }();
  return *cat;
}

bool hasKey(const nlohmann::json& j, const std::string& key) {
  if (j.is_object()) {
    if (j.contains(key)) return true;
    for (const auto& [k, v] : j.items())
      if (hasKey(v, key)) return true;
  }
  if (j.is_array())
    for (const auto& v : j)
      if (hasKey(v, key)) return true;
  return false;
}

TEST(RealCatalogGaps, XiningLimitsTheChartsDoNotStateAreUnstated) {
  const Region& x = *realCatalog().region("xining");
  const Item& pay = *x.item("630100990001");
  EXPECT_TRUE(pay.internal);
  EXPECT_TRUE(pay.applicant.empty());
  EXPECT_TRUE(pay.materials.empty());
  EXPECT_TRUE(pay.time_limit.unstated());
  EXPECT_TRUE(x.item("630100990002")->time_limit.unstated());
  std::string html = guideHtml(x, pay);
  EXPECT_NE(html.find("未载明"), std::string::npos);
  EXPECT_EQ(html.find("30日"), std::string::npos);
  EXPECT_EQ(html.find("自然日"), std::string::npos);
}

TEST(RealCatalogGaps, CalendarDatesMonthsStagesAndAlternativeFlows) {
  const Catalog& c = realCatalog();
  int dated = 0;
  for (const auto& it : c.region("yunnan")->items)
    for (const auto& v : it.variants) {
      EXPECT_FALSE(v.basis == LimitBasis::kDays && v.days == 86) << it.code;
      if (v.basis == LimitBasis::kCalendarDate) {
        EXPECT_EQ(v.by_mmdd, 1225) << it.code;
        ++dated;
      }
    }
  EXPECT_EQ(dated, 2);
  for (const char* code : {"002036009001", "002036009002"}) {
    const Item* it = c.region("qingdao")->item(code);
    ASSERT_NE(it, nullptr) << code;
    EXPECT_EQ(it->time_limit.basis, LimitBasis::kCalendarMonths) << code;
    EXPECT_EQ(it->time_limit.months, 3) << code;
  }
  const Item& transfer = *c.region("qinghai")->item("002036003002");
  ASSERT_EQ(transfer.flows.size(), 2u);
  std::string id;
  const auto& in = transfer.flowFor("窗口", "person", {"transfer_in"}, &id);
  EXPECT_EQ(id, "transfer_in");
  ASSERT_TRUE(in[1].limit.has_value());
  EXPECT_EQ(in[1].limit->days, 5);
  for (const char* region : {"qinghai", "xining"}) {
    const Item& reg = *c.region(region)->item("002036001002");
    EXPECT_EQ(reg.flowFor("窗口", "person", {}, &id).size(), 3u) << region;
    EXPECT_EQ(id, "flexible");
    EXPECT_EQ(reg.flowFor("窗口", "unit", {}, &id).size(), 4u) << region;
  }
  const Item& qhAllowance = *c.region("qinghai")->item("002036007004");
  ASSERT_EQ(qhAllowance.applicant_limits.size(), 1u);
  EXPECT_EQ(qhAllowance.applicant_limits[0].limit.months, 12);
  const Item& xnAllowance = *c.region("xining")->item("002036007004");
  ASSERT_EQ(xnAllowance.applicant_limits.size(), 1u);
  EXPECT_EQ(xnAllowance.applicant_limits[0].limit.months, 3);
  EXPECT_EQ(xnAllowance.applicant_limits[0].unless, "family_planning");
}

TEST(RealCatalogGaps, NoCataloguerNoteReachesACitizen) {
  for (const auto& r : realCatalog().regions())
    for (const auto& it : r.items) {
      std::string html = guideHtml(r, it);
      EXPECT_EQ(html.find("编目说明"), std::string::npos) << r.id << " " << it.code;
      if (!it.note.empty()) EXPECT_EQ(html.find(it.note), std::string::npos) << it.code;
      // Material notes in English are the cataloguer's; Chinese ones quote seed words that the
      // guide may show elsewhere (a group's text, the remarks), so only the English are checked.
      for (const auto& m : it.materials)
        if (m.note.size() > 12 && std::isalpha(static_cast<unsigned char>(m.note[0])))
          EXPECT_EQ(html.find(htmlEscape(m.note)), std::string::npos) << it.code << " " << m.id;
      EXPECT_FALSE(hasKey(publicItemJson(it, r), "note")) << r.id << " " << it.code;
      EXPECT_EQ(it.revision.size(), 12u);
    }
}

}  // namespace
}  // namespace jingban
