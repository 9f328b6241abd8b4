#include "notify/log_sender.hpp"

#include "notify/message.hpp"
#include "obs/log.hpp"

namespace jingban::notify {

SendResult LogSender::send(const OutboxMessage& m) {
  obs::info("notification", {{"message_id", m.message_id},
                             {"case_no", m.case_no},
                             {"region", m.region},
                             {"kind", m.kind},
                             {"phone", maskPhone(m.phone)},
                             {"text", m.text}});
  return {};
}

}  // namespace jingban::notify
