#include "http/api.hpp"
#include "http/json_io.hpp"
#include "http/rate_limit.hpp"

namespace jingban {

using nlohmann::json;

namespace {
// Sign-ins waiting for the hashing thread. Each argon2 verification takes ~0.1–0.2 s, so a full
// queue is about a second and a half of waiting; beyond it the answer is "busy" at once instead of
// a flood of wrong passwords delaying everyone else's sign-in (issue 5: 150 attempts cost 35 s).
constexpr size_t kHashingQueueCapacity = 8;
}  // namespace

void postHashing(WorkQueue& hashing, const Responder& res, std::function<void()> job) {
  if (hashing.tryPost(std::move(job), kHashingQueueCapacity)) return;
  Error e{ErrorCode::kUnavailable, "busy", "登录请求过多，系统繁忙，请稍后重试"};
  e.retry_after = 2;
  res(errorResponse(e));
}

void addSessionRoutes(Router& R, ApiDeps& d, WorkQueue& hashing) {
  R.add("POST", "/api/v1/session", [&d, &hashing](HttpRequest&& req, const Params&, Responder res) {
    auto body = parseBody(req);
    if (!body) return res(errorResponse(body.error()));
    auto user = str(*body, "username", true);
    auto pass = str(*body, "password", true);
    if (!user) return res(errorResponse(user.error()));
    if (!pass) return res(errorResponse(pass.error()));
    if (d.limits)
      if (auto l = d.limits->check(RateKind::kSignin, req.remote_address, *user); !l)
        return res(errorResponse(l.error()));
    // Verifying an argon2id hash takes ~100 ms of CPU: do it on the hashing thread.
    postHashing(hashing, res, [&d, user = *user, pass = *pass, res] {
      auto token = d.auth.signIn(user, pass);
      if (!token) return res(errorResponse(token.error()));
      auto actor = d.auth.authenticate("Bearer " + *token);
      if (!actor) return res(errorResponse(actor.error()));
      HttpResponse r = ok(
          {{"token", *token},
           {"staff",
            {{"username", actor->username}, {"region", actor->region}, {"roles", actor->roles}}}},
          201);
      r.actor = actor->username;
      res(std::move(r));
    });
  });

  R.add("DELETE", "/api/v1/session", [&d](HttpRequest&& req, const Params&, Responder res) {
    auto actor = d.auth.authenticate(req.authorization);
    if (!actor) return res(errorResponse(actor.error()));
    if (auto r = d.auth.signOut(req.authorization); !r) return res(errorResponse(r.error()));
    HttpResponse r{204, "", ""};  // no content, so no content type
    r.actor = actor->username;
    res(std::move(r));
  });
}

}  // namespace jingban
