#include "policy/care_rules.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "common/text.hpp"
#include "policy/policy.hpp"

namespace jingban {

bool isLongTermFiling(const std::string& category) {
  return category == "异地安置退休" || category == "异地长期居住" || category == "常驻异地工作";
}

bool isFilingCategory(const std::string& category) {
  return std::find(std::begin(kFilingCategories), std::end(kFilingCategories), category) !=
         std::end(kFilingCategories);
}

const Disease* DiseaseCatalog::find(const std::string& code) const {
  for (const auto& d : diseases)
    if (d.code == code) return &d;
  return nullptr;
}

bool DiseaseCatalog::inLimitGroup(const Disease& d) const {
  if (limit_condition_applies_to == "special") return d.kind == "special";
  if (limit_condition_applies_to == "instant") return d.instant;
  return false;
}

const char* diseaseKindName(const std::string& kind) {
  return kind == "special" ? "特殊病" : "慢性病";
}

namespace {

// A bounded walk up `extends` (the policy loader refuses cycles).
template <typename Map>
const typename Map::mapped_type* inherited(const PolicySet& set, const Map& m,
                                           const std::string& region) {
  std::string r = region;
  for (int depth = 0; depth < 8 && !r.empty(); ++depth) {
    if (auto it = m.find(r); it != m.end()) return &it->second;
    r = set.extends(r);
  }
  return nullptr;
}

}  // namespace

const FilingRules* PolicySet::filingRules(const std::string& region) const {
  return inherited(*this, filing_rules_, region);
}

const DiseaseCatalog* PolicySet::diseases(const std::string& region) const {
  return inherited(*this, diseases_, region);
}

const SigningRules* PolicySet::signingRules(const std::string& region) const {
  return inherited(*this, signing_rules_, region);
}

namespace {

class Reader {
 public:
  Reader(std::string file, std::vector<std::string>& errors)
      : file_(std::move(file)), errors_(errors) {}

  void error(const YAML::Node& n, const std::string& msg) {
    errors_.push_back(file_ + ":" + std::to_string(n.Mark().line + 1) + ": " + msg);
  }
  void keys(const YAML::Node& map, std::initializer_list<const char*> allowed) {
    if (!map.IsMap()) return;
    for (const auto& kv : map) {
      std::string k = kv.first.Scalar();
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return k == a; }))
        error(kv.first, "未知的键 " + k);
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
  std::optional<int> integer(const YAML::Node& map, const char* key, int min, int max) {
    YAML::Node n = map[key];
    if (!n || !n.IsScalar()) {
      error(n ? n : map, std::string(key) + " 应为整数");
      return std::nullopt;
    }
    auto v = parseStrictInt(n.Scalar(), min, max, key);
    if (!v) {
      error(n, std::string(key) + " 应为 " + std::to_string(min) + " … " + std::to_string(max) +
                   " 的整数");
      return std::nullopt;
    }
    return static_cast<int>(*v);
  }
  bool flag(const YAML::Node& map, const char* key, bool required, bool fallback) {
    YAML::Node n = map[key];
    if (!n) {
      if (required) error(map, std::string("缺少 ") + key + "（true 或 false）");
      return fallback;
    }
    if (!n.IsScalar() || (n.Scalar() != "true" && n.Scalar() != "false")) {
      error(n, std::string(key) + " 须为 true 或 false");
      return fallback;
    }
    return n.Scalar() == "true";
  }
  // The region of the file: required, equal to the file's stem.
  std::string region(const YAML::Node& root, const std::filesystem::path& path) {
    std::string r = text(root, "region", true);
    if (!r.empty() && r != path.stem().string())
      error(root["region"], "region 应与文件名一致（" + path.stem().string() + "）");
    return r;
  }

 private:
  std::string file_;
  std::vector<std::string>& errors_;
};

std::vector<std::filesystem::path> yamlFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;  // a missing directory: no rules (the effects then refuse with a clear message)
}

std::optional<YAML::Node> loadYaml(const std::filesystem::path& path,
                                   std::vector<std::string>& errors) {
  try {
    YAML::Node root = YAML::LoadFile(path.string());
    if (!root.IsMap()) {
      errors.push_back(path.string() + ":1: 文件顶层应为映射");
      return std::nullopt;
    }
    return root;
  } catch (const YAML::Exception& e) {
    errors.push_back(path.string() + ":" + std::to_string(e.mark.line + 1) + ": YAML 语法错误：" +
                     e.msg);
    return std::nullopt;
  }
}

}  // namespace

void CareRulesLoader::load(const std::string& dir, PolicySet& set,
                           std::vector<std::string>& errors) {
  namespace fs = std::filesystem;
  for (const auto& path : yamlFiles(fs::path(dir) / "filings")) {
    auto root = loadYaml(path, errors);
    if (!root) continue;
    Reader r(path.string(), errors);
    r.keys(*root, {"region", "example", "source", "note", "temporary_validity_months",
                   "long_term_change_min_months", "temporary_change_min_months"});
    FilingRules f;
    f.file = path.string();
    f.region = r.region(*root, path);
    f.example = r.flag(*root, "example", true, true);
    f.source = r.text(*root, "source", true);
    // 医保发〔2022〕22号: 临时外出就医人员备案有效期原则上不少于6个月; 长期备案变更或取消的
    // 时限原则上不超过6个月.
    if (auto v = r.integer(*root, "temporary_validity_months", 6, 120))
      f.temporary_validity_months = *v;
    if (auto v = r.integer(*root, "long_term_change_min_months", 0, 6))
      f.long_term_change_min_months = *v;
    if (auto v = r.integer(*root, "temporary_change_min_months", 0, 120)) {
      f.temporary_change_min_months = *v;
      if (*v > f.temporary_validity_months)
        r.error((*root)["temporary_change_min_months"],
                "temporary_change_min_months 不能超过 temporary_validity_months");
    }
    if (!f.region.empty()) set.filing_rules_[f.region] = std::move(f);
  }

  for (const auto& path : yamlFiles(fs::path(dir) / "diseases")) {
    auto root = loadYaml(path, errors);
    if (!root) continue;
    Reader r(path.string(), errors);
    r.keys(*root, {"region", "example", "source", "note", "validity_months", "renewal_window_days",
                   "limit_condition", "diseases"});
    DiseaseCatalog c;
    c.file = path.string();
    c.region = r.region(*root, path);
    c.example = r.flag(*root, "example", true, true);
    c.source = r.text(*root, "source", true);
    if (auto v = r.integer(*root, "renewal_window_days", 0, 366)) c.renewal_window_days = *v;
    YAML::Node validity = (*root)["validity_months"];
    if (!validity || !validity.IsMap()) {
      r.error(validity ? validity : *root, "validity_months 应为 {chronic: 月数, special: 月数}");
    } else {
      r.keys(validity, {"chronic", "special"});
      for (const char* k : {"chronic", "special"})
        if (auto v = r.integer(validity, k, 0, 240)) c.validity_months[k] = *v;
    }
    if (YAML::Node lc = (*root)["limit_condition"]) {
      r.keys(lc, {"id", "applies_to"});
      c.limit_condition = r.text(lc, "id", true);
      c.limit_condition_applies_to = r.text(lc, "applies_to", true);
      if (!c.limit_condition_applies_to.empty() && c.limit_condition_applies_to != "special" &&
          c.limit_condition_applies_to != "instant")
        r.error(lc["applies_to"], "applies_to 应为 special 或 instant");
    }
    YAML::Node list = (*root)["diseases"];
    if (!list || !list.IsSequence() || list.size() == 0) {
      r.error(list ? list : *root, "diseases 应为非空列表");
    } else {
      std::set<std::string> codes;
      for (const auto& n : list) {
        if (!n.IsMap()) {
          r.error(n, "diseases 的每一项应为映射 {code, name, kind}");
          continue;
        }
        r.keys(n, {"code", "name", "kind", "instant", "specialist", "from_seed", "note"});
        Disease d;
        d.code = r.text(n, "code", true);
        d.name = r.text(n, "name", true);
        d.kind = r.text(n, "kind", true);
        if (!d.kind.empty() && d.kind != "chronic" && d.kind != "special")
          r.error(n["kind"], "kind 应为 chronic（慢性病）或 special（特殊病）");
        d.instant = r.flag(n, "instant", false, false);
        d.specialist = r.flag(n, "specialist", false, false);
        d.from_seed = r.flag(n, "from_seed", false, true);
        if (!d.code.empty() && !codes.insert(d.code).second)
          r.error(n["code"], "重复的病种编码 " + d.code);
        c.diseases.push_back(std::move(d));
      }
    }
    if (!c.region.empty()) set.diseases_[c.region] = std::move(c);
  }

  for (const auto& path : yamlFiles(fs::path(dir) / "signing")) {
    auto root = loadYaml(path, errors);
    if (!root) continue;
    Reader r(path.string(), errors);
    r.keys(*root, {"region", "example", "source", "note", "change_min_months"});
    SigningRules s;
    s.file = path.string();
    s.region = r.region(*root, path);
    s.example = r.flag(*root, "example", true, true);
    s.source = r.text(*root, "source", true);
    if (auto v = r.integer(*root, "change_min_months", 0, 60)) s.change_min_months = *v;
    if (!s.region.empty()) set.signing_rules_[s.region] = std::move(s);
  }
}

}  // namespace jingban
