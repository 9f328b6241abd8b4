#include "http/router.hpp"

#include <nlohmann/json.hpp>

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
  routes_.push_back({method, splitPath(pattern), std::move(h)});
}

void Router::dispatch(HttpRequest&& req, Responder respond) const {
  auto parts = splitPath(req.path);
  bool pathKnown = false;
  for (const auto& r : routes_) {
    if (r.parts.size() != parts.size()) continue;
    Params params;
    bool match = true;
    for (size_t i = 0; i < parts.size() && match; ++i) {
      const auto& p = r.parts[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}')
        params[p.substr(1, p.size() - 2)] = parts[i];
      else
        match = p == parts[i];
    }
    if (!match) continue;
    pathKnown = true;
    if (r.method != req.method) continue;
    return r.handler(std::move(req), params, std::move(respond));
  }
  nlohmann::json e = {
      {"error",
       {{"code", pathKnown ? "method_not_allowed" : "not_found"},
        {"message", pathKnown ? "该地址不支持此请求方法" : "没有这个接口：" + req.path}}}};
  respond({pathKnown ? 405 : 404, "application/json; charset=utf-8", e.dump()});
}

}  // namespace jingban
