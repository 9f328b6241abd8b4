// SQLite engine of the transfer documents' delivery state (table peer_deliveries, migration 9), on
// a connection of its own with synchronous=NORMAL: this bookkeeping is not part of any unit of
// work, and a state lost in a crash only means one more delivery, which the receiver answers the
// same and applies once — so its writes need not wait for an fsync of their own.
#pragma once

#include <memory>
#include <mutex>

#include "store/peer_delivery_store.hpp"

namespace jingban {

namespace sqlite {
struct Conn;
}

class SqlitePeerDeliveries : public PeerDeliveryStore {
 public:
  // Opens (creating and migrating if needed).
  static Result<std::unique_ptr<SqlitePeerDeliveries>> open(const std::string& path);
  ~SqlitePeerDeliveries() override;

  Result<std::vector<PeerDelivery>> all() override;
  Result<void> save(const PeerDelivery& d, int64_t delivered_at) override;

 private:
  SqlitePeerDeliveries() = default;
  std::mutex mu_;
  std::unique_ptr<sqlite::Conn> conn_;
};

}  // namespace jingban
