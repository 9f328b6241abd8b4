// Batch enrolment of 城乡居民 (001003, the annual collection period): a CSV of persons is checked
// row by row, and the accepted rows are enrolled in one unit of work — all of them or none.
//
// The file: UTF-8 (a leading BOM is skipped), RFC 4180 (quoted fields, "" inside quotes, CRLF or
// LF), header exactly `id_no,name,phone,identity`. Rows are numbered as a spreadsheet shows them
// (the header is row 1, the first person row 2). A row is rejected, with the reason in Chinese,
// for: a wrong column count, a bad quote, an invalid 公民身份号码 (GB 11643 check digit, birth
// date), a name that is empty or over 50 characters, a phone that is not a phone number (the
// catalog's checkPhone rule; empty is allowed), an identity outside 普通居民 / 低保 / 特困 /
// 重度残疾 / 其他救助对象 (empty = 普通居民), the ID number of an earlier row (the second
// occurrence is rejected), or a person already enrolled in the region (a period that is not
// 终止 and reaches the start month). The whole file is refused (422) for a wrong header, text
// that is not UTF-8, an unclosed quote, or more rows than the cap.
//
// The batch id is `<region>-<YYYYMMDD>-<NNNNNN>`: the import date (Asia/Shanghai) and the
// region's counter `import:<region>`, allocated inside the transaction (Tx::nextSequence), so ids
// are unique and ordered without coordination.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "registers/registers.hpp"

namespace jingban {

class Committer;     // store/committer.hpp
struct ImportBatch;  // store/store.hpp

inline constexpr std::string_view kResidentHeader = "id_no,name,phone,identity";
// The stored (normalised) form of the accepted rows: the start month travels with each row, so
// that re-applying a batch (the rebuild from the register log) never reads the clock.
inline constexpr std::string_view kResidentBatchHeader = "id_no,name,phone,identity,start_month";
inline constexpr const char* kResidentInsurance = "城乡居民";
inline constexpr const char* kPlainResident = "普通居民";

struct ImportCaps {
  size_t max_rows = 10'000'000;  // person rows (the header and blank lines not counted)
  size_t max_field_chars = 200;  // a longer field rejects its row without being kept
};

struct ResidentRow {
  int64_t row = 0;  // spreadsheet row number
  std::string id_no, name, phone;
  std::string identity;  // "" for 普通居民
};

struct RejectedRow {
  int64_t row = 0;
  std::string id_no;  // masked (first 6 and last 4 characters at most), "" when unreadable
  std::string reason;
};

struct ResidentFile {
  std::vector<ResidentRow> rows;  // passed every check of the file itself
  std::vector<RejectedRow> rejected;
};

// Checks the file: the header, each row on its own, and duplicates within the file.
Result<ResidentFile> parseResidentCsv(std::string_view body, const ImportCaps& caps = {});

// Whether a person's enrolments in this region still run at `start_month` (a period that is not
// 终止 and is open or ends at or after it): such a person is not enrolled again.
bool enrolledAt(const Person& p, const std::string& start_month);

// The person as a batch row enrols them: 城乡居民, sex and birth date from the ID number, the
// identity, status 参保缴费, and a new open period from `start_month`. An existing record (whose
// periods have all ended) keeps its earlier periods.
Person residentPerson(const std::string& region, const ResidentRow& r,
                      const std::string& start_month, const std::optional<Person>& existing);

struct ImportRequest {
  std::string region;
  std::string actor;        // staff username, or "cli"
  int64_t at = 0;           // Unix seconds
  std::string start_month;  // YYYY-MM; "" = the month of `at`
};

struct ImportReport {
  std::string batch_id;
  int64_t accepted = 0;
  std::vector<RejectedRow> rejected;  // in row order
};
// {batch_id, accepted, rejected:[{row, id_no, reason}]}
nlohmann::json importReportJson(const ImportReport& r);

// Enrols the rows of `file` in ONE unit of work through the committer: allocates the batch id,
// rejects the rows whose person is already enrolled (read inside the transaction, so no other
// commit can slip in between the check and the write), stores the batch (putImportBatch, the
// normalised CSV of the accepted rows), claims "import:<batch id>" and writes every person. When
// anything fails, nothing is written. `done` runs where the committer runs completions.
void importResidents(Committer& committer, ImportRequest req, ResidentFile file,
                     std::function<void(Result<ImportReport>)> done);

// Re-applies a stored batch (the rebuild of the registers from their log). Returns the number of
// persons written; 0 when the batch was already applied (claimed). A person found enrolled fails
// the batch (409 already_enrolled): the registers then differ from those the batch was made on.
Result<int64_t> applyResidentBatch(const ImportBatch& batch, RegisterTx& tx);

}  // namespace jingban
