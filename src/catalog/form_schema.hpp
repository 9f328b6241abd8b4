// What a submission's `form` may hold: reusable form schemas (catalog/forms.yaml, referenced by an
// item's `form_schema`) and the validation that turns a client's form into a bounded, typed one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace jingban {

// Caps shared by form fields and the free text outside the form (applicant name, comments,
// reasons): counted in characters (Unicode code points of the UTF-8 text), not bytes.
inline constexpr size_t kMaxNameChars = 50;
inline constexpr size_t kMaxTextChars = 500;
inline constexpr int64_t kMaxMoneyFen = 1'000'000'000'000;  // 100 亿元
inline constexpr size_t kMaxListItems = 1000;
// Field ids and keys echoed in a message are cut to this many characters.
inline constexpr size_t kMaxEchoChars = 40;

enum class FieldType {
  kString,      // one line, max_length characters
  kText,        // free text with line breaks, max_length ≤ 500
  kEnum,        // one of `values`
  kDate,        // YYYY-MM-DD
  kMonth,       // YYYY-MM
  kMoneyFen,    // integer fen, 1 … max (max ≤ 10^12)
  kInteger,     // integer, min … max
  kIdNo,        // 公民身份号码 (GB 11643), normalised to upper case
  kCreditCode,  // 统一社会信用代码 (GB 32100), normalised to upper case
  kPhone,       // mainland mobile or landline, normalised to digits
  kBoolean,
  kList,  // array of objects, each validated against `fields`; at most max_items
};
const char* fieldTypeName(FieldType t);
std::optional<FieldType> parseFieldType(std::string_view s);

struct FormField {
  std::string id, label;  // label: the Chinese name messages use
  FieldType type = FieldType::kString;
  bool required = false;
  size_t max_length = 0;            // string, text
  std::vector<std::string> values;  // enum
  int64_t min = 0, max = 0;         // integer; money_fen (min is 1)
  size_t max_items = 0;             // list
  std::vector<FormField> fields;    // list: the fields of each element
};

struct FormSchema {
  std::string id, name;
  std::vector<FormField> fields;
  std::string file;  // where it was defined, for check-catalog messages
  int line = 0;

  const FormField* field(std::string_view id) const;
};

// The schema of an item that names none: only the empty form {} is accepted.
const FormSchema& emptyFormSchema();

// Validates a submitted form. Returns the normalised form (strings trimmed, IDs upper-cased,
// phones as digits, empty optional values and nulls dropped), or 422 `invalid_form` whose message
// names each wrong field by its Chinese label (at most 5 problems, then how many more). Unknown
// keys are named cut to kMaxEchoChars characters; other client input is never echoed.
Result<nlohmann::json> validateForm(const FormSchema& schema, const nlohmann::json& form);

// The schema as JSON for clients: {id, name, fields: [{id, label, type, required, max_length |
// values | min,max | max_items,fields}]}.
nlohmann::json formSchemaJson(const FormSchema& schema);

// The same checks for free text outside the form, e.g. the applicant's name
// (checkText(v, kMaxNameChars, "申请人姓名")) or a comment (kMaxTextChars, multiline = true).
// Returns the trimmed text or 422 `invalid_text` naming `label`. Empty input gives "".
Result<std::string> checkText(std::string_view value, size_t max_chars, const std::string& label,
                              bool multiline = false);
// A plausible mainland phone number: mobile 1[3-9]xxxxxxxxx (optionally +86), or a landline with
// or without area code (0xx-xxxxxxxx); spaces, '-' and brackets allowed. Returns the digits, or 422
// `invalid_phone` naming `label`.
Result<std::string> checkPhone(std::string_view value, const std::string& label);

}  // namespace jingban
