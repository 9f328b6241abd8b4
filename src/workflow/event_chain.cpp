#include "workflow/event_chain.hpp"

#include "common/hash.hpp"

namespace jingban {

std::string chainHash(const std::string& previous_hash, const std::string& case_no,
                      const Event& e) {
  std::string in;
  in.reserve(256);
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
  in += e.data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return sha256Hex(in);
}

void chainEvents(const std::string& case_no, std::vector<Event>& events, size_t from) {
  for (size_t i = from; i < events.size(); ++i)
    events[i].hash = chainHash(i == 0 ? std::string() : events[i - 1].hash, case_no, events[i]);
}

}  // namespace jingban
