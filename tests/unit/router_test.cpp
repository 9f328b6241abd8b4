// The router: the most specific pattern that matches a path decides, whatever order the routes
// were added in; a known path with another method is 405, an unknown path 404.
#include "http/router.hpp"

#include <gtest/gtest.h>

#include <string>

namespace jingban {
namespace {

struct Hit {
  int status = 0;
  std::string body, route;
};

Hit call(const Router& r, const std::string& method, const std::string& path) {
  HttpRequest req;
  req.method = method;
  req.path = path;
  Hit hit;
  r.dispatch(std::move(req), [&](HttpResponse res) {
    hit.status = res.status;
    hit.body = res.body;
  });
  return hit;
}

Router routes() {
  Router r;
  auto answer = [](std::string name) {
    return [name](HttpRequest&& req, const Params& p, Responder res) {
      std::string body = name;
      for (const auto& [k, v] : p) body += " " + k + "=" + v;
      body += " @" + std::string(req.route);
      res({200, "text/plain", body});
    };
  };
  // Added least specific first on purpose.
  r.add("POST", "/api/v1/cases/{case_no}/{action}", answer("action"));
  r.add("GET", "/api/v1/cases/{case_no}", answer("case"));
  r.add("GET", "/api/v1/cases/{case_no}/record.html", answer("record"));
  r.add("GET", "/api/v1/regions/{region}/items", answer("items"));
  r.add("GET", "/api/v1/regions/{region}/items/{code}", answer("item"));
  r.add("GET", "/api/v1/regions/{region}/items/{code}/guide", answer("guide"));
  return r;
}

TEST(Router, TheMostSpecificPatternWinsWhateverTheOrderOfAdding) {
  Router r = routes();
  EXPECT_EQ(call(r, "GET", "/api/v1/cases/C1/record.html").body,
            "record case_no=C1 @/api/v1/cases/{case_no}/record.html");
  EXPECT_EQ(call(r, "POST", "/api/v1/cases/C1/accept").body,
            "action action=accept case_no=C1 @/api/v1/cases/{case_no}/{action}");
  EXPECT_EQ(call(r, "GET", "/api/v1/regions/qinghai/items/001/guide").body,
            "guide code=001 region=qinghai @/api/v1/regions/{region}/items/{code}/guide");
}

TEST(Router, AKnownPathWithAnotherMethodIs405EvenWhereALooserPatternTakesTheMethod) {
  Router r = routes();
  // POST …/record.html is the page's path, not the action "record.html".
  Hit h = call(r, "POST", "/api/v1/cases/C1/record.html");
  EXPECT_EQ(h.status, 405);
  EXPECT_NE(h.body.find("method_not_allowed"), std::string::npos);
  EXPECT_EQ(call(r, "DELETE", "/api/v1/cases/C1").status, 405);
}

TEST(Router, UnknownPathsAre404AndNotEchoed) {
  Router r = routes();
  for (const char* p : {"/api/v1/cases", "/api/v1/nothing-zzq", "/api/v1/cases/C1/a/b-zzq", "/"}) {
    Hit h = call(r, "GET", p);
    EXPECT_EQ(h.status, 404) << p;
    EXPECT_EQ(h.body.find("zzq"), std::string::npos) << p;
  }
}

}  // namespace
}  // namespace jingban
