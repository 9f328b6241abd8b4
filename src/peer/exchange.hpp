// The documents of transfers between regions (registers/transfer.hpp) on their way: a sender
// thread delivers each outgoing document (a transfer_outbox entry, written with the stage that
// sends it) to the region it is for — on this server through the same receipt as a peer's, on
// another server over HTTP (`serve --peer REGION=URL`), authenticated both ways by a shared key
// (HMAC-SHA256 over method, path, timestamp and body) — with retries and backoff until the
// receiver acknowledges it; and the inbox, which applies a document once per message id.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "calendar/date.hpp"
#include "calendar/work_calendar.hpp"
#include "registers/transfer.hpp"
#include "store/committer.hpp"
#include "store/peer_delivery_store.hpp"
#include "store/store.hpp"

namespace jingban::peer {

inline constexpr const char* kInboxPath = "/api/v1/peer/transfers/messages";
inline constexpr int64_t kMaxClockSkewSeconds = 300;  // an older or newer signature is refused

struct Options {
  std::vector<std::string> local_regions;    // the regions this server serves
  std::map<std::string, std::string> peers;  // region → base URL of the server that serves it
  std::string key;                           // the shared key (the key file's text); "" = none
};

// "REGION=URL" of --peer; an error message in Chinese when malformed.
std::optional<std::string> parsePeer(const std::string& text,
                                     std::map<std::string, std::string>& out);
// The shared key from a file: its text without surrounding white space, at least 16 characters.
Result<std::string> readKeyFile(const std::string& path);

// The Authorization header of a request signed with `key` at `unix_seconds`, and its check.
std::string signRequest(const std::string& key, const std::string& method, const std::string& path,
                        int64_t unix_seconds, const std::string& body);
Result<void> verifyRequest(const std::string& key, const std::string& authorization,
                           const std::string& method, const std::string& path,
                           const std::string& body, int64_t now_unix_seconds);

// What was delivered (store/peer_delivery_store.hpp: a table of the database, its own
// connection, implemented in store/sqlite).
using Delivery = PeerDelivery;

class Exchange {
 public:
  Exchange(Store& store, Committer& committer, std::shared_ptr<const WorkCalendar> calendar,
           Clock clock, Options options, std::unique_ptr<PeerDeliveryStore> log);
  ~Exchange();  // stop()
  void start();
  void stop();

  bool serves(const std::string& region) const;
  // POST kInboxPath from a peer: the signature first (401 on a bad or stale one), then receive().
  void inbox(const std::string& authorization, const std::string& body,
             std::function<void(Result<nlohmann::json>)> done);
  // One document for a region of this server: applied in one unit of work with its receipt (an
  // import batch named after the message id); a message id received before is answered the same
  // and changes nothing.
  void receive(const transfer::Message& m, std::function<void(Result<nlohmann::json>)> done);
  // The contract of GET /regions/{region}/transfers?id_no=: each stage's due date counted from the
  // day it started (5 working days, the calendar's 暂定 rule past the loaded years).
  Result<nlohmann::json> transfers(const std::string& region, const std::string& id_no);
  // Outgoing documents not delivered yet (for the staff page and the tests).
  Result<nlohmann::json> pending(const std::string& region);

 private:
  void run();
  void round();
  // true: delivered (or applied here); false with `error` set and `permanent` when not to retry.
  bool deliver(const nlohmann::json& message, std::string& error, bool& permanent);
  bool isStopping();

  Store& store_;
  Committer& committer_;
  std::shared_ptr<const WorkCalendar> calendar_;
  Clock clock_;
  Options options_;
  std::unique_ptr<PeerDeliveryStore> log_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::map<std::string, Delivery> deliveries_;  // by message id
  std::thread thread_;
};

}  // namespace jingban::peer
