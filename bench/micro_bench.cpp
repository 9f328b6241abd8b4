// jingban_micro_bench: Google Benchmark figures for the pieces on the request path.
//   calendar   addWorkingDays / due over the loaded calendar/*.yaml
//   identity   公民身份号码 validation (validCitizenId, checkId)
//   workflow   applyAction for an approve (初审) of the benchmark item
//   storage    CaseState toStorage / fromStorage (and with the JSON text the store writes)
//   json       the case view and progress JSON the API builds per response
//   sqlite     SqliteStore::runBatch of a batch of B new cases in one transaction (WAL,
//              synchronous=FULL): the per-mutation cost the group committer amortises
// Run from anywhere: the data directories default to the source tree (JINGBAN_SOURCE_DIR).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include "catalog/catalog.hpp"
#include "http/case_views.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "validate/identity.hpp"
#include "workflow/deadline.hpp"
#include "workflow/event_chain.hpp"
#include "workflow/workflow.hpp"

namespace {

using namespace jingban;

struct Fixture {
  std::shared_ptr<const Catalog> catalog;
  WorkCalendar calendar;
  const Region* region = nullptr;
  const Item* item = nullptr;  // accept, review, review, pay, complete, like the load generator
  Instant now;
  CaseState submitted, at_review1, completed;
  Actor window, reviewer, senior, finance;
};

Action named(const char* name) {
  Action a;
  a.name = name;
  return a;
}

template <typename T>
T must(Result<T> r, const char* what) {
  if (!r) throw std::runtime_error(std::string(what) + ": " + r.error().message);
  return std::move(*r);
}

const Fixture& fx() {
  static const Fixture f = [] {
    Fixture f;
    std::string src = JINGBAN_SOURCE_DIR;
    f.calendar = must(WorkCalendar::loadDir(src + "/calendar"), "calendar");
    f.catalog = must(Catalog::loadDir(src + "/catalog"), "catalog");
    f.region = f.catalog->region("qinghai");
    if (!f.region) throw std::runtime_error("no region qinghai");
    const std::vector<StepKind> want{StepKind::kAccept, StepKind::kReview, StepKind::kReview,
                                     StepKind::kPay, StepKind::kComplete};
    for (const auto& it : f.region->items) {
      std::vector<StepKind> kinds;
      for (const auto& s : it.flow) kinds.push_back(s.kind);
      if (kinds == want && it.acceptance_windows.empty() && it.acceptsApplicant("person")) {
        f.item = &it;
        break;
      }
    }
    if (!f.item)
      throw std::runtime_error(
          "no qinghai item with the flow accept, review, review, pay, complete");
    // Monday 2026-03-02 09:30 in Shanghai.
    f.now.unix_seconds =
        static_cast<int64_t>(Date::fromYmd(2026, 3, 2).days()) * 86400 + 3600 + 1800;
    auto roleOf = [&](size_t i) { return f.item->flow[i].role; };
    f.window = {"qinghai_window", {roleOf(0)}, "qinghai", false};
    f.reviewer = {"qinghai_reviewer", {roleOf(1)}, "qinghai", false};
    f.senior = {"qinghai_senior_reviewer", {roleOf(2)}, "qinghai", false};
    f.finance = {"qinghai_finance", {roleOf(3)}, "qinghai", false};
    WorkflowContext ctx{*f.region, *f.item, f.calendar, f.now};
    Submission s;
    s.channel = "窗口";
    s.applicant = {"person", "11010519491231002X", "压测申请人", ""};
    f.submitted = must(openCase(ctx, s, "630000-20260302-000001"), "openCase");
    Action accept = named("accept");
    for (const auto& m : f.item->materials) accept.materials[m.id] = "provided";
    f.at_review1 = must(applyAction(ctx, f.submitted, f.window, accept), "accept");
    CaseState c = must(applyAction(ctx, f.at_review1, f.reviewer, named("approve")), "approve 1");
    c = must(applyAction(ctx, c, f.senior, named("approve")), "approve 2");
    Action pay = named("pay");
    pay.amount_fen = 123456;
    c = must(applyAction(ctx, c, f.finance, pay), "pay");
    f.completed = must(applyAction(ctx, c, f.window, named("complete")), "complete");
    return f;
  }();
  return f;
}

// ---- calendar

void BM_AddWorkingDays(benchmark::State& st) {
  const auto& f = fx();
  Date from = Date::fromYmd(2026, 1, 20);  // across 春节 2026
  int n = static_cast<int>(st.range(0));
  for (auto _ : st) benchmark::DoNotOptimize(f.calendar.addWorkingDays(from, n));
}
BENCHMARK(BM_AddWorkingDays)->Arg(1)->Arg(15)->Arg(60);

void BM_Due(benchmark::State& st) {
  const auto& f = fx();
  Date from = Date::fromYmd(2026, 9, 28);  // across 国庆 2026
  auto kind = st.range(0) ? LimitKind::kWorkingDays : LimitKind::kNaturalDays;
  for (auto _ : st) benchmark::DoNotOptimize(f.calendar.due(from, kind, 20));
}
BENCHMARK(BM_Due)->ArgName("working")->Arg(1)->Arg(0);

// ---- identity

void BM_ValidCitizenId(benchmark::State& st) {
  std::string id = "11010519491231002X";
  for (auto _ : st) benchmark::DoNotOptimize(validCitizenId(id));
}
BENCHMARK(BM_ValidCitizenId);

void BM_CheckIdCitizen(benchmark::State& st) {
  std::string id = "11010519491231002x";  // lower-case x: normalised
  for (auto _ : st) benchmark::DoNotOptimize(checkId(IdKind::kCitizen, id));
}
BENCHMARK(BM_CheckIdCitizen);

// ---- workflow

void BM_ApplyActionApprove(benchmark::State& st) {
  const auto& f = fx();
  WorkflowContext ctx{*f.region, *f.item, f.calendar, f.now};
  Action a = named("approve");
  for (auto _ : st) {
    auto r = applyAction(ctx, f.at_review1, f.reviewer, a);
    if (!r) st.SkipWithError(r.error().message.c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ApplyActionApprove);

// ---- storage form (6 events on the case; events are stored in their own table)

void BM_ToStorage(benchmark::State& st) {
  const auto& f = fx();
  for (auto _ : st) benchmark::DoNotOptimize(toStorage(f.completed));
}
BENCHMARK(BM_ToStorage);

void BM_ToStorageDump(benchmark::State& st) {
  const auto& f = fx();
  for (auto _ : st) benchmark::DoNotOptimize(toStorage(f.completed).dump());
  st.counters["bytes"] = static_cast<double>(toStorage(f.completed).dump().size());
}
BENCHMARK(BM_ToStorageDump);

void BM_FromStorage(benchmark::State& st) {
  const auto& f = fx();
  nlohmann::json j = toStorage(f.completed);
  for (auto _ : st) benchmark::DoNotOptimize(fromStorage(j));
}
BENCHMARK(BM_FromStorage);

void BM_ParseFromStorage(benchmark::State& st) {
  const auto& f = fx();
  std::string text = toStorage(f.completed).dump();
  for (auto _ : st) benchmark::DoNotOptimize(fromStorage(nlohmann::json::parse(text)));
}
BENCHMARK(BM_ParseFromStorage);

// ---- response bodies built per request

void BM_CaseViewDump(benchmark::State& st) {
  const auto& f = fx();
  Date today = f.now.date();
  for (auto _ : st) {
    auto d = deadlineOn(f.completed, f.calendar, today);
    benchmark::DoNotOptimize(caseJson(f.completed, *f.item, *d, true).dump());
  }
}
BENCHMARK(BM_CaseViewDump);

void BM_ProgressJsonDump(benchmark::State& st) {
  const auto& f = fx();
  for (auto _ : st)
    benchmark::DoNotOptimize(progressJson(f.completed, *f.item, DeadlineView{}).dump());
}
BENCHMARK(BM_ProgressJsonDump);

// ---- SQLite commit: B new cases (with their submit event) per durable transaction

void BM_SqliteCommitBatch(benchmark::State& st) {
  const auto& f = fx();
  const char* tmp = std::getenv("TMPDIR");
  std::string path =
      std::string(tmp ? tmp : "/tmp") + "/jingban_micro_" + std::to_string(::getpid()) + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  {
    auto store = must(SqliteStore::open(path), "open store");
    size_t batch = static_cast<size_t>(st.range(0));
    int64_t serial = 0;
    for (auto _ : st) {
      std::vector<UnitOfWork> units;
      units.reserve(batch);
      for (size_t i = 0; i < batch; ++i) {
        auto c = std::make_shared<CaseState>(f.submitted);
        char no[48];
        std::snprintf(no, sizeof no, "630000-20260302-%09lld", static_cast<long long>(++serial));
        c->case_no = no;
        chainEvents(c->case_no, c->events);
        CaseRow row{c, storageFixed(*c).dump(), storageState(*c).dump(), "受理", false};
        units.push_back([row](Tx& tx) -> Result<void> {
          if (auto r = tx.nextSequence("case:630000-20260302"); !r)
            return std::unexpected(r.error());
          if (auto r = tx.insertCase(row); !r) return r;
          const auto events = row.state->events.copy();
          return tx.appendEvents(row.state->case_no, events);
        });
      }
      std::vector<Result<void>> results;
      store->runBatch(units, results);
      for (auto& r : results)
        if (!r) st.SkipWithError(r.error().message.c_str());
    }
    st.SetItemsProcessed(st.iterations() * static_cast<int64_t>(batch));
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}
BENCHMARK(BM_SqliteCommitBatch)->ArgName("batch")->Arg(1)->Arg(8)->Arg(64)->Arg(512)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
