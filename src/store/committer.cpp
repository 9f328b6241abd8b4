#include "store/committer.hpp"

namespace jingban {

Committer::Committer(Store& store, size_t max_batch)
    : store_(store), max_batch_(max_batch), thread_([this] { run(); }) {}

Committer::~Committer() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void Committer::submit(Mutation m, Done done) {
  {
    std::lock_guard lk(mu_);
    queue_.emplace_back(std::move(m), std::move(done));
  }
  cv_.notify_one();
}

Committer::Stats Committer::stats() const {
  std::lock_guard lk(mu_);
  return stats_;
}

void Committer::run() {
  for (;;) {
    std::vector<std::pair<Mutation, Done>> batch;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<Mutation> ms;
    ms.reserve(batch.size());
    for (auto& [m, d] : batch) ms.push_back(m);
    auto r = store_.commit(ms);
    if (r || batch.size() == 1) {
      for (auto& [m, d] : batch) d(r);
    } else {
      // One bad mutation must not fail its neighbours: retry each on its own, in order.
      for (auto& [m, d] : batch) d(store_.commit({m}));
    }
    std::lock_guard lk(mu_);
    stats_.batches++;
    stats_.mutations += batch.size();
  }
}

}  // namespace jingban
