// CaseService under concurrency: many threads hammer one case; every acknowledged action is in
// the log exactly once, the log's hash chain holds, and the cached projection, the stored row and
// the replay of the stored events all agree.
#include "cases/case_service.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <thread>

#include "effects/effect.hpp"
#include "http/case_views.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "test_support.hpp"
#include "workflow/event_chain.hpp"
#include "workflow/replay.hpp"

namespace jingban {
namespace {

class CaseServiceTest : public ::testing::Test {
 public:  // for the helpers below
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("jingban_cases_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    for (auto* p : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + p);
    auto cat = Catalog::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/catalog");
    ASSERT_TRUE(cat) << cat.error().message;
    catalog_ = *cat;
    auto s = SqliteStore::open(path_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    committer_ = std::make_unique<Committer>(*store_);
    cases_ = std::make_unique<CaseService>(
        catalog_, std::make_shared<const WorkCalendar>(calendar()), *store_, *committer_, *effects_,
        views_, fixedClock(at(D(2026, 3, 10))));
  }
  void TearDown() override {
    cases_.reset();
    committer_.reset();
    store_.reset();
    for (auto* p : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + p);
  }

  // Runs an asynchronous CaseService call to completion.
  template <typename F>
  Result<nlohmann::json> wait(F call) {
    std::promise<Result<std::string>> p;
    auto f = p.get_future();
    call([&p](Result<std::string> r) { p.set_value(std::move(r)); });
    auto r = f.get();
    if (!r) return std::unexpected(r.error());
    return nlohmann::json::parse(*r);
  }

  Actor staff(const std::string& username, const std::string& role) {
    return Actor{username, {role}, region_, false};
  }

  std::string path_, region_;
  std::shared_ptr<const Catalog> catalog_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Committer> committer_;
  // No effect handlers: these tests are about the workflow, numbering and concurrency of cases,
  // and every item's effect would otherwise ask for registers and policies they do not set up.
  std::unique_ptr<EffectRegistry> effects_ = std::make_unique<EffectRegistry>();
  ApiCaseViews views_;
  std::unique_ptr<CaseService> cases_;
};

// An item with an uncounted period and a review step, no acceptance window, for a person.
const Item* pausableItem(const Catalog& c, std::string* region) {
  for (const auto& r : c.regions())
    for (const auto& it : r.items)
      if (!it.uncounted_periods.empty() && it.acceptance_windows.empty() && it.flow.size() > 2 &&
          it.flow[1].kind == StepKind::kReview &&
          std::find(it.applicant.begin(), it.applicant.end(), "person") != it.applicant.end()) {
        *region = r.id;
        return &it;
      }
  return nullptr;
}

// A case of the pausable item opened and accepted at the window; its number, "" on failure.
std::string openAccepted(CaseServiceTest& t, const Item& item) {
  Submission s;
  s.channel = item.channels.front();
  s.applicant = {"person", "630102199001010013", "张三", ""};
  Actor window = t.staff(t.region_ + "_window", item.flow[0].role);
  auto opened = t.wait([&](auto r) { t.cases_->submit(t.region_, item.code, s, &window, {}, r); });
  EXPECT_TRUE(opened) << opened.error().message;
  if (!opened) return "";
  EXPECT_EQ((*opened)["query_code"].get<std::string>().size(), kQueryCodeLength);
  Action accept;
  accept.name = "accept";
  for (const auto& m : item.materials) accept.materials[m.id] = "provided";
  auto accepted =
      t.wait([&](auto r) { t.cases_->act((*opened)["case_no"], window, accept, {}, r); });
  EXPECT_TRUE(accepted) << accepted.error().message;
  return accepted ? (*opened)["case_no"].get<std::string>() : "";
}

TEST_F(CaseServiceTest, ManyThreadsOnOneCaseLoseNothingAndAgree) {
  const Item* item = pausableItem(*catalog_, &region_);
  ASSERT_NE(item, nullptr);
  std::string no = openAccepted(*this, *item);
  ASSERT_FALSE(no.empty());

  // 8 threads × 40 pause/resume attempts: every one is either applied once or refused (409, out
  // of order), never lost, never applied twice.
  Actor reviewer = staff(region_ + "_reviewer", item->flow[1].role);
  const std::string period = item->uncounted_periods.front().id;
  std::atomic<int> applied{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        Action a;
        a.name = (i + t) % 2 == 0 ? "pause" : "resume";
        a.period = period;
        auto r = wait([&](auto reply) { cases_->act(no, reviewer, a, RequestMeta{}, reply); });
        if (r)
          applied++;
        else if (r.error().code == ErrorCode::kConflict)
          refused++;
        else
          other++;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(applied.load() + refused.load(), 320);
  EXPECT_GT(applied.load(), 0);

  committer_->stop();
  auto stored = store_->loadCase(no);
  ASSERT_TRUE(stored && *stored);
  const CaseState& c = **stored;
  ASSERT_EQ(c.events.size(), static_cast<size_t>(2 + applied.load()));
  for (size_t i = 0; i < c.events.size(); ++i) {
    EXPECT_EQ(c.events[i].seq, static_cast<int>(i + 1));
    EXPECT_EQ(c.events[i].hash, chainHash(i == 0 ? "" : c.events[i - 1].hash, no, c.events[i]));
  }
  // The row equals the replay of its events, and the service's view equals the row.
  auto replayed = replayCase(*catalog_->region(region_), *item, calendar(), c, c.events);
  ASSERT_TRUE(replayed) << replayed.error().message;
  EXPECT_EQ(storageState(*replayed), storageState(c));
  auto view = cases_->get(no, reviewer);
  ASSERT_TRUE(view);
  EXPECT_EQ((*view)["version"], static_cast<int>(c.events.size()));
}

TEST_F(CaseServiceTest, ApplicantNeedsCaseNumberIdAndQueryCodeAndEveryMismatchLooksTheSame) {
  const Item* item = pausableItem(*catalog_, &region_);
  ASSERT_NE(item, nullptr);
  Submission s;
  s.channel = item->channels.front();
  s.applicant = {"person", "630102199001010013", "张三", ""};
  Actor window = staff(region_ + "_window", item->flow[0].role);
  auto opened = wait(
      [&](auto reply) { cases_->submit(region_, item->code, s, &window, RequestMeta{}, reply); });
  ASSERT_TRUE(opened);
  std::string no = (*opened)["case_no"], code = (*opened)["query_code"];
  EXPECT_TRUE(cases_->progress(no, "630102199001010013", code));
  EXPECT_TRUE(cases_->progress(no, "630102199001010013", "abcd" + code.substr(4)) ||
              code.substr(0, 4) != "ABCD");  // codes are case-insensitive
  std::vector<Result<nlohmann::json>> wrong = {
      cases_->progress(no, "630102199001010013", "AAAAAAAA"),
      cases_->progress(no, "630102199001010021", code),
      cases_->progress("630000-20260310-999999", "630102199001010013", code),
      cases_->progress(no, "630102199001010013", ""),
  };
  for (const auto& w : wrong) {
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(w.error().message, wrong[0].error().message);
  }
}

TEST_F(CaseServiceTest, KeyedRetriesReplayTheFirstAnswerAndADifferentBodyIsRefused) {
  const Item* item = pausableItem(*catalog_, &region_);
  ASSERT_NE(item, nullptr);
  Submission s;
  s.channel = item->channels.front();
  s.applicant = {"person", "630102199001010013", "张三", ""};
  Actor window = staff(region_ + "_window", item->flow[0].role);
  RequestMeta meta{"key-1", "hash-a"};
  auto first = wait([&](auto r) { cases_->submit(region_, item->code, s, &window, meta, r); });
  auto again = wait([&](auto r) { cases_->submit(region_, item->code, s, &window, meta, r); });
  ASSERT_TRUE(first && again);
  EXPECT_EQ((*first)["case_no"], (*again)["case_no"]);
  RequestMeta other{"key-1", "hash-b"};
  auto reused = wait([&](auto r) { cases_->submit(region_, item->code, s, &window, other, r); });
  ASSERT_FALSE(reused);
  EXPECT_EQ(reused.error().slug, "idempotency_key_reused");
  // The same key from another clerk is another request altogether.
  Actor other_window = staff(region_ + "_window_2", item->flow[0].role);
  auto theirs =
      wait([&](auto r) { cases_->submit(region_, item->code, s, &other_window, meta, r); });
  ASSERT_TRUE(theirs);
  EXPECT_NE((*theirs)["case_no"], (*first)["case_no"]);
}

// Keyed actions on a case: a retry replays the first answer whether the key is still among the
// case's recent keys (a case this process opened: no look-up in the store), has dropped out of
// them (more keyed actions since), or is only in the store (after a restart).
TEST_F(CaseServiceTest, KeyedActionsReplayFromMemoryAfterManyKeysAndAfterARestart) {
  const Item* item = pausableItem(*catalog_, &region_);
  ASSERT_NE(item, nullptr);
  std::string no = openAccepted(*this, *item);
  ASSERT_FALSE(no.empty());
  Actor reviewer = staff(region_ + "_reviewer", item->flow[1].role);
  auto toggle = [&](int i) {
    Action a;
    a.name = i % 2 == 0 ? "pause" : "resume";
    a.period = item->uncounted_periods.front().id;
    RequestMeta meta{"key-" + std::to_string(i), "hash-" + std::to_string(i)};
    return wait([&](auto r) { cases_->act(no, reviewer, a, meta, r); });
  };
  std::vector<nlohmann::json> first;
  for (int i = 0; i < 12; ++i) {  // more keys than a case keeps in memory
    auto r = toggle(i);
    ASSERT_TRUE(r) << r.error().message;
    first.push_back(*r);
    if (i == 0) {  // still in memory: the same answer, nothing applied again
      auto again = toggle(0);
      ASSERT_TRUE(again) << again.error().message;
      EXPECT_EQ(*again, first[0]);
    }
  }
  // Key 0 dropped out of memory long ago: replayed from the store, not applied a second time
  // (applied again, a pause now would be refused as out of order or add an event).
  for (int i : {0, 1, 11}) {
    auto again = toggle(i);
    ASSERT_TRUE(again) << i << ": " << again.error().message;
    EXPECT_EQ(*again, first[static_cast<size_t>(i)]) << i;
  }
  // After a restart every key is in the store only.
  cases_ = std::make_unique<CaseService>(catalog_, std::make_shared<const WorkCalendar>(calendar()),
                                         *store_, *committer_, *effects_, views_,
                                         fixedClock(at(D(2026, 3, 10))));
  for (int i : {3, 11}) {
    auto again = toggle(i);
    ASSERT_TRUE(again) << i << ": " << again.error().message;
    EXPECT_EQ(*again, first[static_cast<size_t>(i)]) << i;
  }
  auto view = cases_->get(no, reviewer);
  ASSERT_TRUE(view);
  EXPECT_EQ((*view)["version"], 2 + 12);  // 申请, 受理 and the twelve keyed actions, once each
}

// An internal routine (Xining 630100990001 待遇支付) is never applied for: without a staff member
// it is refused as such and nothing is stored. Its own staff open it, as the agency of the
// region, whatever applicant and channel the submission names.
TEST_F(CaseServiceTest, AnInternalItemIsRefusedToApplicantsAndOpenedByStaffAsTheAgency) {
  region_ = "xining";
  const Item* item = catalog_->region(region_)->item("630100990001");
  ASSERT_NE(item, nullptr);
  ASSERT_TRUE(item->internal);
  Submission s;
  s.channel = "网上";
  s.applicant = {"unit", "91630100MA0000001K", "某单位", ""};
  auto r = wait(
      [&](auto reply) { cases_->submit(region_, item->code, s, nullptr, RequestMeta{}, reply); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(r.error().slug, "internal_item");
  EXPECT_NE(r.error().message.find("内部"), std::string::npos) << r.error().message;
  CaseFilter all;
  all.region = region_;
  EXPECT_EQ(store_->countCases(all).value_or(-1), 0);

  s.channel = "窗口";
  Actor window = staff(region_ + "_window", "window");
  r = wait(
      [&](auto reply) { cases_->submit(region_, item->code, s, &window, RequestMeta{}, reply); });
  ASSERT_TRUE(r) << r.error().message;
  auto stored = store_->loadCase((*r)["case_no"].get<std::string>());
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->applicant.kind, "agency");
  EXPECT_EQ((*stored)->applicant.id_no, "630100");
  EXPECT_EQ((*stored)->channel, "内部");
  EXPECT_EQ(store_->countCases(all).value_or(-1), 1);
}

// A case accepted under a limit the seed does not state (未载明, Xining 630100990002) has no due
// date: the supervision counts show it as unstated, not as waiting for 受理; a case returned at
// 受理 still waits for it.
TEST_F(CaseServiceTest, OpenCasesUnderAnUnstatedLimitCountAsUnstated) {
  region_ = "xining";
  const Item* item = catalog_->region(region_)->item("630100990002");
  ASSERT_NE(item, nullptr);
  ASSERT_EQ(item->time_limit.basis, LimitBasis::kUnstated);
  Actor window = staff(region_ + "_window", item->flow[0].role);
  std::vector<std::string> nos;
  for (const char* code : {"91630100MA0000001K", "91630100MA0000002N", "91630100MA0000003R"}) {
    Submission s;
    s.channel = "窗口";
    s.applicant = {"unit", code, "某单位", ""};
    auto opened = wait(
        [&](auto reply) { cases_->submit(region_, item->code, s, &window, RequestMeta{}, reply); });
    ASSERT_TRUE(opened) << opened.error().message;
    nos.push_back((*opened)["case_no"]);
  }
  Action accept;
  accept.name = "accept";
  for (const auto& m : item->materials) accept.materials[m.id] = "provided";
  auto accepted = wait([&](auto r) { cases_->act(nos[0], window, accept, RequestMeta{}, r); });
  ASSERT_TRUE(accepted) << accepted.error().message;
  EXPECT_EQ((*accepted)["deadline_status"], "unstated");
  EXPECT_TRUE((*accepted)["due_on"].is_null());
  // The case pinned the item's default flow at its revision; the step has no limit of its own.
  EXPECT_EQ((*accepted)["item_revision"], item->revision);
  EXPECT_EQ((*accepted)["flow_id"], "");
  EXPECT_EQ((*accepted)["step"]["name"], item->flow[1].step);
  EXPECT_TRUE((*accepted)["step_due"].is_null());
  EXPECT_TRUE((*accepted)["step_deadline_status"].is_null());
  Action ret;
  ret.name = "return";
  ret.comment = "材料不齐";
  auto returned = wait([&](auto r) { cases_->act(nos[1], window, ret, RequestMeta{}, r); });
  ASSERT_TRUE(returned) << returned.error().message;
  EXPECT_EQ((*returned)["status"], "supplement");
  auto counts = cases_->openByDeadline(region_);
  ASSERT_TRUE(counts) << counts.error().message;
  std::map<std::string, int64_t> want{
      {"not_started", 2}, {"unstated", 1}, {"on_time", 0}, {"due_soon", 0}, {"overdue", 0}};
  EXPECT_EQ(*counts, want);
}

}  // namespace
}  // namespace jingban
