// The outbox dispatcher (src/notify/dispatcher) over the SQLite outbox (store/sqlite/
// sqlite_outbox): events become one message each however often they arrive, the commit
// listener brings them after start-up and the start-up scan before it, a restart resumes, and
// delivery follows the
// sender's outcome with the backoff, up to failed; a supervisor's retry puts it back.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "notify/dispatcher.hpp"
#include "notify/message.hpp"
#include "store/sqlite/sqlite_outbox.hpp"

namespace jingban::notify {
namespace {

constexpr int64_t kT0 = 1773108000;  // 2026-03-10T10:00:00+08:00

// Answers with the scripted outcomes in order, then ok; remembers every message it was given.
class ScriptedSender : public Sender {
 public:
  std::deque<SendResult::Outcome> script;
  std::vector<std::string> seen;
  SendResult send(const OutboxMessage& m) override {
    seen.push_back(m.message_id);
    if (script.empty()) return {};
    auto o = script.front();
    script.pop_front();
    return {o, o == SendResult::kOk ? "" : "HTTP 503"};
  }
  std::string name() const override { return "scripted"; }
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("jingban_outbox_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    removeFiles();
    outbox_ = openOutbox();
  }
  void TearDown() override {
    outbox_.reset();
    removeFiles();
  }
  void removeFiles() {
    for (auto* p : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + p);
  }
  std::unique_ptr<SqliteOutbox> openOutbox() {
    auto o = SqliteOutbox::open(path_);
    if (!o) throw std::runtime_error(o.error().message);
    return std::move(*o);
  }
  // Writes as the case committer would (another connection).
  void sql(const std::string& text) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* err = nullptr;
    int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }
  void addCase(const std::string& no, const std::string& phone) {
    sql("INSERT INTO cases(case_no,region,item_code,status,step,applicant_id,submitted_at,version,"
        "body) VALUES('" +
        no + "','qinghai','002001','submitted','受理','630102199001010011'," + std::to_string(kT0) +
        ",1,'{}');INSERT INTO case_fixed(id,fixed) VALUES(last_insert_rowid(),"
        "json_object('item_name','异地就医备案','applicant',json_object('id_no',"
        "'630102199001010011','phone','" +
        phone + "')))");
  }
  void addEvent(const std::string& no, int seq, int64_t at, const std::string& action) {
    sql("INSERT INTO case_events(case_no,seq,at,actor,action,step,comment,data) VALUES('" + no +
        "'," + std::to_string(seq) + "," + std::to_string(at) + ",'clerk','" + action +
        "','受理','','{}')");
  }
  // The message's status, or "" when there is none (yet).
  std::string statusOf(const std::string& id) {
    auto m = outbox_->message(id);
    return m && *m ? (*m)->status : "";
  }
  std::vector<OutboxMessage> all() {
    auto l = outbox_->list({"qinghai", "", 500, 0});
    if (!l) throw std::runtime_error(l.error().message);
    return *l;
  }
  OutboxMessage get(const std::string& id) {
    auto m = outbox_->message(id);
    if (!m || !*m) throw std::runtime_error("no message " + id);
    return **m;
  }

  std::string path_;
  std::unique_ptr<SqliteOutbox> outbox_;
  std::atomic<int64_t> now_{kT0};
};

TEST_F(DispatcherTest, OneMessagePerEventOfTheFourActions) {
  ScriptedSender s;
  Dispatcher d(*outbox_, s, [this] { return Instant{now_.load()}; });
  addCase("C1", "13800001234");
  addCase("C2", "");  // no phone: nobody to tell
  const char* actions[] = {"submit",  "return",   "supplement", "accept",
                           "approve", "complete", "rate",       "resolve_follow_up"};
  for (int i = 0; i < 8; ++i) {
    addEvent("C1", i + 1, kT0 + i, actions[i]);
    addEvent("C2", i + 1, kT0 + i, actions[i]);
  }
  now_ = kT0 + 10;
  auto made = d.collect();
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_EQ(*made, 4);
  auto list = all();
  ASSERT_EQ(list.size(), 4u);
  std::map<std::string, std::string> kinds;
  for (const auto& m : list) kinds[m.message_id] = m.kind;
  EXPECT_EQ(kinds, (std::map<std::string, std::string>{{"C1:2", "supplement"},
                                                       {"C1:4", "accepted"},
                                                       {"C1:6", "completed"},
                                                       {"C1:8", "follow_up"}}));
  EXPECT_NE(list[0].text.find("异地就医备案"), std::string::npos);
  EXPECT_EQ(list[0].text.find("630102199001010011"), std::string::npos);
  // Collected again (the overlap window re-reads them): nothing new.
  now_ = kT0 + 11;
  EXPECT_EQ(*d.collect(), 0);
  EXPECT_EQ(all().size(), 4u);
}

TEST_F(DispatcherTest, AfterStartTheCommitListenerBringsEachEventOnce) {
  ScriptedSender s;
  Dispatcher d(*outbox_, s, [this] { return Instant{now_.load()}; });
  addCase("C1", "13800001234");
  addEvent("C1", 1, kT0, "accept");
  now_ = kT0 + 1;
  EXPECT_EQ(*d.collect(), 1);  // the start-up scan
  // Committed and told by the store: collected; an approval is no message.
  addEvent("C1", 2, kT0 + 300, "return");
  addEvent("C1", 3, kT0 + 301, "approve");
  d.committed({{"C1", 2, kT0 + 300, "return"}, {"C1", 3, kT0 + 301, "approve"}});
  now_ = kT0 + 302;
  EXPECT_EQ(*d.collect(), 1);
  EXPECT_NO_THROW(get("C1:2"));
  EXPECT_FALSE(*outbox_->message("C1:3"));
  // Told twice (a replayed notification): still one message.
  d.committed({{"C1", 2, kT0 + 300, "return"}});
  EXPECT_EQ(*d.collect(), 0);
  // Rounds do not rescan the event log: an event nobody told of waits for the next start-up …
  addEvent("C1", 4, kT0 + 303, "complete");
  now_ = kT0 + 304;
  EXPECT_EQ(*d.collect(), 0);
  // … whose scan, from the last message's time minus the overlap, finds it.
  Dispatcher restarted(*outbox_, s, [this] { return Instant{now_.load()}; });
  EXPECT_EQ(*restarted.collect(), 1);
  EXPECT_NO_THROW(get("C1:4"));
}

TEST_F(DispatcherTest, RestartResumesFromTheLastMessage) {
  addCase("C1", "13800001234");
  addEvent("C1", 1, kT0, "accept");
  {
    ScriptedSender s;
    Dispatcher d(*outbox_, s, [this] { return Instant{now_.load()}; });
    now_ = kT0 + 1;
    EXPECT_EQ(*d.collect(), 1);
  }
  // Committed while no dispatcher ran, shortly after the last message.
  addEvent("C1", 2, kT0 + 30, "return");
  outbox_ = openOutbox();
  ScriptedSender s;
  Dispatcher d(*outbox_, s, [this] { return Instant{now_.load()}; });
  now_ = kT0 + 3600;
  EXPECT_EQ(*d.collect(), 1);
  EXPECT_EQ(all().size(), 2u);
}

TEST_F(DispatcherTest, AnEmptyOutboxStartsFromNowNotFromHistory) {
  addCase("C1", "13800001234");
  addEvent("C1", 1, kT0 - 86400, "complete");  // closed yesterday, before notifications
  addEvent("C1", 2, kT0 - 10, "resolve_follow_up");
  ScriptedSender s;
  Dispatcher d(*outbox_, s, [this] { return Instant{now_.load()}; });
  EXPECT_EQ(*d.collect(), 1);
  EXPECT_FALSE(*outbox_->message("C1:1"));
}

TEST_F(DispatcherTest, RetriesWithBackoffThenSent) {
  ScriptedSender s;
  s.script = {SendResult::kRetryable, SendResult::kRetryable};
  Dispatcher d(*outbox_, s, [this] { return Instant{now_.load()}; });
  addCase("C1", "13800001234");
  addEvent("C1", 1, kT0, "accept");
  ASSERT_EQ(*d.collect(), 1);
  EXPECT_EQ(*d.sendDue(), 1);
  auto m = get("C1:1");
  EXPECT_EQ(m.status, "pending");
  EXPECT_EQ(m.attempts, 1);
  EXPECT_EQ(m.next_attempt_at, kT0 + 1);
  EXPECT_EQ(m.last_error, "HTTP 503");
  EXPECT_EQ(*d.sendDue(), 0);  // not due yet
  now_ = kT0 + 1;
  EXPECT_EQ(*d.sendDue(), 1);
  m = get("C1:1");
  EXPECT_EQ(m.attempts, 2);
  EXPECT_EQ(m.next_attempt_at, kT0 + 1 + 2);
  now_ = kT0 + 2;
  EXPECT_EQ(*d.sendDue(), 0);
  now_ = kT0 + 3;
  EXPECT_EQ(*d.sendDue(), 1);
  m = get("C1:1");
  EXPECT_EQ(m.status, "sent");
  EXPECT_EQ(m.attempts, 3);
  EXPECT_EQ(m.sent_at, kT0 + 3);
  EXPECT_EQ(m.last_error, "");
  now_ = kT0 + 1000;
  EXPECT_EQ(*d.sendDue(), 0);  // sent once, never again
  EXPECT_EQ(s.seen.size(), 3u);
}

TEST_F(DispatcherTest, PermanentRefusalFailsAtOnceAndRetryRequeues) {
  ScriptedSender s;
  s.script = {SendResult::kPermanent};
  Dispatcher d(*outbox_, s, [this] { return Instant{now_.load()}; });
  addCase("C1", "13800001234");
  addEvent("C1", 1, kT0, "complete");
  ASSERT_EQ(*d.collect(), 1);
  EXPECT_EQ(*d.sendDue(), 1);
  auto m = get("C1:1");
  EXPECT_EQ(m.status, "failed");
  EXPECT_EQ(m.attempts, 1);
  now_ = kT0 + 10000;
  EXPECT_EQ(*d.sendDue(), 0);
  auto counts = outbox_->countByStatus();
  EXPECT_EQ((*counts)["failed"], 1);
  EXPECT_EQ((*counts)["pending"], 0);
  // Only a failed message can be put back.
  EXPECT_TRUE(*outbox_->retry("C1:1"));
  EXPECT_FALSE(*outbox_->retry("C1:1"));
  EXPECT_FALSE(*outbox_->retry("nope:1"));
  m = get("C1:1");
  EXPECT_EQ(m.status, "pending");
  EXPECT_EQ(m.attempts, 0);
  EXPECT_EQ(*d.sendDue(), 1);
  EXPECT_EQ(get("C1:1").status, "sent");
}

TEST_F(DispatcherTest, FailedAfterTheLastAttempt) {
  ScriptedSender s;
  for (int i = 0; i < kMaxAttempts; ++i) s.script.push_back(SendResult::kRetryable);
  Dispatcher d(*outbox_, s, [this] { return Instant{now_.load()}; });
  addCase("C1", "13800001234");
  addEvent("C1", 1, kT0, "accept");
  ASSERT_EQ(*d.collect(), 1);
  for (int i = 0; i < kMaxAttempts; ++i) {
    EXPECT_EQ(*d.sendDue(), 1) << i;
    now_ = now_ + 600;  // past any backoff
  }
  auto m = get("C1:1");
  EXPECT_EQ(m.status, "failed");
  EXPECT_EQ(m.attempts, kMaxAttempts);
  EXPECT_EQ(*d.sendDue(), 0);
}

TEST_F(DispatcherTest, ThreadDeliversAndStopsCollectingTheLastEvents) {
  ScriptedSender s;
  addCase("C1", "13800001234");
  {
    Dispatcher d(*outbox_, s, [this] { return Instant{now_.load()}; });
    d.start();
    addEvent("C1", 1, kT0, "accept");
    d.committed({{"C1", 1, kT0, "accept"}});
    for (int i = 0; i < 100 && statusOf("C1:1") != "sent"; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(statusOf("C1:1"), "sent");
    addEvent("C1", 2, kT0 + 1, "complete");
    d.committed({{"C1", 2, kT0 + 1, "complete"}});
    d.stop();  // collects once more after the thread ends
  }
  EXPECT_NO_THROW(get("C1:2"));
}

}  // namespace
}  // namespace jingban::notify
