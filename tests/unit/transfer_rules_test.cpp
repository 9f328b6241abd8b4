// The transfer documents and what receiving them does (registers/transfer.cpp), on registers in
// memory: the 转出地 ends the enrolment and moves the whole balance out once, the 转入地 records
// the 信息表; documents whose figures do not add up, that travel the wrong way or whose id is not
// the derived one are refused; the same letter twice changes nothing.
#include <gtest/gtest.h>

#include "fake_registers.hpp"
#include "registers/transfer.hpp"

namespace jingban {
namespace {

using nlohmann::json;
namespace tr = transfer;

constexpr const char* kId = "630099196806089013";

Person employee() {
  Person p;
  p.region = "qinghai";
  p.id_no = kId;
  p.name = "示例人员01";
  p.insurance_type = "职工";
  p.enrolments = {Enrolment{"2018-01", "2019-12", kEnrolPaying, "职工", ""},
                  Enrolment{"2020-01", "2020-06", kEnrolSuspended, "职工", ""},
                  Enrolment{"2020-07", "", kEnrolPaying, "职工", ""}};
  return p;
}

tr::Message letter() {
  tr::Transfer t = tr::newTransfer("TR-1", "yunnan", kId, "示例人员01", "qinghai", "yunnan");
  return tr::makeMessage(
      "contact_letter", t, "yunnan", "qinghai",
      {{"case_no", "C-1"}, {"started_on", "2026-03-09"}, {"done_on", "2026-03-10"}});
}

TEST(TransferRules, LetterEndsEnrolmentAndMovesTheBalanceOnce) {
  testing::FakeRegisterTx tx;
  ASSERT_TRUE(tx.putPerson(employee(), Cause{"C-0", 1, 0}));
  ASSERT_TRUE(tx.addAccountEntry("qinghai", kId, AccountEntry{0, 12345, "划入", "C-0"}));
  Cause cause{"import:transfer:TR-1/contact_letter", 0, 100};
  tr::Receipt r{letter(), "2026-03-10"};
  ASSERT_TRUE(tr::applyReceipt(r, tx, cause));
  ASSERT_TRUE(tr::applyReceipt(r, tx, cause));  // a second receipt changes nothing

  auto a = tx.account("qinghai", kId);
  ASSERT_TRUE(a && *a);
  EXPECT_EQ((*a)->balance_fen, 0);
  EXPECT_EQ((*a)->status, "已销户");
  auto p = tx.person("qinghai", kId);
  ASSERT_TRUE(p && *p);
  // 2018-01…2019-12 (24) + 2020-07…2026-03 (69); the 暂停 months do not count.
  EXPECT_EQ(contributionMonths((*p)->enrolments, "2026-03"), 0);
  EXPECT_EQ((*p)->status, kEnrolEnded);
  EXPECT_EQ((*p)->enrolments.back().to, "2026-03");

  auto e = tx.entry(tr::kKind, "qinghai", "TR-1");
  ASSERT_TRUE(e && *e);
  auto t = tr::fromEntry(**e);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->status, tr::kTransferredOut);
  EXPECT_EQ(t->contribution_months, 24 + 69);
  EXPECT_EQ(t->balance_fen, 12345);
  // The 信息表 waits in the outbox, its figures consistent with what left.
  auto sheet = tx.entry(tr::kOutboxKind, "qinghai", "TR-1/info_sheet");
  ASSERT_TRUE(sheet && *sheet);
  EXPECT_EQ((*sheet)->owner, "yunnan");
  auto m = tr::messageFromJson((*sheet)->data);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->body["funds_fen"], 12345);
  EXPECT_EQ(m->body["contribution_months"], 93);
}

TEST(TransferRules, LetterForSomeoneNotEnrolledIsAnsweredWithARefusal) {
  testing::FakeRegisterTx tx;
  ASSERT_TRUE(tr::applyReceipt(tr::Receipt{letter(), "2026-03-10"}, tx, Cause{"import:x", 0, 1}));
  auto e = tx.entry(tr::kKind, "qinghai", "TR-1");
  ASSERT_TRUE(e && *e);
  EXPECT_EQ((*e)->status, tr::kRefused);
  auto refusal = tx.entry(tr::kOutboxKind, "qinghai", "TR-1/refusal");
  ASSERT_TRUE(refusal && *refusal);
}

TEST(TransferRules, DirectDeliveryRunsTheWholeChainInOneUnit) {
  testing::FakeRegisterTx tx;
  ASSERT_TRUE(tx.putPerson(employee(), Cause{"C-0", 1, 0}));
  ASSERT_TRUE(tx.addAccountEntry("qinghai", kId, AccountEntry{0, 500, "划入", "C-0"}));
  tr::Transfer t = tr::newTransfer("TR-1", "yunnan", kId, "示例人员01", "qinghai", "yunnan");
  t.status = tr::kLetterSent;
  Cause cause{"C-1", 3, 100};
  ASSERT_TRUE(tx.putEntry(tr::toEntry(t), cause));
  ASSERT_TRUE(tr::send(tx, letter(), "2026-03-10", cause, true));
  auto in = tx.entry(tr::kKind, "yunnan", "TR-1");
  ASSERT_TRUE(in && *in);
  EXPECT_EQ((*in)->status, tr::kAwaiting);
  EXPECT_EQ((*in)->data["balance_fen"], 500);
  EXPECT_EQ((*in)->data["contribution_months"], 93);
  // Nothing waits for a peer.
  auto queued = tx.entries(EntryFilter{tr::kOutboxKind, "qinghai", "", "", 100, 0});
  ASSERT_TRUE(queued);
  EXPECT_TRUE(queued->empty());
}

json sheet() {
  return {{"message_id", "TR-1/info_sheet"},
          {"type", "info_sheet"},
          {"transfer_id", "TR-1"},
          {"from_region", "qinghai"},
          {"to_region", "yunnan"},
          {"body",
           {{"id_no", kId},
            {"name", "示例人员01"},
            {"transfer_from", "qinghai"},
            {"transfer_to", "yunnan"},
            {"periods",
             json::array({{{"from", "2020-01"}, {"to", "2020-12"}, {"insurance_type", "职工"}}})},
            {"contribution_months", 12},
            {"balance_fen", 700},
            {"funds_fen", 700},
            {"sent_on", "2026-03-10"}}}};
}

TEST(TransferRules, MessagesThatDoNotAddUpAreRefused) {
  EXPECT_TRUE(tr::messageFromJson(sheet()));
  json j = sheet();
  j["body"]["funds_fen"] = 600;
  auto r = tr::messageFromJson(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().slug, "balance_mismatch");
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
  j = sheet();
  j["body"]["contribution_months"] = 11;
  r = tr::messageFromJson(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().slug, "months_mismatch");
}

TEST(TransferRules, MalformedOrMisdirectedMessagesAreRefused) {
  json j = sheet();
  j["message_id"] = "TR-2/info_sheet";  // not the derived id
  EXPECT_FALSE(tr::messageFromJson(j));
  j = sheet();
  std::swap(j["from_region"], j["to_region"]);  // an 信息表 travelling towards the 转出地
  EXPECT_FALSE(tr::messageFromJson(j));
  j = sheet();
  j["from_region"] = "beijing";
  EXPECT_FALSE(tr::messageFromJson(j));
  j = sheet();
  j["body"]["balance_fen"] = "700";
  EXPECT_FALSE(tr::messageFromJson(j));
  j = sheet();
  j["type"] = "money";
  j["message_id"] = "TR-1/money";
  EXPECT_FALSE(tr::messageFromJson(j));
}

TEST(TransferRules, PaidPeriodsStopAtTheMonthGiven) {
  json p = tr::paidPeriods(employee(), "2026-03");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[1]["from"], "2020-07");
  EXPECT_EQ(p[1]["to"], "2026-03");
  EXPECT_TRUE(tr::paidPeriods(employee(), "2017-12").empty());
}

}  // namespace
}  // namespace jingban
