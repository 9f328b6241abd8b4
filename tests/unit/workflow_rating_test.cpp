// workflow/: 好差评 (rate) on the national and a Yunnan-style scale, and the supervisor's
// resolve_follow_up of a rating below 满意.
#include <gtest/gtest.h>

#include <ostream>
#include <stdexcept>
#include <string>

#include "test_support.hpp"
#include "workflow/workflow.hpp"

namespace jingban {

namespace {

// An instant item: 受理 → 办结.
Region makeRegion(std::string id, std::vector<std::string> scale) {
  Region r;
  r.id = std::move(id);
  r.roles = {{"window", "窗口受理人员", "window"}, {"supervisor", "监督人员", "supervisor"}};
  r.rating_scale = std::move(scale);
  r.rating_satisfied = "满意";
  Item it;
  it.code = "002036003001";
  it.name = "出具《参保凭证》";
  it.applicant = {"person"};
  it.flow = {{"受理", StepKind::kAccept, "window", ""},
             {"办结", StepKind::kComplete, "window", ""}};
  it.time_limit = {LimitKind::kInstant, 0, "即时办结", ""};
  it.effect = "insurance_certificate";
  r.items.push_back(it);
  return r;
}

const std::vector<std::string> kNational{"非常满意", "满意", "基本满意", "不满意", "非常不满意"};
const std::vector<std::string> kYunnan{"非常满意", "满意", "一般", "不满意"};

Action A(std::string name, std::string comment = "", std::string rating = "") {
  Action a;
  a.name = std::move(name);
  a.comment = std::move(comment);
  a.rating = std::move(rating);
  return a;
}

class RatingTest : public ::testing::Test {
 protected:
  Region national = makeRegion("testland", kNational);
  Region yunnan = makeRegion("yunnan", kYunnan);

  Actor window(const Region& r) const { return {"win1", {"window"}, r.id}; }
  Actor supervisor(const Region& r) const { return {"sup1", {"supervisor"}, r.id}; }
  Actor applicant(const Region& r) const { return {"applicant", {}, r.id, true}; }

  Result<CaseState> act(const Region& r, const CaseState& c, const Actor& who,
                        const Action& a) const {
    return applyAction({r, r.items[0], calendar(), at(D(2026, 3, 3))}, c, who, a);
  }
  CaseState must(const Region& r, const CaseState& c, const Actor& who, const Action& a) const {
    auto n = act(r, c, who, a);
    if (!n) ADD_FAILURE() << a.name << ": " << n.error().message;
    return n.value_or(c);
  }
  CaseState submitted(const Region& r) const {
    Submission s;
    s.applicant = {"person", "11010519491231002X", "王五", ""};
    auto c = openCase({r, r.items[0], calendar(), at(D(2026, 3, 2))}, s, "C-7");
    if (!c) throw std::runtime_error(c.error().message);
    return *c;
  }
  CaseState completed(const Region& r) const {
    CaseState c = must(r, submitted(r), window(r), A("accept"));
    return must(r, c, window(r), A("complete"));
  }
};

TEST_F(RatingTest, SatisfiedRatingNeedsNoReasonAndOpensNoFollowUp) {
  CaseState c = completed(national);
  ASSERT_EQ(c.status, CaseStatus::kCompleted);
  CaseState r = must(national, c, applicant(national), A("rate", "", "非常满意"));
  EXPECT_EQ(r.rating, "非常满意");
  EXPECT_EQ(r.follow_up, "");
  EXPECT_EQ(r.events.back().actor, "applicant");
  EXPECT_EQ(must(national, c, applicant(national), A("rate", "", "满意")).follow_up, "");
}

TEST_F(RatingTest, BelowSatisfiedNeedsAReasonAndOpensAFollowUp) {
  CaseState c = completed(national);
  for (const char* low : {"基本满意", "不满意", "非常不满意"}) {
    auto refused = act(national, c, applicant(national), A("rate", "", low));
    ASSERT_FALSE(refused.has_value()) << low;
    EXPECT_EQ(refused.error().code, ErrorCode::kUnprocessable) << low;
    EXPECT_EQ(refused.error().slug, "reason_required") << low;
    CaseState r = must(national, c, applicant(national), A("rate", "等了很久", low));
    EXPECT_EQ(r.rating, low);
    EXPECT_EQ(r.rating_reason, "等了很久");
    EXPECT_EQ(r.follow_up, "open");
  }
}

TEST_F(RatingTest, RatingRefusals) {
  CaseState c = completed(national);
  auto off = act(national, c, applicant(national), A("rate", "", "很好"));
  ASSERT_FALSE(off.has_value());
  EXPECT_EQ(off.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(act(national, c, window(national), A("rate", "", "满意")).error().code,
            ErrorCode::kForbidden);
  CaseState rated = must(national, c, applicant(national), A("rate", "", "满意"));
  auto twice = act(national, rated, applicant(national), A("rate", "", "非常满意"));
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  // Not before the case is finished.
  EXPECT_EQ(
      act(national, submitted(national), applicant(national), A("rate", "", "满意")).error().code,
      ErrorCode::kConflict);
}

TEST_F(RatingTest, YunnanScale) {
  CaseState c = completed(yunnan);
  EXPECT_EQ(must(yunnan, c, applicant(yunnan), A("rate", "", "满意")).follow_up, "");
  auto general = act(yunnan, c, applicant(yunnan), A("rate", "", "一般"));
  ASSERT_FALSE(general.has_value());
  EXPECT_EQ(general.error().slug, "reason_required");
  EXPECT_EQ(must(yunnan, c, applicant(yunnan), A("rate", "窗口人少", "一般")).follow_up, "open");
  // 基本满意 is on the national scale only.
  auto national_word = act(yunnan, c, applicant(yunnan), A("rate", "还行", "基本满意"));
  ASSERT_FALSE(national_word.has_value());
  EXPECT_EQ(national_word.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(must(yunnan, c, applicant(yunnan), A("rate", "太慢", "不满意")).follow_up, "open");
}

TEST_F(RatingTest, NotAcceptedCaseCanBeRated) {
  CaseState c = must(national, submitted(national), window(national), A("not_accept", "材料不符"));
  EXPECT_EQ(must(national, c, applicant(national), A("rate", "没说清楚", "不满意")).follow_up,
            "open");
}

TEST_F(RatingTest, ResolveFollowUpBySupervisorOnly) {
  CaseState c =
      must(national, completed(national), applicant(national), A("rate", "态度不好", "不满意"));
  ASSERT_EQ(c.follow_up, "open");
  for (const Actor& who : {window(national), applicant(national), supervisor(yunnan)}) {
    auto r = act(national, c, who, A("resolve_follow_up", "已回访"));
    ASSERT_FALSE(r.has_value()) << who.username << "@" << who.region;
    EXPECT_EQ(r.error().code, ErrorCode::kForbidden) << who.username << "@" << who.region;
  }
  EXPECT_EQ(act(national, c, supervisor(national), A("resolve_follow_up")).error().code,
            ErrorCode::kUnprocessable);
  CaseState r = must(national, c, supervisor(national), A("resolve_follow_up", "已电话回访并致歉"));
  EXPECT_EQ(r.follow_up, "resolved");
  EXPECT_EQ(r.events.back().actor, "sup1");
  EXPECT_EQ(r.events.back().comment, "已电话回访并致歉");
  EXPECT_EQ(act(national, r, supervisor(national), A("resolve_follow_up", "again")).error().code,
            ErrorCode::kConflict);
  // Nothing to resolve on a satisfied rating.
  CaseState fine = must(national, completed(national), applicant(national), A("rate", "", "满意"));
  EXPECT_EQ(act(national, fine, supervisor(national), A("resolve_follow_up", "x")).error().code,
            ErrorCode::kConflict);
}

}  // namespace
}  // namespace jingban
