#include "settlement/fee_catalogue.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/text.hpp"

namespace jingban::settlement {

namespace {

constexpr const char* kClassNames[kClasses] = {"甲", "乙", "丙"};
constexpr const char* kKindNames[kKinds] = {"药品", "诊疗项目", "医用耗材"};
constexpr std::string_view kHeader = "code,name,kind,class,price_cap_fen";

std::vector<std::string_view> splitComma(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

bool validCode(std::string_view code) {
  if (code.empty() || code.size() > 40) return false;
  for (char ch : code)
    if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
          ch == '-' || ch == '.'))
      return false;
  return true;
}

}  // namespace

const char* className(FeeClass c) { return kClassNames[static_cast<int>(c)]; }
const char* kindName(CodeKind k) { return kKindNames[static_cast<int>(k)]; }

bool parseClass(std::string_view s, FeeClass& out) {
  for (int i = 0; i < kClasses; ++i)
    if (s == kClassNames[i]) return out = static_cast<FeeClass>(i), true;
  return false;
}

bool parseKind(std::string_view s, CodeKind& out) {
  for (int i = 0; i < kKinds; ++i)
    if (s == kKindNames[i]) return out = static_cast<CodeKind>(i), true;
  return false;
}

Result<FeeCatalogue> FeeCatalogue::parse(std::string_view text, const std::string& source) {
  FeeCatalogue c;
  c.source_ = source;
  if (!validUtf8(text))
    return fail(ErrorCode::kUnprocessable, "catalogue_encoding",
                source + "：不是有效的 UTF-8 文本");
  bool header = false;
  size_t line_no = 0, pos = 0;
  auto bad = [&](const std::string& why) {
    return fail(ErrorCode::kUnprocessable, "catalogue_invalid",
                source + ":" + std::to_string(line_no) + "：" + why);
  };
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.front() == '#') {
      if (line.find("example: true") != std::string_view::npos) c.example_ = true;
      continue;
    }
    if (!header) {
      if (line != kHeader) return bad("表头须为 " + std::string(kHeader));
      header = true;
      continue;
    }
    auto f = splitComma(line);
    if (f.size() != 5) return bad("每行须有 5 列（code,name,kind,class,price_cap_fen）");
    CatalogueEntry e;
    if (!validCode(f[0])) return bad("编码须为 1–40 个字母、数字、- 或 .");
    e.code = std::string(f[0]);
    if (f[1].empty() || utf8Length(f[1]) > 100) return bad("名称须为 1–100 个字");
    e.name = std::string(f[1]);
    if (!parseKind(f[2], e.kind)) return bad("kind 须为 药品 / 诊疗项目 / 医用耗材");
    if (!parseClass(f[3], e.cls)) return bad("class 须为 甲 / 乙 / 丙");
    auto cap = parseStrictInt(f[4], 1, kMaxPriceCapFen, "price_cap_fen");
    if (!cap) return bad("price_cap_fen 须为 1 至 10000000000 之间的整数（分）");
    e.price_cap_fen = *cap;
    std::string code = e.code;
    if (!c.entries_.emplace(code, std::move(e)).second) return bad("编码重复");
  }
  if (!header) return bad("缺少表头");
  if (c.entries_.empty()) return bad("目录为空");
  return c;
}

Result<FeeCatalogue> FeeCatalogue::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(ErrorCode::kUnavailable, "catalogue_missing", "无法读取收费目录文件：" + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), std::filesystem::path(path).filename().string());
}

const CatalogueEntry* FeeCatalogue::find(std::string_view code) const {
  auto it = entries_.find(code);
  return it == entries_.end() ? nullptr : &it->second;
}

Result<std::shared_ptr<const FeeCatalogues>> FeeCatalogues::load(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return fail(ErrorCode::kUnavailable, "catalogue_missing", "收费目录文件夹不存在：" + dir);
  auto out = std::make_shared<FeeCatalogues>();
  for (const auto& f : fs::directory_iterator(dir, ec)) {
    if (f.path().extension() != ".csv") continue;
    auto c = FeeCatalogue::load(f.path().string());
    if (!c) return std::unexpected(c.error());
    out->add(f.path().stem().string(), std::move(*c));
  }
  if (ec)
    return fail(ErrorCode::kUnavailable, "catalogue_missing", "无法读取收费目录文件夹：" + dir);
  return std::shared_ptr<const FeeCatalogues>(std::move(out));
}

const FeeCatalogue* FeeCatalogues::find(const std::vector<std::string>& chain) const {
  for (const auto& r : chain)
    if (auto it = by_region_.find(r); it != by_region_.end()) return &it->second;
  return nullptr;
}

}  // namespace jingban::settlement
