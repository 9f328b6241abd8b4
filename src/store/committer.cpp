#include "store/committer.hpp"

#include <algorithm>
#include <chrono>
#include <exception>

namespace jingban {

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

void Committer::setObserver(std::function<void(size_t, double)> f) {
  std::lock_guard lk(mu_);
  observer_ = std::move(f);
}

void Committer::submit(UnitOfWork work, Done done) {
  {
    std::lock_guard lk(mu_);
    queue_.push_back(std::move(work));
    dones_.push_back(std::move(done));
  }
  cv_.notify_one();
}

Committer::Stats Committer::stats() const {
  std::lock_guard lk(mu_);
  Stats s = stats_;
  s.queued = queue_.size();
  return s;
}

namespace {
// A completion must never take the process down: an exception escaping it is a bug, answered as
// such by the HTTP barrier where it can be; here it is contained.
void runDone(const Committer::Done& d, Result<void> r) {
  try {
    d(std::move(r));
  } catch (const std::exception&) {
  }
}
}  // namespace

void Committer::run() {
  for (;;) {
    std::vector<UnitOfWork> batch;
    std::vector<Done> dones;
    Executor executor;
    std::function<void(size_t, double)> observer;
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
      observer = observer_;
    }
    std::vector<Result<void>> results;
    auto t0 = std::chrono::steady_clock::now();
    try {
      store_.runBatch(batch, results);
    } catch (const std::exception& e) {
      results.assign(batch.size(), fail(ErrorCode::kInternal, "internal",
                                        std::string("提交事务时发生内部错误：") + e.what()));
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (results.size() != batch.size())
      results.resize(batch.size(), fail(ErrorCode::kInternal, "internal", "提交结果缺失"));
    {
      std::lock_guard lk(mu_);
      stats_.batches++;
      stats_.units += batch.size();
      stats_.commit_seconds += seconds;
      size_t failed = 0;
      for (const auto& r : results) failed += r ? 0 : 1;
      stats_.failed_units += failed;
      if (failed == batch.size()) stats_.failed_batches++;
    }
    if (observer) observer(batch.size(), seconds);
    batch.clear();  // free the units' captures here, not on an I/O thread
    if (!executor) {
      for (size_t i = 0; i < dones.size(); ++i) runDone(dones[i], std::move(results[i]));
      continue;
    }
    // Completions are handed off in two chunks, one per I/O thread, each in commit order. A case
    // has at most one unit in a batch (CaseService runs the actions of one case one at a time),
    // so no case's successive versions can overtake each other across the chunks.
    constexpr size_t kChunks = 2;
    auto shared = std::make_shared<std::pair<std::vector<Done>, std::vector<Result<void>>>>(
        std::move(dones), std::move(results));
    size_t n = shared->first.size();
    size_t per = (n + kChunks - 1) / kChunks;
    for (size_t from = 0; from < n; from += per) {
      size_t to = std::min(n, from + per);
      executor([shared, from, to] {
        for (size_t i = from; i < to; ++i) runDone(shared->first[i], std::move(shared->second[i]));
      });
    }
  }
}

}  // namespace jingban
