#include "policy/maternity.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "calendar/date.hpp"
#include "common/money.hpp"
#include "common/text.hpp"

namespace jingban {

namespace {

constexpr int64_t kMaxAmount = Money::kMaxFen;

Error invalid(const char* slug, std::string msg) {
  return Error{ErrorCode::kUnprocessable, slug, std::move(msg)};
}

std::string yuan(int64_t fen) {
  auto m = Money::total(fen < 0 ? 0 : fen);
  return (m ? m->yuan() : std::to_string(fen) + " 分") + " 元";
}

// Half up, once: ⌊(n + d/2) / d⌋ for n ≥ 0, d > 0.
int64_t divRound(__int128 n, __int128 d) { return static_cast<int64_t>((n + d / 2) / d); }

}  // namespace

const char* maternityBenefitKey(MaternityBenefit b) {
  switch (b) {
    case MaternityBenefit::kPrenatal:
      return "prenatal";
    case MaternityBenefit::kMedical:
      return "medical";
    case MaternityBenefit::kFamilyPlanning:
      return "family_planning";
    case MaternityBenefit::kAllowance:
      return "allowance";
  }
  return "";
}

const char* maternityBenefitName(MaternityBenefit b) {
  switch (b) {
    case MaternityBenefit::kPrenatal:
      return "产前检查费";
    case MaternityBenefit::kMedical:
      return "生育医疗费";
    case MaternityBenefit::kFamilyPlanning:
      return "计划生育医疗费";
    case MaternityBenefit::kAllowance:
      return "生育津贴";
  }
  return "";
}

std::optional<MaternityBenefit> parseMaternityBenefit(std::string_view key) {
  for (auto b : {MaternityBenefit::kPrenatal, MaternityBenefit::kMedical,
                 MaternityBenefit::kFamilyPlanning, MaternityBenefit::kAllowance})
    if (key == maternityBenefitKey(b)) return b;
  return std::nullopt;
}

bool MaternityRules::flexibleMay(MaternityBenefit b) const {
  return std::find(flexible_benefits.begin(), flexible_benefits.end(), maternityBenefitKey(b)) !=
         flexible_benefits.end();
}

bool MaternityRules::allowanceExcludedFor(const std::string& unit_type) const {
  return std::find(no_allowance_unit_types.begin(), no_allowance_unit_types.end(), unit_type) !=
         no_allowance_unit_types.end();
}

int64_t MaternityRules::capFor(MaternityBenefit b) const {
  auto it = cap_fen.find(maternityBenefitKey(b));
  return it == cap_fen.end() ? 0 : it->second;
}

// ---------------------------------------------------------------------------------------- days

Result<AllowanceDays> allowanceDays(const MaternityRules& r, const std::string& kind, int babies) {
  AllowanceDays d;
  auto add = [&](std::string why, int n) {
    d.parts.emplace_back(std::move(why), n);
    d.days += n;
  };
  bool birth = kind == "顺产" || kind == "难产" || kind == "剖宫产";
  if (birth) {
    if (babies < 1 || babies > 9)
      return std::unexpected(invalid("invalid_babies", "胎儿数应为 1 至 9"));
    add("生育（含产前 " + std::to_string(r.before_birth_days) + " 天）", r.birth_days);
    if (std::find(r.difficult_kinds.begin(), r.difficult_kinds.end(), kind) !=
        r.difficult_kinds.end())
      add(kind + "增加", r.difficult_extra_days);
    if (babies > 1)
      add("多胞胎每多生育一个婴儿增加（" + std::to_string(babies - 1) + " 个）",
          r.extra_baby_days * (babies - 1));
    return d;
  }
  if (kind == "妊娠4个月以下流产") {
    add("怀孕未满4个月流产", r.miscarriage_early_days);
    return d;
  }
  if (kind == "妊娠4个月以上流产") {
    add("怀孕满4个月流产", r.miscarriage_late_days);
    return d;
  }
  if (auto it = r.family_planning_days.find(kind); it != r.family_planning_days.end()) {
    add("计划生育手术（" + kind + "）", it->second);
    return d;
  }
  return std::unexpected(
      invalid("unknown_birth_kind", "生育或计划生育类别不在本统筹区生育津贴的计发范围内"));
}

Result<Allowance> maternityAllowance(const MaternityRules& r, int64_t avg_monthly_wage_fen,
                                     const std::string& kind, int babies) {
  if (avg_monthly_wage_fen <= 0 || avg_monthly_wage_fen > kMaxAmount)
    return std::unexpected(invalid("invalid_wage", "单位上年度职工月平均工资应为正数且不超过上限"));
  auto days = allowanceDays(r, kind, babies);
  if (!days) return std::unexpected(days.error());
  Allowance a;
  a.avg_monthly_wage_fen = avg_monthly_wage_fen;
  a.days = std::move(*days);
  a.amount_fen = divRound(static_cast<__int128>(avg_monthly_wage_fen) * a.days.days, 30);
  return a;
}

nlohmann::json allowanceJson(const Allowance& a, const MaternityRules& r) {
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& [why, n] : a.days.parts) parts.push_back({{"reason", why}, {"days", n}});
  return {{"avg_monthly_wage_fen", a.avg_monthly_wage_fen},
          {"days", a.days.days},
          {"parts", std::move(parts)},
          {"amount_fen", a.amount_fen},
          {"formula", "单位上年度职工月平均工资 " + yuan(a.avg_monthly_wage_fen) + " ÷ 30 × " +
                          std::to_string(a.days.days) + " 天 = " + yuan(a.amount_fen) +
                          "（四舍五入到分，只舍入一次）"},
          {"example", r.example}};
}

Result<int64_t> averageMonthlyWage(int64_t year_total_fen, int employees) {
  if (employees < 1 || employees > 10'000'000)
    return std::unexpected(invalid("invalid_employees", "职工人数应为正整数"));
  if (year_total_fen <= 0 || year_total_fen > kMaxAmount)
    return std::unexpected(invalid("invalid_wage_total", "工资总额应为正数且不超过上限"));
  return divRound(year_total_fen, static_cast<__int128>(employees) * 12);
}

// --------------------------------------------------------------------------- medical costs

InsurancePolicy maternityClaimPolicy(const MaternityRules& r, MaternityBenefit b) {
  InsurancePolicy p;
  p.region = r.region;
  p.insurance_type = kEmployeeInsurance;
  p.example = r.example;
  p.source = r.source;
  p.file = r.file;
  p.deductible_basis = DeductibleBasis::kPerAdmission;
  p.deductible_fen = {0, 0, 0};
  p.ratio_permille = {r.medical_ratio_permille, r.medical_ratio_permille, r.medical_ratio_permille};
  int64_t cap = r.capFor(b);
  // Without a cap the fund's limit is the largest claim the bounds allow.
  p.annual_fund_cap_fen = cap > 0 ? cap : kMaxLineFen * static_cast<int64_t>(kMaxFeeLines);
  p.class_b_first_paid_permille = r.class_b_first_paid_permille;
  p.serious_illness.threshold_fen = 0;  // no tiers: nothing is paid by 大病保险
  return p;
}

Result<Settlement> settleMaternityClaim(const MaternityRules& r, MaternityBenefit b,
                                        const ClaimInput& claim, int64_t paid_before_fen) {
  InsurancePolicy p = maternityClaimPolicy(r, b);
  ClaimInput in = claim;
  in.identities.clear();  // 医疗救助 is not part of a maternity benefit
  YearToDate ytd;
  ytd.fund_fen = std::max<int64_t>(0, paid_before_fen);
  auto s = settle(p, in, ytd);
  if (!s) return s;
  // The deductible, 大病 and 救助 steps are zero by construction: left out, and the fund step
  // named for what pays it.
  std::vector<SettlementStep> kept;
  for (auto& st : s->steps) {
    if (st.name == "起付线" || st.name == "大病保险" || st.name == "医疗救助") continue;
    if (st.name == "统筹基金支付") {
      st.name = "生育保险基金支付";
      int64_t cap = r.capFor(b);
      st.note =
          std::string(maternityBenefitName(b)) + "支付比例 " +
          std::to_string(r.medical_ratio_permille / 10) + "." +
          std::to_string(r.medical_ratio_permille % 10) + "%" +
          (cap > 0 ? "；每次生育（手术）限额 " + yuan(cap) + "，此前已支付 " + yuan(ytd.fund_fen)
                   : std::string("；不设限额"));
    }
    kept.push_back(std::move(st));
  }
  s->steps = std::move(kept);
  return s;
}

// ----------------------------------------------------------------------------------- fees

Result<FeeAssessment> assessFees(const FeeRates& rates, int64_t monthly_base_fen) {
  if (monthly_base_fen <= 0 || monthly_base_fen > kMaxAmount)
    return std::unexpected(invalid("invalid_base", "申报的缴费工资基数应为正数且不超过上限"));
  FeeAssessment f;
  f.base_fen = monthly_base_fen;
  auto part = [&](int permille) {
    return divRound(static_cast<__int128>(monthly_base_fen) * permille, 1000);
  };
  f.unit_medical_fen = part(rates.unit_medical_permille);
  f.personal_medical_fen = part(rates.personal_medical_permille);
  f.unit_maternity_fen = part(rates.unit_maternity_permille);
  f.total_fen = f.unit_medical_fen + f.personal_medical_fen + f.unit_maternity_fen;
  return f;
}

nlohmann::json feeAssessmentJson(const FeeAssessment& f, const FeeRates& rates) {
  return {{"base_fen", f.base_fen},
          {"unit_medical_fen", f.unit_medical_fen},
          {"unit_medical_permille", rates.unit_medical_permille},
          {"personal_medical_fen", f.personal_medical_fen},
          {"personal_medical_permille", rates.personal_medical_permille},
          {"unit_maternity_fen", f.unit_maternity_fen},
          {"unit_maternity_permille", rates.unit_maternity_permille},
          {"total_fen", f.total_fen}};
}

std::string plusMonthsText(const std::string& ymd, int months) {
  auto d = Date::parse(ymd);
  if (!d) return "";
  int index = d->year() * 12 + static_cast<int>(d->month()) - 1 + months;
  int y = index / 12;
  unsigned m = static_cast<unsigned>(index % 12) + 1;
  // The last day of a shorter month (01-31 + 1 month = 02-28): the first day that exists.
  for (unsigned day = d->day(); day >= 28; --day) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, day);
    if (Date::parse(buf)) return buf;
  }
  return Date::fromYmd(y, m, d->day()).str();
}

// ----------------------------------------------------------------------------------- loader

namespace {

class MaternityLoader {
 public:
  explicit MaternityLoader(MaternityRuleSet& set) : set_(set) {}
  std::vector<std::string> errors_;

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
    if (!root.IsMap()) return error(root, "文件顶层应为映射（region, maternity, declaration）");
    keys(root, {"region", "extends", "maternity", "declaration"});
    std::string region = root["region"] && root["region"].IsScalar() ? root["region"].Scalar() : "";
    if (region != path.stem().string())
      return error(root, "region 应与文件名一致（" + path.stem().string() + "）");
    if (root["extends"]) {
      if (!root["extends"].IsScalar() || root["extends"].Scalar() == region)
        return error(root["extends"], "extends 应为另一个统筹区");
      set_.extends_[region] = root["extends"].Scalar();
      if (root["maternity"] || root["declaration"])
        error(root, "extends 的统筹区整体沿用上级规则，不能再写 maternity / declaration");
      return;
    }
    YAML::Node m = root["maternity"];
    if (!m || !m.IsMap()) return error(root, "缺少 maternity 映射");
    MaternityRules r;
    r.region = region;
    r.file = file_;
    rules(m, r);
    if (YAML::Node d = root["declaration"]) declaration(d, r);
    set_.rules_[region] = std::move(r);
  }

  void finish() {
    for (const auto& [region, parent] : set_.extends_)
      if (!set_.rules_.count(parent))
        errors_.push_back(region + ": extends 指向的统筹区 " + parent + " 没有生育规则");
  }

 private:
  void error(const YAML::Node& n, const std::string& msg) {
    errors_.push_back(file_ + ":" + std::to_string(n.Mark().line + 1) + ": " + msg);
  }
  void keys(const YAML::Node& map, std::initializer_list<const char*> allowed) {
    for (const auto& kv : map) {
      std::string k = kv.first.Scalar();
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; }))
        error(kv.first, "未知的键 " + k);
    }
  }
  std::optional<int64_t> integer(const YAML::Node& n, const std::string& what, int64_t min,
                                 int64_t max) {
    if (!n.IsScalar() || !parseStrictInt(n.Scalar(), min, max, what.c_str())) {
      error(n, what + " 应为 " + std::to_string(min) + " … " + std::to_string(max) + " 的整数");
      return std::nullopt;
    }
    return *parseStrictInt(n.Scalar(), min, max, what.c_str());
  }
  void days(const YAML::Node& m, const char* key, int& out) {
    if (!m[key]) return error(m, std::string("缺少 ") + key);
    if (auto v = integer(m[key], key, 0, 1000)) out = static_cast<int>(*v);
  }
  std::vector<std::string> list(const YAML::Node& m, const char* key) {
    std::vector<std::string> out;
    YAML::Node n = m[key];
    if (!n) return out;
    if (!n.IsSequence()) {
      error(n, std::string(key) + " 应为列表");
      return out;
    }
    for (const auto& v : n) out.push_back(v.Scalar());
    return out;
  }
  bool flag(const YAML::Node& m, const char* key) {
    YAML::Node n = m[key];
    if (!n) return false;
    if (!n.IsScalar() || (n.Scalar() != "true" && n.Scalar() != "false")) {
      error(n, std::string(key) + " 应为 true 或 false");
      return false;
    }
    return n.Scalar() == "true";
  }

  void rules(const YAML::Node& m, MaternityRules& r) {
    keys(m, {"example",
             "source",
             "note",
             "birth_days",
             "before_birth_days",
             "difficult_extra_days",
             "difficult_kinds",
             "extra_baby_days",
             "miscarriage_early_days",
             "miscarriage_late_days",
             "family_planning_days",
             "allowance_payee",
             "no_allowance_unit_types",
             "wage_source",
             "flexible_benefits",
             "spouse_medical",
             "claim_within_months",
             "filing_after_months",
             "filing_required",
             "medical_ratio_permille",
             "class_b_first_paid_permille",
             "cap_fen"});
    if (!m["example"]) error(m, "缺少 example（示例参数须标明 example: true）");
    r.example = flag(m, "example");
    if (!m["source"] || !m["source"].IsScalar())
      error(m, "缺少 source");
    else
      r.source = m["source"].Scalar();
    days(m, "birth_days", r.birth_days);
    days(m, "before_birth_days", r.before_birth_days);
    days(m, "difficult_extra_days", r.difficult_extra_days);
    days(m, "extra_baby_days", r.extra_baby_days);
    days(m, "miscarriage_early_days", r.miscarriage_early_days);
    days(m, "miscarriage_late_days", r.miscarriage_late_days);
    if (r.before_birth_days > r.birth_days) error(m, "before_birth_days 不能大于 birth_days");
    if (m["difficult_kinds"]) r.difficult_kinds = list(m, "difficult_kinds");
    if (YAML::Node fp = m["family_planning_days"]) {
      if (!fp.IsMap())
        error(fp, "family_planning_days 应为 {手术: 天数}");
      else
        for (const auto& kv : fp)
          if (auto v = integer(kv.second, "family_planning_days", 0, 1000))
            r.family_planning_days[kv.first.Scalar()] = static_cast<int>(*v);
    }
    if (m["allowance_payee"]) {
      r.allowance_payee = m["allowance_payee"].Scalar();
      if (r.allowance_payee != "unit" && r.allowance_payee != "person")
        error(m["allowance_payee"], "allowance_payee 应为 unit 或 person");
    }
    r.no_allowance_unit_types = list(m, "no_allowance_unit_types");
    if (m["wage_source"]) {
      r.wage_source = m["wage_source"].Scalar();
      if (r.wage_source != "declaration" && r.wage_source != "entered")
        error(m["wage_source"], "wage_source 应为 declaration 或 entered");
    }
    r.flexible_benefits = list(m, "flexible_benefits");
    for (const auto& b : r.flexible_benefits)
      if (!parseMaternityBenefit(b)) error(m["flexible_benefits"], "未知的待遇 " + b);
    r.spouse_medical = flag(m, "spouse_medical");
    r.filing_required = flag(m, "filing_required");
    if (m["claim_within_months"])
      if (auto v = integer(m["claim_within_months"], "claim_within_months", 1, 60))
        r.claim_within_months = static_cast<int>(*v);
    if (m["filing_after_months"])
      if (auto v = integer(m["filing_after_months"], "filing_after_months", 0, 10))
        r.filing_after_months = static_cast<int>(*v);
    if (m["medical_ratio_permille"])
      if (auto v = integer(m["medical_ratio_permille"], "medical_ratio_permille", 0, 1000))
        r.medical_ratio_permille = static_cast<int>(*v);
    if (m["class_b_first_paid_permille"])
      if (auto v =
              integer(m["class_b_first_paid_permille"], "class_b_first_paid_permille", 0, 1000))
        r.class_b_first_paid_permille = static_cast<int>(*v);
    if (YAML::Node caps = m["cap_fen"]) {
      if (!caps.IsMap())
        error(caps, "cap_fen 应为 {待遇: 金额}");
      else
        for (const auto& kv : caps) {
          if (!parseMaternityBenefit(kv.first.Scalar()))
            error(kv.first, "未知的待遇 " + kv.first.Scalar());
          if (auto v = integer(kv.second, "cap_fen", 0, kMaxAmount))
            r.cap_fen[kv.first.Scalar()] = *v;
        }
    }
  }

  void declaration(const YAML::Node& d, MaternityRules& r) {
    if (!d.IsMap()) return error(d, "declaration 应为映射");
    keys(d, {"example", "source", "note", "unit_medical_permille", "personal_medical_permille",
             "unit_maternity_permille"});
    if (!flag(d, "example") && !d["source"]) error(d, "declaration 须标明 example 或 source");
    FeeRates f;
    auto rate = [&](const char* key, int& out) {
      if (!d[key]) return error(d, std::string("缺少 ") + key);
      if (auto v = integer(d[key], key, 0, 1000)) out = static_cast<int>(*v);
    };
    rate("unit_medical_permille", f.unit_medical_permille);
    rate("personal_medical_permille", f.personal_medical_permille);
    rate("unit_maternity_permille", f.unit_maternity_permille);
    r.fee_rates = f;
  }

  MaternityRuleSet& set_;
  std::string file_;
};

}  // namespace

Result<std::shared_ptr<const MaternityRuleSet>> MaternityRuleSet::loadDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  if (ec || files.empty())
    return fail(ErrorCode::kBadRequest, "maternity_rules_missing",
                "找不到生育待遇规则目录或文件: " + dir);
  std::sort(files.begin(), files.end());
  auto set = std::make_shared<MaternityRuleSet>();
  MaternityLoader loader(*set);
  for (const auto& f : files) loader.loadFile(f);
  loader.finish();
  if (!loader.errors_.empty()) {
    std::string msg;
    for (const auto& e : loader.errors_) msg += (msg.empty() ? "" : "\n") + e;
    return fail(ErrorCode::kBadRequest, "maternity_rules_invalid", msg);
  }
  return std::shared_ptr<const MaternityRuleSet>(std::move(set));
}

std::shared_ptr<const MaternityRuleSet> MaternityRuleSet::besidePolicies(
    const PolicySet* policies) {
  if (!policies || policies->policies().empty()) return nullptr;
  namespace fs = std::filesystem;
  fs::path dir = fs::path(policies->policies().front().file).parent_path() / "maternity";
  auto r = loadDir(dir.string());
  if (!r) {
    // A broken rules file must not go unnoticed: the server refuses to start, as for the
    // policy files themselves.
    if (r.error().slug == "maternity_rules_missing") return nullptr;
    throw std::runtime_error(r.error().message);
  }
  return *r;
}

const MaternityRules* MaternityRuleSet::find(const std::string& region) const {
  std::string r = region;
  for (int depth = 0; depth < 8 && !r.empty(); ++depth) {
    if (auto it = rules_.find(r); it != rules_.end()) return &it->second;
    auto e = extends_.find(r);
    r = e == extends_.end() ? std::string() : e->second;
  }
  return nullptr;
}

std::vector<std::string> MaternityRuleSet::regions() const {
  std::vector<std::string> out;
  for (const auto& [r, _] : rules_) out.push_back(r);
  return out;
}

}  // namespace jingban
