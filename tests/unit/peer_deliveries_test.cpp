// store/sqlite/sqlite_peer_deliveries: the delivery state of transfer documents (peer/exchange),
// on its own connection to the database file: saved, replaced by message id, read back after
// reopening the file, and refused when the file cannot be opened.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "store/sqlite/sqlite_peer_deliveries.hpp"

namespace jingban {
namespace {

class PeerDeliveries : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("jingban_peer_deliveries_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string db() const { return (dir_ / "j.db").string(); }
  std::filesystem::path dir_;
};

bool operator==(const PeerDelivery& a, const PeerDelivery& b) {
  return a.message_id == b.message_id && a.to_region == b.to_region && a.status == b.status &&
         a.attempts == b.attempts && a.next_attempt_at == b.next_attempt_at &&
         a.last_error == b.last_error;
}

TEST_F(PeerDeliveries, SavedReplacedAndReadBackAfterReopening) {
  PeerDelivery pending{"m1", "yunnan", "pending", 1, 1773108000, "连接失败"};
  PeerDelivery other{"m2", "qinghai", "failed", 3, 1773108060, "balance_mismatch"};
  {
    auto log = SqlitePeerDeliveries::open(db());
    ASSERT_TRUE(log) << log.error().message;
    auto none = (*log)->all();
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->empty());
    ASSERT_TRUE((*log)->save(pending, 0));
    ASSERT_TRUE((*log)->save(other, 0));
    // The same message delivered at the next attempt: one row, replaced.
    PeerDelivery delivered{"m1", "yunnan", "delivered", 2, 1773108002, ""};
    ASSERT_TRUE((*log)->save(delivered, 1773108003));
    pending = delivered;
  }
  auto log = SqlitePeerDeliveries::open(db());
  ASSERT_TRUE(log) << log.error().message;
  auto all = (*log)->all();
  ASSERT_TRUE(all) << all.error().message;
  std::sort(all->begin(), all->end(), [](const PeerDelivery& a, const PeerDelivery& b) {
    return a.message_id < b.message_id;
  });
  ASSERT_EQ(all->size(), 2u);
  EXPECT_TRUE((*all)[0] == pending);
  EXPECT_TRUE((*all)[1] == other);
}

TEST_F(PeerDeliveries, AFileThatCannotBeOpenedIsRefused) {
  auto log = SqlitePeerDeliveries::open((dir_ / "missing" / "j.db").string());
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace jingban
