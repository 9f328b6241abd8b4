// 社会保障卡（加载金融功能） (Yunnan 530000990003): the three situations of the item are its
// conditions, exactly one per case —
// - new_card (新参保制卡): the agency makes the card; its number comes from the registers' counter.
// - replacement (二代金融社保卡损坏、遗失补卡): the person's valid card is marked 挂失 (遗失) or
// 作废
//   (损坏) on the day, and a new card is issued in its place.
// - instant_card (即时制卡, the card data was not extracted at the agency): the window issues the
//   《云南省金融社保卡新发卡通知单》 (a numbered notice kept with the card entry, status
//   待银行制卡) that the person takes to the partner bank with the original ID document.
// Refused at 受理 and review: no situation or several; the person not 参保缴费 in Yunnan in the
// month of the action; a new or instant card while a card is valid; a 补卡 without a valid card
// or without the reason. At 办结 the person's card entry (kind social_security_card, key the ID
// number) changes, re-checked in the transaction; its history keeps every card.
#include "effects/handlers.hpp"
#include "effects/support.hpp"
#include "registers/extras.hpp"
#include "registers/filing.hpp"

namespace jingban {
namespace {

using effects::refusal;
using nlohmann::json;

constexpr const char* kRecordKey = "card";
constexpr const char* kNoticeTitle = "云南省金融社保卡新发卡通知单";

const char* situationName(const std::string& s) {
  if (s == "new_card") return "新参保制卡";
  if (s == "replacement") return "损坏、遗失补卡";
  return "即时制卡";
}

bool insuredInMonth(const Person& p, const std::string& month) {
  int m = monthIndex(month);
  for (const auto& en : p.enrolments) {
    int from = monthIndex(en.from), to = en.to.empty() ? m : monthIndex(en.to);
    if (en.status == kEnrolPaying && from <= m && m <= to) return true;
  }
  return false;
}

class SocialSecurityCard : public EffectHandler {
 public:
  std::string name() const override { return "social_security_card"; }
  bool changesAt(const Event& e) const override { return e.action == "complete"; }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    std::string situation;
    int chosen = 0;
    for (const char* s : {"new_card", "replacement", "instant_card"})
      if (c.conditions.count(s)) {
        situation = s;
        ++chosen;
      }
    if (chosen != 1)
      return std::unexpected(refusal("card_situation_required",
                                     "请在新参保制卡、损坏或遗失补卡、即时制卡中选择一种情形办理"));
    auto person = view.person(c.region, c.applicant.id_no);
    if (!person) return std::unexpected(person.error());
    if (!*person || !insuredInMonth(**person, effects::monthOf(c.events.back().at)))
      return std::unexpected(refusal(
          "not_insured",
          "申请人在本统筹区没有参保缴费记录，社会保障卡限参加职工医保或城乡居民医保的参保人申领"));
    auto card = view.entry(kCardKind, c.region, c.applicant.id_no);
    if (!card) return std::unexpected(card.error());
    bool valid = *card && (*card)->status == kCardValid;
    std::string loss = effects::text(*c.form, "loss_kind");
    json record = {{"situation", situation},
                   {"situation_name", situationName(situation)},
                   {"id_no", c.applicant.id_no},
                   {"name", (*person)->name}};
    if (situation == "replacement") {
      if (!valid)
        return std::unexpected(
            refusal("no_card", "申请人没有有效的社会保障卡，不能补卡；未制过卡的请申请新参保制卡"));
      if (loss.empty())
        return std::unexpected(refusal("loss_kind_required", "补卡须注明原卡是遗失还是损坏"));
      record["loss_kind"] = loss;
      record["old_card_no"] = (*card)->data.value("card_no", "");
    } else if (valid) {
      return std::unexpected(
          refusal("card_already_valid", "申请人已有有效的社会保障卡（卡号 " +
                                            (*card)->data.value("card_no", std::string()) +
                                            "），不能重复制卡；损坏或遗失的请申请补卡"));
    }
    Verdict v;
    v.record[kRecordKey] = std::move(record);
    return v;
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    const Event* recorded = effects::latestWith(c, kRecordKey);
    if (!recorded)
      return fail(ErrorCode::kConflict, "no_card_record", "办件没有受理时确定的制卡信息，不能办结");
    const json& r = recorded->data[kRecordKey];
    std::string situation = r.value("situation", "");
    std::string id_no = r.value("id_no", "");
    std::string today = e.at.date().str();
    auto found = tx.entry(kCardKind, c.region, id_no);
    if (!found) return std::unexpected(found.error());
    bool valid = *found && (*found)->status == kCardValid;
    if (situation == "replacement" ? !valid : valid)
      return std::unexpected(
          effects::changedMeanwhile("受理后申请人的社会保障卡状态已变化，请重新受理"));

    RegisterEntry card;
    if (*found) {
      card = **found;
    } else {
      card.kind = kCardKind;
      card.region = c.region;
      card.key = id_no;
      card.owner = id_no;
      card.from = today;
      card.data = {{"cards", json::array()}};
    }
    json& d = card.data;
    d["name"] = r.value("name", "");
    d["situation"] = r.value("situation_name", "");
    d["case_no"] = c.case_no;
    d["bank"] = effects::text(*c.form, "bank");
    json& cards = d["cards"];
    if (situation == "replacement") {
      for (auto& old : cards)
        if (old.value("status", "") == kCardValid) {
          bool lost = r.value("loss_kind", "") == "遗失";
          old["status"] = lost ? kCardLost : kCardVoid;
          old["ended_on"] = today;
          old["reason"] = lost ? "遗失" : "损坏";
          old["ended_by"] = c.case_no;
        }
    }
    if (situation == "instant_card") {
      auto n = tx.nextNumber(std::string("card_notice:") + c.region);
      if (!n) return std::unexpected(n.error());
      d["notice"] = {{"number", registerNumber("TZ", in.region.division_code, *n)},
                     {"title", kNoticeTitle},
                     {"name", r.value("name", "")},
                     {"id_no", id_no},
                     {"issued_on", today},
                     {"bank", effects::text(*c.form, "bank")},
                     {"agency", in.region.name + "医疗保障经办机构"},
                     {"case_no", c.case_no},
                     {"instructions",
                      "请携带本通知单和有效身份证件原件，到指定的合作银行网点办理即时制卡手续。"}};
      d["card_no"] = "";
      card.status = kCardAtBank;
    } else {
      auto n = tx.nextNumber(std::string(kCardKind) + ":" + c.region);
      if (!n) return std::unexpected(n.error());
      std::string number = registerNumber("SB", in.region.division_code, *n);
      cards.push_back({{"card_no", number},
                       {"status", kCardValid},
                       {"issued_on", today},
                       {"case_no", c.case_no}});
      d["card_no"] = number;
      d["issued_on"] = today;
      d.erase("notice");
      card.status = kCardValid;
    }
    return tx.putEntry(card, Cause{c.case_no, e.seq, e.at.unix_seconds});
  }

  json view(const CaseState& c) const override {
    return effects::recordView(c, kRecordKey, "cards", "card");
  }
};

}  // namespace

std::unique_ptr<EffectHandler> makeSocialSecurityCardEffect() {
  return std::make_unique<SocialSecurityCard>();
}

}  // namespace jingban
