// Storage of the files applicants and staff upload for a case's materials (PDF, JPEG, PNG), kept
// in the case's database. Its own interface and connection, beside the case store (store.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace jingban {

// One stored file, without its bytes.
struct StoredFile {
  int64_t id = 0;  // assigned by the store
  std::string case_no, material_id, name, content_type;
  int64_t size = 0;
  std::string sha256;       // hex, of the bytes
  int64_t uploaded_at = 0;  // unix seconds
  std::string uploaded_by;  // a staff username, or "applicant"
};

// How many files a case may hold: checked in the transaction that adds one, so two uploads at the
// same moment cannot both pass the count.
struct FileLimits {
  int per_material = 10;
  int per_case = 20;
};

class FileStore {
 public:
  virtual ~FileStore() = default;
  // Stores `data` under `meta` (its id is ignored) and returns the row with its id. 409
  // too_many_files when the material or the case already holds its limit.
  virtual Result<StoredFile> addFile(const StoredFile& meta, const std::string& data,
                                     const FileLimits& limits) = 0;
  // The files of a case, oldest first, without their bytes.
  virtual Result<std::vector<StoredFile>> files(const std::string& case_no) = 0;
  // One file of a case with its bytes; nullopt when the case has no file of that id.
  struct Content {
    StoredFile meta;
    std::string data;
  };
  virtual Result<std::optional<Content>> file(const std::string& case_no, int64_t id) = 0;
};

}  // namespace jingban
