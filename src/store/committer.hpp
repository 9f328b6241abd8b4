// Group commit: requests from many threads queue their mutations; one thread commits everything
// queued so far in a single durable transaction and then answers each request. Durability is not
// weakened (synchronous=FULL, one fsync per batch); throughput grows with concurrency.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "store/store.hpp"

namespace jingban {

class Committer {
 public:
  using Done = std::function<void(Result<void>)>;
  explicit Committer(Store& store, size_t max_batch = 512);
  ~Committer();  // commits what is queued, then stops
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
  std::deque<std::pair<Mutation, Done>> queue_;
  bool stopping_ = false;
  Stats stats_;
  std::thread thread_;
};

}  // namespace jingban
