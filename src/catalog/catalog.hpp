// The service-item catalog (政务服务事项): each region's items as loaded from
// catalog/<region>.yaml. The format is documented in docs/CATALOG.md; this is its in-memory form.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
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

struct Material {
  std::string id, name;
  std::string when;         // condition id: required only under it
  std::string group;        // material group id: any one member suffices
  bool commitment = false;  // 承诺制: a personal commitment may replace it
  std::string shared_data;  // 数据共享: waived when the agency holds the data
  bool optional = false;
  int copies = 0;
  std::string form, note;
};

enum class StepKind { kAccept, kReview, kPay, kComplete };
const char* stepKindName(StepKind k);

struct FlowStep {
  std::string step;  // 受理 / 初审 / 复审 / 审核 / 拨付 / 办结 …
  StepKind kind = StepKind::kReview;
  std::string role, text;
};

struct TimeLimit {
  LimitKind kind = LimitKind::kInstant;
  int days = 0;
  std::string text;
  std::string when;  // only on variants
};

struct UncountedPeriod {
  std::string id, name, text;
};

struct Item {
  std::string code, code_kind, main_code, main_name, name, service_objects;
  int seq = 0;
  std::vector<std::string> applicant, channels, steps;
  std::vector<FlowStep> flow;
  std::vector<Condition> conditions;
  std::vector<MaterialGroup> material_groups;
  std::vector<Material> materials;
  TimeLimit time_limit;
  std::vector<TimeLimit> variants;
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
  const Condition* condition(const std::string& id) const;
  const Material* material(const std::string& id) const;
  const UncountedPeriod* uncounted(const std::string& id) const;
  bool acceptsApplicant(const std::string& kind) const;
};

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

 private:
  friend class CatalogLoader;
  std::vector<Region> regions_;
  std::map<std::string, std::shared_ptr<const FormSchema>> form_schemas_;
};

}  // namespace jingban
