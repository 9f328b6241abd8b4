// http/case_views: an action's answer is written without a JSON tree (caseOutcomeText). Its text
// must be what nlohmann's dump of the same object gives — sorted keys, same layout — so that
// clients, stored idempotent replays and the case page (caseOutcomeJson, which parses it) agree.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/case_views.hpp"
#include "test_support.hpp"

namespace jingban {
namespace {

using nlohmann::json;

Item item() {
  Item it;
  it.code = "002036006001";
  it.name = "门诊费用报销";
  it.flow = {{"受理", StepKind::kAccept, "window", "", {}},
             {"初审", StepKind::kReview, "reviewer", "", {}},
             {"拨付", StepKind::kPay, "finance", "", {}},
             {"办结", StepKind::kComplete, "window", "", {}}};
  return it;
}

CaseState inReview() {
  CaseState c;
  c.case_no = "630000-20260302-0001";
  c.region = "qinghai";
  c.item_code = "002036006001";
  c.status = CaseStatus::kInProgress;
  c.step = 1;
  c.accepted_on = D(2026, 3, 2);
  c.flow_id = "online";
  c.item_revision = "r1";
  c.notice = {{"invoice", "医药机构收费票据"}};
  c.extensions = {{3, Instant{1772500000}, "sup1", 5, "需外省协查"}};
  c.paid_fen = 12345;
  c.follow_up = "open";
  c.events.push_back(Event{1, Instant{1772415000}, "applicant", "submit", "受理", "", {}, ""});
  c.events.push_back(
      Event{2, Instant{1772416000}, "win1", "accept", "受理", "引号\"与换行\n", {}, ""});
  return c;
}

DeadlineView due() {
  DeadlineView d;
  d.status = DeadlineStatus::kOnTime;
  d.due = D(2026, 3, 20);
  d.extended_working_days = 5;
  d.step_due = D(2026, 3, 9);
  d.step_status = DeadlineStatus::kDueSoon;
  return d;
}

void expectCanonical(const std::string& text) { EXPECT_EQ(text, json::parse(text).dump()) << text; }

TEST(CaseOutcomeText, IsTheCanonicalDumpOfItself) {
  std::string text = caseOutcomeText(inReview(), item(), due());
  expectCanonical(text);
  json j = json::parse(text);
  EXPECT_EQ(j["step"],
            (json{{"index", 1}, {"kind", "review"}, {"name", "初审"}, {"role", "reviewer"}}));
  EXPECT_EQ(j["event"]["comment"], "引号\"与换行\n");
  EXPECT_EQ(j["event"]["seq"], 2);
  EXPECT_EQ(j["extensions"][0]["by"], "sup1");
  EXPECT_EQ(j["extended_working_days"], 5);
  EXPECT_EQ(j["step_deadline_status"], "due_soon");
  EXPECT_EQ(j["due_on"], "2026-03-20");
  EXPECT_TRUE(j["closed_on"].is_null());
  EXPECT_EQ(j["version"], 2);
  EXPECT_FALSE(j.contains("notice_due_on"));
  EXPECT_FALSE(j.contains("query_code"));
  EXPECT_FALSE(j.contains("register_effect"));
  EXPECT_EQ(caseOutcomeJson(inReview(), item(), due()), j);
}

TEST(CaseOutcomeText, CarriesTheReceiptsQueryCodeAndTheEffectInTheirSortedPlaces) {
  OutcomeExtras x;
  x.query_code = "ABCD2345";
  x.register_effect = OutcomeExtras::Effect{"outpatient_reimbursement", true, 98765};
  std::string text = caseOutcomeText(inReview(), item(), due(), x);
  expectCanonical(text);
  json j = json::parse(text);
  EXPECT_EQ(j["query_code"], "ABCD2345");
  EXPECT_EQ(
      j["register_effect"],
      (json{{"name", "outpatient_reimbursement"}, {"implemented", true}, {"payable_fen", 98765}}));
  x.register_effect = OutcomeExtras::Effect{"none_yet", false, std::nullopt};
  j = json::parse(caseOutcomeText(inReview(), item(), due(), x));
  EXPECT_FALSE(j["register_effect"].contains("payable_fen"));
}

TEST(CaseOutcomeText, NoticeDeadlineAndAStepOutsideTheFlow) {
  CaseState c = inReview();
  c.step = 9;  // a stored case whose flow was never pinned, after an edit shortened it
  c.events.clear();
  DeadlineView d;
  d.notice_due = D(2026, 3, 6);
  d.notice_status = DeadlineStatus::kOverdue;
  std::string text = caseOutcomeText(c, item(), d);
  expectCanonical(text);
  json j = json::parse(text);
  EXPECT_EQ(j["step"],
            (json{{"index", 9}, {"kind", nullptr}, {"name", nullptr}, {"role", nullptr}}));
  EXPECT_EQ(j["notice_due_on"], "2026-03-06");
  EXPECT_TRUE(j["notice_answered_on"].is_null());
  EXPECT_EQ(j["notice_deadline_status"], "overdue");
  EXPECT_FALSE(j.contains("event"));
  EXPECT_TRUE(j["step_due"].is_null());
  EXPECT_TRUE(j["step_deadline_status"].is_null());
}

}  // namespace
}  // namespace jingban
