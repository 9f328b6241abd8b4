// The service-item catalog (政务服务事项): each region's items as loaded from
// catalog/<region>.yaml. The format is documented in docs/CATALOG.md; this is its in-memory form.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "calendar/acceptance_window.hpp"
#include "calendar/work_calendar.hpp"
#include "catalog/form_schema.hpp"

namespace jingban {

struct Role {
  std::string id, name, kind;  // kind: window | review | finance | supervisor
};

struct Form {
  std::string id, name;
  std::vector<std::string> fields;
};

struct Condition {
  std::string id, name;
};

struct MaterialGroup {  // 任选其一
  std::string id, text;
};

// What the window takes of a paper material, as the seed states it.
enum class MaterialOriginal {
  kUnstated,        // the seed does not say
  kOriginal,        // 原件
  kCopy,            // 复印件
  kCheckOriginal,   // 验原件，收复印件 (查验原件并交复印件)
  kOriginalAndCopy  // 原件及复印件 (both handed in)
};
const char* materialOriginalName(MaterialOriginal o);  // original | copy | check_original | …
std::string materialOriginalText(MaterialOriginal o);  // 原件 | 复印件 | 验原件收复印件 | …

struct Material {
  std::string id, name;
  std::string when;         // condition id: required only under it
  std::string group;        // material group id: any one member suffices
  bool commitment = false;  // 承诺制: a personal commitment may replace it
  std::string shared_data;  // 数据共享: waived when the agency holds the data
  bool optional = false;
  int copies = 0;  // 一式N份 / 复印件N份
  std::string form, note;
  int photos = 0;  // N张照片
  MaterialOriginal original = MaterialOriginal::kUnstated;
  std::vector<std::string> waived_channels;  // 网上办理无需提交: not required on these channels

  bool waivedOn(const std::string& channel) const;
};

enum class StepKind { kAccept, kReview, kPay, kComplete };
const char* stepKindName(StepKind k);

// How a limit is reckoned. `kDays` uses TimeLimit::kind (即时 / 工作日 / 自然日); the others are
// limits the seeds state in other terms: N calendar months (评估时间不超过3个月), a date of the
// year (12月25日前反馈), or none at all (未载明: no due date is computed, nothing is overdue).
enum class LimitBasis { kDays, kCalendarMonths, kCalendarDate, kUnstated };

// 遇特殊情况适当延长: the limit may be extended, case by case, by an approved and recorded
// extension (the workflow's `extend`). The seed names no length, so each extension's length is
// decided by whoever approves it; all extensions of one case together may not exceed the limit's
// own working days (kept here as max_working_days), so a limit can at most double.
struct LimitExtension {
  bool allowed = false;
  std::string source;        // the seed's words that allow it, found in the limit's text
  int max_working_days = 0;  // the cap on the sum of a case's extensions
};

struct TimeLimit {
  LimitKind kind = LimitKind::kInstant;  // for kDays
  int days = 0;                          // for kDays
  std::string text;
  std::string when;  // only on variants
  LimitBasis basis = LimitBasis::kDays;
  int months = 0;   // kCalendarMonths
  int by_mmdd = 0;  // kCalendarDate: month * 100 + day, the next such date on or after 受理
  LimitExtension extension{};  // only on an item's limit or variant counted in working days

  // instant | working_days | natural_days | calendar_months | calendar_date | unstated
  std::string kindName() const;
  bool unstated() const { return basis == LimitBasis::kUnstated; }
};
// The JSON of a limit as the API shows it: {kind, days?, months?, date?, text, when?,
// extension?: {allowed, source, max_working_days}}.
nlohmann::json timeLimitJson(const TimeLimit& t);

struct FlowStep {
  std::string step;  // 受理 / 初审 / 复审 / 审核 / 拨付 / 办结 …
  StepKind kind = StepKind::kReview;
  std::string role, text;
  std::optional<TimeLimit> limit;  // a stage's own limit inside the item's (转移接续 5+5+5)
};

// When an alternative flow applies (all given keys must match; an empty list matches anything):
// the case's channel, the applicant's kind, or any one of the declared conditions.
struct FlowWhen {
  std::vector<std::string> channels, applicant, conditions;
};

// Where the seed draws or describes an alternative path: the seed file (one of the region's
// `seeds`, or its parent's), the chart or section (附件4-13 单位一次性支取), and the seed's own
// words, one quote per box or sentence. The quotes are not shown to anyone; a test checks that
// each is found in the seed (tests/unit/alt_flows_test.cpp), so a path cannot be made up.
struct FlowSource {
  std::string seed, ref;
  std::vector<std::string> quotes;
};

struct AltFlow {
  std::string id, name;
  FlowWhen when;
  std::vector<FlowStep> steps;
  FlowSource source;
};

// A limit on the applicant's side, checked at 申请: the date in form field `field` must lie
// within `limit` before the day of application (生育后三个月内; 生育后一年内).
struct ApplicantLimit {
  std::string field;  // a `date` field of the item's form schema
  std::string when;   // condition id: only under it ("" for every case)
  std::string unless;  // condition id: not under it (西宁 生育后三个月内, not after 计划生育手术)
  TimeLimit limit;   // natural_days or calendar_months
  std::string text;  // the seed's words
};

struct UncountedPeriod {
  std::string id, name, text;
};

struct Item {
  std::string code, code_kind, main_code, main_name, name, service_objects;
  int seq = 0;
  std::vector<std::string> applicant, channels, steps;
  std::vector<FlowStep> flow;  // the default flow
  std::vector<AltFlow> flows;  // alternatives, the first whose `when` matches wins
  std::string flow_name;       // with alternatives: the default path's name (现场查询)
  FlowSource flow_source;      // with alternatives: where the seed draws the default path
  bool internal = false;       // an agency's internal routine: no applicant, never applied for
  std::string takes_effect;    // "" | next_month (次月生效)
  std::vector<ApplicantLimit> applicant_limits;
  // A content hash (12 hex of SHA-256) of the flows, materials and limits, set at load: a case
  // records the revision and the flow it was opened with (docs/CATALOG.md, "Revisions").
  std::string revision;
  std::vector<Condition> conditions;
  std::vector<MaterialGroup> material_groups;
  std::vector<Material> materials;
  TimeLimit time_limit;
  std::vector<TimeLimit> variants;
  // 一次性告知 owed within a limit of the application (青岛 定点医药机构:
  // 自收到材料之日起5个工作日内 一次性告知): counted from the day of 申请 until the application is
  // answered (a return with the notice, an acceptance or a refusal). Only where the seed states it;
  // working or natural days.
  std::optional<TimeLimit> notice_limit;
  std::vector<AcceptanceWindow> acceptance_windows;
  std::vector<UncountedPeriod> uncounted_periods;
  std::string remarks;
  std::vector<std::string> legal_basis;
  std::string supervision_phone, effect, note, channels_text, progress_query_text, main_note;
  nlohmann::json diseases;  // {chronic: […], special: […]} where the seed lists them
  std::string file;
  int line = 0;
  std::string form_schema;                 // id of the schema its `form` must satisfy, or ""
  std::shared_ptr<const FormSchema> form;  // resolved by the loader; null when form_schema is ""

  // The schema a submission's form is validated against (emptyFormSchema() when none: only {}).
  const FormSchema& formSchema() const { return form ? *form : emptyFormSchema(); }

  // The limit that applies to a case declaring `conds` (the first matching variant, else the main).
  const TimeLimit& limitFor(const std::set<std::string>& conds) const;
  // The flow a case opened on `channel` by an applicant of `applicant_kind` declaring `conds`
  // follows: the first alternative whose `when` matches, else the default flow. `flow_id` is set
  // to the alternative's id, or "" for the default.
  const std::vector<FlowStep>& flowFor(const std::string& channel,
                                       const std::string& applicant_kind,
                                       const std::set<std::string>& conds,
                                       std::string* flow_id = nullptr) const;
  const Condition* condition(const std::string& id) const;
  const Material* material(const std::string& id) const;
  const UncountedPeriod* uncounted(const std::string& id) const;
  bool acceptsApplicant(const std::string& kind) const;
};

// The JSON of a material as the API shows it (the cataloguer's `note` included: staff views only).
nlohmann::json materialJson(const Material& m);
// A flow's executable part (step, kind, role, limit; not the display text) as stored with a case
// when it is opened, and read back. fromJson refuses anything malformed.
nlohmann::json flowStepsJson(const std::vector<FlowStep>& flow);
Result<std::vector<FlowStep>> flowStepsFromJson(const nlohmann::json& j);
std::optional<StepKind> parseStepKind(std::string_view s);
// The 12-hex content hash of an item's flows, materials and limits (what Item::revision holds).
std::string itemRevision(const Item& it);

struct Region {
  std::string id, name, division_code, extends, supervision_phone, note, service_quality_text;
  std::vector<std::string> seeds;
  std::vector<std::string> rating_scale;  // best first
  std::string rating_satisfied;           // ratings ranked below it need a reason
  std::vector<Role> roles;
  std::vector<Form> forms;
  std::vector<Item> items;
  std::map<std::string, size_t> index;  // code → position in items
  std::string file;

  const Item* item(const std::string& code) const;
  const Role* role(const std::string& id) const;
  const Form* form(const std::string& id) const;
  // Rank in rating_scale (0 = best), or -1 when not on the scale.
  int ratingRank(const std::string& rating) const;
  std::string supervisionPhone(const Item& item) const;
};

class Catalog {
 public:
  // Loads and validates every catalog/<region>.yaml in `dir`, and the form schemas of any *.yaml
  // there whose top-level key is `form_schemas` (catalog/forms.yaml). On failure the error message
  // holds every problem found, one "file:line: message" per line. `known_effect`, when given,
  // decides which effect names are valid (the effects module knows them; the catalog does not
  // depend on it).
  using EffectKnown = std::function<bool(const std::string&)>;
  static Result<std::shared_ptr<const Catalog>> loadDir(const std::string& dir,
                                                        EffectKnown known_effect = nullptr);

  const std::vector<Region>& regions() const { return regions_; }
  const Region* region(const std::string& id) const;
  // The reusable form schemas (files whose top-level key is `form_schemas`), by id.
  const std::map<std::string, std::shared_ptr<const FormSchema>>& formSchemas() const {
    return form_schemas_;
  }
  const FormSchema* formSchema(const std::string& id) const;
  // The same catalog with only the regions `ids` (serve --regions: a server that serves some
  // regions; a region that extends another keeps what it inherited). Unknown ids are skipped.
  std::shared_ptr<const Catalog> only(const std::vector<std::string>& ids) const;

 private:
  friend class CatalogLoader;
  std::vector<Region> regions_;
  std::map<std::string, std::shared_ptr<const FormSchema>> form_schemas_;
};

}  // namespace jingban
