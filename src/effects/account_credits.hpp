// 个人账户划入: the monthly credits to personal accounts (from the contributions the collection
// system reports), imported as a batch: a CSV `id_no,amount_fen,month`. Each row credits the
// account of an insured 职工 or 灵活就业 person of the region (opening it on the first credit);
// the accepted rows are applied in one unit of work, all or none, and the batch is kept so that
// the rebuild of the registers can apply it again.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "effects/resident_import.hpp"
#include "store/store.hpp"

namespace jingban {

class Committer;

inline constexpr std::string_view kAccountCreditHeader = "id_no,amount_fen,month";

struct CreditRow {
  int64_t row = 0;
  std::string id_no;
  int64_t amount_fen = 0;
  std::string month;
};

struct CreditFile {
  std::vector<CreditRow> rows;
  std::vector<RejectedRow> rejected;
};

// The header, then each row: a valid ID number, an amount of 1 … 10^8 fen, a YYYY-MM month.
Result<CreditFile> parseAccountCredits(std::string_view body, size_t max_rows = 1'000'000);

// Rejects the rows whose person is not an insured 职工 / 灵活就业 of the region or whose account
// is closed (read inside the transaction), stores the batch, claims it and credits the rest.
void importAccountCredits(Committer& committer, const std::string& region, const std::string& actor,
                          int64_t at, CreditFile file,
                          std::function<void(Result<ImportReport>)> done);

// Applies a stored batch again (the rebuild); the number of rows credited.
Result<int64_t> applyAccountCredits(const ImportBatch& batch, RegisterTx& tx);

}  // namespace jingban
