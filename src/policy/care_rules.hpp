// The rules of remote-care filings (异地就医备案) and outpatient chronic / special disease
// qualifications (门诊慢特病病种待遇认定) per region, as data: policy/filings/<region>.yaml and
// policy/diseases/<region>.yaml, loaded with the policy parameters (PolicySet::loadDir).
//
// The seeds give the disease lists of Yunnan (25 chronic, 15 special) and part of Qingdao's; no
// period of validity or minimum period of a filing: those figures are examples (`example: true`,
// shown as 示例参数) within the national rule (医保发〔2022〕22号: a temporary filing is valid for
// at least 6 months; a long-term filing may be changed or cancelled after at most 6 months).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace jingban {

// The six categories of a remote-care filing (医保发〔2022〕22号): the first three are long-term
// (no end date), the last three temporary (valid for the region's period).
inline constexpr const char* kFilingCategories[] = {"异地安置退休", "异地长期居住", "常驻异地工作",
                                                    "异地转诊",     "急诊抢救",     "其他临时外出"};
bool isLongTermFiling(const std::string& category);
bool isFilingCategory(const std::string& category);

struct FilingRules {
  std::string region;
  bool example = true;
  std::string source;
  int temporary_validity_months = 6;    // 临时外出就医 filings: at least 6
  int long_term_change_min_months = 6;  // a long-term filing changes / ends no sooner (≤ 6)
  int temporary_change_min_months = 0;  // the same for a temporary one
  std::string file;
};

// Qingdao's 门诊统筹签约 (policy/signing/<region>.yaml): the seed says nothing of when a signing
// may be changed, so the minimum period a signing runs before a new one replaces it is an example.
struct SigningRules {
  std::string region;
  bool example = true;
  std::string source;
  int change_min_months = 12;  // 0 = a new signing may replace the current one at any time
  std::string file;
};

struct Disease {
  std::string code, name;
  std::string kind;         // chronic | special (慢性病 / 特殊病)
  bool instant = false;     // 即时认定 (Qingdao's 27 diseases) rather than an assessment
  bool specialist = false;  // assessed at a specialist hospital only (Qinghai: 精神病 …)
  bool from_seed = true;    // false: an example entry the seed does not name
};

struct DiseaseCatalog {
  std::string region;
  bool example = true;
  std::string source;
  std::vector<Disease> diseases;
  std::map<std::string, int> validity_months;  // by kind; 0 = no end
  int renewal_window_days = 0;  // a renewal may be applied for this many days before the end
  // The item condition that selects the shorter time limit and the diseases it belongs to
  // (Yunnan: special_disease ↔ kind special; Qingdao: instant_diseases ↔ instant), "" none.
  std::string limit_condition;
  std::string limit_condition_applies_to;  // special | instant
  std::string file;

  const Disease* find(const std::string& code) const;
  // Whether the disease belongs to the group the limit condition names.
  bool inLimitGroup(const Disease& d) const;
};

const char* diseaseKindName(const std::string& kind);  // 慢性病 | 特殊病

class PolicySet;
// Reads <dir>/filings/*.yaml, <dir>/diseases/*.yaml and <dir>/signing/*.yaml (each optional, one
// file per region named after it) into the set; every problem is appended as "file:line: message".
class CareRulesLoader {
 public:
  static void load(const std::string& dir, PolicySet& set, std::vector<std::string>& errors);
};

}  // namespace jingban
