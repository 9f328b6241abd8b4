// Group commit: requests from many threads queue their mutations; one thread commits everything
// queued so far in a single durable transaction and then answers each request. Durability is not
// weakened (synchronous=FULL, one fsync per batch); throughput grows with concurrency.
#pragma once

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
  // Runs a completion somewhere other than the commit thread (the HTTP I/O threads), so that the
  // commit thread does SQL and fsync only. Without one, completions run inline.
  using Executor = std::function<void(std::function<void()>)>;

  explicit Committer(Store& store, size_t max_batch = 512);
  ~Committer();  // stop()
  // Commits what is queued, runs its completions, and ends the commit thread.
  void stop();
  void setExecutor(Executor e);
  void submit(Mutation m, Done done);

  struct Stats {
    uint64_t batches = 0, mutations = 0;
  };
  Stats stats() const;

 private:
  void run();
  Store& store_;
  size_t max_batch_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Mutation> queue_;
  std::vector<Done> dones_;
  Executor executor_;
  bool stopping_ = false;
  Stats stats_;
  std::thread thread_;
};

}  // namespace jingban
