// policy/claim_institution.cpp (the treating institution of a claim: every refusal, the level the
// 结算单 uses) and its use by effects/reimbursement.cpp against an in-memory institution register:
// refused at 受理 and at a later review, the register's level settling the claim.
#include "policy/claim_institution.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "effects/handlers.hpp"
#include "fake_registers.hpp"
#include "policy/policy.hpp"
#include "policy/settlement.hpp"

namespace jingban {
namespace {

using nlohmann::json;

Institution hospital(std::string level = "二级") {
  Institution i;
  i.region = "qinghai";
  i.code = "H63000000001";
  i.credit_code = "12630000MB0000011X";
  i.name = "青海省示例医院";
  i.category = kCategoryHospital;
  i.level = std::move(level);
  i.from = "2026-01-01";
  i.to = "2028-12-31";
  return i;
}

Institution pharmacy() {
  Institution i = hospital("");
  i.code = "P63000000001";
  i.name = "青海省示例大药房";
  i.category = kCategoryPharmacy;
  return i;
}

TreatmentClaim claimFor(std::string code, int typed = 0) {
  TreatmentClaim c;
  c.region = "qinghai";
  c.code = std::move(code);
  c.visit_date = "2026-03-02";
  c.typed_level = typed;
  return c;
}

TEST(ClaimInstitution, LevelsAndCodes) {
  EXPECT_EQ(institutionLevelNumber("一级"), 1);
  EXPECT_EQ(institutionLevelNumber("二级"), 2);
  EXPECT_EQ(institutionLevelNumber("三级"), 3);
  EXPECT_EQ(institutionLevelNumber(""), 0);
  EXPECT_EQ(institutionLevelNumber("未定级"), 0);
  EXPECT_TRUE(isInstitutionCode("H63000000001"));
  EXPECT_TRUE(isInstitutionCode("P63010000012"));
  for (const char* bad : {"", "H6300000000", "H630000000011", "X63000000001", "h63000000001",
                          "H6300000000A", "<script>"})
    EXPECT_FALSE(isInstitutionCode(bad)) << bad;
}

TEST(ClaimInstitution, TheRegisterLevelWinsAndSaysSo) {
  auto t = treatingInstitution(claimFor("H63000000001", 1), hospital());
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->level, 2);
  EXPECT_EQ(t->typed_level, 1);
  EXPECT_NE(t->note.find("二级"), std::string::npos);
  EXPECT_NE(t->note.find("一级"), std::string::npos);
  // The same level typed, or none: no note.
  for (int typed : {0, 2}) {
    auto same = treatingInstitution(claimFor("H63000000001", typed), hospital());
    ASSERT_TRUE(same);
    EXPECT_EQ(same->level, 2);
    EXPECT_TRUE(same->note.empty());
  }
  auto third = treatingInstitution(claimFor("H63000000001", 1), hospital("三级"));
  ASSERT_TRUE(third);
  EXPECT_EQ(third->level, 3);
  json j = treatingInstitutionJson(*third);
  EXPECT_EQ(j["code"], "H63000000001");
  EXPECT_EQ(j["registered_level"], "三级");
  EXPECT_EQ(j["level"], 3);
}

TEST(ClaimInstitution, EveryRefusal) {
  auto slug = [](const TreatmentClaim& c, const std::optional<Institution>& i) {
    auto t = treatingInstitution(c, i);
    EXPECT_FALSE(t);
    if (t) return std::string("accepted");
    EXPECT_EQ(t.error().code, ErrorCode::kUnprocessable);
    return t.error().slug;
  };
  EXPECT_EQ(slug(claimFor("H6300000<b>"), hospital()), "institution_code_invalid");
  EXPECT_EQ(slug(claimFor("H63000000001"), std::nullopt), "institution_unknown");
  Institution elsewhere = hospital();
  elsewhere.region = "yunnan";  // an entry of another 统筹区 is not this region's
  EXPECT_EQ(slug(claimFor("H63000000001"), elsewhere), "institution_unknown");
  for (const char* status : {kInstitutionStatusSuspended, kInstitutionStatusEnded}) {
    Institution i = hospital();
    i.status = status;
    EXPECT_EQ(slug(claimFor("H63000000001"), i), "institution_not_designated") << status;
  }
  TreatmentClaim before = claimFor("H63000000001");
  before.visit_date = "2025-12-31";
  EXPECT_EQ(slug(before, hospital()), "institution_outside_agreement");
  TreatmentClaim after = claimFor("H63000000001");
  after.visit_date = "2029-01-01";
  EXPECT_EQ(slug(after, hospital()), "institution_outside_agreement");
  // The agreement's first and last days are covered; an open end covers any later day.
  before.visit_date = "2026-01-01";
  EXPECT_TRUE(treatingInstitution(before, hospital()));
  after.visit_date = "2028-12-31";
  EXPECT_TRUE(treatingInstitution(after, hospital()));
  Institution open = hospital();
  open.to = "";
  after.visit_date = "2040-01-01";
  EXPECT_TRUE(treatingInstitution(after, open));
  EXPECT_EQ(slug(claimFor("P63000000001", 1), pharmacy()), "institution_is_pharmacy");
  TreatmentClaim at_pharmacy = claimFor("P63000000001");
  at_pharmacy.pharmacy_allowed = true;
  EXPECT_EQ(slug(at_pharmacy, pharmacy()), "hospital_level_required");
  EXPECT_EQ(slug(claimFor("H63000000001"), hospital("")), "hospital_level_required");
  // Where the level is not needed (maternity), an ungraded institution passes with level 0.
  TreatmentClaim maternity = claimFor("H63000000001");
  maternity.level_needed = false;
  auto m = treatingInstitution(maternity, hospital(""));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->level, 0);
}

TEST(ClaimInstitution, UngradedInstitutionsTakeTheTypedLevel) {
  TreatmentClaim c = claimFor("P63000000001", 1);
  c.pharmacy_allowed = true;
  auto t = treatingInstitution(c, pharmacy());
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->level, 1);
  EXPECT_TRUE(t->note.empty());
}

TEST(ClaimInstitution, TheFormMayLeaveTheLevelToTheRegister) {
  json form = {
      {"fee_lines", {{{"code", "A1"}, {"name", "床位费"}, {"class", "甲"}, {"amount_fen", 1000}}}},
      {"visit_date", "2026-03-02"}};
  auto none = claimInputFromForm(form, {});
  ASSERT_FALSE(none);  // neither a level nor an institution
  EXPECT_EQ(none.error().slug, "invalid_claim");
  form["institution_code"] = "H63000000001";
  auto named = claimInputFromForm(form, {});
  ASSERT_TRUE(named) << named.error().message;
  EXPECT_EQ(named->hospital_level, 0);
  form["hospital_level"] = 3;
  EXPECT_EQ(claimInputFromForm(form, {})->hospital_level, 3);
  form["hospital_level"] = 4;  // a typed level is still checked
  EXPECT_FALSE(claimInputFromForm(form, {}));
}

// ---- through the reimbursement effect -------------------------------------------------------

const std::shared_ptr<const PolicySet>& policies() {
  static const std::shared_ptr<const PolicySet> set = [] {
    auto s = PolicySet::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/policy");
    if (!s) throw std::runtime_error(s.error().message);
    return *s;
  }();
  return set;
}

Instant at(int y, unsigned m, unsigned d) {
  return Instant{int64_t{Date::fromYmd(y, m, d).days()} * 86400 + 2 * 3600};
}

constexpr const char* kId = "630102199001011234";

FlowStep flowStep(const char* name, StepKind kind, const char* role) {
  FlowStep f;
  f.step = name;
  f.kind = kind;
  f.role = role;
  return f;
}

class InstitutionClaimTest : public ::testing::Test {
 protected:
  InstitutionClaimTest() {
    region_.id = "qinghai";
    item_.code = "002036006002";
    item_.name = "住院费用报销";
    item_.flow = {flowStep("受理", StepKind::kAccept, "window"),
                  flowStep("初审", StepKind::kReview, "reviewer"),
                  flowStep("复审", StepKind::kReview, "senior_reviewer"),
                  flowStep("拨付", StepKind::kPay, "finance"),
                  flowStep("办结", StepKind::kComplete, "window")};
    c_.case_no = "QH2026000001";
    c_.region = "qinghai";
    c_.applicant = {"person", kId, "张三", ""};
    setForm(form());
    Event e;
    e.seq = 1;
    e.at = at(2026, 3, 9);
    e.action = "submit";
    e.step = "申请";
    c_.events.push_back(e);
    Person p;
    p.region = "qinghai";
    p.id_no = kId;
    p.name = "张三";
    p.insurance_type = "城乡居民";
    p.enrolments = {Enrolment{"2025-01", "", kEnrolPaying, "城乡居民", ""}};
    regs_.persons[{"qinghai", kId}] = p;
    put(hospital());
    put(pharmacy());
  }

  static json form() {
    return {{"fee_lines",
             {{{"code", "A1"}, {"name", "床位费"}, {"class", "甲"}, {"amount_fen", 800000}},
              {{"code", "B1"}, {"name", "乙类药品"}, {"class", "乙"}, {"amount_fen", 200000}}}},
            {"institution_code", "H63000000001"},
            {"visit_date", "2026-03-02"}};
  }
  void setForm(json f) { c_.form = std::make_shared<const json>(std::move(f)); }
  void put(const Institution& i) {
    regs_.entry_rows[{kInstitutionRegister, i.region, i.code}] = toEntry(i);
  }

  Result<Verdict> act(const std::string& action, const std::string& step) {
    Event e;
    e.seq = static_cast<int>(c_.events.size()) + 1;
    e.at = at(2026, 3, 10);
    e.actor = "staff";
    e.action = action;
    e.step = step;
    c_.events.push_back(e);
    auto v = h_->validate(EffectInput{region_, item_, c_}, regs_);
    if (v)
      for (auto& [k, val] : v->record.items()) c_.events.mutableBack().data[k] = val;
    else
      c_.events.pop_back();
    return v;
  }

  // What the claim settles to at `level` with nothing claimed before (the policy's own figures).
  int64_t fundAtLevel(int level) {
    auto in = claimInputFromForm(*c_.form, {});
    in->hospital_level = level;
    auto s = settle(*policies()->find("qinghai", "城乡居民", 2026), *in, YearToDate{});
    return s->fund_fen;
  }

  Region region_;
  Item item_;
  CaseState c_;
  testing::FakeRegisterTx regs_;
  std::unique_ptr<EffectHandler> h_ =
      makeReimbursementEffect("inpatient_reimbursement", policies());
};

TEST_F(InstitutionClaimTest, TheRegisterLevelSettlesAndTheSheetSaysSo) {
  json f = form();
  f["hospital_level"] = 1;  // typed wrong: the register's 二级 wins
  setForm(f);
  ASSERT_TRUE(act("accept", "受理"));
  auto v = act("approve", "初审");
  ASSERT_TRUE(v) << v.error().message;
  const json& st = v->record["settlement"];
  EXPECT_EQ(st["institution"]["code"], "H63000000001");
  EXPECT_EQ(st["institution"]["level"], 2);
  EXPECT_EQ(st["institution"]["typed_level"], 1);
  ASSERT_NE(fundAtLevel(1), fundAtLevel(2));  // else the test could not tell
  EXPECT_EQ(st["fund_fen"], fundAtLevel(2));
  bool said = false;
  for (const auto& step : st["steps"])
    if (step["name"] == "起付线")
      said = step["note"].get<std::string>().find("不予采用") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST_F(InstitutionClaimTest, WithoutATypedLevelTheRegisterGivesIt) {
  ASSERT_TRUE(act("accept", "受理"));
  auto v = act("approve", "初审");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->record["settlement"]["fund_fen"], fundAtLevel(2));
  EXPECT_TRUE(v->record["settlement"]["institution"]["note"].get<std::string>().empty());
}

TEST_F(InstitutionClaimTest, RefusedAtAcceptance) {
  auto refusedWith = [&](const char* code, const char* visit) {
    json f = form();
    f["institution_code"] = code;
    f["visit_date"] = visit;
    setForm(f);
    auto v = act("accept", "受理");
    return v ? std::string("accepted") : v.error().slug;
  };
  EXPECT_EQ(refusedWith("H63000000009", "2026-03-02"), "institution_unknown");
  EXPECT_EQ(refusedWith("H630", "2026-03-02"), "institution_code_invalid");
  EXPECT_EQ(refusedWith("H63000000001", "2025-12-20"), "institution_outside_agreement");
  EXPECT_EQ(refusedWith("P63000000001", "2026-03-02"), "institution_is_pharmacy");
  Institution suspended = hospital();
  suspended.status = kInstitutionStatusSuspended;
  put(suspended);
  EXPECT_EQ(refusedWith("H63000000001", "2026-03-02"), "institution_not_designated");
}

TEST_F(InstitutionClaimTest, ASuspensionAfterAcceptanceStopsALaterReview) {
  ASSERT_TRUE(act("accept", "受理"));
  ASSERT_TRUE(act("approve", "初审"));
  Institution suspended = hospital();
  suspended.status = kInstitutionStatusSuspended;
  put(suspended);
  auto v = act("approve", "复审");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().slug, "institution_not_designated");
  put(hospital());
  EXPECT_TRUE(act("approve", "复审"));
}

TEST_F(InstitutionClaimTest, AnOutpatientClaimMayComeFromAPharmacy) {
  h_ = makeReimbursementEffect("outpatient_reimbursement", policies());
  json f = form();
  f["institution_code"] = "P63000000001";
  setForm(f);
  EXPECT_EQ(act("accept", "受理").error().slug, "hospital_level_required");
  f["hospital_level"] = 1;
  setForm(f);
  ASSERT_TRUE(act("accept", "受理"));
  auto v = act("approve", "初审");
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->record["settlement"]["institution"]["level"], 1);
  EXPECT_EQ(v->record["settlement"]["institution"]["category"], kCategoryPharmacy);
}

}  // namespace
}  // namespace jingban
