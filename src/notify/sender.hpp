// The pluggable delivery of an outbox message (log, HTTP webhook to an SMS gateway …): one
// message per call; the dispatcher decides on retries from the outcome.
#pragma once

#include <string>

#include "store/outbox_store.hpp"

namespace jingban::notify {

struct SendResult {
  enum Outcome {
    kOk,         // delivered (or accepted by the gateway)
    kRetryable,  // may succeed later: network, timeout, 5xx, 408, 429
    kPermanent,  // will not succeed as it is: another 4xx, a bad configuration
  } outcome = kOk;
  std::string error;  // for the log and the supervisor's list; empty when kOk
};

class Sender {
 public:
  virtual ~Sender() = default;
  virtual SendResult send(const OutboxMessage& m) = 0;
  // What the start-up line and the log call it: "log", "webhook".
  virtual std::string name() const = 0;
};

}  // namespace jingban::notify
