// A designated institution's status over time (registers/institution.cpp changeStatus, statusOn),
// the claim rule that reads it (policy/claim_institution.cpp: the status in force on the visit
// date), and the batch that records a change (effects/institution_status.cpp) against the
// in-memory registers: applied once, its history naming the batch, refused as the route refuses.
#include "effects/institution_status.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "fake_registers.hpp"
#include "policy/claim_institution.hpp"

namespace jingban {
namespace {

Institution hospital() {
  Institution i;
  i.region = "qinghai";
  i.code = "H63000000001";
  i.credit_code = "12630000MB0000011X";
  i.name = "青海省示例医院";
  i.category = kCategoryHospital;
  i.level = "二级";
  i.from = "2026-01-01";
  i.to = "2028-12-31";
  return i;
}

StatusRequest request(const char* status, const char* effective_on,
                      const char* today = "2026-06-30") {
  return StatusRequest{status,
                       "违规结算，暂停协议",
                       effective_on,
                       "qinghai_senior_reviewer",
                       "2026-03-10T10:00:00+08:00",
                       today};
}

Institution changed(const Institution& i, const char* status, const char* effective_on) {
  auto r = changeStatus(i, request(status, effective_on));
  if (!r) throw std::runtime_error(r.error().message);
  return *r;
}

std::string refusal(const Institution& i, const StatusRequest& r) {
  auto out = changeStatus(i, r);
  if (out) return "accepted";
  EXPECT_EQ(out.error().code, ErrorCode::kUnprocessable);
  return out.error().slug;
}

TEST(InstitutionStatus, TheStatusInForceOnADay) {
  Institution i = hospital();
  EXPECT_EQ(statusOn(i, "2026-03-01"), kInstitutionStatusDesignated);
  Institution s = changed(i, kInstitutionStatusSuspended, "2026-03-10");
  EXPECT_EQ(s.status, kInstitutionStatusSuspended);
  ASSERT_EQ(s.status_changes.size(), 1u);
  EXPECT_EQ(s.status_changes[0].before, kInstitutionStatusDesignated);
  EXPECT_EQ(s.status_changes[0].by, "qinghai_senior_reviewer");
  EXPECT_EQ(s.status_changes[0].reason, "违规结算，暂停协议");
  EXPECT_EQ(statusOn(s, "2026-03-09"), kInstitutionStatusDesignated);  // the day before
  EXPECT_EQ(statusOn(s, "2026-03-10"), kInstitutionStatusSuspended);   // from the day itself
  EXPECT_EQ(statusSince(s, "2026-03-09"), "");
  EXPECT_EQ(statusSince(s, "2026-04-01"), "2026-03-10");
  Institution back = changed(s, kInstitutionStatusDesignated, "2026-04-01");
  EXPECT_EQ(statusOn(back, "2026-03-09"), kInstitutionStatusDesignated);
  EXPECT_EQ(statusOn(back, "2026-03-31"), kInstitutionStatusSuspended);
  EXPECT_EQ(statusOn(back, "2026-04-01"), kInstitutionStatusDesignated);
  Institution ended = changed(back, kInstitutionStatusEnded, "2026-05-01");
  EXPECT_EQ(statusOn(ended, "2026-04-30"), kInstitutionStatusDesignated);
  EXPECT_EQ(statusOn(ended, "2030-01-01"), kInstitutionStatusEnded);
  // Two changes of one day: the later one is in force from that day.
  Institution same_day = changed(changed(i, kInstitutionStatusSuspended, "2026-03-10"),
                                 kInstitutionStatusDesignated, "2026-03-10");
  EXPECT_EQ(statusOn(same_day, "2026-03-10"), kInstitutionStatusDesignated);
  // An entry with no recorded change keeps the status it was registered with, for any day.
  Institution listed = hospital();
  listed.status = kInstitutionStatusSuspended;
  EXPECT_EQ(statusOn(listed, "2026-01-01"), kInstitutionStatusSuspended);
}

TEST(InstitutionStatus, TheChangesRoundTripThroughTheEntry) {
  Institution s = changed(hospital(), kInstitutionStatusSuspended, "2026-03-10");
  RegisterEntry e = toEntry(s);
  EXPECT_EQ(e.status, kInstitutionStatusSuspended);
  Institution back = institutionFromEntry(e);
  ASSERT_EQ(back.status_changes.size(), 1u);
  EXPECT_EQ(back.status_changes[0].effective_on, "2026-03-10");
  EXPECT_EQ(back.status_changes[0].at, "2026-03-10T10:00:00+08:00");
  // No changes, no key: entries written before changes existed stay as they were.
  EXPECT_FALSE(toEntry(hospital()).data.contains("status_changes"));
  // The register's JSON (also the applicant's) names no staff member.
  EXPECT_FALSE(institutionJson(s).contains("status_changes"));
}

TEST(InstitutionStatus, EveryRefusal) {
  Institution i = hospital();
  auto r = request(kInstitutionStatusSuspended, "2026-03-10");
  r.status = "suspended";
  EXPECT_EQ(refusal(i, r), "institution_status_invalid");
  r.status = "";
  EXPECT_EQ(refusal(i, r), "institution_status_invalid");
  r = request(kInstitutionStatusSuspended, "2026-03-10");
  r.reason = "  ";
  EXPECT_EQ(refusal(i, r), "reason_required");
  r.reason.clear();
  for (int n = 0; n < 201; ++n) r.reason += "因";
  EXPECT_EQ(refusal(i, r), "reason_too_long");
  r.reason.resize(200 * 3);  // 200 characters pass
  EXPECT_EQ(refusal(i, r), "accepted");
  for (const char* bad : {"", "2026-3-10", "2026-02-30", "2026/03/10", "20260310"})
    EXPECT_EQ(refusal(i, request(kInstitutionStatusSuspended, bad)), "effective_on_invalid") << bad;
  EXPECT_EQ(refusal(i, request(kInstitutionStatusDesignated, "2026-03-10")), "status_unchanged");
  EXPECT_EQ(refusal(i, request(kInstitutionStatusSuspended, "2025-12-31")),
            "effective_before_agreement");
  EXPECT_EQ(refusal(i, request(kInstitutionStatusSuspended, "2026-01-01")), "accepted");
  EXPECT_EQ(refusal(i, request(kInstitutionStatusSuspended, "2026-07-01", "2026-06-30")),
            "effective_in_future");
  EXPECT_EQ(refusal(i, request(kInstitutionStatusSuspended, "2026-06-30", "2026-06-30")),
            "accepted");
  Institution s = changed(i, kInstitutionStatusSuspended, "2026-03-10");
  EXPECT_EQ(refusal(s, request(kInstitutionStatusSuspended, "2026-04-01")), "status_unchanged");
  EXPECT_EQ(refusal(s, request(kInstitutionStatusDesignated, "2026-03-09")),
            "effective_before_last_change");
  // 解除 is final: nothing follows it, not even a 解除 again.
  Institution ended = changed(s, kInstitutionStatusEnded, "2026-04-01");
  for (const char* to :
       {kInstitutionStatusDesignated, kInstitutionStatusSuspended, kInstitutionStatusEnded})
    EXPECT_EQ(refusal(ended, request(to, "2026-05-01")), "institution_terminated") << to;
  // Suspended and designated may both end the agreement.
  EXPECT_EQ(refusal(i, request(kInstitutionStatusEnded, "2026-03-10")), "accepted");
  EXPECT_EQ(refusal(s, request(kInstitutionStatusEnded, "2026-03-10")), "accepted");
}

TEST(InstitutionStatus, AClaimIsCheckedAgainstTheStatusOnItsVisitDate) {
  Institution i = changed(changed(hospital(), kInstitutionStatusSuspended, "2026-03-10"),
                          kInstitutionStatusDesignated, "2026-04-01");
  auto claim = [&](const char* visit) {
    TreatmentClaim c;
    c.region = "qinghai";
    c.code = "H63000000001";
    c.visit_date = visit;
    return treatingInstitution(c, i);
  };
  EXPECT_TRUE(claim("2026-03-09"));  // before the suspension: still payable
  for (const char* during : {"2026-03-10", "2026-03-31"}) {
    auto t = claim(during);
    ASSERT_FALSE(t) << during;
    EXPECT_EQ(t.error().slug, "institution_not_designated");
    EXPECT_NE(t.error().message.find("自 2026-03-10 起"), std::string::npos) << t.error().message;
  }
  EXPECT_TRUE(claim("2026-04-01"));  // restored
  Institution ended = changed(i, kInstitutionStatusEnded, "2026-05-01");
  i = ended;
  EXPECT_TRUE(claim("2026-04-30"));
  EXPECT_FALSE(claim("2026-05-01"));
}

class InstitutionStatusBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(regs_.putEntry(toEntry(hospital()), Cause{"import:list", 0, 1}));
  }
  ImportBatch batch(const std::string& id, const StatusRequest& r) {
    return ImportBatch{id,
                       "qinghai",
                       kInstitutionStatusBatchKind,
                       1'773'108'000,
                       r.by,
                       institutionStatusRows("H63000000001", r),
                       1,
                       0};
  }
  testing::FakeRegisterTx regs_;
};

TEST_F(InstitutionStatusBatchTest, AppliedOnceWithItsHistory) {
  auto b = batch("institution-status-1", request(kInstitutionStatusSuspended, "2026-03-10"));
  auto out = applyInstitutionStatus(b, regs_);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->status, kInstitutionStatusSuspended);
  auto e = regs_.entry(kInstitutionRegister, "qinghai", "H63000000001");
  ASSERT_TRUE(e && *e);
  EXPECT_EQ((*e)->status, kInstitutionStatusSuspended);
  EXPECT_EQ((*e)->data.value("name", ""), "青海省示例医院");  // the rest of the entry kept
  ASSERT_EQ(institutionFromEntry(**e).status_changes.size(), 1u);
  // Applying the same batch again (a retried rebuild) changes nothing.
  auto again = applyInstitutionStatus(b, regs_);
  ASSERT_TRUE(again);
  EXPECT_EQ(institutionFromEntry(**regs_.entry(kInstitutionRegister, "qinghai", "H63000000001"))
                .status_changes.size(),
            1u);
}

TEST_F(InstitutionStatusBatchTest, RefusedAsTheRouteRefuses) {
  auto unknown = batch("institution-status-1", request(kInstitutionStatusSuspended, "2026-03-10"));
  unknown.rows =
      institutionStatusRows("H63000000099", request(kInstitutionStatusSuspended, "2026-03-10"));
  auto r = applyInstitutionStatus(unknown, regs_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().slug, "institution_not_found");
  auto same = applyInstitutionStatus(
      batch("institution-status-2", request(kInstitutionStatusDesignated, "2026-03-10")), regs_);
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().slug, "status_unchanged");
}

}  // namespace
}  // namespace jingban
