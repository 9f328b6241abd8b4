#include "store/committer.hpp"

#include <algorithm>
#include <tuple>

namespace jingban {

Mutation makeMutation(std::shared_ptr<const CaseState> state,
                      std::shared_ptr<const CaseState> previous, std::vector<Event> new_events) {
  Mutation m;
  if (!previous) m.fixed = storageFixed(*state).dump();
  m.body = storageState(*state).dump();
  m.state = std::move(state);
  m.previous_version = previous ? previous->version() : 0;
  m.previous = std::move(previous);
  m.new_events = std::move(new_events);
  return m;
}

Committer::Committer(Store& store, size_t max_batch)
    : store_(store), max_batch_(max_batch), thread_([this] { run(); }) {}

Committer::~Committer() { stop(); }

void Committer::stop() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Committer::setExecutor(Executor e) {
  std::lock_guard lk(mu_);
  executor_ = std::move(e);
}

void Committer::submit(Mutation m, Done done) {
  {
    std::lock_guard lk(mu_);
    queue_.push_back(std::move(m));
    dones_.push_back(std::move(done));
  }
  cv_.notify_one();
}

Committer::Stats Committer::stats() const {
  std::lock_guard lk(mu_);
  return stats_;
}

void Committer::run() {
  for (;;) {
    std::vector<Mutation> batch;
    std::vector<Done> dones;
    Executor executor;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      if (queue_.size() <= max_batch_) {
        batch.swap(queue_);
        dones.swap(dones_);
      } else {
        auto n = static_cast<long>(max_batch_);
        batch.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.begin() + n));
        queue_.erase(queue_.begin(), queue_.begin() + n);
        dones.assign(std::make_move_iterator(dones_.begin()),
                     std::make_move_iterator(dones_.begin() + n));
        dones_.erase(dones_.begin(), dones_.begin() + n);
      }
      executor = executor_;
      stats_.batches++;
      stats_.mutations += batch.size();
    }
    std::vector<Result<void>> results;
    results.reserve(batch.size());
    auto r = store_.commit(batch);
    if (r || batch.size() == 1) {
      results.assign(batch.size(), r);
    } else {
      // One bad mutation must not fail its neighbours: retry each on its own, in order.
      for (auto& m : batch) {
        std::vector<Mutation> one;
        one.push_back(std::move(m));
        results.push_back(store_.commit(one));
      }
    }
    if (!executor) {
      for (size_t i = 0; i < dones.size(); ++i) dones[i](results[i]);
      continue;
    }
    // Completions (and freeing the batch) happen off this thread, in a few chunks rather than one
    // hand-off per request: every hand-off to another thread costs a wake-up.
    constexpr size_t kChunks = 2;
    auto shared = std::make_shared<
        std::tuple<std::vector<Mutation>, std::vector<Done>, std::vector<Result<void>>>>(
        std::move(batch), std::move(dones), std::move(results));
    size_t n = std::get<1>(*shared).size();
    size_t per = (n + kChunks - 1) / kChunks;
    for (size_t from = 0; from < n; from += per) {
      size_t to = std::min(n, from + per);
      executor([shared, from, to] {
        auto& [b, ds, rs] = *shared;
        for (size_t i = from; i < to; ++i) ds[i](rs[i]);
      });
    }
  }
}

}  // namespace jingban
