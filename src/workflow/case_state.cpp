#include "workflow/case_state.hpp"

#include <map>
#include <stdexcept>

#include "common/json_writer.hpp"

namespace jingban {

namespace {
constexpr std::pair<CaseStatus, const char*> kStatusNames[] = {
    {CaseStatus::kSubmitted, "submitted"},      {CaseStatus::kSupplement, "supplement"},
    {CaseStatus::kInProgress, "in_progress"},   {CaseStatus::kCompleted, "completed"},
    {CaseStatus::kNotAccepted, "not_accepted"}, {CaseStatus::kRejected, "rejected"},
    {CaseStatus::kWithdrawn, "withdrawn"},
};

std::optional<Date> readDate(const nlohmann::json& j) {
  if (!j.is_string()) return std::nullopt;
  return Date::parse(j.get<std::string>());
}
}  // namespace

const char* caseStatusName(CaseStatus s) {
  for (const auto& [k, n] : kStatusNames)
    if (k == s) return n;
  return "submitted";
}

std::optional<CaseStatus> parseCaseStatus(std::string_view s) {
  for (const auto& [k, n] : kStatusNames)
    if (s == n) return k;
  return std::nullopt;
}

bool isTerminal(CaseStatus s) {
  return s == CaseStatus::kCompleted || s == CaseStatus::kNotAccepted ||
         s == CaseStatus::kRejected || s == CaseStatus::kWithdrawn;
}

std::optional<Date> CaseState::noticeOwedBy() const {
  if (notice_answered_on || isTerminal(status)) return std::nullopt;
  return notice_due_on;
}

int CaseState::extendedWorkingDays() const {
  int total = 0;
  for (const auto& x : extensions) total += x.working_days;
  return total;
}

const std::vector<FlowStep>& caseFlow(const CaseState& c, const Item& item) {
  return c.flow ? *c.flow : item.flow;
}

const FlowStep* currentStep(const CaseState& c, const Item& item) {
  const auto& flow = caseFlow(c, item);
  if (c.step < 0 || static_cast<size_t>(c.step) >= flow.size()) return nullptr;
  return &flow[static_cast<size_t>(c.step)];
}

nlohmann::json eventJson(const Event& e) {
  return {{"seq", e.seq},   {"at", e.at.unix_seconds}, {"actor", e.actor}, {"action", e.action},
          {"step", e.step}, {"comment", e.comment},    {"data", e.data}};
}

Event eventFromJson(const nlohmann::json& j) {
  Event e;
  e.seq = j.at("seq");
  e.at.unix_seconds = j.at("at");
  e.actor = j.at("actor");
  e.action = j.at("action");
  e.step = j.at("step");
  e.comment = j.at("comment");
  e.data = j.value("data", nlohmann::json::object());
  return e;
}

nlohmann::json storageFixed(const CaseState& c) {
  nlohmann::json j = {{"case_no", c.case_no},
                      {"region", c.region},
                      {"item_code", c.item_code},
                      {"item_name", c.item_name},
                      {"channel", c.channel},
                      {"query_code", c.query_code},
                      {"applicant",
                       {{"kind", c.applicant.kind},
                        {"id_no", c.applicant.id_no},
                        {"name", c.applicant.name},
                        {"phone", c.applicant.phone}}},
                      {"conditions", c.conditions},
                      {"form", *c.form},
                      {"submitted_at", c.submitted_at.unix_seconds}};
  // Only a case that owes a one-time notice carries the key (rows of all others stay as they were).
  if (c.notice_due_on) j["notice_due_on"] = c.notice_due_on->str();
  if (c.flow) {
    j["flow"] = flowStepsJson(*c.flow);
    j["flow_id"] = c.flow_id;
    j["item_revision"] = c.item_revision;
  }
  return j;
}

std::string storageStateText(const CaseState& c) {
  // Keys in nlohmann's (std::map) order: the row's text is what storageState().dump() was before
  // this writer, byte for byte (case_state_test checks it against a re-dump).
  auto date = [](JsonWriter& w, const std::optional<Date>& d) -> JsonWriter& {
    return d ? w.str(d->str()) : w.null();
  };
  JsonWriter w;
  w.beginObject();
  date(w.key("accepted_on"), c.accepted_on);
  w.key("approvals").beginObject();
  std::map<std::string, const std::string*> approvals;  // sorted as text, as the keys are
  for (const auto& [k, v] : c.approvals) approvals.emplace(std::to_string(k), &v);
  for (const auto& [k, v] : approvals) w.key(k).str(*v);
  w.endObject();
  date(w.key("closed_on"), c.closed_on);
  date(w.key("due_on"), c.due_on);
  w.key("due_provisional").boolean(c.due_provisional);
  // Only a case that was extended carries the key (rows of all other cases stay as they were).
  if (!c.extensions.empty()) {
    w.key("extensions").beginArray();
    for (const auto& x : c.extensions)
      w.beginObject()
          .key("at")
          .num(x.at.unix_seconds)
          .key("by")
          .str(x.by)
          .key("reason")
          .str(x.reason)
          .key("seq")
          .num(x.seq)
          .key("working_days")
          .num(x.working_days)
          .endObject();
    w.endArray();
  }
  w.key("follow_up").str(c.follow_up);
  w.key("materials").beginObject();
  for (const auto& [k, v] : c.materials) w.key(k).str(v);
  w.endObject();
  w.key("notice").beginArray();
  for (const auto& m : c.notice)
    w.beginObject().key("id").str(m.id).key("name").str(m.name).endObject();
  w.endArray();
  if (c.notice_answered_on) w.key("notice_answered_on").str(c.notice_answered_on->str());
  w.key("paid_fen").num(c.paid_fen);
  w.key("pause_period").str(c.pause_period);
  w.key("paused_days").num(c.paused_days);
  date(w.key("paused_since"), c.paused_since);
  w.key("rating").str(c.rating);
  w.key("rating_reason").str(c.rating_reason);
  w.key("status").str(caseStatusName(c.status));
  w.key("step").num(c.step);
  w.endObject();
  return w.take();
}

nlohmann::json storageState(const CaseState& c) {
  return nlohmann::json::parse(storageStateText(c));
}

nlohmann::json toStorage(const CaseState& c) {
  // Events are stored in their own table; the row holds the projection only.
  nlohmann::json j = storageFixed(c);
  j.update(storageState(c));
  return j;
}

CaseState fromStorage(const nlohmann::json& j) {
  CaseState c;
  c.case_no = j.at("case_no");
  c.region = j.at("region");
  c.item_code = j.at("item_code");
  c.item_name = j.at("item_name");
  c.channel = j.at("channel");
  c.query_code = j.value("query_code", "");
  const auto& a = j.at("applicant");
  c.applicant = {a.at("kind"), a.at("id_no"), a.at("name"), a.at("phone")};
  c.conditions = j.at("conditions").get<std::set<std::string>>();
  c.form = std::make_shared<const nlohmann::json>(j.at("form"));
  c.materials = j.at("materials").get<MaterialStatus>();
  // Rows written before flows were pinned have none: they run on the item's current flow.
  if (j.contains("flow")) {
    auto flow = flowStepsFromJson(j.at("flow"));
    if (!flow) throw std::runtime_error(flow.error().message);
    c.flow = std::make_shared<const std::vector<FlowStep>>(std::move(*flow));
    c.flow_id = j.value("flow_id", "");
    c.item_revision = j.value("item_revision", "");
  }
  c.status = parseCaseStatus(j.at("status").get<std::string>()).value_or(CaseStatus::kSubmitted);
  c.step = j.at("step");
  c.submitted_at.unix_seconds = j.at("submitted_at");
  c.accepted_on = readDate(j.at("accepted_on"));
  c.due_on = readDate(j.at("due_on"));
  c.due_provisional = j.value("due_provisional", false);
  c.closed_on = readDate(j.at("closed_on"));
  c.paused_since = readDate(j.at("paused_since"));
  c.pause_period = j.at("pause_period");
  c.paused_days = j.at("paused_days");
  for (const auto& [k, v] : j.at("approvals").items()) c.approvals[std::stoi(k)] = v;
  for (const auto& m : j.at("notice")) c.notice.push_back({m.at("id"), m.at("name")});
  if (j.contains("notice_due_on")) c.notice_due_on = readDate(j.at("notice_due_on"));
  if (j.contains("notice_answered_on")) c.notice_answered_on = readDate(j.at("notice_answered_on"));
  c.paid_fen = j.at("paid_fen");
  c.rating = j.at("rating");
  c.rating_reason = j.at("rating_reason");
  c.follow_up = j.at("follow_up");
  if (j.contains("extensions"))
    for (const auto& x : j.at("extensions"))
      c.extensions.push_back({x.at("seq"), Instant{x.at("at").get<int64_t>()}, x.at("by"),
                              x.at("working_days"), x.at("reason")});
  return c;
}

}  // namespace jingban
