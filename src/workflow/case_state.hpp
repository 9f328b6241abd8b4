// A case (办件): the projection of its event log. Pure data plus its storage form.
#pragma once

#include <algorithm>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "calendar/date.hpp"
#include "catalog/checklist.hpp"

namespace jingban {

enum class CaseStatus {
  kSubmitted,    // 已申请, waiting for 受理
  kSupplement,   // 退回补正: waiting for the applicant's missing materials
  kInProgress,   // 已受理, at a flow step
  kCompleted,    // 已办结
  kNotAccepted,  // 不予受理
  kRejected,     // 审核不通过
  kWithdrawn,    // 已撤回
};
const char* caseStatusName(CaseStatus s);
std::optional<CaseStatus> parseCaseStatus(std::string_view s);
bool isTerminal(CaseStatus s);

struct Event {
  int seq = 0;
  Instant at;
  std::string actor;  // staff username, or "applicant"
  std::string action;
  std::string step;  // the flow step acted on
  std::string comment;
  nlohmann::json data = nlohmann::json::object();
  std::string hash;  // chained over the previous event (workflow/event_chain.hpp); set on commit
};

// A case's events, oldest first. An event is immutable once appended and shared between the
// successive states of its case: copying a CaseState (every action starts from a copy) copies
// pointers, not events — the 初审 event of a reimbursement carries its whole 结算单. Read like a
// const vector; the one event being made is changed through mutableBack() (copied first if
// another state shares it).
class EventLog {
  using Ptr = std::shared_ptr<Event>;  // never changed once shared (mutableAt copies first)
  using Base = std::vector<Ptr>::const_iterator;

 public:
  using value_type = Event;
  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = Event;
    using difference_type = std::ptrdiff_t;
    using pointer = const Event*;
    using reference = const Event&;
    const_iterator() = default;
    explicit const_iterator(Base it) : it_(it) {}
    reference operator*() const { return **it_; }
    pointer operator->() const { return it_->get(); }
    reference operator[](difference_type n) const { return *it_[n]; }
    const_iterator& operator++() { return ++it_, *this; }
    const_iterator operator++(int) { return const_iterator(it_++); }
    const_iterator& operator--() { return --it_, *this; }
    const_iterator operator--(int) { return const_iterator(it_--); }
    const_iterator& operator+=(difference_type n) { return it_ += n, *this; }
    const_iterator& operator-=(difference_type n) { return it_ -= n, *this; }
    friend const_iterator operator+(const_iterator a, difference_type n) { return a += n; }
    friend const_iterator operator+(difference_type n, const_iterator a) { return a += n; }
    friend const_iterator operator-(const_iterator a, difference_type n) { return a -= n; }
    friend difference_type operator-(const const_iterator& a, const const_iterator& b) {
      return a.it_ - b.it_;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) = default;
    friend auto operator<=>(const const_iterator& a, const const_iterator& b) {
      return a.it_ <=> b.it_;
    }

   private:
    Base it_;
  };
  using iterator = const_iterator;
  using const_reverse_iterator = std::reverse_iterator<const_iterator>;

  EventLog() = default;
  EventLog(std::vector<Event> events) {  // NOLINT: a vector of events is an event log
    for (auto& e : events) push_back(std::move(e));
  }

  size_t size() const { return v_.size(); }
  bool empty() const { return v_.empty(); }
  const Event& operator[](size_t i) const { return *v_[i]; }
  const Event& front() const { return *v_.front(); }
  const Event& back() const { return *v_.back(); }
  const_iterator begin() const { return const_iterator(v_.begin()); }
  const_iterator end() const { return const_iterator(v_.end()); }
  const_reverse_iterator rbegin() const { return const_reverse_iterator(end()); }
  const_reverse_iterator rend() const { return const_reverse_iterator(begin()); }

  void push_back(Event e) { v_.push_back(std::make_shared<Event>(std::move(e))); }
  void reserve(size_t n) { v_.reserve(n); }
  void clear() { v_.clear(); }
  void pop_back() { v_.pop_back(); }
  void resize(size_t n) { v_.resize(std::min(n, v_.size())); }  // shrinks only
  // The event at `i`, to change while it is being made (its hash, the effect's record): a copy of
  // its own first when another state shares it.
  Event& mutableAt(size_t i) {
    if (v_[i].use_count() > 1) v_[i] = std::make_shared<Event>(*v_[i]);
    return *v_[i];  // owned by this log alone now
  }
  Event& mutableBack() { return mutableAt(v_.size() - 1); }
  std::vector<Event> copy() const { return {begin(), end()}; }

 private:
  std::vector<Ptr> v_;
};

struct Applicant {
  std::string kind;   // unit | person | institution
  std::string id_no;  // 公民身份号码 or 统一社会信用代码, validated
  std::string name;
  std::string phone;
};

// One approved extension of the case's limit (遇特殊情况适当延长): who approved it, when, by how
// many working days and why. The event `extend` records it; the projection keeps the list.
struct Extension {
  int seq = 0;  // the event that recorded it
  Instant at;
  std::string by;
  int working_days = 0;
  std::string reason;
};

// The alphabet of query codes (查询码): no 0/O, 1/I, which people misread on a receipt.
inline constexpr std::string_view kQueryCodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
inline constexpr size_t kQueryCodeLength = 8;

struct CaseState {
  std::string case_no, region, item_code, item_name, channel;
  std::string query_code;  // 查询码: printed on the receipt; progress and applicant actions need it
  Applicant applicant;
  std::set<std::string> conditions;
  // What 申请 fixed never changes: shared between the successive states of a case, not copied.
  std::shared_ptr<const nlohmann::json> form =
      std::make_shared<const nlohmann::json>(nlohmann::json::object());
  MaterialStatus materials;
  // The flow the case was opened with (pinned at 申请, stored in the fixed part): the case runs on
  // it whatever later edits of the catalog do. Null only for a case stored before flows were
  // pinned; it then runs on the item's current flow (caseFlow).
  std::shared_ptr<const std::vector<FlowStep>> flow;
  std::string flow_id;        // the alternative flow chosen at 申请, "" for the item's default
  std::string item_revision;  // Item::revision at 申请
  CaseStatus status = CaseStatus::kSubmitted;
  int step = 0;  // index into the case's flow: 0 = 受理
  Instant submitted_at;
  std::optional<Date> accepted_on, due_on, closed_on;
  bool due_provisional = false;  // due_on counted over a year whose holiday notice is not loaded
  std::optional<Date> paused_since;
  std::string pause_period;              // "supplement" (补正) or an uncounted period id
  int paused_days = 0;                   // working days already paused
  std::vector<Extension> extensions;     // approved extensions, in order; due_on counts them
  std::map<int, std::string> approvals;  // review step index → who approved it
  std::vector<MissingMaterial> notice;   // the latest 一次性告知
  // Items with a notice limit (Item::notice_limit): the day by which the application must be
  // answered (a return with the 一次性告知, an acceptance or a refusal), counted at 申请 and
  // recorded in its event (pinned: a later catalog edit does not move it), and the day it was
  // first answered. A resubmission after 补正 does not restart it: the notice is owed once.
  std::optional<Date> notice_due_on, notice_answered_on;
  int64_t paid_fen = 0;
  std::string rating, rating_reason, follow_up;  // follow_up: "" | open | resolved
  EventLog events;

  int version() const { return static_cast<int>(events.size()); }
  // The day by which the one-time notice is still owed: notice_due_on while the application is
  // unanswered and the case open, nullopt otherwise (what supervision counts, and the stored
  // column `cases.notice_due_on` that lists filter on).
  std::optional<Date> noticeOwedBy() const;
  // The working days all approved extensions add to the limit.
  int extendedWorkingDays() const;
};

// The flow a case runs on: its pinned flow, else (a case stored before pinning) the item's.
const std::vector<FlowStep>& caseFlow(const CaseState& c, const Item& item);
// The step the case is at, or null when its index lies outside its flow.
const FlowStep* currentStep(const CaseState& c, const Item& item);

// The storage form: what 申请 fixes (applicant, form, conditions …; written once) and what the
// actions change (rewritten at every step), and both merged. fromStorage reads the merged form.
nlohmann::json storageFixed(const CaseState& c);
nlohmann::json storageState(const CaseState& c);
// storageState's text, written without a tree (every action rewrites it): equal to
// storageState(c).dump().
std::string storageStateText(const CaseState& c);
nlohmann::json toStorage(const CaseState& c);
CaseState fromStorage(const nlohmann::json& j);
nlohmann::json eventJson(const Event& e);
Event eventFromJson(const nlohmann::json& j);

}  // namespace jingban
