// 遇特殊情况适当延长 (issue 6 §4): a limit that allows an extension (catalog `extension`), the
// supervisor's `extend` action, and the due date it moves — across holidays, added up over several
// extensions, together with pauses, capped at the limit's own days — and every refusal.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "catalog/guide.hpp"
#include "test_support.hpp"
#include "workflow/deadline.hpp"
#include "workflow/replay.hpp"
#include "workflow/workflow.hpp"

namespace jingban {

namespace {

Region makeRegion() {
  Region r;
  r.id = "testland";
  r.name = "测试市";
  r.division_code = "990100";
  r.roles = {{"window", "窗口受理人员", "window"},
             {"reviewer", "初审人员", "review"},
             {"senior_reviewer", "复审人员", "review"},
             {"finance", "财务人员", "finance"},
             {"supervisor", "监督人员", "supervisor"}};
  Item it;
  it.code = "002036006001";
  it.name = "门诊费用报销";
  it.applicant = {"person"};
  it.flow = {{"受理", StepKind::kAccept, "window", "", {}},
             {"录入审核", StepKind::kReview, "reviewer", "", {}},
             {"审核结算", StepKind::kReview, "senior_reviewer", "", {}},
             {"拨付", StepKind::kPay, "finance", "", {}},
             {"办结", StepKind::kComplete, "window", "", {}}};
  it.conditions = {{"quick", "简易情形"}};
  Material invoice;
  invoice.id = "invoice";
  invoice.name = "医药机构收费票据";
  it.materials = {invoice};
  it.time_limit = {LimitKind::kWorkingDays, 15, "15个工作日内审核结算，遇特殊情况适当延长", ""};
  it.time_limit.extension = {true, "遇特殊情况适当延长", 15};
  // A variant that states no extension: a case under it may not be extended.
  it.variants = {{LimitKind::kWorkingDays, 5, "5个工作日", "quick"}};
  it.uncounted_periods = {{"workstation_transfer", "工作站传递", "不含医保工作站传递时间"}};
  it.effect = "outpatient_reimbursement";
  r.items.push_back(it);
  Item plain = it;  // the same item without the words that allow an extension
  plain.code = "002036006002";
  plain.time_limit = {LimitKind::kWorkingDays, 15, "15个工作日", ""};
  plain.variants.clear();
  r.items.push_back(plain);
  r.index[it.code] = 0;
  r.index[plain.code] = 1;
  return r;
}

const Actor kWindow{"win1", {"window"}, "testland"};
const Actor kReviewer{"rev1", {"reviewer"}, "testland"};
const Actor kSenior{"sen1", {"senior_reviewer"}, "testland"};
const Actor kSupervisor{"sup1", {"supervisor"}, "testland"};
const Actor kLead{"lead1", {"reviewer", "senior_reviewer"}, "testland"};
const Actor kForeignSupervisor{"sup9", {"supervisor"}, "otherland"};
const Actor kApplicant{"applicant", {}, "testland", true};

Action extension(nlohmann::json days, std::string reason = "需函询参保地核实费用明细") {
  Action a;
  a.name = "extend";
  a.comment = std::move(reason);
  a.data = {{"working_days", std::move(days)}};
  return a;
}

Action simple(std::string name, std::string comment = "") {
  Action a;
  a.name = std::move(name);
  a.comment = std::move(comment);
  return a;
}

class ExtensionTest : public ::testing::Test {
 protected:
  Region region = makeRegion();
  const Item& item(size_t i = 0) const { return region.items[i]; }

  Result<CaseState> act(const CaseState& c, Date d, const Actor& who, const Action& a,
                        size_t i = 0) const {
    return applyAction({region, item(i), calendar(), at(d)}, c, who, a);
  }
  CaseState must(const CaseState& c, Date d, const Actor& who, const Action& a,
                 size_t i = 0) const {
    auto r = act(c, d, who, a, i);
    if (!r) ADD_FAILURE() << a.name << " on " << d.str() << ": " << r.error().message;
    return r.value_or(c);
  }
  CaseState submitted(Date d, std::set<std::string> conds = {}, size_t i = 0) const {
    Submission s;
    s.channel = "窗口";
    s.applicant = {"person", "11010519491231002X", "李四", ""};
    s.conditions = std::move(conds);
    auto c = openCase({region, item(i), calendar(), at(d)}, s, "C-1");
    if (!c) throw std::runtime_error(c.error().message);
    return *c;
  }
  CaseState acceptedOn(Date d, std::set<std::string> conds = {}, size_t i = 0) const {
    Action accept = simple("accept");
    accept.materials = {{"invoice", "provided"}};
    return must(submitted(d, std::move(conds), i), d, kWindow, accept, i);
  }
  Error refusal(const CaseState& c, Date d, const Actor& who, const Action& a, size_t i = 0) const {
    auto r = act(c, d, who, a, i);
    EXPECT_FALSE(r.has_value()) << a.name << " was not refused";
    return r ? Error{} : r.error();
  }
};

// 15 working days from Monday 2026-09-07: 09-08…09-11, 09-14…09-18, the 调休 Sunday 09-20,
// 09-21…09-24 (中秋 09-25…27 off), 09-28.
TEST_F(ExtensionTest, DueDateMovesByTheApprovedWorkingDaysAcrossTheNationalHoliday) {
  CaseState c = acceptedOn(D(2026, 9, 7));
  ASSERT_EQ(c.due_on, D(2026, 9, 28));
  c = must(c, D(2026, 9, 21), kSupervisor, extension(3));
  // 09-29, 09-30, then 国庆 10-01…10-07: the third working day is 10-08.
  EXPECT_EQ(c.due_on, D(2026, 10, 8));
  EXPECT_FALSE(c.due_provisional);
  EXPECT_EQ(c.extendedWorkingDays(), 3);
  ASSERT_EQ(c.extensions.size(), 1u);
  EXPECT_EQ(c.extensions[0].by, "sup1");
  EXPECT_EQ(c.extensions[0].working_days, 3);
  EXPECT_EQ(c.extensions[0].reason, "需函询参保地核实费用明细");
  EXPECT_EQ(c.extensions[0].at.unix_seconds, at(D(2026, 9, 21)).unix_seconds);
  EXPECT_EQ(c.extensions[0].seq, c.version());
  const Event& e = c.events.back();
  EXPECT_EQ(e.action, "extend");
  EXPECT_EQ(e.actor, "sup1");
  EXPECT_EQ(e.step, "录入审核");
  EXPECT_EQ(e.comment, "需函询参保地核实费用明细");
  EXPECT_EQ(e.data["working_days"], 3);
  EXPECT_EQ(e.data["extended_working_days"], 3);
  EXPECT_EQ(e.data["previous_due_on"], "2026-09-28");
  EXPECT_EQ(e.data["due_on"], "2026-10-08");
  // Several extensions add up: 10-09 and the 调休 Saturday 10-10.
  c = must(c, D(2026, 9, 25), kSupervisor, extension(2, "仍待异地协查结果"));
  EXPECT_EQ(c.due_on, D(2026, 10, 10));
  EXPECT_EQ(c.extendedWorkingDays(), 5);
  ASSERT_EQ(c.extensions.size(), 2u);
  EXPECT_EQ(c.extensions[1].reason, "仍待异地协查结果");
  // The same as counting the 5 working days at once.
  EXPECT_EQ((*computeDue(item(), {}, D(2026, 9, 7), 5, calendar()))->date, D(2026, 10, 10));
  // The case's deadline view shows it, and the case is not overdue before the new date.
  auto v = deadlineOn(c, calendar(), D(2026, 10, 8));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->due, D(2026, 10, 10));
  EXPECT_EQ(v->extended_working_days, 5);
  EXPECT_EQ(v->status, DeadlineStatus::kOnTime);
  EXPECT_EQ(deadlineOn(c, calendar(), D(2026, 10, 9))->status, DeadlineStatus::kDueSoon);
  EXPECT_EQ(deadlineOn(c, calendar(), D(2026, 10, 12))->status, DeadlineStatus::kOverdue);
  // The review goes on where it was.
  EXPECT_EQ(c.step, 1);
  c = must(c, D(2026, 9, 28), kReviewer, simple("approve"));
  EXPECT_EQ(c.due_on, D(2026, 10, 10));
}

TEST_F(ExtensionTest, ExtensionsAndPausesBothMoveTheDueDate) {
  CaseState c = acceptedOn(D(2026, 3, 2));  // 15 working days: 03-23
  ASSERT_EQ(c.due_on, D(2026, 3, 23));
  c = must(c, D(2026, 3, 3), kSupervisor, extension(2));
  EXPECT_EQ(c.due_on, D(2026, 3, 25));
  Action pause = simple("pause");
  pause.period = "workstation_transfer";
  c = must(c, D(2026, 3, 4), kReviewer, pause);
  // Extended during the pause: the stored date moves now, the running pause on top of it.
  c = must(c, D(2026, 3, 5), kSupervisor, extension(1));
  EXPECT_EQ(c.due_on, D(2026, 3, 26));
  auto running = deadlineOn(c, calendar(), D(2026, 3, 6));
  ASSERT_TRUE(running.has_value());
  EXPECT_EQ(running->due, D(2026, 3, 30));  // 03-26 + 03-05, 03-06 paused
  c = must(c, D(2026, 3, 6), kReviewer, simple("resume"));
  EXPECT_EQ(c.paused_days, 2);
  EXPECT_EQ(c.due_on, D(2026, 3, 30));  // the resume keeps the 3 extended days
  // A 补正 during review: supplemented after two working days, 03-10 and 03-11.
  Action back = simple("return");
  back.materials = {{"invoice", "missing"}};
  c = must(c, D(2026, 3, 9), kReviewer, back);
  Action supplement = simple("supplement");
  supplement.materials = {{"invoice", "provided"}};
  c = must(c, D(2026, 3, 11), kApplicant, supplement);
  EXPECT_EQ(c.paused_days, 4);
  EXPECT_EQ(c.due_on, D(2026, 4, 1));
}

TEST_F(ExtensionTest, TheSumIsCappedAtTheLimitsOwnDays) {
  CaseState c = acceptedOn(D(2026, 3, 2));
  Error e = refusal(c, D(2026, 3, 3), kSupervisor, extension(16));
  EXPECT_EQ(e.code, ErrorCode::kUnprocessable);
  EXPECT_EQ(e.slug, "working_days_out_of_range");
  EXPECT_NE(e.message.find("1 到 15"), std::string::npos) << e.message;
  c = must(c, D(2026, 3, 3), kSupervisor, extension(10));
  e = refusal(c, D(2026, 3, 4), kSupervisor, extension(6));
  EXPECT_EQ(e.slug, "working_days_out_of_range");
  EXPECT_NE(e.message.find("1 到 5"), std::string::npos) << e.message;
  c = must(c, D(2026, 3, 4), kSupervisor, extension(5));
  EXPECT_EQ(c.extendedWorkingDays(), 15);
  EXPECT_EQ(c.due_on, (*computeDue(item(), {}, D(2026, 3, 2), 15, calendar()))->date);
  e = refusal(c, D(2026, 3, 5), kSupervisor, extension(1));
  EXPECT_EQ(e.code, ErrorCode::kUnprocessable);
  EXPECT_EQ(e.slug, "extension_exhausted");
}

TEST_F(ExtensionTest, Refusals) {
  CaseState c = acceptedOn(D(2026, 3, 2));
  auto check = [&](const CaseState& on, const Actor& who, const Action& a, ErrorCode code,
                   const std::string& slug, size_t i = 0) {
    Error e = refusal(on, D(2026, 3, 3), who, a, i);
    EXPECT_EQ(e.code, code) << slug << ": " << e.message;
    EXPECT_EQ(e.slug, slug) << e.message;
    EXPECT_FALSE(e.message.empty());
  };
  // Days: missing, not an integer, zero, negative, huge; data with other keys.
  Action none = extension(1);
  none.data = nlohmann::json::object();
  check(c, kSupervisor, none, ErrorCode::kUnprocessable, "working_days_required");
  check(c, kSupervisor, extension("3"), ErrorCode::kUnprocessable, "working_days_required");
  check(c, kSupervisor, extension(0), ErrorCode::kUnprocessable, "working_days_out_of_range");
  check(c, kSupervisor, extension(-2), ErrorCode::kUnprocessable, "working_days_out_of_range");
  check(c, kSupervisor, extension(int64_t{1} << 40), ErrorCode::kUnprocessable,
        "working_days_out_of_range");
  check(c, kSupervisor, extension(uint64_t{18446744073709551615u}), ErrorCode::kUnprocessable,
        "working_days_out_of_range");
  Action extra = extension(2);
  extra.data["note"] = "x";
  check(c, kSupervisor, extra, ErrorCode::kUnprocessable, "bad_extension");
  // No reason.
  check(c, kSupervisor, extension(2, ""), ErrorCode::kUnprocessable, "reason_required");
  // Who: the step's own clerks, a section head with every review role, the applicant, another
  // region's supervisor.
  check(c, kReviewer, extension(2), ErrorCode::kForbidden, "role_required");
  check(c, kLead, extension(2), ErrorCode::kForbidden, "role_required");
  check(c, kWindow, extension(2), ErrorCode::kForbidden, "role_required");
  check(c, kApplicant, extension(2), ErrorCode::kForbidden, "staff_only");
  check(c, kForeignSupervisor, extension(2), ErrorCode::kForbidden, "wrong_region");
  EXPECT_NE(refusal(c, D(2026, 3, 3), kReviewer, extension(2)).message.find("监督人员"),
            std::string::npos);
  // The item's limit does not allow it; nor does the variant a case declares.
  CaseState plain = acceptedOn(D(2026, 3, 2), {}, 1);
  check(plain, kSupervisor, extension(2), ErrorCode::kUnprocessable, "extension_not_allowed", 1);
  CaseState quick = acceptedOn(D(2026, 3, 2), {"quick"});
  ASSERT_EQ(quick.due_on, D(2026, 3, 9));
  check(quick, kSupervisor, extension(2), ErrorCode::kUnprocessable, "extension_not_allowed");
  // Not started: before 受理, and in a 补正 before 受理.
  CaseState fresh = submitted(D(2026, 3, 2));
  check(fresh, kSupervisor, extension(2), ErrorCode::kConflict, "wrong_state");
  Action missing = simple("return");
  missing.materials = {{"invoice", "missing"}};
  CaseState early = must(fresh, D(2026, 3, 2), kWindow, missing);
  ASSERT_EQ(early.status, CaseStatus::kSupplement);
  check(early, kSupervisor, extension(2), ErrorCode::kConflict, "wrong_state");
  // Closed: 不予受理, withdrawn, rejected, 办结.
  CaseState refused = must(fresh, D(2026, 3, 2), kWindow, simple("not_accept", "不属于报销范围"));
  check(refused, kSupervisor, extension(2), ErrorCode::kConflict, "wrong_state");
  CaseState withdrawn = must(c, D(2026, 3, 3), kApplicant, simple("withdraw"));
  check(withdrawn, kSupervisor, extension(2), ErrorCode::kConflict, "wrong_state");
  CaseState rejected = must(c, D(2026, 3, 3), kReviewer, simple("reject", "票据不符"));
  check(rejected, kSupervisor, extension(2), ErrorCode::kConflict, "wrong_state");
  CaseState done = must(c, D(2026, 3, 3), kReviewer, simple("approve"));
  done = must(done, D(2026, 3, 4), kSenior, simple("approve"));
  Action pay = simple("pay");
  pay.amount_fen = 1000;
  done = must(done, D(2026, 3, 5), Actor{"fin1", {"finance"}, "testland"}, pay);
  done = must(done, D(2026, 3, 6), kWindow, simple("complete"));
  ASSERT_EQ(done.status, CaseStatus::kCompleted);
  check(done, kSupervisor, extension(2), ErrorCode::kConflict, "wrong_state");
  // Nothing was changed by any refusal.
  EXPECT_TRUE(c.extensions.empty());
  EXPECT_EQ(c.due_on, D(2026, 3, 23));
}

TEST_F(ExtensionTest, StoredReplayedAndRecountedWithTheExtension) {
  CaseState c = acceptedOn(D(2026, 12, 1));  // 15 working days: 12-22
  ASSERT_EQ(c.due_on, D(2026, 12, 22));
  c = must(c, D(2026, 12, 2), kSupervisor, extension(8));
  // 12-23…12-25, 12-28…12-31, then 2027 (no notice loaded): Monday–Friday, provisional.
  EXPECT_EQ(c.due_on, D(2027, 1, 1));
  EXPECT_TRUE(c.due_provisional);
  // The projection keeps the extensions through its storage form.
  CaseState back = fromStorage(toStorage(c));
  back.events = c.events;
  ASSERT_EQ(back.extensions.size(), 1u);
  EXPECT_EQ(back.extensions[0].by, "sup1");
  EXPECT_EQ(back.extensions[0].working_days, 8);
  EXPECT_EQ(back.extensions[0].at.unix_seconds, c.extensions[0].at.unix_seconds);
  EXPECT_EQ(storageState(back), storageState(c));
  // A case never extended has no key in its row (rows of other cases stay as they were).
  EXPECT_FALSE(storageState(acceptedOn(D(2026, 3, 2))).contains("extensions"));
  // Replaying the events gives the same projection.
  auto replayed = replayCase(region, item(), calendar(), back, c.events);
  ASSERT_TRUE(replayed.has_value()) << replayed.error().message;
  EXPECT_EQ(storageState(*replayed), storageState(c));
  // A recount (after a calendar reload) keeps the extension; here nothing changes.
  Actor system{kSystemActor, {}, "testland"};
  auto recount = act(c, D(2026, 12, 3), system, simple("recount_deadline"));
  ASSERT_FALSE(recount.has_value());
  EXPECT_EQ(recount.error().slug, "unchanged");
}

TEST(ExtensionNames, ExtendIsAnAction) { EXPECT_TRUE(actionNames().count("extend")); }

// The catalog: `extension` on a limit, validated; the real catalog marks exactly the limits whose
// seed words allow an extension.
class ExtensionCatalogTest : public TempCatalogTest {
 protected:
  static std::string region(const std::string& limit) {
    return R"(region:
  id: extland
  name: 延长市
  division_code: "970100"
  seeds: [x.txt]
roles:
  - {id: window, name: 窗口受理人员, kind: window}
  - {id: reviewer, name: 初审人员, kind: review}
  - {id: supervisor, name: 监督人员, kind: supervisor}
items:
  - code: "970100990001"
    code_kind: local
    seq: 1
    main_code: "97010099000Y"
    main_name: 测试
    name: 测试事项
    applicant: [person]
    channels: [窗口]
    steps: [申请, 受理, 审核, 办结]
    flow:
      - {step: 受理, kind: accept, role: window, text: 受理}
      - {step: 审核, kind: review, role: reviewer, text: 审核}
      - {step: 办结, kind: complete, role: window, text: 办结}
    conditions:
      - {id: other, name: 其他情形}
    materials: []
    time_limit:
)" + limit +
           R"(
    effect: account_withdrawal
)";
  }
  std::string loadError(const std::string& limit) {
    write("region.yaml", region(limit));
    auto c = load();
    return c ? std::string() : c.error().message;
  }
};

TEST_F(ExtensionCatalogTest, ExtensionLoadsAndShows) {
  write("region.yaml", region(R"(      kind: working_days
      days: 15
      text: 15个工作日内办结，遇特殊情况适当延长
      extension: {allowed: true, source: 遇特殊情况适当延长})"));
  auto c = load();
  ASSERT_TRUE(c.has_value()) << c.error().message;
  const Region& r = *(*c)->region("extland");
  const Item& it = *r.item("970100990001");
  EXPECT_TRUE(it.time_limit.extension.allowed);
  EXPECT_EQ(it.time_limit.extension.source, "遇特殊情况适当延长");
  EXPECT_EQ(it.time_limit.extension.max_working_days, 15);
  auto j = timeLimitJson(it.time_limit);
  EXPECT_EQ(j["extension"],
            nlohmann::json(
                {{"allowed", true}, {"source", "遇特殊情况适当延长"}, {"max_working_days", 15}}));
  EXPECT_EQ(publicItemJson(it, r)["time_limit"]["extension"]["allowed"], true);
  EXPECT_NE(guideHtml(r, it).find("遇特殊情况可适当延长"), std::string::npos);
}

TEST_F(ExtensionCatalogTest, ExtensionIsValidated) {
  auto has = [](const std::string& err, const std::string& what) {
    return err.find(what) != std::string::npos;
  };
  // Words that are not in the limit's text.
  EXPECT_TRUE(has(loadError(R"(      kind: working_days
      days: 15
      text: 15个工作日内办结
      extension: {allowed: true, source: 遇特殊情况适当延长})"),
                  "extension.source 须是本时限 text 中的原文"));
  // No source.
  EXPECT_TRUE(has(loadError(R"(      kind: working_days
      days: 15
      text: 15个工作日内办结，遇特殊情况适当延长
      extension: {allowed: true})"),
                  "extension.source 须保留"));
  // allowed: false (write nothing instead), an unknown key, a limit not in working days.
  EXPECT_TRUE(has(loadError(R"(      kind: working_days
      days: 15
      text: 15个工作日内办结，遇特殊情况适当延长
      extension: {allowed: false, source: 遇特殊情况适当延长})"),
                  "extension.allowed 须为 true"));
  EXPECT_TRUE(has(loadError(R"(      kind: working_days
      days: 15
      text: 15个工作日内办结，遇特殊情况适当延长
      extension: {allowed: true, source: 遇特殊情况适当延长, max: 30})"),
                  "未知字段 'max'"));
  EXPECT_TRUE(has(loadError(R"(      kind: natural_days
      days: 30
      text: 30日内办结，遇特殊情况适当延长
      extension: {allowed: true, source: 遇特殊情况适当延长})"),
                  "只有以工作日计的时限"));
  EXPECT_TRUE(has(loadError(R"(      kind: unstated
      extension: {allowed: true, source: 遇特殊情况适当延长})"),
                  "extension.source 须是本时限 text 中的原文"));
  // The error names the file and line.
  EXPECT_TRUE(has(loadError(R"(      kind: working_days
      days: 15
      text: 15个工作日内办结
      extension: {allowed: true, source: 遇特殊情况适当延长})"),
                  "region.yaml:"));
}

// Exactly the limits whose seed words say 延长 allow an extension: Xining's 零星报销 (chart 20,
// “遇特殊情况适当延长”), and no other limit of any region.
TEST(ExtensionRealCatalog, OnlyTheLimitsWhoseSeedAllowsIt) {
  auto cat = Catalog::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/catalog", effectNameKnown);
  ASSERT_TRUE(cat.has_value()) << cat.error().message;
  std::set<std::string> extensible;
  for (const auto& r : (*cat)->regions())
    for (const auto& it : r.items) {
      std::vector<const TimeLimit*> limits{&it.time_limit};
      for (const auto& v : it.variants) limits.push_back(&v);
      for (const TimeLimit* l : limits) {
        EXPECT_EQ(l->extension.allowed, l->text.find("延长") != std::string::npos)
            << r.id << " " << it.code << ": " << l->text;
        if (l->extension.allowed) extensible.insert(r.id + "/" + it.code);
      }
    }
  EXPECT_EQ(extensible, (std::set<std::string>{"xining/002036006001", "xining/002036006002"}));
  const Item* it = (*cat)->region("xining")->item("002036006001");
  EXPECT_EQ(it->time_limit.extension.max_working_days, 15);
  EXPECT_EQ(it->time_limit.extension.source, "遇特殊情况适当延长");
}

}  // namespace

}  // namespace jingban
