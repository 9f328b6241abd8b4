#include "policy/policy.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/text.hpp"

namespace jingban {

const char* deductibleBasisName(DeductibleBasis b) {
  return b == DeductibleBasis::kPerYear ? "per_year" : "per_admission";
}

namespace {

size_t levelIndex(int level) { return static_cast<size_t>(std::clamp(level, 1, 3) - 1); }

}  // namespace

int64_t InsurancePolicy::deductibleFor(int level) const {
  return deductible_fen[levelIndex(level)];
}

int InsurancePolicy::ratioFor(int level) const { return ratio_permille[levelIndex(level)]; }

int InsurancePolicy::requiredContributionMonths(const std::string& sex) const {
  if (required_contribution_years.empty()) return 0;
  auto it = required_contribution_years.find(sex);
  if (it != required_contribution_years.end()) return it->second * 12;
  int most = 0;
  for (const auto& [s, years] : required_contribution_years) most = std::max(most, years);
  return most * 12;
}

std::optional<InsurancePolicy::SubsidyChoice> InsurancePolicy::subsidyFor(
    const std::vector<std::string>& identities) const {
  if (!premium) return std::nullopt;
  std::optional<SubsidyChoice> best;
  for (const auto& id : identities) {
    auto it = premium->subsidy.find(id);
    if (it == premium->subsidy.end()) continue;
    int64_t amount = it->second.full ? premium->personal_fen : it->second.amount_fen;
    if (!best || amount > best->amount_fen) best = SubsidyChoice{id, amount};
  }
  return best;
}

std::optional<InsurancePolicy::AssistanceChoice> InsurancePolicy::assistanceFor(
    const std::vector<std::string>& identities) const {
  std::optional<AssistanceChoice> best;
  for (const auto& id : identities) {
    auto it = assistance.ratio_permille.find(id);
    if (it == assistance.ratio_permille.end()) continue;
    if (!best || it->second > best->ratio_permille) best = AssistanceChoice{id, it->second};
  }
  return best;
}

const InsurancePolicy* PolicySet::exact(const std::string& region, const std::string& type,
                                        int year) const {
  for (const auto& p : policies_)
    if (p.region == region && p.insurance_type == type && p.year == year) return &p;
  return nullptr;
}

const InsurancePolicy* PolicySet::find(const std::string& region, const std::string& insurance_type,
                                       int year) const {
  // Bounded walk up the `extends` chain (the loader refuses cycles; the bound is a second guard).
  std::string r = region;
  for (int depth = 0; depth < 8 && !r.empty(); ++depth) {
    if (const auto* p = exact(r, insurance_type, year)) return p;
    if (insurance_type == kFlexibleInsurance)
      if (const auto* p = exact(r, kEmployeeInsurance, year)) return p;
    r = extends(r);
  }
  return nullptr;
}

std::string PolicySet::extends(const std::string& region) const {
  auto it = extends_.find(region);
  return it == extends_.end() ? std::string() : it->second;
}

// Reads one file into policies, collecting every problem with its file:line.
class PolicyLoader {
 public:
  explicit PolicyLoader(PolicySet& set) : set_(set) {}

  void loadFile(const std::filesystem::path& path) {
    file_ = path.string();
    YAML::Node root;
    try {
      root = YAML::LoadFile(file_);
    } catch (const YAML::Exception& e) {
      errors_.push_back(file_ + ":" + std::to_string(e.mark.line + 1) + ": YAML 语法错误：" +
                        e.msg);
      return;
    }
    if (!root.IsMap()) {
      error(root, "文件顶层应为映射（region, policies）");
      return;
    }
    keys(root, {"region", "extends", "policies"});
    std::string region = text(root, "region", true);
    if (!region.empty() && region != path.stem().string())
      error(root["region"], "region 应与文件名一致（" + path.stem().string() + "）");
    if (region.empty()) return;
    if (root["extends"]) {
      std::string parent = text(root, "extends", true);
      if (parent == region) error(root["extends"], "extends 不能指向自身");
      if (!parent.empty()) set_.extends_[region] = parent;
    }
    YAML::Node list = root["policies"];
    if (!list) {
      if (!root["extends"]) error(root, "缺少 policies（或 extends）");
      return;
    }
    if (!list.IsSequence()) {
      error(list, "policies 应为列表");
      return;
    }
    for (const auto& n : list) entry(region, n);
  }

  // After every file: extends must name a loaded region, and the chain must not loop.
  void finish(const std::set<std::string>& regions) {
    for (const auto& [region, parent] : set_.extends_) {
      if (!regions.count(parent))
        errors_.push_back(region + ": extends 指向的统筹区 " + parent + " 没有政策参数文件");
      std::string r = parent;
      for (size_t i = 0; i <= set_.extends_.size() && !r.empty(); ++i) {
        if (r == region) {
          errors_.push_back(region + ": extends 形成循环");
          break;
        }
        r = set_.extends(r);
      }
    }
  }

  std::vector<std::string> errors_;

 private:
  std::string where(const YAML::Node& n) const {
    return file_ + ":" + std::to_string(n.Mark().line + 1);
  }
  void error(const YAML::Node& n, const std::string& msg) {
    errors_.push_back(where(n) + ": " + msg);
  }

  void keys(const YAML::Node& map, std::initializer_list<const char*> allowed) {
    if (!map.IsMap()) return;
    for (const auto& kv : map) {
      std::string k = kv.first.Scalar();
      bool ok = false;
      for (const char* a : allowed) ok = ok || k == a;
      if (!ok) error(kv.first, "未知的键 " + k);
    }
  }

  std::string text(const YAML::Node& map, const char* key, bool required) {
    YAML::Node n = map[key];
    if (!n) {
      if (required) error(map, std::string("缺少 ") + key);
      return "";
    }
    if (!n.IsScalar() || n.Scalar().empty()) {
      error(n, std::string(key) + " 应为非空文本");
      return "";
    }
    return n.Scalar();
  }

  std::optional<int64_t> integer(const YAML::Node& n, const std::string& what, int64_t min,
                                 int64_t max) {
    if (!n || !n.IsScalar()) {
      error(n ? n : YAML::Node(), what + " 应为整数");
      return std::nullopt;
    }
    auto v = parseStrictInt(n.Scalar(), min, max, what.c_str());
    if (!v) {
      error(n, what + " 应为 " + std::to_string(min) + " … " + std::to_string(max) + " 的整数");
      return std::nullopt;
    }
    return *v;
  }

  std::optional<int64_t> amount(const YAML::Node& map, const char* key) {
    if (!map[key]) {
      error(map, std::string("缺少 ") + key);
      return std::nullopt;
    }
    return integer(map[key], key, 0, kMaxAmount);
  }
  std::optional<int> ratio(const YAML::Node& n, const std::string& what) {
    auto v = integer(n, what, 0, 1000);
    if (!v) return std::nullopt;
    return static_cast<int>(*v);
  }

  // {1: …, 2: …, 3: …}: exactly the three hospital levels.
  template <typename T>
  void byLevel(const YAML::Node& parent, const char* key, std::array<T, 3>& out, bool is_ratio) {
    YAML::Node n = parent[key];
    if (!n) return error(parent, std::string("缺少 ") + key);
    if (!n.IsMap()) return error(n, std::string(key) + " 应为 {1: …, 2: …, 3: …}");
    std::set<int> seen;
    for (const auto& kv : n) {
      auto level = parseStrictInt(kv.first.Scalar(), 1, 3, "level");
      if (!level) {
        error(kv.first, std::string(key) + " 的键应为医疗机构等级 1、2、3");
        continue;
      }
      seen.insert(static_cast<int>(*level));
      std::string what = std::string(key) + "[" + kv.first.Scalar() + "]";
      auto v =
          is_ratio ? integer(kv.second, what, 0, 1000) : integer(kv.second, what, 0, kMaxAmount);
      if (v) out[static_cast<size_t>(*level - 1)] = static_cast<T>(*v);
    }
    if (seen.size() != 3) error(n, std::string(key) + " 须给出 1、2、3 三个等级");
  }

  void entry(const std::string& region, const YAML::Node& n) {
    if (!n.IsMap()) return error(n, "policies 的每一项应为映射");
    keys(n,
         {"insurance_type", "years", "example", "source", "deductible_basis", "deductible_fen",
          "ratio_permille", "annual_fund_cap_fen", "class_b_first_paid_permille", "serious_illness",
          "assistance", "premium", "retirement", "chronic_outpatient", "note"});
    InsurancePolicy p;
    p.region = region;
    p.file = file_;
    p.line = n.Mark().line + 1;
    p.insurance_type = text(n, "insurance_type", true);
    if (!p.insurance_type.empty() && p.insurance_type != kEmployeeInsurance &&
        p.insurance_type != kResidentInsurance && p.insurance_type != kFlexibleInsurance)
      error(n["insurance_type"], "insurance_type 应为 职工、城乡居民 或 灵活就业");
    if (!n["example"] || !n["example"].IsScalar() ||
        (n["example"].Scalar() != "true" && n["example"].Scalar() != "false"))
      error(n["example"] ? n["example"] : n, "example 须写明 true 或 false");
    else
      p.example = n["example"].Scalar() == "true";
    p.source = text(n, "source", true);

    std::string basis = text(n, "deductible_basis", true);
    if (basis == "per_year")
      p.deductible_basis = DeductibleBasis::kPerYear;
    else if (basis == "per_admission")
      p.deductible_basis = DeductibleBasis::kPerAdmission;
    else if (!basis.empty())
      error(n["deductible_basis"], "deductible_basis 应为 per_year 或 per_admission");
    byLevel(n, "deductible_fen", p.deductible_fen, false);
    byLevel(n, "ratio_permille", p.ratio_permille, true);
    if (auto v = amount(n, "annual_fund_cap_fen")) p.annual_fund_cap_fen = *v;
    if (!n["class_b_first_paid_permille"])
      error(n, "缺少 class_b_first_paid_permille");
    else if (auto v = ratio(n["class_b_first_paid_permille"], "class_b_first_paid_permille"))
      p.class_b_first_paid_permille = *v;
    seriousIllness(n, p);
    assistance(n, p);
    premium(n, p);
    retirement(n, p);
    if (YAML::Node c = n["chronic_outpatient"]) {  // optional: 门诊慢特病 (care_rules.hpp)
      keys(c, {"deductible_fen", "ratio_permille"});
      ChronicOutpatientPolicy co;
      byLevel(c, "deductible_fen", co.deductible_fen, false);
      byLevel(c, "ratio_permille", co.ratio_permille, true);
      p.chronic_outpatient = co;
    }

    YAML::Node years = n["years"];
    if (!years || !years.IsSequence() || years.size() == 0)
      return error(years ? years : n, "years 应为年份列表，如 [2025, 2026]");
    for (const auto& y : years) {
      auto year = integer(y, "years", 2000, 2100);
      if (!year) continue;
      p.year = static_cast<int>(*year);
      if (set_.exact(region, p.insurance_type, p.year)) {
        error(y, "重复的政策参数：" + region + " " + p.insurance_type + " " +
                     std::to_string(p.year) + " 年");
        continue;
      }
      set_.policies_.push_back(p);
    }
  }

  void seriousIllness(const YAML::Node& n, InsurancePolicy& p) {
    YAML::Node s = n["serious_illness"];
    if (!s) return error(n, "缺少 serious_illness");
    if (!s.IsMap()) return error(s, "serious_illness 应为映射");
    keys(s, {"threshold_fen", "tiers", "annual_cap_fen"});
    if (auto v = amount(s, "threshold_fen")) p.serious_illness.threshold_fen = *v;
    if (auto v = amount(s, "annual_cap_fen")) p.serious_illness.annual_cap_fen = *v;
    YAML::Node tiers = s["tiers"];
    if (!tiers || !tiers.IsSequence() || tiers.size() == 0)
      return error(tiers ? tiers : s, "tiers 应为非空列表 [{up_to_fen, ratio_permille}]");
    int64_t previous = p.serious_illness.threshold_fen;
    for (size_t i = 0; i < tiers.size(); ++i) {
      const YAML::Node t = tiers[i];
      if (!t.IsMap()) {
        error(t, "tiers 的每一项应为 {up_to_fen, ratio_permille}");
        continue;
      }
      keys(t, {"up_to_fen", "ratio_permille"});
      SeriousIllnessTier tier;
      if (!t["ratio_permille"])
        error(t, "缺少 ratio_permille");
      else if (auto r = ratio(t["ratio_permille"], "ratio_permille"))
        tier.ratio_permille = *r;
      if (t["up_to_fen"]) {
        if (auto v = integer(t["up_to_fen"], "up_to_fen", 0, kMaxAmount)) {
          if (*v <= previous)
            error(t["up_to_fen"], "tiers 须按 up_to_fen 递增，且第一档高于起付标准");
          tier.up_to_fen = *v;
          previous = *v;
        }
      } else if (i + 1 != tiers.size()) {
        error(t, "只有最后一档可以不写 up_to_fen（不设上限）");
      }
      p.serious_illness.tiers.push_back(tier);
    }
  }

  void assistance(const YAML::Node& n, InsurancePolicy& p) {
    YAML::Node a = n["assistance"];
    if (!a) return error(n, "缺少 assistance");
    if (!a.IsMap()) return error(a, "assistance 应为映射");
    keys(a, {"ratio_permille", "annual_cap_fen"});
    if (auto v = amount(a, "annual_cap_fen")) p.assistance.annual_cap_fen = *v;
    YAML::Node r = a["ratio_permille"];
    if (!r || !r.IsMap()) return error(r ? r : a, "assistance.ratio_permille 应为 {身份: 比例}");
    for (const auto& kv : r)
      if (auto v = ratio(kv.second, "assistance.ratio_permille[" + kv.first.Scalar() + "]"))
        p.assistance.ratio_permille[kv.first.Scalar()] = *v;
  }

  void premium(const YAML::Node& n, InsurancePolicy& p) {
    YAML::Node m = n["premium"];
    if (!m) {
      if (p.insurance_type == kResidentInsurance)
        error(n, "城乡居民须给出 premium（个人缴费及资助）");
      return;
    }
    if (!m.IsMap()) return error(m, "premium 应为映射");
    keys(m, {"personal_fen", "subsidy"});
    PremiumPolicy pp;
    if (auto v = amount(m, "personal_fen")) pp.personal_fen = *v;
    if (YAML::Node s = m["subsidy"]) {
      if (!s.IsMap())
        return error(s, "premium.subsidy 应为 {身份: {full: true} 或 {amount_fen: …}}");
      for (const auto& kv : s) {
        const YAML::Node v = kv.second;
        keys(v, {"full", "amount_fen"});
        PremiumSubsidy sub;
        bool full = v.IsMap() && v["full"] && v["full"].IsScalar() && v["full"].Scalar() == "true";
        bool fixed = v.IsMap() && v["amount_fen"];
        if (full == fixed) {
          error(v, "资助须写 {full: true} 或 {amount_fen: …} 之一");
          continue;
        }
        sub.full = full;
        if (fixed) {
          auto a = integer(v["amount_fen"], "amount_fen", 0, kMaxAmount);
          if (!a) continue;
          if (*a > pp.personal_fen) error(v["amount_fen"], "定额资助不能高于个人缴费标准");
          sub.amount_fen = *a;
        }
        pp.subsidy[kv.first.Scalar()] = sub;
      }
    }
    p.premium = pp;
  }

  void retirement(const YAML::Node& n, InsurancePolicy& p) {
    YAML::Node r = n["retirement"];
    bool needed = p.insurance_type == kEmployeeInsurance || p.insurance_type == kFlexibleInsurance;
    if (!r) {
      if (needed) error(n, "职工、灵活就业须给出 retirement.required_contribution_years");
      return;
    }
    if (!r.IsMap()) return error(r, "retirement 应为映射");
    keys(r, {"required_contribution_years"});
    YAML::Node y = r["required_contribution_years"];
    if (!y || !y.IsMap())
      return error(y ? y : r, "required_contribution_years 应为 {男: 年数, 女: 年数}");
    keys(y, {"男", "女"});
    for (const char* sex : {"男", "女"}) {
      if (!y[sex]) {
        error(y, std::string("required_contribution_years 缺少 ") + sex);
        continue;
      }
      if (auto v = integer(y[sex], std::string("required_contribution_years.") + sex, 0, 60))
        p.required_contribution_years[sex] = static_cast<int>(*v);
    }
  }

  static constexpr int64_t kMaxAmount = 1'000'000'000'000;  // Money::kMaxFen
  PolicySet& set_;
  std::string file_;
};

Result<std::shared_ptr<const PolicySet>> PolicySet::loadDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  if (ec || files.empty())
    return fail(ErrorCode::kBadRequest, "policy_missing", "找不到政策参数目录或文件: " + dir);
  std::sort(files.begin(), files.end());
  auto set = std::make_shared<PolicySet>();
  PolicyLoader loader(*set);
  std::set<std::string> regions;
  for (const auto& f : files) {
    loader.loadFile(f);
    regions.insert(f.stem().string());
  }
  loader.finish(regions);
  CareRulesLoader::load(dir, *set, loader.errors_);  // policy/filings/, policy/diseases/
  if (!loader.errors_.empty()) {
    std::string msg;
    for (const auto& e : loader.errors_) msg += (msg.empty() ? "" : "\n") + e;
    return fail(ErrorCode::kBadRequest, "policy_invalid", msg);
  }
  return std::shared_ptr<const PolicySet>(std::move(set));
}

}  // namespace jingban
