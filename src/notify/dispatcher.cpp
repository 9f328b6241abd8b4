#include "notify/dispatcher.hpp"

#include <algorithm>

#include "notify/message.hpp"
#include "obs/log.hpp"
#include "obs/metrics.hpp"

namespace jingban::notify {

Dispatcher::Dispatcher(OutboxStore& store, Sender& sender, Clock clock, obs::Metrics* metrics)
    : store_(store), sender_(sender), clock_(std::move(clock)) {
  if (!metrics) return;
  const char* help = "Delivery attempts of notifications to applicants, by outcome";
  sent_ = &metrics->counter("jingban_notification_attempts_total", help, {{"outcome", "sent"}});
  retried_ = &metrics->counter("jingban_notification_attempts_total", help, {{"outcome", "retry"}});
  failed_ = &metrics->counter("jingban_notification_attempts_total", help, {{"outcome", "failed"}});
  metrics->addGaugeCallback("jingban_notifications",
                            "Notifications in the outbox by status (pending, sent, failed)",
                            [&store] {
                              obs::Metrics::GaugeSamples out;
                              auto counts = store.countByStatus();
                              if (!counts) return out;
                              for (const auto& [status, n] : *counts)
                                out.push_back({{{"status", status}}, static_cast<double>(n)});
                              return out;
                            });
}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Dispatcher::stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (auto r = collect(); !r) obs::error("notify_collect_failed", {{"message", r.error().message}});
}

void Dispatcher::run() {
  std::unique_lock lk(mu_);
  while (!stopping_) {
    lk.unlock();
    if (auto r = collect(); !r)
      obs::error("notify_collect_failed", {{"message", r.error().message}});
    if (auto r = sendDue(); !r) obs::error("notify_send_failed", {{"message", r.error().message}});
    lk.lock();
    cv_.wait_for(lk, std::chrono::seconds(1), [this] { return stopping_.load(); });
  }
}

void Dispatcher::committed(std::vector<CommittedEvent> events) {
  const auto& wanted = notifyActions();
  std::lock_guard lk(queue_mu_);
  for (auto& e : events)
    if (std::find(wanted.begin(), wanted.end(), e.action) != wanted.end())
      queue_.push_back(std::move(e));
}

Result<int> Dispatcher::scanFrom(int64_t since) {
  int made = 0;
  for (;;) {
    auto events = store_.newEvents(since, notifyActions(), kCollectBatch);
    if (!events) return std::unexpected(events.error());
    std::vector<OutboxMessage> messages;
    int64_t now = clock_().unix_seconds;
    for (const auto& e : *events)
      if (auto m = messageOf(e, now)) messages.push_back(std::move(*m));
    auto inserted = store_.insertNew(messages);
    if (!inserted) return std::unexpected(inserted.error());
    made += *inserted;
    // A full batch leaves more to read: the inserted ones are skipped by the next read.
    if (events->size() < static_cast<size_t>(kCollectBatch) || *inserted == 0) return made;
  }
}

Result<int> Dispatcher::collect() {
  int made = 0;
  if (!recovered_) {
    // Resume where the messages end; a database without any starts from now (the cases closed
    // before notifications were switched on get no message months later).
    int64_t now = clock_().unix_seconds;
    auto latest = store_.latestCreatedAt();
    if (!latest) return std::unexpected(latest.error());
    auto scanned = scanFrom((*latest > 0 ? *latest : now) - kOverlapSeconds);
    if (!scanned) return std::unexpected(scanned.error());
    made += *scanned;
    recovered_ = true;
  }
  std::vector<CommittedEvent> batch;
  {
    std::lock_guard lk(queue_mu_);
    batch.swap(queue_);
  }
  if (batch.empty()) return made;
  auto events = store_.eventsFor(batch);
  if (!events) {
    // Put them back for the next round (nothing is lost on a busy database).
    std::lock_guard lk(queue_mu_);
    queue_.insert(queue_.begin(), batch.begin(), batch.end());
    return std::unexpected(events.error());
  }
  std::vector<OutboxMessage> messages;
  int64_t now = clock_().unix_seconds;
  for (const auto& e : *events)
    if (auto m = messageOf(e, now)) messages.push_back(std::move(*m));
  auto inserted = store_.insertNew(messages);
  if (!inserted) {
    std::lock_guard lk(queue_mu_);
    queue_.insert(queue_.begin(), batch.begin(), batch.end());
    return std::unexpected(inserted.error());
  }
  return made + *inserted;
}

Result<int> Dispatcher::sendDue() {
  auto due = store_.due(clock_().unix_seconds, kSendBatch);
  if (!due) return std::unexpected(due.error());
  // The outcomes are saved together after the round (one transaction, never held open while a
  // sender waits on the network).
  std::vector<OutboxStore::Outcome> outcomes;
  for (const auto& m : *due) {
    if (stopping_) break;
    SendResult r = sender_.send(m);
    int attempts = m.attempts + 1;
    int64_t now = clock_().unix_seconds;
    if (r.outcome == SendResult::kOk) {
      outcomes.push_back({m.message_id, OutboxStore::Outcome::kSent, attempts, now, ""});
      if (sent_) sent_->inc();
    } else if (r.outcome == SendResult::kPermanent || attempts >= kMaxAttempts) {
      outcomes.push_back({m.message_id, OutboxStore::Outcome::kFailed, attempts, 0, r.error});
      if (failed_) failed_->inc();
      obs::warn("notification_failed", {{"message_id", m.message_id},
                                        {"attempts", attempts},
                                        {"sender", sender_.name()},
                                        {"error", r.error}});
    } else {
      int64_t next = now + backoffSeconds(attempts);
      outcomes.push_back({m.message_id, OutboxStore::Outcome::kRetry, attempts, next, r.error});
      if (retried_) retried_->inc();
      obs::info("notification_retry", {{"message_id", m.message_id},
                                       {"attempts", attempts},
                                       {"next_attempt_at", Instant{next}.iso()},
                                       {"error", r.error}});
    }
  }
  if (auto saved = store_.saveOutcomes(outcomes); !saved) return std::unexpected(saved.error());
  return static_cast<int>(outcomes.size());
}

}  // namespace jingban::notify
