// catalog/ loader: `extends` inheritance (fixtures/testland.yaml ← fixtures/childland.yaml) and the
// real catalog/ directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <stdexcept>
#include <string>

#include "catalog/catalog.hpp"
#include "test_support.hpp"

namespace jingban {

namespace {

namespace fs = std::filesystem;

class CatalogExtendsTest : public TempCatalogTest {
 protected:
};

TEST_F(CatalogExtendsTest, ChildOverridesOneKeyAndKeepsTheOthers) {
  write("region.yaml", readFixture("testland.yaml"));
  write("zchild.yaml", readFixture("childland.yaml"));
  auto cat = load();
  ASSERT_TRUE(cat.has_value()) << cat.error().message;
  const Region* parent = (*cat)->region("testland");
  const Region* child = (*cat)->region("childland");
  ASSERT_NE(parent, nullptr);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->extends, "testland");
  EXPECT_NE(child->role("finance"), nullptr);  // roles inherited
  EXPECT_NE(child->form("reg_form"), nullptr);
  ASSERT_EQ(child->items.size(), 3u);
  const Item* over = child->item("002036001001");
  ASSERT_NE(over, nullptr);
  EXPECT_EQ(over->time_limit.days, 3);
  EXPECT_EQ(over->time_limit.text, "3个工作日");
  EXPECT_EQ(over->name, "单位参保登记");
  EXPECT_EQ(over->flow.size(), 4u);
  EXPECT_EQ(over->materials.size(), 4u);
  EXPECT_EQ(over->acceptance_windows.size(), 1u);
  EXPECT_EQ(over->effect, "unit_enrolment");
  // The parent is untouched.
  EXPECT_EQ(parent->item("002036001001")->time_limit.days, 5);
  EXPECT_EQ(parent->items.size(), 2u);
  EXPECT_EQ(parent->item("990100990001"), nullptr);
  // The inherited item the child does not mention, and the local item.
  EXPECT_EQ(child->item("002036006001")->name, "门诊费用报销");
  const Item* local = child->item("990100990001");
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local->code_kind, "local");
  EXPECT_EQ(local->time_limit.kind, LimitKind::kInstant);
}

TEST_F(CatalogExtendsTest, ChildLocalItemMustBeComplete) {
  write("region.yaml", readFixture("testland.yaml"));
  std::string child = readFixture("childland.yaml");
  child.erase(child.find("    effect: person_query\n"));
  write("zchild.yaml", child);
  auto r = load();
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("zchild.yaml:"), std::string::npos) << r.error().message;
}

TEST_F(CatalogExtendsTest, LocalCodeMustStartWithDivisionCodeAnd99) {
  write("region.yaml", readFixture("testland.yaml"));
  std::string child = readFixture("childland.yaml");
  child.replace(child.find("\"990100990001\""), 14, "\"990000990001\"");
  write("zchild.yaml", child);
  auto r = load();
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("zchild.yaml:"), std::string::npos) << r.error().message;
}

TEST_F(CatalogExtendsTest, MissingParentIsAnError) {
  write("zchild.yaml", readFixture("childland.yaml"));
  auto r = load();
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("testland"), std::string::npos) << r.error().message;
}

// ---------------------------------------------------------------- the real catalog

TEST(RealCatalogTest, LoadsWithTheExpectedRegions) {
  auto cat = Catalog::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/catalog");
  ASSERT_TRUE(cat.has_value()) << cat.error().message;
  for (const char* id : {"qinghai", "yunnan", "qingdao"})
    EXPECT_NE((*cat)->region(id), nullptr) << id;
  if (const Region* xining = (*cat)->region("xining")) {
    EXPECT_EQ(xining->extends, "qinghai");
    EXPECT_EQ(xining->division_code, "630100");
  }
  const Region* qh = (*cat)->region("qinghai");
  ASSERT_NE(qh, nullptr);
  EXPECT_EQ(qh->division_code, "630000");
  EXPECT_EQ(qh->items.size(), 28u);
  const Item* unit = qh->item("002036001001");
  ASSERT_NE(unit, nullptr);
  EXPECT_EQ(unit->name, "单位参保登记");
  EXPECT_EQ(unit->time_limit.kind, LimitKind::kWorkingDays);
  EXPECT_EQ(unit->time_limit.days, 5);
  const Region* yn = (*cat)->region("yunnan");
  ASSERT_NE(yn, nullptr);
  EXPECT_EQ(yn->rating_scale, (std::vector<std::string>{"非常满意", "满意", "一般", "不满意"}));
  for (const auto& r : (*cat)->regions())
    for (const auto& it : r.items) EXPECT_EQ(it.code.size(), 12u) << r.id << " " << it.code;
}

}  // namespace
}  // namespace jingban
