#include "cases/case_json.hpp"
#include "catalog/guide.hpp"
#include "http/api.hpp"
#include "http/json_io.hpp"

namespace jingban {

using nlohmann::json;

void addSessionRoutes(Router& R, ApiDeps& d, WorkQueue& hashing) {
  R.add("POST", "/api/v1/session", [&d, &hashing](HttpRequest&& req, const Params&, Responder res) {
    auto body = parseBody(req);
    if (!body) return res(errorResponse(body.error()));
    auto user = str(*body, "username", true);
    auto pass = str(*body, "password", true);
    if (!user) return res(errorResponse(user.error()));
    if (!pass) return res(errorResponse(pass.error()));
    // Verifying an argon2id hash takes ~100 ms of CPU: do it on the hashing thread.
    hashing.post([&d, user = *user, pass = *pass, res] {
      auto token = d.auth.signIn(user, pass);
      if (!token) return res(errorResponse(token.error()));
      auto actor = d.auth.authenticate("Bearer " + *token);
      if (!actor) return res(errorResponse(actor.error()));
      res(ok(
          {{"token", *token},
           {"staff",
            {{"username", actor->username}, {"region", actor->region}, {"roles", actor->roles}}}},
          201));
    });
  });
}

}  // namespace jingban
