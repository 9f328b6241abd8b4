// catalog/checklist: missing materials (conditions, 任选其一 groups, optional) and material
// statuses (provided, commitment, shared, missing).
#include "catalog/checklist.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace jingban {

namespace {

Material mat(std::string id, std::string name) {
  Material m;
  m.id = std::move(id);
  m.name = std::move(name);
  return m;
}

// 职工参保登记-like item: one unconditional material, a 任选其一 group, conditional materials, a
// commitment material, a shared-data material and an optional one.
Item makeItem() {
  Item it;
  it.code = "002036001002";
  it.name = "职工参保登记";
  it.conditions = {{"hmt", "港澳台人员"}, {"foreigner", "外国人"}};
  it.material_groups = {{"identity", "医保电子凭证或有效身份证件或社会保障卡"},
                        {"foreign_docs", "外国人就业证或永久居留证"}};
  it.materials.push_back(mat("reg_form", "《职工基本医疗保险参保登记表》"));
  Material e = mat("e_voucher", "医保电子凭证");
  e.group = "identity";
  Material idc = mat("id_card", "有效身份证件");
  idc.group = "identity";
  Material ss = mat("ss_card", "社会保障卡");
  ss.group = "identity";
  Material hmt = mat("hmt_permit", "港澳台居民居住证");
  hmt.when = "hmt";
  Material work = mat("work_permit", "外国人就业证");
  work.when = "foreigner";
  work.group = "foreign_docs";
  Material pr = mat("residence", "外国人永久居留证");
  pr.when = "foreigner";
  pr.group = "foreign_docs";
  Material promise = mat("income_proof", "收入证明");
  promise.commitment = true;
  Material shared = mat("business_licence", "营业执照");
  shared.shared_data = "通过市场监管部门数据共享获取";
  Material opt = mat("photo", "近期免冠照片");
  opt.optional = true;
  for (auto& m : {e, idc, ss, hmt, work, pr, promise, shared, opt}) it.materials.push_back(m);
  return it;
}

std::vector<std::string> ids(const std::vector<MissingMaterial>& ms) {
  std::vector<std::string> out;
  for (const auto& m : ms) out.push_back(m.id);
  return out;
}

using Ids = std::vector<std::string>;

TEST(ChecklistTest, NothingProvidedListsEveryRequiredMaterialInCatalogOrder) {
  Item it = makeItem();
  auto missing = missingMaterials(it, {}, {});
  EXPECT_EQ(ids(missing), (Ids{"reg_form", "identity", "income_proof", "business_licence"}));
  // The group is named by its text, marked 任选其一.
  ASSERT_GE(missing.size(), 2u);
  EXPECT_NE(missing[1].name.find("医保电子凭证或有效身份证件或社会保障卡"), std::string::npos);
  EXPECT_NE(missing[1].name.find("任选其一"), std::string::npos);
  EXPECT_EQ(missing[0].name, "《职工基本医疗保险参保登记表》");
}

TEST(ChecklistTest, ConditionalMaterialsOnlyUnderTheirCondition) {
  Item it = makeItem();
  MaterialStatus base{{"reg_form", "provided"},
                      {"id_card", "provided"},
                      {"income_proof", "provided"},
                      {"business_licence", "provided"}};
  EXPECT_TRUE(missingMaterials(it, {}, base).empty());
  EXPECT_EQ(ids(missingMaterials(it, {"hmt"}, base)), (Ids{"hmt_permit"}));
  EXPECT_EQ(ids(missingMaterials(it, {"foreigner"}, base)), (Ids{"foreign_docs"}));
  EXPECT_EQ(ids(missingMaterials(it, {"hmt", "foreigner"}, base)),
            (Ids{"hmt_permit", "foreign_docs"}));
  auto withPermit = base;
  withPermit["residence"] = "provided";
  withPermit["hmt_permit"] = "provided";
  EXPECT_TRUE(missingMaterials(it, {"hmt", "foreigner"}, withPermit).empty());
}

TEST(ChecklistTest, AnyOneMemberSatisfiesAGroup) {
  Item it = makeItem();
  for (const char* member : {"e_voucher", "id_card", "ss_card"}) {
    MaterialStatus s{{member, "provided"}};
    auto missing = ids(missingMaterials(it, {}, s));
    EXPECT_EQ(std::count(missing.begin(), missing.end(), "identity"), 0) << member;
  }
  // A member marked missing does not satisfy the group; the group is listed once.
  MaterialStatus s{{"e_voucher", "missing"}, {"id_card", "missing"}};
  auto missing = ids(missingMaterials(it, {}, s));
  EXPECT_EQ(std::count(missing.begin(), missing.end(), "identity"), 1);
  EXPECT_EQ(std::count(missing.begin(), missing.end(), "e_voucher"), 0);
}

TEST(ChecklistTest, CommitmentAndSharedDataSatisfyWhereAllowed) {
  Item it = makeItem();
  MaterialStatus s{{"reg_form", "provided"},
                   {"ss_card", "provided"},
                   {"income_proof", "commitment"},
                   {"business_licence", "shared"}};
  ASSERT_TRUE(checkStatuses(it, s).has_value());
  EXPECT_TRUE(missingMaterials(it, {}, s).empty());
}

TEST(ChecklistTest, MissingStatusCountsAsMissing) {
  Item it = makeItem();
  MaterialStatus s{{"reg_form", "missing"}};
  ASSERT_TRUE(checkStatuses(it, s).has_value());
  EXPECT_EQ(ids(missingMaterials(it, {}, s)).front(), "reg_form");
}

TEST(ChecklistTest, OptionalMaterialIsNeverMissing) {
  Item it = makeItem();
  auto missing = ids(missingMaterials(it, {"hmt", "foreigner"}, {}));
  EXPECT_EQ(std::count(missing.begin(), missing.end(), "photo"), 0);
  EXPECT_TRUE(checkStatuses(it, {{"photo", "provided"}}).has_value());
}

TEST(ChecklistTest, CommitmentRefusedOnANonCommitmentMaterial) {
  Item it = makeItem();
  auto r = checkStatuses(it, {{"reg_form", "commitment"}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
  EXPECT_EQ(r.error().slug, "commitment_not_allowed");
  EXPECT_NE(r.error().message.find("《职工基本医疗保险参保登记表》"), std::string::npos);
}

TEST(ChecklistTest, SharedRefusedWhereTheAgencyDoesNotHoldTheData) {
  Item it = makeItem();
  auto r = checkStatuses(it, {{"income_proof", "shared"}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
}

TEST(ChecklistTest, UnknownMaterialAndUnknownStatusAreRefused) {
  Item it = makeItem();
  auto unknown = checkStatuses(it, {{"passport", "provided"}});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().slug, "unknown_material");
  auto status = checkStatuses(it, {{"reg_form", "brought"}});
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kBadRequest);
  EXPECT_TRUE(checkStatuses(it, {}).has_value());
}

TEST(ChecklistTest, ItemWithNoMaterialsIsAlwaysComplete) {
  Item it;
  it.name = "参保人员参保信息查询";
  EXPECT_TRUE(missingMaterials(it, {}, {}).empty());
}

}  // namespace
}  // namespace jingban
