// The default sender: one structured log line per message (event "notification"), for a site
// without an SMS gateway, and for development. The phone number is masked in the line.
#pragma once

#include "notify/sender.hpp"

namespace jingban::notify {

class LogSender : public Sender {
 public:
  SendResult send(const OutboxMessage& m) override;
  std::string name() const override { return "log"; }
};

}  // namespace jingban::notify
