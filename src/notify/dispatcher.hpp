// The outbox's dispatcher: a thread of `jingban serve` that, every second, (a) turns the newly
// committed events of 受理, 补正, 办结 and rating follow-ups into outbox messages and (b) sends
// the messages that are due, recording each outcome (sent; a retry after 1 s, 2 s, 4 s … capped
// at 10 minutes; failed after kMaxAttempts attempts or a permanent refusal).
//
// The event log is the source of truth and nothing on the commit path writes the outbox: the
// case store tells the dispatcher, after each durable commit, which events it made
// (Store::setCommitListener → committed(), a queue in memory), and each round turns the queued
// events of the four actions into messages. At start-up, the events committed while no
// dispatcher listened (a crash after a commit, before its round) are read once from the event log,
// from the last message's time minus an overlap window. A message's id is "<case_no>:<event
// seq>", so an event never makes two, whichever way it arrives. The cost is one case-row lookup
// per notifying event, not a rescan of the event table every second.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "calendar/date.hpp"
#include "notify/sender.hpp"
#include "store/outbox_store.hpp"

namespace jingban::obs {
class Metrics;
class Counter;
}  // namespace jingban::obs

namespace jingban::notify {

// Seconds before the last message from which the start-up scan reads the event log again.
inline constexpr int64_t kOverlapSeconds = 120;
// Events turned into messages, and messages sent, per round at most.
inline constexpr int kCollectBatch = 1000;
inline constexpr int kSendBatch = 1000;

class Dispatcher {
 public:
  // `metrics` (may be null): counters of attempts by outcome, and the messages by status.
  Dispatcher(OutboxStore& store, Sender& sender, Clock clock, obs::Metrics* metrics = nullptr);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Runs a round every second on a thread of its own until stop().
  void start();
  // Ends the thread (after the message being sent, if any), then collects once more, so that
  // every event committed before the stop has its message for the next start.
  void stop();

  // The commit listener: the events of one durable commit (called on the committer's thread;
  // keeps those of the four actions in memory for the next round).
  void committed(std::vector<CommittedEvent> events);

  // One round of each half (the thread's work; tests call them directly). collect returns the
  // messages made, sendDue the messages attempted.
  Result<int> collect();
  Result<int> sendDue();

 private:
  void run();
  OutboxStore& store_;
  Sender& sender_;
  Clock clock_;
  Result<int> scanFrom(int64_t since);
  bool recovered_ = false;  // the start-up scan of the event log is done
  std::mutex queue_mu_;
  std::vector<CommittedEvent> queue_;  // committed events of the four actions, not yet collected
  obs::Counter *sent_ = nullptr, *retried_ = nullptr, *failed_ = nullptr;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace jingban::notify
