// Parses catalog YAML into Region/Item with file:line for every problem, resolves `extends`,
// and validates the rules listed in docs/CATALOG.md.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>

#include "catalog/catalog.hpp"

namespace jingban {

class CatalogLoader {
 public:
  Catalog::EffectKnown known_effect;
  // The seed files the region being validated (and its parent) name: a flow's source must be one.
  std::set<std::string> seeds_in_scope;

 public:
  std::vector<std::string> errors;

  void problem(const std::string& file, const YAML::Node& n, const std::string& msg) {
    int line = n ? n.Mark().line + 1 : 0;
    errors.push_back(file + ":" + std::to_string(line < 1 ? 1 : line) + ": " + msg);
  }

  std::string str(const std::string& file, const YAML::Node& n, const std::string& what) {
    if (!n || n.IsNull()) return "";
    if (!n.IsScalar()) {
      problem(file, n, what + " 应为文本");
      return "";
    }
    return n.as<std::string>();
  }

  int integer(const std::string& file, const YAML::Node& n, const std::string& what) {
    try {
      return n.as<int>();
    } catch (const YAML::Exception&) {
      problem(file, n, what + " 应为整数");
      return 0;
    }
  }

  std::vector<std::string> strings(const std::string& file, const YAML::Node& n,
                                   const std::string& what) {
    std::vector<std::string> out;
    if (!n || n.IsNull()) return out;
    if (!n.IsSequence()) {
      problem(file, n, what + " 应为列表");
      return out;
    }
    for (const auto& e : n) out.push_back(str(file, e, what));
    return out;
  }

  bool boolean(const std::string& file, const YAML::Node& n, const std::string& what) {
    try {
      return n.as<bool>();
    } catch (const YAML::Exception&) {
      problem(file, n, what + " 应为 true/false");
      return false;
    }
  }

  void checkKeys(const std::string& file, const YAML::Node& n, const std::set<std::string>& allowed,
                 const std::string& what) {
    if (!n.IsMap()) {
      problem(file, n, what + " 应为映射");
      return;
    }
    for (const auto& kv : n) {
      auto key = kv.first.as<std::string>();
      if (!allowed.count(key)) problem(file, kv.first, what + " 中有未知字段 '" + key + "'");
    }
  }

  // Where a limit appears decides which kinds it may take and which keys it has.
  enum class LimitAt { kItem, kVariant, kStep, kApplicant, kNotice };

  TimeLimit limit(const std::string& file, const YAML::Node& n, LimitAt at) {
    TimeLimit t;
    std::set<std::string> keys{"kind", "days", "text", "months", "date"};
    if (at == LimitAt::kVariant) keys.insert("when");
    if (at == LimitAt::kItem) keys.insert("variants");
    if (at == LimitAt::kItem || at == LimitAt::kVariant) keys.insert("extension");
    checkKeys(file, n, keys, "time_limit");
    if (!n.IsMap()) return t;
    auto kindName = str(file, n["kind"], "time_limit.kind");
    t.text = str(file, n["text"], "time_limit.text");
    t.when = str(file, n["when"], "time_limit.when");
    auto only = [&](std::initializer_list<const char*> allowed) {
      for (const char* k : {"days", "months", "date"}) {
        bool ok = std::find_if(allowed.begin(), allowed.end(),
                               [&](const char* a) { return std::string(a) == k; }) != allowed.end();
        if (n[k] && !ok) problem(file, n[k], std::string(k) + " 不适用于时限类型 " + kindName);
      }
    };
    if (auto kind = parseLimitKind(kindName)) {
      only({"days"});
      t.basis = LimitBasis::kDays;
      t.kind = *kind;
      t.days = n["days"] ? integer(file, n["days"], "time_limit.days") : -1;
      if (t.kind == LimitKind::kInstant && t.days != 0) problem(file, n, "即时办结的 days 须为 0");
      if (t.kind != LimitKind::kInstant && t.days < 1) problem(file, n, "时限天数须 ≥ 1");
    } else if (kindName == "calendar_months") {
      only({"months"});
      t.basis = LimitBasis::kCalendarMonths;
      t.months = n["months"] ? integer(file, n["months"], "time_limit.months") : 0;
      if (t.months < 1 || t.months > 120)
        problem(file, n, "calendar_months 的 months 须在 1 到 120 之间");
    } else if (kindName == "calendar_date") {
      only({"date"});
      t.basis = LimitBasis::kCalendarDate;
      auto d = Date::parse("2001-" + str(file, n["date"], "time_limit.date"));
      if (!d)
        problem(file, n, "calendar_date 的 date 须为有效的 MM-DD 日期（2月29日除外）");
      else
        t.by_mmdd = static_cast<int>(d->month() * 100 + d->day());
    } else if (kindName == "unstated") {
      only({});
      t.basis = LimitBasis::kUnstated;
    } else {
      problem(file, n,
              "time_limit.kind 须为 instant / working_days / natural_days / calendar_months / "
              "calendar_date / unstated");
    }
    // What each place can reckon: a stage runs in days; the applicant's side in days or months.
    if (at == LimitAt::kStep && !(t.basis == LimitBasis::kDays && t.kind != LimitKind::kInstant))
      problem(file, n, "环节时限须为 working_days 或 natural_days");
    if (at == LimitAt::kNotice && !(t.basis == LimitBasis::kDays && t.kind != LimitKind::kInstant))
      problem(file, n, "一次性告知时限须为 working_days 或 natural_days");
    if (at == LimitAt::kApplicant &&
        !(t.basis == LimitBasis::kCalendarMonths ||
          (t.basis == LimitBasis::kDays && t.kind == LimitKind::kNaturalDays)))
      problem(file, n, "申请人一方的时限须为 natural_days 或 calendar_months");
    // An unstated limit has no words of the seed to keep; every other limit must keep them.
    if (t.text.empty() && t.basis != LimitBasis::kUnstated)
      problem(file, n, "time_limit.text 须保留原文");
    if (n["extension"]) t.extension = extension(file, n["extension"], t);
    return t;
  }

  // 遇特殊情况适当延长: only where the limit's own words say so, on a limit in working days (an
  // extension is approved in working days, and at most the limit's own days in all).
  LimitExtension extension(const std::string& file, const YAML::Node& n, const TimeLimit& t) {
    LimitExtension x;
    checkKeys(file, n, {"allowed", "source"}, "time_limit.extension");
    if (!n.IsMap()) return x;
    if (!n["allowed"] || !boolean(file, n["allowed"], "extension.allowed"))
      problem(file, n, "extension.allowed 须为 true（不可延长的时限不写 extension）");
    x.source = str(file, n["source"], "extension.source");
    if (x.source.empty())
      problem(file, n, "extension.source 须保留允许延长的原文（如“遇特殊情况适当延长”）");
    else if (t.text.find(x.source) == std::string::npos)
      problem(file, n["source"], "extension.source 须是本时限 text 中的原文");
    if (!(t.basis == LimitBasis::kDays && t.kind == LimitKind::kWorkingDays && t.days > 0))
      problem(file, n, "只有以工作日计的时限（working_days）可以延长");
    x.allowed = true;
    x.max_working_days = t.days;
    return x;
  }

  std::vector<FlowStep> flowSteps(const std::string& file, const YAML::Node& v,
                                  const std::string& what) {
    std::vector<FlowStep> out;
    if (!v || !v.IsSequence()) {
      problem(file, v, what + " 应为列表");
      return out;
    }
    for (const auto& e : v) {
      checkKeys(file, e, {"step", "kind", "role", "text", "note", "limit"}, what);
      if (!e.IsMap()) continue;
      FlowStep s;
      s.step = str(file, e["step"], "step");
      s.role = str(file, e["role"], "role");
      s.text = str(file, e["text"], "text");
      auto k = str(file, e["kind"], "kind");
      if (auto kind = parseStepKind(k))
        s.kind = *kind;
      else
        problem(file, e, "flow.kind 须为 accept / review / pay / complete，而不是 '" + k + "'");
      if (s.step.empty()) problem(file, e, "flow 步骤缺少 step 名称");
      if (e["limit"]) s.limit = limit(file, e["limit"], LimitAt::kStep);
      out.push_back(s);
    }
    return out;
  }

  AcceptanceWindow window(const std::string& file, const YAML::Node& n) {
    AcceptanceWindow w;
    checkKeys(file, n, {"kind", "from", "to", "days", "text"}, "acceptance_windows");
    auto kind = str(file, n["kind"], "kind");
    w.text = str(file, n["text"], "text");
    auto mmdd = [&](const YAML::Node& v) {
      // Checked against a leap year so that 02-29 is a valid yearly date.
      auto d = Date::parse("2000-" + str(file, v, "日期"));
      if (!d) {
        problem(file, v, "yearly_dates 的 from/to 应为有效的 MM-DD 日期");
        return 0;
      }
      return static_cast<int>(d->month() * 100 + d->day());
    };
    if (kind == "monthly_days") {
      w.kind = AcceptanceWindow::Kind::kMonthlyDays;
      w.from = integer(file, n["from"], "from");
      w.to = integer(file, n["to"], "to");
      if (w.from < 1 || w.to > 31 || w.from > w.to) problem(file, n, "每月受理日区间无效");
    } else if (kind == "quarter_first_month_working_days") {
      w.kind = AcceptanceWindow::Kind::kQuarterFirstMonthWorkingDays;
      w.days = integer(file, n["days"], "days");
      if (w.days < 1) problem(file, n, "days 须 ≥ 1");
    } else if (kind == "yearly_dates") {
      w.kind = AcceptanceWindow::Kind::kYearlyDates;
      w.from_mmdd = mmdd(n["from"]);
      w.to_mmdd = mmdd(n["to"]);
    } else {
      problem(file, n, "未知的受理期类型 '" + kind + "'");
    }
    if (w.text.empty()) problem(file, n, "受理期须保留原文 text");
    return w;
  }

  std::map<std::string, std::shared_ptr<const FormSchema>> schemas;

  int64_t integer64(const std::string& file, const YAML::Node& n, const std::string& what) {
    try {
      return n.as<int64_t>();
    } catch (const YAML::Exception&) {
      problem(file, n, what + " 应为整数");
      return 0;
    }
  }

  static bool snakeId(const std::string& id) {
    if (id.empty() || id.size() > 40 || id[0] < 'a' || id[0] > 'z') return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
  }

  // One field of a form schema; `in_list` for the fields of a list's elements (one level only,
  // which also bounds how deep a submitted form can nest).
  FormField formField(const std::string& file, const YAML::Node& n, bool in_list) {
    FormField f;
    checkKeys(file, n,
              {"id", "label", "type", "required", "max_length", "values", "min", "max", "max_items",
               "fields", "note"},
              "表单字段");
    if (!n.IsMap()) return f;
    f.id = str(file, n["id"], "id");
    f.label = str(file, n["label"], "label");
    if (!snakeId(f.id)) problem(file, n, "表单字段 id 须为小写字母开头的 snake_case（≤ 40 字符）");
    if (f.label.empty()) problem(file, n, "表单字段 " + f.id + " 缺少 label（中文名称）");
    if (n["required"]) f.required = boolean(file, n["required"], "required");
    auto typeName = str(file, n["type"], "type");
    auto type = parseFieldType(typeName);
    if (!type) {
      problem(file, n,
              "表单字段 " + f.id + " 的 type '" + typeName +
                  "' 未知（string text enum date month money_fen integer id_no credit_code "
                  "phone boolean list）");
      return f;
    }
    f.type = *type;
    auto uses = [&](std::initializer_list<const char*> keys) {
      for (const char* k : {"max_length", "values", "min", "max", "max_items", "fields"}) {
        bool allowed = std::find_if(keys.begin(), keys.end(), [&](const char* a) {
                         return std::string(a) == k;
                       }) != keys.end();
        if (n[k] && !allowed)
          problem(file, n[k], std::string(k) + " 不适用于 " + typeName + " 类型的字段 " + f.id);
      }
    };
    switch (f.type) {
      case FieldType::kString:
      case FieldType::kText: {
        uses({"max_length"});
        bool text = f.type == FieldType::kText;
        if (!n["max_length"] && !text) {
          problem(file, n, "string 字段 " + f.id + " 须给出 max_length");
          break;
        }
        f.max_length = n["max_length"] ? integer64(file, n["max_length"], "max_length")
                                       : static_cast<int64_t>(kMaxTextChars);
        if (f.max_length < 1 || f.max_length > kMaxTextChars)
          problem(file, n, "字段 " + f.id + " 的 max_length 须在 1 到 500 之间");
        break;
      }
      case FieldType::kEnum: {
        uses({"values"});
        f.values = strings(file, n["values"], "values");
        std::set<std::string> seen;
        for (const auto& v : f.values)
          if (v.empty() || !seen.insert(v).second)
            problem(file, n["values"], "enum 字段 " + f.id + " 的取值为空或重复");
        if (f.values.empty()) problem(file, n, "enum 字段 " + f.id + " 须给出 values");
        break;
      }
      case FieldType::kInteger:
        uses({"min", "max"});
        if (!n["min"] || !n["max"]) {
          problem(file, n, "integer 字段 " + f.id + " 须给出 min 和 max");
          break;
        }
        f.min = integer64(file, n["min"], "min");
        f.max = integer64(file, n["max"], "max");
        if (f.min > f.max || f.min < -kMaxMoneyFen || f.max > kMaxMoneyFen)
          problem(file, n, "integer 字段 " + f.id + " 须满足 -10^12 ≤ min ≤ max ≤ 10^12");
        break;
      case FieldType::kMoneyFen:
        // Amounts are 1 … 10^12 fen; a field may lower the ceiling, never raise it.
        uses({"max"});
        f.min = 1;
        f.max = n["max"] ? integer64(file, n["max"], "max") : kMaxMoneyFen;
        if (f.max < 1 || f.max > kMaxMoneyFen)
          problem(file, n, "money_fen 字段 " + f.id + " 的 max 须在 1 到 10^12 之间");
        break;
      case FieldType::kList: {
        uses({"max_items", "fields"});
        if (in_list) problem(file, n, "列表元素中的字段 " + f.id + " 不能再是 list");
        f.max_items = n["max_items"] ? integer64(file, n["max_items"], "max_items") : 0;
        if (f.max_items < 1 || f.max_items > kMaxListItems)
          problem(file, n, "list 字段 " + f.id + " 须给出 max_items（1 到 1000）");
        f.fields = formFields(file, n, true, "list 字段 " + f.id);
        break;
      }
      default:
        uses({});
        break;
    }
    return f;
  }

  // The `fields` of a schema or of a list field (`at`: that schema or field, for the line).
  std::vector<FormField> formFields(const std::string& file, const YAML::Node& at, bool in_list,
                                    const std::string& owner) {
    std::vector<FormField> out;
    const YAML::Node n = at["fields"];
    if (!n || !n.IsSequence() || n.size() == 0) {
      problem(file, at, owner + " 须有非空的 fields 列表");
      return out;
    }
    std::set<std::string> ids;
    for (const auto& e : n) {
      out.push_back(formField(file, e, in_list));
      if (!out.back().id.empty() && !ids.insert(out.back().id).second)
        problem(file, e, owner + " 的字段 id 重复：" + out.back().id);
    }
    return out;
  }

  void loadSchemaFile(const std::string& file, const YAML::Node& root) {
    checkKeys(file, root, {"form_schemas"}, "文件");
    const auto& list = root["form_schemas"];
    if (!list.IsSequence()) {
      problem(file, list, "form_schemas 应为列表");
      return;
    }
    for (const auto& e : list) {
      checkKeys(file, e, {"id", "name", "fields", "note"}, "form_schemas");
      if (!e.IsMap()) continue;
      auto schema = std::make_shared<FormSchema>();
      schema->id = str(file, e["id"], "id");
      schema->name = str(file, e["name"], "name");
      schema->file = file;
      schema->line = e.Mark().line + 1;
      if (!snakeId(schema->id)) problem(file, e, "表单 schema id 须为小写字母开头的 snake_case");
      if (schema->name.empty()) problem(file, e, "表单 schema " + schema->id + " 缺少 name");
      schema->fields = formFields(file, e, false, "表单 schema " + schema->id);
      if (schemas.count(schema->id)) {
        const auto& first = *schemas[schema->id];
        problem(file, e,
                "表单 schema id 重复：" + schema->id + "（已在 " + first.file + ":" +
                    std::to_string(first.line) + " 定义）");
        continue;
      }
      schemas[schema->id] = std::move(schema);
    }
  }

  // Applies one key of an item entry. Used for full items and for a child region's overrides.
  // `source: {seed, ref, quotes}` of a flow: where the seed draws the path, in its own words.
  FlowSource flowSource(const std::string& file, const YAML::Node& n) {
    FlowSource s;
    if (!n.IsMap()) {
      problem(file, n, "source 须为 {seed, ref, quotes}");
      return s;
    }
    checkKeys(file, n, {"seed", "ref", "quotes"}, "source");
    s.seed = str(file, n["seed"], "seed");
    s.ref = str(file, n["ref"], "ref");
    s.quotes = strings(file, n["quotes"], "quotes");
    if (s.seed.empty() || s.ref.empty()) problem(file, n, "source 须有 seed 和 ref");
    if (s.quotes.empty()) problem(file, n, "source 须至少引用一段种子原文（quotes）");
    for (const auto& q : s.quotes)
      if (q.empty()) problem(file, n, "source 的 quotes 不能有空字符串");
    return s;
  }

  void itemKey(const std::string& file, Item& it, const std::string& key, const YAML::Node& v) {
    auto S = [&](std::string& dst) { dst = str(file, v, key); };
    auto list = [&](auto fn) {
      if (!v.IsSequence()) {
        problem(file, v, key + " 应为列表");
        return;
      }
      for (const auto& e : v) fn(e);
    };
    if (key == "code")
      S(it.code);
    else if (key == "code_kind")
      S(it.code_kind);
    else if (key == "seq")
      it.seq = integer(file, v, key);
    else if (key == "main_code")
      S(it.main_code);
    else if (key == "main_name")
      S(it.main_name);
    else if (key == "main_note")
      S(it.main_note);
    else if (key == "name")
      S(it.name);
    else if (key == "service_objects")
      S(it.service_objects);
    else if (key == "applicant")
      it.applicant = strings(file, v, key);
    else if (key == "channels")
      it.channels = strings(file, v, key);
    else if (key == "channels_text")
      S(it.channels_text);
    else if (key == "progress_query_text")
      S(it.progress_query_text);
    else if (key == "steps")
      it.steps = strings(file, v, key);
    else if (key == "remarks")
      S(it.remarks);
    else if (key == "legal_basis")
      it.legal_basis = strings(file, v, key);
    else if (key == "supervision_phone")
      S(it.supervision_phone);
    else if (key == "effect")
      S(it.effect);
    else if (key == "form_schema")
      S(it.form_schema);
    else if (key == "note")
      S(it.note);
    else if (key == "diseases")
      it.diseases = toJson(v);
    else if (key == "internal")
      it.internal = boolean(file, v, key);
    else if (key == "takes_effect")
      S(it.takes_effect);
    else if (key == "time_limit") {
      it.time_limit = limit(file, v, LimitAt::kItem);
      it.variants.clear();
      for (const auto& var : v["variants"])
        it.variants.push_back(limit(file, var, LimitAt::kVariant));
    } else if (key == "notice_limit") {
      it.notice_limit = limit(file, v, LimitAt::kNotice);
    } else if (key == "applicant_limits") {
      it.applicant_limits.clear();
      list([&](const YAML::Node& e) {
        checkKeys(file, e, {"field", "when", "unless", "limit", "text"}, "applicant_limits");
        ApplicantLimit a;
        a.field = str(file, e["field"], "field");
        a.when = str(file, e["when"], "when");
        a.unless = str(file, e["unless"], "unless");
        a.text = str(file, e["text"], "text");
        if (e["limit"])
          a.limit = limit(file, e["limit"], LimitAt::kApplicant);
        else
          problem(file, e, "applicant_limits 须有 limit");
        if (a.text.empty()) problem(file, e, "applicant_limits 须保留原文 text");
        it.applicant_limits.push_back(a);
      });
    } else if (key == "flows") {
      it.flows.clear();
      list([&](const YAML::Node& e) {
        checkKeys(file, e, {"id", "name", "when", "steps", "source", "note"}, "flows");
        AltFlow f;
        f.id = str(file, e["id"], "id");
        f.name = str(file, e["name"], "name");
        const auto& w = e["when"];
        if (w) {
          checkKeys(file, w, {"channels", "applicant", "conditions"}, "flows.when");
          f.when.channels = strings(file, w["channels"], "channels");
          f.when.applicant = strings(file, w["applicant"], "applicant");
          f.when.conditions = strings(file, w["conditions"], "conditions");
        }
        if (!w ||
            (f.when.channels.empty() && f.when.applicant.empty() && f.when.conditions.empty()))
          problem(file, e, "备选流程须有 when（channels / applicant / conditions 之一）");
        if (!snakeId(f.id)) problem(file, e, "备选流程 id 须为小写字母开头的 snake_case");
        if (f.name.empty()) problem(file, e, "备选流程须有 name");
        f.steps = flowSteps(file, e["steps"], "flows.steps");
        if (e["source"])
          f.source = flowSource(file, e["source"]);
        else
          problem(file, e, "备选流程须有 source（种子文件、图号或章节、原文）");
        it.flows.push_back(std::move(f));
      });
    } else if (key == "flow") {
      it.flow = flowSteps(file, v, "flow");
    } else if (key == "flow_name") {
      S(it.flow_name);
    } else if (key == "flow_source") {
      it.flow_source = flowSource(file, v);
    } else if (key == "conditions") {
      it.conditions.clear();
      list([&](const YAML::Node& e) {
        checkKeys(file, e, {"id", "name"}, "conditions");
        it.conditions.push_back({str(file, e["id"], "id"), str(file, e["name"], "name")});
      });
    } else if (key == "material_groups") {
      it.material_groups.clear();
      list([&](const YAML::Node& e) {
        checkKeys(file, e, {"id", "text"}, "material_groups");
        it.material_groups.push_back({str(file, e["id"], "id"), str(file, e["text"], "text")});
      });
    } else if (key == "materials") {
      it.materials.clear();
      list([&](const YAML::Node& e) {
        checkKeys(file, e,
                  {"id", "name", "when", "group", "commitment", "shared_data", "optional", "copies",
                   "photos", "original", "waived_channels", "form", "note"},
                  "materials");
        Material m;
        m.id = str(file, e["id"], "id");
        m.name = str(file, e["name"], "name");
        m.when = str(file, e["when"], "when");
        m.group = str(file, e["group"], "group");
        if (e["commitment"]) m.commitment = boolean(file, e["commitment"], "commitment");
        m.shared_data = str(file, e["shared_data"], "shared_data");
        if (e["optional"]) m.optional = boolean(file, e["optional"], "optional");
        if (e["copies"]) m.copies = integer(file, e["copies"], "copies");
        if (e["photos"]) m.photos = integer(file, e["photos"], "photos");
        if (m.copies < 0 || m.photos < 0) problem(file, e, "copies / photos 须 ≥ 0");
        if (e["original"]) {
          auto o = str(file, e["original"], "original");
          bool known = false;
          for (auto k : {MaterialOriginal::kOriginal, MaterialOriginal::kCopy,
                         MaterialOriginal::kCheckOriginal, MaterialOriginal::kOriginalAndCopy})
            if (o == materialOriginalName(k)) {
              m.original = k;
              known = true;
            }
          if (!known)
            problem(file, e["original"],
                    "original 须为 original / copy / check_original / original_and_copy");
        }
        m.waived_channels = strings(file, e["waived_channels"], "waived_channels");
        m.form = str(file, e["form"], "form");
        m.note = str(file, e["note"], "note");
        if (m.id.empty() || m.name.empty()) problem(file, e, "材料须有 id 和 name");
        it.materials.push_back(m);
      });
    } else if (key == "acceptance_windows") {
      it.acceptance_windows.clear();
      list([&](const YAML::Node& e) { it.acceptance_windows.push_back(window(file, e)); });
    } else if (key == "uncounted_periods") {
      it.uncounted_periods.clear();
      list([&](const YAML::Node& e) {
        checkKeys(file, e, {"id", "name", "text"}, "uncounted_periods");
        it.uncounted_periods.push_back(
            {str(file, e["id"], "id"), str(file, e["name"], "name"), str(file, e["text"], "text")});
      });
    } else {
      problem(file, v, "事项中有未知字段 '" + key + "'");
    }
  }

  static nlohmann::json toJson(const YAML::Node& n) {
    if (n.IsSequence()) {
      auto a = nlohmann::json::array();
      for (const auto& e : n) a.push_back(toJson(e));
      return a;
    }
    if (n.IsMap()) {
      auto o = nlohmann::json::object();
      for (const auto& kv : n) o[kv.first.as<std::string>()] = toJson(kv.second);
      return o;
    }
    if (n.IsScalar()) return n.as<std::string>();
    return nullptr;
  }

  // The rules every flow of an item obeys (the default and each alternative).
  template <typename Bad>
  void checkFlow(const Region& r, const std::vector<FlowStep>& flow, const std::string& where,
                 Bad& bad) {
    if (flow.size() < 2 || flow.front().kind != StepKind::kAccept ||
        flow.back().kind != StepKind::kComplete)
      bad(where + "flow 须以 accept 开始、以 complete 结束");
    bool seenPay = false;
    std::set<std::string> stepNames;
    for (size_t i = 0; i < flow.size(); ++i) {
      const auto& s = flow[i];
      if (!stepNames.insert(s.step).second) bad(where + "flow 步骤名重复：" + s.step);
      if (i > 0 && s.kind == StepKind::kAccept) bad(where + "accept 只能是第一步");
      if (i + 1 < flow.size() && s.kind == StepKind::kComplete)
        bad(where + "complete 只能是最后一步");
      if (s.kind == StepKind::kPay) seenPay = true;
      if (s.kind == StepKind::kReview && seenPay) bad(where + "审核步骤不能在拨付之后：" + s.step);
      const Role* role = r.role(s.role);
      if (!role) {
        bad(where + "步骤 " + s.step + " 的角色 '" + s.role + "' 未定义");
        continue;
      }
      if (s.kind == StepKind::kPay && role->kind != "finance")
        bad(where + "拨付步骤须由财务角色办理");
      if ((s.kind == StepKind::kAccept || s.kind == StepKind::kComplete) && role->kind != "window")
        bad(where + "受理/办结步骤须由窗口角色办理");
      if (s.kind == StepKind::kReview && role->kind != "review")
        bad(where + "审核步骤须由审核角色办理：" + s.step);
    }
  }

  void validateItem(const Region& r, const Item& it) {
    const std::string& f = it.file;
    auto bad = [&](const std::string& msg) {
      errors.push_back(f + ":" + std::to_string(it.line) + ": 事项 " + it.code + " " + it.name +
                       "：" + msg);
    };
    for (const char* k : {"code", "code_kind", "main_code", "main_name", "name", "effect"}) {
      std::string v = std::string(k) == "code"        ? it.code
                      : std::string(k) == "code_kind" ? it.code_kind
                      : std::string(k) == "main_code" ? it.main_code
                      : std::string(k) == "main_name" ? it.main_name
                      : std::string(k) == "name"      ? it.name
                                                      : it.effect;
      if (v.empty()) bad(std::string("缺少 ") + k);
    }
    if (it.time_limit.text.empty() && !it.time_limit.unstated())
      bad("缺少 time_limit（办理时限）；依据文件未载明的写 kind: unstated");
    if (it.code.size() != 12) bad("code 须为12位");
    if (it.main_code.size() != 12) bad("main_code 须为12位");
    if (it.code_kind != "national" && it.code_kind != "local")
      bad("code_kind 须为 national 或 local");
    if (it.code_kind == "local" && it.code.rfind(r.division_code + "99", 0) != 0)
      bad("地方编码须以区划代码+99开头（见 docs/CATALOG.md）");
    // An internal routine (an agency's own finance run) has no applicant; anything else has one.
    if (it.applicant.empty() && !it.internal)
      bad("缺少 applicant（经办机构内部流程须标明 internal: true）");
    if (!it.applicant.empty() && it.internal) bad("经办机构内部流程（internal）不应有 applicant");
    if (!it.takes_effect.empty() && it.takes_effect != "next_month")
      bad("takes_effect 须为 next_month");
    for (const auto& a : it.applicant)
      if (a != "unit" && a != "person" && a != "institution")
        bad("applicant 须为 unit / person / institution");
    if (it.channels.empty() && !it.internal) bad("缺少 channels");
    if (it.effect.empty())
      bad("缺少 effect");
    else if (known_effect && !known_effect(it.effect))
      bad("未知的 effect '" + it.effect + "'");
    // steps (办理环节) and flow agree.
    const auto& st = it.steps;
    auto has = [&](const char* s) { return std::find(st.begin(), st.end(), s) != st.end(); };
    if (st.empty() || st.front() != "申请") bad("steps 须以“申请”开始");
    if (st.empty() || st.back() != "办结") bad("steps 须以“办结”结束");
    if (!has("受理")) bad("steps 须包含“受理”");
    bool review = false, pay = false;
    for (const auto& s : it.flow) {
      review |= s.kind == StepKind::kReview;
      pay |= s.kind == StepKind::kPay;
    }
    if (has("审核") != review) bad("steps 中的“审核”与 flow 的审核步骤不一致");
    if (has("拨付") != pay) bad("steps 中的“拨付”与 flow 的拨付步骤不一致");
    checkFlow(r, it.flow, "", bad);
    std::set<std::string> flowIds;
    auto seedKnown = [&](const FlowSource& s) {
      return s.seed.empty() || seeds_in_scope.count(s.seed) > 0;
    };
    if (!it.flows.empty() && it.flow_name.empty())
      bad("有备选流程（flows）的事项须以 flow_name 写明默认流程对应的路径");
    if (!seedKnown(it.flow_source))
      bad("flow_source 的种子文件 '" + it.flow_source.seed +
          "' 不在本地区（或上级地区）的 seeds 中");
    for (const auto& f : it.flows) {
      if (!flowIds.insert(f.id).second) bad("备选流程 id 重复：" + f.id);
      if (!seedKnown(f.source))
        bad("备选流程 " + f.id + " 的种子文件 '" + f.source.seed +
            "' 不在本地区（或上级地区）的 seeds 中");
      checkFlow(r, f.steps, "备选流程 " + f.id + "：", bad);
      for (const auto& c : f.when.channels)
        if (std::find(it.channels.begin(), it.channels.end(), c) == it.channels.end())
          bad("备选流程 " + f.id + " 的渠道 '" + c + "' 不在 channels 中");
      for (const auto& a : f.when.applicant)
        if (!it.acceptsApplicant(a))
          bad("备选流程 " + f.id + " 的申请人类型 '" + a + "' 不在 applicant 中");
      for (const auto& c : f.when.conditions)
        if (!it.condition(c))
          bad("备选流程 " + f.id + " 的条件 '" + c + "' 未在 conditions 中声明");
    }
    std::set<std::string> conds, groups, mats;
    for (const auto& c : it.conditions)
      if (c.id.empty() || !conds.insert(c.id).second) bad("condition id 为空或重复：" + c.id);
    std::map<std::string, int> members;
    for (const auto& g : it.material_groups)
      if (g.id.empty() || !groups.insert(g.id).second) bad("material_group id 为空或重复：" + g.id);
    // An item whose seed lists no materials (“无”) has an empty list.
    for (const auto& m : it.materials) {
      if (!mats.insert(m.id).second) bad("材料 id 重复：" + m.id);
      if (!m.when.empty() && !conds.count(m.when))
        bad("材料 " + m.id + " 的条件 '" + m.when + "' 未在 conditions 中声明");
      if (!m.group.empty()) {
        if (!groups.count(m.group))
          bad("材料 " + m.id + " 的组 '" + m.group + "' 未在 material_groups 中声明");
        members[m.group]++;
      }
      if (!m.form.empty() && !r.form(m.form))
        bad("材料 " + m.id + " 引用的表单 '" + m.form + "' 不存在");
    }
    for (const auto& g : it.material_groups)
      if (members[g.id] < 2) bad("任选其一组 '" + g.id + "' 至少要有两个材料");
    for (const auto& v : it.variants)
      if (!conds.count(v.when)) bad("时限变体的条件 '" + v.when + "' 未声明");
    for (const auto& m : it.materials)
      for (const auto& c : m.waived_channels)
        if (std::find(it.channels.begin(), it.channels.end(), c) == it.channels.end())
          bad("材料 " + m.id + " 的免交渠道 '" + c + "' 不在 channels 中");
    for (const auto& a : it.applicant_limits) {
      for (const auto& c : {a.when, a.unless})
        if (!c.empty() && !conds.count(c)) bad("申请时限的条件 '" + c + "' 未声明");
      const FormField* f = it.form ? it.form->field(a.field) : nullptr;
      if (!f || f->type != FieldType::kDate)
        bad("申请时限的字段 '" + a.field + "' 须是本事项表单（form_schema）中的 date 字段");
    }
    for (const auto& u : it.uncounted_periods)
      if (u.id.empty() || u.name.empty()) bad("uncounted_periods 须有 id 和 name");
    // The limit of a notice of missing materials: its words must say so (not the item's own limit
    // copied by mistake), and the application must be answerable at 受理.
    if (it.notice_limit && it.notice_limit->text.find("一次性告知") == std::string::npos)
      bad("notice_limit.text 须是载明“一次性告知”时限的原文");
    if (it.notice_limit && it.internal) bad("内部办理流程没有申请，不能有 notice_limit");
    if (!it.form_schema.empty() && !schemas.count(it.form_schema))
      bad("form_schema '" + it.form_schema + "' 未在 form_schemas 中定义");
  }

  // A region file, or a form-schema file when its top-level key is `form_schemas` (and it has no
  // `region`, which would make it a region file with an unknown key).
  void loadFile(
      const std::string& file, std::vector<Region>& out,
      std::map<std::string, std::vector<std::pair<std::string, YAML::Node>>>& childItems) {
    YAML::Node root;
    try {
      root = YAML::LoadFile(file);
    } catch (const YAML::Exception& e) {
      errors.push_back(file + ":" + std::to_string(e.mark.line + 1) + ": YAML 语法错误：" + e.msg);
      return;
    }
    if (root.IsMap() && root["form_schemas"] && !root["region"])
      loadSchemaFile(file, root);
    else
      loadRegionFile(file, root, out, childItems);
  }

  void loadRegionFile(
      const std::string& file, const YAML::Node& root, std::vector<Region>& out,
      std::map<std::string, std::vector<std::pair<std::string, YAML::Node>>>& childItems) {
    checkKeys(file, root, {"region", "roles", "forms", "items"}, "文件");
    Region r;
    r.file = file;
    const auto& h = root["region"];
    if (!h) {
      problem(file, root, "缺少 region");
      return;
    }
    checkKeys(file, h,
              {"id", "name", "division_code", "extends", "seeds", "supervision_phone",
               "rating_scale", "rating_satisfied", "note", "service_quality_text"},
              "region");
    r.id = str(file, h["id"], "id");
    r.name = str(file, h["name"], "name");
    r.division_code = str(file, h["division_code"], "division_code");
    r.extends = str(file, h["extends"], "extends");
    r.seeds = strings(file, h["seeds"], "seeds");
    r.supervision_phone = str(file, h["supervision_phone"], "supervision_phone");
    r.rating_scale = strings(file, h["rating_scale"], "rating_scale");
    r.rating_satisfied = str(file, h["rating_satisfied"], "rating_satisfied");
    r.note = str(file, h["note"], "note");
    r.service_quality_text = str(file, h["service_quality_text"], "service_quality_text");
    if (r.id.empty() || r.name.empty()) problem(file, h, "region 须有 id 和 name");
    if (r.division_code.size() != 6) problem(file, h, "division_code 须为6位");
    for (const auto& e : root["roles"]) {
      checkKeys(file, e, {"id", "name", "kind"}, "roles");
      Role role{str(file, e["id"], "id"), str(file, e["name"], "name"),
                str(file, e["kind"], "kind")};
      static const std::set<std::string> kKinds{"window", "review", "finance", "supervisor"};
      if (!kKinds.count(role.kind))
        problem(file, e, "角色类型须为 window / review / finance / supervisor");
      r.roles.push_back(role);
    }
    for (const auto& e : root["forms"]) {
      checkKeys(file, e, {"id", "name", "fields", "note"}, "forms");
      r.forms.push_back({str(file, e["id"], "id"), str(file, e["name"], "name"),
                         strings(file, e["fields"], "fields")});
    }
    auto& pending = childItems[r.id];
    for (const auto& e : root["items"]) {
      if (!e.IsMap() || !e["code"]) {
        problem(file, e, "事项缺少 code");
        continue;
      }
      pending.push_back({file, e});
    }
    out.push_back(std::move(r));
  }

  void buildItems(Region& r, const Region* parent,
                  const std::vector<std::pair<std::string, YAML::Node>>& entries) {
    if (parent) {
      if (r.roles.empty())
        r.roles = parent->roles;
      else
        for (const auto& pr : parent->roles)
          if (!r.role(pr.id)) r.roles.push_back(pr);
      for (const auto& pf : parent->forms)
        if (!r.form(pf.id)) r.forms.push_back(pf);
      r.items = parent->items;
      if (r.rating_scale.empty()) r.rating_scale = parent->rating_scale;
      if (r.rating_satisfied.empty()) r.rating_satisfied = parent->rating_satisfied;
      if (r.supervision_phone.empty()) r.supervision_phone = parent->supervision_phone;
    }
    std::map<std::string, size_t> idx;
    for (size_t i = 0; i < r.items.size(); ++i) idx[r.items[i].code] = i;
    std::set<std::string> seen;
    for (const auto& [file, e] : entries) {
      std::string code = e["code"].as<std::string>();
      if (!seen.insert(code).second) {
        problem(file, e["code"], "事项编码重复：" + code);
        continue;
      }
      Item* it;
      if (auto p = idx.find(code); p != idx.end()) {
        it = &r.items[p->second];
      } else {
        r.items.push_back(Item{});
        idx[code] = r.items.size() - 1;
        it = &r.items.back();
      }
      it->file = file;
      it->line = e.Mark().line + 1;
      for (const auto& kv : e) itemKey(file, *it, kv.first.as<std::string>(), kv.second);
    }
    if (r.rating_scale.empty())
      r.rating_scale = {"非常满意", "满意", "基本满意", "不满意", "非常不满意"};
    if (r.rating_satisfied.empty()) r.rating_satisfied = "满意";
    if (r.ratingRank(r.rating_satisfied) < 0)
      errors.push_back(r.file + ":1: rating_satisfied 不在 rating_scale 中");
    std::stable_sort(r.items.begin(), r.items.end(),
                     [](const Item& a, const Item& b) { return a.seq < b.seq; });
    r.index.clear();
    for (size_t i = 0; i < r.items.size(); ++i) r.index[r.items[i].code] = i;
    for (auto& it : r.items) {
      auto found = schemas.find(it.form_schema);
      it.form = it.form_schema.empty() || found == schemas.end() ? nullptr : found->second;
    }
    for (auto& it : r.items) it.revision = itemRevision(it);
    // A child region's items may keep the parent's flows, which cite the parent's seeds.
    seeds_in_scope = {r.seeds.begin(), r.seeds.end()};
    if (parent) seeds_in_scope.insert(parent->seeds.begin(), parent->seeds.end());
    for (const auto& it : r.items) validateItem(r, it);
    if (r.items.empty()) errors.push_back(r.file + ":1: 没有任何事项");
  }
};

Result<std::shared_ptr<const Catalog>> Catalog::loadDir(const std::string& dir,
                                                        EffectKnown known_effect) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".yaml") files.push_back(e.path().string());
  if (ec || files.empty())
    return fail(ErrorCode::kBadRequest, "catalog_missing", "找不到事项目录文件: " + dir);
  std::sort(files.begin(), files.end());

  CatalogLoader L;
  L.known_effect = std::move(known_effect);
  std::vector<Region> raw;
  std::map<std::string, std::vector<std::pair<std::string, YAML::Node>>> entries;
  // Every file first, so that items may reference schemas of any file.
  for (const auto& f : files) L.loadFile(f, raw, entries);
  if (raw.empty() && L.errors.empty())
    L.errors.push_back(dir + ":1: 目录中没有任何地区文件（region）");

  auto cat = std::make_shared<Catalog>();
  cat->form_schemas_ = L.schemas;
  // Parents before children; a missing or cyclic parent is an error.
  std::set<std::string> done;
  for (size_t round = 0; round <= raw.size() && done.size() < raw.size(); ++round) {
    for (auto& r : raw) {
      if (done.count(r.id)) continue;
      if (!r.extends.empty() && !done.count(r.extends)) continue;
      const Region* parent = r.extends.empty() ? nullptr : cat->region(r.extends);
      L.buildItems(r, parent, entries[r.id]);
      cat->regions_.push_back(r);
      done.insert(r.id);
    }
  }
  for (const auto& r : raw)
    if (!done.count(r.id))
      L.errors.push_back(r.file + ":1: extends '" + r.extends + "' 不存在或循环继承");
  // Regions in the order of their seed documents (INDEX.md numbers them), then by id.
  auto firstSeed = [](const Region& r) {
    return r.seeds.empty() ? std::string("~") : *std::min_element(r.seeds.begin(), r.seeds.end());
  };
  std::stable_sort(cat->regions_.begin(), cat->regions_.end(),
                   [&](const Region& a, const Region& b) {
                     return std::make_pair(firstSeed(a), a.id) < std::make_pair(firstSeed(b), b.id);
                   });
  std::set<std::string> ids;
  for (const auto& r : raw)
    if (!ids.insert(r.id).second) L.errors.push_back(r.file + ":1: 地区 id 重复：" + r.id);

  if (!L.errors.empty()) {
    std::string all;
    std::set<std::string> once;
    for (const auto& e : L.errors)
      if (once.insert(e).second) all += e + "\n";
    return fail(ErrorCode::kBadRequest, "catalog_invalid", all);
  }
  return std::shared_ptr<const Catalog>(cat);
}

}  // namespace jingban
