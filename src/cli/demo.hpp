// Demo data for `serve --demo`: one staff account per role of every region plus an admin per
// region (public password, demonstrations only), and a small fictitious register per region.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auth/auth.hpp"
#include "catalog/catalog.hpp"

namespace jingban {

class CaseService;  // cases/case_service.hpp
class Committer;    // store/committer.hpp
class Store;        // store/store.hpp

inline constexpr const char* kDemoPassword = "jingban-demo";

struct DemoAccount {
  std::string username, password, region, role, role_name;
};

// Creates the accounts that do not exist yet; returns all of them.
Result<std::vector<DemoAccount>> seedDemoStaff(const Catalog& catalog, StaffStore& store,
                                               Auth& auth);

// The warning printed with the demo accounts.
inline constexpr const char* kDemoWarning =
    "警告：演示账号使用公开密码，仅供演示，切勿用于生产环境；正式账号请用 jingban staff add 创建";

// The demo register of each region: kDemoUnits units (示例单位NN), kDemoPersons persons
// (示例人员NN). Persons 1…kDemoEmployees are 职工 of the units, the first kDemoCredited of them
// with personal-account credits (划入); the others are 城乡居民, some with an assistance identity
// (低保 / 特困 / 重度残疾).
inline constexpr int kDemoUnits = 3;
inline constexpr int kDemoPersons = 20;
inline constexpr int kDemoEmployees = 8;
inline constexpr int kDemoCredited = 6;

// Fictitious but valid identifiers, generated with their check characters. The area code is the
// region's division code with the county part 99, which no real county has (青海 630099, 西宁
// 630199, 云南 530099, 青岛 370299), so they meet no real person or unit and no number the tests
// use. Person n (1…kDemoPersons): birth date spread over the ages, sequence code 9NN.
// Unit n (1…kDemoUnits): 91 <area> DEM 0000 NN and the GB 32100 check character.
std::string demoCitizenId(const Region& region, int n);
std::string demoCreditCode(const Region& region, int n);

struct DemoRegisterReport {
  bool seeded = false;  // false: the database already held cases or registers (left untouched)
  int64_t units = 0, persons = 0, employees = 0, residents = 0, credited = 0, cases = 0;
  int64_t institutions = 0;  // designated hospitals and pharmacies (H…00001, P…00001 per region)
};

// Seeds the demo register of every region, but only into a database without any case or
// register entry. Everything goes the way real work does, so that `jingban rebuild-registers`
// reproduces it: the units and the employees through 单位参保登记 / 职工参保登记 cases driven to
// 办结 by the demo staff (through `cases`' workflow and effects, dated on the first working day
// of the current year so that they take no case number of today), the 城乡居民 through a resident
// import batch, the credits through an account-credit import batch, and one designated hospital
// and pharmacy per region through a list of institutions (effects/institution_list.hpp). Blocks
// until everything is committed; call it before the server serves. Prints one line on standard
// output.
Result<DemoRegisterReport> seedDemoRegisters(CaseService& cases, Store& store,
                                             Committer& committer);

}  // namespace jingban
