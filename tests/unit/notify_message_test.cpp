// Notifications (src/notify/message): which actions make a message, its text, the retry
// schedule and the masking of phone numbers.
#include <gtest/gtest.h>

#include "notify/message.hpp"

namespace jingban::notify {
namespace {

TEST(NotifyMessage, KindsOfTheFourActionsOnly) {
  EXPECT_EQ(kindOfAction("accept"), "accepted");
  EXPECT_EQ(kindOfAction("return"), "supplement");
  EXPECT_EQ(kindOfAction("complete"), "completed");
  EXPECT_EQ(kindOfAction("resolve_follow_up"), "follow_up");
  for (const char* a : {"submit", "approve", "pay", "rate", "supplement", "not_accept", ""})
    EXPECT_FALSE(kindOfAction(a)) << a;
  for (const auto& a : notifyActions()) EXPECT_TRUE(kindOfAction(a)) << a;
  EXPECT_EQ(notifyActions().size(), 4u);
}

TEST(NotifyMessage, TextNamesCaseAndItemAndWhatHappened) {
  const std::string no = "630000-20260310-000017";
  const std::string item = "职工医保个人账户支取";
  struct {
    const char* kind;
    const char* says;
  } cases[] = {{"accepted", "已受理"},
               {"supplement", "补正材料"},
               {"completed", "已办结"},
               {"follow_up", "回访"}};
  for (const auto& c : cases) {
    std::string t = composeText(c.kind, no, item);
    EXPECT_NE(t.find(no), std::string::npos) << c.kind;
    EXPECT_NE(t.find(item), std::string::npos) << c.kind;
    EXPECT_NE(t.find(c.says), std::string::npos) << c.kind << ": " << t;
  }
  // Each kind says something of its own.
  EXPECT_NE(composeText("accepted", no, item), composeText("completed", no, item));
  EXPECT_NE(composeText("supplement", no, item), composeText("follow_up", no, item));
}

TEST(NotifyMessage, MessageOfAnEventNeverCarriesTheIdNumber) {
  NotifyEvent e{
      "630000-20260310-000017", 3, 1773108000, "accept", "qinghai", "异地就医备案", "13800001234"};
  auto m = messageOf(e, 1773108005);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->message_id, "630000-20260310-000017:3");
  EXPECT_EQ(m->kind, "accepted");
  EXPECT_EQ(m->status, "pending");
  EXPECT_EQ(m->attempts, 0);
  EXPECT_EQ(m->created_at, 1773108000);  // the event's time: collection resumes from it
  EXPECT_EQ(m->next_attempt_at, 1773108005);
  EXPECT_EQ(m->phone, "13800001234");
  // The text is made from the case number and item name only: an ID number cannot get in.
  EXPECT_EQ(m->text, composeText("accepted", e.case_no, e.item_name));
  e.action = "approve";
  EXPECT_FALSE(messageOf(e, 0));
}

TEST(NotifyMessage, BackoffDoublesFromOneSecondUpToTenMinutes) {
  EXPECT_EQ(backoffSeconds(1), 1);
  EXPECT_EQ(backoffSeconds(2), 2);
  EXPECT_EQ(backoffSeconds(3), 4);
  EXPECT_EQ(backoffSeconds(4), 8);
  EXPECT_EQ(backoffSeconds(9), 256);
  EXPECT_EQ(backoffSeconds(10), 512);
  EXPECT_EQ(backoffSeconds(11), 600);
  EXPECT_EQ(backoffSeconds(64), 600);
  EXPECT_EQ(backoffSeconds(1000), 600);
  EXPECT_EQ(backoffSeconds(0), 1);
  for (int n = 1; n < 30; ++n) EXPECT_LE(backoffSeconds(n), backoffSeconds(n + 1)) << n;
}

TEST(NotifyMessage, PhoneMasked) {
  EXPECT_EQ(maskPhone("13800001234"), "138****1234");
  EXPECT_EQ(maskPhone("09718000000"), "097****0000");
  EXPECT_EQ(maskPhone("123"), "***");
  EXPECT_EQ(maskPhone(""), "");
}

}  // namespace
}  // namespace jingban::notify
