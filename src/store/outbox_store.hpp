// Storage of the notifications outbox (messages to applicants at 受理, 补正, 办结 and the
// follow-up of a poor rating): the events that call for a message, and each message's delivery.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "store/store.hpp"

namespace jingban {

// One committed event that calls for a message, with what the message needs of its case.
struct NotifyEvent {
  std::string case_no;
  int seq = 0;
  int64_t at = 0;  // unix seconds, the event's time
  std::string action, region, item_name, phone;
};

// One row of the outbox. message_id is "<case_no>:<event seq>": an event makes one message,
// however often it is collected.
struct OutboxMessage {
  std::string message_id, case_no, region;
  std::string kind;  // accepted | supplement | completed | follow_up
  std::string phone, text;
  std::string status = "pending";  // pending | sent | failed
  int attempts = 0;
  int64_t next_attempt_at = 0, created_at = 0;
  std::optional<int64_t> sent_at;
  std::string last_error;
};

struct OutboxFilter {
  std::string region;
  std::string status;  // empty: every status
  int limit = 100, offset = 0;
};

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;
  // The committed events at or after `since` whose action is one of `actions` and that have no
  // message yet, oldest first, at most `limit`.
  virtual Result<std::vector<NotifyEvent>> newEvents(int64_t since,
                                                     const std::vector<std::string>& actions,
                                                     int limit) = 0;
  // Of `events` (committed, told by the case store's commit listener), those that have no message
  // yet and whose applicant has a phone number, with what the message needs of the case.
  virtual Result<std::vector<NotifyEvent>> eventsFor(const std::vector<CommittedEvent>& events) = 0;
  // The newest created_at of any message (0 when there is none): where collection resumes.
  virtual Result<int64_t> latestCreatedAt() = 0;
  // Inserts the messages whose id is not there yet (in one transaction); returns how many were.
  virtual Result<int> insertNew(const std::vector<OutboxMessage>& messages) = 0;
  // Pending messages due at `now`, the longest due first.
  virtual Result<std::vector<OutboxMessage>> due(int64_t now, int limit) = 0;
  // Several outcomes in one transaction (a round of sending: one fsync, not one per message).
  struct Outcome {
    std::string id;
    enum Kind { kSent, kRetry, kFailed } kind = kSent;
    int attempts = 0;
    int64_t at = 0;  // sent_at (kSent) or next_attempt_at (kRetry)
    std::string error;
  };
  virtual Result<void> saveOutcomes(const std::vector<Outcome>& outcomes) = 0;
  // A region's messages, newest first.
  virtual Result<std::vector<OutboxMessage>> list(const OutboxFilter& f) = 0;
  virtual Result<std::optional<OutboxMessage>> message(const std::string& id) = 0;
  // A failed message back to pending, due at once, its attempts counted afresh: false when the
  // message is not (or no longer) failed.
  virtual Result<bool> retry(const std::string& id) = 0;
  // Messages by status, every region.
  virtual Result<std::map<std::string, int64_t>> countByStatus() = 0;
};

}  // namespace jingban
