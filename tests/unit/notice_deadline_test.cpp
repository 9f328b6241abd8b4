// The one-time notice of missing materials owed within a limit of the application
// (Item::notice_limit; 青岛 定点医药机构: 5个工作日内一次性告知): the catalog field (parsed,
// refused when malformed, carried by exactly the items whose seed states it), the due date pinned
// at 申请 and recorded in its event, its status unanswered, answered in time or late, and closed
// unanswered, and how supervision counts a case that still owes it.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "workflow/deadline.hpp"
#include "workflow/replay.hpp"
#include "workflow/workflow.hpp"

namespace jingban {
namespace {

// ---- the catalog field ------------------------------------------------------------------------

const Catalog& realCatalog() {
  static const std::shared_ptr<const Catalog> c = [] {
    auto loaded = Catalog::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/catalog", effectNameKnown);
    if (!loaded) throw std::runtime_error(loaded.error().message);
    return *loaded;
  }();
  return *c;
}

TEST(NoticeLimitCatalog, ExactlyTheItemsWhoseSeedStatesIt) {
  // grep 一次性告知 in /work/shared/seeds: only 青岛 10.1 / 10.2 give it a number of days
  // (“自收到材料之日起5个工作日内一次性告知…补充”); the other mentions name no limit.
  std::set<std::string> carrying;
  for (const auto& r : realCatalog().regions())
    for (const auto& it : r.items)
      if (it.notice_limit) carrying.insert(r.id + "/" + it.code);
  EXPECT_EQ(carrying, (std::set<std::string>{"qingdao/002036009001", "qingdao/002036009002"}));
  for (const char* code : {"002036009001", "002036009002"}) {
    const Item* it = realCatalog().region("qingdao")->item(code);
    ASSERT_TRUE(it);
    EXPECT_EQ(it->notice_limit->basis, LimitBasis::kDays);
    EXPECT_EQ(it->notice_limit->kind, LimitKind::kWorkingDays);
    EXPECT_EQ(it->notice_limit->days, 5);
    EXPECT_NE(it->notice_limit->text.find("5个工作日内一次性告知"), std::string::npos);
  }
}

class NoticeLimitLoad : public TempCatalogTest {
 protected:
  // A one-item region whose item carries `notice_yaml` (indented under the item) as notice_limit.
  Result<std::shared_ptr<const Catalog>> loadWith(const std::string& notice_yaml,
                                                  const std::string& extra = "") {
    write("r.yaml", R"(region:
  id: r
  name: 测试
  division_code: "990000"
  seeds: [x.txt]
roles:
- {id: window, name: 窗口, kind: window}
- {id: supervisor, name: 监督人员, kind: supervisor}
items:
- code: "002036009001"
  code_kind: national
  main_code: "00203600900Y"
  main_name: 医药机构申请定点协议管理
  name: 医疗机构申请定点协议管理
  applicant: [institution]
  channels: [窗口]
  steps: [申请, 受理, 办结]
  flow:
  - {step: 受理, kind: accept, role: window, text: 受理}
  - {step: 办结, kind: complete, role: window, text: 办结}
  materials: []
  time_limit: {kind: working_days, days: 20, text: 20个工作日}
  effect: institution_agreement
)" + extra + notice_yaml);
    return load();
  }
  void expectRefused(const std::string& notice_yaml, const std::string& words,
                     const std::string& extra = "") {
    auto c = loadWith(notice_yaml, extra);
    ASSERT_FALSE(c) << notice_yaml;
    EXPECT_NE(c.error().message.find(words), std::string::npos) << c.error().message;
  }
};

TEST_F(NoticeLimitLoad, ParsesWorkingAndNaturalDays) {
  auto c =
      loadWith("  notice_limit: {kind: working_days, days: 5, text: 5个工作日内一次性告知补充}\n");
  ASSERT_TRUE(c) << c.error().message;
  const Item* it = (*c)->region("r")->item("002036009001");
  ASSERT_TRUE(it && it->notice_limit);
  EXPECT_EQ(it->notice_limit->kind, LimitKind::kWorkingDays);
  EXPECT_EQ(it->notice_limit->days, 5);
  auto n = loadWith("  notice_limit: {kind: natural_days, days: 7, text: 7日内一次性告知}\n");
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ((*n)->region("r")->item("002036009001")->notice_limit->kind, LimitKind::kNaturalDays);
  auto none = loadWith("");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_FALSE((*none)->region("r")->item("002036009001")->notice_limit);
}

TEST_F(NoticeLimitLoad, ChangesTheItemRevisionOnlyWhereItIsSet) {
  auto with =
      loadWith("  notice_limit: {kind: working_days, days: 5, text: 5个工作日内一次性告知}\n");
  ASSERT_TRUE(with) << with.error().message;
  std::string a = (*with)->region("r")->item("002036009001")->revision;
  auto without = loadWith("");
  ASSERT_TRUE(without);
  EXPECT_NE(a, (*without)->region("r")->item("002036009001")->revision);
}

TEST_F(NoticeLimitLoad, RefusesBadValues) {
  expectRefused("  notice_limit: {kind: instant, days: 0, text: 当场一次性告知}\n",
                "一次性告知时限须为 working_days 或 natural_days");
  expectRefused("  notice_limit: {kind: calendar_months, months: 1, text: 一个月内一次性告知}\n",
                "一次性告知时限须为 working_days 或 natural_days");
  expectRefused("  notice_limit: {kind: unstated}\n",
                "一次性告知时限须为 working_days 或 natural_days");
  expectRefused("  notice_limit: {kind: working_days, days: 0, text: 一次性告知}\n",
                "时限天数须 ≥ 1");
  expectRefused("  notice_limit: {kind: working_days, text: 一次性告知}\n", "时限天数须 ≥ 1");
  expectRefused("  notice_limit: {kind: working_days, days: 5}\n", "time_limit.text 须保留原文");
  expectRefused("  notice_limit: {kind: working_days, days: 5, text: 5个工作日}\n",
                "notice_limit.text 须是载明“一次性告知”时限的原文");
  expectRefused(
      "  notice_limit: {kind: working_days, days: 5, text: 5个工作日内一次性告知, when: x}\n",
      "未知字段 'when'");
  expectRefused(
      "  notice_limit: {kind: working_days, days: 5, text: 5个工作日内一次性告知, variants: []}\n",
      "未知字段 'variants'");
  expectRefused(
      "  notice_limit: {kind: working_days, days: 5, text: 5个工作日内一次性告知,"
      " extension: {allowed: true, source: 一次性告知}}\n",
      "未知字段 'extension'");
  expectRefused("  notice_limit: {kind: workdays, days: 5, text: 一次性告知}\n",
                "time_limit.kind 须为");
  expectRefused("  notice_limit: 5\n", "应为映射");
}

// ---- the rule ---------------------------------------------------------------------------------

Region institutionRegion(std::optional<TimeLimit> notice) {
  Region r;
  r.id = "testland";
  r.name = "测试市";
  r.division_code = "990000";
  r.roles = {{"window", "窗口受理人员", "window"}, {"evaluator", "评估人员", "review"}};
  Item it;
  it.code = "002036009001";
  it.name = "医疗机构申请定点协议管理";
  it.applicant = {"institution"};
  it.flow = {{"受理", StepKind::kAccept, "window", "", {}},
             {"评估", StepKind::kReview, "evaluator", "", {}},
             {"办结", StepKind::kComplete, "window", "", {}}};
  Material m;
  m.id = "license_info";
  m.name = "执业许可信息";
  it.materials = {m};
  it.time_limit = {LimitKind::kWorkingDays, 20, "20个工作日", ""};
  it.notice_limit = notice;
  it.effect = "institution_agreement";
  r.items.push_back(it);
  r.index[it.code] = 0;
  return r;
}

TimeLimit workingDays(int n) { return {LimitKind::kWorkingDays, n, "一次性告知", ""}; }

const Actor kWindow{"win1", {"window"}, "testland"};
const Actor kApplicant{"applicant", {}, "testland", true};

class NoticeRule : public ::testing::Test {
 protected:
  Region region = institutionRegion(workingDays(5));
  WorkflowContext ctx(Date d) const { return {region, region.items[0], calendar(), at(d)}; }

  CaseState open(Date day, MaterialStatus materials = {}) const {
    Submission s;
    s.channel = "窗口";
    s.query_code = "ABCDEFGH";
    s.applicant = {"institution", "91370200MA3C8XKL0E", "示例医院", "13800000000"};
    s.materials = std::move(materials);
    auto c = openCase(ctx(day), s, "TL2026000001");
    if (!c) throw std::runtime_error(c.error().message);
    return *c;
  }
  CaseState act(const CaseState& c, Date day, const Actor& who, const std::string& name,
                MaterialStatus materials = {}, const std::string& comment = "") const {
    Action a;
    a.name = name;
    a.materials = std::move(materials);
    a.comment = comment;
    auto n = applyAction(ctx(day), c, who, a);
    if (!n) throw std::runtime_error(name + ": " + n.error().message);
    return *n;
  }
  DeadlineView on(const CaseState& c, Date today) const {
    auto v = deadlineOn(c, calendar(), today);
    if (!v) ADD_FAILURE() << v.error().message;
    return v.value_or(DeadlineView{});
  }
};

TEST_F(NoticeRule, DueDatePinnedAtApplicationFromTheCatalogField) {
  // Friday 2026-02-13 + 5 working days crosses the Spring Festival holidays: 2026-02-27.
  CaseState c = open(D(2026, 2, 13));
  EXPECT_EQ(c.notice_due_on, D(2026, 2, 27));
  EXPECT_EQ(c.noticeOwedBy(), D(2026, 2, 27));
  EXPECT_EQ(c.events.front().data.value("notice_due_on", ""), "2026-02-27");
  // The field decides, not the item code: 3 working days on another item with the same code.
  region = institutionRegion(workingDays(3));
  EXPECT_EQ(open(D(2026, 2, 13)).notice_due_on, D(2026, 2, 25));
  region = institutionRegion(TimeLimit{LimitKind::kNaturalDays, 3, "一次性告知", ""});
  EXPECT_EQ(open(D(2026, 3, 6)).notice_due_on, D(2026, 3, 9));  // Monday: moved off Sunday
  region = institutionRegion(std::nullopt);
  CaseState none = open(D(2026, 2, 13));
  EXPECT_FALSE(none.notice_due_on);
  EXPECT_FALSE(none.events.front().data.contains("notice_due_on"));
  auto v = on(none, D(2026, 3, 10));
  EXPECT_FALSE(v.notice_due);
  EXPECT_FALSE(v.notice_status);
  EXPECT_EQ(v.status, DeadlineStatus::kNotStarted);
}

TEST_F(NoticeRule, UnansweredItIsTheCasesDeadlineStatus) {
  CaseState c = open(D(2026, 2, 13));
  auto v = on(c, D(2026, 2, 25));
  EXPECT_EQ(v.notice_due, D(2026, 2, 27));
  EXPECT_FALSE(v.notice_answered_on);
  EXPECT_EQ(v.notice_status, DeadlineStatus::kOnTime);
  EXPECT_EQ(v.status, DeadlineStatus::kOnTime);
  EXPECT_EQ(on(c, D(2026, 2, 26)).status, DeadlineStatus::kDueSoon);
  EXPECT_EQ(on(c, D(2026, 2, 27)).status, DeadlineStatus::kDueSoon);
  auto late = on(c, D(2026, 3, 2));
  EXPECT_EQ(late.notice_status, DeadlineStatus::kOverdue);
  EXPECT_EQ(late.status, DeadlineStatus::kOverdue);
  EXPECT_FALSE(late.due);  // not accepted: the item's own clock has not started
}

TEST_F(NoticeRule, AReturnInTimeSettlesItAndAResubmissionDoesNotRestartIt) {
  CaseState c = open(D(2026, 2, 13));
  c = act(c, D(2026, 2, 27), kWindow, "return", {{"license_info", "missing"}});
  EXPECT_EQ(c.notice_answered_on, D(2026, 2, 27));
  EXPECT_FALSE(c.noticeOwedBy());
  c = act(c, D(2026, 3, 3), kApplicant, "supplement", {{"license_info", "provided"}});
  EXPECT_EQ(c.status, CaseStatus::kSubmitted);
  EXPECT_FALSE(c.noticeOwedBy());
  auto v = on(c, D(2026, 3, 20));
  EXPECT_EQ(v.notice_due, D(2026, 2, 27));
  EXPECT_EQ(v.notice_answered_on, D(2026, 2, 27));
  EXPECT_EQ(v.notice_status, DeadlineStatus::kOnTime);
  EXPECT_EQ(v.status, DeadlineStatus::kNotStarted);  // waiting for 受理 again, nothing owed
}

TEST_F(NoticeRule, AnAnswerAfterTheDueDayIsLateButNoLongerSupervised) {
  CaseState c = open(D(2026, 2, 13));
  for (const char* action : {"accept", "return", "not_accept"}) {
    CaseState n = std::string(action) == "return"
                      ? act(c, D(2026, 3, 2), kWindow, action, {{"license_info", "missing"}})
                  : std::string(action) == "accept"
                      ? act(c, D(2026, 3, 2), kWindow, action, {{"license_info", "provided"}})
                      : act(c, D(2026, 3, 2), kWindow, action, {}, "不属于受理范围");
    EXPECT_EQ(n.notice_answered_on, D(2026, 3, 2)) << action;
    EXPECT_FALSE(n.noticeOwedBy()) << action;
    auto v = on(n, D(2026, 3, 20));
    EXPECT_EQ(v.notice_status, DeadlineStatus::kOverdue) << action;
    EXPECT_NE(v.status, DeadlineStatus::kOverdue) << action;
  }
}

TEST_F(NoticeRule, AWithdrawalClosesItUnanswered) {
  CaseState c = act(open(D(2026, 2, 13)), D(2026, 2, 24), kApplicant, "withdraw");
  EXPECT_FALSE(c.noticeOwedBy());
  auto v = on(c, D(2026, 3, 20));
  EXPECT_FALSE(v.notice_answered_on);
  EXPECT_EQ(v.notice_status, DeadlineStatus::kOnTime);
  EXPECT_NE(v.status, DeadlineStatus::kOverdue);
}

TEST_F(NoticeRule, StoredAndReplayedFromTheRecordedEvent) {
  CaseState c = open(D(2026, 2, 13));
  c = act(c, D(2026, 2, 27), kWindow, "return", {{"license_info", "missing"}});
  CaseState stored = fromStorage(toStorage(c));
  EXPECT_EQ(stored.notice_due_on, D(2026, 2, 27));
  EXPECT_EQ(stored.notice_answered_on, D(2026, 2, 27));
  // The catalog changed since (a 10-day limit now): the replay keeps the date the event recorded.
  region = institutionRegion(workingDays(10));
  // Events are stored in their own table: the row holds the projection only.
  auto r = replayCase(region, region.items[0], calendar(), stored, c.events);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->notice_due_on, D(2026, 2, 27));
  EXPECT_EQ(r->notice_answered_on, D(2026, 2, 27));
  EXPECT_EQ(storageState(*r), storageState(stored));
  // A row of a case without a notice limit carries no key of it.
  region = institutionRegion(std::nullopt);
  auto plain = toStorage(open(D(2026, 2, 13)));
  EXPECT_FALSE(plain.contains("notice_due_on"));
  EXPECT_FALSE(plain.contains("notice_answered_on"));
}

}  // namespace
}  // namespace jingban
