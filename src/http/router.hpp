// Method + path-pattern routing ("/api/v1/cases/{case_no}/{action}"). The router stamps the
// matched pattern on the request (HttpRequest::route) for the request log and metrics.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "http/server.hpp"

namespace jingban {

using Params = std::map<std::string, std::string>;
using RouteHandler = std::function<void(HttpRequest&&, const Params&, Responder)>;

class Router {
 public:
  // Add every route before the first dispatch: requests keep pointers to the patterns.
  void add(const std::string& method, const std::string& pattern, RouteHandler h);
  // 404 for an unknown path, 405 for a known path with another method; neither echoes the path.
  void dispatch(HttpRequest&& req, Responder respond) const;
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> parts;
    RouteHandler handler;
  };

 private:
  std::vector<Route> routes_;
};

std::vector<std::string> splitPath(const std::string& path);

}  // namespace jingban
