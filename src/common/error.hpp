// Expected errors as values: one error type for the whole product, mapped to HTTP in one place
// (http/api.cpp, httpStatus()). Exceptions are kept for the truly exceptional.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace jingban {

enum class ErrorCode {
  kBadRequest,     // malformed input (JSON, missing field, bad date)      400
  kUnauthorized,   // no or bad credentials                                 401
  kForbidden,      // authenticated but not allowed (role, region, 四眼)    403
  kNotFound,       // unknown item, case, region                            404
  kConflict,       // acting twice, out of order, state does not allow it   409
  kUnprocessable,  // well-formed but refused by a rule (window, materials) 422
  kOutOfRange,     // date outside the loaded calendar                      422
  kTooMany,        // rate limit exceeded (Retry-After)                      429
  kUnavailable,    // storage failure or overload; nothing was acknowledged  503
  kInternal,       // a bug                                                 500
};

struct Error {
  ErrorCode code;
  std::string slug;     // machine-readable code, e.g. "outside_acceptance_window"
  std::string message;  // for a clerk, in Chinese
  int retry_after = 0;  // seconds, for 429 and 503 answers (Retry-After header); 0 = none
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string slug, std::string message) {
  return std::unexpected(Error{code, std::move(slug), std::move(message)});
}

int httpStatus(ErrorCode code);

}  // namespace jingban
