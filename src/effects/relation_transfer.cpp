// 转移接续手续办理 (003002: Qinghai and Xining by extension, Yunnan; Qingdao's 转出 and 转入
// items): the receiving agency's case drives the transfer (registers/transfer.hpp holds the record
// and the documents).
// - 转入 (the default flows, Qinghai's transfer_in, Qingdao's 转入): 受理 checks the 转出地 named
// in
//   the form (on this server: that the person has a 参保缴费 period there) and that no transfer of
//   the person is open; the approval of the first review step (发函 / 开具联系函 / 审核; Qingdao's
//   受理, which has none) records the transfer and sends the 联系函; a later review step (Yunnan's
//   开具类型变更信息表) and 办结 need the 信息表 and the funds received; 办结 opens the enrolment,
//   adds the carried periods and credits the account, and tells the 转出地.
// - 转出 (the transfer_out flows, Qingdao's 转出): the 转出地's stage is done by the system when
// the
//   联系函 arrives (信息表, funds, enrolment ended — seed 002 备注4: 有条件的可通过平台…信息传递);
//   the case records the agency's handling and is accepted only when a 联系函 was received.
// - 统筹区内 (Yunnan's within_area): no inter-agency document; the person must be enrolled here
//   (the 停保 / 续保 themselves are 001005 cases).
#include <algorithm>

#include "effects/handlers.hpp"
#include "effects/support.hpp"
#include "registers/transfer.hpp"
#include "validate/identity.hpp"

namespace jingban {
namespace {

using effects::refusal;
using nlohmann::json;
namespace tr = transfer;

enum class Direction { kIn, kOut, kWithin };

Direction direction(const CaseState& c, const Item& item) {
  if (c.conditions.count("within_area")) return Direction::kWithin;
  if (c.conditions.count("transfer_out")) return Direction::kOut;
  if (item.name.find("转出") != std::string::npos) return Direction::kOut;
  return Direction::kIn;
}

// The form names the 转出地 by its Chinese name (catalog/forms.yaml relation_transfer).
std::string regionOfName(const std::string& name) {
  static const std::vector<std::pair<std::string, std::string>> k{
      {"青海省", "qinghai"}, {"西宁市", "xining"}, {"云南省", "yunnan"}, {"青岛市", "qingdao"}};
  for (const auto& [n, id] : k)
    if (n == name) return id;
  return "";
}

std::string transferId(const CaseState& c) { return "TR-" + c.case_no; }

std::string dateOf(const Instant& at) { return at.date().str(); }

// The step whose approval sends the 联系函: the first review step, or 受理 when there is none.
bool isLetterEvent(const CaseState& c, const Item& item, const Event& e) {
  auto reviews = effects::reviewSteps(c, item);
  if (reviews.empty()) return e.action == "accept";
  return e.action == "approve" && e.step == reviews.front();
}

Result<std::optional<tr::Transfer>> openTransferOf(RegisterView& view, const std::string& region,
                                                   const std::string& id_no) {
  auto list = view.entries(EntryFilter{tr::kKind, region, id_no, "", 100, 0});
  if (!list) return std::unexpected(list.error());
  for (const auto& e : *list) {
    if (e.status != tr::kLetterSent && e.status != tr::kAwaiting) continue;
    auto t = tr::fromEntry(e);
    if (!t) return std::unexpected(t.error());
    if (t->to_region == region) return std::optional<tr::Transfer>(*t);
  }
  return std::optional<tr::Transfer>();
}

class RelationTransfer : public EffectHandler {
 public:
  std::string name() const override { return "relation_transfer"; }
  // Which of these change the registers is decided in apply (it knows the case's flow).
  bool changesAt(const Event& e) const override {
    return e.action == "accept" || e.action == "approve" || e.action == "complete";
  }

  Result<Verdict> validate(const EffectInput& in, RegisterView& view) const override {
    const CaseState& c = in.c;
    if (c.applicant.kind != "person")
      return std::unexpected(refusal("applicant_not_person", "转移接续的申请人须为参保职工本人"));
    Verdict v;
    switch (direction(c, in.item)) {
      case Direction::kWithin: {
        auto p = view.person(c.region, c.applicant.id_no);
        if (!p) return std::unexpected(p.error());
        if (!*p)
          return std::unexpected(
              refusal("person_not_found", "申请人未在本统筹区参保登记，不能办理统筹区内转接"));
        return v;
      }
      case Direction::kOut: {
        auto list = view.entries(EntryFilter{tr::kKind, c.region, c.applicant.id_no, "", 100, 0});
        if (!list) return std::unexpected(list.error());
        for (const auto& e : *list)
          if (e.data.value("from_region", "") == c.region) {
            v.record["transfer_id"] = e.key;
            v.record["transfer_status"] = e.status;
            return v;
          }
        return std::unexpected(
            refusal("no_contact_letter",
                    "本经办机构尚未收到转入地关于该人员的《基本医疗保险关系转移接续联系函》"));
      }
      case Direction::kIn:
        break;
    }
    std::string from = regionOfName(effects::text(*c.form, "from_region"));
    if (from.empty()) return std::unexpected(refusal("from_region_required", "须填写转出地统筹区"));
    if (from == c.region)
      return std::unexpected(
          refusal("same_region", "转出地与本统筹区相同，应按统筹区内医保关系转接办理"));
    const Event& last = c.events.back();
    bool at_accept = last.action == "accept";
    if (at_accept || isLetterEvent(c, in.item, last)) {
      // An open transfer first: once its 联系函 went out, the 转出地 has ended the enrolment.
      if (at_accept) {
        auto open = openTransferOf(view, c.region, c.applicant.id_no);
        if (!open) return std::unexpected(open.error());
        if (*open)
          return std::unexpected(refusal(
              "transfer_open", "该人员已有一笔转移接续正在办理（" + (*open)->transfer_id + "）"));
      }
      // On one server the 转出地's register is here: refuse what it would refuse.
      if (tr::isLocalRegion(from)) {
        auto p = view.person(from, c.applicant.id_no);
        if (!p) return std::unexpected(p.error());
        if (!*p || tr::paidPeriods(**p, effects::monthOf(last.at)).empty())
          return std::unexpected(
              refusal("no_enrolment", "转出地登记中没有该人员的参保缴费记录，不能办理转移接续"));
      }
      v.record["transfer_id"] = transferId(c);
      v.record["from_region"] = from;
      // Both regions here: the documents pass within the unit of work; else through the peer.
      v.record["transfer_delivery"] = tr::isLocalRegion(from) ? "direct" : "peer";
      return v;
    }
    // A later review step (Yunnan's 开具类型变更信息表): the 信息表 and the funds must be here.
    auto found = view.entry(tr::kKind, c.region, transferId(c));
    if (!found) return std::unexpected(found.error());
    if (*found && (*found)->status == tr::kRefused)
      return std::unexpected(
          refusal("transfer_refused", "转出地不予办理：" + (*found)->data.value("refusal", "")));
    if (!*found || (*found)->status != tr::kAwaiting)
      return std::unexpected(Error{ErrorCode::kConflict, "info_sheet_pending",
                                   "尚未收到转出地的《参保人员基本医疗保险信息表》和转移资金"});
    v.record["contribution_months"] = (*found)->data.value("contribution_months", 0);
    v.record["balance_fen"] = (*found)->data.value("balance_fen", int64_t{0});
    return v;
  }

  Result<void> apply(const EffectInput& in, const Event& e, RegisterTx& tx) const override {
    const CaseState& c = in.c;
    if (direction(c, in.item) != Direction::kIn) return {};
    Cause cause{c.case_no, e.seq, e.at.unix_seconds};
    if (isLetterEvent(c, in.item, e)) return sendLetter(c, e, tx, cause);
    if (e.action == "complete") return continueEnrolment(c, e, tx, cause);
    return {};
  }

  json view(const CaseState& c) const override {
    const Event* e = effects::latestWith(c, "transfer_id");
    json v = {{"register", "transfers"}};
    if (e) {
      v["transfer_id"] = e->data["transfer_id"];
      if (e->data.contains("from_region")) v["from_region"] = e->data["from_region"];
    }
    return v;
  }

 private:
  // Recorded at 受理 and at the letter's approval (validate): the latest one decides.
  static bool direct(const CaseState& c) {
    const Event* e = effects::latestWith(c, "transfer_delivery");
    return e && e->data["transfer_delivery"] == "direct";
  }

  static Result<void> sendLetter(const CaseState& c, const Event& e, RegisterTx& tx,
                                 const Cause& cause) {
    std::string from = regionOfName(effects::text(*c.form, "from_region"));
    tr::Transfer t = tr::newTransfer(transferId(c), c.region, c.applicant.id_no, c.applicant.name,
                                     from, c.region);
    t.case_no = c.case_no;
    t.status = tr::kLetterSent;
    tr::Stage& letter = *tr::stage(t, tr::kStageLetter);
    letter.started_on = c.accepted_on ? c.accepted_on->str() : dateOf(e.at);
    letter.done_on = dateOf(e.at);
    if (auto w = tx.putEntry(tr::toEntry(t), cause); !w) return w;
    return tr::send(tx,
                    tr::makeMessage("contact_letter", t, c.region, from,
                                    {{"case_no", c.case_no},
                                     {"started_on", letter.started_on},
                                     {"done_on", letter.done_on}}),
                    letter.done_on, cause, direct(c));
  }

  static Result<void> continueEnrolment(const CaseState& c, const Event& e, RegisterTx& tx,
                                        const Cause& cause) {
    auto found = tx.entry(tr::kKind, c.region, transferId(c));
    if (!found) return std::unexpected(found.error());
    if (!*found || (*found)->status != tr::kAwaiting)
      return fail(ErrorCode::kConflict, "transfer_not_ready",
                  "尚未收到转出地的《参保人员基本医疗保险信息表》和转移资金，不能办结");
    auto t = tr::fromEntry(**found);
    if (!t) return std::unexpected(t.error());
    auto existing = tx.person(c.region, c.applicant.id_no);
    if (!existing) return std::unexpected(existing.error());
    Person p;
    if (*existing) {
      p = **existing;
    } else {
      p.region = c.region;
      p.id_no = c.applicant.id_no;
      p.name = c.applicant.name;
      p.sex = sexOfCitizenId(p.id_no);
      p.birth_date = birthDateOfCitizenId(p.id_no);
      p.insurance_type = "职工";
      p.employment = "在职";
    }
    // The carried periods count here from now on (they ended at the 转出地).
    int last = -1;
    for (const auto& period : t->periods) {
      std::string type = period.value("insurance_type", "职工");
      p.enrolments.push_back(
          Enrolment{period["from"], period["to"], kEnrolPaying, type.empty() ? "职工" : type, ""});
      last = std::max(last, monthIndex(period["to"].get<std::string>()));
    }
    if (!effects::openPeriod(p)) {
      int start = std::max(monthIndex(effects::monthOf(e.at)), last + 1);
      p.enrolments.push_back(
          Enrolment{monthText(start), "", kEnrolPaying, p.insurance_type, p.unit});
    }
    std::stable_sort(p.enrolments.begin(), p.enrolments.end(),
                     [](const Enrolment& a, const Enrolment& b) { return a.from < b.from; });
    p.status = kEnrolPaying;
    if (auto w = tx.putPerson(p, cause); !w) return w;
    if (t->balance_fen > 0)
      if (auto w = tx.addAccountEntry(
              c.region, c.applicant.id_no,
              AccountEntry{e.at.unix_seconds, t->balance_fen, "转入", c.case_no});
          !w)
        return w;
    t->status = tr::kDone;
    tr::Stage& cont = *tr::stage(*t, tr::kStageContinue);
    cont.done_on = dateOf(e.at);
    if (auto w = tx.putEntry(tr::toEntry(*t), cause); !w) return w;
    return tr::send(tx,
                    tr::makeMessage("completed", *t, c.region, t->from_region,
                                    {{"contribution_months", t->contribution_months},
                                     {"balance_fen", t->balance_fen},
                                     {"started_on", cont.started_on},
                                     {"done_on", cont.done_on}}),
                    cont.done_on, cause, direct(c));
  }
};

}  // namespace

std::unique_ptr<EffectHandler> makeRelationTransferEffect() {
  return std::make_unique<RelationTransfer>();
}

}  // namespace jingban
