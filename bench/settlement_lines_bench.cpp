// The monthly settlement's fee lines at scale (issue 8 §6: 10,000,000 lines validated and
// aggregated in under 60 s on 2 cores, memory under 512 MiB). Generates CSV fee lines in 1 MiB
// pieces (about 2 % of them wrong in one of six ways) and feeds each piece to
// settlement::LineValidator as it is made, the way the upload route feeds a body: the file never
// exists whole. Prints lines/s of the validation alone and of generation + validation, the
// report's counts, and the peak RSS (getrusage).
//
// Usage: jingban_settlement_lines_bench [LINES] [CATALOGUE.csv]
//        (defaults: 10000000, catalog/fee_catalogue/qinghai.csv of the source tree)
//        jingban_settlement_lines_bench --emit LINES YYYY-MM [CATALOGUE.csv]
//        writes the same lines for that month to stdout instead, for an upload through the
//        server (bench/settlement_upload.sh).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "settlement/fee_catalogue.hpp"
#include "settlement/fee_lines.hpp"

using namespace jingban::settlement;
using Clock = std::chrono::steady_clock;

namespace {

struct Rng {
  uint64_t s = 0x9E3779B97F4A7C15ull;
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(next() % n); }
};

std::string citizenId(int seq) {
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  char body[18];
  std::snprintf(body, sizeof body, "630102%04d%02d%02d%03d", 1950 + seq % 60, 1 + seq % 12,
                1 + seq % 28, seq % 1000);
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[i] - '0') * kWeights[i];
  return std::string(body, 17) + "10X98765432"[sum % 11];
}

struct Code {
  std::string code, cls;
  int64_t cap;
};

// Reads the catalogue file again for the codes to generate (FeeCatalogue has no iteration).
std::vector<Code> codesOf(const std::string& path) {
  std::vector<Code> out;
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, f)) {
    std::string row(buf);
    if (row.empty() || row[0] == '#' || row.starts_with("code,")) continue;
    while (!row.empty() && (row.back() == '\n' || row.back() == '\r')) row.pop_back();
    std::vector<std::string> c;
    size_t start = 0;
    for (size_t i = 0; i <= row.size(); ++i)
      if (i == row.size() || row[i] == ',') {
        c.push_back(row.substr(start, i - start));
        start = i + 1;
      }
    if (c.size() == 5) out.push_back({c[0], c[3], std::stoll(c[4])});
  }
  std::fclose(f);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const bool emit = argc > 3 && std::string(argv[1]) == "--emit";
  if (emit) ++argv, --argc;
  int64_t lines = argc > 1 ? std::atoll(argv[1]) : 10'000'000;
  const std::string month = emit ? argv[2] : "2026-02";
  if (emit) ++argv, --argc;
  std::string path =
      argc > 2 ? argv[2] : std::string(JINGBAN_SOURCE_DIR) + "/catalog/fee_catalogue/qinghai.csv";
  auto cat = FeeCatalogue::load(path);
  if (!cat) {
    std::fprintf(stderr, "%s\n", cat.error().message.c_str());
    return 1;
  }
  auto codes = codesOf(path);
  std::vector<std::string> ids;
  for (int i = 0; i < 5000; ++i) ids.push_back(citizenId(i));

  LineRules rules;
  rules.month = month;
  rules.agreement_from = "2025-01-01";
  rules.class_b_first_paid_permille = 100;
  LineValidator v(*cat, rules);

  Rng rng;
  std::string piece;
  piece.reserve((1 << 20) + 4096);
  piece = "line_no,id_no,visit_date,code,name,class,quantity,unit_price_fen,amount_fen\n";
  Clock::duration validating{};
  auto t0 = Clock::now();
  char buf[256];
  for (int64_t n = 1; n <= lines; ++n) {
    const Code& c = codes[rng.below(static_cast<uint32_t>(codes.size()))];
    int64_t price = 1 + rng.below(static_cast<uint32_t>(std::min<int64_t>(c.cap, 1'000'000)));
    int qty_milli = 500 * (1 + static_cast<int>(rng.below(6)));  // 0.5 … 3
    int64_t amount = (qty_milli * price + 500) / 1000;
    int day = 1 + static_cast<int>(rng.below(28));
    std::string_view cls = c.cls;
    std::string_view id = ids[rng.below(static_cast<uint32_t>(ids.size()))];
    int64_t line_no = n;
    std::string_view code = c.code;
    switch (rng.below(300)) {  // 6 ways to be wrong, 1/300 each: 2 %
      case 0:
        amount += 1;
        break;
      case 1:
        day = 0;
        break;
      case 2:
        code = "NOSUCHCODE";
        break;
      case 3:
        cls = cls == "甲" ? "乙" : "甲";
        break;
      case 4:
        price = c.cap + 1, amount = (qty_milli * price + 500) / 1000;
        break;
      case 5:
        line_no = n - 1;
        break;
      default:
        break;
    }
    int len =
        std::snprintf(buf, sizeof buf, "%lld,%.*s,%s-%02d,%.*s,示例项目,%.*s,%d.%03d,%lld,%lld\n",
                      static_cast<long long>(line_no), static_cast<int>(id.size()), id.data(),
                      month.c_str(), day, static_cast<int>(code.size()), code.data(),
                      static_cast<int>(cls.size()), cls.data(), qty_milli / 1000, qty_milli % 1000,
                      static_cast<long long>(price), static_cast<long long>(amount));
    piece.append(buf, static_cast<size_t>(len));
    if (piece.size() >= (1 << 20) || n == lines) {
      if (emit) {
        if (std::fwrite(piece.data(), 1, piece.size(), stdout) != piece.size()) return 1;
        piece.clear();
        continue;
      }
      auto s = Clock::now();
      if (auto r = v.feed(piece); !r) {
        std::fprintf(stderr, "%s\n", r.error().message.c_str());
        return 1;
      }
      validating += Clock::now() - s;
      piece.clear();
    }
  }
  if (emit) return std::fflush(stdout) == 0 ? 0 : 1;
  auto s = Clock::now();
  auto rep = v.finish();
  validating += Clock::now() - s;
  double total = std::chrono::duration<double>(Clock::now() - t0).count();
  double valid = std::chrono::duration<double>(validating).count();
  if (!rep) {
    std::fprintf(stderr, "%s\n", rep.error().message.c_str());
    return 1;
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf(
      "lines %lld accepted %lld rejected %lld amount_fen %lld fund_fen %lld\n",
      static_cast<long long>(rep->totals.lines), static_cast<long long>(rep->totals.accepted),
      static_cast<long long>(rep->totals.rejected), static_cast<long long>(rep->totals.amount_fen),
      static_cast<long long>(rep->totals.fund_fen));
  std::printf("validation %.2f s (%.0f lines/s); generation + validation %.2f s (%.0f lines/s)\n",
              valid, static_cast<double>(lines) / valid, total, static_cast<double>(lines) / total);
  std::printf("peak RSS %.1f MiB\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
  return 0;
}
