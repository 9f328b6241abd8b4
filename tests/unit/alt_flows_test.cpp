// Alternative flows of one item (issue 6 §4, "One item, several paths"): the loader's rules for a
// flow's seed source and the default path's name, every alternative of the real catalog quoted
// word for word from its seed, the inventory of items with alternatives (docs/CATALOG.md lists
// the same), and each alternative's choice, steps and limits, driven to 办结 where it differs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include "workflow/workflow.hpp"

namespace jingban {

namespace {

const Catalog& catalog() {
  static const std::shared_ptr<const Catalog> cat = [] {
    auto c = Catalog::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/catalog");
    if (!c) throw std::runtime_error(c.error().message);
    return *c;
  }();
  return *cat;
}

const WorkCalendar& workCalendar() {
  static const WorkCalendar cal = [] {
    auto c = WorkCalendar::loadDir(std::string(JINGBAN_SOURCE_DIR) + "/calendar");
    if (!c) throw std::runtime_error(c.error().message);
    return *c;
  }();
  return cal;
}

const Item& realItem(const std::string& region, const std::string& code) {
  const Region* r = catalog().region(region);
  if (!r || !r->item(code)) throw std::runtime_error("no item " + region + " " + code);
  return *r->item(code);
}

// The step names of a flow, joined: "受理/初审/拨付/办结".
std::string names(const std::vector<FlowStep>& flow) {
  std::string out;
  for (const auto& s : flow) out += (out.empty() ? "" : "/") + s.step;
  return out;
}

// The flow chosen for a submission and its id ("" for the default).
std::pair<std::string, std::string> chosen(const Item& it, const std::string& channel,
                                           const std::string& kind,
                                           const std::set<std::string>& conds = {}) {
  std::string id;
  const auto& f = it.flowFor(channel, kind, conds, &id);
  return {id, names(f)};
}

std::string withoutSpace(const std::string& s) {
  std::string out;
  for (unsigned char ch : s)
    if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t' && ch != '\f' && ch != '\v')
      out += static_cast<char>(ch);
  // The seeds' extraction also carries U+3000 (ideographic space) and U+00A0 inside boxes.
  for (const std::string sp : {"\u3000", "\u00a0"})
    for (auto p = out.find(sp); p != std::string::npos; p = out.find(sp)) out.erase(p, sp.size());
  return out;
}

class AltFlowLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("jingban_altflows_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Loads `parent` (and `child` when given) with `from` replaced by `to` in the text it is found
  // in; returns the error text, "" when it loads.
  std::string load(const std::string& from = "", const std::string& to = "",
                   const std::string& child = "") {
    std::string p = kParent, c = child;
    if (!from.empty()) {
      std::string& text = p.find(from) != std::string::npos ? p : c;
      auto pos = text.find(from);
      EXPECT_NE(pos, std::string::npos) << from;
      if (pos != std::string::npos) text.replace(pos, from.size(), to);
    }
    std::ofstream(dir_ / "a_parent.yaml") << p;
    if (!c.empty()) std::ofstream(dir_ / "b_child.yaml") << c;
    auto r = Catalog::loadDir(dir_.string());
    if (r) cat_ = *r;
    return r ? std::string() : r.error().message;
  }

  static constexpr const char* kParent = R"(region:
  id: altland
  name: 备选省
  division_code: "970000"
  seeds: [000_charts.txt, 002_list.txt]
roles:
  - {id: window, name: 窗口受理人员, kind: window}
  - {id: reviewer, name: 初审人员, kind: review}
  - {id: finance, name: 财务人员, kind: finance}
items:
  - code: "002036002001"
    code_kind: national
    seq: 1
    main_code: "00203600200Y"
    main_name: 参保信息查询
    name: 参保单位参保信息查询
    applicant: [unit]
    channels: [窗口, 网上]
    steps: [申请, 受理, 办结]
    flow:
      - {step: 受理, kind: accept, role: window, text: 现场查询}
      - {step: 办结, kind: complete, role: window, text: 工作人员予以即时查询}
    flow_name: 现场查询
    flow_source: {seed: 000_charts.txt, ref: 附件4-11 现场查询, quotes: [现场查询]}
    flows:
      - id: online
        name: 网上查询
        when: {channels: [网上]}
        source: {seed: 000_charts.txt, ref: 附件4-11 网上查询, quotes: [通过参保单位网上申报端即时查询]}
        steps:
          - {step: 受理, kind: accept, role: window, text: 通过参保单位网上申报端即时查询}
          - {step: 办结, kind: complete, role: window, text: 告知查询结果}
    materials: []
    time_limit: {kind: instant, days: 0, text: 即时办结}
    effect: unit_query
)";
  static constexpr const char* kChild = R"(region:
  id: altcity
  name: 备选市
  division_code: "970100"
  extends: altland
  seeds: [001_city.txt]
items:
  - code: "002036002001"
    flow_name: 现场查询（市）
)";

  std::filesystem::path dir_;
  std::shared_ptr<const Catalog> cat_;
};

}  // namespace

TEST_F(AltFlowLoaderTest, SourceAndDefaultNameAreRead) {
  ASSERT_EQ(load(), "");
  const Item& it = *cat_->region("altland")->item("002036002001");
  EXPECT_EQ(it.flow_name, "现场查询");
  EXPECT_EQ(it.flow_source.ref, "附件4-11 现场查询");
  ASSERT_EQ(it.flows.size(), 1u);
  EXPECT_EQ(it.flows[0].source.seed, "000_charts.txt");
  EXPECT_EQ(it.flows[0].source.ref, "附件4-11 网上查询");
  ASSERT_EQ(it.flows[0].source.quotes.size(), 1u);
  EXPECT_EQ(it.flows[0].source.quotes[0], "通过参保单位网上申报端即时查询");
  // The source is documentation: changing it does not make a new revision.
  std::string rev = it.revision;
  ASSERT_EQ(load("ref: 附件4-11 网上查询", "ref: 附件4-11（网上）"), "");
  EXPECT_EQ(cat_->region("altland")->item("002036002001")->revision, rev);
}

TEST_F(AltFlowLoaderTest, AnAlternativeMustCiteItsSeed) {
  EXPECT_NE(load("        source: {seed: 000_charts.txt, ref: 附件4-11 网上查询, quotes: "
                 "[通过参保单位网上申报端即时查询]}\n",
                 "")
                .find("备选流程须有 source"),
            std::string::npos);
  EXPECT_NE(load("{seed: 000_charts.txt, ref: 附件4-11 网上查询",
                 "{seed: 009_other.txt, ref: 附件4-11 网上查询")
                .find("备选流程 online 的种子文件 '009_other.txt' 不在本地区"),
            std::string::npos);
  EXPECT_NE(load("quotes: [通过参保单位网上申报端即时查询]", "quotes: []").find("quotes"),
            std::string::npos);
  EXPECT_NE(load("ref: 附件4-11 网上查询, ", "").find("source 须有 seed 和 ref"),
            std::string::npos);
  EXPECT_NE(load("ref: 附件4-11 网上查询, ", "ref: 附件4-11, page: 104, ").find("page"),
            std::string::npos);
  EXPECT_NE(load("flow_source: {seed: 000_charts.txt", "flow_source: {seed: 001_city.txt")
                .find("flow_source 的种子文件"),
            std::string::npos);
  // With alternatives, the default path must be named (the guide introduces each path by name).
  EXPECT_NE(load("    flow_name: 现场查询\n", "").find("flow_name"), std::string::npos);
}

TEST_F(AltFlowLoaderTest, AChildRegionMayKeepFlowsCitingItsParentsSeeds) {
  ASSERT_EQ(load("", "", kChild), "");
  const Item& it = *cat_->region("altcity")->item("002036002001");
  EXPECT_EQ(it.flow_name, "现场查询（市）");
  ASSERT_EQ(it.flows.size(), 1u);
  EXPECT_EQ(it.flows[0].source.seed, "000_charts.txt");
  // Its own flows may cite its own seed, not one neither region names.
  std::string own = std::string(kChild) +
                    "    flows:\n"
                    "      - id: online\n"
                    "        name: 网上查询\n"
                    "        when: {channels: [网上]}\n"
                    "        source: {seed: 001_city.txt, ref: 图8, quotes: [网上查询]}\n"
                    "        steps:\n"
                    "          - {step: 受理, kind: accept, role: window, text: 网上}\n"
                    "          - {step: 办结, kind: complete, role: window, text: 告知}\n";
  EXPECT_EQ(load("", "", own), "");
  EXPECT_NE(load("seed: 001_city.txt", "seed: 004_other.txt", own).find("004_other.txt"),
            std::string::npos);
}

// Every alternative (and every named default path) quotes its seed word for word: the words are
// found in the seed file once line breaks and spaces of the extraction are ignored.
TEST(RealAltFlows, EverySourceQuoteIsFoundInItsSeed) {
  const std::filesystem::path seeds =
      std::filesystem::path(JINGBAN_SOURCE_DIR).parent_path() / "shared" / "seeds";
  if (!std::filesystem::exists(seeds / "INDEX.md"))
    GTEST_SKIP() << "the seeds are not beside the source tree: " << seeds;
  std::map<std::string, std::string> text;
  auto seedText = [&](const std::string& name) -> const std::string& {
    auto it = text.find(name);
    if (it != text.end()) return it->second;
    std::ifstream in(seeds / name);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_TRUE(in.good() || in.eof()) << name;
    return text[name] = withoutSpace(ss.str());
  };
  int quotes = 0;
  auto check = [&](const std::string& where, const FlowSource& s) {
    if (s.seed.empty()) return;
    const std::string& t = seedText(s.seed);
    ASSERT_FALSE(t.empty()) << where << ": " << s.seed;
    for (const auto& q : s.quotes) {
      EXPECT_NE(t.find(withoutSpace(q)), std::string::npos)
          << where << " (" << s.ref << ") quotes words not in " << s.seed << ": " << q;
      ++quotes;
    }
  };
  for (const auto& r : catalog().regions())
    for (const auto& it : r.items) {
      check(r.id + " " + it.code + " flow_source", it.flow_source);
      for (const auto& f : it.flows) check(r.id + " " + it.code + " " + f.id, f.source);
    }
  EXPECT_GT(quotes, 60);
}

// The items with alternative flows, and their ids, exactly (docs/CATALOG.md lists the same).
TEST(RealAltFlows, TheInventoryOfItemsWithAlternatives) {
  std::map<std::string, std::string> expected = {
      {"qinghai 002036001002", "flexible"},
      {"qinghai 002036002001", "online"},
      {"qinghai 002036002002", "online,app"},
      {"qinghai 002036002003", "unit_withdrawal,personal_withdrawal"},
      {"qinghai 002036003002", "transfer_in,transfer_out"},
      {"qinghai 002036009001", "mutual_recognition"},
      {"qinghai 002036009002", "mutual_recognition"},
      {"xining 002036001002", "flexible"},
      {"xining 002036002001", "online"},
      {"xining 002036002002", "online,app"},
      {"xining 002036002003", "unit_withdrawal,personal_withdrawal"},
      {"xining 002036003002", "transfer_in,transfer_out"},
      {"xining 002036009001", "mutual_recognition"},
      {"xining 002036009002", "mutual_recognition"},
      {"yunnan 002036001003", "via_departments"},
      {"yunnan 002036003002", "transfer_out,within_area"},
      {"yunnan 002036004004", "hospital"},
      {"yunnan 002036005000", "hospital"},
      {"yunnan 002036008001", "via_departments"},
      {"qingdao 002036005000", "online"},
      {"qingdao 370200990005", "website,wechat"},
  };
  std::map<std::string, std::string> found;
  for (const auto& r : catalog().regions())
    for (const auto& it : r.items) {
      if (it.flows.empty()) continue;
      std::string ids;
      for (const auto& f : it.flows) ids += (ids.empty() ? "" : ",") + f.id;
      found[r.id + " " + it.code] = ids;
      EXPECT_FALSE(it.flow_name.empty()) << r.id << " " << it.code;
    }
  EXPECT_EQ(found, expected);
}

TEST(RealAltFlows, OnlineAndOnSiteQueriesAreTwoPaths) {
  for (const char* region : {"qinghai", "xining"}) {
    const Item& unit = realItem(region, "002036002001");
    EXPECT_EQ(unit.flow_name, "现场查询");
    EXPECT_EQ(chosen(unit, "窗口", "unit"),
              std::make_pair(std::string(), std::string("受理/办结")));
    auto online = chosen(unit, "网上", "unit");
    EXPECT_EQ(online.first, "online");
    EXPECT_EQ(unit.flows[0].steps[0].text, "通过参保单位网上申报端即时查询");
    EXPECT_EQ(unit.flows[0].steps[1].text, "告知查询结果");
    EXPECT_EQ(unit.flow[0].text, "参保单位经办人员携带办理材料到经办机构服务窗口现场查询");
    const Item& person = realItem(region, "002036002002");
    EXPECT_EQ(chosen(person, "窗口", "person").first, "");
    EXPECT_EQ(chosen(person, "网上", "unit").first, "online");
    EXPECT_EQ(chosen(person, "APP", "person").first, "app");
    EXPECT_EQ(person.flowFor("APP", "person", {})[0].text, "参保人员登录青海医保APP查询");
    // Both paths are 即时办结.
    EXPECT_EQ(person.time_limit.kind, LimitKind::kInstant);
  }
}

TEST(RealAltFlows, AccountWithdrawalFollowsTheUnitOrThePersonalPath) {
  for (const char* region : {"qinghai", "xining"}) {
    const Item& it = realItem(region, "002036002003");
    auto unit = chosen(it, "窗口", "person", {"unit_path", "death"});
    EXPECT_EQ(unit,
              std::make_pair(std::string("unit_withdrawal"), std::string("受理/初审/拨付/办结")))
        << region;
    auto personal = chosen(it, "窗口", "person", {"personal_path", "death"});
    EXPECT_EQ(personal.first, "personal_withdrawal") << region;
    EXPECT_EQ(personal.second, "受理/初审/拨付/办结");
    // Neither path declared (主动放弃参保, 转异地参保): the default chain.
    EXPECT_EQ(chosen(it, "窗口", "person", {"voluntary_withdrawal"}).first, "");
    const auto& u = it.flowFor("窗口", "person", {"unit_path"});
    const auto& p = it.flowFor("窗口", "person", {"personal_path"});
    EXPECT_NE(u[2].text.find("先将个人账户资金转至单位账户，再由单位转账至继承人银行账户"),
              std::string::npos);
    EXPECT_EQ(p[2].text, "经办机构服务窗口工作人员办理转款");
    EXPECT_EQ(u[2].kind, StepKind::kPay);
    EXPECT_EQ(u[2].role, "finance");
    EXPECT_NE(p[0].text.find("继承人办理"), std::string::npos);
    EXPECT_EQ(it.time_limit.days, 15) << region;  // the list's 不超过15个工作日 on both paths
  }
  // Each region's own documents: Qinghai's 申请表, Xining's 返还支付通知单.
  EXPECT_NE(realItem("qinghai", "002036002003")
                .flows[0]
                .steps[1]
                .text.find("《青海省职工基本医疗保险参保人员个人账户一次性支取申请表》"),
            std::string::npos);
  EXPECT_NE(realItem("xining", "002036002003")
                .flows[0]
                .steps[1]
                .text.find("《医疗个人账户一次性返还支付通知单》"),
            std::string::npos);
}

TEST(RealAltFlows, FlexibleWorkersAndTransferAgenciesKeepTheirFlows) {
  for (const char* region : {"qinghai", "xining"}) {
    const Item& reg = realItem(region, "002036001002");
    EXPECT_EQ(chosen(reg, "窗口", "person"),
              std::make_pair(std::string("flexible"), std::string("受理/审核/办结")));
    EXPECT_EQ(chosen(reg, "网上", "unit").second, "受理/初审/复审/办结");
    // The unit's chain no longer carries the flexible workers' words.
    for (const auto& s : reg.flow)
      EXPECT_EQ(s.text.find("指定银行选择缴费档次"), std::string::npos) << region;
    const Item& transfer = realItem(region, "002036003002");
    auto out = transfer.flowFor("窗口", "person", {"transfer_out"});
    ASSERT_EQ(out.size(), 3u);
    ASSERT_TRUE(out[1].limit.has_value());
    EXPECT_EQ(out[1].limit->days, 5);
  }
}

TEST(RealAltFlows, MutualRecognitionIsItsOwnEntry) {
  for (const char* code : {"002036009001", "002036009002"}) {
    const Item& it = realItem("qinghai", code);
    EXPECT_EQ(chosen(it, "窗口", "institution", {"new_application"}).first, "");
    const auto& m = it.flowFor("窗口", "institution", {"mutual_recognition"});
    EXPECT_EQ(names(m), "受理/审核/办结");
    EXPECT_NE(m[0].text.find("现有定点地区有效服务协议"), std::string::npos);
    EXPECT_EQ(it.flow[0].text.find("现有定点地区有效服务协议"), std::string::npos);
    EXPECT_EQ(m[1].text, it.flow[1].text);  // both join at the 市（州） review
    EXPECT_EQ(it.time_limit.days, 30);      // 不超过30个自然日 either way
  }
}

TEST(RealAltFlows, YunnanDepartmentsTransferHospitalPaths) {
  for (const char* code : {"002036001003", "002036008001"}) {
    const Item& it = realItem("yunnan", code);
    EXPECT_EQ(chosen(it, "街道社区", "person").first, "");
    auto d = chosen(it, "窗口", "person", {"via_departments"});
    EXPECT_EQ(d.first, "via_departments") << code;
    EXPECT_EQ(
        it.flowFor("窗口", "person", {"via_departments"}).back().text.find("12月25日前反馈结果") !=
            std::string::npos,
        true);
    // The same condition picks the path and its limit: instant, or answered by 12-25.
    EXPECT_EQ(it.limitFor({}).kind, LimitKind::kInstant);
    EXPECT_EQ(it.limitFor({"via_departments"}).basis, LimitBasis::kCalendarDate);
    EXPECT_EQ(it.limitFor({"via_departments"}).by_mmdd, 1225);
  }
  const Item& transfer = realItem("yunnan", "002036003002");
  EXPECT_EQ(transfer.flow_name, "跨统筹区转入");
  EXPECT_EQ(chosen(transfer, "窗口", "person").second, "受理/开具联系函/开具类型变更信息表/办结");
  EXPECT_EQ(chosen(transfer, "窗口", "person", {"transfer_out"}),
            std::make_pair(std::string("transfer_out"),
                           std::string("受理/开具参保凭证/开具联系函/开具类型变更信息表/办结")));
  EXPECT_EQ(chosen(transfer, "窗口", "person", {"within_area"}),
            std::make_pair(std::string("within_area"), std::string("受理/办结")));
  EXPECT_EQ(transfer.time_limit.days, 20);
  const Item& referral = realItem("yunnan", "002036004004");
  EXPECT_EQ(chosen(referral, "医院端", "institution"),
            std::make_pair(std::string("hospital"), std::string("受理/办结")));
  EXPECT_EQ(chosen(referral, "网上", "person").second, "受理/审核/办结");
  const Item& chronic = realItem("yunnan", "002036005000");
  EXPECT_EQ(chosen(chronic, "医院端", "person").first, "hospital");
  EXPECT_EQ(chronic.limitFor({"special_disease"}).days, 5);
}

TEST(RealAltFlows, QingdaoOnlinePaths) {
  const Item& chronic = realItem("qingdao", "002036005000");
  EXPECT_EQ(chosen(chronic, "窗口", "person").first, "");
  EXPECT_EQ(chronic.flow[0].role, "chronic_window");
  const auto& online = chronic.flowFor("微信", "person", {});
  EXPECT_EQ(names(online), "受理/审核/办结");
  EXPECT_EQ(online[0].role, "window");  // no 医保工作站 or hospital window on the 微信 path
  EXPECT_EQ(chronic.limitFor({"instant_diseases"}).kind, LimitKind::kInstant);
  const Item& signing = realItem("qingdao", "370200990005");
  EXPECT_EQ(chosen(signing, "社区医疗机构", "person").first, "");
  EXPECT_EQ(chosen(signing, "网上", "person").first, "website");
  EXPECT_EQ(chosen(signing, "微信", "person").first, "wechat");
  EXPECT_EQ(signing.flowFor("微信", "person", {})[0].role, "window");
  EXPECT_EQ(signing.flow[0].role, "community_clinic");
}

// A case opened on an alternative runs on it to 办结 and keeps its id.
TEST(RealAltFlows, ACaseRunsToTheEndOnItsAlternative) {
  struct Run {
    const char *region, *code, *channel, *kind, *flow_id;
    std::set<std::string> conds;
    std::vector<std::pair<std::string, std::string>> actions;  // action, role
  };
  std::vector<Run> runs = {
      {"yunnan",
       "002036003002",
       "窗口",
       "person",
       "within_area",
       {"within_area"},
       {{"accept", "window"}, {"complete", "window"}}},
      {"qinghai",
       "002036002001",
       "网上",
       "unit",
       "online",
       {},
       {{"accept", "window"}, {"complete", "window"}}},
      {"qinghai",
       "002036009001",
       "窗口",
       "institution",
       "mutual_recognition",
       {"mutual_recognition"},
       {{"accept", "window"}, {"approve", "reviewer"}, {"complete", "window"}}},
  };
  int n = 0;
  for (const auto& run : runs) {
    const Region& r = *catalog().region(run.region);
    const Item& it = *r.item(run.code);
    WorkflowContext ctx{r, it, workCalendar(), Instant{1772762400}};  // 2026-03-06 10:00 Beijing
    Submission s;
    s.channel = run.channel;
    s.applicant = {run.kind,
                   std::string(run.kind) == "unit" ? "91630100MA7XXXXX0X" : "630102199001010013",
                   "申请人", ""};
    s.conditions = run.conds;
    auto c = openCase(ctx, s, "ALT-" + std::to_string(++n));
    ASSERT_TRUE(c.has_value()) << run.code << ": " << c.error().message;
    EXPECT_EQ(c->flow_id, run.flow_id);
    ASSERT_TRUE(c->flow);
    EXPECT_EQ(c->flow->size(), run.actions.size()) << run.code;
    MaterialStatus all;
    for (const auto& m : it.materials) all[m.id] = "provided";
    for (const auto& [name, role] : run.actions) {
      Action a;
      a.name = name;
      if (name == "accept") a.materials = all;
      Actor actor{role + "1", {role}, r.id};
      c = applyAction(ctx, *c, actor, a);
      ASSERT_TRUE(c.has_value()) << run.code << " " << name << ": " << c.error().message;
    }
    EXPECT_EQ(c->status, CaseStatus::kCompleted) << run.code;
    EXPECT_EQ(c->flow_id, run.flow_id);
  }
}

}  // namespace jingban
