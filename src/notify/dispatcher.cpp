#include "notify/dispatcher.hpp"

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

Result<int> Dispatcher::collect() {
  int64_t now = clock_().unix_seconds;
  if (!last_scan_) {
    // Resume where the messages end; a database without any starts from now (the cases closed
    // before notifications were switched on get no message months later).
    auto latest = store_.latestCreatedAt();
    if (!latest) return std::unexpected(latest.error());
    last_scan_ = *latest > 0 ? *latest : now;
  }
  auto events = store_.newEvents(*last_scan_ - kOverlapSeconds, notifyActions(), kCollectBatch);
  if (!events) return std::unexpected(events.error());
  std::vector<OutboxMessage> messages;
  for (const auto& e : *events)
    if (auto m = messageOf(e, now)) messages.push_back(std::move(*m));
  auto inserted = store_.insertNew(messages);
  if (!inserted) return std::unexpected(inserted.error());
  // A full batch leaves more to read from the same point: the next round goes on from there.
  if (events->size() < static_cast<size_t>(kCollectBatch)) last_scan_ = std::max(*last_scan_, now);
  return *inserted;
}

Result<int> Dispatcher::sendDue() {
  auto due = store_.due(clock_().unix_seconds, kSendBatch);
  if (!due) return std::unexpected(due.error());
  int attempted = 0;
  for (const auto& m : *due) {
    if (stopping_) break;
    SendResult r = sender_.send(m);
    ++attempted;
    int attempts = m.attempts + 1;
    int64_t now = clock_().unix_seconds;
    Result<void> saved;
    if (r.outcome == SendResult::kOk) {
      saved = store_.markSent(m.message_id, attempts, now);
      if (sent_) sent_->inc();
    } else if (r.outcome == SendResult::kPermanent || attempts >= kMaxAttempts) {
      saved = store_.markFailed(m.message_id, attempts, r.error);
      if (failed_) failed_->inc();
      obs::warn("notification_failed", {{"message_id", m.message_id},
                                        {"attempts", attempts},
                                        {"sender", sender_.name()},
                                        {"error", r.error}});
    } else {
      int64_t next = now + backoffSeconds(attempts);
      saved = store_.markRetry(m.message_id, attempts, next, r.error);
      if (retried_) retried_->inc();
      obs::info("notification_retry", {{"message_id", m.message_id},
                                       {"attempts", attempts},
                                       {"next_attempt_at", Instant{next}.iso()},
                                       {"error", r.error}});
    }
    if (!saved) return std::unexpected(saved.error());
  }
  return attempted;
}

}  // namespace jingban::notify
