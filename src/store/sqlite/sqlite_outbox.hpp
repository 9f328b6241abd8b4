// SQLite engine of the notifications outbox. Its own connection to the database file: the
// dispatcher reads the events and writes the messages between the case committer's transactions
// (WAL, busy timeout), never inside them.
#pragma once

#include <memory>
#include <mutex>

#include "store/outbox_store.hpp"

namespace jingban {

namespace sqlite {
struct Conn;
}

class SqliteOutbox : public OutboxStore {
 public:
  // Opens (creating and migrating if needed).
  static Result<std::unique_ptr<SqliteOutbox>> open(const std::string& path);
  ~SqliteOutbox() override;

  Result<std::vector<NotifyEvent>> newEvents(int64_t since, const std::vector<std::string>& actions,
                                             int limit) override;
  Result<std::vector<NotifyEvent>> eventsFor(const std::vector<CommittedEvent>& events) override;
  Result<int64_t> latestCreatedAt() override;
  Result<void> saveOutcomes(const std::vector<Outcome>& outcomes) override;
  Result<int> insertNew(const std::vector<OutboxMessage>& messages) override;
  Result<std::vector<OutboxMessage>> due(int64_t now, int limit) override;
  Result<std::vector<OutboxMessage>> list(const OutboxFilter& f) override;
  Result<std::optional<OutboxMessage>> message(const std::string& id) override;
  Result<bool> retry(const std::string& id) override;
  Result<std::map<std::string, int64_t>> countByStatus() override;

 private:
  SqliteOutbox() = default;
  std::mutex mu_;
  std::unique_ptr<sqlite::Conn> conn_;
};

}  // namespace jingban
