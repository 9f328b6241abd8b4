// The monthly settlement's streaming validator (src/settlement): every rejection reason, the
// totals and the fund's share by hand, chunk boundaries anywhere, CSV and JSON lines alike, and
// the fee catalogue's loader (the shipped example files included).
#include <gtest/gtest.h>

#include <string>

#include "settlement/fee_catalogue.hpp"
#include "settlement/fee_lines.hpp"

namespace jingban::settlement {
namespace {

// A valid 公民身份号码 for a 17-digit body (GB 11643 check character).
std::string citizenId(const std::string& body17) {
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kCheck[] = "10X98765432";
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body17[i] - '0') * kWeights[i];
  return body17 + kCheck[sum % 11];
}

const std::string kId = citizenId("63010219800101123");
const std::string kHeader =
    "line_no,id_no,visit_date,code,name,class,quantity,unit_price_fen,amount_fen\n";

FeeCatalogue catalogue() {
  auto c = FeeCatalogue::parse(
      "# example: true\n"
      "code,name,kind,class,price_cap_fen\n"
      "DA1,甲药,药品,甲,1000\n"
      "DB1,乙药,药品,乙,5000\n"
      "DC1,丙药,药品,丙,9000\n"
      "S01,诊查费,诊疗项目,甲,2000\n"
      "M01,输液器,医用耗材,乙,300\n",
      "test.csv");
  EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().message);
  return std::move(*c);
}

LineRules rules(bool pharmacy = false) {
  LineRules r;
  r.month = "2026-02";
  r.agreement_from = "2025-01-01";
  r.agreement_to = "2026-02-20";
  r.pharmacy = pharmacy;
  r.class_b_first_paid_permille = 100;
  return r;
}

std::string line(int no, const std::string& date, const std::string& code, const std::string& cls,
                 const std::string& qty, int64_t price, int64_t amount,
                 const std::string& id = kId) {
  return std::to_string(no) + "," + id + "," + date + "," + code + ",名称," + cls + "," + qty +
         "," + std::to_string(price) + "," + std::to_string(amount) + "\n";
}

Report run(const FeeCatalogue& c, const std::string& body, LineRules r = rules(),
           size_t chunk = 0) {
  LineValidator v(c, std::move(r));
  if (chunk == 0) {
    EXPECT_TRUE(v.feed(body).has_value());
  } else {
    for (size_t i = 0; i < body.size(); i += chunk)
      EXPECT_TRUE(v.feed(std::string_view(body).substr(i, chunk)).has_value());
  }
  auto rep = v.finish();
  EXPECT_TRUE(rep.has_value()) << (rep ? "" : rep.error().message);
  return rep ? *rep : Report{};
}

int64_t count(const Report& r, Reason why) {
  return r.totals.rejected_by_reason[static_cast<int>(why)];
}

TEST(SettlementLines, TotalsByClassAndKindAndTheFundsShare) {
  auto c = catalogue();
  std::string body = kHeader + line(1, "2026-02-01", "DA1", "甲", "2", 1000, 2000) +
                     line(2, "2026-02-03", "DB1", "乙", "3", 3333, 9999) +
                     line(3, "2026-02-05", "DC1", "丙", "1", 9000, 9000) +
                     line(4, "2026-02-07", "S01", "甲", "1", 2000, 2000) +
                     line(5, "2026-02-09", "M01", "乙", "0.5", 3, 2);  // 1.5 rounds half up to 2
  Report r = run(c, body);
  const Totals& t = r.totals;
  EXPECT_EQ(t.lines, 5);
  EXPECT_EQ(t.accepted, 5);
  EXPECT_EQ(t.rejected, 0);
  EXPECT_EQ(t.amount_fen, 2000 + 9999 + 9000 + 2000 + 2);
  EXPECT_EQ(t.by_class[0].amount_fen, 4000);   // 甲
  EXPECT_EQ(t.by_class[1].amount_fen, 10001);  // 乙
  EXPECT_EQ(t.by_class[2].amount_fen, 9000);   // 丙
  EXPECT_EQ(t.by_kind[0].lines, 3);            // 药品
  EXPECT_EQ(t.by_kind[1].amount_fen, 2000);    // 诊疗项目
  EXPECT_EQ(t.by_kind[2].amount_fen, 2);       // 医用耗材
  // 乙 first-paid 10 % of 10001 = 1000.1 → 1000; fund = 4000 + 10001 − 1000; self = 1000 + 9000.
  EXPECT_EQ(t.class_b_first_paid_fen, 1000);
  EXPECT_EQ(t.fund_fen, 13001);
  EXPECT_EQ(t.self_fen, 10000);
  EXPECT_EQ(t.fund_fen + t.self_fen, t.amount_fen);
  EXPECT_EQ(t.first_line_no, 1);
  EXPECT_EQ(t.last_line_no, 5);
  auto j = r.toJson();
  EXPECT_EQ(j["accepted"], 5);
  EXPECT_EQ(j["totals"]["by_class"]["乙"]["amount_fen"], 10001);
  EXPECT_EQ(j["totals"]["fund_fen"], 13001);
}

TEST(SettlementLines, EveryRejectionReason) {
  auto c = catalogue();
  std::string body = kHeader;
  body += "1,only,three\n";                                      // malformed
  body += line(0, "2026-02-01", "DA1", "甲", "1", 1000, 1000);   // bad line_no
  body += line(10, "2026-02-01", "DA1", "甲", "1", 1000, 1000);  // accepted
  body += line(10, "2026-02-01", "DA1", "甲", "1", 1000, 1000);  // repeated
  body += line(9, "2026-02-01", "DA1", "甲", "1", 1000, 1000);   // out of order
  std::string bad_id = kId;
  bad_id[17] = bad_id[17] == '0' ? '1' : '0';
  body += line(11, "2026-02-01", "DA1", "甲", "1", 1000, 1000, bad_id);  // check digit
  body += line(12, "2026-02-30", "DA1", "甲", "1", 1000, 1000);          // no such day
  body += line(13, "2026-03-01", "DA1", "甲", "1", 1000, 1000);          // next month
  body += line(14, "2026-02-21", "DA1", "甲", "1", 1000, 1000);          // after agreement
  body += line(15, "2026-02-01", "ZZZ", "甲", "1", 1000, 1000);          // unknown code
  body += line(16, "2026-02-01", "DA1", "乙", "1", 1000, 1000);          // class differs
  body += line(17, "2026-02-01", "DA1", "甲", "0", 1000, 0);             // quantity 0
  body += line(18, "2026-02-01", "DA1", "甲", "1.2345", 1000, 1235);     // 4 decimals
  body += line(19, "2026-02-01", "DA1", "甲", "1", 0, 0);                // price 0
  body += line(20, "2026-02-01", "DA1", "甲", "1", 1001, 1001);          // over the cap
  body += "21," + kId + ",2026-02-01,DA1,名称,甲,1,1000,-5\n";           // bad amount
  body += line(22, "2026-02-01", "DA1", "甲", "2", 1000, 1999);          // amount ≠ q × p
  Report r = run(c, body);
  EXPECT_EQ(r.totals.lines, 17);
  EXPECT_EQ(r.totals.accepted, 1);
  EXPECT_EQ(r.totals.rejected, 16);
  for (Reason why : {Reason::kMalformed, Reason::kBadLineNo, Reason::kBadIdNo, Reason::kBadDate,
                     Reason::kDateOutsideMonth, Reason::kOutsideAgreement, Reason::kUnknownCode,
                     Reason::kClassMismatch, Reason::kBadPrice, Reason::kPriceOverCap,
                     Reason::kBadAmount, Reason::kAmountMismatch})
    EXPECT_EQ(count(r, why), 1) << reasonSlug(why);
  EXPECT_EQ(count(r, Reason::kLineNoOrder), 2);
  EXPECT_EQ(count(r, Reason::kBadQuantity), 2);
  ASSERT_EQ(r.sample.size(), 16u);
  EXPECT_EQ(r.sample[0].row, 2);  // the header is row 1
  EXPECT_FALSE(r.sample[0].line_no.has_value());
  EXPECT_EQ(r.sample[2].line_no, 10);
  EXPECT_EQ(r.sample[2].reason, Reason::kLineNoOrder);
  auto j = r.toJson();
  EXPECT_EQ(j["rejected_sample"][2]["line"], 10);
  EXPECT_EQ(j["rejected_sample"][2]["reason_code"], "line_no_order");
  EXPECT_EQ(j["totals"]["rejected_by_reason"]["bad_quantity"], 2);
}

TEST(SettlementLines, APharmacyCannotBillServices) {
  auto c = catalogue();
  std::string body = kHeader + line(1, "2026-02-01", "S01", "甲", "1", 2000, 2000) +
                     line(2, "2026-02-01", "M01", "乙", "1", 300, 300);
  Report r = run(c, body, rules(true));
  EXPECT_EQ(r.totals.accepted, 1);
  EXPECT_EQ(count(r, Reason::kKindNotAllowed), 1);
  Report hospital = run(c, body, rules(false));
  EXPECT_EQ(hospital.totals.accepted, 2);
}

TEST(SettlementLines, ChunkBoundariesAnywhereGiveTheSameReport) {
  auto c = catalogue();
  std::string body = kHeader;
  for (int i = 1; i <= 200; ++i)
    body += line(i, "2026-02-1" + std::to_string(i % 10), i % 3 ? "DB1" : "DA1",
                 i % 3 ? "乙" : "甲", "1.5", 999, i % 7 ? 1499 : 1);  // 1498.5 → 1499
  Report whole = run(c, body);
  EXPECT_EQ(whole.totals.accepted + whole.totals.rejected, 200);
  for (size_t chunk : {1u, 2u, 7u, 64u, 1000u}) {
    Report cut = run(c, body, rules(), chunk);
    EXPECT_EQ(totalsJson(cut.totals), totalsJson(whole.totals)) << chunk;
    EXPECT_EQ(cut.toJson()["rejected_sample"], whole.toJson()["rejected_sample"]) << chunk;
  }
  // Without a final newline, CRLF line ends and a BOM, too.
  std::string crlf = "\xEF\xBB\xBF" + kHeader;
  crlf.insert(crlf.size() - 1, "\r");
  crlf += line(1, "2026-02-01", "DA1", "甲", "1", 1000, 1000);
  crlf.insert(crlf.size() - 1, "\r");
  crlf += line(2, "2026-02-01", "DA1", "甲", "1", 1000, 1000);
  crlf.pop_back();
  EXPECT_EQ(run(c, crlf, rules(), 3).totals.accepted, 2);
}

TEST(SettlementLines, JsonLinesAndQuotedCsvFields) {
  auto c = catalogue();
  std::string json =
      "{\"line_no\":1,\"id_no\":\"" + kId +
      "\",\"visit_date\":\"2026-02-01\",\"code\":\"DB1\",\"name\":\"乙药\",\"class\":\"乙\","
      "\"quantity\":2.5,\"unit_price_fen\":100,\"amount_fen\":250}\n"
      "{\"line_no\":2,\"id_no\":\"" +
      kId +
      "\",\"visit_date\":\"2026-02-01\",\"code\":\"DB1\",\"name\":\"乙药\",\"class\":\"乙\","
      "\"quantity\":\"1\",\"unit_price_fen\":\"100\",\"amount_fen\":100}\n"
      "{\"line_no\":3,\"id_no\":\"" +
      kId +
      "\",\"nested\":{}}\n"
      "[1,2]\n";
  Report r = run(c, json);
  EXPECT_EQ(r.totals.accepted, 2);
  EXPECT_EQ(r.totals.amount_fen, 350);
  EXPECT_EQ(count(r, Reason::kMalformed), 2);

  std::string quoted = kHeader + "1," + kId +
                       ",2026-02-01,DA1,\"甲药, 0.25g \"\"缓释\"\"\",甲,1,1000,1000\n" + "2," +
                       kId + ",2026-02-01,DA1,\"unterminated,甲,1,1000,1000\n";
  Report q = run(c, quoted);
  EXPECT_EQ(q.totals.accepted, 1);
  EXPECT_EQ(count(q, Reason::kMalformed), 1);
}

TEST(SettlementLines, BoundedLinesAndSample) {
  auto c = catalogue();
  std::string body = kHeader + std::to_string(1) + "," + std::string(5000, 'x') + "\n" +
                     line(2, "2026-02-01", "DA1", "甲", "1", 1000, 1000);
  for (size_t chunk : {0u, 100u}) {
    Report r = run(c, body, rules(), chunk);
    EXPECT_EQ(count(r, Reason::kLineTooLong), 1) << chunk;
    EXPECT_EQ(r.totals.accepted, 1) << chunk;
  }
  LineRules small = rules();
  small.sample_size = 3;
  std::string many = kHeader;
  for (int i = 1; i <= 50; ++i) many += line(i, "2026-02-01", "ZZZ", "甲", "1", 1, 1);
  Report r = run(c, many, small);
  EXPECT_EQ(r.totals.rejected, 50);
  EXPECT_EQ(r.sample.size(), 3u);
}

TEST(SettlementLines, TheWholeUploadIsRefusedWithoutItsHeader) {
  auto c = catalogue();
  LineValidator wrong(c, rules());
  auto r = wrong.feed("id_no,line_no\n1,2\n");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().slug, "bad_header");
  LineValidator empty(c, rules());
  ASSERT_TRUE(empty.feed("\n\n").has_value());
  auto e = empty.finish();
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().slug, "empty_upload");
}

TEST(FeeCatalogue, RefusesBadRowsWithFileAndLine) {
  auto dup = FeeCatalogue::parse(
      "code,name,kind,class,price_cap_fen\nA,x,药品,甲,1\nA,y,药品,乙,2\n", "r.csv");
  ASSERT_FALSE(dup.has_value());
  EXPECT_NE(dup.error().message.find("r.csv:3"), std::string::npos);
  for (const char* row : {"A,x,药,甲,1", "A,x,药品,丁,1", "A,x,药品,甲,0", "A,,药品,甲,1",
                          "A B,x,药品,甲,1", "A,x,药品,甲"}) {
    auto c = FeeCatalogue::parse(std::string("code,name,kind,class,price_cap_fen\n") + row + "\n",
                                 "r.csv");
    EXPECT_FALSE(c.has_value()) << row;
  }
  EXPECT_FALSE(FeeCatalogue::parse("code,name\n", "r.csv").has_value());
}

TEST(FeeCatalogue, TheShippedExamplesLoadAndXiningUsesQinghais) {
  auto all = FeeCatalogues::load(std::string(JINGBAN_SOURCE_DIR) + "/catalog/fee_catalogue");
  ASSERT_TRUE(all.has_value()) << all.error().message;
  for (const char* region : {"qinghai", "yunnan"}) {
    const FeeCatalogue* c = (*all)->find({region});
    ASSERT_NE(c, nullptr) << region;
    EXPECT_TRUE(c->example());
    EXPECT_GE(c->size(), 300u);
  }
  EXPECT_EQ((*all)->find({"xining", "qinghai"}), (*all)->find({"qinghai"}));
  EXPECT_EQ((*all)->find({"qingdao"}), nullptr);
}

}  // namespace
}  // namespace jingban::settlement
