#include "workflow/event_chain.hpp"

#include "common/hash.hpp"

namespace jingban {

namespace {
std::string hashOf(const std::string& previous_hash, const std::string& case_no, const Event& e,
                   const std::string& data_text) {
  std::string in;
  in.reserve(256 + data_text.size());
  in += previous_hash;
  in += '\n';
  in += case_no;
  in += '\n';
  in += std::to_string(e.seq);
  in += '\n';
  in += std::to_string(e.at.unix_seconds);
  in += '\n';
  in += e.actor;
  in += '\n';
  in += e.action;
  in += '\n';
  in += e.step;
  in += '\n';
  in += e.comment;
  in += '\n';
  in += data_text;
  return sha256Hex(in);
}
}  // namespace

std::string eventDataText(const Event& e) {
  return e.data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string chainHash(const std::string& previous_hash, const std::string& case_no,
                      const Event& e) {
  return hashOf(previous_hash, case_no, e, eventDataText(e));
}

std::vector<std::string> chainEvents(const std::string& case_no, std::vector<Event>& events,
                                     size_t from) {
  std::vector<std::string> texts;
  texts.reserve(events.size() > from ? events.size() - from : 0);
  for (size_t i = from; i < events.size(); ++i) {
    texts.push_back(eventDataText(events[i]));
    events[i].hash =
        hashOf(i == 0 ? std::string() : events[i - 1].hash, case_no, events[i], texts.back());
  }
  return texts;
}

std::vector<std::string> chainEvents(const std::string& case_no, EventLog& events, size_t from) {
  std::vector<std::string> texts;
  texts.reserve(events.size() > from ? events.size() - from : 0);
  for (size_t i = from; i < events.size(); ++i) {
    Event& e = events.mutableAt(i);
    texts.push_back(eventDataText(e));
    e.hash = hashOf(i == 0 ? std::string() : events[i - 1].hash, case_no, e, texts.back());
  }
  return texts;
}

}  // namespace jingban
