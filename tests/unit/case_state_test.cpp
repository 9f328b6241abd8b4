// workflow/case_state: the storage form of a case (toStorage/fromStorage), events, status names.
#include "workflow/case_state.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <stdexcept>

#include "test_support.hpp"

namespace jingban {

namespace {

CaseState fullCase() {
  CaseState c;
  c.case_no = "630000-20260302-0001";
  c.region = "qinghai";
  c.item_code = "002036006002";
  c.item_name = "住院费用报销";
  c.channel = "窗口";
  c.applicant = {"person", "11010519491231002X", "张三", "13800000000"};
  c.conditions = {"remote", "flexible"};
  c.form = std::make_shared<const nlohmann::json>(
      nlohmann::json{{"单位名称", "某公司"}, {"人数", 12}, {"明细", {1, 2, 3}}});
  c.materials = {{"invoice", "provided"}, {"discharge", "commitment"}, {"licence", "shared"}};
  c.status = CaseStatus::kSupplement;
  c.step = 2;
  c.submitted_at = Instant{1772415000};
  c.accepted_on = D(2026, 3, 2);
  c.due_on = D(2026, 3, 11);
  c.closed_on = std::nullopt;
  c.paused_since = D(2026, 3, 5);
  c.pause_period = "supplement";
  c.paused_days = 2;
  c.approvals = {{1, "rev1"}, {2, "sen1"}};
  c.notice = {{"identity", "医保电子凭证或有效身份证件（任选其一）"}, {"filing", "异地就医备案表"}};
  c.paid_fen = 9007199254740993LL;  // above 2^53: must survive as an integer
  c.rating = "不满意";
  c.rating_reason = "等了很久";
  c.follow_up = "open";
  return c;
}

void expectSame(const CaseState& a, const CaseState& b) {
  EXPECT_EQ(a.case_no, b.case_no);
  EXPECT_EQ(a.region, b.region);
  EXPECT_EQ(a.item_code, b.item_code);
  EXPECT_EQ(a.item_name, b.item_name);
  EXPECT_EQ(a.channel, b.channel);
  EXPECT_EQ(a.applicant.kind, b.applicant.kind);
  EXPECT_EQ(a.applicant.id_no, b.applicant.id_no);
  EXPECT_EQ(a.applicant.name, b.applicant.name);
  EXPECT_EQ(a.applicant.phone, b.applicant.phone);
  EXPECT_EQ(a.conditions, b.conditions);
  EXPECT_EQ(*a.form, *b.form);
  EXPECT_EQ(a.materials, b.materials);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.step, b.step);
  EXPECT_EQ(a.submitted_at.unix_seconds, b.submitted_at.unix_seconds);
  EXPECT_EQ(a.accepted_on, b.accepted_on);
  EXPECT_EQ(a.due_on, b.due_on);
  EXPECT_EQ(a.closed_on, b.closed_on);
  EXPECT_EQ(a.paused_since, b.paused_since);
  EXPECT_EQ(a.pause_period, b.pause_period);
  EXPECT_EQ(a.paused_days, b.paused_days);
  EXPECT_EQ(a.approvals, b.approvals);
  ASSERT_EQ(a.notice.size(), b.notice.size());
  for (size_t i = 0; i < a.notice.size(); ++i) {
    EXPECT_EQ(a.notice[i].id, b.notice[i].id);
    EXPECT_EQ(a.notice[i].name, b.notice[i].name);
  }
  EXPECT_EQ(a.paid_fen, b.paid_fen);
  EXPECT_EQ(a.rating, b.rating);
  EXPECT_EQ(a.rating_reason, b.rating_reason);
  EXPECT_EQ(a.follow_up, b.follow_up);
}

TEST(CaseStateTest, StorageRoundTripThroughText) {
  CaseState c = fullCase();
  std::string text = toStorage(c).dump();
  CaseState back = fromStorage(nlohmann::json::parse(text));
  expectSame(c, back);
  EXPECT_EQ(toStorage(back), toStorage(c));
}

TEST(CaseStateTest, RoundTripOfAFreshCaseKeepsEmptyOptionals) {
  CaseState c;
  c.case_no = "X";
  CaseState back = fromStorage(nlohmann::json::parse(toStorage(c).dump()));
  expectSame(c, back);
  EXPECT_FALSE(back.accepted_on.has_value());
  EXPECT_FALSE(back.paused_since.has_value());
  EXPECT_TRUE(back.approvals.empty());
}

TEST(CaseStateTest, EveryStatusRoundTrips) {
  for (auto s : {CaseStatus::kSubmitted, CaseStatus::kSupplement, CaseStatus::kInProgress,
                 CaseStatus::kCompleted, CaseStatus::kNotAccepted, CaseStatus::kRejected,
                 CaseStatus::kWithdrawn}) {
    EXPECT_EQ(parseCaseStatus(caseStatusName(s)), s);
    CaseState c = fullCase();
    c.status = s;
    EXPECT_EQ(fromStorage(toStorage(c)).status, s);
  }
  EXPECT_EQ(parseCaseStatus("lost"), std::nullopt);
  EXPECT_TRUE(isTerminal(CaseStatus::kCompleted));
  EXPECT_TRUE(isTerminal(CaseStatus::kWithdrawn));
  EXPECT_FALSE(isTerminal(CaseStatus::kSupplement));
  EXPECT_FALSE(isTerminal(CaseStatus::kInProgress));
}

TEST(CaseStateTest, EventRoundTrip) {
  Event e;
  e.seq = 7;
  e.at = Instant{1772415000};
  e.actor = "rev1";
  e.action = "send_back";
  e.step = "复审";
  e.comment = "测算有误";
  e.data = {{"to", "初审"}};
  Event back = eventFromJson(nlohmann::json::parse(eventJson(e).dump()));
  EXPECT_EQ(back.seq, 7);
  EXPECT_EQ(back.at.unix_seconds, 1772415000);
  EXPECT_EQ(back.actor, "rev1");
  EXPECT_EQ(back.action, "send_back");
  EXPECT_EQ(back.step, "复审");
  EXPECT_EQ(back.comment, "测算有误");
  EXPECT_EQ(back.data, e.data);
}

// The row's state is written without a tree (every action rewrites it); its text must be exactly
// what nlohmann's dump of the same object gives (sorted keys, same escapes), so rows written before
// and after the writer compare equal and read back the same.
TEST(CaseStateTest, StateTextIsTheCanonicalDumpOfItself) {
  CaseState c = fullCase();
  c.approvals = {{1, "rev1"}, {2, "sen1"}, {10, "sen2"}};  // keys sort as text: "1" "10" "2"
  c.extensions = {{4, Instant{1772500000}, "sup1", 5, "材料需外省协查"}};
  c.notice_answered_on = D(2026, 3, 3);
  c.rating_reason = "引号\"、反斜杠\\、换行\n与制表\t";
  std::string text = storageStateText(c);
  EXPECT_EQ(text, nlohmann::json::parse(text).dump());
  EXPECT_EQ(nlohmann::json::parse(text), storageState(c));
  CaseState back = fromStorage([&] {
    nlohmann::json j = storageFixed(c);
    j.update(nlohmann::json::parse(text));
    return j;
  }());
  expectSame(c, back);
  EXPECT_EQ(back.extensions.size(), 1u);
  EXPECT_EQ(back.notice_answered_on, D(2026, 3, 3));

  CaseState fresh;  // no dates, no notice, no extensions: nulls and absent keys
  std::string t = storageStateText(fresh);
  EXPECT_EQ(t, nlohmann::json::parse(t).dump());
  EXPECT_FALSE(nlohmann::json::parse(t).contains("extensions"));
  EXPECT_TRUE(nlohmann::json::parse(t)["accepted_on"].is_null());
}

TEST(CaseStateTest, StateTextRefusesMalformedUtf8LikeTheTree) {
  CaseState c = fullCase();
  c.rating_reason = std::string("\xff\xfe");
  EXPECT_THROW(storageStateText(c), std::invalid_argument);
}

}  // namespace
}  // namespace jingban
