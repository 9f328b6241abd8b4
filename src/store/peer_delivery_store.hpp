// Storage of the delivery state of the transfer documents sent between regions (peer/exchange):
// what was delivered, failed or is still pending, so that a restart resends nothing delivered.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace jingban {

// The delivery of one outgoing document (its message id is the transfer_outbox entry's key).
struct PeerDelivery {
  std::string message_id, to_region, status;  // pending | delivered | failed
  int attempts = 0;
  int64_t next_attempt_at = 0;
  std::string last_error;
};

// Not part of any unit of work: a state lost in a crash only means one more delivery, which the
// receiver answers the same and applies once.
class PeerDeliveryStore {
 public:
  virtual ~PeerDeliveryStore() = default;
  // Every delivery recorded (read once, when the exchange starts).
  virtual Result<std::vector<PeerDelivery>> all() = 0;
  // Records `d` (inserted or replaced by message id); `delivered_at` (unix seconds) when it was
  // delivered, 0 when not.
  virtual Result<void> save(const PeerDelivery& d, int64_t delivered_at) = 0;
};

}  // namespace jingban
