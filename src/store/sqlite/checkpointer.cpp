#include "store/sqlite/checkpointer.hpp"

#include <sqlite3.h>

#include "obs/log.hpp"
#include "store/sqlite/db.hpp"

namespace jingban::sqlite {

std::unique_ptr<WalCheckpointer> WalCheckpointer::start(const std::string& path, Conn& writer) {
  auto conn = openConnection(path);
  if (!conn) return nullptr;  // openConnection logged why; SQLite's own checkpoints stay on
  std::unique_ptr<WalCheckpointer> c(new WalCheckpointer());
  c->conn_ = std::move(*conn);
  c->writer_ = &writer;
  // The hook replaces the automatic checkpoint (sqlite3_wal_autocheckpoint installs the same
  // hook); it runs on the writer's thread after each commit and only wakes ours.
  sqlite3_wal_hook(writer.db, &WalCheckpointer::onCommit, c.get());
  c->thread_ = std::thread([p = c.get()] { p->run(); });
  return c;
}

WalCheckpointer::WalCheckpointer() = default;

void WalCheckpointer::attach(Conn& writer) {
  if (writer_) sqlite3_wal_hook(writer_->db, nullptr, nullptr);
  writer_ = &writer;
  sqlite3_wal_hook(writer.db, &WalCheckpointer::onCommit, this);
}

WalCheckpointer::~WalCheckpointer() {
  if (writer_) sqlite3_wal_hook(writer_->db, nullptr, nullptr);
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

WalCheckpointer::Stats WalCheckpointer::stats() const {
  std::lock_guard lk(mu_);
  return stats_;
}

int WalCheckpointer::onCommit(void* self, sqlite3* db, const char* schema, int wal_pages) {
  auto* c = static_cast<WalCheckpointer*>(self);
  if (wal_pages < kPages) return SQLITE_OK;
  if (wal_pages >= kWriterPages) {
    // On the writer's thread, after its commit, as SQLite's own automatic checkpoint does.
    int log_frames = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &copied);
    std::lock_guard lk(c->mu_);
    if (rc == SQLITE_OK) c->stats_.writer_checkpoints++;
    return SQLITE_OK;
  }
  {
    std::lock_guard lk(c->mu_);
    if (c->wanted_) return SQLITE_OK;
    c->wanted_ = true;
  }
  c->cv_.notify_one();
  return SQLITE_OK;
}

void WalCheckpointer::run() {
  for (;;) {
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return wanted_ || stopping_; });
      if (stopping_) return;
    }
    // PASSIVE: copies what no reader still needs and never waits for or blocks the writer; the
    // writer restarts the WAL from its beginning once every frame has been copied.
    int log_frames = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(conn_->db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames,
                                       &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      obs::warn("wal_checkpoint_failed", {{"sqlite", sqlite3_errmsg(conn_->db)}, {"code", rc}});
    std::lock_guard lk(mu_);
    wanted_ = false;
    if (rc == SQLITE_OK) {
      stats_.checkpoints++;
      stats_.pages_copied += static_cast<uint64_t>(copied > 0 ? copied : 0);
    }
  }
}

}  // namespace jingban::sqlite
