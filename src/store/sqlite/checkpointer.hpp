// Moves SQLite's WAL checkpoints off the commit path: the writer never checkpoints inside COMMIT;
// a thread of its own copies committed WAL frames into the database file in the background.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace jingban::sqlite {

struct Conn;

class WalCheckpointer {
 public:
  // Pages of WAL after which a background checkpoint starts (SQLite's own default is 1,000,
  // run by whichever COMMIT crosses it, inside that commit and its caller's latency).
  static constexpr int kPages = 4000;
  // A checkpoint that runs while commits keep coming never catches up with the last frames, and
  // SQLite restarts the WAL only once every frame is copied: past this size the writer copies
  // the remainder itself after its commit (little is left by then), so the WAL stays bounded.
  static constexpr int kWriterPages = 2 * kPages;

  // Takes over `writer`'s checkpoints (disables its automatic checkpoint, installs a WAL hook)
  // and opens a connection of its own on `path`. Null with the reason logged when it cannot.
  static std::unique_ptr<WalCheckpointer> start(const std::string& path, Conn& writer);
  ~WalCheckpointer();  // stops the thread; the last connection's close checkpoints the rest

  // Moves the hook from the current writer to `writer` (the store renews its writer connection;
  // see SqliteStore::runBatch). Called on the committer's thread, between batches.
  void attach(Conn& writer);

  struct Stats {
    uint64_t checkpoints = 0;         // background
    uint64_t writer_checkpoints = 0;  // the writer's own, past kWriterPages
    uint64_t pages_copied = 0;
  };
  Stats stats() const;

 private:
  WalCheckpointer();
  static int onCommit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void run();

  std::unique_ptr<Conn> conn_;
  Conn* writer_ = nullptr;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool wanted_ = false, stopping_ = false;
  Stats stats_;
  std::thread thread_;
};

}  // namespace jingban::sqlite
