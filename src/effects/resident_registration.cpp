// 城乡居民参保登记 (001003) and 城乡居民参保信息变更登记 (001006), one person per case (the batch
// of the annual collection period is effects/resident_import). The person register changes at 办结.
#include "effects/handlers.hpp"
#include "effects/support.hpp"
#include "validate/identity.hpp"

namespace jingban {
namespace {

using effects::masked;
using effects::refusal;
using nlohmann::json;

// 普通居民 is no special identity; the others are 救助对象 the register records.
std::vector<std::string> identitiesOf(const std::string& identity) {
  if (identity.empty() || identity == "普通居民") return {};
  return {identity};
}

class ResidentRegistration : public EffectHandler {
 public:
  explicit ResidentRegistration(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  bool changesAt(const Event& e) const override { return e.action == "complete"; }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    auto p = view.person(in.c.region, in.c.applicant.id_no);
    if (!p) return std::unexpected(p.error());
    if (auto r = check(in.c, *p); !r) return std::unexpected(r.error());
    return Verdict{};
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    auto found = tx.person(c.region, c.applicant.id_no);
    if (!found) return std::unexpected(found.error());
    if (auto r = check(c, *found); !r)
      return std::unexpected(effects::changedMeanwhile(r.error().message));
    Person p = *found ? **found : Person{};
    std::string identity = effects::text(*c.form, "identity");
    if (name_ == "resident_change") {
      p.identities = identitiesOf(identity);
    } else {
      if (!*found) {
        p.region = c.region;
        p.id_no = c.applicant.id_no;
        p.sex = sexOfCitizenId(p.id_no);
        p.birth_date = birthDateOfCitizenId(p.id_no);
      }
      p.name = c.applicant.name;
      if (!c.applicant.phone.empty()) p.phone = c.applicant.phone;
      p.insurance_type = "城乡居民";
      p.unit.clear();
      p.employment.clear();
      p.identities = identitiesOf(identity);
      // Insured from the month the registration completes.
      p.enrolments.push_back(Enrolment{effects::monthOf(e.at), "", kEnrolPaying, "城乡居民", ""});
      p.status = kEnrolPaying;
    }
    return tx.putPerson(p, Cause{c.case_no, e.seq, e.at.unix_seconds});
  }

  json view(const CaseState& c) const override {
    return {{"register", "persons"}, {"key", masked(c.applicant.id_no)}};
  }

 private:
  Result<void> check(const CaseState& c, const std::optional<Person>& p) const {
    if (c.applicant.kind != "person")
      return fail(ErrorCode::kUnprocessable, "applicant_not_person",
                  "城乡居民参保登记的申请人须为参保人本人");
    const Enrolment* open = p ? effects::openPeriod(*p) : nullptr;
    if (name_ == "resident_change") {
      if (!p || p->insurance_type != "城乡居民")
        return fail(ErrorCode::kUnprocessable, "person_not_found",
                    "申请人未在本统筹区参加城乡居民医保，不能变更");
      auto wanted = identitiesOf(effects::text(*c.form, "identity"));
      if (!c.form->contains("identity") || wanted == p->identities)
        return fail(ErrorCode::kUnprocessable, "nothing_to_change",
                    "变更信息与登记信息相同，没有需要变更的内容");
      return {};
    }
    if (open && open->status == kEnrolPaying)
      return fail(ErrorCode::kUnprocessable, "already_enrolled",
                  "申请人已在本统筹区参保缴费（" + open->insurance_type + "），不能重复参保");
    return {};
  }

  std::string name_;
};

}  // namespace

std::unique_ptr<EffectHandler> makeResidentRegistrationEffect(std::string name) {
  return std::make_unique<ResidentRegistration>(std::move(name));
}

}  // namespace jingban
