#include "catalog/form_schema.hpp"

#include <algorithm>
#include <limits>

#include "calendar/date.hpp"
#include "validate/identity.hpp"

namespace jingban {

using nlohmann::json;

const char* fieldTypeName(FieldType t) {
  switch (t) {
    case FieldType::kString:
      return "string";
    case FieldType::kText:
      return "text";
    case FieldType::kEnum:
      return "enum";
    case FieldType::kDate:
      return "date";
    case FieldType::kMonth:
      return "month";
    case FieldType::kMoneyFen:
      return "money_fen";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kIdNo:
      return "id_no";
    case FieldType::kCreditCode:
      return "credit_code";
    case FieldType::kPhone:
      return "phone";
    case FieldType::kBoolean:
      return "boolean";
    case FieldType::kList:
      return "list";
  }
  return "string";
}

std::optional<FieldType> parseFieldType(std::string_view s) {
  for (auto t : {FieldType::kString, FieldType::kText, FieldType::kEnum, FieldType::kDate,
                 FieldType::kMonth, FieldType::kMoneyFen, FieldType::kInteger, FieldType::kIdNo,
                 FieldType::kCreditCode, FieldType::kPhone, FieldType::kBoolean, FieldType::kList})
    if (s == fieldTypeName(t)) return t;
  return std::nullopt;
}

const FormField* FormSchema::field(std::string_view id) const {
  for (const auto& f : fields)
    if (f.id == id) return &f;
  return nullptr;
}

const FormSchema& emptyFormSchema() {
  static const FormSchema kEmpty{.id = "", .name = "无表单", .fields = {}, .file = "", .line = 0};
  return kEmpty;
}

namespace {

// The code points of UTF-8 text (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF), or nullopt when it is not well-formed. Decoded here rather than counted bytewise
// because the caps are in characters and control characters must be found, not only counted.
std::optional<std::vector<char32_t>> decodeUtf8(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    char32_t cp;
    size_t len;
    if (b < 0x80) {
      cp = b, len = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      cp = b & 0x1F, len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      cp = b & 0x0F, len = 3;
    } else if (b >= 0xF0 && b <= 0xF4) {
      cp = b & 0x07, len = 4;
    } else {
      return std::nullopt;
    }
    if (i + len > s.size()) return std::nullopt;
    for (size_t k = 1; k < len; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (c & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return std::nullopt;
    out.push_back(cp);
    i += len;
  }
  return out;
}

bool isControl(char32_t c, bool multiline) {
  if (multiline && (c == '\n' || c == '\r' || c == '\t')) return false;
  return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

bool isSpace(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000; }

std::string encodeUtf8(const std::vector<char32_t>& cps, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) {
    char32_t c = cps[i];
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// Why a piece of text is refused (empty = accepted), with the trimmed text in `out`.
std::string textProblem(std::string_view raw, size_t max_chars, bool multiline, std::string& out) {
  auto cps = decodeUtf8(raw);
  if (!cps) return "须为有效的 UTF-8 文本";
  size_t b = 0, e = cps->size();
  while (b < e && isSpace((*cps)[b])) ++b;
  while (e > b && isSpace((*cps)[e - 1])) --e;
  for (size_t i = b; i < e; ++i)
    if (isControl((*cps)[i], multiline))
      return multiline ? "不得含控制字符" : "不得含换行或控制字符";
  if (e - b > max_chars) return "不得超过" + std::to_string(max_chars) + "个字";
  out = encodeUtf8(*cps, b, e);
  return "";
}

// A client's key, safe to put in a message: printable, at most kMaxEchoChars characters.
std::string echoKey(std::string_view key) {
  auto cps = decodeUtf8(key);
  if (!cps) return "（非 UTF-8 字段名）";
  std::vector<char32_t> kept;
  for (char32_t c : *cps)
    if (!isControl(c, false)) kept.push_back(c);
  bool cut = kept.size() > kMaxEchoChars;
  if (cut) kept.resize(kMaxEchoChars);
  return encodeUtf8(kept, 0, kept.size()) + (cut ? "…" : "");
}

std::string phoneProblem(std::string_view raw, std::string& out) {
  std::string d;
  for (char c : raw) {
    if (c == ' ' || c == '-' || c == '(' || c == ')') continue;
    d += c;
  }
  if (d.rfind("+86", 0) == 0)
    d.erase(0, 3);
  else if (d.size() == 13 && d.rfind("861", 0) == 0)
    d.erase(0, 2);
  bool digits =
      !d.empty() && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  bool mobile = digits && d.size() == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
  // 区号 3–4 digits including the leading 0, number 7–8 digits.
  bool landline = digits && d[0] == '0' && d.size() >= 10 && d.size() <= 12 && d[1] != '0';
  bool local = digits && d[0] >= '2' && (d.size() == 7 || d.size() == 8);
  if (!mobile && !landline && !local) return "须为有效的电话号码（手机号或带区号的固定电话）";
  out = d;
  return "";
}

// The int64 value of a JSON integer; nullopt for anything else (floats such as 1e3, strings,
// booleans) and for integers beyond int64.
std::optional<int64_t> jsonInt(const json& v) {
  if (v.is_number_unsigned()) {
    auto u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<int64_t>();
  return std::nullopt;
}

constexpr size_t kMaxProblems = 5;

// One field's outcome: a normalised value, nothing given (absent, null, "" or []), or refused
// (the problem is already recorded).
struct Checked {
  enum Kind { kValue, kEmpty, kBad } kind;
  json value;
};

class FormChecker {
 public:
  std::vector<std::string> problems;
  size_t more = 0;

  void add(std::string msg) {
    if (problems.size() < kMaxProblems)
      problems.push_back(std::move(msg));
    else
      ++more;
  }

  size_t count() const { return problems.size() + more; }

  // Validates `obj` against `fields`; `element` names a list element (“费用明细”第3项), empty for
  // the form itself.
  json object(const std::vector<FormField>& fields, const json& obj, const std::string& element) {
    json out = json::object();
    for (const auto& [key, value] : obj.items()) {
      bool known = std::any_of(fields.begin(), fields.end(),
                               [&](const FormField& f) { return f.id == key; });
      if (known) continue;
      if (element.empty())
        add("表单中有未知字段“" + echoKey(key) + "”");
      else
        add("表单字段" + element + "有未知字段“" + echoKey(key) + "”");
    }
    const std::string where = element.empty() ? "" : element + "的";
    for (const auto& f : fields) {
      std::string name = where + "“" + f.label + "”";
      auto it = obj.find(f.id);
      Checked c =
          it == obj.end() || it->is_null() ? Checked{Checked::kEmpty, {}} : value(f, *it, name);
      if (c.kind == Checked::kValue)
        out[f.id] = std::move(c.value);
      else if (c.kind == Checked::kEmpty && f.required)
        add("表单缺少必填字段" + name);
    }
    return out;
  }

 private:
  Checked bad(const std::string& name, const std::string& why) {
    add("表单字段" + name + why);
    return {Checked::kBad, {}};
  }
  static Checked ok(json v) { return {Checked::kValue, std::move(v)}; }
  static Checked empty() { return {Checked::kEmpty, {}}; }

  Checked value(const FormField& f, const json& v, const std::string& name) {
    // Text-valued types: a string, and "" counts as not given.
    bool textual = f.type != FieldType::kMoneyFen && f.type != FieldType::kInteger &&
                   f.type != FieldType::kBoolean && f.type != FieldType::kList;
    if (textual && !v.is_string()) return bad(name, "须为文本");
    static const std::string kNone;
    const std::string& s = textual ? v.get_ref<const std::string&>() : kNone;
    if (textual && s.empty()) return empty();
    switch (f.type) {
      case FieldType::kString:
      case FieldType::kText: {
        std::string out;
        auto why = textProblem(s, f.max_length, f.type == FieldType::kText, out);
        if (!why.empty()) return bad(name, why);
        return out.empty() ? empty() : ok(out);
      }
      case FieldType::kEnum: {
        if (std::find(f.values.begin(), f.values.end(), s) != f.values.end()) return ok(s);
        std::string list;
        for (const auto& e : f.values) list += (list.empty() ? "" : "、") + e;
        return bad(name, "须为以下之一：" + list);
      }
      case FieldType::kDate:
        if (!Date::parse(s)) return bad(name, "须为 YYYY-MM-DD 格式的有效日期");
        return ok(s);
      case FieldType::kMonth:
        if (s.size() != 7 || !Date::parse(s + "-01"))
          return bad(name, "须为 YYYY-MM 格式的有效月份");
        return ok(s);
      case FieldType::kMoneyFen:
      case FieldType::kInteger: {
        auto n = jsonInt(v);
        if (!n || *n < f.min || *n > f.max)
          return bad(name, "须为 " + std::to_string(f.min) + " 到 " + std::to_string(f.max) +
                               " 之间的整数" +
                               (f.type == FieldType::kMoneyFen ? "（单位：分）" : ""));
        return ok(*n);
      }
      case FieldType::kIdNo:
      case FieldType::kCreditCode: {
        auto id = checkId(f.type == FieldType::kIdNo ? IdKind::kCitizen : IdKind::kCreditCode, s);
        if (!id) return bad(name, "：" + id.error().message);
        return ok(*id);
      }
      case FieldType::kPhone: {
        std::string out;
        auto why = phoneProblem(s, out);
        if (!why.empty()) return bad(name, why);
        return ok(out);
      }
      case FieldType::kBoolean:
        if (!v.is_boolean()) return bad(name, "须为 true 或 false");
        return ok(v.get<bool>());
      case FieldType::kList: {
        if (!v.is_array()) return bad(name, "须为列表");
        if (v.empty()) return empty();
        if (v.size() > f.max_items) return bad(name, "最多 " + std::to_string(f.max_items) + " 项");
        json out = json::array();
        size_t before = count();
        for (size_t i = 0; i < v.size(); ++i) {
          std::string at = name + "第" + std::to_string(i + 1) + "项";
          if (!v[i].is_object()) {
            bad(at, "须为对象");
            continue;
          }
          out.push_back(object(f.fields, v[i], at));
        }
        if (count() != before) return {Checked::kBad, {}};
        return ok(std::move(out));
      }
    }
    return {Checked::kBad, {}};
  }
};

}  // namespace

Result<json> validateForm(const FormSchema& schema, const json& form) {
  if (!form.is_object())
    return fail(ErrorCode::kUnprocessable, "invalid_form", "表单须为对象（键值对）");
  FormChecker check;
  json out = check.object(schema.fields, form, "");
  if (check.problems.empty()) return out;
  std::string msg;
  for (const auto& p : check.problems) msg += (msg.empty() ? "" : "；") + p;
  if (check.more > 0) msg += "；另有 " + std::to_string(check.more) + " 处问题";
  if (schema.fields.empty()) msg += "（该事项的申请不填写表单，form 须为空对象 {}）";
  return fail(ErrorCode::kUnprocessable, "invalid_form", msg);
}

namespace {

json fieldJson(const FormField& f) {
  json j{
      {"id", f.id}, {"label", f.label}, {"type", fieldTypeName(f.type)}, {"required", f.required}};
  switch (f.type) {
    case FieldType::kString:
    case FieldType::kText:
      j["max_length"] = f.max_length;
      break;
    case FieldType::kEnum:
      j["values"] = f.values;
      break;
    case FieldType::kMoneyFen:
    case FieldType::kInteger:
      j["min"] = f.min;
      j["max"] = f.max;
      break;
    case FieldType::kList: {
      j["max_items"] = f.max_items;
      json fields = json::array();
      for (const auto& sub : f.fields) fields.push_back(fieldJson(sub));
      j["fields"] = std::move(fields);
      break;
    }
    default:
      break;
  }
  return j;
}

}  // namespace

json formSchemaJson(const FormSchema& schema) {
  json fields = json::array();
  for (const auto& f : schema.fields) fields.push_back(fieldJson(f));
  return {{"id", schema.id}, {"name", schema.name}, {"fields", std::move(fields)}};
}

Result<std::string> checkText(std::string_view value, size_t max_chars, const std::string& label,
                              bool multiline) {
  std::string out;
  auto why = textProblem(value, max_chars, multiline, out);
  if (!why.empty()) return fail(ErrorCode::kUnprocessable, "invalid_text", label + why);
  return out;
}

Result<std::string> checkPhone(std::string_view value, const std::string& label) {
  std::string out;
  auto why = phoneProblem(value, out);
  if (!why.empty()) return fail(ErrorCode::kUnprocessable, "invalid_phone", label + why);
  return out;
}

}  // namespace jingban
