#include "notify/message.hpp"

#include <algorithm>

namespace jingban::notify {

const std::vector<std::string>& notifyActions() {
  static const std::vector<std::string> a{"accept", "return", "complete", "resolve_follow_up"};
  return a;
}

std::optional<std::string> kindOfAction(std::string_view action) {
  if (action == "accept") return "accepted";
  if (action == "return") return "supplement";
  if (action == "complete") return "completed";
  if (action == "resolve_follow_up") return "follow_up";
  return std::nullopt;
}

std::string composeText(std::string_view kind, std::string_view case_no,
                        std::string_view item_name) {
  std::string subject =
      "您申请的“" + std::string(item_name) + "”（办件编号 " + std::string(case_no) + "）";
  if (kind == "accepted")
    return "【医保经办】" + subject + "已受理。可凭办件编号和查询码在网上办事大厅查询办理进度。";
  if (kind == "supplement")
    return "【医保经办】" + subject +
           "需要补正材料。请凭办件编号和查询码在网上办事大厅查看一次性告知内容并补齐。";
  if (kind == "completed")
    return "【医保经办】" + subject + "已办结。欢迎在网上办事大厅对本次服务作出评价。";
  if (kind == "follow_up")
    return "【医保经办】您对办件 " + std::string(case_no) + "（“" + std::string(item_name) +
           "”）的评价已由工作人员回访处理。感谢您的监督。";
  return "【医保经办】" + subject + "有新的办理进展，请在网上办事大厅查询。";
}

std::optional<OutboxMessage> messageOf(const NotifyEvent& e, int64_t now) {
  auto kind = kindOfAction(e.action);
  if (!kind) return std::nullopt;
  OutboxMessage m;
  m.message_id = e.case_no + ":" + std::to_string(e.seq);
  m.case_no = e.case_no;
  m.region = e.region;
  m.kind = *kind;
  m.phone = e.phone;
  m.text = composeText(*kind, e.case_no, e.item_name);
  m.status = "pending";
  m.next_attempt_at = now;
  m.created_at = e.at;
  return m;
}

int64_t backoffSeconds(int attempts) {
  constexpr int64_t kCap = 600;
  if (attempts <= 1) return 1;
  if (attempts > 10) return kCap;  // 2^10 is past the cap already
  return std::min<int64_t>(int64_t{1} << (attempts - 1), kCap);
}

std::string maskPhone(std::string_view phone) {
  if (phone.size() < 7) return std::string(phone.size(), '*');
  return std::string(phone.substr(0, 3)) + std::string(phone.size() - 7, '*') +
         std::string(phone.substr(phone.size() - 4));
}

}  // namespace jingban::notify
