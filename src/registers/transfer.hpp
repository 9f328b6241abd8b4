// Transfers of a person's basic medical insurance between two 统筹区 (基本医疗保险关系转移接续,
// 003002): the record each side keeps (a RegisterEntry of kind "transfer"), the documents the two
// agencies exchange (联系函, 参保凭证及信息表 with the fund transfer, refusal, completion) and what
// receiving one does to the registers — the same code on one server and between two servers.
//
// The chain (seed 002, 事项清单 备注 1–3; chart 4-14 of seed 000): the receiving agency (转入地)
// accepts the application and sends the 联系函 (stage 1, 5 working days from 受理); the sending
// agency (转出地) answers with the 参保凭证 and 信息表, moves the account balance out of its ledger
// and ends the enrolment (stage 2, 5 working days from the letter's receipt); the receiving agency
// opens the enrolment, adds the contribution periods and credits the account at 办结 (stage 3, 5
// working days from the 信息表's receipt). Stages keep the day they started and the day they were
// done; their due dates are counted from the calendar when read (working days, src/calendar).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "registers/registers.hpp"

namespace jingban::transfer {

inline constexpr const char* kKind = "transfer";
// The documents a region sends: entries written in the unit of work of the stage that sends them,
// delivered afterwards (peer/), so a crash between the two loses nothing.
inline constexpr const char* kOutboxKind = "transfer_outbox";
inline constexpr int kStageWorkingDays = 5;  // seed 002: each stage 5 个工作日

// Statuses, in the clerk's words.
inline constexpr const char* kLetterSent = "已发函";      // 转入地: waiting for the 信息表
inline constexpr const char* kAwaiting = "待接续";        // 转入地: 信息表 and funds received
inline constexpr const char* kTransferredOut = "已转出";  // 转出地: 信息表 and funds sent
inline constexpr const char* kRefused = "转出地不予办理";  // the 转出地 found no enrolment
inline constexpr const char* kDone = "已完成";             // 接续 done (both sides)

// Stage names, in chain order.
inline constexpr const char* kStageLetter = "联系函";
inline constexpr const char* kStageSheet = "参保凭证及信息表、资金划转";
inline constexpr const char* kStageContinue = "接续";

struct Stage {
  std::string name, region;         // region: the agency that acts
  std::string started_on, done_on;  // "YYYY-MM-DD", "" while not
};

struct Transfer {
  std::string transfer_id, region;  // region: whose register holds this record
  std::string id_no, name, from_region, to_region, status, case_no;
  std::vector<Stage> stages;
  int contribution_months = 0;
  int64_t balance_fen = 0;
  nlohmann::json periods = nlohmann::json::array();  // carried over: [{from, to, insurance_type}]
  std::string refusal;                               // why the 转出地 refused
};

RegisterEntry toEntry(const Transfer& t);
Result<Transfer> fromEntry(const RegisterEntry& e);
Transfer newTransfer(std::string transfer_id, std::string region, std::string id_no,
                     std::string name, std::string from_region, std::string to_region);
Stage* stage(Transfer& t, const std::string& name);

// A document between two agencies. message_id is "<transfer_id>/<type>": one of each per transfer,
// the same when the registers are rebuilt, so a resend is recognised by the receiver.
struct Message {
  std::string message_id, type;  // contact_letter | info_sheet | refusal | completed
  std::string transfer_id, from_region, to_region;
  nlohmann::json body = nlohmann::json::object();
};
nlohmann::json toJson(const Message& m);
// Strict: every field present and typed, the id as derived, the figures consistent (an 信息表
// whose transferred funds differ from the balance it states, or whose months differ from its
// periods, is refused: balance_mismatch / months_mismatch, 422).
Result<Message> messageFromJson(const nlohmann::json& j);
Message makeMessage(const std::string& type, const Transfer& t, const std::string& from,
                    const std::string& to, nlohmann::json body);

// The outgoing document, kept as an entry of the sending region's register (kOutboxKind).
Result<void> queue(RegisterTx& tx, const Message& m, const std::string& date, const Cause& cause);
// Sends a document dated `date`: `direct` (both regions on this server, decided when the case was
// validated and recorded in its event, so a rebuild decides the same) applies its receipt in this
// same unit of work, and the answers it calls for in turn; otherwise it is queued for a peer.
Result<void> send(RegisterTx& tx, const Message& m, const std::string& date, const Cause& cause,
                  bool direct);

// A document received: applied in the unit of work that records its receipt, and again by the
// rebuild (the receipt is kept as an import batch of kind kBatchKind). `received_on` is the date
// of receipt; nothing here reads a clock.
inline constexpr const char* kBatchKind = "transfer_message";
struct Receipt {
  Message message;
  std::string received_on;
};
nlohmann::json toJson(const Receipt& r);
Result<Receipt> receiptFromJson(const nlohmann::json& j);
Result<void> applyReceipt(const Receipt& r, RegisterTx& tx, const Cause& cause,
                          bool direct = false);

// The contribution periods (参保缴费) of a person up to `until` (the open one closed there).
nlohmann::json paidPeriods(const Person& p, const std::string& until);

// The regions the product knows (a transfer names one of them), and those this process serves
// (serve --regions; set once at start-up, before the first request): a region it does not serve
// is reached through a peer.
bool knownRegion(const std::string& region);
void setLocalRegions(std::vector<std::string> regions);
bool isLocalRegion(const std::string& region);

}  // namespace jingban::transfer
