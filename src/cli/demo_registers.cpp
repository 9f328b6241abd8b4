// The demo register of `serve --demo` (see cli/demo.hpp): units and employees through cases
// driven to 办结, residents and account credits through import batches.
#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <type_traits>

#include "cases/case_service.hpp"
#include "catalog/form_schema.hpp"
#include "cli/demo.hpp"
#include "effects/account_credits.hpp"
#include "effects/institution_list.hpp"
#include "effects/resident_import.hpp"
#include "obs/log.hpp"
#include "store/committer.hpp"
#include "store/store.hpp"

namespace jingban {

namespace {

using nlohmann::json;

constexpr const char* kDemoActor = "demo";

std::string twoDigits(int n) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", n);
  return buf;
}

// The region's division code with the county part 99 (see demo.hpp).
std::string demoArea(const Region& r) {
  std::string d = r.division_code.size() >= 4 ? r.division_code.substr(0, 4) : "6300";
  return d + "99";
}

std::string personName(int n) { return "示例人员" + twoDigits(n); }
std::string unitName(int n) { return "示例单位" + twoDigits(n); }

// Which unit person n works for (1-based), 0 for a resident: 1–4, 5–6, 7–8.
int unitOf(int n) {
  if (n > kDemoEmployees) return 0;
  return n <= 4 ? 1 : (n <= 6 ? 2 : 3);
}

int64_t contributionBase(int n) { return 500'000 + int64_t{n} * 20'000; }

// 9:00 in Beijing on `d`.
Instant nineOClock(Date d) { return Instant{int64_t{d.days()} * 86400 + 3600}; }

// The first working day of `today`'s year (a weekday where the year is not loaded), or today
// when that is not earlier: the day the demo register was made.
Date demoDay(const WorkCalendar& cal, Date today) {
  Date d = Date::fromYmd(today.year(), 1, 1);
  for (int i = 0; i < 20 && d < today; ++i, d = d.plusDays(1)) {
    auto working = cal.isWorkingDayOrWeekday(d);
    if (working && *working) return d;
  }
  return today;
}

std::string monthOf(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", d.year(), d.month());
  return buf;
}

// Runs the calls at once (the committer takes them in one batch where it can) and waits for
// every answer: the answers in the calls' order.
std::vector<Result<std::string>> runAll(
    const std::vector<std::function<void(CaseService::Reply)>>& calls) {
  std::vector<std::promise<Result<std::string>>> done(calls.size());
  std::vector<std::future<Result<std::string>>> answers;
  for (auto& p : done) answers.push_back(p.get_future());
  for (size_t i = 0; i < calls.size(); ++i) {
    auto* slot = &done[i];
    calls[i]([slot](Result<std::string> r) { slot->set_value(std::move(r)); });
  }
  std::vector<Result<std::string>> out;
  for (auto& f : answers) out.push_back(f.get());
  return out;
}

Result<json> parsed(const Result<std::string>& r) {
  if (!r) return std::unexpected(r.error());
  return json::parse(*r);
}

// One demo case: what to submit, then its answers as it goes.
struct DemoCase {
  const Region* region = nullptr;
  const Item* item = nullptr;
  Submission submission;
  std::string case_no;
  json last;                                // the latest answer
  std::map<std::string, std::string> hand;  // review role → the account deciding there
};

Error demoFailure(const DemoCase& c, const std::string& what, const Error& e) {
  return Error{
      e.code, e.slug,
      "演示数据写入失败（" + c.region->id + " " + c.item->code + " " + what + "）：" + e.message,
      0};
}

Actor staffActor(const Region& r, const std::string& username, const std::string& role) {
  return Actor{username, {role}, r.id, false};
}

// The next action of a case at its current step, as a clerk would take it: each review role by
// its own account and never one account at two roles (four eyes), as tests/integration does.
Result<std::pair<Actor, Action>> nextAction(DemoCase& c) {
  const json& step = c.last["step"];
  std::string kind = step["kind"].is_string() ? step["kind"].get<std::string>() : "";
  std::string role = step["role"].is_string() ? step["role"].get<std::string>() : "";
  const Region& r = *c.region;
  Action a;
  if (kind == "accept") {
    a.name = "accept";
    for (const auto& m : c.item->materials) a.materials[m.id] = "provided";
    return std::pair{staffActor(r, r.id + "_" + role, role), a};
  }
  if (kind == "review") {
    if (!c.hand.count(role)) {
      std::set<std::string> used;
      for (const auto& [k, v] : c.hand) used.insert(v);
      std::string base = r.id + "_" + role;
      c.hand[role] = used.count(base) ? base + "_2" : base;
    }
    a.name = "approve";
    return std::pair{staffActor(r, c.hand[role], role), a};
  }
  if (kind == "complete") {
    a.name = "complete";
    return std::pair{staffActor(r, r.id + "_" + role, role), a};
  }
  // Registration items pay nothing: a pay step here means the catalog changed under the demo.
  return fail(ErrorCode::kInternal, "demo_unexpected_step",
              "演示数据：事项 " + c.item->code + " 的流程出现了无法自动办理的环节（" + kind + "）");
}

// Submits every case, then moves all of them one step at a time until each is 办结.
Result<void> driveToCompletion(CaseService& service, std::vector<DemoCase>& cases) {
  std::vector<std::function<void(CaseService::Reply)>> calls;
  for (auto& c : cases)
    calls.push_back([&service, &c](CaseService::Reply reply) {
      Actor window = staffActor(*c.region, c.region->id + "_" + c.item->flow.front().role,
                                c.item->flow.front().role);
      service.submit(c.region->id, c.item->code, c.submission, &window, {}, std::move(reply));
    });
  auto submitted = runAll(calls);
  for (size_t i = 0; i < cases.size(); ++i) {
    auto j = parsed(submitted[i]);
    if (!j) return std::unexpected(demoFailure(cases[i], "申请", j.error()));
    cases[i].last = std::move(*j);
    cases[i].case_no = cases[i].last["case_no"].get<std::string>();
  }
  // 受理 leaves a case in_progress; it stays so until 办结 (a flow has at most a few steps).
  for (int round = 0; round < 32; ++round) {
    calls.clear();
    std::vector<DemoCase*> moving;
    for (auto& c : cases) {
      std::string status = c.last.value("status", "");
      if (status == "completed") continue;
      if (status != "submitted" && status != "in_progress")
        return std::unexpected(demoFailure(
            c, "办理",
            Error{ErrorCode::kInternal, "demo_case_stopped", "办件状态为 " + status, 0}));
      auto next = nextAction(c);
      if (!next) return std::unexpected(next.error());
      moving.push_back(&c);
      calls.push_back([&service, &c, next = std::move(*next)](CaseService::Reply reply) {
        service.act(c.case_no, next.first, next.second, {}, std::move(reply));
      });
    }
    if (moving.empty()) return {};
    auto answers = runAll(calls);
    for (size_t i = 0; i < moving.size(); ++i) {
      auto j = parsed(answers[i]);
      if (!j) return std::unexpected(demoFailure(*moving[i], "办理", j.error()));
      moving[i]->last = std::move(*j);
    }
  }
  return fail(ErrorCode::kInternal, "demo_case_loop", "演示数据：办件未能在预期的环节数内办结");
}

const Item* itemWithEffect(const Region& r, const std::string& effect) {
  for (const auto& it : r.items)
    if (it.effect == effect && !it.internal &&
        std::find(it.applicant.begin(), it.applicant.end(), "unit") != it.applicant.end())
      return &it;
  return nullptr;
}

Result<Submission> submissionFor(const Item& item, Applicant applicant, const json& form,
                                 std::set<std::string> conditions) {
  Submission s;
  bool window =
      std::find(item.channels.begin(), item.channels.end(), "窗口") != item.channels.end();
  s.channel = window ? "窗口" : item.channels.front();
  s.applicant = std::move(applicant);
  s.conditions = std::move(conditions);
  // The form is checked against the item's definition exactly as the HTTP edge checks it.
  auto valid = validateForm(item.formSchema(), form);
  if (!valid) return std::unexpected(valid.error());
  s.form = std::move(*valid);
  return s;
}

// Waits for an import through the committer.
template <typename T = ImportReport>
Result<T> waitFor(std::type_identity_t<std::function<void(std::function<void(Result<T>)>)>> run) {
  std::promise<Result<T>> p;
  auto f = p.get_future();
  run([&p](Result<T> r) { p.set_value(std::move(r)); });
  return f.get();
}

Result<bool> databaseEmpty(Store& store, const Catalog& catalog) {
  auto cases = store.countCases(CaseFilter{});
  if (!cases) return std::unexpected(cases.error());
  if (*cases > 0) return false;
  for (const auto& r : catalog.regions()) {
    auto units = store.registers().units(UnitFilter{r.id, "", "", 1, 0});
    if (!units) return std::unexpected(units.error());
    auto persons = store.registers().persons(PersonFilter{r.id, "", "", "", 1, 0});
    if (!persons) return std::unexpected(persons.error());
    if (!units->empty() || !persons->empty()) return false;
  }
  return true;
}

}  // namespace

std::string demoCitizenId(const Region& region, int n) {
  // Employees born 1968…1989, residents 1945…2022: every age the pages should show.
  int year = n <= kDemoEmployees ? 1968 + 3 * (n - 1) : 1945 + 7 * (n - kDemoEmployees - 1);
  unsigned month = 1 + static_cast<unsigned>(n * 5) % 12;
  unsigned day = 1 + static_cast<unsigned>(n * 7) % 28;
  char body[32];
  std::snprintf(body, sizeof body, "%s%04d%02u%02u9%02d", demoArea(region).c_str(), year, month,
                day, n % 100);
  // GB 11643: weights 2^(17-i) mod 11, check = "10X98765432"[sum mod 11].
  static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                   3, 7, 9,  10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < kWeights.size(); ++i) sum += (body[i] - '0') * kWeights[i];
  return std::string(body) + "10X98765432"[sum % 11];
}

std::string demoCreditCode(const Region& region, int n) {
  std::string body = "91" + demoArea(region) + "DEM0000" + twoDigits(n % 100);
  // GB 32100: 31 characters (no I, O, S, V, Z), weights 3^i mod 31, check = 31 - sum mod 31.
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr std::array<int, 17> kWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                                   29, 25, 13, 8,  24, 10, 30, 28};
  int sum = 0;
  for (size_t i = 0; i < kWeights.size(); ++i)
    sum += static_cast<int>(kAlphabet.find(body[i])) * kWeights[i];
  return body + kAlphabet[(31 - sum % 31) % 31];
}

Result<DemoRegisterReport> seedDemoRegisters(CaseService& cases, Store& store,
                                             Committer& committer) {
  const Catalog& catalog = cases.catalog();
  DemoRegisterReport report;
  auto empty = databaseEmpty(store, catalog);
  if (!empty) return std::unexpected(empty.error());
  if (!*empty) {
    std::cout << "演示登记数据：数据库中已有办件或登记数据，未写入演示数据" << std::endl;
    return report;
  }
  auto calendar = cases.calendar();
  const Date day = demoDay(*calendar, cases.today());
  const Instant at = nineOClock(day);
  // A service of its own whose clock stands at the demo day: its cases are numbered and dated
  // there. It shares the store, the committer and the effects of the real one. (The catalog is
  // borrowed: `cases` outlives this function.)
  CaseService demo(std::shared_ptr<const Catalog>(std::shared_ptr<const Catalog>{}, &catalog),
                   calendar, store, committer, cases.effects(), cases.views(), fixedClock(at));

  // 单位参保登记 (新参保), then 职工参保登记 (新增) of each unit's employees.
  std::vector<DemoCase> units, employees;
  for (const auto& r : catalog.regions()) {
    const Item* unit_item = itemWithEffect(r, "unit_enrolment");
    const Item* employee_item = itemWithEffect(r, "employee_enrolment");
    if (!unit_item) continue;
    static constexpr std::array<const char*, kDemoUnits> kTypes = {"企业", "机关", "全额拨款事业"};
    static constexpr std::array<const char*, kDemoUnits> kStart = {"2010-01", "2015-07", "2021-03"};
    for (int u = 1; u <= kDemoUnits; ++u) {
      json form = {{"unit_type", kTypes[u - 1]},
                   {"address", r.name + "示例路" + std::to_string(u) + "号"},
                   {"legal_representative", "示例法人" + twoDigits(u)},
                   {"phone", "1390000080" + std::to_string(u)},
                   {"bank_account", "62220000000000" + twoDigits(u)}};
      if (unit_item->formSchema().field("change")) form["change"] = "新参保";
      Applicant unit{"unit", demoCreditCode(r, u), unitName(u), ""};
      auto s = submissionFor(*unit_item, unit, form, {});
      if (!s) return std::unexpected(s.error());
      units.push_back(DemoCase{&r, unit_item, std::move(*s), "", {}, {}});
      if (!employee_item) continue;
      json persons = json::array();
      for (int n = 1; n <= kDemoEmployees; ++n)
        if (unitOf(n) == u)
          persons.push_back({{"id_no", demoCitizenId(r, n)},
                             {"name", personName(n)},
                             {"contribution_base_fen", contributionBase(n)}});
      std::set<std::string> conditions;
      for (const auto& c : employee_item->conditions)
        if (c.id == "employee") conditions.insert(c.id);
      auto e = submissionFor(
          *employee_item, unit,
          {{"change", "新增"}, {"start_month", kStart[u - 1]}, {"persons", persons}}, conditions);
      if (!e) return std::unexpected(e.error());
      employees.push_back(DemoCase{&r, employee_item, std::move(*e), "", {}, {}});
      report.employees += static_cast<int64_t>(persons.size());
    }
  }
  if (auto r = driveToCompletion(demo, units); !r) return std::unexpected(r.error());
  if (auto r = driveToCompletion(demo, employees); !r) return std::unexpected(r.error());
  report.units = static_cast<int64_t>(units.size());
  report.cases = static_cast<int64_t>(units.size() + employees.size());

  // 城乡居民 of every region, enrolled from January by a resident import (the annual collection
  // period), and 划入 to the accounts of the first employees: both as import batches.
  static constexpr std::array<const char*, 5> kIdentities = {"低保", "低保", "特困", "特困",
                                                             "重度残疾"};
  for (const auto& r : catalog.regions()) {
    std::string csv(kResidentHeader);
    csv += "\n";
    for (int n = kDemoEmployees + 1; n <= kDemoPersons; ++n) {
      int k = n - kDemoEmployees - 1;
      std::string phone = n % 2 ? "139000009" + twoDigits(n) : "";
      csv += demoCitizenId(r, n) + "," + personName(n) + "," + phone + "," +
             (k < static_cast<int>(kIdentities.size()) ? kIdentities[k] : "") + "\n";
    }
    auto file = parseResidentCsv(csv);
    if (!file) return std::unexpected(file.error());
    if (!file->rejected.empty())
      return fail(ErrorCode::kInternal, "demo_resident_rejected",
                  "演示数据：居民名单第 " + std::to_string(file->rejected.front().row) +
                      " 行未通过校验：" + file->rejected.front().reason);
    ImportRequest q{r.id, kDemoActor, at.unix_seconds, std::to_string(day.year()) + "-01"};
    auto imported = waitFor(
        [&](auto done) { importResidents(committer, q, std::move(*file), std::move(done)); });
    if (!imported) return std::unexpected(imported.error());
    if (!imported->rejected.empty())
      return fail(ErrorCode::kInternal, "demo_resident_rejected",
                  "演示数据：居民导入有被拒绝的行：" + imported->rejected.front().reason);
    report.residents += imported->accepted;

    bool has_employees = false;
    for (const auto& c : employees) has_employees = has_employees || c.region == &r;
    if (!has_employees) continue;
    std::string credits(kAccountCreditHeader);
    credits += "\n";
    const std::string months[] = {monthOf(day.plusDays(-static_cast<int>(day.day()))),
                                  monthOf(day)};
    for (int n = 1; n <= kDemoCredited; ++n)
      for (const auto& m : months)
        credits +=
            demoCitizenId(r, n) + "," + std::to_string(contributionBase(n) / 50) + "," + m + "\n";
    auto rows = parseAccountCredits(credits);
    if (!rows) return std::unexpected(rows.error());
    auto credited = waitFor([&](auto done) {
      importAccountCredits(committer, r.id, kDemoActor, at.unix_seconds, std::move(*rows),
                           std::move(done));
    });
    if (!credited) return std::unexpected(credited.error());
    if (!credited->rejected.empty())
      return fail(ErrorCode::kInternal, "demo_credit_rejected",
                  "演示数据：个人账户划入有被拒绝的行：" + credited->rejected.front().reason);
    report.credited += kDemoCredited;
  }
  report.persons = report.employees + report.residents;

  // One designated hospital and one designated pharmacy per region, taken over as the region's
  // list of institutions designated before (their agreements run from January for three years).
  std::string first_codes;
  for (const auto& r : catalog.regions()) {
    const std::string from = Date::fromYmd(day.year(), 1, 1).str();
    const std::string to = Date::fromYmd(day.year() + 2, 12, 31).str();
    std::vector<ListedInstitution> list{
        {"医疗机构", demoCreditCode(r, 11), r.name + "示例医院", "二级", from, to,
         r.name + "示例路11号", "6222000000000011"},
        {"零售药店", demoCreditCode(r, 12), r.name + "示例大药房", "", from, to,
         r.name + "示例路12号", "6222000000000012"}};
    auto listed = waitFor<std::vector<std::string>>([&](auto done) {
      importInstitutions(committer, r.id, r.division_code, kDemoActor, at.unix_seconds,
                         std::move(list), std::move(done));
    });
    if (!listed) return std::unexpected(listed.error());
    report.institutions += static_cast<int64_t>(listed->size());
    if (first_codes.empty())
      for (const auto& c : *listed) first_codes += (first_codes.empty() ? "" : "、") + c;
  }
  report.seeded = true;

  const Region& first = catalog.regions().front();
  std::cout << "演示登记数据：" << catalog.regions().size() << " 个地区共 " << report.units
            << " 个参保单位、" << report.persons << " 名参保人员（职工 " << report.employees
            << "，其中 " << report.credited << " 人有个人账户划入；城乡居民 " << report.residents
            << "），均为虚构；例如 " << first.id << " 人员 " << demoCitizenId(first, 1) << "、单位 "
            << demoCreditCode(first, 1) << std::endl;
  std::cout << "演示定点机构：每个地区 1 家定点医疗机构和 1 家定点零售药店，共 "
            << report.institutions << " 家；例如 " << first.id << " " << first_codes << std::endl;
  obs::info("demo_registers", {{"units", report.units},
                               {"persons", report.persons},
                               {"employees", report.employees},
                               {"residents", report.residents},
                               {"credited", report.credited},
                               {"cases", report.cases},
                               {"institutions", report.institutions},
                               {"day", day.str()}});
  return report;
}

}  // namespace jingban
