// Group commit: requests from many threads queue their units of work; one thread runs everything
// queued so far in a single durable transaction (each unit in its own savepoint) and then answers
// each request. Durability is not weakened (synchronous=FULL, one fsync per batch); throughput
// grows with concurrency.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "store/store.hpp"

namespace jingban {

class Committer {
 public:
  using Done = std::function<void(Result<void>)>;
  // Runs completions somewhere other than the commit thread (the HTTP I/O threads), so that the
  // commit thread does SQL and fsync only. Without one, completions run inline. All completions
  // of one batch run in order, in one task.
  using Executor = std::function<void(std::function<void()>)>;

  explicit Committer(Store& store, size_t max_batch = 512);
  ~Committer();  // stop()
  // Commits what is queued, runs its completions, and ends the commit thread.
  void stop();
  void setExecutor(Executor e);
  void submit(UnitOfWork work, Done done);

  struct Stats {
    uint64_t batches = 0, units = 0, failed_units = 0, failed_batches = 0;
    double commit_seconds = 0;  // total time in runBatch (SQL + fsync)
    size_t queued = 0;
  };
  Stats stats() const;
  // Called after every batch with its size and its duration in seconds (metrics).
  void setObserver(std::function<void(size_t units, double seconds)> f);

 private:
  void run();
  Store& store_;
  size_t max_batch_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<UnitOfWork> queue_;
  std::vector<Done> dones_;
  Executor executor_;
  std::function<void(size_t, double)> observer_;
  bool stopping_ = false;
  Stats stats_;
  std::thread thread_;
};

}  // namespace jingban
