#include "http/router.hpp"

namespace jingban {

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    if (slash > pos) out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

void Router::add(const std::string& method, const std::string& pattern, RouteHandler h) {
  routes_.push_back({method, pattern, splitPath(pattern), std::move(h)});
}

void Router::dispatch(HttpRequest&& req, Responder respond) const {
  auto parts = splitPath(req.path);
  bool pathKnown = false;
  auto placeholder = [](const std::string& p) {
    return p.size() > 2 && p.front() == '{' && p.back() == '}';
  };
  for (const auto& r : routes_) {
    if (r.parts.size() != parts.size()) continue;
    // Literal parts first: the parameter map is built only for the route that matches.
    bool match = true;
    for (size_t i = 0; i < parts.size() && match; ++i)
      match = placeholder(r.parts[i]) || r.parts[i] == parts[i];
    if (!match) continue;
    pathKnown = true;
    if (r.method != req.method) continue;
    Params params;
    for (size_t i = 0; i < parts.size(); ++i)
      if (placeholder(r.parts[i]))
        params[r.parts[i].substr(1, r.parts[i].size() - 2)] = std::move(parts[i]);
    req.route = r.pattern;
    return r.handler(std::move(req), params, std::move(respond));
  }
  static const std::string kNotFound = R"({"error":{"code":"not_found","message":"没有这个接口"}})";
  static const std::string kNotAllowed =
      R"({"error":{"code":"method_not_allowed","message":"该地址不支持此请求方法"}})";
  respond({pathKnown ? 405 : 404, "application/json; charset=utf-8",
           pathKnown ? kNotAllowed : kNotFound});
}

}  // namespace jingban
