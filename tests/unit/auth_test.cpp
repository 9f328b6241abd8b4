// Sign-in, lockout, sessions, the token cache and staff administration, on a real SQLite file.
#include "auth/auth.hpp"

#include <sodium.h>
#include <sqlite3.h>

#include <filesystem>

#include "common/hash.hpp"
#include "store/sqlite/sqlite_staff_store.hpp"
#include "test_support.hpp"

namespace jingban {
namespace {

constexpr const char* kGood = "Tiger-lily-42";

const Catalog& realCatalog() {
  static std::shared_ptr<const Catalog> cat = [] {
    auto c = Catalog::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/catalog", effectNameKnown);
    if (!c) throw std::runtime_error(c.error().message);
    return *c;
  }();
  return *cat;
}

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(Auth::init());
    path_ = std::filesystem::temp_directory_path() /
            ("jingban_auth_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    removeDb();
    auto s = SqliteStaffStore::open(path_.string());
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    auth_ = makeAuth();
  }
  void TearDown() override {
    auth_.reset();
    store_.reset();
    removeDb();
  }
  void removeDb() {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(path_.string() + suffix);
  }
  std::unique_ptr<Auth> makeAuth(AuthOptions o = {}) {
    return std::make_unique<Auth>(
        *store_, [this] { return Instant{now_}; }, o);
  }
  void add(const std::string& user, std::vector<std::string> roles = {"window"},
           const std::string& region = "qinghai") {
    auto r = auth_->addStaff(ChangedBy::operatorNamed("test"), realCatalog(),
                             {user, "测试人员", region, std::move(roles), kGood});
    ASSERT_TRUE(r) << r.error().message;
  }
  Actor actorOf(const std::string& token) {
    auto a = auth_->authenticate("Bearer " + token);
    EXPECT_TRUE(a) << a.error().message;
    return a ? *a : Actor{};
  }
  int64_t count(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }

  std::filesystem::path path_;
  int64_t now_ = at(D(2026, 3, 10)).unix_seconds;  // 10:00 Beijing time
  std::unique_ptr<SqliteStaffStore> store_;
  std::unique_ptr<Auth> auth_;
};

TEST(DummyHash, HasTheCostOfARealHash) {
  ASSERT_TRUE(Auth::init());
  // Same algorithm, memory and passes as hashPassword: an unknown user costs what a known one does.
  EXPECT_EQ(crypto_pwhash_str_needs_rehash(Auth::dummyHash(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                           crypto_pwhash_MEMLIMIT_INTERACTIVE),
            0);
  EXPECT_EQ(std::string(Auth::dummyHash()).rfind("$argon2id$", 0), 0u);
}

TEST_F(AuthTest, UnknownAndDisabledUsersGoThroughArgon2AndAnswerLikeAWrongPassword) {
  add("alice");
  uint64_t before = auth_->passwordVerifications();
  auto unknown = auth_->signIn("nobody", kGood);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(auth_->passwordVerifications(), before + 1);
  auto wrong = auth_->signIn("alice", "not-the-password");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(auth_->passwordVerifications(), before + 2);
  EXPECT_EQ(unknown.error().code, wrong.error().code);
  EXPECT_EQ(unknown.error().message, wrong.error().message);

  ASSERT_TRUE(auth_->setDisabled(ChangedBy::operatorNamed("test"), "alice", true));
  auto disabled = auth_->signIn("alice", kGood);
  ASSERT_FALSE(disabled);
  EXPECT_EQ(disabled.error().message, wrong.error().message);
  EXPECT_EQ(auth_->passwordVerifications(), before + 3);
}

TEST_F(AuthTest, FiveFailuresLockForFifteenMinutesEvenWithTheRightPassword) {
  add("alice");
  for (int i = 1; i <= 4; ++i) {
    auto r = auth_->signIn("alice", "wrong-" + std::to_string(i));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthorized) << i;
  }
  auto fifth = auth_->signIn("alice", "wrong-5");
  ASSERT_FALSE(fifth);
  EXPECT_EQ(fifth.error().code, ErrorCode::kForbidden);
  EXPECT_EQ(fifth.error().slug, "account_locked");
  EXPECT_NE(fifth.error().message.find("10:15（北京时间）"), std::string::npos)
      << fifth.error().message;
  uint64_t verifications = auth_->passwordVerifications();
  now_ += 14 * 60;
  auto right = auth_->signIn("alice", kGood);
  ASSERT_FALSE(right);
  EXPECT_EQ(right.error().slug, "account_locked");
  EXPECT_EQ(auth_->passwordVerifications(), verifications);  // no argon2 work while locked
  now_ += 60;
  EXPECT_TRUE(auth_->signIn("alice", kGood));
  EXPECT_EQ(count("SELECT count(*) FROM staff_audit WHERE target='alice' AND action='lock'"), 1);
}

TEST_F(AuthTest, SuccessResetsTheFailureCount) {
  add("alice");
  for (int i = 0; i < 4; ++i) ASSERT_FALSE(auth_->signIn("alice", "wrong"));
  ASSERT_TRUE(auth_->signIn("alice", kGood));
  for (int i = 0; i < 4; ++i) {
    auto r = auth_->signIn("alice", "wrong");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kUnauthorized);
  }
  EXPECT_TRUE(auth_->signIn("alice", kGood));
}

TEST_F(AuthTest, EnablingLiftsALock) {
  add("alice");
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(auth_->signIn("alice", "wrong"));
  ASSERT_TRUE(auth_->setDisabled(ChangedBy::operatorNamed("test"), "alice", false));
  EXPECT_TRUE(auth_->signIn("alice", kGood));
}

TEST_F(AuthTest, SignOutEndsTheSessionAtOnce) {
  add("alice");
  auto token = auth_->signIn("alice", kGood);
  ASSERT_TRUE(token);
  EXPECT_EQ(actorOf(*token).username, "alice");  // now cached
  ASSERT_TRUE(auth_->signOut("Bearer " + *token));
  auto after = auth_->authenticate("Bearer " + *token);
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, ErrorCode::kUnauthorized);
  auto row = store_->session(sha256Hex(*token));
  ASSERT_TRUE(row);
  EXPECT_FALSE(*row);
}

TEST_F(AuthTest, SessionsExpireAfterTwelveHoursAndArePruned) {
  add("alice");
  auto token = auth_->signIn("alice", kGood);
  ASSERT_TRUE(token);
  actorOf(*token);
  now_ += 12 * 3600;
  EXPECT_FALSE(auth_->authenticate("Bearer " + *token));
  ASSERT_TRUE(auth_->signIn("alice", kGood));  // a sign-in prunes (at most once a minute)
  auto row = store_->session(sha256Hex(*token));
  ASSERT_TRUE(row);
  EXPECT_FALSE(*row);
  EXPECT_EQ(count("SELECT count(*) FROM sessions"), 1);
}

TEST_F(AuthTest, RoleChangeDisableAndPasswordResetRevokeSessions) {
  add("alice", {"reviewer"});
  auto t1 = auth_->signIn("alice", kGood);
  auto t2 = auth_->signIn("alice", kGood);
  ASSERT_TRUE(t1 && t2);
  actorOf(*t1);
  actorOf(*t2);
  auto changed = auth_->setRoles(ChangedBy::operatorNamed("test"), realCatalog(), "alice",
                                 {"reviewer", "senior_reviewer"});
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_FALSE(auth_->authenticate("Bearer " + *t1));
  EXPECT_FALSE(auth_->authenticate("Bearer " + *t2));
  auto t3 = auth_->signIn("alice", kGood);
  ASSERT_TRUE(t3);
  EXPECT_TRUE(actorOf(*t3).hasRole("senior_reviewer"));
  ASSERT_TRUE(auth_->setPassword(ChangedBy::operatorNamed("test"), "alice", "Another-pass-77"));
  EXPECT_FALSE(auth_->authenticate("Bearer " + *t3));
  EXPECT_FALSE(auth_->signIn("alice", kGood));
  auto t4 = auth_->signIn("alice", "Another-pass-77");
  ASSERT_TRUE(t4);
  ASSERT_TRUE(auth_->setDisabled(ChangedBy::operatorNamed("test"), "alice", true));
  EXPECT_FALSE(auth_->authenticate("Bearer " + *t4));
  EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE username='alice'"), 0);
}

TEST_F(AuthTest, ARevocationByAnotherProcessIsSeenWithinTheCacheTtl) {
  add("alice");
  auto token = auth_->signIn("alice", kGood);
  ASSERT_TRUE(token);
  actorOf(*token);
  // The command line is another process: another Auth over the same file.
  auto other = makeAuth();
  ASSERT_TRUE(other->setDisabled(ChangedBy::operatorNamed("cli"), "alice", true));
  now_ += AuthOptions{}.cache_ttl_seconds;
  EXPECT_FALSE(auth_->authenticate("Bearer " + *token));
}

TEST_F(AuthTest, TheTokenCacheIsBounded) {
  AuthOptions o;
  o.cache_capacity = 3;
  auth_ = makeAuth(o);
  add("alice");
  std::vector<std::string> tokens;
  for (int i = 0; i < 6; ++i) {
    auto t = auth_->signIn("alice", kGood);
    ASSERT_TRUE(t);
    tokens.push_back(*t);
  }
  for (const auto& t : tokens) {
    EXPECT_EQ(actorOf(t).username, "alice");
    EXPECT_LE(auth_->cachedTokens(), 3u);
  }
  for (const auto& t : tokens) EXPECT_EQ(actorOf(t).username, "alice");  // evicted ones reload
  EXPECT_LE(auth_->cachedTokens(), 3u);
}

TEST_F(AuthTest, OnlyAnAdminOfTheRegionAdministersItsStaff) {
  add("qh_admin", {kAdminRole});
  add("qh_window", {"window"});
  add("yn_admin", {kAdminRole}, "yunnan");
  Actor admin = actorOf(*auth_->signIn("qh_admin", kGood));
  Actor clerk = actorOf(*auth_->signIn("qh_window", kGood));
  Actor other = actorOf(*auth_->signIn("yn_admin", kGood));
  NewStaff bob{"bob_01", "鲍勃", "qinghai", {"reviewer"}, "Correct-horse-9"};

  auto byClerk = auth_->addStaff(ChangedBy::api(clerk), realCatalog(), bob);
  ASSERT_FALSE(byClerk);
  EXPECT_EQ(byClerk.error().code, ErrorCode::kForbidden);
  auto byOther = auth_->addStaff(ChangedBy::api(other), realCatalog(), bob);
  ASSERT_FALSE(byOther);
  EXPECT_EQ(byOther.error().code, ErrorCode::kForbidden);
  auto made = auth_->addStaff(ChangedBy::api(admin), realCatalog(), bob);
  ASSERT_TRUE(made) << made.error().message;
  auto again = auth_->addStaff(ChangedBy::api(admin), realCatalog(), bob);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);

  EXPECT_EQ(auth_->setDisabled(ChangedBy::api(other), "bob_01", true).error().code,
            ErrorCode::kForbidden);
  EXPECT_EQ(
      auth_->setRoles(ChangedBy::api(other), realCatalog(), "bob_01", {"window"}).error().code,
      ErrorCode::kForbidden);
  EXPECT_EQ(auth_->listStaff(ChangedBy::api(other), "qinghai").error().code, ErrorCode::kForbidden);
  EXPECT_EQ(auth_->setRoles(ChangedBy::api(admin), realCatalog(), "bob_01", {"no_such_role"})
                .error()
                .slug,
            "invalid_roles");
  EXPECT_EQ(auth_->setDisabled(ChangedBy::api(admin), "qh_admin", true).error().slug,
            "self_lockout");
  auto list = auth_->listStaff(ChangedBy::api(admin), "qinghai");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->size(), 3u);

  // Audited with the actor, never with a password.
  EXPECT_EQ(count("SELECT count(*) FROM staff_audit WHERE actor='qh_admin' AND target='bob_01' "
                  "AND action='add'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM staff_audit WHERE detail LIKE '%Correct-horse%' OR "
                  "detail LIKE '%argon2%'"),
            0);
}

TEST_F(AuthTest, NewAccountsFollowTheUsernameAndPasswordRules) {
  auto by = ChangedBy::operatorNamed("test");
  EXPECT_EQ(auth_->addStaff(by, realCatalog(), {"Bob", "鲍勃", "qinghai", {"window"}, kGood})
                .error()
                .slug,
            "invalid_username");
  EXPECT_EQ(auth_->addStaff(by, realCatalog(), {"bob", "鲍勃", "qinghai", {"window"}, "short"})
                .error()
                .slug,
            "weak_password");
  EXPECT_EQ(auth_->addStaff(by, realCatalog(), {"bob", "鲍勃", "nowhere", {"window"}, kGood})
                .error()
                .slug,
            "unknown_region");
  // Demo seeding alone may use the public demo password.
  EXPECT_TRUE(auth_->addStaff(by, realCatalog(),
                              {"bob", "鲍勃", "qinghai", {"window"}, "jingban-demo"},
                              PasswordRule::kDemoOnly));
  EXPECT_EQ(count("SELECT count(*) FROM staff"), 1);
}

}  // namespace
}  // namespace jingban
