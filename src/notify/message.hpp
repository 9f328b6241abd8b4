// Notifications to applicants (受理, 补正, 办结, the follow-up of a poor rating): which events call
// for a message, the message's text, and the retry schedule. Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/outbox_store.hpp"

namespace jingban::notify {

// The case actions that make a message: accept, return, complete, resolve_follow_up.
const std::vector<std::string>& notifyActions();
// accepted | supplement | completed | follow_up for one of those actions, else nothing.
std::optional<std::string> kindOfAction(std::string_view action);

// The message text (Chinese): the case number and the item's name, never the applicant's ID
// number or name (a text message may be read by someone else holding the phone).
std::string composeText(std::string_view kind, std::string_view case_no,
                        std::string_view item_name);

// The outbox row an event makes: id "<case_no>:<seq>", pending, due at `now`, created at the
// event's time. Nothing when the action makes no message.
std::optional<OutboxMessage> messageOf(const NotifyEvent& e, int64_t now);

// Attempts a message gets before it is marked failed.
inline constexpr int kMaxAttempts = 10;
// Seconds to wait after the `attempts`-th failed attempt (1, 2, 4 … capped at 10 minutes).
int64_t backoffSeconds(int attempts);

// 138****5678: what logs and lists show of a phone number.
std::string maskPhone(std::string_view phone);

}  // namespace jingban::notify
