// The fee catalogue a monthly settlement checks each fee line against (医保药品目录, 医疗服务项目,
// 医用耗材): code → name, kind, class 甲 / 乙 / 丙 and price cap. Data, one CSV per region.
//
// File format (catalog/fee_catalogue/<region>.csv): UTF-8, lines starting with '#' are comments
// (a comment line "# example: true" marks the file as example figures, shown as 示例参数), then the
// header `code,name,kind,class,price_cap_fen` and one row per code. kind is 药品 | 诊疗项目 |
// 医用耗材, class 甲 | 乙 | 丙, the cap in integer fen (1 … 10^10). A region without its own file
// uses the file of the region it extends (西宁 → 青海).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/error.hpp"

namespace jingban::settlement {

enum class FeeClass : uint8_t { kA = 0, kB = 1, kC = 2 };                  // 甲 乙 丙
enum class CodeKind : uint8_t { kDrug = 0, kService = 1, kMaterial = 2 };  // 药品 诊疗项目 医用耗材
inline constexpr int kClasses = 3, kKinds = 3;

const char* className(FeeClass c);  // 甲 | 乙 | 丙
const char* kindName(CodeKind k);   // 药品 | 诊疗项目 | 医用耗材
bool parseClass(std::string_view s, FeeClass& out);
bool parseKind(std::string_view s, CodeKind& out);

struct CatalogueEntry {
  std::string code, name;
  CodeKind kind = CodeKind::kDrug;
  FeeClass cls = FeeClass::kA;
  int64_t price_cap_fen = 0;  // the highest unit price the fund accepts
};

inline constexpr int64_t kMaxPriceCapFen = 10'000'000'000;  // 10^10 fen = 10^8 yuan

class FeeCatalogue {
 public:
  // `source` names the file in errors ("qinghai.csv:12: …").
  static Result<FeeCatalogue> parse(std::string_view text, const std::string& source);
  static Result<FeeCatalogue> load(const std::string& path);

  const CatalogueEntry* find(std::string_view code) const;
  bool example() const { return example_; }
  size_t size() const { return entries_.size(); }
  const std::string& source() const { return source_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, CatalogueEntry, Hash, std::equal_to<>> entries_;
  bool example_ = false;
  std::string source_;
};

// Every region's catalogue, loaded once from a directory (<region>.csv each).
class FeeCatalogues {
 public:
  // Loads every *.csv of `dir`; an error names the file and line. A missing directory is an
  // error too (the server must not settle without its catalogue).
  static Result<std::shared_ptr<const FeeCatalogues>> load(const std::string& dir);
  // The catalogue of the first region of `chain` that has one (the region, then the region it
  // extends …); null when none does.
  const FeeCatalogue* find(const std::vector<std::string>& chain) const;
  void add(const std::string& region, FeeCatalogue c) { by_region_.emplace(region, std::move(c)); }

 private:
  std::map<std::string, FeeCatalogue> by_region_;
};

}  // namespace jingban::settlement
